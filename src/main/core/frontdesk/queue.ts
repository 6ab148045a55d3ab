// The day's queues: who is waiting for which doctor, in what order, and why.
//
// Each patient who arrives gets a row in queue_entries with a token (counting up per doctor per
// day, or across the clinic: a setting) and a place. The place is a number, `sort_at`
// (milliseconds), set when they join and changed only by the desk (moved, recalled): a walk-in
// stands at their arrival time; a booked patient on time stands at their appointment time; a
// late one follows the clinic's rule. Each row says in words why it stands where it does.
import { DateTime } from 'luxon'
import type { Selectable } from 'kysely'
import { ApiError, STATUS_LABEL, type Appointment, type DoctorQueue, type QueueEntry, type Settings } from '../../../shared/api'
import type { WriteContext } from '../context'
import type { ReadDb } from '../db/read-only'
import type { QueueEntriesTable } from '../db/schema'
import { requireSettings } from '../settings/settings'
import { changeStatus } from '../schedule/booking'
import { clinicDateOf, workingWindows } from '../schedule/slots'
import { dayBounds, getAppointment, getDoctor, loadAppointments, loadSlotRows, toDoctor } from '../schedule/views'
import { activePatient } from '../patients/repository'

type Row = Selectable<QueueEntriesTable> & { patientNumber: string; patientName: string; patientPhone: string; appointmentStart: string | null }

/** The clinic date now. */
export const clinicToday = (now: Date, timeZone: string) => clinicDateOf(now.toISOString(), timeZone)

const hhmm = (instant: string | number, timeZone: string) => DateTime.fromMillis(typeof instant === 'number' ? instant : Date.parse(instant), { zone: timeZone }).toFormat('HH:mm')

/**
 * Where a patient joining the queue stands, and why, in words. Walk-ins by arrival. Booked
 * patients by appointment time when they come before it or within the grace; later than that,
 * by the clinic's rule: by arrival (as a walk-in would) or still by appointment time.
 */
export function placeOnArrival(
  arrival: { arrivedAt: number; appointmentStart: number | null },
  rule: Pick<Settings, 'lateGraceMinutes' | 'lateArrivalRule' | 'timeZone'>
): { sortAt: number; placement: string } {
  const tz = rule.timeZone
  const arrived = hhmm(arrival.arrivedAt, tz)
  if (arrival.appointmentStart === null) return { sortAt: arrival.arrivedAt, placement: `Walk-in, arrived ${arrived}: placed by arrival time` }
  const booked = `Booked for ${hhmm(arrival.appointmentStart, tz)}`
  const lateBy = Math.floor((arrival.arrivedAt - arrival.appointmentStart) / 60_000)
  if (lateBy <= 0) return { sortAt: arrival.appointmentStart, placement: `${booked}, arrived ${arrived}: placed by appointment time` }
  if (lateBy <= rule.lateGraceMinutes) {
    return { sortAt: arrival.appointmentStart, placement: `${booked}, arrived ${arrived} (${lateBy} min late, within the ${rule.lateGraceMinutes}-minute grace): placed by appointment time` }
  }
  return rule.lateArrivalRule === 'arrival'
    ? { sortAt: arrival.arrivedAt, placement: `${booked}, arrived ${arrived} (${lateBy} min late): placed by arrival time, the clinic's rule for late arrivals` }
    : { sortAt: arrival.appointmentStart, placement: `${booked}, arrived ${arrived} (${lateBy} min late): kept at appointment time, the clinic's rule for late arrivals` }
}

/** The waiting order: by place, then by arrival, then by token. */
export const byPlace = (a: Pick<QueueEntry, 'arrivedAt' | 'token'> & { sortAt: number }, b: Pick<QueueEntry, 'arrivedAt' | 'token'> & { sortAt: number }) =>
  a.sortAt - b.sortAt || a.arrivedAt.localeCompare(b.arrivedAt) || a.token - b.token

