import { DateTime } from 'luxon'
import { afterEach, describe, expect, it } from 'vitest'
import type { Appointment, Repeat, SeriesPreview } from '../../../shared/api'
import { setUpPractice } from '../schedule/fixtures'
import { call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'
import { expandRepeat } from './recurrence'

// The test clinic is in Europe/London; the clock starts Monday 10 March 2025, 09:00 (GMT).
// The clocks go forward on Sunday 30 March: from then on 09:30 in the clinic is 08:30Z.
const MON_17_MAR = '2025-03-17T09:30:00.000Z'

let open: TestCore[] = []
afterEach(async () => {
  for (const t of open) await t.close()
  open = []
})

async function practice() {
  const t = await openTestCore()
  open.push(t)
  const token = await setUpClinic(t.core)
  const p = await setUpPractice(t.core, token)
  const series = (repeat: Partial<Repeat>, start = MON_17_MAR, patient = 0) => ({ patientId: p.patients[patient].id, doctorId: p.doctors[0].id, typeId: p.consult.id, start, repeat: { frequency: 'weekly', ...repeat } })
  const db = t.core.services.db
  const count = async () => (await db.selectFrom('appointments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
  const seriesRows = () => db.selectFrom('appointment_series').selectAll().execute()
  return { t, token, ...p, series, count, seriesRows }
}

/** What the desk reads for each appointment: clinic date and wall time. */
const shown = (list: Array<{ date: string; time: string }>) => list.map((o) => `${o.date} ${o.time}`)
const clinicWall = (a: Appointment) => DateTime.fromISO(a.start, { zone: 'Europe/London' }).toFormat('yyyy-MM-dd HH:mm')

describe('expanding a repeat', () => {
  it('keeps the clinic wall time across the March clock change: 09:30 GMT, then 09:30 BST (08:30Z)', () => {
    const r = expandRepeat({ frequency: 'weekly', interval: 1, weekdays: [], count: 3 }, '2025-03-24T09:30:00Z', 'Europe/London')
    expect(r.occurrences).toEqual([
      { date: '2025-03-24', time: '09:30', start: '2025-03-24T09:30:00.000Z' },
      { date: '2025-03-31', time: '09:30', start: '2025-03-31T08:30:00.000Z' },
      { date: '2025-04-07', time: '09:30', start: '2025-04-07T08:30:00.000Z' }
    ])
    expect(r.rrule).toBe('DTSTART:20250324T093000\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3')
    expect(r.description).toBe('Every week on Monday for 3 times')
  })

  it('keeps it across the October change too, daily', () => {
    const r = expandRepeat({ frequency: 'daily', interval: 1, weekdays: [], until: '2025-10-27' }, '2025-10-25T08:30:00Z', 'Europe/London')
    expect(r.occurrences.map((o) => [o.time, o.start])).toEqual([
      ['09:30', '2025-10-25T08:30:00.000Z'],
      ['09:30', '2025-10-26T09:30:00.000Z'],
      ['09:30', '2025-10-27T09:30:00.000Z']
    ])
    expect(r.rrule).toBe('DTSTART:20251025T093000\nRRULE:FREQ=DAILY;UNTIL=20251027T235959')
  })

  it('gives no instant for a wall time the clocks skip, instead of moving it', () => {
    // 01:30 on Sunday 30 March 2025 does not exist in London (01:00 becomes 02:00).
    const r = expandRepeat({ frequency: 'weekly', interval: 1, weekdays: [], count: 2 }, '2025-03-23T01:30:00Z', 'Europe/London')
    expect(r.occurrences[1]).toEqual({ date: '2025-03-30', time: '01:30', start: null })
  })

  it('repeats monthly on the same day of the month', () => {
    const r = expandRepeat({ frequency: 'monthly', interval: 1, weekdays: [], count: 3 }, '2025-03-17T09:30:00Z', 'Europe/London')
    expect(shown(r.occurrences)).toEqual(['2025-03-17 09:30', '2025-04-17 09:30', '2025-05-17 09:30'])
    expect(r.description).toBe('Every month on the 17th for 3 times')
  })
})

describe('booking a series', () => {
  it('previews and books weekly for 8 weeks, every one free: 8 appointments of one series', async () => {
    const { t, token, series, seriesRows } = await practice()
    const preview = await call<SeriesPreview>(t.core, 'series.preview', series({ count: 8 }), token)
    expect(preview.description).toBe('Every week on Monday for 8 times')
    expect(preview.rrule).toBe('DTSTART:20250317T093000\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=8')
    expect(shown(preview.occurrences)).toEqual(['2025-03-17', '2025-03-24', '2025-03-31', '2025-04-07', '2025-04-14', '2025-04-21', '2025-04-28', '2025-05-05'].map((d) => `${d} 09:30`))
    expect(preview.occurrences.every((o) => o.ok && o.problem === null && o.alternatives.length === 0)).toBe(true)
    // Summer time from the third one on: the same 09:30 in the clinic is an hour earlier in UTC.
    expect(preview.occurrences.slice(1, 3).map((o) => [o.start, o.end])).toEqual([
      ['2025-03-24T09:30:00.000Z', '2025-03-24T09:45:00.000Z'],
      ['2025-03-31T08:30:00.000Z', '2025-03-31T08:45:00.000Z']
    ])

    const booked = await call<{ seriesId: string; appointments: Appointment[] }>(t.core, 'series.book', { ...series({ count: 8 }), reason: 'Physiotherapy review' }, token)
    expect(booked.appointments).toHaveLength(8)
    expect(booked.appointments.map((a) => a.start)).toEqual(preview.occurrences.map((o) => o.start))
    expect(booked.appointments.map(clinicWall).every((wall) => wall.endsWith('09:30'))).toBe(true)
    expect(booked.appointments.every((a) => a.seriesId === booked.seriesId && a.status === 'booked' && a.reason === 'Physiotherapy review')).toBe(true)
    expect(await seriesRows()).toMatchObject([{ id: booked.seriesId, rrule: preview.rrule }])
    expect((await call<Appointment>(t.core, 'appointments.get', { id: booked.appointments[5].id }, token)).seriesId).toBe(booked.seriesId)
  })

  it('repeats every other Monday up to a date, or on two weekdays', async () => {
    const { t, token, series } = await practice()
    const fortnightly = await call<SeriesPreview>(t.core, 'series.preview', series({ interval: 2, until: '2025-05-12' }), token)
    expect(fortnightly.description).toBe('Every 2 weeks on Monday until May 12, 2025')
    expect(shown(fortnightly.occurrences)).toEqual(['2025-03-17 09:30', '2025-03-31 09:30', '2025-04-14 09:30', '2025-04-28 09:30', '2025-05-12 09:30'])
    const booked = await call<{ appointments: Appointment[] }>(t.core, 'series.book', series({ interval: 2, until: '2025-05-12' }), token)
    expect(booked.appointments.map(clinicWall)).toEqual(shown(fortnightly.occurrences))

    const twice = await call<SeriesPreview>(t.core, 'series.preview', series({ weekdays: [4, 1], count: 4 }), token)
    expect(twice.description).toBe('Every week on Monday, Thursday for 4 times')
    expect(shown(twice.occurrences)).toEqual(['2025-03-17 09:30', '2025-03-20 09:30', '2025-03-24 09:30', '2025-03-27 09:30'])
    // The Mondays are now taken by the fortnightly series (its own patient): said so.
    expect(twice.occurrences.map((o) => o.ok)).toEqual([false, true, true, true])
    expect(twice.occurrences[0].problem).toBe('Dr. Meera Iyer already has P-000001 Anita Desai at 09:30–09:45 that day')
  })

  it('lists conflicts with alternatives, refuses to book them as they stand, then books with them moved or left out', async () => {
    const { t, token, book, doctors, series, count, seriesRows } = await practice()
    const other = await book({ patient: 1, start: '2025-03-24T09:30:00Z' })
    await call(t.core, 'availability.addException', { doctorId: doctors[0].id, kind: 'leave', date: '2025-04-07', note: 'Conference' }, token)

    const preview = await call<SeriesPreview>(t.core, 'series.preview', series({ count: 6 }), token)
    expect(preview.occurrences.map((o) => o.ok)).toEqual([true, false, true, false, true, true])
    const [taken, onLeave] = [preview.occurrences[1], preview.occurrences[3]]
    expect(taken).toMatchObject({ date: '2025-03-24', time: '09:30', problem: 'Dr. Meera Iyer already has P-000002 Ramesh Kumar at 09:30–09:45 that day' })
    // The same day first, nearest to 09:30.
    expect(shown(taken.alternatives)).toEqual(['2025-03-24 09:15', '2025-03-24 09:45', '2025-03-24 09:00'])
    expect(onLeave.problem).toBe('Dr. Meera Iyer is not working on Mon 7 Apr (on leave: Conference)')
    // No work on Sunday the 6th: the Tuesday after, nearest to 09:30 first.
    expect(shown(onLeave.alternatives)).toEqual(['2025-04-08 09:30', '2025-04-08 09:15', '2025-04-08 09:45'])
    expect(onLeave.alternatives[0].start).toBe('2025-04-08T08:30:00.000Z')

    const refused = await callError(t.core, 'series.book', series({ count: 6 }), token)
    expect(refused.code).toBe('CONFLICT')
    expect(refused.message).toBe(
      "2 of the series' appointments cannot be booked as they stand: Mon 24 Mar, 09:30 (Dr. Meera Iyer already has P-000002 Ramesh Kumar at 09:30–09:45 that day); Mon 7 Apr, 09:30 (Dr. Meera Iyer is not working on Mon 7 Apr (on leave: Conference)). Move them to another time or leave them out."
    )
    // Replacing only one is not enough.
    expect((await callError(t.core, 'series.book', { ...series({ count: 6 }), replacements: { [taken.start]: taken.alternatives[0].start } }, token)).message).toMatch(/^1 of the series' appointments cannot be booked as they stand: Mon 7 Apr, 09:30/)
    // A replacement that is itself no good names its field; one for no occurrence too.
    const outside = await callError(t.core, 'series.book', { ...series({ count: 6 }), replacements: { [taken.start]: '2025-03-24T14:00:00Z', [onLeave.start]: null } }, token)
    expect(outside.fields?.[`replacements.${taken.start}`]).toMatch(/14:00 is not one of Dr\. Meera Iyer's 15-minute slots on Mon 24 Mar/)
    const unknown = await callError(t.core, 'series.book', { ...series({ count: 6 }), replacements: { '2025-03-25T09:30:00.000Z': null } }, token)
    expect(unknown.fields?.replacements).toMatch(/2025-03-25T09:30:00.000Z is not the start of one of the series' appointments/)
    expect(await count()).toBe(1)
    expect(await seriesRows()).toEqual([])

    const booked = await call<{ seriesId: string; appointments: Appointment[] }>(t.core, 'series.book', { ...series({ count: 6 }), replacements: { [taken.start]: taken.alternatives[0].start, [onLeave.start]: null } }, token)
    expect(booked.appointments.map(clinicWall)).toEqual(['2025-03-17 09:30', '2025-03-24 09:15', '2025-03-31 09:30', '2025-04-14 09:30', '2025-04-21 09:30'])
    expect(booked.appointments.every((a) => a.seriesId === booked.seriesId)).toBe(true)
    expect(await call<Appointment>(t.core, 'appointments.get', { id: other.id }, token)).toMatchObject({ start: '2025-03-24T09:30:00.000Z', seriesId: null, status: 'booked' })
  })

  it('refuses a series running past a year, one giving no appointments, and one that leaves out its first', async () => {
    const { t, token, series, count } = await practice()
    const error = async (repeat: Partial<Repeat>) => {
      const e = await callError(t.core, 'series.preview', series(repeat), token)
      expect(e.code).toBe('VALIDATION')
      return e.fields ?? {}
    }
    expect((await error({ count: 60 }))['repeat.count']).toBe('must end within a year of the first appointment (the last of 60 would be on Mon 4 May 2026; the latest allowed is Tue 17 Mar 2026)')
    expect((await error({ until: '2026-04-01' }))['repeat.until']).toBe('must end within a year of the first appointment (by Tue 17 Mar 2026)')
    expect((await error({ until: '2025-03-16' }))['repeat.until']).toBe('must not be before the first appointment (Mon 17 Mar 2025)')
    expect((await error({ weekdays: [3], until: '2025-03-18' })).repeat).toMatch(/^gives no appointments: every week on Wednesday .* has no date from Mon 17 Mar 2025 to Tue 18 Mar 2025/)
    expect((await error({ weekdays: [3], count: 4 }))['repeat.weekdays']).toBe("must include the first appointment's weekday (Monday), or be left empty for it")
    expect((await error({ count: 2, until: '2025-04-01' }))['repeat.count']).toMatch(/either a number of appointments or an end date/)
    expect((await error({ frequency: 'daily', weekdays: [1], count: 2 }))['repeat.weekdays']).toMatch(/weekly repeat only/)
    // The same refusals when booking, and nothing written.
    expect((await callError(t.core, 'series.book', series({ count: 60 }), token)).fields?.['repeat.count']).toMatch(/within a year/)
    // A year to the day is still within it.
    expect((await call<SeriesPreview>(t.core, 'series.preview', series({ frequency: 'monthly', until: '2026-03-17' }), token)).occurrences.at(-1)).toMatchObject({ date: '2026-03-17', time: '09:30' })
    expect(await count()).toBe(0)
  })

  it('refuses the patient, doctor and type as a single booking does, by field', async () => {
    const { t, token, series, patients, doctors } = await practice()
    await call(t.core, 'patients.archive', { id: patients[2].id, reason: 'Moved away' }, token)
    expect((await callError(t.core, 'series.preview', series({ count: 2 }, MON_17_MAR, 2), token)).fields?.patientId).toMatch(/P-000003 Oliver Brown is archived/)
    expect((await callError(t.core, 'series.preview', { ...series({ count: 2 }), typeId: '01957f00-0000-7000-8000-000000000001' }, token)).fields?.typeId).toMatch(/not a known appointment type/)
    expect((await callError(t.core, 'series.preview', series({ count: 2 }, '2025-03-17T09:32:00Z'), token)).fields?.start).toMatch(/5-minute mark/)
    await call(t.core, 'doctors.setActive', { id: doctors[0].id, active: false }, token)
    expect((await callError(t.core, 'series.book', series({ count: 2 }), token)).fields?.doctorId).toMatch(/Dr\. Meera Iyer is no longer taking appointments/)
  })
})

describe('changing a series', () => {
  async function booked() {
    const p = await practice()
    const { appointments } = await call<{ appointments: Appointment[] }>(p.t.core, 'series.book', p.series({ count: 4 }), p.token)
    const get = (a: Appointment) => call<Appointment>(p.t.core, 'appointments.get', { id: a.id }, p.token)
    return { ...p, appointments, get }
  }

  it('cancels one appointment and every later one, not the earlier ones', async () => {
    const { t, token, appointments, get, book } = await booked()
    const { cancelled } = await call<{ cancelled: Appointment[] }>(t.core, 'series.cancel', { appointmentId: appointments[1].id, reason: 'Treatment finished early' }, token)
    expect(cancelled.map(clinicWall)).toEqual(['2025-03-24 09:30', '2025-03-31 09:30', '2025-04-07 09:30'])
    expect(cancelled.every((a) => a.status === 'cancelled' && a.cancelReason === 'Treatment finished early')).toBe(true)
    expect((await get(appointments[0])).status).toBe('booked')
    // Their times are free again.
    await expect(book({ patient: 1, start: appointments[2].start })).resolves.toMatchObject({ status: 'booked' })
    // Not again, and not for an appointment outside any series.
    expect((await callError(t.core, 'series.cancel', { appointmentId: appointments[1].id, reason: 'Again' }, token)).message).toMatch(/This appointment is cancelled; only a booked or confirmed one can be cancelled with the rest of its series/)
    const single = await book({ patient: 2, start: '2025-03-18T10:00:00Z' })
    expect((await callError(t.core, 'series.cancel', { appointmentId: single.id, reason: 'Patient called' }, token)).fields?.appointmentId).toBe('is not part of a recurring series; it can be cancelled on its own')
  })

  it('moves one appointment and every later one by the same clinic time, across the clock change', async () => {
    const { t, token, appointments, get } = await booked()
    // A week later: each lands on the next one's old time, and 09:30 stays 09:30 after the clocks go forward.
    const { moved } = await call<{ moved: Appointment[] }>(t.core, 'series.move', { appointmentId: appointments[1].id, start: '2025-03-31T08:30:00Z', reason: 'Patient away that week' }, token)
    expect(moved.map(clinicWall)).toEqual(['2025-03-31 09:30', '2025-04-07 09:30', '2025-04-14 09:30'])
    expect((await get(appointments[0])).start).toBe(MON_17_MAR)
    // A day later and half an hour later (Tuesday 10:00).
    const again = await call<{ moved: Appointment[] }>(t.core, 'series.move', { appointmentId: appointments[1].id, start: '2025-04-01T09:00:00Z' }, token)
    expect(again.moved.map(clinicWall)).toEqual(['2025-04-01 10:00', '2025-04-08 10:00', '2025-04-15 10:00'])
  })

  it('moves all or none: one clash refuses the whole move, naming it', async () => {
    const { t, token, appointments, get, book } = await booked()
    const unmoved = ['2025-03-17 09:30', '2025-03-24 09:30', '2025-03-31 09:30', '2025-04-07 09:30']
    await book({ patient: 1, start: '2025-04-07T09:30:00Z' }) // Mon 7 Apr 10:30 BST
    const error = await callError(t.core, 'series.move', { appointmentId: appointments[1].id, start: '2025-03-24T10:30:00Z' }, token)
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toBe(
      'The series was not moved: Mon 7 Apr, 09:30 would go to Mon 7 Apr, 10:30, but Dr. Meera Iyer already has P-000002 Ramesh Kumar at Mon 7 Apr, 10:30–10:45 (clinic time). Nothing was moved.'
    )
    expect((await Promise.all(appointments.map(get))).map(clinicWall)).toEqual(unmoved)
    // A clash on the appointment itself, found after the later ones have moved: they move back.
    await book({ patient: 2, start: '2025-03-24T11:00:00Z' })
    expect((await callError(t.core, 'series.move', { appointmentId: appointments[1].id, start: '2025-03-24T11:00:00Z' }, token)).message).toMatch(
      /^The series was not moved: Mon 24 Mar, 09:30 would go to Mon 24 Mar, 11:00, but Dr\. Meera Iyer already has P-000003 Oliver Brown at Mon 24 Mar, 11:00–11:15/
    )
    expect((await Promise.all(appointments.map(get))).map(clinicWall)).toEqual(unmoved)
    // The appointment's own new time is checked first, by field.
    expect((await callError(t.core, 'series.move', { appointmentId: appointments[1].id, start: '2025-03-24T14:00:00Z' }, token)).fields?.start).toMatch(/14:00 is not one of Dr\. Meera Iyer's 15-minute slots/)
    // Moving the last one on its own still works through appointments.reschedule.
    await expect(call(t.core, 'appointments.reschedule', { id: appointments[3].id, start: '2025-04-07T10:00:00Z' }, token)).resolves.toMatchObject({ seriesId: appointments[3].seriesId })
  })
})
