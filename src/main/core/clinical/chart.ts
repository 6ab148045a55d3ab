import { ApiError, bmiOf, type Chart, type TimelineItem, type VitalsPoint } from '../../../shared/api'
import type { ReadDb } from '../db/read-only'
import { loadAppointments } from '../schedule/views'
import { listRecords } from './records'
import { visitSummaries, vitalsOf } from './visits'

/**
 * The chart: who the patient is (allergies first), how their vitals have moved, and everything
 * that happened to them, newest first. Notes are summarised here; the visit opens in full.
 */
export async function patientChart(db: ReadDb, patientId: string): Promise<Chart> {
  const p = await db.selectFrom('patients').selectAll().where('id', '=', patientId).executeTakeFirst()
  if (!p) throw ApiError.field('patientId', `is not a known patient (${patientId})`)
  const [visits, appointments, records, amendments] = await Promise.all([
    visitSummaries(db, patientId),
    loadAppointments(db, { patientId, order: 'desc' }),
    listRecords(db, patientId, false),
    db
      .selectFrom('visit_amendments as a')
      .innerJoin('visits as v', 'v.id', 'a.visit_id')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select(['a.id', 'a.at', 'a.text', 'a.visit_id', 'u.name'])
      .where('v.patient_id', '=', patientId)
      .execute()
  ])
  const vitals: VitalsPoint[] = visits
    .map(({ row }) => ({ visitId: row.id, date: row.date, ...vitalsOf(row), bmi: bmiOf(row.weight_kg, row.height_cm) }))
    .filter((v) => [v.weightKg, v.heightCm, v.bpSystolic, v.pulse, v.temperatureC, v.spo2, v.sugarMgDl].some((x) => x !== null))
    .reverse()
  const timeline: TimelineItem[] = [
    ...visits.map(({ row: _row, ...visit }) => ({ kind: 'visit' as const, at: visit.openedAt, visit })),
    // A visit's appointment is the visit itself on the timeline; the rest (upcoming, missed, cancelled) stand alone.
    ...appointments
      .filter((a) => !visits.some((v) => v.row.appointment_id === a.id))
      .map((a) => ({ kind: 'appointment' as const, at: a.start, appointment: { id: a.id, start: a.start, status: a.status, doctorName: a.doctorName, typeName: a.typeName, reason: a.reason } })),
    ...records.map((record) => ({ kind: 'record' as const, at: `${record.recordDate}T12:00:00.000Z` > record.uploadedAt ? record.uploadedAt : `${record.recordDate}T12:00:00.000Z`, record })),
    ...amendments.map((a) => ({ kind: 'amendment' as const, at: a.at, visitId: a.visit_id, amendment: { id: a.id, at: a.at, userName: a.name, text: a.text } }))
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
  return {
    patient: {
      id: p.id,
      number: p.number,
      name: p.name,
      dateOfBirth: p.date_of_birth,
      dateOfBirthEstimated: p.dob_estimated === 1,
      gender: p.gender,
      allergies: p.allergies,
      chronicConditions: p.chronic_conditions,
      medicalHistory: p.medical_history,
      hasPhoto: p.photo_sha256 !== null,
      photoVersion: p.photo_sha256?.slice(0, 16) ?? null
    },
    latestVitals: vitals.at(-1) ?? null,
    vitals,
    timeline,
    openVisitId: visits.find((v) => v.status === 'open')?.id ?? null
  }
}