/** The place for an entry moved to `position` (1-based) among `others` (the waiting, in order, without it). */
export function placeAt(others: Array<{ sortAt: number }>, position: number, now: number): number {
  const at = Math.min(Math.max(position, 1), others.length + 1) - 1
  const before = others[at - 1]?.sortAt
  const after = others[at]?.sortAt
  if (before === undefined && after === undefined) return now
  if (before === undefined) return after! - 1_000
  if (after === undefined) return before + 1_000
  return (before + after) / 2
}

function rowsQuery(db: ReadDb) {
  return db
    .selectFrom('queue_entries as q')
    .innerJoin('patients as p', 'p.id', 'q.patient_id')
    .leftJoin('appointments as a', 'a.id', 'q.appointment_id')
    .selectAll('q')
    .select(['p.number as patientNumber', 'p.name as patientName', 'p.phone as patientPhone', 'a.start_at as appointmentStart'])
}

function toEntry(r: Row, position: number | null): QueueEntry {
  return {
    id: r.id,
    date: r.date,
    doctorId: r.doctor_id,
    token: r.token,
    patient: { id: r.patient_id, number: r.patientNumber, name: r.patientName, phone: r.patientPhone },
    kind: r.kind,
    appointmentId: r.appointment_id,
    appointmentStart: r.appointmentStart,
    status: r.status,
    arrivedAt: r.arrived_at,
    calledAt: r.called_at,
    completedAt: r.completed_at,
    position,
    placement: r.placement,
    offDayReason: r.off_day_reason,
    leftReason: r.left_reason
  }
}

const sortRows = (rows: Row[]) => [...rows].sort((a, b) => byPlace({ sortAt: a.sort_at, arrivedAt: a.arrived_at, token: a.token }, { sortAt: b.sort_at, arrivedAt: b.arrived_at, token: b.token }))

/** One entry as the API shows it, with its place among the waiting. */
export async function getEntry(db: ReadDb, id: string, field = 'entryId'): Promise<QueueEntry> {
  const row = (await rowsQuery(db).where('q.id', '=', id).executeTakeFirst()) as Row | undefined
  if (!row) throw new ApiError('NOT_FOUND', `${field}: no queue entry with id ${id}`, { [field]: `is not a known queue entry (${id})` })
  if (row.status !== 'waiting') return toEntry(row, null)
  const waiting = sortRows((await rowsQuery(db).where('q.date', '=', row.date).where('q.doctor_id', '=', row.doctor_id).where('q.status', '=', 'waiting').execute()) as Row[])
  return toEntry(row, waiting.findIndex((w) => w.id === row.id) + 1)
}

/** Each doctor's queue on a clinic date: every active doctor, and any other with patients that day. */
export async function loadQueues(db: ReadDb, settings: Settings, date: string, doctorIds?: string[]): Promise<DoctorQueue[]> {
  const rows = (await rowsQuery(db)
    .where('q.date', '=', date)
    .$if(doctorIds !== undefined, (q) => q.where('q.doctor_id', 'in', doctorIds!.length ? doctorIds! : ['']))
    .execute()) as Row[]
  const withPatients = new Set(rows.map((r) => r.doctor_id))
  const doctors = (
    await db
      .selectFrom('doctors')
      .selectAll()
      .$if(doctorIds !== undefined, (q) => q.where('id', 'in', doctorIds!.length ? doctorIds! : ['']))
      .orderBy('name')
      .execute()
  )
    .filter((d) => d.active === 1 || withPatients.has(d.id))
    .map(toDoctor)
  const ids = doctors.map((d) => d.id)
  const { sessions, exceptions } = await loadSlotRows(db, ids, date, date, settings.timeZone, { claimed: false })
  const working = new Set(workingWindows({ timeZone: settings.timeZone, from: date, to: date, doctorIds: ids, sessions, exceptions }).map((w) => w.doctorId))
  const { from, to } = dayBounds(date, settings.timeZone)
  const appointments = await loadAppointments(db, { doctorIds: ids, from, to })
  return doctors.map((doctor) => {
    const own = sortRows(rows.filter((r) => r.doctor_id === doctor.id))
    const waiting = own.filter((r) => r.status === 'waiting')
    const serving = own.filter((r) => r.status === 'in_consultation').sort((a, b) => (b.called_at ?? '').localeCompare(a.called_at ?? ''))
    const done = own.filter((r) => r.status === 'completed' || r.status === 'left').sort((a, b) => (b.completed_at ?? b.updated_at).localeCompare(a.completed_at ?? a.updated_at))
    return {
      doctor: { id: doctor.id, name: doctor.name, colour: doctor.colour, active: doctor.active },
      date,
      working: working.has(doctor.id),
      nowServing: serving[0] ? toEntry(serving[0], null) : null,
      waiting: waiting.map((r, i) => toEntry(r, i + 1)),
      skipped: own.filter((r) => r.status === 'skipped').map((r) => toEntry(r, null)),
      done: done.map((r) => toEntry(r, null)),
      expected: appointments.filter((a) => a.doctorId === doctor.id && (a.status === 'booked' || a.status === 'confirmed'))
    }
  })
}

