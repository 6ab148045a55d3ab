/**
 * Recurring appointments (series.*): a series is booked as one action, each occurrence as a
 * single booking would be (same checks, same claimed cells), all or nothing. Afterwards each
 * appointment lives on its own, marked with its series: one is moved or cancelled through
 * appointments.*, "this and every later one" through series.move and series.cancel.
 */
import { DateTime } from 'luxon'
import { ApiError, STATUS_LABEL, type Appointment, type FreeSlot, type Repeat, type SeriesOccurrence } from '../../../shared/api'
import type { HandlerGroup } from '../context'
import type { ReadDb } from '../db/read-only'
import { requireSettings } from '../settings/settings'
import { CELL_MINUTES, bookAppointment, cellsOf, changeStatus, checkPlacement, clinicTime, rescheduleAppointment } from '../schedule/booking'
import type { BusyInterval } from '../schedule/slot-types'
import { daysBetween, freeSlots, wallTimeToInstant } from '../schedule/slots'
import { getAppointment, getDoctor, loadAppointments, loadSlotRows, noticeEnds } from '../schedule/views'
import { expandRepeat } from './recurrence'
import { activePatient } from '../patients/repository'

/** How many days either side of a conflicting occurrence its alternatives may fall. */
const ALTERNATIVE_DAYS = 3
const ALTERNATIVES = 3

interface SeriesRequest {
  patientId: string
  doctorId: string
  typeId: string
  start: string
  repeat: Repeat
}

interface PlannedOccurrence {
  date: string
  time: string
  /** Its instant; for a wall time the clocks skip, the instant just after the skipped hour (for showing). */
  start: string
  end: string
  exists: boolean
}

type Plan = Awaited<ReturnType<typeof planSeries>>

const plusDays = (date: string, days: number) => DateTime.fromISO(date).plus({ days }).toISODate()!
/** Drops the advice a single booking's error ends with ("Choose another time…"): the series screen gives its own. */
const plainWords = (message: string) => message.replace(/\.? (Choose another time|Overbook with a reason).*$/, '')

/** The patient, doctor and type of a series, checked once, as a single booking checks them. */
async function seriesParties(db: ReadDb, input: SeriesRequest) {
  const patient = await activePatient(db, input.patientId, 'book')
  const doctor = await getDoctor(db, input.doctorId)
  if (doctor.active !== 1) throw ApiError.field('doctorId', `${doctor.name} is no longer taking appointments`)
  const type = await db.selectFrom('appointment_types').selectAll().where('id', '=', input.typeId).executeTakeFirst()
  if (!type) throw ApiError.field('typeId', `is not a known appointment type (${input.typeId})`)
  if (type.active !== 1) throw ApiError.field('typeId', `${type.name} is no longer offered`)
  const offeredBy = await db.selectFrom('appointment_type_doctors').select('doctor_id').where('type_id', '=', type.id).execute()
  if (offeredBy.length && !offeredBy.some((o) => o.doctor_id === doctor.id)) throw ApiError.field('typeId', `${type.name} is not offered by ${doctor.name}`)
  return { patient, doctor, type }
}

/** The series' parties checked and its occurrences listed with their instants; nothing about availability yet. */
async function planSeries(db: ReadDb, input: SeriesRequest) {
  const settings = await requireSettings(db)
  const tz = settings.timeZone
  const parties = await seriesParties(db, input)
  // Every occurrence inherits the first one's wall time: it must be on the booking grid itself.
  if (Date.parse(input.start) % (CELL_MINUTES * 60_000) !== 0) throw ApiError.field('start', `must be on a ${CELL_MINUTES}-minute mark`)
  const recurrence = expandRepeat(input.repeat, input.start, tz)
  const minutes = parties.type.duration_minutes
  const occurrences = recurrence.occurrences.map((o): PlannedOccurrence => {
    // Luxon moves a skipped wall time forward past the change (01:30 becomes 02:30 summer time).
    const start = o.start ?? DateTime.fromISO(`${o.date}T${o.time}`, { zone: tz }).toUTC().toISO()!
    return { date: o.date, time: o.time, start, end: new Date(Date.parse(start) + minutes * 60_000).toISOString(), exists: o.start !== null }
  })
  return { settings, ...parties, recurrence, occurrences }
}

/** Why an occurrence cannot be booked as it stands, in plain words; null when it can. */
async function problemWith(db: ReadDb, now: Date, plan: Plan, o: PlannedOccurrence): Promise<string | null> {
  const { settings, doctor, type } = plan
  const tz = settings.timeZone
  if (!o.exists) return `${o.time} does not exist on ${DateTime.fromISO(o.date).toFormat('ccc d LLL')}: the clocks go forward that night`
  try {
    await checkPlacement(db, settings, now, { doctorId: doctor.id, typeId: type.id, start: o.start })
  } catch (error) {
    if (error instanceof ApiError) return plainWords(error.fields?.start ?? error.message)
    throw error
  }
  // The same cells a booking would claim (its buffer included): any one taken is a clash.
  const cells = cellsOf(o.start, o.end, type.buffer_minutes).map((cell) => `${doctor.id}:${cell}`)
  const clash = await db.selectFrom('appointment_cells').select('appointment_id').where('id', 'in', cells).executeTakeFirst()
  if (!clash) return null
  const [other] = await loadAppointments(db, { ids: [clash.appointment_id] })
  const hours = (iso: string) => DateTime.fromISO(iso, { zone: tz }).toFormat('HH:mm')
  return `${doctor.name} already has ${other.patient.number} ${other.patient.name} at ${hours(other.start)}–${hours(other.end)} that day`
}

