import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import type { Appointment, AppointmentEvent, DaySchedule, FreeSlot, Patient, PatientMerge, SessionInfo } from '../../../shared/api'
import { ADMIN, addStaff, call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'
import { setUpPractice } from './fixtures'

// The test clinic is in Europe/London; the clock starts Monday 10 March 2025, 09:00 (GMT).
const TUE = (time: string) => `2025-03-11T${time}:00Z`

let open: TestCore[] = []
afterEach(async () => {
  for (const t of open) await t.close()
  open = []
})

async function practice(counts = { doctors: 2, patients: 3 }) {
  const t = await openTestCore()
  open.push(t)
  const token = await setUpClinic(t.core)
  const p = await setUpPractice(t.core, token, counts)
  const count = async () => (await t.core.services.db.selectFrom('appointments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n
  return { t, token, ...p, count }
}

const login = (t: TestCore, email: string, password: string) => call<SessionInfo>(t.core, 'auth.login', { email, password }).then((s) => s.token!)

describe('booking', () => {
  it('books a free slot and takes it off the free list', async () => {
    const { t, token, book, doctors, consult, patients } = await practice()
    const before = await call<FreeSlot[]>(t.core, 'schedule.freeSlots', { typeId: consult.id, doctorId: doctors[0].id, from: '2025-03-11', to: '2025-03-11' }, token)
    expect(before).toHaveLength(16)
    const appointment = await book({ start: TUE('09:30') })
    expect(appointment).toMatchObject({ status: 'booked', start: '2025-03-11T09:30:00.000Z', end: '2025-03-11T09:45:00.000Z', patient: { id: patients[0].id }, doctorName: 'Dr. Meera Iyer', overbooked: false })
    const after = await call<FreeSlot[]>(t.core, 'schedule.freeSlots', { typeId: consult.id, doctorId: doctors[0].id, from: '2025-03-11', to: '2025-03-11' }, token)
    expect(after.map((s) => s.time)).not.toContain('09:30')
    expect(after).toHaveLength(15)
  })

  it('refuses a second booking of the same time with CONFLICT naming the doctor and the clinic time, and keeps nothing of it', async () => {
    const { t, book, count } = await practice()
    await book({ start: TUE('10:00') })
    const error = await book({ patient: 1, start: TUE('10:00') }).catch((e: Error) => e)
    expect(String(error)).toMatch(/CONFLICT Dr\. Meera Iyer already has P-000001 Anita Desai at Tue 11 Mar, 10:00–10:15 \(clinic time\)/)
    expect(await count()).toBe(1)
    const cells = await t.core.services.db.selectFrom('appointment_cells').selectAll().execute()
    expect(cells).toHaveLength(3)
  })

  it('shows clinic time in the conflict, not UTC, in a clinic on Indian time', async () => {
    const { t, token, book } = await practice()
    await call(t.core, 'settings.update', { timeZone: 'Asia/Kolkata' }, token)
    // Sessions are clinic wall time: 09:00 IST is 03:30Z.
    await book({ start: '2025-03-11T03:30:00Z' })
    const error = await book({ patient: 1, start: '2025-03-11T09:00:00+05:30' }).catch((e: Error) => e.message)
    expect(error).toMatch(/at Tue 11 Mar, 09:00–09:15/)
  })

  it('allows a deliberate overbook with a reason, recorded and marked', async () => {
    const { t, token, book } = await practice()
    const first = await book({ start: TUE('10:00') })
    const second = await book({ patient: 1, start: TUE('10:00'), overbookReason: 'Fever, doctor agreed to squeeze in' })
    expect(second).toMatchObject({ overbooked: true, overbookReason: 'Fever, doctor agreed to squeeze in' })
    const history = await call<AppointmentEvent[]>(t.core, 'appointments.history', { id: second.id }, token)
    expect(history[0]).toMatchObject({ action: 'overbooked', reason: 'Fever, doctor agreed to squeeze in', byName: 'Asha Menon' })
    // Cancelling the first does not let a third in: the overbooked one never claimed the time, but the slot is now free.
    await call(t.core, 'appointments.cancel', { id: first.id, reason: 'Patient called' }, token)
    await expect(book({ patient: 2, start: TUE('10:00') })).resolves.toMatchObject({ overbooked: false })
  })

  it('an overbook still claims the free part of its time: nobody books over it unknowingly', async () => {
    const { book } = await practice()
    await book({ start: TUE('10:30'), overbookReason: 'Booked as overbook by habit' })
    expect(String(await book({ patient: 1, start: TUE('10:30') }).catch((e) => e))).toMatch(/CONFLICT Dr\. Meera Iyer already has P-000001 Anita Desai at Tue 11 Mar, 10:30/)
  })

  it('names the field for each kind of bad booking, and writes nothing', async () => {
    const { t, token, doctors, consult, patients, count } = await practice()
    const attempt = (change: Record<string, unknown>) =>
      callError(t.core, 'appointments.book', { patientId: patients[0].id, doctorId: doctors[0].id, typeId: consult.id, start: TUE('10:00'), ...change }, token)
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ start: '2025-03-10T08:00:00Z' }, 'start', /in the past/],
      [{ start: TUE('10:05') }, 'start', /not one of Dr\. Meera Iyer's 15-minute slots on Tue 11 Mar \(hours that day: 09:00–13:00\)/],
      [{ start: TUE('10:02') }, 'start', /5-minute mark/],
      [{ start: TUE('14:00') }, 'start', /not one of/],
      [{ start: '2025-03-16T10:00:00Z' }, 'start', /hours that day: none/],
      [{ start: 'tomorrow at ten' }, 'start', /date and time/],
      [{ doctorId: '01957f00-0000-7000-8000-000000000001' }, 'doctorId', /not a known doctor/],
      [{ patientId: '01957f00-0000-7000-8000-000000000001' }, 'patientId', /not a known patient/],
      [{ typeId: '01957f00-0000-7000-8000-000000000001' }, 'typeId', /not a known appointment type/],
      [{ mode: 'carrier pigeon' }, 'mode', /./],
      [{ overbookReason: 'x' }, 'overbookReason', /must say why/]
    ]
    for (const [change, field, message] of cases) {
      const error = await attempt(change)
      expect(error.code, JSON.stringify(change)).toBe('VALIDATION')
      expect(error.fields?.[field], JSON.stringify(change)).toMatch(message)
    }
    expect(await count()).toBe(0)
    // Leave and holidays are named as such.
    await call(t.core, 'availability.addException', { doctorId: doctors[0].id, kind: 'leave', date: '2025-03-12', note: 'Conference' }, token)
    expect((await attempt({ start: '2025-03-12T10:00:00Z' })).fields?.start).toMatch(/not working on Wed 12 Mar \(on leave: Conference\)/)
    // A receptionist may book; a doctor may not.
    const doctorToken = await login(t, 'doctor1@sunrise.example', 'consulting room password')
    expect((await callError(t.core, 'appointments.book', { patientId: patients[0].id, doctorId: doctors[0].id, typeId: consult.id, start: TUE('10:00') }, doctorToken)).code).toBe('FORBIDDEN')
    expect(await count()).toBe(0)
  })

  it('refuses an archived patient and an inactive doctor, and keeps their history', async () => {
    const { t, token, book, doctors, patients } = await practice()
    const done = await book({ start: TUE('09:00') })
    await call(t.core, 'patients.archive', { id: patients[1].id, reason: 'Moved away' }, token)
    expect(String(await book({ patient: 1, start: TUE('09:30') }).catch((e) => e))).toMatch(/patientId.*archived/)
    await call(t.core, 'doctors.setActive', { id: doctors[0].id, active: false }, token)
    expect(String(await book({ start: TUE('10:30') }).catch((e) => e))).toMatch(/no longer taking appointments/)
    expect(await call<Appointment>(t.core, 'appointments.get', { id: done.id }, token)).toMatchObject({ doctorName: 'Dr. Meera Iyer' })
    const day = await call<DaySchedule>(t.core, 'schedule.day', { date: '2025-03-11' }, token)
    expect(day.doctors.map((d) => d.name)).toEqual(['Dr. Arjun Rao'])
  })

  it('honours the daily cap, and the booking notice', async () => {
    const { t, token, book, doctors, consult } = await practice()
    await call(t.core, 'doctors.update', { id: doctors[0].id, fields: { dailyCap: 2 } }, token)
    await book({ start: TUE('09:00') })
    await book({ patient: 1, start: TUE('09:15') })
    expect(String(await book({ patient: 2, start: TUE('09:30') }).catch((e) => e))).toMatch(/CONFLICT Dr\. Meera Iyer already has 2 appointments on Tue 11 Mar, the daily limit/)
    expect(await call<FreeSlot[]>(t.core, 'schedule.freeSlots', { typeId: consult.id, doctorId: doctors[0].id, from: '2025-03-11', to: '2025-03-11' }, token)).toEqual([])
    await call(t.core, 'settings.update', { bookingNoticeMinutes: 120 }, token)
    // Now is Mon 09:00: the first bookable slot today is 11:00.
    const next = await call<FreeSlot>(t.core, 'schedule.nextFree', { typeId: consult.id, doctorId: doctors[1].id }, token)
    expect(next).toMatchObject({ date: '2025-03-10', time: '11:00' })
    expect(String(await book({ doctor: 1, start: '2025-03-10T10:00:00Z' }).catch((e) => e))).toMatch(/less than 120 minutes from now/)
  })
})

describe('the next free slot', () => {
  it('skips days that are full, on leave or too fragmented for the type, and finds the first real opening', async () => {
    const { t, token, doctors, patients } = await practice({ doctors: 1, patients: 3 })
    // Short days (09:00–10:00) so they fill quickly; a 30-minute type.
    await call(t.core, 'availability.setWeekly', { doctorId: doctors[0].id, sessions: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '10:00', slotMinutes: 15 })) }, token)
    const long = await call<{ id: string }>(t.core, 'appointmentTypes.save', { name: 'Long visit', durationMinutes: 30 }, token)
    const consult = (await call<Array<{ id: string; name: string }>>(t.core, 'appointmentTypes.list', {}, token)).find((x) => x.name === 'Consultation')!
    const book = (start: string, patient = 0, typeId = consult.id) => call(t.core, 'appointments.book', { patientId: patients[patient].id, doctorId: doctors[0].id, typeId, start }, token)
    // Tuesday: full. Wednesday: on leave. Thursday: 09:00 and 09:30 taken, so two 15-minute gaps but no 30 minutes together.
    for (const time of ['09:00', '09:15', '09:30', '09:45']) await book(`2025-03-11T${time}:00Z`, 0)
    await call(t.core, 'availability.addException', { doctorId: doctors[0].id, kind: 'leave', date: '2025-03-12' }, token)
    await book('2025-03-13T09:00:00Z', 1)
    await book('2025-03-13T09:30:00Z', 2)
    // Monday (today, 09:00 now): the 09:00 hour has passed except what notice allows.
    await call(t.core, 'settings.update', { bookingNoticeMinutes: 90 }, token)
    expect(await call(t.core, 'schedule.nextFree', { typeId: long.id, doctorId: doctors[0].id }, token)).toMatchObject({ date: '2025-03-14', time: '09:00' })
    // A 15-minute visit fits Thursday's gaps.
    expect(await call(t.core, 'schedule.nextFree', { typeId: consult.id }, token)).toMatchObject({ date: '2025-03-13', time: '09:15' })
    // Nothing within the days asked: null.
    expect(await call(t.core, 'schedule.nextFree', { typeId: long.id, days: 3 }, token)).toBeNull()
  })
})

