import { DateTime } from 'luxon'
import { ApiError, type TimeOfDay, type WaitlistEntry } from '../../../shared/api'
import type { HandlerGroup } from '../context'
import type { ReadDb } from '../db/read-only'
import { bookAppointment } from '../schedule/booking'
import { clinicDateOf, clinicMinuteOf, daysBetween, freeSlots } from '../schedule/slots'
import { getDoctor, listTypes, loadSlotRows } from '../schedule/views'
import { requireSettings } from '../settings/settings'
import { activePatient } from '../patients/repository'

/**
 * The waitlist: patients who want an earlier slot than the one they could get. An entry asks
 * for a type, a doctor (or any who offers the type), clinic dates and a time of day; when an
 * appointment is cancelled or moved, `waitlist.fits` says who could take its old time, first
 * come first served, and `waitlist.book` books one of them into it.
 *
 * An entry whose toDate has passed (in clinic time) has lapsed: it keeps its status 'waiting'
 * in the table (a read cannot write, and no job sweeps them), but it is listed nowhere, fits no
 * slot, cannot be booked, and does not stop the patient being added again. It can still be
 * removed. So "waiting" on screen always means "still wants a slot".
 */

const MAX_DAYS = 180

/** Start times by clinic wall clock (minutes after midnight): morning before 12:00, afternoon 12:00–17:00, evening from 17:00. */
function timeOfDayOf(minute: number): Exclude<TimeOfDay, 'any'> {
  return minute < 12 * 60 ? 'morning' : minute < 17 * 60 ? 'afternoon' : 'evening'
}

const showDate = (date: string) => DateTime.fromISO(date).toFormat('ccc d LLL yyyy')

async function clinicToday(db: ReadDb, now: Date) {
  const { timeZone } = await requireSettings(db)
  return clinicDateOf(now.toISOString(), timeZone)
}

/** Entries with their patient, doctor and type, first come first served. */
async function loadEntries(db: ReadDb, where: { ids?: string[]; status?: WaitlistEntry['status']; notEndedBefore?: string; doctorId?: string; onDate?: string }): Promise<WaitlistEntry[]> {
  const rows = await db
    .selectFrom('waitlist as w')
    .innerJoin('patients as p', 'p.id', 'w.patient_id')
    .leftJoin('doctors as d', 'd.id', 'w.doctor_id')
    .innerJoin('appointment_types as t', 't.id', 'w.type_id')
    .select([
      'w.id',
      'w.patient_id',
      'p.number as patientNumber',
      'p.name as patientName',
      'p.phone as patientPhone',
      'w.doctor_id',
      'd.name as doctorName',
      'w.type_id',
      't.name as typeName',
      'w.from_date',
      'w.to_date',
      'w.time_of_day',
      'w.note',
      'w.status',
      'w.appointment_id',
      'w.created_at'
    ])
    .$if(where.ids !== undefined, (q) => q.where('w.id', 'in', where.ids!.length ? where.ids! : ['']))
    .$if(where.status !== undefined, (q) => q.where('w.status', '=', where.status!))
    .$if(where.notEndedBefore !== undefined, (q) => q.where('w.to_date', '>=', where.notEndedBefore!))
    .$if(where.doctorId !== undefined, (q) => q.where((eb) => eb.or([eb('w.doctor_id', 'is', null), eb('w.doctor_id', '=', where.doctorId!)])))
    .$if(where.onDate !== undefined, (q) => q.where('w.from_date', '<=', where.onDate!).where('w.to_date', '>=', where.onDate!))
    .orderBy('w.created_at')
    .orderBy('w.id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    patient: { id: r.patient_id, number: r.patientNumber, name: r.patientName, phone: r.patientPhone },
    doctorId: r.doctor_id,
    doctorName: r.doctorName,
    typeId: r.type_id,
    typeName: r.typeName,
    fromDate: r.from_date,
    toDate: r.to_date,
    timeOfDay: r.time_of_day,
    note: r.note,
    status: r.status,
    appointmentId: r.appointment_id,
    createdAt: r.created_at
  }))
}

