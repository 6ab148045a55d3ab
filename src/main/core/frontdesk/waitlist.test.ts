import { afterEach, describe, expect, it } from 'vitest'
import type { Appointment, AppointmentType, SessionInfo, WaitlistEntry, WaitlistFit } from '../../../shared/api'
import { ADMIN, addStaff, call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'
import { setUpPractice } from '../schedule/fixtures'

// The test clinic is in Europe/London (GMT until 30 March); the clock starts Monday 10 March 2025, 09:00.
const at = (date: string, time: string) => `${date}T${time}:00Z`
const UNKNOWN = '01957f00-0000-7000-8000-000000000001'
const MINUTE = 60_000

let open: TestCore[] = []
afterEach(async () => {
  for (const t of open) await t.close()
  open = []
})

async function practice() {
  const t = await openTestCore()
  open.push(t)
  const token = await setUpClinic(t.core)
  const p = await setUpPractice(t.core, token, { doctors: 2, patients: 5 })
  const [meera, arjun] = p.doctors
  // The admin's session, signed in again after a jump of the clock (an idle session ends).
  const admin = { token }
  const travel = async (instant: string) => {
    t.clock.set(instant)
    admin.token = (await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })).token!
  }
  /** Adds an entry for patient `patient` (Consultation, 10–14 March, any doctor and time unless told), a minute after the last. */
  const add = async (patient: number, change: Record<string, unknown> = {}, as = admin.token) => {
    t.clock.advance(MINUTE)
    return call<WaitlistEntry>(t.core, 'waitlist.add', { patientId: p.patients[patient].id, typeId: p.consult.id, fromDate: '2025-03-10', toDate: '2025-03-14', ...change }, as)
  }
  const list = (status?: string, as = admin.token) => call<WaitlistEntry[]>(t.core, 'waitlist.list', status ? { status } : {}, as)
  const fits = (doctorId: string, start: string, minutes = 15, as = admin.token) =>
    call<WaitlistFit>(t.core, 'waitlist.fits', { doctorId, start, end: new Date(Date.parse(start) + minutes * MINUTE).toISOString() }, as)
  const rows = async () => t.core.services.db.selectFrom('waitlist').selectAll().orderBy('created_at').execute()
  const appointmentCount = async () => (await t.core.services.db.selectFrom('appointments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
  return { t, token, admin, travel, ...p, meera, arjun, add, list, fits, rows, appointmentCount }
}

const ids = (entries: WaitlistEntry[]) => entries.map((e) => e.id)

describe('the waitlist', () => {
  it('adds patients and lists them first come first served, with patient, doctor and type', async () => {
    const { patients, meera, arjun, add, list } = await practice()
    const first = await add(2)
    const second = await add(0, { doctorId: meera.id, timeOfDay: 'morning', note: 'Knee pain, wants sooner' })
    const third = await add(1, { doctorId: arjun.id, toDate: '2025-03-12' })
    expect(first).toMatchObject({ doctorId: null, doctorName: null, typeName: 'Consultation', timeOfDay: 'any', note: '', status: 'waiting', appointmentId: null, fromDate: '2025-03-10', toDate: '2025-03-14' })
    expect(second.patient).toEqual({ id: patients[0].id, number: patients[0].number, name: 'Anita Desai', phone: patients[0].phone })
    expect(second).toMatchObject({ doctorName: 'Dr. Meera Iyer', timeOfDay: 'morning', note: 'Knee pain, wants sooner' })
    expect(ids(await list())).toEqual([first.id, second.id, third.id])
    expect(await list('booked')).toEqual([])
  })

  it('stops listing an entry as waiting once its last date has passed, and lets the patient be added again', async () => {
    const { arjun, travel, add, list } = await practice()
    const lapsing = await add(1, { doctorId: arjun.id, toDate: '2025-03-12' })
    const lasting = await add(2)
    // Late on the 12th in the clinic it is still listed; from the 13th it is not.
    await travel(at('2025-03-12', '23:30'))
    expect(ids(await list())).toEqual([lapsing.id, lasting.id])
    await travel(at('2025-03-13', '08:00'))
    expect(ids(await list())).toEqual([lasting.id])
    const again = await add(1, { doctorId: arjun.id, fromDate: '2025-03-13', toDate: '2025-03-20' })
    expect(ids(await list())).toEqual([lasting.id, again.id])
  })

  it('takes a patient off the waitlist, only while waiting', async () => {
    const { t, token, add, list } = await practice()
    const entry = await add(0)
    const kept = await add(1)
    expect(await call<WaitlistEntry>(t.core, 'waitlist.remove', { id: entry.id }, token)).toMatchObject({ id: entry.id, status: 'removed' })
    expect(ids(await list())).toEqual([kept.id])
    expect(ids(await list('removed'))).toEqual([entry.id])
    const twice = await callError(t.core, 'waitlist.remove', { id: entry.id }, token)
    expect(twice.code).toBe('CONFLICT')
    expect(twice.message).toMatch(/taken off the waitlist/)
    const unknown = await callError(t.core, 'waitlist.remove', { id: UNKNOWN }, token)
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(UNKNOWN) })
  })

  it('names the field for each kind of bad entry, refuses a duplicate naming its dates, and writes nothing', async () => {
    const { t, token, patients, meera, arjun, consult, add, rows } = await practice()
    const justArjun = await call<AppointmentType>(t.core, 'appointmentTypes.save', { name: 'Child check-up', durationMinutes: 30, doctorIds: [arjun.id] }, token)
    await call(t.core, 'patients.archive', { id: patients[4].id, reason: 'Moved away' }, token)
    const attempt = (change: Record<string, unknown>) =>
      callError(t.core, 'waitlist.add', { patientId: patients[0].id, doctorId: meera.id, typeId: consult.id, fromDate: '2025-03-11', toDate: '2025-03-20', ...change }, token)
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ toDate: '2025-03-10' }, 'toDate', /must not be before fromDate \(2025-03-11\)/],
      [{ fromDate: '2025-03-01', toDate: '2025-03-09' }, 'toDate', /Sun 9 Mar 2025 is in the past \(the clinic's date today is Mon 10 Mar 2025\)/],
      [{ toDate: '2025-09-08' }, 'toDate', /at most 180 days/],
      [{ fromDate: '2025-02-30' }, 'fromDate', /not a real date/],
      [{ fromDate: '11/03/2025' }, 'fromDate', /YYYY-MM-DD/],
      [{ doctorId: UNKNOWN }, 'doctorId', /not a known doctor/],
      [{ typeId: UNKNOWN }, 'typeId', /not a known appointment type/],
      [{ typeId: justArjun.id }, 'typeId', /Child check-up is not offered by Dr\. Meera Iyer/],
      [{ patientId: UNKNOWN }, 'patientId', /not a known patient/],
      [{ patientId: patients[4].id }, 'patientId', /Chen Wei is archived/],
      [{ timeOfDay: 'night' }, 'timeOfDay', /./]
    ]
    for (const [change, field, message] of cases) {
      const error = await attempt(change)
      expect(error.code, JSON.stringify(change)).toBe('VALIDATION')
      expect(error.fields?.[field], JSON.stringify(change)).toMatch(message)
    }
    // Today is not in the past; 180 days is allowed.
    await add(0, { doctorId: meera.id, fromDate: '2025-03-10', toDate: '2025-03-10' })
    const duplicate = await attempt({})
    expect(duplicate.code).toBe('CONFLICT')
    expect(duplicate.message).toMatch(/Anita Desai is already waiting for Consultation with Dr\. Meera Iyer, from Mon 10 Mar 2025 to Mon 10 Mar 2025/)
    // Another doctor, or any doctor, is another wish.
    await add(0, { doctorId: arjun.id, toDate: '2025-09-06' })
    await add(0, { doctorId: null })
    expect((await attempt({ doctorId: null })).message).toMatch(/already waiting for Consultation with any doctor, from Mon 10 Mar 2025 to Fri 14 Mar 2025/)
    await call(t.core, 'doctors.setActive', { id: arjun.id, active: false }, token)
    expect((await attempt({ patientId: patients[1].id, doctorId: arjun.id })).fields?.doctorId).toMatch(/Dr\. Arjun Rao is no longer taking appointments/)
    expect(await rows()).toHaveLength(3)
  })
})

