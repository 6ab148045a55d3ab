import { sql, type Kysely } from 'kysely'
import type { MethodName } from '../../../shared/api'
import type { Database } from '../db/schema'
import type { ReadDb } from '../db/read-only'
import { openEntry, sealEntry, type JournalCursor } from './journal'

interface Row {
  tbl: string
  row_key: string
  op: 'insert' | 'update' | 'delete'
  data: string
}

/** Applies captured rows in order: an insert or update becomes an upsert of the whole row, a delete removes it. */
export async function applyRows(db: Kysely<Database>, rows: Row[], keys: Map<string, string> = new Map()): Promise<void> {
  for (const row of rows) {
    let pk = keys.get(row.tbl)
    if (!pk) {
      const info = await sql<{ name: string }>`select name from pragma_table_info(${row.tbl}) where pk > 0`.execute(db)
      if (info.rows.length !== 1) throw new Error(`cannot replay into ${row.tbl}: no single primary key`)
      keys.set(row.tbl, (pk = info.rows[0].name))
    }
    if (row.op === 'delete') {
      await sql`delete from ${sql.table(row.tbl)} where ${sql.ref(pk)} = ${row.row_key}`.execute(db)
      continue
    }
    const values = JSON.parse(row.data) as Record<string, unknown>
    const columns = Object.keys(values)
    const updates = columns.filter((c) => c !== pk).map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`)
    await sql`insert into ${sql.table(row.tbl)} (${sql.join(columns.map((c) => sql.ref(c)))}) values (${sql.join(columns.map((c) => values[c]))})
      on conflict (${sql.ref(pk)}) do ${updates.length ? sql`update set ${sql.join(updates)}` : sql`nothing`}`.execute(db)
  }
}

/**
 * Re-applies every journal entry of `source`, in order, to `target` (a database at the same
 * schema), each in its own journaled transaction. What LAN sync relies on: the journal's rows
 * alone rebuild the data.
 */
export async function replayJournal(source: ReadDb, target: Kysely<Database>, cursor: JournalCursor): Promise<number> {
  const entries = await source.selectFrom('journal').select(['seq', 'at', 'method', 'user_id', 'role', 'job', 'device', 'input']).orderBy('seq').execute()
  const keys = new Map<string, string>()
  for (const entry of entries) {
    const rows = await source.selectFrom('journal_rows').select(['tbl', 'row_key', 'op', 'data']).where('seq', '=', entry.seq).orderBy('id').execute()
    await target.transaction().execute(async (db) => {
      const open = await openEntry(db, cursor, {
        at: entry.at,
        method: entry.method as MethodName,
        actor: { userId: entry.user_id, role: entry.role as never, job: entry.job },
        device: entry.device,
        input: JSON.parse(entry.input)
      })
      try {
        await applyRows(db, rows, keys)
        await sealEntry(db, cursor, open)
      } finally {
        cursor.seq = null
      }
    })
  }
  return entries.length
}