describe('the next free slot, read a piece at a time', () => {
  it('is always the first slot of the full free-slot list, whatever the fill, the type and the time of day', async () => {
    const { t, token, doctors, patients, consult } = await practice({ doctors: 5, patients: 1 })
    // Long days, so the search reads them in several pieces; a procedure that straddles the seams.
    for (const doctor of doctors) {
      await call(t.core, 'availability.setWeekly', { doctorId: doctor.id, sessions: [1, 2, 3, 4, 5, 6].flatMap((weekday) => [{ weekday, start: '08:00', end: '13:00', slotMinutes: 15 }, { weekday, start: '14:00', end: '19:00', slotMinutes: 15 }]) }, token)
    }
    const procedure = await call<{ id: string }>(t.core, 'appointmentTypes.save', { name: 'Procedure', durationMinutes: 45, bufferMinutes: 10 }, token)
    // Fill Monday to Wednesday almost full, at random (seeded), with both types.
    let seed = 7
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648)
    for (const day of ['10', '11', '12']) {
      for (const doctor of doctors) {
        for (let minute = 8 * 60; minute < 19 * 60; minute += 15) {
          if (random() < 0.06) continue
          const start = `2025-03-${day}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00Z`
          if (Date.parse(start) < Date.parse('2025-03-10T09:00:00Z')) continue
          const typeId = random() < 0.2 ? procedure.id : consult.id
          await call(t.core, 'appointments.book', { patientId: patients[0].id, doctorId: doctor.id, typeId, start }, token).catch(() => null) // taken or outside hours: skipped
        }
      }
    }
    // Every five minutes through two working days, so the seams between pieces fall everywhere.
    let compared = 0
    for (const day of ['2025-03-10', '2025-03-11']) {
      t.clock.set(`${day}T07:30:00Z`)
      const token = await login(t, ADMIN.email, ADMIN.password) // the clock jumped past the sign-out time
      for (; t.clock.now().toISOString() < `${day}T18:30`; t.clock.advance(5 * 60_000)) {
        for (const typeId of [consult.id, procedure.id]) {
          const list = await call<FreeSlot[]>(t.core, 'schedule.freeSlots', { typeId, from: day, to: '2025-03-14', limit: 1 }, token)
          const next = await call<FreeSlot | null>(t.core, 'schedule.nextFree', { typeId, days: 5 }, token)
          expect(next, `${t.clock.now().toISOString()} ${typeId === consult.id ? 'consultation' : 'procedure'}`).toEqual(list[0] ?? null)
          compared++
        }
      }
    }
    expect(compared).toBe(2 * 132 * 2)
  })
})

