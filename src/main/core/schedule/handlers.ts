import { DateTime } from 'luxon'
import { ApiError, MAX_DOCTOR_PHOTO_BYTES, type AppointmentType, type Doctor, type Settings, type Appointment, type AppointmentEvent, type DaySchedule, type FreeSlot } from '../../../shared/api'
import { hashPassword } from '../auth/passwords'
import { ownTransaction, type HandlerGroup, type WriteContext } from '../context'
import type { ReadDb } from '../db/read-only'
import { documentType, preparePhoto } from '../patients/photo'
import { requireSettings } from '../settings/settings'
import { followAppointment } from '../frontdesk/queue'
import { bookAppointment, changeStatus, rescheduleAppointment } from './booking'
import type { AvailabilityException, BusyInterval, WeeklySession } from './slot-types'
import { clinicDateOf, clinicDays, clinicMinuteOf, daysBetween, freeSlots, workingWindows } from './slots'
import { claimedTime, dayBounds, noticeEnds, getAppointment, getDoctor, listTypes, loadAppointments, loadSlotRows, toDoctor, toException, toSession } from './views'

const PROFILE_COLUMNS = {
  name: 'name',
  specialization: 'specialization',
  qualifications: 'qualifications',
  yearsExperience: 'years_experience',
  registrationNumber: 'registration_number',
  phone: 'phone',
  emergencyContact: 'emergency_contact',
  email: 'email',
  address: 'address',
  idDocumentNumber: 'id_document_number',
  dailyCap: 'daily_cap',
  colour: 'colour'
} as const

function profileColumns(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [field, column] of Object.entries(PROFILE_COLUMNS)) if (fields[field] !== undefined) out[column] = fields[field]
  return out
}

/** A doctor may change only their own availability; admins anyone's. */
async function mayEditAvailability(ctx: WriteContext, doctorId: string | null): Promise<void> {
  if (ctx.role === 'admin') return
  if (doctorId === null) throw new ApiError('FORBIDDEN', 'Only an admin can set clinic holidays')
  const doctor = await getDoctor(ctx.db, doctorId)
  if (doctor.user_id !== ctx.user.id) throw new ApiError('FORBIDDEN', `A doctor may change only their own availability, not ${doctor.name}'s`)
}

/**
 * Booked appointments that the doctor's availability no longer covers, from now on. Changing
 * availability never drops them silently: the change is refused, or saved with this list.
 */
async function outsideAvailability(db: ReadDb, timeZone: string, now: Date, doctorIds: string[] | null): Promise<Appointment[]> {
  const upcoming = await loadAppointments(db, { from: now.toISOString(), ...(doctorIds ? { doctorIds } : {}) })
  const live = upcoming.filter((a) => a.status === 'booked' || a.status === 'confirmed')
  const outside: Appointment[] = []
  for (const a of live) {
    if (a.overbooked) continue
    const date = clinicDateOf(a.start, timeZone)
    const rows = await loadSlotRows(db, [a.doctorId], date, date, timeZone, { exceptAppointment: a.id })
    const minutes = Math.round((Date.parse(a.end) - Date.parse(a.start)) / 60_000)
    const grid = freeSlots({ timeZone, from: date, to: date, now: a.start, noticeMinutes: 0, durationMinutes: minutes, bufferMinutes: 0, doctors: [{ id: a.doctorId, dailyCap: null }], sessions: rows.sessions, exceptions: rows.exceptions, busy: [] })
    if (!grid.some((s) => s.start === a.start)) outside.push(a)
  }
  return outside
}

function refuseOutside(outside: Appointment[], timeZone: string): never {
  const list = outside.slice(0, 5).map((a) => `${DateTime.fromISO(a.start, { zone: timeZone }).toFormat('ccc d LLL HH:mm')} ${a.patient.name}`)
  throw new ApiError(
    'CONFLICT',
    `${outside.length} booked appointment${outside.length > 1 ? 's' : ''} would fall outside the new hours (${list.join('; ')}${outside.length > 5 ? '; …' : ''}). Move them first, or save anyway and move them from the list.`
  )
}

async function followed(tx: WriteContext, appointment: Appointment): Promise<Appointment> {
  await followAppointment(tx, appointment)
  return appointment
}