/** The doctor a call is about: the one named, or the signed-in doctor's own profile. A doctor acts only on their own queue. */
export async function queueDoctor(ctx: { db: ReadDb; role: string | null; user: { id: string } }, doctorId: string | undefined) {
  const own = ctx.role === 'doctor' ? await ctx.db.selectFrom('doctors').selectAll().where('user_id', '=', ctx.user.id).executeTakeFirst() : undefined
  if (doctorId === undefined) {
    if (!own) throw ApiError.field('doctorId', 'is required: say whose queue')
    return own
  }
  const doctor = await getDoctor(ctx.db, doctorId)
  if (ctx.role === 'doctor' && doctor.id !== own?.id) throw new ApiError('FORBIDDEN', `A doctor works their own queue; this is ${doctor.name}'s`)
  return doctor
}

async function recordEvent(tx: WriteContext, entryId: string, action: 'issued' | 'arrived' | 'moved' | 'skipped' | 'recalled' | 'called' | 'completed' | 'left', reason: string | null = null) {
  await tx.db
    .insertInto('queue_events')
    .values({ id: tx.newId(), entry_id: entryId, at: tx.now.toISOString(), user_id: tx.user?.id ?? null, action, reason })
    .execute()
}

/** Whether the doctor has hours on the date (no leave or holiday taking them all). */
async function works(db: ReadDb, doctorId: string, date: string, timeZone: string): Promise<boolean> {
  const { sessions, exceptions } = await loadSlotRows(db, [doctorId], date, date, timeZone, { claimed: false })
  return workingWindows({ timeZone, from: date, to: date, doctorIds: [doctorId], sessions, exceptions }).length > 0
}

/**
 * Adds a patient to a doctor's queue today with the next token: one more than the highest given
 * today across the clinic, or to this doctor (under either numbering, so changing the setting
 * during the day never repeats a number). It is read inside the write transaction (writes never
 * run side by side, and the unique key on date, scope and token backs that up), so two desks
 * never get the same number.
 */
async function join(
  tx: WriteContext,
  settings: Settings,
  entry: { patientId: string; doctorId: string; appointment: Appointment | null; offDayReason: string | null }
): Promise<QueueEntry> {
  const date = clinicToday(tx.now, settings.timeZone)
  const closed = await tx.db.selectFrom('day_closings').leftJoin('users', 'users.id', 'day_closings.closed_by').select(['closed_at', 'users.name as byName']).where('date', '=', date).executeTakeFirst()
  if (closed) {
    throw new ApiError('CONFLICT', `Today was closed at ${hhmm(closed.closed_at, settings.timeZone)}${closed.byName ? ` by ${closed.byName}` : ''}: its summary is final, so nobody more joins a queue today`)
  }
  const scope = settings.tokenNumbering === 'clinic' ? 'clinic' : `doctor:${entry.doctorId}`
  const last = await tx.db
    .selectFrom('queue_entries')
    .select((eb) => eb.fn.max('token').as('token'))
    .where('date', '=', date)
    .$if(scope !== 'clinic', (q) => q.where('doctor_id', '=', entry.doctorId))
    .executeTakeFirst()
  const token = (last?.token ?? 0) + 1
  const place = placeOnArrival({ arrivedAt: tx.now.getTime(), appointmentStart: entry.appointment ? Date.parse(entry.appointment.start) : null }, settings)
  const id = tx.newId()
  const at = tx.now.toISOString()
  await tx.db
    .insertInto('queue_entries')
    .values({
      id,
      date,
      doctor_id: entry.doctorId,
      token,
      token_scope: scope,
      patient_id: entry.patientId,
      appointment_id: entry.appointment?.id ?? null,
      kind: entry.appointment ? 'booked' : 'walk_in',
      status: 'waiting',
      arrived_at: at,
      sort_at: place.sortAt,
      placement: entry.offDayReason ? `${place.placement} (the doctor does not work today: ${entry.offDayReason})` : place.placement,
      called_at: null,
      completed_at: null,
      off_day_reason: entry.offDayReason,
      left_reason: null,
      created_by: tx.user?.id ?? null,
      updated_at: at
    })
    .execute()
  await recordEvent(tx, id, entry.appointment ? 'arrived' : 'issued', entry.offDayReason)
  return getEntry(tx.db, id)
}

