import { createHash } from 'node:crypto'
import type SQLite from 'better-sqlite3'
import { sql, type Kysely } from 'kysely'
import { SECRET_KEYS, type MethodName } from '../../../shared/api'
import type { Actor, ChangeEvent } from '../context'
import type { Database } from '../db/schema'
import { GENESIS_HASH, entryHash, type HashedRow } from './chain'

/** Tables that hold no clinic data, so nothing captures them: sign-in sessions, the search index, the journal itself. */
/** Tables that hold no clinic data of their own: sessions, the journal, and data derived from journaled rows. */
export const NOT_JOURNALED = ['sessions', 'journal', 'journal_rows', 'sqlite_sequence', 'kysely_migration', 'kysely_migration_lock', 'appointment_cell_hours']
export const NOT_JOURNALED_PREFIXES = ['patient_search']

export const isJournaled = (table: string) => !NOT_JOURNALED.includes(table) && !NOT_JOURNALED_PREFIXES.some((p) => table.startsWith(p))

/** The journal entry whose transaction is open on the writer connection, if any. */
export interface JournalCursor {
  seq: number | null
}

/** The capture triggers ask this function which entry a changed row belongs to. */
export function registerJournalFunction(sqlite: SQLite.Database, cursor: JournalCursor): void {
  sqlite.function('docspot_journal_seq', { deterministic: false }, () => cursor.seq)
}

export interface OpenEntry {
  seq: number
  at: string
  method: MethodName
  actor: Actor
  device: string | null
  input: string
  prevHash: string
  ids: string[]
  numbers: Array<{ kind: string; value: number }>
}

/** The input as the journal keeps it: secrets withheld, file bytes replaced by their hash and size. */
export function journalInput(input: unknown): unknown {
  if (input instanceof Uint8Array) return { sha256: createHash('sha256').update(input).digest('hex'), bytes: input.byteLength }
  if (Array.isArray(input)) return input.map(journalInput)
  if (input && typeof input === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(input)) out[key] = (SECRET_KEYS as readonly string[]).includes(key) ? '[withheld]' : journalInput(value)
    return out
  }
  return input
}

/** Opens the call's entry inside its transaction; from here the capture triggers file rows under it. */
export async function openEntry(db: Kysely<Database>, cursor: JournalCursor, call: { at: string; method: MethodName; actor: Actor; device: string | null; input: unknown }): Promise<OpenEntry> {
  if (cursor.seq !== null) throw new Error(`journal entry ${cursor.seq} is still open`)
  const last = await db.selectFrom('journal').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
  const entry: OpenEntry = {
    seq: (last?.seq ?? 0) + 1,
    at: call.at,
    method: call.method,
    actor: call.actor,
    device: call.device,
    input: JSON.stringify(journalInput(call.input) ?? {}),
    prevHash: last?.hash ?? GENESIS_HASH,
    ids: [],
    numbers: []
  }
  await db
    .insertInto('journal')
    .values({ seq: entry.seq, at: entry.at, method: entry.method, prev_hash: entry.prevHash, input: entry.input, hash: null })
    .execute()
  cursor.seq = entry.seq
  return entry
}

/** The next running number of a kind ('patient', …), inside the caller's transaction: two desks never get the same one. */
export async function takeNumber(db: Kysely<Database>, kind: string): Promise<number> {
  const { value } = await db
    .insertInto('counters')
    .values({ kind, value: 1 })
    .onConflict((oc) => oc.column('kind').doUpdateSet((eb) => ({ value: eb('counters.value', '+', 1) })))
    .returning('value')
    .executeTakeFirstOrThrow()
  return value
}

/** Closes the entry: counts and hashes the rows captured under it. Still inside the transaction. */
export async function sealEntry(db: Kysely<Database>, cursor: JournalCursor, entry: OpenEntry): Promise<HashedRow[]> {
  cursor.seq = null
  const { rows } = await sql<HashedRow>`select tbl, row_key, op, data, patient_id from journal_rows where seq = ${entry.seq} order by id`.execute(db)
  const allocated = JSON.stringify(entry.ids.length || entry.numbers.length ? { ids: entry.ids, numbers: entry.numbers } : {})
  const sealed = {
    seq: entry.seq,
    at: entry.at,
    method: entry.method,
    user_id: entry.actor.userId,
    role: entry.actor.role,
    job: entry.actor.job,
    device: entry.device,
    allocated,
    input: entry.input,
    prev_hash: entry.prevHash
  }
  await db
    .updateTable('journal')
    .set({ user_id: sealed.user_id, role: sealed.role, job: sealed.job, device: sealed.device, allocated, row_count: rows.length, hash: entryHash(sealed, rows) })
    .where('seq', '=', entry.seq)
    .execute()
  return rows
}

/** More changed rows than this in one table, and the event says "all of them" instead of listing ids. */
export const EVENT_ID_LIMIT = 200

/** The change event a committed entry publishes: the tables and exact ids it touched. */
export function changeEvent(entry: OpenEntry, rows: HashedRow[]): ChangeEvent {
  const ids = new Map<string, Set<string>>()
  const add = (table: string, id: string) => {
    let set = ids.get(table)
    if (!set) ids.set(table, (set = new Set()))
    set.add(id)
  }
  for (const row of rows) {
    add(row.tbl, row.row_key)
    if (row.patient_id) add('patients', row.patient_id)
  }
  const changed: Record<string, string[]> = {}
  const all: string[] = []
  for (const [table, set] of ids) {
    if (set.size > EVENT_ID_LIMIT) all.push(table)
    else changed[table] = [...set]
  }
  return { seq: entry.seq, method: entry.method, at: entry.at, by: entry.actor.userId, changed, all }
}
