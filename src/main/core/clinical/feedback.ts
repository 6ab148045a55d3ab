import { ApiError, type Feedback, type FeedbackSummary, type ParsedInputOf } from '../../../shared/api'
import type { WriteContext } from '../context'
import type { ReadDb } from '../db/read-only'
import { activePatient } from '../patients/repository'

function feedbackQuery(db: ReadDb) {
  return db
    .selectFrom('feedback as f')
    .innerJoin('patients as p', 'p.id', 'f.patient_id')
    .innerJoin('users as u', 'u.id', 'f.recorded_by')
    .leftJoin('doctors as d', 'd.id', 'f.doctor_id')
    .selectAll('f')
    .select(['p.name as patientName', 'p.number as patientNumber', 'u.name as recorder', 'd.name as doctorName'])
}

type Row = Awaited<ReturnType<ReturnType<typeof feedbackQuery>['executeTakeFirstOrThrow']>>

const toFeedback = (r: Row): Feedback => ({
  id: r.id,
  patientId: r.patient_id,
  patientName: r.patientName,
  patientNumber: r.patientNumber,
  visitId: r.visit_id,
  doctorId: r.doctor_id,
  doctorName: r.doctorName,
  type: r.type,
  rating: r.rating,
  comment: r.comment,
  recordedByName: r.recorder,
  recordedAt: r.recorded_at
})

/** Feedback about a visit is about its doctor unless the desk says otherwise. */
export async function recordFeedback(tx: WriteContext, input: ParsedInputOf<'feedback.record'>): Promise<Feedback> {
  await activePatient(tx.db, input.patientId, 'use')
  let doctorId = input.doctorId
  if (input.visitId) {
    const visit = await tx.db.selectFrom('visits').select(['patient_id', 'doctor_id']).where('id', '=', input.visitId).executeTakeFirst()
    if (!visit) throw ApiError.field('visitId', `is not a known visit (${input.visitId})`)
    if (visit.patient_id !== input.patientId) throw ApiError.field('visitId', 'is another patient’s visit')
    doctorId ??= visit.doctor_id
  }
  if (doctorId && !(await tx.db.selectFrom('doctors').select('id').where('id', '=', doctorId).executeTakeFirst())) throw ApiError.field('doctorId', `is not a known doctor (${doctorId})`)
  if (input.type === 'complaint' && input.comment.trim().length < 3) throw ApiError.field('comment', 'is required for a complaint: write what went wrong')
  const id = tx.newId()
  await tx.db
    .insertInto('feedback')
    .values({ id, patient_id: input.patientId, visit_id: input.visitId, doctor_id: doctorId, type: input.type, rating: input.rating, comment: input.comment, recorded_by: tx.user.id, recorded_at: tx.now.toISOString() })
    .execute()
  return toFeedback(await feedbackQuery(tx.db).where('f.id', '=', id).executeTakeFirstOrThrow())
}

/** Per doctor: how many, the average rating, how many complaints; and the latest comments. Bounds are UTC instants. */
export async function feedbackSummary(db: ReadDb, range: { from: string | null; to: string | null }): Promise<FeedbackSummary> {
  let rows = feedbackQuery(db)
  if (range.from) rows = rows.where('f.recorded_at', '>=', range.from)
  if (range.to) rows = rows.where('f.recorded_at', '<', range.to)
  const all = await rows.orderBy('f.recorded_at', 'desc').execute()
  const byDoctor = new Map<string, { doctorId: string | null; doctorName: string; count: number; sum: number; complaints: number }>()
  for (const r of all) {
    const key = r.doctor_id ?? ''
    const entry = byDoctor.get(key) ?? { doctorId: r.doctor_id, doctorName: r.doctorName ?? 'The clinic (no doctor named)', count: 0, sum: 0, complaints: 0 }
    entry.count++
    entry.sum += r.rating
    if (r.type === 'complaint') entry.complaints++
    byDoctor.set(key, entry)
  }
  const round = (n: number) => Math.round(n * 10) / 10
  return {
    doctors: [...byDoctor.values()].map(({ sum, ...d }) => ({ ...d, average: round(sum / d.count) })).sort((a, b) => b.count - a.count || a.doctorName.localeCompare(b.doctorName)),
    recent: all.slice(0, 30).map(toFeedback),
    overall: { count: all.length, average: all.length ? round(all.reduce((s, r) => s + r.rating, 0) / all.length) : null }
  }
}