export const scheduleHandlers: HandlerGroup = {
  'doctors.list': async (ctx, { includeInactive }) => {
    const rows = await ctx.db
      .selectFrom('doctors')
      .selectAll()
      .$if(!includeInactive, (q) => q.where('active', '=', 1))
      .orderBy('active', 'desc')
      .orderBy('name')
      .execute()
    return rows.map(toDoctor)
  },

  // A new sign-in's password is hashed before the transaction opens.
  'doctors.create': ownTransaction<'doctors.create'>(async (ctx, { userId, login, ...profile }) => {
    if (!userId && !login) throw ApiError.field('login', 'give a new sign-in (email and password) or choose an existing doctor account')
    if (userId && login) throw ApiError.field('login', 'give either a new sign-in or an existing account, not both')
    const passwordHash = login ? await hashPassword(login.password) : null
    return ctx.write(async (tx) => {
      const at = tx.now.toISOString()
      let user = userId
      if (userId) {
        const account = await tx.db.selectFrom('users').select(['id', 'role']).where('id', '=', userId).executeTakeFirst()
        if (!account) throw ApiError.field('userId', `is not a known staff account (${userId})`)
        if (account.role !== 'doctor') throw ApiError.field('userId', 'must be an account with the doctor role')
        if (await tx.db.selectFrom('doctors').select('id').where('user_id', '=', userId).executeTakeFirst()) throw ApiError.field('userId', 'already has a doctor profile')
      } else {
        if (await tx.db.selectFrom('users').select('id').where('email', '=', login!.email).executeTakeFirst()) throw ApiError.field('login.email', 'another staff account already uses this email')
        user = tx.newId()
        await tx.db.insertInto('users').values({ id: user, name: profile.name, email: login!.email, role: 'doctor', password_hash: passwordHash!, active: 1, created_at: at, updated_at: at }).execute()
      }
      const id = tx.newId()
      await tx.db
        .insertInto('doctors')
        .values({ id, user_id: user!, ...(profileColumns(profile) as object), photo_sha256: null, id_document_sha256: null, id_document_type: null, active: 1, created_at: at, updated_at: at } as never)
        .execute()
      return toDoctor(await getDoctor(tx.db, id, 'id'))
    })
  }),

  'doctors.update': async (ctx, { id, fields }) => {
    await getDoctor(ctx.db, id, 'id')
    const set = profileColumns(fields)
    if (Object.keys(set).length) await ctx.db.updateTable('doctors').set({ ...set, updated_at: ctx.now.toISOString() }).where('id', '=', id).execute()
    return toDoctor(await getDoctor(ctx.db, id, 'id'))
  },

  'doctors.setActive': async (ctx, { id, active }) => {
    await getDoctor(ctx.db, id, 'id')
    await ctx.db.updateTable('doctors').set({ active: active ? 1 : 0, updated_at: ctx.now.toISOString() }).where('id', '=', id).execute()
    return toDoctor(await getDoctor(ctx.db, id, 'id'))
  },

  // The image is checked and resized before the transaction: sharp takes a while.
  'doctors.setPhoto': ownTransaction<'doctors.setPhoto'>(async (ctx, { id, file }) => {
    await getDoctor(ctx.db, id, 'id')
    const sha = ctx.services.files.put(await preparePhoto(file, MAX_DOCTOR_PHOTO_BYTES))
    return ctx.write(async (tx) => {
      await tx.db.updateTable('doctors').set({ photo_sha256: sha, updated_at: tx.now.toISOString() }).where('id', '=', id).execute()
      return toDoctor(await getDoctor(tx.db, id, 'id'))
    })
  }),

  'doctors.photo': async (ctx, { id }) => {
    const row = await getDoctor(ctx.db, id, 'id')
    const bytes = row.photo_sha256 ? ctx.services.files.get(row.photo_sha256) : null
    return bytes ? { type: 'image/jpeg', bytes } : null
  },

  'doctors.setIdDocument': ownTransaction<'doctors.setIdDocument'>(async (ctx, { id, file }) => {
    await getDoctor(ctx.db, id, 'id')
    const type = documentType(file)
    if (!type) throw ApiError.field('file', 'must be a PDF, JPEG or PNG scan (checked from its content, not its name)')
    const sha = ctx.services.files.put(Buffer.from(file.buffer, file.byteOffset, file.byteLength))
    return ctx.write(async (tx) => {
      await tx.db.updateTable('doctors').set({ id_document_sha256: sha, id_document_type: type, updated_at: tx.now.toISOString() }).where('id', '=', id).execute()
      return toDoctor(await getDoctor(tx.db, id, 'id'))
    })
  }),

  'doctors.idDocument': async (ctx, { id }) => {
    const row = await getDoctor(ctx.db, id, 'id')
    const bytes = row.id_document_sha256 ? ctx.services.files.get(row.id_document_sha256) : null
    if (!bytes) return null
    const extension = row.id_document_type === 'application/pdf' ? 'pdf' : row.id_document_type === 'image/png' ? 'png' : 'jpg'
    return { type: row.id_document_type ?? 'application/octet-stream', bytes, name: `${row.name.replace(/[^\w]+/g, '-')}-id-document.${extension}` }
  },

  'rooms.list': async (ctx) => (await ctx.db.selectFrom('rooms').selectAll().orderBy('name').execute()).map((r) => ({ id: r.id, name: r.name, active: r.active === 1 })),

  'rooms.save': async (ctx, { id, name, active }) => {
    const clash = await ctx.db.selectFrom('rooms').select('id').where('name', '=', name).executeTakeFirst()
    if (clash && clash.id !== id) throw ApiError.field('name', 'another room already has this name')
    const roomId = id ?? ctx.newId()
    if (id) {
      const found = await ctx.db.updateTable('rooms').set({ name, active: active ? 1 : 0 }).where('id', '=', id).executeTakeFirst()
      if (Number(found.numUpdatedRows) === 0) throw ApiError.field('id', `is not a known room (${id})`)
    } else await ctx.db.insertInto('rooms').values({ id: roomId, name, active: active ? 1 : 0, created_at: ctx.now.toISOString() }).execute()
    return { id: roomId, name, active }
  },

  'appointmentTypes.list': async (ctx, { includeInactive }) => listTypes(ctx.db, includeInactive),

  'appointmentTypes.save': async (ctx, { id, doctorIds, ...type }) => {
    const clash = await ctx.db.selectFrom('appointment_types').select('id').where('name', '=', type.name).executeTakeFirst()
    if (clash && clash.id !== id) throw ApiError.field('name', 'another appointment type already has this name')
    for (const [i, doctorId] of doctorIds.entries()) await getDoctor(ctx.db, doctorId, `doctorIds.${i}`)
    const at = ctx.now.toISOString()
    const columns = { name: type.name, duration_minutes: type.durationMinutes, colour: type.colour, price_minor: type.priceMinor, buffer_minutes: type.bufferMinutes, walk_in: type.walkIn ? 1 : 0, active: type.active ? 1 : 0, updated_at: at }
    const typeId = id ?? ctx.newId()
    if (id) {
      const found = await ctx.db.updateTable('appointment_types').set(columns).where('id', '=', id).executeTakeFirst()
      if (Number(found.numUpdatedRows) === 0) throw ApiError.field('id', `is not a known appointment type (${id})`)
    } else await ctx.db.insertInto('appointment_types').values({ id: typeId, ...columns, created_at: at }).execute()
    // The doctor list is replaced: rows for doctors no longer listed go, new ones come.
    const existing = await ctx.db.selectFrom('appointment_type_doctors').select(['id', 'doctor_id']).where('type_id', '=', typeId).execute()
    const gone = existing.filter((e) => !doctorIds.includes(e.doctor_id)).map((e) => e.id)
    if (gone.length) await ctx.db.deleteFrom('appointment_type_doctors').where('id', 'in', gone).execute()
    for (const doctorId of doctorIds.filter((d) => !existing.some((e) => e.doctor_id === d))) {
      await ctx.db.insertInto('appointment_type_doctors').values({ id: ctx.newId(), type_id: typeId, doctor_id: doctorId }).execute()
    }
    const [saved] = await listTypes(ctx.db, true, [typeId])
    return saved
  },

  'availability.get': async (ctx, { doctorId }) => {
    await getDoctor(ctx.db, doctorId)
    const sessions = (await ctx.db.selectFrom('doctor_sessions').selectAll().where('doctor_id', '=', doctorId).orderBy('weekday').orderBy('start_time').execute()).map(toSession)
    const exceptions = (
      await ctx.db
        .selectFrom('availability_exceptions')
        .selectAll()
        .where((eb) => eb.or([eb('doctor_id', '=', doctorId), eb('doctor_id', 'is', null)]))
        .orderBy('date')
        .execute()
    ).map(toException)
    return { doctorId, sessions: sessions.map(({ doctorId: _d, ...s }) => s), exceptions }
  },

  'availability.setWeekly': async (ctx, { doctorId, sessions, acceptOutside }) => {
    await mayEditAvailability(ctx, doctorId)
    const settings = await requireSettings(ctx.db)
    for (const [i, s] of sessions.entries()) {
      if (s.end <= s.start) throw ApiError.field(`sessions.${i}.end`, `must be after the start (${s.start})`)
      if (s.effectiveFrom && s.effectiveTo && s.effectiveTo < s.effectiveFrom) throw ApiError.field(`sessions.${i}.effectiveTo`, 'must not be before effectiveFrom')
      if (s.roomId && !(await ctx.db.selectFrom('rooms').select('id').where('id', '=', s.roomId).executeTakeFirst())) throw ApiError.field(`sessions.${i}.roomId`, 'is not a known room')
      const overlap = sessions.findIndex(
        (o, j) => j < i && o.weekday === s.weekday && o.start < s.end && s.start < o.end && (o.effectiveFrom ?? '') <= (s.effectiveTo ?? '9999') && (s.effectiveFrom ?? '') <= (o.effectiveTo ?? '9999')
      )
      if (overlap >= 0) throw ApiError.field(`sessions.${i}.start`, `overlaps session ${overlap + 1} on the same day`)
    }
    await ctx.db.deleteFrom('doctor_sessions').where('doctor_id', '=', doctorId).execute()
    for (const s of sessions) {
      await ctx.db
        .insertInto('doctor_sessions')
        .values({ id: ctx.newId(), doctor_id: doctorId, weekday: s.weekday, start_time: s.start, end_time: s.end, slot_minutes: s.slotMinutes, room_id: s.roomId, effective_from: s.effectiveFrom, effective_to: s.effectiveTo })
        .execute()
    }
    const outside = await outsideAvailability(ctx.db, settings.timeZone, ctx.now, [doctorId])
    if (outside.length && !acceptOutside) refuseOutside(outside, settings.timeZone)
    const availability = await (scheduleHandlers['availability.get'] as never as (c: unknown, i: unknown) => Promise<never>)(ctx, { doctorId })
    return { availability, outside }
  },

  'availability.addException': async (ctx, { acceptOutside, ...e }) => {
    await mayEditAvailability(ctx, e.doctorId)
    const settings = await requireSettings(ctx.db)
    if (e.kind === 'holiday' && e.doctorId !== null) throw ApiError.field('doctorId', 'must be empty for a clinic holiday (it applies to every doctor)')
    if (e.kind !== 'holiday' && e.doctorId === null) throw ApiError.field('doctorId', `is required for ${e.kind === 'leave' ? 'leave' : 'an extra session'}`)
    if (e.doctorId) await getDoctor(ctx.db, e.doctorId)
    if ((e.start === null) !== (e.end === null)) throw ApiError.field(e.start === null ? 'start' : 'end', 'give both start and end, or neither for the whole day')
    if (e.start && e.end && e.end <= e.start) throw ApiError.field('end', `must be after the start (${e.start})`)
    if (e.kind === 'extra' && (!e.start || !e.slotMinutes)) throw ApiError.field(e.start ? 'slotMinutes' : 'start', 'is required for an extra session')
    const today = DateTime.fromJSDate(ctx.now, { zone: settings.timeZone }).toISODate()!
    if (e.date < today) throw ApiError.field('date', `${e.date} is in the past`)
    const id = ctx.newId()
    await ctx.db
      .insertInto('availability_exceptions')
      .values({ id, doctor_id: e.doctorId, kind: e.kind, date: e.date, start_time: e.start, end_time: e.end, slot_minutes: e.kind === 'extra' ? e.slotMinutes : null, room_id: e.roomId, note: e.note, created_at: ctx.now.toISOString() })
      .execute()
    const outside = e.kind === 'extra' ? [] : await outsideAvailability(ctx.db, settings.timeZone, ctx.now, e.doctorId ? [e.doctorId] : null)
    const onDay = outside.filter((a) => clinicDateOf(a.start, settings.timeZone) === e.date)
    if (onDay.length && !acceptOutside) refuseOutside(onDay, settings.timeZone)
    const row = await ctx.db.selectFrom('availability_exceptions').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    return { exception: toException(row), outside: onDay }
  },

  'availability.removeException': async (ctx, { id }) => {
    const row = await ctx.db.selectFrom('availability_exceptions').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw ApiError.field('id', `is not a known exception (${id})`)
    await mayEditAvailability(ctx, row.doctor_id)
    await ctx.db.deleteFrom('availability_exceptions').where('id', '=', id).execute()
    return { removed: true as const }
  },

  'schedule.freeSlots': async (ctx, { typeId, doctorId, from, to, limit }) => slotsFor(ctx.db, ctx.now, { typeId, doctorId, from, to, limit }),

  'schedule.nextFree': async (ctx, { typeId, doctorId, days }) => {
    const settings = await requireSettings(ctx.db)
    const tz = settings.timeZone
    const { type, doctors } = await bookable(ctx.db, typeId, doctorId)
    if (doctors.length === 0) return null
    const ids = doctors.map((d) => d.id)
    const dates = clinicDays(clinicDateOf(ctx.now.toISOString(), tz), days, tz)
    const sessions = (await ctx.db.selectFrom('doctor_sessions').selectAll().where('doctor_id', 'in', ids).execute()).map(toSession)
    const extras = (
      await ctx.db.selectFrom('availability_exceptions').selectAll().where('kind', '=', 'extra').where('doctor_id', 'in', ids).where('date', '>=', dates[0].date).where('date', '<=', dates[days - 1].date).execute()
    ).map(toException)
    // A booking's buffer may run past the end of its window: each window gets room for the longest.
    const { longest } = await ctx.db.selectFrom('appointment_types').select((eb) => eb.fn.max<number | null>('buffer_minutes').as('longest')).executeTakeFirstOrThrow()
    const overhang = Math.ceil((longest ?? 0) / 5)
    const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))
    // No slot starts before the booking notice ends: on the day it ends in (today, usually),
    // only the hours after it are worth anything.
    const notBefore = noticeEnds(ctx.now, settings)
    // Day by day. A doctor whose claimed cells already fill their hours that day is skipped
    // without reading the bookings: a whole day from the claimed cells per UTC hour (a few rows a
    // doctor), the day the notice ends in from its cells after that moment, counted.
    // Both sides lean towards searching: the hours are counted generously (leave ignored, an hour
    // more on a clock-change day, the longest buffer after each window) and only the UTC hours
    // (or cells) wholly inside the clinic day are counted, so a day with room is searched. (Cells
    // claimed outside a doctor's hours, such as a booking stranded by changed hours, count too:
    // such a doctor may be passed over on a nearly full day.)
    for (const { date, weekday, start, end } of dates) {
      if (end <= notBefore) continue
      const partDay = notBefore > start
      // From here on (local minutes, rounded up to the 5-minute grid) the day can still be booked.
      const openFrom = partDay ? Math.ceil(clinicMinuteOf(notBefore, tz) / 5) * 5 : 0
      const cellsIn = (from: string, to: string) => Math.max(0, toMinutes(to) - Math.max(toMinutes(from), openFrom)) / 5
      const room = new Map<string, number>()
      const addRoom = (doctorId: string, from: string, to: string) => {
        const cells = cellsIn(from, to)
        if (cells > 0) room.set(doctorId, (room.get(doctorId) ?? 0) + cells + overhang)
      }
      for (const s of sessions) {
        if (s.weekday !== weekday || (s.effectiveFrom && date < s.effectiveFrom) || (s.effectiveTo && date > s.effectiveTo)) continue
        addRoom(s.doctorId, s.start, s.end)
      }
      for (const e of extras) if (e.date === date && e.doctorId && e.start && e.end) addRoom(e.doctorId, e.start, e.end)
      if (room.size === 0) continue
      const clockChange = end - start !== DAY_MS ? 12 : 0
      const doctorIds = [...room.keys()]
      const taken = partDay
        ? await ctx.db
            .selectFrom('appointment_cells')
            .select(['doctor_id', (eb) => eb.fn.countAll<number>().as('cells')])
            .where('cell', '>=', Math.ceil(notBefore / CELL_MS))
            .where('cell', '<', Math.floor(end / CELL_MS))
            .where('doctor_id', 'in', doctorIds)
            .groupBy('doctor_id')
            .execute()
        : await ctx.db
            .selectFrom('appointment_cell_hours')
            .select(['doctor_id', (eb) => eb.fn.sum<number>('cells').as('cells')])
            .where('hour', '>=', Math.ceil(start / HOUR_MS))
            .where('hour', '<', Math.floor(end / HOUR_MS))
            .where('doctor_id', 'in', doctorIds)
            .groupBy('doctor_id')
            .execute()
      const candidates = doctorIds.filter((id) => (taken.find((t) => t.doctor_id === id)?.cells ?? 0) < (room.get(id) ?? 0) + clockChange)
      if (candidates.length === 0) continue
      const found = await firstFreeOn(ctx.db, ctx.now, settings, type, doctors.filter((d) => candidates.includes(d.id)), date, { start, end }, sessions)
      if (found) return found
    }
    return null
  },

  'schedule.day': async (ctx, { date, doctorIds, typeId }) => {
    const settings = await requireSettings(ctx.db)
    const tz = settings.timeZone
    const doctors = (await ctx.db.selectFrom('doctors').selectAll().where('active', '=', 1).orderBy('name').execute())
      .filter((d) => !doctorIds || doctorIds.includes(d.id))
      .map(toDoctor)
    const ids = doctors.map((d) => d.id)
    const bounds = dayBounds(date, tz)
    const appointments = await loadAppointments(ctx.db, { doctorIds: ids, from: bounds.from, to: bounds.to })
    const rows = await loadSlotRows(ctx.db, ids, date, date, tz)
    const type = typeId ? (await listTypes(ctx.db, false, [typeId]))[0] : undefined
    if (typeId && !type) throw ApiError.field('typeId', `is not a known appointment type (${typeId})`)
    const steps: DaySchedule['steps'] = {}
    for (const doctor of doctors) {
      steps[doctor.id] = slotStep(rows, doctor.id)
    }
    const hours: DaySchedule['hours'] = workingWindows({ timeZone: tz, from: date, to: date, doctorIds: ids, sessions: rows.sessions, exceptions: rows.exceptions }).map(({ date: _d, ...w }) => w)
    // Free starts: the chosen type's length, or else each doctor's own slot length; one engine
    // call per distinct length rather than one per doctor.
    const free: FreeSlot[] = []
    const byLength = new Map<number, Doctor[]>()
    for (const doctor of doctors) {
      const length = type?.durationMinutes ?? steps[doctor.id]
      byLength.set(length, [...(byLength.get(length) ?? []), doctor])
    }
    for (const [length, group] of byLength) {
      free.push(
        ...freeSlots({
          timeZone: tz,
          from: date,
          to: date,
          now: ctx.now.toISOString(),
          noticeMinutes: settings.bookingNoticeMinutes,
          durationMinutes: length,
          bufferMinutes: type?.bufferMinutes ?? 0,
          doctors: group.map((d) => ({ id: d.id, dailyCap: d.dailyCap })),
          sessions: rows.sessions,
          exceptions: rows.exceptions,
          busy: rows.busy
        })
      )
    }
    return { date, doctors, appointments, free, hours, steps }
  },

  'schedule.range': async (ctx, { doctorId, from, to }) => {
    const { timeZone } = await requireSettings(ctx.db)
    await getDoctor(ctx.db, doctorId)
    if (to < from) throw ApiError.field('to', 'must not be before from')
    const days = daysBetween(from, to) + 1
    if (days > 42) throw ApiError.field('to', 'may be at most 6 weeks after from')
    const bounds = dayBounds(from, timeZone, days)
    const appointments = await loadAppointments(ctx.db, { doctorIds: [doctorId], from: bounds.from, to: bounds.to })
    const rows = await loadSlotRows(ctx.db, [doctorId], from, to, timeZone)
    const hours = workingWindows({ timeZone, from, to, doctorIds: [doctorId], sessions: rows.sessions, exceptions: rows.exceptions })
    return { appointments, hours, step: slotStep(rows, doctorId) }
  },

  'appointments.book': async (ctx, input) => bookAppointment(ctx, input),
  'appointments.reschedule': async (ctx, input) => rescheduleAppointment(ctx, input),
  'appointments.cancel': async (ctx, { id, reason }) => followed(ctx, await changeStatus(ctx, id, 'cancelled', reason)),
  // The day's queue follows the calendar: arrived joins it (with a token), and so on.
  'appointments.setStatus': async (ctx, { id, status }) => followed(ctx, await changeStatus(ctx, id, status)),
  'appointments.get': async (ctx, { id }) => getAppointment(ctx.db, id),

  'appointments.history': async (ctx, { id }) => {
    await getAppointment(ctx.db, id)
    const rows = await ctx.db
      .selectFrom('appointment_events')
      .leftJoin('users', 'users.id', 'appointment_events.user_id')
      .select(['appointment_events.id', 'at', 'users.name as byName', 'action', 'from_status', 'to_status', 'reason', 'changes'])
      .where('appointment_id', '=', id)
      .orderBy('at', 'desc')
      .orderBy('appointment_events.id', 'desc')
      .execute()
    return rows.map((r): AppointmentEvent => ({ id: r.id, at: r.at, byName: r.byName, action: r.action, fromStatus: r.from_status, toStatus: r.to_status, reason: r.reason, changes: JSON.parse(r.changes) }))
  },

  'appointments.forPatient': async (ctx, { patientId }) => {
    if (!(await ctx.db.selectFrom('patients').select('id').where('id', '=', patientId).executeTakeFirst())) throw ApiError.field('patientId', `is not a known patient (${patientId})`)
    return loadAppointments(ctx.db, { patientId, order: 'desc' })
  },

  'appointments.doctorDay': async (ctx, { date, doctorId }) => {
    const { timeZone } = await requireSettings(ctx.db)
    let id = doctorId
    if (!id) {
      const own = await ctx.db.selectFrom('doctors').select('id').where('user_id', '=', ctx.user.id).executeTakeFirst()
      if (!own) throw ApiError.field('doctorId', 'is required: you have no doctor profile')
      id = own.id
    } else await getDoctor(ctx.db, id)
    const bounds = dayBounds(date, timeZone)
    return loadAppointments(ctx.db, { doctorIds: [id], from: bounds.from, to: bounds.to })
  }
}

