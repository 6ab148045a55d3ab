import { ApiError } from '../../../shared/api'
import { ownTransaction, type HandlerGroup } from '../context'
import { dayBounds } from '../schedule/views'
import { requireSettings } from '../settings/settings'
import { allergyWarnings } from './allergies'
import { patientChart } from './chart'
import { feedbackSummary, recordFeedback } from './feedback'
import { lastPrescription, removeFavourite, saveFavourite, suggestDrugs, visitPrescriptionPdf } from './prescriptions'
import { listRecords, recordFile, removeRecord, uploadRecord } from './records'
import { amendVisit, bookFollowUp, getVisit, openVisit, saveVisit, signVisit } from './visits'

export const clinicalHandlers: HandlerGroup = {
  'visits.open': async (tx, input) => openVisit(tx, input),
  'visits.get': async (ctx, { id }) => getVisit(ctx.db, id),
  'visits.save': async (tx, input) => saveVisit(tx, input),
  'visits.sign': async (tx, input) => signVisit(tx, input),
  'visits.amend': async (tx, input) => amendVisit(tx, input),
  'visits.bookFollowUp': async (tx, input) => bookFollowUp(tx, input),
  'visits.prescriptionPdf': async (ctx, { id }) => visitPrescriptionPdf(ctx.db, ctx.services.files, await requireSettings(ctx.db), id),
  'visits.checkAllergies': async (ctx, { patientId, drugNames }) => {
    const patient = await ctx.db.selectFrom('patients').select('allergies').where('id', '=', patientId).executeTakeFirst()
    if (!patient) throw ApiError.field('patientId', `is not a known patient (${patientId})`)
    return allergyWarnings(drugNames, patient.allergies)
  },
  'prescriptions.suggest': async (ctx, { query, limit }) => suggestDrugs(ctx, query, limit),
  'prescriptions.last': async (ctx, { patientId }) => lastPrescription(ctx.db, patientId),
  'prescriptions.saveFavourite': async (tx, line) => saveFavourite(tx, line),
  'prescriptions.removeFavourite': async (tx, { id }) => removeFavourite(tx, id),
  'chart.get': async (ctx, { patientId }) => patientChart(ctx.db, patientId),
  // Checking a PDF or decoding an image is slow work: done before the write transaction opens.
  'records.upload': ownTransaction<'records.upload'>(async (ctx, input) => uploadRecord(ctx, input)),
  'records.list': async (ctx, { patientId, includeDeleted }) => listRecords(ctx.db, patientId, includeDeleted),
  'records.file': async (ctx, { id }) => recordFile(ctx.db, ctx.services.files, id),
  'records.remove': async (tx, { id, reason }) => removeRecord(tx, id, reason),
  'feedback.record': async (tx, input) => recordFeedback(tx, input),
  'feedback.summary': async (ctx, { from, to }) => {
    const { timeZone } = await requireSettings(ctx.db)
    return feedbackSummary(ctx.db, { from: from ? dayBounds(from, timeZone).from : null, to: to ? dayBounds(to, timeZone).to : null })
  }
}