/** A walk-in's token: the patient, for a doctor, today. */
export async function issueToken(tx: WriteContext, input: { patientId: string; doctorId: string; offDayReason?: string }): Promise<{ entry: QueueEntry; warning: string | null }> {
  const settings = await requireSettings(tx.db)
  const patient = await activePatient(tx.db, input.patientId, 'use')
  const doctor = await getDoctor(tx.db, input.doctorId)
  if (doctor.active !== 1) throw ApiError.field('doctorId', `${doctor.name} is no longer seeing patients`)
  const date = clinicToday(tx.now, settings.timeZone)
  const already = await tx.db
    .selectFrom('queue_entries')
    .select(['token'])
    .where('date', '=', date)
    .where('doctor_id', '=', doctor.id)
    .where('patient_id', '=', patient.id)
    .where('status', 'in', ['waiting', 'in_consultation', 'skipped'])
    .executeTakeFirst()
  if (already) throw new ApiError('CONFLICT', `${patient.number} ${patient.name} already has token ${already.token} for ${doctor.name} today`)
  const { from, to } = dayBounds(date, settings.timeZone)
  const booked = (await loadAppointments(tx.db, { doctorIds: [doctor.id], from, to, patientId: patient.id })).find((a) => a.status === 'booked' || a.status === 'confirmed')
  if (booked) {
    throw new ApiError('CONFLICT', `${patient.number} ${patient.name} is booked with ${doctor.name} at ${hhmm(booked.start, settings.timeZone)} today: mark them arrived instead, so they keep their place`)
  }
  let warning: string | null = null
  if (!(await works(tx.db, doctor.id, date, settings.timeZone))) {
    const day = DateTime.fromISO(date).toFormat('cccc d LLL')
    if (!input.offDayReason) throw ApiError.field('offDayReason', `${doctor.name} does not work today (${day}): give a reason to issue a token anyway`)
    warning = `${doctor.name} does not work today (${day}); token issued anyway: ${input.offDayReason}`
  }
  const entry = await join(tx, settings, { patientId: patient.id, doctorId: doctor.id, appointment: null, offDayReason: warning ? input.offDayReason! : null })
  return { entry, warning }
}

/** A booked patient arrives: the appointment becomes arrived, and they join the queue. */
export async function arrive(tx: WriteContext, appointmentId: string): Promise<{ entry: QueueEntry; warning: string | null }> {
  const settings = await requireSettings(tx.db)
  const appointment = await getAppointment(tx.db, appointmentId).catch(() => {
    throw new ApiError('NOT_FOUND', `appointmentId: no appointment with id ${appointmentId}`, { appointmentId: `is not a known appointment (${appointmentId})` })
  })
  const today = clinicToday(tx.now, settings.timeZone)
  const date = clinicDateOf(appointment.start, settings.timeZone)
  if (date !== today) throw ApiError.field('appointmentId', `is booked for ${DateTime.fromISO(date).toFormat('cccc d LLL')}, not today`)
  const existing = await tx.db.selectFrom('queue_entries').select('token').where('appointment_id', '=', appointment.id).executeTakeFirst()
  if (existing) throw new ApiError('CONFLICT', `${appointment.patient.number} ${appointment.patient.name} is already in the queue, with token ${existing.token}`)
  if (!['booked', 'confirmed', 'arrived'].includes(appointment.status)) {
    const status = STATUS_LABEL[appointment.status].toLowerCase()
    throw new ApiError('CONFLICT', `${appointment.patient.number} ${appointment.patient.name}'s appointment at ${hhmm(appointment.start, settings.timeZone)} is ${status}: only a booked appointment can arrive`)
  }
  const arrived = appointment.status === 'arrived' ? appointment : await changeStatus(tx, appointment.id, 'arrived')
  const entry = await join(tx, settings, { patientId: appointment.patient.id, doctorId: appointment.doctorId, appointment: arrived, offDayReason: null })
  return { entry, warning: null }
}

