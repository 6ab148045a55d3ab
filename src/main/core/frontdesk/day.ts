// Day-end: what the desk's day came to, and closing it.
import { DateTime } from 'luxon'
import { ApiError, type DaySummary, type Settings } from '../../../shared/api'
import type { WriteContext } from '../context'
import type { ReadDb } from '../db/read-only'
import { changeStatus } from '../schedule/booking'
import { dayBounds, loadAppointments } from '../schedule/views'
import { clinicToday } from './queue'

const average = (minutes: number[]) => (minutes.length ? Math.round(minutes.reduce((a, b) => a + b, 0) / minutes.length) : null)

/**
 * A clinic date's figures: seen (consultations completed), walk-ins, bookings (not cancelled, or
 * cancelled only because the patient came and left unseen), no-shows, those who left unseen,
 * those still waiting (waiting or skipped), and the average wait from arrival to being called.
 * A closed date gives the summary as it stood at closing.
 */
export async function daySummary(db: ReadDb, settings: Settings, date: string): Promise<DaySummary> {
  const closed = await db.selectFrom('day_closings').leftJoin('users', 'users.id', 'day_closings.closed_by').select(['summary', 'closed_at', 'users.name as byName']).where('date', '=', date).executeTakeFirst()
  if (closed) return { ...(JSON.parse(closed.summary) as DaySummary), closed: { at: closed.closed_at, byName: closed.byName } }
  const entries = await db
    .selectFrom('queue_entries as q')
    .innerJoin('patients as p', 'p.id', 'q.patient_id')
    .innerJoin('doctors as d', 'd.id', 'q.doctor_id')
    .select(['q.doctor_id', 'q.token', 'q.kind', 'q.status', 'q.appointment_id', 'q.arrived_at', 'q.called_at', 'q.sort_at', 'p.number', 'p.name', 'd.name as doctorName'])
    .where('q.date', '=', date)
    .orderBy('q.sort_at')
    .execute()
  const { from, to } = dayBounds(date, settings.timeZone)
  const came = new Set(entries.map((e) => e.appointment_id))
  const appointments = (await loadAppointments(db, { from, to })).filter((a) => a.status !== 'cancelled' || came.has(a.id))
  const doctorIds = [...new Set([...entries.map((e) => e.doctor_id), ...appointments.map((a) => a.doctorId)])]
  const names = new Map([...entries.map((e) => [e.doctor_id, e.doctorName] as const), ...appointments.map((a) => [a.doctorId, a.doctorName] as const)])
  const waits = (list: typeof entries) => list.filter((e) => e.called_at).map((e) => (Date.parse(e.called_at!) - Date.parse(e.arrived_at)) / 60_000)
  const figures = (list: typeof entries, booked: typeof appointments) => ({
    seen: list.filter((e) => e.status === 'completed').length,
    noShows: booked.filter((a) => a.status === 'no_show').length,
    walkIns: list.filter((e) => e.kind === 'walk_in').length,
    booked: booked.length,
    left: list.filter((e) => e.status === 'left').length,
    stillWaiting: list.filter((e) => e.status === 'waiting' || e.status === 'skipped').length,
    averageWaitMinutes: average(waits(list))
  })
  return {
    date,
    closed: null,
    totals: figures(entries, appointments),
    doctors: doctorIds
      .map((id) => ({ doctorId: id, name: names.get(id) ?? '', ...figures(entries.filter((e) => e.doctor_id === id), appointments.filter((a) => a.doctorId === id)) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    waiting: entries
      .filter((e) => e.status === 'waiting' || e.status === 'skipped')
      .map((e) => ({ token: e.token, doctorName: e.doctorName, patientNumber: e.number, patientName: e.name, arrivedAt: e.arrived_at }))
  }
}

/**
 * Closes a clinic date (today or earlier): the summary is kept as it stands, then booked
 * patients who never came become no-shows, a consultation still open is completed, and those
 * still waiting are marked as left.
 */
export async function closeDay(tx: WriteContext, settings: Settings, date: string): Promise<DaySummary> {
  if (date > clinicToday(tx.now, settings.timeZone)) throw ApiError.field('date', `${DateTime.fromISO(date).toFormat('cccc d LLL')} has not come yet; a day is closed at its end`)
  const already = await tx.db.selectFrom('day_closings').leftJoin('users', 'users.id', 'day_closings.closed_by').select(['closed_at', 'users.name as byName']).where('date', '=', date).executeTakeFirst()
  if (already) {
    const at = DateTime.fromISO(already.closed_at, { zone: settings.timeZone }).toFormat('HH:mm')
    throw new ApiError('CONFLICT', `${DateTime.fromISO(date).toFormat('cccc d LLL')} was already closed at ${at}${already.byName ? ` by ${already.byName}` : ''}`)
  }
  const summary = await daySummary(tx.db, settings, date)
  const at = tx.now.toISOString()
  const { from, to } = dayBounds(date, settings.timeZone)
  for (const appointment of await loadAppointments(tx.db, { from, to })) {
    if (appointment.status === 'booked' || appointment.status === 'confirmed') await changeStatus(tx, appointment.id, 'no_show', 'Day closed')
  }
  const open = await tx.db.selectFrom('queue_entries').select(['id', 'status', 'appointment_id']).where('date', '=', date).where('status', 'in', ['waiting', 'skipped', 'in_consultation']).execute()
  for (const entry of open) {
    const seen = entry.status === 'in_consultation'
    await tx.db
      .updateTable('queue_entries')
      .set(seen ? { status: 'completed', completed_at: at, updated_at: at } : { status: 'left', left_reason: 'Day closed', updated_at: at })
      .where('id', '=', entry.id)
      .execute()
    await tx.db.insertInto('queue_events').values({ id: tx.newId(), entry_id: entry.id, at, user_id: tx.user.id, action: seen ? 'completed' : 'left', reason: 'Day closed' }).execute()
    if (entry.appointment_id) {
      const [appointment] = await loadAppointments(tx.db, { ids: [entry.appointment_id] })
      if (appointment.status === 'in_consultation') await changeStatus(tx, appointment.id, 'completed')
      else if (appointment.status === 'arrived') await changeStatus(tx, appointment.id, seen ? 'completed' : 'cancelled', seen ? null : 'Left unseen: day closed')
    }
  }
  await tx.db.insertInto('day_closings').values({ id: tx.newId(), date, closed_at: at, closed_by: tx.user.id, summary: JSON.stringify(summary) }).execute()
  return { ...summary, closed: { at, byName: tx.user.name } }
}