const HOUR_MS = 3_600_000
const CELL_MS = 5 * 60_000
const DAY_MS = 86_400_000

/** A doctor's shortest slot length in these rows (an hour if none): the calendar's grid for them. */
function slotStep(rows: Awaited<ReturnType<typeof loadSlotRows>>, doctorId: string): number {
  const lengths = [...rows.sessions.filter((s) => s.doctorId === doctorId).map((s) => s.slotMinutes), ...rows.exceptions.filter((e) => e.doctorId === doctorId && e.slotMinutes).map((e) => e.slotMinutes!)]
  return Math.min(...lengths, 60)
}

/** The type, and the active doctors who offer it (just `doctorId` when given); unknown or inactive ones named. */
async function bookable(db: ReadDb, typeId: string, doctorId?: string) {
  const [type] = await listTypes(db, false, [typeId])
  if (!type) throw ApiError.field('typeId', `is not a known appointment type (${typeId})`)
  if (doctorId) {
    const doctor = await getDoctor(db, doctorId)
    if (doctor.active !== 1) throw ApiError.field('doctorId', `${doctor.name} is no longer taking appointments`)
  }
  const doctors = (await db.selectFrom('doctors').select(['id', 'daily_cap']).where('active', '=', 1).orderBy('name').execute())
    .filter((d) => (doctorId ? d.id === doctorId : true))
    .filter((d) => type.doctorIds.length === 0 || type.doctorIds.includes(d.id))
  return { type, doctors }
}

