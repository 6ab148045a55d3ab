import type { Selectable } from 'kysely'
import { ApiError, type Appointment, type AppointmentType, type Doctor, type ExceptionView, type Settings, type WeeklySessionView } from '../../../shared/api'
import type { ReadDb } from '../db/read-only'
import type { AvailabilityExceptionsTable, DoctorSessionsTable, DoctorsTable } from '../db/schema'
import type { AvailabilityException, BusyInterval, WeeklySession } from './slot-types'
import { clinicDays, daysBetween } from './slots'

/** The claimed-time grain (see booking.ts): 5 minutes. */
const CELL_MS = 5 * 60_000
/** The longest a booking can hold a doctor: the longest type (8 hours) and buffer (2 hours). */
const LONGEST_BOOKING_MS = 10 * 3_600_000

/** When the booking notice that starts now ends (ms): no slot may start before it. */
export function noticeEnds(now: Date, settings: Pick<Settings, 'bookingNoticeMinutes'>): number {
  return now.getTime() + settings.bookingNoticeMinutes * 60_000
}

export function toDoctor(row: Selectable<DoctorsTable>): Doctor {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    specialization: row.specialization,
    qualifications: row.qualifications,
    yearsExperience: row.years_experience,
    registrationNumber: row.registration_number,
    phone: row.phone,
    emergencyContact: row.emergency_contact,
    email: row.email,
    address: row.address,
    idDocumentNumber: row.id_document_number,
    hasIdDocument: row.id_document_sha256 !== null,
    photoVersion: row.photo_sha256?.slice(0, 16) ?? null,
    dailyCap: row.daily_cap,
    colour: row.colour,
    active: row.active === 1
  }
}

export const toSession = (r: Selectable<DoctorSessionsTable>): WeeklySession & WeeklySessionView => ({
  id: r.id,
  doctorId: r.doctor_id,
  weekday: r.weekday,
  start: r.start_time,
  end: r.end_time,
  slotMinutes: r.slot_minutes,
  roomId: r.room_id,
  effectiveFrom: r.effective_from,
  effectiveTo: r.effective_to
})

export const toException = (r: Selectable<AvailabilityExceptionsTable>): AvailabilityException & ExceptionView => ({
  id: r.id,
  doctorId: r.doctor_id,
  kind: r.kind,
  date: r.date,
  start: r.start_time,
  end: r.end_time,
  slotMinutes: r.slot_minutes,
  roomId: r.room_id,
  note: r.note
})

export async function getDoctor(db: ReadDb, id: string, field = 'doctorId'): Promise<Selectable<DoctorsTable>> {
  const row = await db.selectFrom('doctors').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw ApiError.field(field, `is not a known doctor (${id})`)
  return row
}

export async function listTypes(db: ReadDb, includeInactive: boolean, ids?: string[]): Promise<AppointmentType[]> {
  const rows = await db
    .selectFrom('appointment_types')
    .selectAll()
    .$if(!includeInactive, (q) => q.where('active', '=', 1))
    .$if(ids !== undefined, (q) => q.where('id', 'in', ids!.length ? ids! : ['']))
    .orderBy('name')
    .execute()
  const links = await db
    .selectFrom('appointment_type_doctors')
    .select(['type_id', 'doctor_id'])
    .where('type_id', 'in', rows.length ? rows.map((r) => r.id) : [''])
    .execute()
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    durationMinutes: r.duration_minutes,
    colour: r.colour,
    priceMinor: r.price_minor,
    bufferMinutes: r.buffer_minutes,
    walkIn: r.walk_in === 1,
    active: r.active === 1,
    doctorIds: links.filter((l) => l.type_id === r.id).map((l) => l.doctor_id)
  }))
}