/**
 * Keeps the queue in step when the calendar changes an appointment's status (appointments.setStatus
 * or cancel): arrived joins the queue; in consultation, completed and cancelled move its entry.
 */
export async function followAppointment(tx: WriteContext, appointment: Appointment): Promise<void> {
  const entry = await tx.db.selectFrom('queue_entries').select(['id', 'status']).where('appointment_id', '=', appointment.id).executeTakeFirst()
  const at = tx.now.toISOString()
  if (appointment.status === 'arrived' && !entry) {
    const settings = await requireSettings(tx.db)
    if (clinicDateOf(appointment.start, settings.timeZone) === clinicToday(tx.now, settings.timeZone)) {
      await join(tx, settings, { patientId: appointment.patient.id, doctorId: appointment.doctorId, appointment, offDayReason: null })
    }
    return
  }
  if (!entry) return
  if (appointment.status === 'in_consultation' && entry.status !== 'in_consultation') {
    await tx.db.updateTable('queue_entries').set({ status: 'in_consultation', called_at: at, updated_at: at }).where('id', '=', entry.id).execute()
    await recordEvent(tx, entry.id, 'called')
  } else if (appointment.status === 'completed' && entry.status !== 'completed') {
    await tx.db.updateTable('queue_entries').set({ status: 'completed', completed_at: at, called_at: entry.status === 'in_consultation' ? undefined : at, updated_at: at }).where('id', '=', entry.id).execute()
    await recordEvent(tx, entry.id, 'completed')
  } else if (appointment.status === 'cancelled' && (entry.status === 'waiting' || entry.status === 'skipped')) {
    await tx.db.updateTable('queue_entries').set({ status: 'left', left_reason: appointment.cancelReason, updated_at: at }).where('id', '=', entry.id).execute()
    await recordEvent(tx, entry.id, 'left', appointment.cancelReason)
  }
}

async function waitingOf(db: ReadDb, date: string, doctorId: string) {
  const rows = await db.selectFrom('queue_entries').select(['id', 'sort_at', 'arrived_at', 'token']).where('date', '=', date).where('doctor_id', '=', doctorId).where('status', '=', 'waiting').execute()
  return rows.map((r) => ({ id: r.id, sortAt: r.sort_at, arrivedAt: r.arrived_at, token: r.token })).sort(byPlace)
}

async function mustBe(db: ReadDb, entryId: string, allowed: Array<QueueEntry['status']>, doing: string): Promise<QueueEntry> {
  const entry = await getEntry(db, entryId)
  if (!allowed.includes(entry.status)) throw new ApiError('CONFLICT', `Token ${entry.token} (${entry.patient.number} ${entry.patient.name}) is ${entry.status.replace('_', ' ')}; only ${allowed.join(' or ').replace('_', ' ')} can be ${doing}`)
  return entry
}

const whoAt = (tx: WriteContext, timeZone: string) => `by ${tx.user?.name ?? 'the system'} at ${hhmm(tx.now.getTime(), timeZone)}`

