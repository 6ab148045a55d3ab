import { sql } from 'kysely'
import { ApiError, type PatientFields, type PatientMerge, type Settings } from '../../../shared/api'
import type { ReadDb } from '../db/read-only'
import { checkPatientFields } from './fields'
import { PATIENT_REFERENCES, type PatientReference } from './references'
import { SUMMARY_COLUMNS, diff, fieldsOf, fieldsToColumns, getPatientRow, recordHistory, toPatient, toSummary, type Writer } from './repository'


/**
 * Folds `mergedId` into `survivorId`: the survivor takes the chosen field values, every
 * referencing row moves over, and the merged record is archived pointing at the survivor.
 * Everything undo needs is kept in patient_merges.
 */
export async function mergePatients(
  tx: Writer,
  settings: Settings,
  input: { survivorId: string; mergedId: string; fields: Partial<PatientFields> },
  references: PatientReference[] = PATIENT_REFERENCES
): Promise<PatientMerge> {
  const db = tx.db
  const actor = { userId: tx.user.id, now: tx.now }
  if (input.survivorId === input.mergedId) throw ApiError.field('mergedId', 'must be a different patient from the one kept')
  const survivor = toPatient(await getPatientRow(db, input.survivorId))
  const mergedRow = await getPatientRow(db, input.mergedId)
  const merged = toPatient(mergedRow)
  if (survivor.mergedInto) throw ApiError.field('survivorId', `${survivor.number} was itself merged into another record`)
  if (merged.mergedInto) throw new ApiError('CONFLICT', `${merged.number} is already merged into another record`)
  // Keeping an archived record would hide the patient from search: restore it first.
  if (survivor.archivedAt) throw ApiError.field('survivorId', `${survivor.number} is archived; restore it before keeping it in a merge`)

  const fields = checkPatientFields(input.fields, settings, actor.now, 'fields')
  const before = fieldsOf(survivor)
  const changes = diff(before, fields)
  const at = actor.now.toISOString()

  const moved: Record<string, string[]> = {}
  for (const ref of references) {
    const rows = await sql<{ id: string }>`select ${sql.ref(ref.idColumn)} as id from ${sql.table(ref.table)} where ${sql.ref(ref.patientColumn)} = ${merged.id}`.execute(db)
    moved[ref.table] = rows.rows.map((r) => r.id)
    await sql`update ${sql.table(ref.table)} set ${sql.ref(ref.patientColumn)} = ${survivor.id} where ${sql.ref(ref.patientColumn)} = ${merged.id}`.execute(db)
  }

  await db
    .updateTable('patients')
    .set({ ...fieldsToColumns(fields), updated_at: at, updated_by: actor.userId })
    .where('id', '=', survivor.id)
    .execute()
  await db
    .updateTable('patients')
    .set({ merged_into: survivor.id, archived_at: at, archived_reason: `Merged into ${survivor.number}`, updated_at: at, updated_by: actor.userId })
    .where('id', '=', merged.id)
    .execute()

  const id = tx.newId()
  await db
    .insertInto('patient_merges')
    .values({
      id,
      survivor_id: survivor.id,
      merged_id: merged.id,
      at,
      user_id: actor.userId,
      survivor_before: JSON.stringify(before),
      survivor_after: JSON.stringify({ ...before, ...fields }),
      moved: JSON.stringify(moved),
      merged_archived_at: mergedRow.archived_at,
      merged_archived_reason: mergedRow.archived_reason,
      undone_at: null,
      undone_by: null
    })
    .execute()
  await recordHistory(tx, { patientId: survivor.id, action: 'merged', changes, note: `${merged.number} (${merged.name}) merged into this record` })
  await recordHistory(tx, { patientId: merged.id, action: 'merged', note: `Merged into ${survivor.number} (${survivor.name})` })
  return loadMerge(db, id)
}

/**
 * Undoes a merge: the merged record comes back, the rows it brought return to it, and the
 * survivor's fields that the merge changed go back to what they were, unless someone has
 * edited them since (their edit wins and is kept).
 */