async function getEntry(db: ReadDb, id: string): Promise<WaitlistEntry> {
  const [found] = await loadEntries(db, { ids: [id] })
  if (!found) throw new ApiError('NOT_FOUND', `No waitlist entry with id ${id}`)
  return found
}

function notWaiting(entry: WaitlistEntry): ApiError {
  const what = entry.status === 'booked' ? 'already booked' : 'taken off the waitlist'
  return new ApiError('CONFLICT', `${entry.patient.number} ${entry.patient.name}'s waitlist entry was ${what}; only a waiting entry can be booked or removed`)
}

export const waitlistHandlers: HandlerGroup = {
  'waitlist.list': async (ctx, { status }) => loadEntries(ctx.db, { status, ...(status === 'waiting' ? { notEndedBefore: await clinicToday(ctx.db, ctx.now) } : {}) }),

  'waitlist.add': async (tx, input) => {
    const today = await clinicToday(tx.db, tx.now)
    const patient = await activePatient(tx.db, input.patientId, 'add')
    const doctor = input.doctorId === null ? null : await getDoctor(tx.db, input.doctorId)
    if (doctor && doctor.active !== 1) throw ApiError.field('doctorId', `${doctor.name} is no longer taking appointments`)
    const [type] = await listTypes(tx.db, true, [input.typeId])
    if (!type) throw ApiError.field('typeId', `is not a known appointment type (${input.typeId})`)
    if (!type.active) throw ApiError.field('typeId', `${type.name} is no longer offered`)
    if (doctor && type.doctorIds.length && !type.doctorIds.includes(doctor.id)) throw ApiError.field('typeId', `${type.name} is not offered by ${doctor.name}`)
    for (const field of ['fromDate', 'toDate'] as const) if (!DateTime.fromISO(input[field]).isValid) throw ApiError.field(field, `${input[field]} is not a real date`)
    if (input.toDate < input.fromDate) throw ApiError.field('toDate', `must not be before fromDate (${input.fromDate})`)
    if (input.toDate < today) throw ApiError.field('toDate', `${showDate(input.toDate)} is in the past (the clinic's date today is ${showDate(today)})`)
    if (daysBetween(input.fromDate, input.toDate) > MAX_DAYS) throw ApiError.field('toDate', `may be at most ${MAX_DAYS} days after fromDate`)

    const same = await tx.db
      .selectFrom('waitlist')
      .select(['from_date', 'to_date'])
      .where('patient_id', '=', patient.id)
      .where('type_id', '=', type.id)
      .where('doctor_id', 'is', input.doctorId)
      .where('status', '=', 'waiting')
      .where('to_date', '>=', today)
      .executeTakeFirst()
    if (same) {
      throw new ApiError(
        'CONFLICT',
        `${patient.number} ${patient.name} is already waiting for ${type.name} with ${doctor?.name ?? 'any doctor'}, from ${showDate(same.from_date)} to ${showDate(same.to_date)}. Remove that entry first to change it.`
      )
    }
    const id = tx.newId()
    const at = tx.now.toISOString()
    await tx.db
      .insertInto('waitlist')
      .values({
        id,
        patient_id: patient.id,
        doctor_id: input.doctorId,
        type_id: type.id,
        from_date: input.fromDate,
        to_date: input.toDate,
        time_of_day: input.timeOfDay,
        note: input.note,
        status: 'waiting',
        appointment_id: null,
        created_by: tx.user.id,
        created_at: at,
        updated_at: at
      })
      .execute()
    return getEntry(tx.db, id)
  },

  'waitlist.remove': async (tx, { id }) => {
    const entry = await getEntry(tx.db, id)
    if (entry.status !== 'waiting') throw notWaiting(entry)
    await tx.db.updateTable('waitlist').set({ status: 'removed', updated_at: tx.now.toISOString() }).where('id', '=', id).execute()
    return getEntry(tx.db, id)
  },

  'waitlist.fits': async (ctx, input) => {
    const settings = await requireSettings(ctx.db)
    const tz = settings.timeZone
    const doctor = await getDoctor(ctx.db, input.doctorId)
    const start = new Date(Date.parse(input.start)).toISOString()
    const end = new Date(Date.parse(input.end)).toISOString()
    if (end <= start) throw ApiError.field('end', `must be after the start (${input.start})`)
    // The freed time's end is only reported: a longer visit fits when the time after it is free too.
    const slot = { doctorId: doctor.id, doctorName: doctor.name, start, end }
    if (doctor.active !== 1 || Date.parse(start) < ctx.now.getTime()) return { slot, entries: [] }

    const date = clinicDateOf(start, tz)
    const partOfDay = timeOfDayOf(clinicMinuteOf(Date.parse(start), tz))
    const candidates = (await loadEntries(ctx.db, { status: 'waiting', doctorId: doctor.id, onDate: date, notEndedBefore: clinicDateOf(ctx.now.toISOString(), tz) })).filter(
      (e) => e.timeOfDay === 'any' || e.timeOfDay === partOfDay
    )
    if (candidates.length === 0) return { slot, entries: [] }

    // A patient archived or merged since joining cannot be booked: they are not offered.
    const bookable = new Set(
      (
        await ctx.db
          .selectFrom('patients')
          .select('id')
          .where('id', 'in', [...new Set(candidates.map((e) => e.patient.id))])
          .where('archived_at', 'is', null)
          .where('merged_into', 'is', null)
          .execute()
      ).map((p) => p.id)
    )
    // Whether each type can start here now, asked of the slot engine as booking asks it: one of
    // the doctor's slots that day, its length and buffer clear of every claimed cell, under the
    // daily cap, past the booking notice.
    const rows = await loadSlotRows(ctx.db, [doctor.id], date, date, tz)
    const types = await listTypes(ctx.db, false, [...new Set(candidates.map((e) => e.typeId))])
    const fitting = new Set(
      types
        .filter((type) => type.doctorIds.length === 0 || type.doctorIds.includes(doctor.id))
        .filter((type) =>
          freeSlots({
            timeZone: tz,
            from: date,
            to: date,
            now: ctx.now.toISOString(),
            noticeMinutes: settings.bookingNoticeMinutes,
            durationMinutes: type.durationMinutes,
            bufferMinutes: type.bufferMinutes,
            doctors: [{ id: doctor.id, dailyCap: doctor.daily_cap }],
            sessions: rows.sessions,
            exceptions: rows.exceptions,
            busy: rows.busy
          }).some((s) => s.start === start)
        )
        .map((type) => type.id)
    )
    return { slot, entries: candidates.filter((e) => fitting.has(e.typeId) && bookable.has(e.patient.id)) }
  },

  // The booking and the entry's change are one transaction: a booking refused leaves the entry waiting.
  // The entry's doctor, dates and time of day guide the desk (see waitlist.fits) but are not
  // enforced here: the desk has spoken to the patient, who may take something else.
  'waitlist.book': async (tx, { id, doctorId, start }) => {
    const entry = await getEntry(tx.db, id)
    if (entry.status !== 'waiting') throw notWaiting(entry)
    const today = await clinicToday(tx.db, tx.now)
    if (entry.toDate < today) throw new ApiError('CONFLICT', `${entry.patient.number} ${entry.patient.name}'s waitlist entry ended on ${showDate(entry.toDate)}; add them again if they still want a slot`)
    const appointment = await bookAppointment(tx, { patientId: entry.patient.id, doctorId, typeId: entry.typeId, start, reason: entry.note || 'From the waitlist', mode: 'in_person' })
    await tx.db.updateTable('waitlist').set({ status: 'booked', appointment_id: appointment.id, updated_at: tx.now.toISOString() }).where('id', '=', id).execute()
    return { appointment, entry: await getEntry(tx.db, id) }
  }
}