export async function slotsFor(db: ReadDb, now: Date, q: { typeId: string; doctorId?: string; from: string; to: string; limit: number }): Promise<FreeSlot[]> {
  const settings = await requireSettings(db)
  if (q.to < q.from) throw ApiError.field('to', 'must not be before from')
  if (daysBetween(q.from, q.to) > 180) throw ApiError.field('to', 'may be at most 180 days after from')
  const { type, doctors } = await bookable(db, q.typeId, q.doctorId)
  return searchSlots(db, now, settings, type, doctors, q.from, q.to, q.limit)
}

/** Free slots of a type with these doctors over clinic dates: their rows loaded, then the engine. */
async function searchSlots(
  db: ReadDb,
  now: Date,
  settings: Settings,
  type: AppointmentType,
  doctors: SlotDoctorRow[],
  from: string,
  to: string,
  limit: number
): Promise<FreeSlot[]> {
  const rows = await loadSlotRows(
    db,
    doctors.map((d) => d.id),
    from,
    to,
    settings.timeZone,
    { capped: cappedIds(doctors), notBefore: noticeEnds(now, settings) }
  )
  return runEngine(now, settings, type, doctors, from, to, rows, limit)
}

/**
 * The earliest free slot of a type on one clinic date (`day` its start and end, ms), reading the
 * claimed cells a piece at a time, earliest first: about an hour of every doctor's cells, then
 * twice as many each time. Each piece is searched with the time after it fenced off as busy, so a
 * slot found is the day's first (an earlier one would have ended inside the piece, and been
 * seen). The next piece starts one booking's length before the last one's end, and the time
 * before that is fenced off instead: a slot across the seam is looked at again, whole.
 */