describe('the claimed hours behind the next-free search', () => {
  const hoursOf = async (t: TestCore) => ({
    kept: await t.core.services.db.selectFrom('appointment_cell_hours').select(['hour', 'doctor_id', 'cells']).orderBy('hour').orderBy('doctor_id').execute(),
    counted: await t.core.services.db
      .selectFrom('appointment_cells')
      .select([sql<number>`cell / 12`.as('hour'), 'doctor_id', (eb) => eb.fn.countAll<number>().as('cells')])
      .groupBy(['hour', 'doctor_id'])
      .orderBy('hour')
      .orderBy('doctor_id')
      .execute()
  })

  it('follow every booking, move, overbook and cancellation, in the same transaction', async () => {
    const { t, token, book } = await practice()
    const a = await book({ start: TUE('09:00') })
    await book({ patient: 1, start: TUE('09:45') })
    await book({ patient: 2, start: TUE('09:00'), overbookReason: 'Urgent, doctor agreed' })
    await call(t.core, 'appointments.reschedule', { id: a.id, start: TUE('11:45') }, token)
    await call(t.core, 'appointments.cancel', { id: a.id, reason: 'Feeling better' }, token)
    const { kept, counted } = await hoursOf(t)
    expect(kept.length).toBeGreaterThan(0)
    expect(kept).toEqual(counted)
  })

  it('skip a full day on which the clocks change, and find it again when a slot there frees up', async () => {
    const { t, token, doctors, patients, consult } = await practice({ doctors: 1, patients: 4 })
    await call(t.core, 'availability.setWeekly', { doctorId: doctors[0].id, sessions: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '10:00', slotMinutes: 15 })) }, token)
    // On leave until the Saturday; Sunday 30 March 2025 (London springs forward at 01:00) full.
    for (let day = 10; day <= 29; day++) await call(t.core, 'availability.addException', { doctorId: doctors[0].id, kind: 'leave', date: `2025-03-${day}` }, token)
    const booked: Appointment[] = []
    // 09:00 BST is 08:00Z.
    for (const [i, time] of ['08:00', '08:15', '08:30', '08:45'].entries()) booked.push(await call<Appointment>(t.core, 'appointments.book', { patientId: patients[i].id, doctorId: doctors[0].id, typeId: consult.id, start: `2025-03-30T${time}:00Z` }, token))
    expect(await call(t.core, 'schedule.nextFree', { typeId: consult.id }, token)).toMatchObject({ date: '2025-03-31', time: '09:00' })
    await call(t.core, 'appointments.cancel', { id: booked[2].id, reason: 'Cannot come' }, token)
    expect(await call(t.core, 'schedule.nextFree', { typeId: consult.id }, token)).toMatchObject({ date: '2025-03-30', time: '09:30' })
    const { kept, counted } = await hoursOf(t)
    expect(kept).toEqual(counted)
  })
})