describe('fitting a freed slot', () => {
  it('after a cancellation offers only entries whose doctor, dates and time of day fit, first come first served; none once it is taken again', async () => {
    const { t, token, meera, arjun, book, add, fits } = await practice()
    const long = await call<AppointmentType>(t.core, 'appointmentTypes.save', { name: 'Long consultation', durationMinutes: 30 }, token)
    const cancelled = await book({ patient: 4, start: at('2025-03-12', '10:00') })
    const next = await book({ patient: 4, start: at('2025-03-12', '10:15') })
    const anyDoctor = await add(0)
    await add(1, { doctorId: arjun.id }) // another doctor
    await add(2, { doctorId: meera.id, fromDate: '2025-03-13', toDate: '2025-03-20' }) // later dates
    await add(3, { doctorId: meera.id, timeOfDay: 'afternoon' }) // another time of day
    await add(1, { typeId: long.id }) // needs 30 minutes; 10:15 is taken
    const meeraMorning = await add(1, { doctorId: meera.id, timeOfDay: 'morning', fromDate: '2025-03-12', toDate: '2025-03-12' })

    // Still booked: nobody fits.
    expect((await fits(meera.id, cancelled.start)).entries).toEqual([])
    await call(t.core, 'appointments.cancel', { id: cancelled.id, reason: 'Feeling better' }, token)
    const fit = await fits(meera.id, cancelled.start)
    expect(fit.slot).toEqual({ doctorId: meera.id, doctorName: 'Dr. Meera Iyer', start: '2025-03-12T10:00:00.000Z', end: '2025-03-12T10:15:00.000Z' })
    expect(ids(fit.entries)).toEqual([anyDoctor.id, meeraMorning.id])

    // With 10:15 free as well, the 30-minute visit fits too, in its place in the line.
    await call(t.core, 'appointments.cancel', { id: next.id, reason: 'Feeling better' }, token)
    const wider = await fits(meera.id, cancelled.start, 30)
    expect(wider.entries.map((e) => `${e.patient.name} ${e.typeName}`)).toEqual(['Anita Desai Consultation', 'Ramesh Kumar Long consultation', 'Ramesh Kumar Consultation'])

    // Taken again: nobody fits.
    await book({ patient: 4, start: cancelled.start })
    expect((await fits(meera.id, cancelled.start)).entries).toEqual([])
  })

  it('offers nothing for a time in the past, outside the doctor’s hours, or to an archived patient', async () => {
    const { t, token, admin, travel, patients, meera, book, add, fits } = await practice()
    const cancelled = await book({ start: at('2025-03-11', '09:30') })
    await call(t.core, 'appointments.cancel', { id: cancelled.id, reason: 'Feeling better' }, token)
    const entry = await add(1)
    expect(ids((await fits(meera.id, cancelled.start)).entries)).toEqual([entry.id])
    expect((await fits(meera.id, at('2025-03-11', '14:00'))).entries).toEqual([])
    expect((await fits(meera.id, at('2025-03-11', '09:35'))).entries).toEqual([])
    await call(t.core, 'patients.archive', { id: patients[1].id, reason: 'Moved away' }, token)
    expect((await fits(meera.id, cancelled.start)).entries).toEqual([])
    await call(t.core, 'patients.restore', { id: patients[1].id }, token)
    await travel(at('2025-03-11', '09:45'))
    expect((await fits(meera.id, cancelled.start)).entries).toEqual([])
    const bad = await callError(t.core, 'waitlist.fits', { doctorId: meera.id, start: cancelled.start, end: cancelled.start }, admin.token)
    expect(bad.fields?.end).toMatch(/must be after the start/)
  })

  it('after a move offers the old time, not the new one', async () => {
    const { t, token, arjun, book, add, fits } = await practice()
    const moved = await book({ patient: 4, doctor: 1, start: at('2025-03-13', '11:00') })
    const entry = await add(0, { doctorId: arjun.id, fromDate: '2025-03-13', toDate: '2025-03-13' })
    await call(t.core, 'appointments.reschedule', { id: moved.id, start: at('2025-03-13', '12:00'), reason: 'Patient asked' }, token)
    expect(ids((await fits(arjun.id, moved.start)).entries)).toEqual([entry.id])
    expect((await fits(arjun.id, at('2025-03-13', '12:00'))).entries).toEqual([])
  })
})