/** The desk moves a waiting patient to another place (an emergency), saying why. */
export async function moveEntry(tx: WriteContext, input: { entryId: string; position: number; reason: string }): Promise<QueueEntry> {
  const settings = await requireSettings(tx.db)
  const entry = await mustBe(tx.db, input.entryId, ['waiting'], 'moved')
  const others = (await waitingOf(tx.db, entry.date, entry.doctorId)).filter((w) => w.id !== entry.id)
  if (input.position > others.length + 1) throw ApiError.field('position', `must be between 1 and ${others.length + 1} (the number waiting)`)
  const sortAt = placeAt(others, input.position, tx.now.getTime())
  await tx.db
    .updateTable('queue_entries')
    .set({ sort_at: sortAt, placement: `Moved to place ${input.position} ${whoAt(tx, settings.timeZone)}: ${input.reason}`, updated_at: tx.now.toISOString() })
    .where('id', '=', entry.id)
    .execute()
  await recordEvent(tx, entry.id, 'moved', input.reason)
  return getEntry(tx.db, entry.id)
}

/**
 * A patient not there when wanted is skipped: out of the order until recalled. One already
 * called (in consultation) goes back to arrived on the calendar.
 */
export async function skipEntry(tx: WriteContext, input: { entryId: string; reason: string }): Promise<QueueEntry> {
  const settings = await requireSettings(tx.db)
  const entry = await mustBe(tx.db, input.entryId, ['waiting', 'in_consultation'], 'skipped')
  await ownQueue(tx, entry)
  const why = input.reason || 'not here when called'
  await tx.db
    .updateTable('queue_entries')
    .set({ status: 'skipped', called_at: null, placement: `Skipped ${whoAt(tx, settings.timeZone)}: ${why}`, updated_at: tx.now.toISOString() })
    .where('id', '=', entry.id)
    .execute()
  if (entry.status === 'in_consultation' && entry.appointmentId) await setAppointmentStatus(tx, entry.appointmentId, 'arrived', `Skipped in the queue: ${why}`)
  await recordEvent(tx, entry.id, 'skipped', why)
  return getEntry(tx.db, entry.id)
}

/** A skipped patient is back: next in line. */
export async function recallEntry(tx: WriteContext, entryId: string): Promise<QueueEntry> {
  const settings = await requireSettings(tx.db)
  const entry = await mustBe(tx.db, entryId, ['skipped'], 'recalled')
  await ownQueue(tx, entry)
  const waiting = await waitingOf(tx.db, entry.date, entry.doctorId)
  await tx.db
    .updateTable('queue_entries')
    .set({ status: 'waiting', sort_at: placeAt(waiting, 1, tx.now.getTime()), placement: `Recalled ${whoAt(tx, settings.timeZone)} after being skipped: next in line`, updated_at: tx.now.toISOString() })
    .where('id', '=', entry.id)
    .execute()
  await recordEvent(tx, entry.id, 'recalled')
  return getEntry(tx.db, entry.id)
}

/** A patient leaves without being seen. */
export async function leaveQueue(tx: WriteContext, input: { entryId: string; reason: string }): Promise<QueueEntry> {
  const entry = await mustBe(tx.db, input.entryId, ['waiting', 'skipped'], 'taken out of the queue')
  await tx.db.updateTable('queue_entries').set({ status: 'left', left_reason: input.reason, updated_at: tx.now.toISOString() }).where('id', '=', entry.id).execute()
  if (entry.appointmentId) {
    const appointment = await getAppointment(tx.db, entry.appointmentId)
    if (appointment.status === 'arrived') await changeStatus(tx, appointment.id, 'cancelled', `Left without being seen: ${input.reason}`)
  }
  await recordEvent(tx, entry.id, 'left', input.reason)
  return getEntry(tx.db, entry.id)
}