describe('the next free slot after a long buffer', () => {
  it('still searches a day whose claimed cells, buffer included, add up to its hours', async () => {
    const { t, token, doctors, patients, consult } = await practice({ doctors: 1, patients: 1 })
    // Monday: a 15-minute morning session and a 15:00–17:00 afternoon (3 + 24 cells).
    await call(t.core, 'availability.setWeekly', { doctorId: doctors[0].id, sessions: [{ weekday: 1, start: '09:00', end: '09:15', slotMinutes: 15 }, { weekday: 1, start: '15:00', end: '17:00', slotMinutes: 15 }] }, token)
    const long = await call<{ id: string }>(t.core, 'appointmentTypes.save', { name: 'Procedure', durationMinutes: 15, bufferMinutes: 120 }, token)
    // 09:00 plus two hours of buffer: 27 cells claimed, as many as the day's hours hold.
    await call(t.core, 'appointments.book', { patientId: patients[0].id, doctorId: doctors[0].id, typeId: long.id, start: '2025-03-10T09:00:00Z' }, token)
    expect(await call(t.core, 'schedule.nextFree', { typeId: consult.id }, token)).toMatchObject({ date: '2025-03-10', time: '15:00' })
  })
})

describe('status changes', () => {
  it('allows only the transitions in the table, and a cancelled or missed appointment frees its time', async () => {
    const { t, token, book } = await practice()
    const a = await book({ start: TUE('09:00') })
    const set = (id: string, status: string) => call<Appointment>(t.core, 'appointments.setStatus', { id, status }, token)
    expect((await set(a.id, 'confirmed')).status).toBe('confirmed')
    expect((await set(a.id, 'arrived')).status).toBe('arrived')
    expect((await set(a.id, 'in_consultation')).status).toBe('in_consultation')
    expect((await set(a.id, 'completed')).status).toBe('completed')
    const cancel = await callError(t.core, 'appointments.cancel', { id: a.id, reason: 'oops' }, token)
    expect(cancel.fields?.status).toMatch(/cannot go from completed to cancelled \(it is final\)/)

    const b = await book({ start: TUE('09:30') })
    await set(b.id, 'no_show')
    expect((await callError(t.core, 'appointments.setStatus', { id: b.id, status: 'arrived' }, token)).fields?.status).toMatch(/cannot go from no-show to arrived/)
    // The missed slot is free again.
    await expect(book({ patient: 1, start: TUE('09:30') })).resolves.toMatchObject({ status: 'booked' })
    const history = await call<AppointmentEvent[]>(t.core, 'appointments.history', { id: a.id }, token)
    expect(history.map((h) => h.action)).toEqual(['completed', 'in_consultation', 'arrived', 'confirmed', 'booked'])
  })

  it('lets a doctor start and complete their own appointments only', async () => {
    const { t, token, book } = await practice()
    const mine = await book({ start: TUE('09:00') })
    const theirs = await book({ doctor: 1, start: TUE('09:00') })
    await call(t.core, 'appointments.setStatus', { id: mine.id, status: 'arrived' }, token)
    await call(t.core, 'appointments.setStatus', { id: theirs.id, status: 'arrived' }, token)
    const doctorToken = await login(t, 'doctor1@sunrise.example', 'consulting room password')
    expect((await call<Appointment>(t.core, 'appointments.setStatus', { id: mine.id, status: 'in_consultation' }, doctorToken)).status).toBe('in_consultation')
    expect((await call<Appointment>(t.core, 'appointments.setStatus', { id: mine.id, status: 'completed' }, doctorToken)).status).toBe('completed')
    expect((await callError(t.core, 'appointments.setStatus', { id: theirs.id, status: 'in_consultation' }, doctorToken)).message).toMatch(/with Dr\. Arjun Rao/)
    expect((await callError(t.core, 'appointments.setStatus', { id: theirs.id, status: 'no_show' }, doctorToken)).code).toBe('FORBIDDEN')
    // Their own day, in order.
    const day = await call<Appointment[]>(t.core, 'appointments.doctorDay', { date: '2025-03-11' }, doctorToken)
    expect(day.map((a) => a.id)).toEqual([mine.id])
  })

  it('moves an appointment, freeing the old time and claiming the new in one step', async () => {
    const { t, token, book } = await practice()
    const a = await book({ start: TUE('09:00') })
    await book({ patient: 1, start: TUE('09:30') })
    expect((await callError(t.core, 'appointments.reschedule', { id: a.id, start: TUE('09:30') }, token)).code).toBe('CONFLICT')
    const moved = await call<Appointment>(t.core, 'appointments.reschedule', { id: a.id, start: TUE('11:00'), doctorId: undefined, reason: 'Patient asked' }, token)
    expect(moved.start).toBe('2025-03-11T11:00:00.000Z')
    await expect(book({ patient: 2, start: TUE('09:00') })).resolves.toBeTruthy()
    const history = await call<AppointmentEvent[]>(t.core, 'appointments.history', { id: a.id }, token)
    expect(history[0]).toMatchObject({ action: 'rescheduled', reason: 'Patient asked', changes: { start: ['2025-03-11T09:00:00.000Z', '2025-03-11T11:00:00.000Z'] } })
  })
})

