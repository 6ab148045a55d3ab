import { ApiError, type PatientChange } from '../../../shared/api'
import { ownTransaction, type HandlerGroup, type WriteContext } from '../context'
import { requireSettings } from '../settings/settings'
import { findDuplicates } from './duplicates'
import { checkPatientFields } from './fields'
import { commitImport, analyseImport, csvText } from './import'
import { listMerges, mergePatients, unmergePatients } from './merge'
import { preparePhoto } from './photo'
import { SUMMARY_COLUMNS, diff, fieldsOf, fieldsToColumns, getPatientRow, insertPatient, recordHistory, toPatient, toSummary } from './repository'
import { listPatients } from './list'
import { searchPatients } from './search'

async function touch(ctx: WriteContext, id: string, set: Record<string, unknown>) {
  await ctx.db
    .updateTable('patients')
    .set({ ...set, updated_at: ctx.now.toISOString(), updated_by: ctx.user.id })
    .where('id', '=', id)
    .execute()
  return toPatient(await getPatientRow(ctx.db, id))
}

export const patientsHandlers: HandlerGroup = {
  'patients.create': async (ctx, { allowDuplicate, ...input }) => {
    const settings = await requireSettings(ctx.db)
    const fields = checkPatientFields(input, settings, ctx.now)
    if (!allowDuplicate) {
      const matches = await findDuplicates(ctx.db, settings, fields)
      if (matches.length) {
        const list = matches.slice(0, 3).map((m) => `${m.patient.number} ${m.patient.name} (same ${m.reasons.join(', ')})`)
        throw new ApiError('CONFLICT', `This looks like an existing patient: ${list.join('; ')}. Open that record, or save anyway.`)
      }
    }
    const patient = await insertPatient(ctx, fields, settings)
    await recordHistory(ctx, { patientId: patient.id, action: 'created' })
    return { patient }
  },

  // Allergies and history are recorded by doctors as well as the desk; the rest of the record stays the desk's.
  'patients.updateMedical': async (ctx, { id, ...medical }) => {
    const current = toPatient(await getPatientRow(ctx.db, id))
    if (current.mergedInto) throw new ApiError('CONFLICT', 'This record was merged into another; edit that one instead')
    const changes = diff(fieldsOf(current), medical)
    if (Object.keys(changes).length > 0) {
      await recordHistory(ctx, { patientId: id, action: 'updated', changes })
      await touch(ctx, id, fieldsToColumns({ ...fieldsOf(current), ...Object.fromEntries(Object.entries(medical).filter(([, v]) => v !== undefined)) }))
    }
    const after = toPatient(await getPatientRow(ctx.db, id))
    return { id, allergies: after.allergies, medicalHistory: after.medicalHistory, chronicConditions: after.chronicConditions }
  },

  'patients.update': async (ctx, { id, fields: input }) => {
    const settings = await requireSettings(ctx.db)
    const current = toPatient(await getPatientRow(ctx.db, id))
    if (current.mergedInto) throw new ApiError('CONFLICT', 'This record was merged into another; edit that one instead')
    const fields = checkPatientFields(input, settings, ctx.now, 'fields')
    const changes = diff(fieldsOf(current), fields)
    if (Object.keys(changes).length === 0) return current
    await recordHistory(ctx, { patientId: id, action: 'updated', changes })
    return touch(ctx, id, fieldsToColumns(fields))
  },

  'patients.get': async (ctx, { id }) => toPatient(await getPatientRow(ctx.db, id)),

  'patients.search': async (ctx, input) => searchPatients(ctx.db, await requireSettings(ctx.db), input, ctx.now),

  'patients.recent': async (ctx, { limit }) => {
    const rows = await ctx.db.selectFrom('patients').select(SUMMARY_COLUMNS).where('archived_at', 'is', null).orderBy('updated_at', 'desc').limit(limit).execute()
    return rows.map((r) => toSummary(r))
  },

  'patients.list': async (ctx, q) => listPatients(ctx.db, (await requireSettings(ctx.db)).timeZone, ctx.now, q),

  'patients.findDuplicates': async (ctx, input) => findDuplicates(ctx.db, await requireSettings(ctx.db), input),

  'patients.merge': async (ctx, input) => mergePatients(ctx, await requireSettings(ctx.db), input),

  'patients.unmerge': async (ctx, { mergeId }) => unmergePatients(ctx, mergeId),

  'patients.merges': async (ctx, { patientId }) => listMerges(ctx.db, patientId),

  'patients.archive': async (ctx, { id, reason }) => {
    const current = await getPatientRow(ctx.db, id)
    if (current.archived_at) throw new ApiError('CONFLICT', `${current.number} is already archived`)
    await recordHistory(ctx, { patientId: id, action: 'archived', note: reason })
    return touch(ctx, id, { archived_at: ctx.now.toISOString(), archived_reason: reason })
  },

  'patients.restore': async (ctx, { id }) => {
    const current = await getPatientRow(ctx.db, id)
    if (!current.archived_at) throw new ApiError('CONFLICT', `${current.number} is not archived`)
    if (current.merged_into) throw new ApiError('CONFLICT', 'This record was merged into another; undo the merge instead')
    await recordHistory(ctx, { patientId: id, action: 'restored' })
    return touch(ctx, id, { archived_at: null, archived_reason: null })
  },

  'patients.history': async (ctx, { id }) => {
    await getPatientRow(ctx.db, id)
    const rows = await ctx.db
      .selectFrom('patient_history')
      .leftJoin('users', 'users.id', 'patient_history.user_id')
      .select(['patient_history.id', 'at', 'user_id', 'users.name as byName', 'action', 'changes', 'note'])
      .where('patient_id', '=', id)
      .orderBy('at', 'desc')
      .orderBy('patient_history.id', 'desc')
      .limit(500)
      .execute()
    return rows.map(
      (r): PatientChange => ({ id: r.id, at: r.at, by: r.user_id, byName: r.byName, action: r.action, changes: JSON.parse(r.changes), note: r.note })
    )
  },

  // The image is checked and resized before the database is touched: sharp takes a while.
  'patients.setPhoto': ownTransaction<'patients.setPhoto'>(async (ctx, { id, file }) => {
    await getPatientRow(ctx.db, id)
    const sha = ctx.services.files.put(await preparePhoto(file))
    return ctx.write(async (tx) => setPhoto(tx, id, sha))
  }),

  'patients.removePhoto': async (ctx, { id }) => setPhoto(ctx, id, null),

  'patients.photo': async (ctx, { id }) => {
    const row = await getPatientRow(ctx.db, id)
    const bytes = row.photo_sha256 ? ctx.services.files.get(row.photo_sha256) : null
    return bytes ? { type: 'image/jpeg', bytes } : null
  },

  // Thousands of look-ups: without one long transaction they interleave with other desks' reads.
  'patients.importPreview': ownTransaction<'patients.importPreview'>(
    async (ctx, { file, mapping }) => (await analyseImport(ctx.db, await requireSettings(ctx.db), csvText(file), ctx.now, mapping)).preview
  ),

  'patients.importCommit': async (ctx, { file, mapping, includeDuplicates, skipInvalid, jobId }) =>
    commitImport(ctx, await requireSettings(ctx.db), { csv: csvText(file), mapping, includeDuplicates, skipInvalid }, (done, total) => ctx.progress({ jobId: jobId ?? null, done, total }))
}

async function setPhoto(tx: WriteContext, id: string, sha: string | null) {
  const current = await getPatientRow(tx.db, id)
  if (sha === current.photo_sha256) return toPatient(current)
  await recordHistory(tx, { patientId: id, action: 'photo', note: sha ? 'Photo set' : 'Photo removed' })
  return touch(tx, id, { photo_sha256: sha })
}
