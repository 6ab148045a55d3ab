import { sql, type Kysely } from 'kysely'

/**
 * Generates the triggers that capture every row a write inserts, updates or deletes into
 * journal_rows, against the journal entry the dispatcher has open (docspot_journal_seq(),
 * a function the core registers on its writer connection). A write with no entry open is
 * refused, so no path — raw SQL, an import, another tool — changes data unrecorded.
 *
 * Migrations call this for every new domain table, and again for a table whose columns
 * change (the triggers list the columns). Frozen like the migrations that use it: change
 * its output only under a new name.
 */
export async function captureChanges(db: Kysely<any>, table: string, options: { patientColumn?: string } = {}): Promise<void> {
  const columns = await tableColumns(db, table)
  const pks = columns.filter((c) => c.pk > 0)
  if (pks.length !== 1) throw new Error(`captureChanges(${table}): needs exactly one primary key column`)
  const blob = columns.find((c) => /blob/i.test(c.type))
  if (blob) throw new Error(`captureChanges(${table}): column ${blob.name} is a BLOB; files live in the file store, not in rows`)
  const pk = pks[0].name
  const names = columns.map((c) => c.name)
  const patient = (ref: string) => (options.patientColumn ? `${ref}.${quote(options.patientColumn)}` : 'null')
  const guard = `select raise(abort, 'DocSpot: ${table} may only change through a journaled write') where docspot_journal_seq() is null;`
  const capture = (op: string, ref: string) =>
    `insert into journal_rows (seq, tbl, row_key, op, data, patient_id) values (docspot_journal_seq(), '${table}', ${ref}.${quote(pk)}, '${op}', ${rowJson(names, ref)}, ${patient(ref)});`
  const changed = names.map((n) => `old.${quote(n)} is not new.${quote(n)}`).join(' or ')

  for (const op of ['insert', 'update', 'delete']) await sql.raw(`drop trigger if exists ${quote(`journal_${table}_${op}`)}`).execute(db)
  await sql.raw(`create trigger ${quote(`journal_${table}_insert`)} after insert on ${quote(table)} begin ${guard} ${capture('insert', 'new')} end`).execute(db)
  await sql
    .raw(
      `create trigger ${quote(`journal_${table}_update`)} after update on ${quote(table)} when ${changed} begin ${guard}
         select raise(abort, 'DocSpot: a primary key never changes') where old.${quote(pk)} is not new.${quote(pk)};
         ${capture('update', 'new')} end`
    )
    .execute(db)
  await sql.raw(`create trigger ${quote(`journal_${table}_delete`)} after delete on ${quote(table)} begin ${guard} ${capture('delete', 'old')} end`).execute(db)
}

/** The whole row as a JSON object, as the capture triggers record it. */
export function rowJson(columns: string[], ref: string): string {
  return `json_object(${columns.map((c) => `'${c}', ${ref ? `${ref}.` : ''}${quote(c)}`).join(', ')})`
}

export async function tableColumns(db: Kysely<any>, table: string): Promise<Array<{ name: string; type: string; pk: number }>> {
  const { rows } = await sql<{ name: string; type: string; pk: number }>`select name, type, pk from pragma_table_info(${table})`.execute(db)
  if (rows.length === 0) throw new Error(`no table ${table}`)
  return rows
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`