/**
 * Free slots near an occurrence that cannot be booked: the same doctor and type, the same clinic
 * day first, then the days around it, nearest first, and within a day the times nearest to the
 * series' own. The series' other (bookable) occurrences count as taken.
 */
async function alternativesFor(db: ReadDb, now: Date, plan: Plan, o: PlannedOccurrence, others: PlannedOccurrence[]): Promise<FreeSlot[]> {
  const { settings, doctor, type } = plan
  const from = plusDays(o.date, -ALTERNATIVE_DAYS)
  const to = plusDays(o.date, ALTERNATIVE_DAYS)
  const rows = await loadSlotRows(db, [doctor.id], from, to, settings.timeZone, { notBefore: noticeEnds(now, settings) })
  const series: BusyInterval[] = others.map((other) => ({ doctorId: doctor.id, start: other.start, end: new Date(Date.parse(other.end) + type.buffer_minutes * 60_000).toISOString(), counts: true }))
  const slots = freeSlots({
    timeZone: settings.timeZone,
    from,
    to,
    now: now.toISOString(),
    noticeMinutes: settings.bookingNoticeMinutes,
    durationMinutes: type.duration_minutes,
    bufferMinutes: type.buffer_minutes,
    doctors: [{ id: doctor.id, dailyCap: doctor.daily_cap }],
    sessions: rows.sessions,
    exceptions: rows.exceptions,
    busy: [...rows.busy, ...series]
  })
  const minuteOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))
  const distance = (slot: FreeSlot) => [Math.abs(daysBetween(o.date, slot.date)), Math.abs(minuteOf(slot.time) - minuteOf(o.time)), Date.parse(slot.start)]
  return slots
    .map((slot) => ({ slot, by: distance(slot) }))
    .sort((a, b) => a.by[0] - b.by[0] || a.by[1] - b.by[1] || a.by[2] - b.by[2])
    .slice(0, ALTERNATIVES)
    .map(({ slot }) => slot)
}

/**
 * The appointment and every later one of its series still booked or confirmed, in time order,
 * the appointment first. It must belong to a series and itself be booked or confirmed.
 */
async function thisAndLater(db: ReadDb, appointmentId: string, doing: 'cancelled' | 'moved'): Promise<Appointment[]> {
  const row = await db.selectFrom('appointments').select(['id', 'series_id', 'start_at', 'status']).where('id', '=', appointmentId).executeTakeFirst()
  if (!row) throw ApiError.field('appointmentId', `is not a known appointment (${appointmentId})`)
  if (!row.series_id) throw ApiError.field('appointmentId', `is not part of a recurring series; it can be ${doing} on its own`)
  if (row.status !== 'booked' && row.status !== 'confirmed') {
    throw new ApiError('CONFLICT', `This appointment is ${STATUS_LABEL[row.status].toLowerCase()}; only a booked or confirmed one can be ${doing} with the rest of its series`)
  }
  const later = await db
    .selectFrom('appointments')
    .select('id')
    .where('series_id', '=', row.series_id)
    .where('start_at', '>', row.start_at)
    .where('status', 'in', ['booked', 'confirmed'])
    .execute()
  return [await getAppointment(db, row.id), ...(await loadAppointments(db, { ids: later.map((l) => l.id) }))]
}

/** An instant's clinic wall clock, read as if UTC (ms): wall-time arithmetic without daylight saving. */
const wallMs = (instant: string, timeZone: string) => DateTime.fromISO(instant, { zone: timeZone }).setZone('utc', { keepLocalTime: true }).toMillis()