describe('availability', () => {
  it('refuses hours that would strand booked appointments, or saves them and lists the appointments to move', async () => {
    const { t, token, book, doctors } = await practice()
    const stranded = await book({ start: TUE('12:00') })
    const mornings = [2].map((weekday) => ({ weekday, start: '09:00', end: '11:00', slotMinutes: 15 }))
    const refused = await callError(t.core, 'availability.setWeekly', { doctorId: doctors[0].id, sessions: mornings }, token)
    expect(refused).toMatchObject({ code: 'CONFLICT' })
    expect(refused.message).toMatch(/1 booked appointment would fall outside the new hours \(Tue 11 Mar 12:00 Anita Desai\)/)
    const saved = await call<{ outside: Appointment[] }>(t.core, 'availability.setWeekly', { doctorId: doctors[0].id, sessions: mornings, acceptOutside: true }, token)
    expect(saved.outside.map((a) => a.id)).toEqual([stranded.id])
    // The appointment itself is untouched.
    expect((await call<Appointment>(t.core, 'appointments.get', { id: stranded.id }, token)).status).toBe('booked')
  })

  it('lets a doctor change their own hours and leave, not a colleague’s, and only an admin set clinic holidays', async () => {
    const { t, doctors } = await practice()
    const doctorToken = await login(t, 'doctor1@sunrise.example', 'consulting room password')
    await call(t.core, 'availability.setWeekly', { doctorId: doctors[0].id, sessions: [{ weekday: 1, start: '14:00', end: '18:00', slotMinutes: 20 }] }, doctorToken)
    expect((await callError(t.core, 'availability.setWeekly', { doctorId: doctors[1].id, sessions: [] }, doctorToken)).message).toMatch(/only their own availability, not Dr\. Arjun Rao's/)
    expect((await callError(t.core, 'availability.addException', { doctorId: null, kind: 'holiday', date: '2025-03-17' }, doctorToken)).code).toBe('FORBIDDEN')
    await call(t.core, 'availability.addException', { doctorId: doctors[0].id, kind: 'leave', date: '2025-03-18', start: '09:00', end: '11:00' }, doctorToken)
  })

  it('names bad sessions and exceptions by field', async () => {
    const { t, token, doctors } = await practice()
    const weekly = (sessions: unknown[]) => callError(t.core, 'availability.setWeekly', { doctorId: doctors[0].id, sessions }, token)
    expect((await weekly([{ weekday: 8, start: '09:00', end: '10:00', slotMinutes: 15 }])).fields?.['sessions.0.weekday']).toMatch(/1 \(Monday\) to 7/)
    expect((await weekly([{ weekday: 1, start: '10:00', end: '09:00', slotMinutes: 15 }])).fields?.['sessions.0.end']).toMatch(/after the start/)
    expect((await weekly([{ weekday: 1, start: '9am', end: '10:00', slotMinutes: 15 }])).fields?.['sessions.0.start']).toMatch(/HH:MM/)
    expect((await weekly([{ weekday: 1, start: '09:00', end: '10:00', slotMinutes: 7 }])).fields?.['sessions.0.slotMinutes']).toMatch(/multiple of 5/)
    expect((await weekly([{ weekday: 1, start: '09:00', end: '12:00', slotMinutes: 15 }, { weekday: 1, start: '11:00', end: '13:00', slotMinutes: 15 }])).fields?.['sessions.1.start']).toMatch(/overlaps session 1/)
    const exception = (e: Record<string, unknown>) => callError(t.core, 'availability.addException', { doctorId: doctors[0].id, kind: 'leave', date: '2025-03-20', ...e }, token)
    expect((await exception({ date: '2025-03-01' })).fields?.date).toMatch(/in the past/)
    expect((await exception({ start: '10:00' })).fields?.end).toMatch(/both start and end/)
    expect((await exception({ kind: 'extra', start: '14:00', end: '16:00' })).fields?.slotMinutes).toMatch(/required/)
    expect((await exception({ kind: 'holiday' })).fields?.doctorId).toMatch(/empty for a clinic holiday/)
  })
})

describe('the calendar and the patient', () => {
  it('gives the day: each doctor’s hours, their appointments and free slots', async () => {
    const { t, token, book, consult } = await practice()
    await book({ start: TUE('09:00') })
    await call(t.core, 'availability.addException', { doctorId: null, kind: 'holiday', date: '2025-03-12', note: 'Clinic closed' }, token)
    const day = await call<DaySchedule>(t.core, 'schedule.day', { date: '2025-03-11', typeId: consult.id }, token)
    expect(day.doctors.map((d) => d.name)).toEqual(['Dr. Arjun Rao', 'Dr. Meera Iyer'])
    expect(day.hours.map((h) => [h.start, h.end])).toEqual([
      ['09:00', '13:00'],
      ['09:00', '13:00']
    ])
    expect(day.appointments).toHaveLength(1)
    expect(day.free.filter((s) => s.doctorId === day.doctors[1].id)).toHaveLength(15)
    const holiday = await call<DaySchedule>(t.core, 'schedule.day', { date: '2025-03-12' }, token)
    expect(holiday.hours).toEqual([])
    expect(holiday.free).toEqual([])
  })

  it('merging two records moves the appointments, and undo moves them back', async () => {
    const { t, token, book, patients } = await practice()
    const a = await book({ patient: 1, start: TUE('09:00') })
    const merge = await call<PatientMerge>(t.core, 'patients.merge', { survivorId: patients[0].id, mergedId: patients[1].id }, token)
    expect(merge.moved).toEqual({ appointments: 1 })
    expect((await call<Appointment>(t.core, 'appointments.get', { id: a.id }, token)).patient.id).toBe(patients[0].id)
    expect((await call<Appointment[]>(t.core, 'appointments.forPatient', { patientId: patients[0].id }, token)).map((x) => x.id)).toEqual([a.id])
    await call(t.core, 'patients.unmerge', { mergeId: merge.id }, token)
    expect((await call<Appointment>(t.core, 'appointments.get', { id: a.id }, token)).patient.id).toBe(patients[1].id)
  })

  it('creates a doctor with a new sign-in, or on an existing doctor account, and names a clash', async () => {
    const t = await openTestCore()
    open.push(t)
    const token = await setUpClinic(t.core)
    const doctor = await call<{ userId: string }>(t.core, 'doctors.create', { name: 'Dr. Lena Park', login: { email: 'lena@sunrise.example', password: 'consulting room password' } }, token)
    expect((await call<SessionInfo>(t.core, 'auth.login', { email: 'lena@sunrise.example', password: 'consulting room password' })).user).toMatchObject({ id: doctor.userId, role: 'doctor' })
    expect((await callError(t.core, 'doctors.create', { name: 'Dr. Again', userId: doctor.userId }, token)).fields?.userId).toMatch(/already has a doctor profile/)
    expect((await callError(t.core, 'doctors.create', { name: 'Dr. Nobody' }, token)).fields?.login).toMatch(/new sign-in/)
    expect((await callError(t.core, 'doctors.create', { name: 'Dr. Dup', login: { email: 'lena@sunrise.example', password: 'consulting room password' } }, token)).fields?.['login.email']).toMatch(/already uses/)
    const patient = (await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'X Y' }, token)).patient
    expect(patient).toBeTruthy()
  })
})

