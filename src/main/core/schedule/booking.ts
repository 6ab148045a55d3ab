import { DateTime } from 'luxon'
import { ApiError, STATUS_LABEL, TRANSITIONS, type Appointment, type AppointmentStatus, type CommunicationMode, type Settings } from '../../../shared/api'
import type { WriteContext } from '../context'
import type { ReadDb } from '../db/read-only'
import { requireSettings } from '../settings/settings'
import { queueAppointmentMessages } from '../messaging/outbox'
import { clinicDateOf, freeSlots } from './slots'
import { dayBounds, getAppointment, getDoctor, loadAppointments, loadSlotRows, noticeEnds } from './views'
import { activePatient } from '../patients/repository'

/** The grain of the double-booking guarantee: a doctor's time is claimed in 5-minute cells. */
export const CELL_MINUTES = 5
const CELL_MS = CELL_MINUTES * 60_000

/** "Mon 3 Mar, 10:15", in the clinic's time zone. */
export function clinicTime(instant: string, timeZone: string): string {
  return DateTime.fromISO(instant, { zone: timeZone }).toFormat('ccc d LLL, HH:mm')
}

export function cellsOf(start: string, end: string, bufferMinutes: number): number[] {
  const first = Math.floor(Date.parse(start) / CELL_MS)
  const last = Math.ceil((Date.parse(end) + bufferMinutes * 60_000) / CELL_MS)
  return Array.from({ length: last - first }, (_, i) => first + i)
}

async function recordEvent(tx: WriteContext, appointmentId: string, event: { action: string; from?: string | null; to?: string | null; reason?: string | null; changes?: Record<string, [unknown, unknown]> }) {
  await tx.db
    .insertInto('appointment_events')
    .values({
      id: tx.newId(),
      appointment_id: appointmentId,
      at: tx.now.toISOString(),
      user_id: tx.user?.id ?? null,
      action: event.action as never,
      from_status: event.from ?? null,
      to_status: event.to ?? null,
      reason: event.reason ?? null,
      changes: JSON.stringify(event.changes ?? {})
    })
    .execute()
}

interface Placement {
  doctorId: string
  typeId: string
  start: string
  overbookReason?: string
  /** Moving an appointment: its own time does not count against it. */
  appointmentId?: string
}

/**
 * Checks that an appointment may start at `start` with this doctor and type: a 5-minute mark,
 * not in the past or inside the booking notice, one of the doctor's slots that day, under the
 * daily cap. Returns the instants it covers. Overlaps with other bookings are left to the
 * cells (see claimCells); an overbook skips them, and the cap.
 */
export async function checkPlacement(db: ReadDb, settings: Settings, now: Date, p: Placement) {
  const tz = settings.timeZone
  const doctor = await getDoctor(db, p.doctorId)
  if (doctor.active !== 1) throw ApiError.field('doctorId', `${doctor.name} is no longer taking appointments`)
  const type = await db.selectFrom('appointment_types').selectAll().where('id', '=', p.typeId).executeTakeFirst()
  if (!type) throw ApiError.field('typeId', `is not a known appointment type (${p.typeId})`)
  if (type.active !== 1) throw ApiError.field('typeId', `${type.name} is no longer offered`)
  const offeredBy = await db.selectFrom('appointment_type_doctors').select('doctor_id').where('type_id', '=', type.id).execute()
  if (offeredBy.length && !offeredBy.some((o) => o.doctor_id === doctor.id)) throw ApiError.field('typeId', `${type.name} is not offered by ${doctor.name}`)

  const start = DateTime.fromISO(p.start, { setZone: true })
  if (!start.isValid) throw ApiError.field('start', 'is not a real date and time')
  const startUtc = start.toUTC()
  if (startUtc.toMillis() % CELL_MS !== 0) throw ApiError.field('start', `must be on a ${CELL_MINUTES}-minute mark (${clinicTime(startUtc.toISO()!, tz)} is not)`)
  const startIso = startUtc.toISO()!
  const endIso = startUtc.plus({ minutes: type.duration_minutes }).toISO()!
  const when = clinicTime(startIso, tz)
  if (startUtc.toMillis() < now.getTime()) throw ApiError.field('start', `${when} is in the past`)
  if (startUtc.toMillis() < noticeEnds(now, settings)) {
    throw ApiError.field('start', `${when} is less than ${settings.bookingNoticeMinutes} minutes from now, the clinic's booking notice`)
  }

  const date = clinicDateOf(startIso, tz)
  const rows = await loadSlotRows(db, [doctor.id], date, date, tz, { exceptAppointment: p.appointmentId })
  // Availability alone (no other bookings): is this one of the doctor's slots that day?
  const grid = freeSlots({
    timeZone: tz,
    from: date,
    to: date,
    now: dayBounds(date, tz).from,
    noticeMinutes: 0,
    durationMinutes: type.duration_minutes,
    bufferMinutes: 0,
    doctors: [{ id: doctor.id, dailyCap: null }],
    sessions: rows.sessions,
    exceptions: rows.exceptions,
    busy: []
  })
  const slot = grid.find((s) => s.start === startIso)
  if (!slot) {
    const day = DateTime.fromISO(date).toFormat('ccc d LLL')
    const off = rows.exceptions.find((e) => (e.kind === 'leave' && e.doctorId === doctor.id) || e.kind === 'holiday')
    if (grid.length === 0 && off) throw ApiError.field('start', `${doctor.name} is not working on ${day} (${off.kind === 'holiday' ? 'clinic holiday' : 'on leave'}${off.note ? `: ${off.note}` : ''})`)
    const hours = grid.length ? `${grid[0].time}–${DateTime.fromISO(grid.at(-1)!.end, { zone: tz }).toFormat('HH:mm')}` : 'none'
    throw ApiError.field('start', `${when} is not one of ${doctor.name}'s ${type.duration_minutes}-minute slots on ${day} (hours that day: ${hours})`)
  }
  if (!p.overbookReason && doctor.daily_cap !== null) {
    const taken = rows.busy.filter((b) => b.counts && clinicDateOf(b.start, tz) === date).length
    if (taken >= doctor.daily_cap) throw new ApiError('CONFLICT', `${doctor.name} already has ${taken} appointments on ${DateTime.fromISO(date).toFormat('ccc d LLL')}, the daily limit. Overbook with a reason to add one more.`)
  }
  return { doctor, type, startIso, endIso, roomId: slot.roomId, when }
}