export const seriesHandlers: HandlerGroup = {
  'series.preview': async (ctx, input) => {
    const plan = await planSeries(ctx.db, input)
    const problems: Array<string | null> = []
    for (const o of plan.occurrences) problems.push(await problemWith(ctx.db, ctx.now, plan, o))
    const bookable = plan.occurrences.filter((_, i) => problems[i] === null)
    const occurrences: SeriesOccurrence[] = []
    for (const [i, o] of plan.occurrences.entries()) {
      const problem = problems[i]
      const alternatives = problem ? await alternativesFor(ctx.db, ctx.now, plan, o, bookable) : []
      occurrences.push({ start: o.start, end: o.end, date: o.date, time: o.time, ok: problem === null, problem, alternatives })
    }
    return { rrule: plan.recurrence.rrule, description: plan.recurrence.description, occurrences }
  },

  'series.book': async (tx, input) => {
    const plan = await planSeries(tx.db, input)
    const tz = plan.settings.timeZone
    const when = (o: PlannedOccurrence) => `${DateTime.fromISO(o.date).toFormat('ccc d LLL')}, ${o.time}`

    // Replacements are keyed by an occurrence's start as the preview gave it.
    const replaced = new Map<string, { key: string; to: string | null }>()
    for (const [key, to] of Object.entries(input.replacements)) {
      const o = plan.occurrences.find((x) => Date.parse(x.start) === Date.parse(key))
      if (!o) throw ApiError.field('replacements', `${key} is not the start of one of the series' appointments (see the preview)`)
      replaced.set(o.start, { key, to })
    }

    const stuck: string[] = []
    for (const o of plan.occurrences) {
      if (replaced.has(o.start)) continue
      const problem = await problemWith(tx.db, tx.now, plan, o)
      if (problem) stuck.push(`${when(o)} (${problem})`)
    }
    if (stuck.length) {
      throw new ApiError('CONFLICT', `${stuck.length} of the series' appointments cannot be booked as they stand: ${stuck.join('; ')}. Move them to another time or leave them out.`)
    }
    const toBook = plan.occurrences.flatMap((o) => {
      const replacement = replaced.get(o.start)
      const start = replacement ? replacement.to : o.start
      return start === null ? [] : [{ o, start, key: replacement?.key ?? null }]
    })
    if (toBook.length === 0) throw ApiError.field('replacements', 'leave out every appointment of the series: nothing is left to book')

    const seriesId = tx.newId()
    await tx.db
      .insertInto('appointment_series')
      .values({ id: seriesId, patient_id: plan.patient.id, doctor_id: plan.doctor.id, type_id: plan.type.id, rrule: plan.recurrence.rrule, created_by: tx.user.id, created_at: tx.now.toISOString() })
      .execute()
    const appointments: Appointment[] = []
    for (const { o, start, key } of toBook) {
      try {
        appointments.push(await bookAppointment(tx, { patientId: plan.patient.id, doctorId: plan.doctor.id, typeId: plan.type.id, start, reason: input.reason, mode: 'in_person', seriesId }))
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        // Throwing rolls the whole series back: nothing of it is kept.
        const problem = plainWords(error.fields?.start ?? error.message)
        if (key !== null && error.code === 'VALIDATION') throw new ApiError('VALIDATION', `The new time for ${when(o)}: ${problem}`, { [`replacements.${key}`]: problem })
        const moved = key !== null ? ` (moved to ${clinicTime(start, tz)})` : ''
        throw new ApiError(error.code, `The series was not booked: ${when(o)}${moved}: ${problem}`)
      }
    }
    appointments.sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
    return { seriesId, appointments }
  },

  'series.cancel': async (tx, { appointmentId, reason }) => {
    const cancelled: Appointment[] = []
    for (const a of await thisAndLater(tx.db, appointmentId, 'cancelled')) cancelled.push(await changeStatus(tx, a.id, 'cancelled', reason))
    return { cancelled }
  },

  'series.move': async (tx, { appointmentId, start, reason }) => {
    const settings = await requireSettings(tx.db)
    const tz = settings.timeZone
    const targets = await thisAndLater(tx.db, appointmentId, 'moved')
    const current = targets[0]
    const newStart = new Date(Date.parse(start)).toISOString()
    if (newStart === current.start) throw ApiError.field('start', `is when the appointment already starts (${clinicTime(current.start, tz)})`)
    // The appointment's own new time is the caller's: its problems are theirs to fix, by field.
    await checkPlacement(tx.db, settings, tx.now, { doctorId: current.doctorId, typeId: current.typeId, start: newStart, appointmentId: current.id })

    // The later ones move by the same wall-clock shift: "a day later at 10:00" stays 10:00 across a clock change.
    const shift = wallMs(newStart, tz) - wallMs(current.start, tz)
    const moves = targets.map((a, i) => {
      if (i === 0) return { a, to: newStart, wall: null }
      const wall = new Date(wallMs(a.start, tz) + shift).toISOString()
      return { a, to: wallTimeToInstant(wall.slice(0, 10), wall.slice(11, 16), tz), wall }
    })
    const refuse = (a: Appointment, to: string, problem: string): never => {
      throw new ApiError('CONFLICT', `The series was not moved: ${clinicTime(a.start, tz)} would go to ${to}, but ${plainWords(problem)}. Nothing was moved.`)
    }
    for (const { a, to, wall } of moves) {
      if (to === null) refuse(a, DateTime.fromISO(wall!.slice(0, 16)).toFormat('ccc d LLL, HH:mm'), 'that time does not exist (the clocks go forward that night)')
    }
    // Moving later, the last goes first (moving earlier, the first): each lands where a
    // sibling has already left, never on one still there.
    const order = Date.parse(newStart) > Date.parse(current.start) ? [...moves].reverse() : moves
    const moved: Appointment[] = []
    for (const { a, to } of order) {
      try {
        moved.push(await rescheduleAppointment(tx, { id: a.id, start: to!, reason }))
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        refuse(a, clinicTime(to!, tz), error.fields?.start ?? error.message)
      }
    }
    moved.sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
    return { moved }
  }
}