/** Appointments with their patient, doctor and type, as screens show them. */
export async function loadAppointments(db: ReadDb, where: { ids?: string[]; doctorIds?: string[]; from?: string; to?: string; patientId?: string; order?: 'asc' | 'desc' }): Promise<Appointment[]> {
  const rows = await db
    .selectFrom('appointments as a')
    .innerJoin('patients as p', 'p.id', 'a.patient_id')
    .innerJoin('doctors as d', 'd.id', 'a.doctor_id')
    .innerJoin('appointment_types as t', 't.id', 'a.type_id')
    .select([
      'a.id',
      'a.patient_id',
      'p.number as patientNumber',
      'p.name as patientName',
      'p.phone as patientPhone',
      'a.doctor_id',
      'd.name as doctorName',
      'a.type_id',
      't.name as typeName',
      't.colour',
      'a.start_at',
      'a.end_at',
      'a.status',
      'a.reason',
      'a.mode',
      'a.overbooked',
      'a.overbook_reason',
      'a.cancel_reason',
      'a.room_id',
      'a.booked_by',
      'a.series_id',
      'a.created_at',
      'a.updated_at'
    ])
    .$if(where.ids !== undefined, (q) => q.where('a.id', 'in', where.ids!.length ? where.ids! : ['']))
    .$if(where.doctorIds !== undefined, (q) => q.where('a.doctor_id', 'in', where.doctorIds!.length ? where.doctorIds! : ['']))
    .$if(where.from !== undefined, (q) => q.where('a.start_at', '>=', where.from!))
    .$if(where.to !== undefined, (q) => q.where('a.start_at', '<', where.to!))
    .$if(where.patientId !== undefined, (q) => q.where('a.patient_id', '=', where.patientId!))
    .orderBy('a.start_at', where.order ?? 'asc')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    patient: { id: r.patient_id, number: r.patientNumber, name: r.patientName, phone: r.patientPhone },
    doctorId: r.doctor_id,
    doctorName: r.doctorName,
    typeId: r.type_id,
    typeName: r.typeName,
    colour: r.colour,
    start: r.start_at,
    end: r.end_at,
    status: r.status,
    reason: r.reason,
    mode: r.mode,
    overbooked: r.overbooked === 1,
    overbookReason: r.overbook_reason,
    cancelReason: r.cancel_reason,
    roomId: r.room_id,
    bookedBy: r.booked_by,
    seriesId: r.series_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at
  }))
}

export async function getAppointment(db: ReadDb, id: string): Promise<Appointment> {
  const [found] = await loadAppointments(db, { ids: [id] })
  if (!found) throw new ApiError('NOT_FOUND', `No appointment with id ${id}`)
  return found
}

/** A clinic date's bounds (or `days` dates' from it) as UTC instants: its first moment, and the next date's. */
export function dayBounds(date: string, timeZone: string, days = 1): { from: string; to: string } {
  const dates = clinicDays(date, days, timeZone)
  return { from: new Date(dates[0].start).toISOString(), to: new Date(dates[days - 1].end).toISOString() }
}

/**
 * Everything the slot engine needs about these doctors over these clinic dates. A caller that
 * already holds the doctors' weekly sessions, or knows which of them have a daily cap, passes
 * them in (`sessions` for all of `doctorIds`; `capped` among them); `exceptAppointment`'s own time
 * is left free (a move). Claimed time before `notBefore` (ms; the end of the booking notice) is not
 * read: no slot can start before it, so nothing earlier can be in its way. With `claimed: false`
 * the claimed time is left to the caller (see claimedTime).
 */