/**
 * Claims the doctor's 5-minute cells for [start, end + buffer). The cell's primary key is the
 * doctor and the cell, so a second claim fails in this transaction, whoever makes it: the
 * guarantee against double booking lives in the database, not in this check.
 */
async function claimCells(tx: WriteContext, appointmentId: string, doctor: { id: string; name: string }, startIso: string, endIso: string, bufferMinutes: number, timeZone: string, overbook = false) {
  const cells = cellsOf(startIso, endIso, bufferMinutes)
  const ids = cells.map((c) => `${doctor.id}:${c}`)
  if (overbook) {
    // A deliberate overbook shares the taken cells and claims the free ones, so nobody books
    // over the part of its time that was free without being told.
    await tx.db
      .insertInto('appointment_cells')
      .values(cells.map((cell, i) => ({ id: ids[i], doctor_id: doctor.id, cell, appointment_id: appointmentId })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute()
    return
  }
  const clash = await tx.db.selectFrom('appointment_cells').select('appointment_id').where('id', 'in', ids).executeTakeFirst()
  if (clash) {
    const [other] = await loadAppointments(tx.db, { ids: [clash.appointment_id] })
    throw new ApiError(
      'CONFLICT',
      `${doctor.name} already has ${other.patient.number} ${other.patient.name} at ${clinicTime(other.start, timeZone)}–${DateTime.fromISO(other.end, { zone: timeZone }).toFormat('HH:mm')} (clinic time). Choose another time, or overbook with a reason.`
    )
  }
  try {
    await tx.db
      .insertInto('appointment_cells')
      .values(cells.map((cell, i) => ({ id: ids[i], doctor_id: doctor.id, cell, appointment_id: appointmentId })))
      .execute()
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
      throw new ApiError('CONFLICT', `${doctor.name} was just booked at ${clinicTime(startIso, timeZone)} from another desk. Choose another time.`)
    }
    throw error
  }
}

export async function bookAppointment(
  tx: WriteContext,
  input: { patientId: string; doctorId: string; typeId: string; start: string; reason: string; mode: CommunicationMode; overbookReason?: string; seriesId?: string }
): Promise<Appointment> {
  const settings = await requireSettings(tx.db)
  const patient = await activePatient(tx.db, input.patientId, 'book')
  const placed = await checkPlacement(tx.db, settings, tx.now, input)
  const id = tx.newId()
  const at = tx.now.toISOString()
  await tx.db
    .insertInto('appointments')
    .values({
      id,
      patient_id: patient.id,
      doctor_id: placed.doctor.id,
      type_id: placed.type.id,
      start_at: placed.startIso,
      end_at: placed.endIso,
      buffer_minutes: placed.type.buffer_minutes,
      status: 'booked',
      reason: input.reason,
      mode: input.mode,
      overbooked: input.overbookReason ? 1 : 0,
      overbook_reason: input.overbookReason ?? null,
      cancel_reason: null,
      room_id: placed.roomId,
      booked_by: tx.user.id,
      series_id: input.seriesId ?? null,
      created_at: at,
      updated_at: at
    })
    .execute()
  await claimCells(tx, id, placed.doctor, placed.startIso, placed.endIso, placed.type.buffer_minutes, settings.timeZone, !!input.overbookReason)
  await recordEvent(tx, id, { action: input.overbookReason ? 'overbooked' : 'booked', to: 'booked', reason: input.overbookReason ?? null })
  const booked = await getAppointment(tx.db, id)
  // The confirmation and reminders are queued in this same transaction.
  await queueAppointmentMessages(tx, booked, 'booked')
  return booked
}

export async function rescheduleAppointment(tx: WriteContext, input: { id: string; start: string; doctorId?: string; reason: string; overbookReason?: string }): Promise<Appointment> {
  const settings = await requireSettings(tx.db)
  const current = await getAppointment(tx.db, input.id)
  if (current.status !== 'booked' && current.status !== 'confirmed') {
    throw new ApiError('CONFLICT', `This appointment is ${STATUS_LABEL[current.status].toLowerCase()}; only a booked or confirmed one can be moved`)
  }
  const placed = await checkPlacement(tx.db, settings, tx.now, { doctorId: input.doctorId ?? current.doctorId, typeId: current.typeId, start: input.start, overbookReason: input.overbookReason, appointmentId: current.id })
  // Its old cells are freed in the same transaction as the new ones are claimed.
  await tx.db.deleteFrom('appointment_cells').where('appointment_id', '=', current.id).execute()
  await tx.db
    .updateTable('appointments')
    .set({ doctor_id: placed.doctor.id, start_at: placed.startIso, end_at: placed.endIso, room_id: placed.roomId, overbooked: input.overbookReason ? 1 : 0, overbook_reason: input.overbookReason ?? null, updated_at: tx.now.toISOString() })
    .where('id', '=', current.id)
    .execute()
  await claimCells(tx, current.id, placed.doctor, placed.startIso, placed.endIso, placed.type.buffer_minutes, settings.timeZone, !!input.overbookReason)
  const changes: Record<string, [unknown, unknown]> = { start: [current.start, placed.startIso] }
  if (placed.doctor.id !== current.doctorId) changes.doctor = [current.doctorName, placed.doctor.name]
  await recordEvent(tx, current.id, { action: 'rescheduled', reason: input.overbookReason ? `${input.reason} (overbooked: ${input.overbookReason})`.trim() : input.reason || null, changes })
  // A new version: its notice and reminders are new messages; the old version's pending ones are cancelled.
  await tx.db.updateTable('appointments').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', current.id).execute()
  const moved = await getAppointment(tx.db, current.id)
  await queueAppointmentMessages(tx, moved, 'rescheduled')
  return moved
}

/** Moves an appointment to `to` if the transition table allows it; a cancelled or no-show appointment frees its time. */
export async function changeStatus(tx: WriteContext, id: string, to: AppointmentStatus, reason: string | null = null): Promise<Appointment> {
  const current = await getAppointment(tx.db, id)
  if (tx.role === 'doctor') {
    if (to !== 'in_consultation' && to !== 'completed') throw new ApiError('FORBIDDEN', 'A doctor may start and complete appointments; the desk confirms, checks in and marks no-shows')
    const own = await tx.db.selectFrom('doctors').select('user_id').where('id', '=', current.doctorId).executeTakeFirst()
    if (own?.user_id !== tx.user.id) throw new ApiError('FORBIDDEN', `This appointment is with ${current.doctorName}`)
  }
  if (!TRANSITIONS[current.status].includes(to)) {
    const allowed = TRANSITIONS[current.status].map((s) => STATUS_LABEL[s].toLowerCase())
    throw ApiError.field('status', `cannot go from ${STATUS_LABEL[current.status].toLowerCase()} to ${STATUS_LABEL[to].toLowerCase()}${allowed.length ? ` (it can become: ${allowed.join(', ')})` : ' (it is final)'}`)
  }
  if (to === 'cancelled' || to === 'no_show') await tx.db.deleteFrom('appointment_cells').where('appointment_id', '=', id).execute()
  await tx.db
    .updateTable('appointments')
    .set({ status: to, updated_at: tx.now.toISOString(), ...(to === 'cancelled' ? { cancel_reason: reason } : {}) })
    .where('id', '=', id)
    .execute()
  await recordEvent(tx, id, { action: to, from: current.status, to, reason })
  const changed = await getAppointment(tx.db, id)
  if (to === 'cancelled' || to === 'no_show') await queueAppointmentMessages(tx, changed, to === 'cancelled' ? 'cancelled' : 'no_show')
  return changed
}