describe('doctor files', () => {
  it('stores a doctor’s photo and identity scan, checked from their content, and serves them back', async () => {
    const { t, token, doctors } = await practice({ doctors: 1, patients: 0 })
    const sharp = (await import('sharp')).default
    const photo = await sharp({ create: { width: 900, height: 1200, channels: 3, background: '#369' } }).jpeg().toBuffer()
    expect((await call<{ photoVersion: string | null }>(t.core, 'doctors.setPhoto', { id: doctors[0].id, file: photo }, token)).photoVersion).not.toBeNull()
    const served = await call<{ type: string; bytes: Uint8Array }>(t.core, 'doctors.photo', { id: doctors[0].id }, token)
    expect((await sharp(Buffer.from(served.bytes)).metadata()).width).toBe(512)

    const pdf = new TextEncoder().encode('%PDF-1.4\n% identity card\n%%EOF\n')
    expect((await call<{ hasIdDocument: boolean }>(t.core, 'doctors.setIdDocument', { id: doctors[0].id, file: pdf }, token)).hasIdDocument).toBe(true)
    const scan = await call<{ type: string; name: string; bytes: Uint8Array }>(t.core, 'doctors.idDocument', { id: doctors[0].id }, token)
    expect(scan).toMatchObject({ type: 'application/pdf', name: 'Dr-Meera-Iyer-id-document.pdf' })
    expect(new TextDecoder().decode(scan.bytes)).toContain('identity card')

    const exe = new TextEncoder().encode('MZ this is not a scan')
    expect((await callError(t.core, 'doctors.setIdDocument', { id: doctors[0].id, file: exe }, token)).fields?.file).toMatch(/PDF, JPEG or PNG/)
    const desk = await addStaff(t.core, token, 'receptionist')
    expect((await callError(t.core, 'doctors.idDocument', { id: doctors[0].id }, desk.token)).code).toBe('FORBIDDEN')
  })
})