async function firstFreeOn(
  db: ReadDb,
  now: Date,
  settings: Settings,
  type: AppointmentType,
  doctors: SlotDoctorRow[],
  date: string,
  day: { start: number; end: number },
  sessions: WeeklySession[]
): Promise<FreeSlot | null> {
  const ids = doctors.map((d) => d.id)
  const notBefore = noticeEnds(now, settings)
  const rows = await loadSlotRows(db, ids, date, date, settings.timeZone, { sessions, capped: cappedIds(doctors), claimed: false })
  const occupied = Math.ceil((type.durationMinutes + type.bufferMinutes) / 5)
  const lastCell = Math.ceil(day.end / CELL_MS) + occupied
  const firstCell = Math.floor(Math.max(day.start, notBefore) / CELL_MS)
  const fence = (from: number, to: number) => ids.map((doctorId) => ({ doctorId, start: new Date(from * CELL_MS).toISOString(), end: new Date(to * CELL_MS).toISOString(), counts: false }))
  let from = firstCell
  // An hour of every doctor's cells, and never less than a few bookings' worth each.
  let limit: number | undefined = ids.length * Math.max(12, 4 * occupied)
  for (;;) {
    const { busy, until } = await claimedTime(db, ids, from, lastCell, { limit })
    const fenced = [...(from > firstCell ? fence(firstCell, from) : []), ...(until < lastCell ? fence(until, lastCell) : [])]
    const [slot] = runEngine(now, settings, type, doctors, date, date, { ...rows, busy: [...rows.busy, ...busy, ...fenced] }, 1)
    if (slot) return slot
    if (until >= lastCell) return null
    const next = until - occupied
    if (next > from) from = next
    else limit = undefined // a piece shorter than a booking: read the rest of the day at once
    if (limit !== undefined) limit *= 2
  }
}

type SlotDoctorRow = { id: string; daily_cap: number | null }

const cappedIds = (doctors: SlotDoctorRow[]) => doctors.filter((d) => d.daily_cap !== null).map((d) => d.id)

function runEngine(
  now: Date,
  settings: Settings,
  type: AppointmentType,
  doctors: SlotDoctorRow[],
  from: string,
  to: string,
  rows: { sessions: WeeklySession[]; exceptions: AvailabilityException[]; busy: BusyInterval[] },
  limit: number
): FreeSlot[] {
  return freeSlots({
    timeZone: settings.timeZone,
    from,
    to,
    now: now.toISOString(),
    noticeMinutes: settings.bookingNoticeMinutes,
    durationMinutes: type.durationMinutes,
    bufferMinutes: type.bufferMinutes,
    doctors: doctors.map((d) => ({ id: d.id, dailyCap: d.daily_cap })),
    sessions: rows.sessions,
    exceptions: rows.exceptions,
    busy: rows.busy,
    limit
  })
}
