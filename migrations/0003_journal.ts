import { sql, type Kysely } from 'kysely'
import { GENESIS_HASH, entryHash } from '../src/main/core/journal/chain'
import { captureChanges, rowJson, tableColumns } from './journal-capture'

const METHOD = 'migration.0003_journal'

/** The tables this migration starts capturing, and the column that names their patient. */
const CAPTURED: Array<{ table: string; patientColumn?: string }> = [
  { table: 'settings' },
  { table: 'users' },
  { table: 'patients', patientColumn: 'id' },
  { table: 'patient_history', patientColumn: 'patient_id' },
  { table: 'patient_merges', patientColumn: 'survivor_id' },
  { table: 'counters' }
]

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table journal (
      seq integer primary key autoincrement,
      at text not null,
      method text not null,
      -- No foreign keys: the journal outlives what it describes.
      user_id text,
      role text,
      job text,
      device text,
      -- The ids and numbers the call allocated, and its input without secrets or file bytes.
      allocated text not null default '{}',
      input text not null default '{}',
      row_count integer not null default 0,
      prev_hash text not null,
      -- Null only while the entry's own transaction is open.
      hash text
    )`.execute(db)
  await sql`create index journal_user on journal (user_id, seq)`.execute(db)
  await sql`create index journal_method on journal (method, seq)`.execute(db)
  await sql`create index journal_at on journal (at)`.execute(db)

  await sql`
    create table journal_rows (
      id integer primary key,
      seq integer not null,
      tbl text not null,
      row_key text not null,
      op text not null check (op in ('insert', 'update', 'delete')),
      -- The row's values after the change (before it, for a delete), as JSON.
      data text not null,
      patient_id text
    )`.execute(db)
  await sql`create index journal_rows_seq on journal_rows (seq, id)`.execute(db)
  await sql`create index journal_rows_key on journal_rows (tbl, row_key, id)`.execute(db)
  await sql`create index journal_rows_patient on journal_rows (patient_id, seq) where patient_id is not null`.execute(db)

  // Append-only: an entry is written once and sealed once (its hash); rows never change.
  await sql`create trigger journal_sealed before update on journal when old.hash is not null begin select raise(abort, 'DocSpot: the journal is append-only'); end`.execute(db)
  await sql`create trigger journal_no_delete before delete on journal begin select raise(abort, 'DocSpot: the journal is append-only'); end`.execute(db)
  await sql`create trigger journal_rows_no_update before update on journal_rows begin select raise(abort, 'DocSpot: the journal is append-only'); end`.execute(db)
  await sql`create trigger journal_rows_no_delete before delete on journal_rows begin select raise(abort, 'DocSpot: the journal is append-only'); end`.execute(db)

  // Running numbers (patient numbers, later tokens and invoices) come from here, not max + 1.
  await sql`create table counters (kind text primary key, value integer not null check (value >= 0))`.execute(db)
  await sql`insert into counters (kind, value) select 'patient', coalesce(max(seq), 0) from patients`.execute(db)

  // The first entry holds every row that existed before the journal did, so replaying the
  // journal from its start rebuilds the whole dataset.
  const at = new Date().toISOString()
  await sql`insert into journal (seq, at, method, prev_hash) values (1, ${at}, ${METHOD}, ${GENESIS_HASH})`.execute(db)
  for (const { table, patientColumn } of CAPTURED) {
    const columns = (await tableColumns(db, table)).map((c) => c.name)
    const pk = (await tableColumns(db, table)).find((c) => c.pk > 0)!.name
    await sql
      .raw(
        `insert into journal_rows (seq, tbl, row_key, op, data, patient_id)
         select 1, '${table}', "${pk}", 'insert', ${rowJson(columns, '')}, ${patientColumn ? `"${patientColumn}"` : 'null'} from "${table}" order by rowid`
      )
      .execute(db)
  }
  const rows = await sql<{ tbl: string; row_key: string; op: string; data: string; patient_id: string | null }>`
    select tbl, row_key, op, data, patient_id from journal_rows where seq = 1 order by id`.execute(db)
  const entry = { seq: 1, at, method: METHOD, user_id: null, role: null, job: null, device: null, allocated: '{}', input: '{}', prev_hash: GENESIS_HASH }
  await sql`update journal set row_count = ${rows.rows.length}, hash = ${entryHash(entry, rows.rows)} where seq = 1`.execute(db)

  for (const { table, patientColumn } of CAPTURED) await captureChanges(db, table, { patientColumn })
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
