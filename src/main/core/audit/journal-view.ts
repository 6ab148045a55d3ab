import { DateTime } from 'luxon'
import { sql } from 'kysely'
import { api, isMethodName, type JournalEntry, type MethodSpec, type JournalFilter, type JournalRowChange, type Role } from '../../../shared/api'
import type { Selectable } from 'kysely'
import type { ReadDb } from '../db/read-only'
import type { JournalTable } from '../db/schema'

/** The reads that are journaled, and the input fields naming their patient. */
const READ_AUDITED = Object.entries(api).filter(([, spec]) => (spec as MethodSpec).auditRead).map(([name]) => name)
const READ_FIELDS = [...new Set(Object.values(api).map((spec) => (spec as MethodSpec).auditRead).filter((f): f is string => !!f))]

/** Columns never shown: hashes of secrets, and derived keys nobody typed. */
const HIDDEN = new Set(['password_hash', 'name_key', 'seq'])
/** Bookkeeping columns every update touches: not "what changed". */
const BOOKKEEPING = new Set(['updated_at', 'updated_by', 'created_at', 'created_by'])
const ROWS_SHOWN = 10

/** Column names as staff say them; others lose their underscores. */
const WORDS: Record<string, string> = {
  name: 'name',
  phone: 'phone',
  email: 'email',
  date_of_birth: 'date of birth',
  gender: 'gender',
  address_line: 'address',
  postal_code: 'postal code',
  medical_history: 'medical history',
  chronic_conditions: 'chronic conditions',
  archived_at: 'archived',
  archived_reason: 'archive reason',
  photo_sha256: 'photo',
  merged_into: 'merged into',
  undone_at: 'undone',
  undone_by: 'undone by',
  value: 'value'
}
const inWords = (column: string) => WORDS[column] ?? column.replace(/_/g, ' ')

type EntryRow = Omit<Selectable<JournalTable>, 'allocated' | 'prev_hash'> & { userName: string | null }

/** A clinic day range → UTC instants, so "10 March" means the clinic's 10 March. */
function dayBounds(filter: JournalFilter, timeZone: string): { from?: string; to?: string } {
  const at = (day: string) => DateTime.fromISO(day, { zone: timeZone })
  return {
    from: filter.from ? at(filter.from).startOf('day').toUTC().toISO()! : undefined,
    to: filter.to ? at(filter.to).plus({ days: 1 }).startOf('day').toUTC().toISO()! : undefined
  }
}

export async function findEntries(db: ReadDb, filter: JournalFilter & { beforeSeq?: number }, timeZone: string, limit: number): Promise<EntryRow[]> {
  const { from, to } = dayBounds(filter, timeZone)
  return db
    .selectFrom('journal')
    .leftJoin('users', 'users.id', 'journal.user_id')
    .select(['journal.seq', 'journal.at', 'journal.method', 'journal.user_id', 'journal.role', 'journal.job', 'journal.device', 'journal.input', 'journal.row_count', 'journal.hash', 'users.name as userName'])
    .$if(filter.userId !== undefined, (q) => q.where('journal.user_id', '=', filter.userId!))
    .$if(filter.method !== undefined, (q) => q.where('journal.method', '=', filter.method!))
    .$if(from !== undefined, (q) => q.where('journal.at', '>=', from!))
    .$if(to !== undefined, (q) => q.where('journal.at', '<', to!))
    .$if(filter.beforeSeq !== undefined, (q) => q.where('journal.seq', '<', filter.beforeSeq!))
    .$if(filter.patientId !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('journal.seq', 'in', eb.selectFrom('journal_rows').select('journal_rows.seq').where('journal_rows.patient_id', '=', filter.patientId!)),
          // Reads of the record: the patient is named in the input.
          eb.and([eb('journal.method', 'in', READ_AUDITED), eb.or(READ_FIELDS.map((f) => eb(sql`json_extract(journal.input, ${'$.' + f})`, '=', filter.patientId!)))])
        ])
      )
    )
    .orderBy('journal.seq', 'desc')
    .limit(limit)
    .execute()
}

/** What a row is, in the clinic's words: "P-000012 Ramesh Kumar", "Asha Menon", "timeZone". */
function labelOf(table: string, key: string, data: Record<string, unknown>): string {
  if (table === 'patients') return `${data.number} ${data.name}`
  if (table === 'patient_history') return `history entry (${data.action})`
  if (table === 'patient_merges') return 'merge record'
  if (table === 'settings') return `setting ${key}`
  if (table === 'counters') return `${key} numbers`
  if (typeof data.name === 'string') return data.name
  return key
}