export async function unmergePatients(tx: Writer, mergeId: string): Promise<PatientMerge> {
  const db = tx.db
  const actor = { userId: tx.user.id, now: tx.now }
  const merge = await db.selectFrom('patient_merges').selectAll().where('id', '=', mergeId).executeTakeFirst()
  if (!merge) throw new ApiError('NOT_FOUND', `No patient merge with id ${mergeId}`)
  if (merge.undone_at) throw new ApiError('CONFLICT', 'This merge has already been undone')
  const later = await db.selectFrom('patient_merges').select('id').where('merged_id', '=', merge.survivor_id).where('undone_at', 'is', null).executeTakeFirst()
  if (later) throw new ApiError('CONFLICT', 'The kept record was itself merged into another since; undo that merge first')

  const at = actor.now.toISOString()
  const before = JSON.parse(merge.survivor_before) as PatientFields
  const after = JSON.parse(merge.survivor_after) as PatientFields
  const current = fieldsOf(toPatient(await getPatientRow(db, merge.survivor_id)))
  const restore: Partial<PatientFields> = {}
  for (const key of Object.keys(before) as Array<keyof PatientFields>) {
    if (before[key] !== after[key] && current[key] === after[key]) Object.assign(restore, { [key]: before[key] })
  }

  const moved = JSON.parse(merge.moved) as Record<string, string[]>
  for (const [table, ids] of Object.entries(moved)) {
    const ref = PATIENT_REFERENCES.find((r) => r.table === table) ?? { table, idColumn: 'id', patientColumn: 'patient_id' }
    for (const id of ids) {
      await sql`update ${sql.table(ref.table)} set ${sql.ref(ref.patientColumn)} = ${merge.merged_id} where ${sql.ref(ref.idColumn)} = ${id}`.execute(db)
    }
  }

  await db
    .updateTable('patients')
    .set({ ...fieldsToColumns(restore), updated_at: at, updated_by: actor.userId })
    .where('id', '=', merge.survivor_id)
    .execute()
  await db
    .updateTable('patients')
    // Back to how it was before the merge: archived stays archived (e.g. "Deceased"), with its reason.
    .set({ merged_into: null, archived_at: merge.merged_archived_at, archived_reason: merge.merged_archived_reason, updated_at: at, updated_by: actor.userId })
    .where('id', '=', merge.merged_id)
    .execute()
  await db.updateTable('patient_merges').set({ undone_at: at, undone_by: actor.userId }).where('id', '=', mergeId).execute()
  await recordHistory(tx, { patientId: merge.survivor_id, action: 'unmerged', changes: diff(current, restore), note: 'Merge undone' })
  await recordHistory(tx, { patientId: merge.merged_id, action: 'unmerged', note: 'Merge undone; this record is separate again' })
  return loadMerge(db, mergeId)
}

export async function listMerges(db: ReadDb, patientId?: string): Promise<PatientMerge[]> {
  const rows = await db
    .selectFrom('patient_merges')
    .select('id')
    .$if(patientId !== undefined, (q) => q.where((eb) => eb.or([eb('survivor_id', '=', patientId!), eb('merged_id', '=', patientId!)])))
    .orderBy('at', 'desc')
    .limit(200)
    .execute()
  return Promise.all(rows.map((r) => loadMerge(db, r.id)))
}

async function loadMerge(db: ReadDb, id: string): Promise<PatientMerge> {
  const merge = await db
    .selectFrom('patient_merges')
    .leftJoin('users', 'users.id', 'patient_merges.user_id')
    .select(['patient_merges.id', 'survivor_id', 'merged_id', 'at', 'moved', 'undone_at', 'users.name as byName'])
    .where('patient_merges.id', '=', id)
    .executeTakeFirstOrThrow()
  const summaries = await db.selectFrom('patients').select(SUMMARY_COLUMNS).where('id', 'in', [merge.survivor_id, merge.merged_id]).execute()
  const summary = (pid: string) => toSummary(summaries.find((s) => s.id === pid)!)
  const moved = JSON.parse(merge.moved) as Record<string, string[]>
  return {
    id: merge.id,
    survivor: summary(merge.survivor_id),
    merged: summary(merge.merged_id),
    at: merge.at,
    byName: merge.byName,
    moved: Object.fromEntries(Object.entries(moved).map(([table, ids]) => [table, ids.length])),
    undoneAt: merge.undone_at
  }
}