/** The doctor (or an admin) calls the next patient in: in consultation, and on the waiting-room screen. */
export async function callNext(tx: WriteContext, doctorId: string | undefined): Promise<QueueEntry> {
  const settings = await requireSettings(tx.db)
  const doctor = await queueDoctor(tx, doctorId)
  const date = clinicToday(tx.now, settings.timeZone)
  const serving = await tx.db.selectFrom('queue_entries').select(['id']).where('date', '=', date).where('doctor_id', '=', doctor.id).where('status', '=', 'in_consultation').executeTakeFirst()
  if (serving) {
    const current = await getEntry(tx.db, serving.id)
    throw new ApiError('CONFLICT', `Token ${current.token} (${current.patient.name}) is still in consultation with ${doctor.name}: complete it first`)
  }
  const [next] = await waitingOf(tx.db, date, doctor.id)
  if (!next) throw new ApiError('CONFLICT', `Nobody is waiting for ${doctor.name}`)
  const at = tx.now.toISOString()
  await tx.db.updateTable('queue_entries').set({ status: 'in_consultation', called_at: at, updated_at: at }).where('id', '=', next.id).execute()
  const entry = await getEntry(tx.db, next.id)
  if (entry.appointmentId) await setAppointmentStatus(tx, entry.appointmentId, 'in_consultation', null)
  await recordEvent(tx, entry.id, 'called')
  return entry
}

export async function completeEntry(tx: WriteContext, entryId: string): Promise<QueueEntry> {
  const entry = await mustBe(tx.db, entryId, ['in_consultation'], 'completed')
  await ownQueue(tx, entry)
  const at = tx.now.toISOString()
  await tx.db.updateTable('queue_entries').set({ status: 'completed', completed_at: at, updated_at: at }).where('id', '=', entry.id).execute()
  if (entry.appointmentId) await setAppointmentStatus(tx, entry.appointmentId, 'completed', null)
  await recordEvent(tx, entry.id, 'completed')
  return getEntry(tx.db, entry.id)
}

/**
 * A visit opened for a patient still waiting calls them in, as Call next would, when the
 * doctor has nobody else in consultation; otherwise the queue is left as the desk set it.
 */
export async function startConsultation(tx: WriteContext, entryId: string): Promise<void> {
  const entry = await getEntry(tx.db, entryId)
  if (entry.status !== 'waiting') return
  const serving = await tx.db.selectFrom('queue_entries').select('id').where('date', '=', entry.date).where('doctor_id', '=', entry.doctorId).where('status', '=', 'in_consultation').executeTakeFirst()
  if (serving) return
  const at = tx.now.toISOString()
  await tx.db.updateTable('queue_entries').set({ status: 'in_consultation', called_at: at, updated_at: at }).where('id', '=', entry.id).execute()
  if (entry.appointmentId) await setAppointmentStatus(tx, entry.appointmentId, 'in_consultation', null)
  await recordEvent(tx, entry.id, 'called')
}

/** A signed visit completes its patient's place in the queue, and their appointment. */
export async function finishConsultation(tx: WriteContext, entryId: string | null, appointmentId: string | null): Promise<void> {
  const entry = entryId ? await getEntry(tx.db, entryId) : null
  if (entry && (entry.status === 'waiting' || entry.status === 'in_consultation')) {
    const at = tx.now.toISOString()
    await tx.db.updateTable('queue_entries').set({ status: 'completed', called_at: entry.calledAt ?? at, completed_at: at, updated_at: at }).where('id', '=', entry.id).execute()
    await recordEvent(tx, entry.id, 'completed')
  }
  if (appointmentId) {
    const appointment = await getAppointment(tx.db, appointmentId)
    if (appointment.status !== 'cancelled' && appointment.status !== 'no_show') await setAppointmentStatus(tx, appointmentId, 'completed', null)
  }
}

async function ownQueue(tx: WriteContext, entry: QueueEntry): Promise<void> {
  if (tx.role === 'doctor') await queueDoctor(tx, entry.doctorId)
}

/**
 * The calendar follows the queue: arrived → in consultation → completed, and back to arrived
 * when a called patient is skipped (a step the status table does not offer the desk).
 */
async function setAppointmentStatus(tx: WriteContext, id: string, to: 'arrived' | 'in_consultation' | 'completed', reason: string | null): Promise<void> {
  const current = await getAppointment(tx.db, id)
  if (current.status === to) return
  await tx.db.updateTable('appointments').set({ status: to, updated_at: tx.now.toISOString() }).where('id', '=', id).execute()
  await tx.db
    .insertInto('appointment_events')
    .values({ id: tx.newId(), appointment_id: id, at: tx.now.toISOString(), user_id: tx.user?.id ?? null, action: to, from_status: current.status, to_status: to, reason, changes: '{}' })
    .execute()
}