const shown = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([k]) => !HIDDEN.has(k)))

export async function describeRows(db: ReadDb, seq: number, limit = ROWS_SHOWN): Promise<JournalRowChange[]> {
  const rows = await db.selectFrom('journal_rows').select(['id', 'tbl', 'row_key', 'op', 'data']).where('seq', '=', seq).orderBy('id').limit(limit).execute()
  const out: JournalRowChange[] = []
  for (const row of rows) {
    const data = shown(JSON.parse(row.data))
    const label = labelOf(row.tbl, row.row_key, data)
    if (row.op === 'insert') {
      const fields = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null && v !== '').map(([k, v]) => [k, [null, v] as [unknown, unknown]]))
      out.push({ table: row.tbl, key: row.row_key, op: 'insert', label, words: `${label}: new record`, fields })
      continue
    }
    if (row.op === 'delete') {
      out.push({ table: row.tbl, key: row.row_key, op: 'delete', label, words: `${label}: removed`, fields: {} })
      continue
    }
    // An update records the new row; the one before it is the row's previous capture.
    const before = await sql<{ data: string }>`select data from journal_rows where tbl = ${row.tbl} and row_key = ${row.row_key} and id < ${row.id} order by id desc limit 1`.execute(db)
    const old = before.rows[0] ? shown(JSON.parse(before.rows[0].data)) : {}
    const fields: Record<string, [unknown, unknown]> = {}
    for (const [k, v] of Object.entries(data)) if (!BOOKKEEPING.has(k) && JSON.stringify(old[k]) !== JSON.stringify(v)) fields[k] = [old[k] ?? null, v]
    const names = Object.keys(fields).map(inWords)
    const words = row.tbl === 'counters' ? `${label}: now at ${data.value}` : `${label}: ${names.length ? `changed ${names.join(', ')}` : 'saved without changes'}`
    out.push({ table: row.tbl, key: row.row_key, op: 'update', label, words, fields })
  }
  return out
}

export async function toJournalEntry(db: ReadDb, row: EntryRow): Promise<JournalEntry> {
  const changes = await describeRows(db, row.seq)
  const spec = isMethodName(row.method) ? (api[row.method] as MethodSpec) : null
  if (spec?.auditRead) {
    // A read: say whose record was looked at.
    const id = (JSON.parse(row.input) as Record<string, string>)[spec.auditRead]
    const patient = await db.selectFrom('patients').select(['number', 'name']).where('id', '=', id).executeTakeFirst()
    const label = patient ? `${patient.number} ${patient.name}` : id
    changes.push({ table: 'patients', key: id, op: 'read', label, words: `${label}: viewed`, fields: {} })
  }
  return {
    seq: row.seq,
    at: row.at,
    method: row.method,
    // The summary without its fine print: "Register a patient (refused as … unless …)" → "Register a patient".
    action: isMethodName(row.method) ? api[row.method].summary.replace(/\s*\(.*\)$/, '') : row.method.startsWith('migration.') ? 'Database upgrade: existing records entered into the journal' : row.method,
    actor: { userId: row.user_id, name: row.userName, role: row.role as Role | null, job: row.job },
    device: row.device,
    input: JSON.parse(row.input),
    rowCount: row.row_count,
    changes,
    hash: row.hash ?? ''
  }
}

const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value)
  // A leading = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export async function journalCsv(db: ReadDb, filter: JournalFilter, timeZone: string, maxEntries = 50_000): Promise<string> {
  const lines = [['Entry', `Time (${timeZone})`, 'By', 'Role', 'Job', 'Device', 'Method', 'Action', 'Rows changed', 'What changed', 'Hash'].join(',')]
  let beforeSeq: number | undefined
  let written = 0
  while (written < maxEntries) {
    const batch = await findEntries(db, { ...filter, beforeSeq }, timeZone, 500)
    if (batch.length === 0) break
    for (const row of batch) {
      const entry = await toJournalEntry(db, row)
      const time = DateTime.fromISO(entry.at, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm:ss')
      const words = entry.changes.map((c) => c.words).join('; ') + (entry.rowCount > entry.changes.length ? `; and ${entry.rowCount - entry.changes.length} more rows` : '')
      lines.push([entry.seq, time, entry.actor.name, entry.actor.role, entry.actor.job, entry.device, entry.method, entry.action, entry.rowCount, words, entry.hash].map(csvCell).join(','))
      written++
    }
    beforeSeq = batch.at(-1)!.seq
  }
  return lines.join('\r\n') + '\r\n'
}