export async function loadSlotRows(
  db: ReadDb,
  doctorIds: string[],
  from: string,
  to: string,
  timeZone: string,
  options: { exceptAppointment?: string; sessions?: WeeklySession[]; capped?: string[]; notBefore?: number; claimed?: false } = {}
) {
  const { exceptAppointment } = options
  const ids = doctorIds.length ? doctorIds : ['']
  const sessions = options.sessions?.filter((s) => doctorIds.includes(s.doctorId)) ?? (await db.selectFrom('doctor_sessions').selectAll().where('doctor_id', 'in', ids).execute()).map(toSession)
  const exceptions = (
    await db
      .selectFrom('availability_exceptions')
      .selectAll()
      .where('date', '>=', from)
      .where('date', '<=', to)
      .where((eb) => eb.or([eb('doctor_id', 'in', ids), eb('doctor_id', 'is', null)]))
      .execute()
  ).map(toException)
  const days = daysBetween(from, to) + 1
  const bounds = dayBounds(from, timeZone, days)
  // From the first day's start to the last day's end plus the longest booking a slot can be.
  const firstCell = Math.floor(Math.max(Date.parse(bounds.from), options.notBefore ?? 0) / CELL_MS)
  const lastCell = Math.ceil((Date.parse(bounds.to) + LONGEST_BOOKING_MS) / CELL_MS)
  const busy = options.claimed === false ? [] : (await claimedTime(db, ids, firstCell, lastCell, { exceptAppointment })).busy
  // The daily cap counts appointments, so doctors with a cap also get their bookings counted.
  const capped = options.capped ?? (await db.selectFrom('doctors').select('id').where('id', 'in', ids).where('daily_cap', 'is not', null).execute()).map((d) => d.id)
  if (capped.length) {
    const booked = await db
      .selectFrom('appointments')
      .select(['doctor_id', 'start_at'])
      .where('doctor_id', 'in', capped)
      .where('start_at', '>=', bounds.from)
      .where('start_at', '<', bounds.to)
      .where('status', 'not in', ['cancelled', 'no_show'])
      .$if(exceptAppointment !== undefined, (q) => q.where('id', '!=', exceptAppointment!))
      .execute()
    // Zero-length: counted towards the cap, taking no time (the cells already do).
    for (const b of booked) busy.push({ doctorId: b.doctor_id, start: b.start_at, end: b.start_at, counts: true })
  }
  return { sessions, exceptions, busy }
}

/**
 * The claimed cells (they include each booking's buffer) of these doctors from `firstCell` to
 * before `lastCell`, as busy intervals: one range of the (cell, doctor) index, small rows, no
 * table lookups; consecutive cells of a doctor join into one. With `limit`, at most about that
 * many cells are read, earliest first, and `until` says where the reading stopped: every claim
 * before that cell is in `busy`, none after (`lastCell` when all were read).
 */
export async function claimedTime(db: ReadDb, ids: string[], firstCell: number, lastCell: number, options: { exceptAppointment?: string; limit?: number } = {}) {
  const { exceptAppointment, limit } = options
  const cells = await db
    .selectFrom('appointment_cells')
    .select(['doctor_id', 'cell'])
    .where('cell', '>=', firstCell)
    .where('cell', '<', lastCell)
    .where('doctor_id', 'in', ids)
    .orderBy('cell')
    .$if(limit !== undefined, (q) => q.limit(limit!))
    .execute()
  // A cut-off read may hold only some doctors' claims in its last cell: that cell is read again next time.
  const until = limit !== undefined && cells.length === limit ? cells[cells.length - 1].cell : lastCell
  const skip = new Set(
    exceptAppointment === undefined ? [] : (await db.selectFrom('appointment_cells').select('id').where('appointment_id', '=', exceptAppointment).execute()).map((c) => c.id)
  )
  const runs = new Map<string, { start: number; end: number }>()
  const busy: BusyInterval[] = []
  const close = (doctorId: string, run: { start: number; end: number }) =>
    busy.push({ doctorId, start: new Date(run.start * CELL_MS).toISOString(), end: new Date(run.end * CELL_MS).toISOString(), counts: false })
  for (const { doctor_id, cell } of cells) {
    if (cell >= until) break
    if (skip.size && skip.has(`${doctor_id}:${cell}`)) continue
    const run = runs.get(doctor_id)
    if (run && run.end === cell) run.end = cell + 1
    else {
      if (run) close(doctor_id, run)
      runs.set(doctor_id, { start: cell, end: cell + 1 })
    }
  }
  for (const [doctorId, run] of runs) close(doctorId, run)
  return { busy, until }
}