describe('booking from the waitlist', () => {
  it('books the appointment and marks the entry booked, in one action', async () => {
    const { t, token, patients, meera, book, add, list, fits } = await practice()
    const cancelled = await book({ patient: 4, start: at('2025-03-12', '10:00') })
    await call(t.core, 'appointments.cancel', { id: cancelled.id, reason: 'Feeling better' }, token)
    const plain = await add(0)
    const noted = await add(1, { doctorId: meera.id, note: 'Knee pain, wants sooner' })
    const { appointment, entry } = await call<{ appointment: Appointment; entry: WaitlistEntry }>(t.core, 'waitlist.book', { id: plain.id, doctorId: meera.id, start: cancelled.start }, token)
    expect(appointment).toMatchObject({ status: 'booked', patient: { id: patients[0].id }, doctorId: meera.id, start: cancelled.start, reason: 'From the waitlist', mode: 'in_person' })
    expect(entry).toMatchObject({ id: plain.id, status: 'booked', appointmentId: appointment.id })
    expect(await call<Appointment>(t.core, 'appointments.get', { id: appointment.id }, token)).toMatchObject({ status: 'booked' })
    expect(ids(await list())).toEqual([noted.id])
    expect(ids(await list('booked'))).toEqual([plain.id])
    // The slot is gone from the fits, and the entry cannot be booked twice.
    expect((await fits(meera.id, cancelled.start)).entries).toEqual([])
    expect((await callError(t.core, 'waitlist.book', { id: plain.id, doctorId: meera.id, start: at('2025-03-12', '10:30') }, token)).message).toMatch(/already booked/)
    // The note becomes the appointment's reason.
    const second = await call<{ appointment: Appointment }>(t.core, 'waitlist.book', { id: noted.id, doctorId: meera.id, start: at('2025-03-12', '10:30') }, token)
    expect(second.appointment.reason).toBe('Knee pain, wants sooner')
    const unknown = await callError(t.core, 'waitlist.book', { id: UNKNOWN, doctorId: meera.id, start: at('2025-03-12', '11:00') }, token)
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(UNKNOWN) })
  })

  it('leaves the entry waiting when the booking is refused', async () => {
    const { t, token, admin, travel, meera, book, add, list, rows, appointmentCount } = await practice()
    const taken = await book({ patient: 4, start: at('2025-03-12', '10:00') })
    const entry = await add(0)
    const conflict = await callError(t.core, 'waitlist.book', { id: entry.id, doctorId: meera.id, start: taken.start }, token)
    expect(conflict.code).toBe('CONFLICT')
    expect(conflict.message).toMatch(/Dr\. Meera Iyer already has .* Chen Wei/)
    const past = await callError(t.core, 'waitlist.book', { id: entry.id, doctorId: meera.id, start: at('2025-03-10', '08:00') }, token)
    expect(past.fields?.start).toMatch(/in the past/)
    expect(ids(await list())).toEqual([entry.id])
    expect((await rows())[0]).toMatchObject({ status: 'waiting', appointment_id: null })
    expect(await appointmentCount()).toBe(1)
    // A lapsed entry is not booked either.
    await travel(at('2025-03-15', '09:00'))
    const lapsed = await callError(t.core, 'waitlist.book', { id: entry.id, doctorId: meera.id, start: at('2025-03-17', '10:00') }, admin.token)
    expect(lapsed).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/ended on Fri 14 Mar 2025/) })
  })

  it('is the desk’s: a receptionist does it all, a doctor may look but not add, remove or book', async () => {
    const { t, token, meera, book, add, list, fits, patients, consult } = await practice()
    const desk = (await addStaff(t.core, token, 'receptionist')).token
    const doctor = (await call<{ token: string }>(t.core, 'auth.login', { email: 'doctor1@sunrise.example', password: 'consulting room password' })).token
    const cancelled = await book({ patient: 4, start: at('2025-03-12', '10:00'), token: desk })
    await call(t.core, 'appointments.cancel', { id: cancelled.id, reason: 'Feeling better' }, desk)
    const kept = await add(0, {}, desk)
    const dropped = await add(1, {}, desk)
    expect(ids(await list(undefined, desk))).toEqual([kept.id, dropped.id])
    expect(ids((await fits(meera.id, cancelled.start, 15, desk)).entries)).toEqual([kept.id, dropped.id])
    await call(t.core, 'waitlist.remove', { id: dropped.id }, desk)
    expect((await call<{ entry: WaitlistEntry }>(t.core, 'waitlist.book', { id: kept.id, doctorId: meera.id, start: cancelled.start }, desk)).entry.status).toBe('booked')

    const waiting = await add(2)
    expect(ids(await list(undefined, doctor))).toEqual([waiting.id])
    expect(ids((await fits(meera.id, at('2025-03-12', '10:30'), 15, doctor)).entries)).toEqual([waiting.id])
    const adding = await callError(t.core, 'waitlist.add', { patientId: patients[3].id, typeId: consult.id, fromDate: '2025-03-10', toDate: '2025-03-14' }, doctor)
    expect(adding.code).toBe('FORBIDDEN')
    expect((await callError(t.core, 'waitlist.remove', { id: waiting.id }, doctor)).code).toBe('FORBIDDEN')
    expect((await callError(t.core, 'waitlist.book', { id: waiting.id, doctorId: meera.id, start: at('2025-03-12', '10:30') }, doctor)).code).toBe('FORBIDDEN')
    expect(ids(await list())).toEqual([waiting.id])
  })
})
