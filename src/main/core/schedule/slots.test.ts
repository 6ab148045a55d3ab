import { describe, expect, it } from 'vitest'
import { clinicDateOf, clinicDays, freeSlots, wallTimeToInstant, workingWindows } from './slots'
import type { AvailabilityException, BusyInterval, Slot, SlotQuery, WeeklySession } from './slot-types'

// 2025-06-02 is a Monday. In June, Europe/London is on BST (UTC+1): 09:00 is 08:00Z.
const MON = '2025-06-02'
const TUE = '2025-06-03'
const SUN = '2025-06-08'
const NEXT_MON = '2025-06-09'

let ids = 0
function session(over: Partial<WeeklySession> = {}): WeeklySession {
  return {
    id: `s${++ids}`,
    doctorId: 'dr-a',
    weekday: 1,
    start: '09:00',
    end: '12:00',
    slotMinutes: 15,
    roomId: 'room-1',
    effectiveFrom: null,
    effectiveTo: null,
    ...over
  }
}

/** The same session on every weekday (the DST change dates are all Sundays). */
function everyDay(over: Partial<WeeklySession> = {}): WeeklySession[] {
  return [1, 2, 3, 4, 5, 6, 7].map((weekday) => session({ ...over, weekday }))
}

function exception(over: Partial<AvailabilityException> & Pick<AvailabilityException, 'kind' | 'date'>): AvailabilityException {
  return { id: `x${++ids}`, doctorId: 'dr-a', start: null, end: null, slotMinutes: null, roomId: null, ...over }
}

function busy(start: string, end: string, over: Partial<BusyInterval> = {}): BusyInterval {
  return { doctorId: 'dr-a', start, end, counts: true, ...over }
}

function query(over: Partial<SlotQuery> = {}): SlotQuery {
  return {
    timeZone: 'Europe/London',
    from: MON,
    to: MON,
    now: '2025-01-01T00:00:00.000Z',
    noticeMinutes: 0,
    durationMinutes: 15,
    bufferMinutes: 0,
    doctors: [{ id: 'dr-a', dailyCap: null }],
    sessions: [session()],
    exceptions: [],
    busy: [],
    ...over
  }
}

const times = (slots: Slot[]): string[] => slots.map((slot) => slot.time)
const starts = (slots: Slot[]): string[] => slots.map((slot) => slot.start)
const labelled = (slots: Slot[]): string[] => slots.map((slot) => `${slot.doctorId} ${slot.date} ${slot.time}`)

/** "09:00", "09:15", … up to but not including `until`. */
function grid(from: string, until: string, step: number): string[] {
  const toMin = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3))
  const out: string[] = []
  for (let m = toMin(from); m < toMin(until); m += step) out.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`)
  return out
}

describe('freeSlots: the basics', () => {
  it('lists a 09:00-12:00 session of 15-minute slots as 12 slots', () => {
    const slots = freeSlots(query())
    expect(times(slots)).toEqual(grid('09:00', '12:00', 15))
    expect(slots).toHaveLength(12)
    expect(slots[0]).toEqual({
      doctorId: 'dr-a',
      start: '2025-06-02T08:00:00.000Z',
      end: '2025-06-02T08:15:00.000Z',
      roomId: 'room-1',
      date: MON,
      time: '09:00'
    })
    expect(slots[11].start).toBe('2025-06-02T10:45:00.000Z')
  })

  it('starts a 30-minute visit every 15 minutes where it still fits: 11 slots, the last at 11:30', () => {
    const slots = freeSlots(query({ durationMinutes: 30 }))
    expect(times(slots)).toEqual(grid('09:00', '11:45', 15))
    expect(slots).toHaveLength(11)
    expect(slots[10]).toMatchObject({ time: '11:30', start: '2025-06-02T10:30:00.000Z', end: '2025-06-02T11:00:00.000Z' })
  })

  it('removes the starts that overlap a busy 10:00-10:30', () => {
    const taken = busy('2025-06-02T09:00:00.000Z', '2025-06-02T09:30:00.000Z')
    expect(times(freeSlots(query({ busy: [taken] })))).toEqual(['09:00', '09:15', '09:30', '09:45', '10:30', '10:45', '11:00', '11:15', '11:30', '11:45'])
    // A 30-minute visit at 09:45 would run into it as well.
    expect(times(freeSlots(query({ busy: [taken], durationMinutes: 30 })))).toEqual(['09:00', '09:15', '09:30', '10:30', '10:45', '11:00', '11:15', '11:30'])
  })

  it('with a 5-minute buffer, drops the slot just before a busy interval that would run into it', () => {
    const taken = busy('2025-06-02T09:00:00.000Z', '2025-06-02T09:30:00.000Z')
    expect(times(freeSlots(query({ busy: [taken], bufferMinutes: 5 })))).toEqual(['09:00', '09:15', '09:30', '10:30', '10:45', '11:00', '11:15', '11:30', '11:45'])
    // The buffer is kept after the visit, inside the session: the 11:45 slot still fits the 12:00 end.
    expect(freeSlots(query({ bufferMinutes: 5 }))).toHaveLength(12)
  })

  it("ignores other doctors' busy time and busy intervals that only touch the slot", () => {
    const other = busy('2025-06-02T08:00:00.000Z', '2025-06-02T11:00:00.000Z', { doctorId: 'dr-b' })
    const touching = [busy('2025-06-02T08:00:00.000Z', '2025-06-02T08:15:00.000Z'), busy('2025-06-02T08:30:00.000Z', '2025-06-02T08:45:00.000Z')]
    expect(freeSlots(query({ busy: [other] }))).toHaveLength(12)
    expect(times(freeSlots(query({ busy: touching }))).slice(0, 3)).toEqual(['09:15', '09:45', '10:00'])
  })

  it('handles many overlapping busy intervals given in any order', () => {
    const list = [
      busy('2025-06-02T10:30:00.000Z', '2025-06-02T10:45:00.000Z'),
      busy('2025-06-02T08:10:00.000Z', '2025-06-02T08:20:00.000Z'),
      busy('2025-06-02T08:00:00.000Z', '2025-06-02T09:10:00.000Z'), // long one, swallows the first
      busy('2025-06-02T09:40:00.000Z', '2025-06-02T09:50:00.000Z')
    ]
    // Busy (local) 09:00-10:10, 10:40-10:50 and 11:30-11:45.
    expect(times(freeSlots(query({ busy: list })))).toEqual(['10:15', '11:00', '11:15', '11:45'])
  })
})

describe('freeSlots: sessions and exceptions', () => {
  it('lists a morning and an evening session on the same day', () => {
    const sessions = [session({ start: '17:00', end: '18:00', slotMinutes: 30 }), session({ start: '09:00', end: '11:00', slotMinutes: 30 })]
    expect(times(freeSlots(query({ sessions, durationMinutes: 30 })))).toEqual(['09:00', '09:30', '10:00', '10:30', '17:00', '17:30'])
  })

  it('only lists sessions on their weekday', () => {
    const slots = freeSlots(query({ sessions: [session({ weekday: 2 })], from: MON, to: NEXT_MON }))
    expect(new Set(slots.map((slot) => slot.date))).toEqual(new Set([TUE]))
  })

  it("switches to next month's schedule on effectiveFrom / effectiveTo", () => {
    const june = session({ start: '09:00', end: '10:00', slotMinutes: 30, effectiveTo: '2025-06-30' })
    const july = session({ start: '14:00', end: '15:00', slotMinutes: 30, effectiveFrom: '2025-07-01' })
    const slots = freeSlots(query({ sessions: [june, july], from: '2025-06-23', to: '2025-07-07', durationMinutes: 30 }))
    expect(labelled(slots)).toEqual([
      'dr-a 2025-06-23 09:00',
      'dr-a 2025-06-23 09:30',
      'dr-a 2025-06-30 09:00',
      'dr-a 2025-06-30 09:30',
      'dr-a 2025-07-07 14:00',
      'dr-a 2025-07-07 14:30'
    ])
    // Both bounds are inclusive.
    const oneDay = session({ effectiveFrom: '2025-06-30', effectiveTo: '2025-06-30' })
    expect(new Set(freeSlots(query({ sessions: [oneDay], from: '2025-06-23', to: '2025-07-07' })).map((s) => s.date))).toEqual(new Set(['2025-06-30']))
  })

  it('gives no slots on a whole day of leave, and slots again the next week', () => {
    const leave = exception({ kind: 'leave', date: MON })
    const slots = freeSlots(query({ from: MON, to: NEXT_MON, exceptions: [leave] }))
    expect(new Set(slots.map((slot) => slot.date))).toEqual(new Set([NEXT_MON]))
    expect(slots).toHaveLength(12)
  })

  it('cuts part-day leave out of the session', () => {
    const leave = exception({ kind: 'leave', date: MON, start: '10:00', end: '11:00' })
    expect(times(freeSlots(query({ exceptions: [leave] })))).toEqual(['09:00', '09:15', '09:30', '09:45', '11:00', '11:15', '11:30', '11:45'])
    // A 30-minute visit must end by the start of the leave.
    expect(times(freeSlots(query({ exceptions: [leave], durationMinutes: 30 })))).toEqual(['09:00', '09:15', '09:30', '11:00', '11:15', '11:30'])
  })

  it("keeps the session's grid after leave that ends off the grid, and reads a missing end as the end of the day", () => {
    const offGrid = exception({ kind: 'leave', date: MON, start: '09:20', end: '10:50' })
    expect(times(freeSlots(query({ exceptions: [offGrid] })))).toEqual(['09:00', '11:00', '11:15', '11:30', '11:45'])
    const afternoonOff = exception({ kind: 'leave', date: MON, start: '11:00', end: null })
    expect(times(freeSlots(query({ exceptions: [afternoonOff] })))).toEqual(grid('09:00', '11:00', 15))
  })

  it("applies a doctor's leave only to that doctor", () => {
    const doctors = [{ id: 'dr-a', dailyCap: null }, { id: 'dr-b', dailyCap: null }]
    const sessions = [session(), session({ doctorId: 'dr-b' })]
    const slots = freeSlots(query({ doctors, sessions, exceptions: [exception({ kind: 'leave', date: MON, doctorId: 'dr-b' })] }))
    expect(new Set(slots.map((slot) => slot.doctorId))).toEqual(new Set(['dr-a']))
  })

  it('closes the clinic for every doctor on a holiday with doctorId null', () => {
    const doctors = [{ id: 'dr-a', dailyCap: null }, { id: 'dr-b', dailyCap: null }]
    const sessions = [session(), session({ doctorId: 'dr-b' })]
    const holiday = exception({ kind: 'holiday', date: MON, doctorId: null })
    const slots = freeSlots(query({ doctors, sessions, exceptions: [holiday], from: MON, to: NEXT_MON }))
    expect(slots.filter((slot) => slot.date === MON)).toEqual([])
    expect(slots.filter((slot) => slot.date === NEXT_MON)).toHaveLength(24)
    // A part-day clinic holiday (closing at 11:00).
    const halfDay = exception({ kind: 'holiday', date: MON, doctorId: null, start: '11:00', end: '24:00' })
    const half = freeSlots(query({ doctors, sessions, exceptions: [halfDay] }))
    expect(half).toHaveLength(16)
    expect(half.every((slot) => slot.time < '11:00')).toBe(true)
  })

  it('lists an extra session on a Sunday, with its own slot length and room', () => {
    const extra = exception({ kind: 'extra', date: SUN, start: '10:00', end: '11:00', slotMinutes: 20, roomId: 'room-2' })
    const slots = freeSlots(query({ from: SUN, to: SUN, exceptions: [extra], durationMinutes: 20 }))
    expect(slots.map((slot) => [slot.time, slot.roomId, slot.date])).toEqual([
      ['10:00', 'room-2', SUN],
      ['10:20', 'room-2', SUN],
      ['10:40', 'room-2', SUN]
    ])
    expect(slots[0].start).toBe('2025-06-08T09:00:00.000Z')
  })

  it('steps an extra session without a slot length by the visit length', () => {
    const extra = exception({ kind: 'extra', date: SUN, start: '10:00', end: '11:00' })
    expect(times(freeSlots(query({ from: SUN, to: SUN, exceptions: [extra], durationMinutes: 20 })))).toEqual(['10:00', '10:20', '10:40'])
  })

  it('gives no duplicates when an extra session overlaps the weekly one', () => {
    const extra = exception({ kind: 'extra', date: MON, start: '11:00', end: '13:00', slotMinutes: 15, roomId: 'room-2' })
    const slots = freeSlots(query({ exceptions: [extra] }))
    expect(times(slots)).toEqual(grid('09:00', '13:00', 15))
    expect(new Set(starts(slots)).size).toBe(16)
    // The weekly session comes first, so the shared 11:00-11:45 slots keep its room.
    expect(slots.find((slot) => slot.time === '11:30')?.roomId).toBe('room-1')
    expect(slots.find((slot) => slot.time === '12:00')?.roomId).toBe('room-2')
    // Two copies of the same weekly session do not double either.
    expect(freeSlots(query({ sessions: [session(), session()] }))).toHaveLength(12)
  })

  it('ignores sessions and exceptions of doctors not asked for', () => {
    const sessions = [session(), session({ doctorId: 'dr-b' })]
    const extra = exception({ kind: 'extra', date: SUN, doctorId: 'dr-b', start: '10:00', end: '11:00', slotMinutes: 15 })
    const slots = freeSlots(query({ sessions, exceptions: [extra], from: MON, to: SUN }))
    expect(new Set(slots.map((slot) => slot.doctorId))).toEqual(new Set(['dr-a']))
  })
})

describe('freeSlots: notice, daily cap, limit', () => {
  it('with now = 09:40 and 60 minutes notice, starts at 10:45', () => {
    const slots = freeSlots(query({ now: '2025-06-02T08:40:00.000Z', noticeMinutes: 60 }))
    expect(times(slots)).toEqual(['10:45', '11:00', '11:15', '11:30', '11:45'])
    // A start exactly at now + notice is allowed.
    expect(times(freeSlots(query({ now: '2025-06-02T08:45:00.000Z', noticeMinutes: 60 })))[0]).toBe('10:45')
    // `now` with an offset means the same instant.
    expect(times(freeSlots(query({ now: '2025-06-02T09:40:00+01:00', noticeMinutes: 60 })))[0]).toBe('10:45')
  })

  it('skips days wholly in the past', () => {
    const slots = freeSlots(query({ sessions: everyDay(), from: '2025-06-01', to: TUE, now: '2025-06-02T12:00:00.000Z' }))
    expect(new Set(slots.map((slot) => slot.date))).toEqual(new Set([TUE]))
  })

  it('gives no slots on a day whose daily cap is reached, and slots the next day', () => {
    const doctors = [{ id: 'dr-a', dailyCap: 2 }]
    const booked = [
      busy('2025-06-02T08:00:00.000Z', '2025-06-02T08:15:00.000Z'),
      busy('2025-06-02T10:00:00.000Z', '2025-06-02T10:15:00.000Z'),
      busy('2025-06-03T08:00:00.000Z', '2025-06-03T08:15:00.000Z')
    ]
    const slots = freeSlots(query({ doctors, sessions: everyDay(), busy: booked, from: MON, to: TUE }))
    expect(slots.filter((slot) => slot.date === MON)).toEqual([])
    expect(times(slots.filter((slot) => slot.date === TUE))).toEqual(grid('09:15', '12:00', 15))
  })

  it('counts only busy time with counts=true towards the cap, by the clinic date it starts on', () => {
    const doctors = [{ id: 'dr-a', dailyCap: 2 }]
    const booked = [busy('2025-06-02T08:00:00.000Z', '2025-06-02T08:15:00.000Z'), busy('2025-06-02T10:00:00.000Z', '2025-06-02T10:15:00.000Z', { counts: false })]
    expect(freeSlots(query({ doctors, busy: booked }))).toHaveLength(10)
    // 23:30Z on Sunday is 00:30 on Monday in London (BST): it counts for Monday.
    const lateNight = [...booked, busy('2025-06-01T23:30:00.000Z', '2025-06-01T23:45:00.000Z')]
    expect(freeSlots(query({ doctors, busy: lateNight }))).toEqual([])
    // A cap of 0 closes every day; no cap never does.
    expect(freeSlots(query({ doctors: [{ id: 'dr-a', dailyCap: 0 }] }))).toEqual([])
  })

  it('returns the first N slots in time order across two doctors', () => {
    const doctors = [{ id: 'dr-a', dailyCap: null }, { id: 'dr-b', dailyCap: null }]
    const sessions = [session({ start: '10:00' }), session({ doctorId: 'dr-b', start: '09:30', slotMinutes: 30 })]
    expect(labelled(freeSlots(query({ doctors, sessions, limit: 5 })))).toEqual([
      `dr-b ${MON} 09:30`,
      `dr-a ${MON} 10:00`,
      `dr-b ${MON} 10:00`,
      `dr-a ${MON} 10:15`,
      `dr-a ${MON} 10:30`
    ])
    // Same start: the doctors' order decides.
    const reversed = [doctors[1], doctors[0]]
    expect(labelled(freeSlots(query({ doctors: reversed, sessions, limit: 3 })))).toEqual([`dr-b ${MON} 09:30`, `dr-b ${MON} 10:00`, `dr-a ${MON} 10:00`])
  })

  it('gives with a limit exactly the start of the unlimited list, across days', () => {
    const doctors = [{ id: 'dr-a', dailyCap: null }, { id: 'dr-b', dailyCap: null }]
    const sessions = [...everyDay({ start: '16:00', end: '17:00' }), ...everyDay({ doctorId: 'dr-b', start: '09:00', end: '09:30' })]
    const base = query({ doctors, sessions, from: MON, to: NEXT_MON })
    const all = freeSlots(base)
    expect(all).toHaveLength(8 * 6)
    for (const limit of [1, 2, 3, 7, 13, 48, 100]) expect(freeSlots({ ...base, limit })).toEqual(all.slice(0, limit))
    expect(freeSlots({ ...base, limit: 0 })).toEqual([])
  })

  it('finds the first free slots among 30 doctors after 59 fully booked days (its speed is in npm run bench)', () => {
    const doctors = Array.from({ length: 30 }, (_, i) => ({ id: `dr-${i}`, dailyCap: null }))
    const sessions = doctors.flatMap((doctor) => everyDay({ doctorId: doctor.id, start: '08:00', end: '18:00' }))
    // Every doctor is fully booked, one 15-minute appointment after another, for 59 days.
    const booked: BusyInterval[] = []
    const first = Date.UTC(2025, 5, 2, 7, 0) // 08:00 BST on 2025-06-02
    for (const doctor of doctors) {
      for (let day = 0; day < 59; day++) {
        for (let k = 0; k < 40; k++) {
          const start = first + day * 86_400_000 + k * 15 * 60_000
          booked.push({ doctorId: doctor.id, start: new Date(start).toISOString(), end: new Date(start + 15 * 60_000).toISOString(), counts: true })
        }
      }
    }
    const q = query({ doctors, sessions, busy: booked, from: MON, to: '2025-07-31', limit: 3 })
    expect(labelled(freeSlots(q))).toEqual(['dr-0 2025-07-31 08:00', 'dr-1 2025-07-31 08:00', 'dr-2 2025-07-31 08:00'])
  })
})

describe('freeSlots: daylight saving', () => {
  const morning = (timeZone: string, date: string) => freeSlots(query({ timeZone, from: date, to: date, sessions: everyDay({ start: '09:00', end: '13:00' }) }))

  // [zone, change date, 09:00 on the change date, the day before, 09:00 on it]
  const cases: Array<[string, string, string, string, string]> = [
    ['Europe/London', '2025-03-30', '2025-03-30T08:00:00.000Z', '2025-03-29', '2025-03-29T09:00:00.000Z'],
    ['Europe/London', '2025-10-26', '2025-10-26T09:00:00.000Z', '2025-10-25', '2025-10-25T08:00:00.000Z'],
    ['America/New_York', '2025-03-09', '2025-03-09T13:00:00.000Z', '2025-03-08', '2025-03-08T14:00:00.000Z'],
    ['America/New_York', '2025-11-02', '2025-11-02T14:00:00.000Z', '2025-11-01', '2025-11-01T13:00:00.000Z'],
    ['Australia/Sydney', '2025-04-06', '2025-04-05T23:00:00.000Z', '2025-04-05', '2025-04-04T22:00:00.000Z'],
    ['Australia/Sydney', '2025-10-05', '2025-10-04T22:00:00.000Z', '2025-10-04', '2025-10-03T23:00:00.000Z'],
    ['Asia/Kolkata', '2025-03-30', '2025-03-30T03:30:00.000Z', '2025-03-29', '2025-03-29T03:30:00.000Z']
  ]

  it.each(cases)('%s on %s: a 09:00-13:00 session has the same 16 slots as any day', (timeZone, date, nine, dayBefore, nineBefore) => {
    for (const [day, first] of [[date, nine], [dayBefore, nineBefore]]) {
      const slots = morning(timeZone, day)
      expect(slots).toHaveLength(16)
      expect(times(slots)).toEqual(grid('09:00', '13:00', 15))
      expect(slots.every((slot) => slot.date === day)).toBe(true)
      expect(new Set(starts(slots)).size).toBe(16)
      const expected = Array.from({ length: 16 }, (_, k) => new Date(Date.parse(first) + k * 15 * 60_000).toISOString())
      expect(starts(slots)).toEqual(expected)
    }
  })

  const night = (timeZone: string, date: string, start: string, end: string) =>
    freeSlots(query({ timeZone, from: date, to: date, durationMinutes: 30, sessions: everyDay({ start, end, slotMinutes: 30 }) }))

  it('London spring forward: a 00:00-03:00 night session skips the missing hour and lists real time only', () => {
    const slots = night('Europe/London', '2025-03-30', '00:00', '03:00')
    expect(times(slots)).toEqual(['00:00', '00:30', '02:00', '02:30'])
    expect(starts(slots)).toEqual(['2025-03-30T00:00:00.000Z', '2025-03-30T00:30:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-30T01:30:00.000Z'])
    expect(slots.map((slot) => slot.end)).toEqual(['2025-03-30T00:30:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-30T01:30:00.000Z', '2025-03-30T02:00:00.000Z'])
  })

  it('London spring forward: a window starting or ending in the gap starts or ends when the clocks change', () => {
    // 01:30 does not exist: the session starts at 02:00 BST (01:00Z), not at luxon's shifted 02:30.
    const late = night('Europe/London', '2025-03-30', '01:30', '03:00')
    expect(times(late)).toEqual(['02:00', '02:30'])
    expect(starts(late)).toEqual(['2025-03-30T01:00:00.000Z', '2025-03-30T01:30:00.000Z'])
    // Ending at 01:30 means ending at 01:00Z.
    expect(times(night('Europe/London', '2025-03-30', '00:00', '01:30'))).toEqual(['00:00', '00:30'])
    // Wholly inside the gap: nothing.
    expect(night('Europe/London', '2025-03-30', '01:00', '01:45')).toEqual([])
    // Leave until 01:30 (does not exist) ends when the clocks change.
    const leave = exception({ kind: 'leave', date: '2025-03-30', start: '00:30', end: '01:30' })
    const withLeave = freeSlots(query({ timeZone: 'Europe/London', from: '2025-03-30', to: '2025-03-30', durationMinutes: 30, sessions: everyDay({ start: '00:00', end: '03:00', slotMinutes: 30 }), exceptions: [leave] }))
    expect(times(withLeave)).toEqual(['00:00', '02:00', '02:30'])
  })

  it('London fall back: a 00:00-03:00 night session lists each real instant once (8 slots)', () => {
    const slots = night('Europe/London', '2025-10-26', '00:00', '03:00')
    // 00:00 BST (23:00Z) to 03:00 GMT (03:00Z) is 4 hours of real time: 8 half hours.
    expect(slots).toHaveLength((4 * 60) / 30)
    expect(new Set(starts(slots)).size).toBe(8)
    expect(times(slots)).toEqual(['00:00', '00:30', '01:00', '01:30', '01:00', '01:30', '02:00', '02:30'])
    expect(starts(slots)).toEqual([
      '2025-10-25T23:00:00.000Z',
      '2025-10-25T23:30:00.000Z',
      '2025-10-26T00:00:00.000Z',
      '2025-10-26T00:30:00.000Z',
      '2025-10-26T01:00:00.000Z',
      '2025-10-26T01:30:00.000Z',
      '2025-10-26T02:00:00.000Z',
      '2025-10-26T02:30:00.000Z'
    ])
    expect(slots.every((slot) => slot.date === '2025-10-26')).toBe(true)
    // A window starting at a repeated wall time starts at its first occurrence (01:00 BST):
    // 01:00-02:00 that night is two real hours.
    const repeated = night('Europe/London', '2025-10-26', '01:00', '02:00')
    expect(times(repeated)).toEqual(['01:00', '01:30', '01:00', '01:30'])
    expect(starts(repeated)).toEqual(['2025-10-26T00:00:00.000Z', '2025-10-26T00:30:00.000Z', '2025-10-26T01:00:00.000Z', '2025-10-26T01:30:00.000Z'])
  })

  it('New York and Sydney night sessions across the change', () => {
    // New York 2025-03-09: 02:00 EST -> 03:00 EDT.
    const ny = night('America/New_York', '2025-03-09', '01:00', '04:00')
    expect(times(ny)).toEqual(['01:00', '01:30', '03:00', '03:30'])
    expect(starts(ny)).toEqual(['2025-03-09T06:00:00.000Z', '2025-03-09T06:30:00.000Z', '2025-03-09T07:00:00.000Z', '2025-03-09T07:30:00.000Z'])
    // New York 2025-11-02: 02:00 EDT -> 01:00 EST; 01:00 EDT to 04:00 EST is 4 hours.
    const nyBack = night('America/New_York', '2025-11-02', '01:00', '04:00')
    expect(times(nyBack)).toEqual(['01:00', '01:30', '01:00', '01:30', '02:00', '02:30', '03:00', '03:30'])
    expect(nyBack[0].start).toBe('2025-11-02T05:00:00.000Z')
    expect(new Set(starts(nyBack)).size).toBe(8)
    // Sydney 2025-10-05: 02:00 AEST -> 03:00 AEDT.
    const syd = night('Australia/Sydney', '2025-10-05', '01:00', '04:00')
    expect(times(syd)).toEqual(['01:00', '01:30', '03:00', '03:30'])
    expect(starts(syd)).toEqual(['2025-10-04T15:00:00.000Z', '2025-10-04T15:30:00.000Z', '2025-10-04T16:00:00.000Z', '2025-10-04T16:30:00.000Z'])
    // Sydney 2025-04-06: 03:00 AEDT -> 02:00 AEST.
    const sydBack = night('Australia/Sydney', '2025-04-06', '01:00', '04:00')
    expect(times(sydBack)).toEqual(['01:00', '01:30', '02:00', '02:30', '02:00', '02:30', '03:00', '03:30'])
    expect(sydBack[0].start).toBe('2025-04-05T14:00:00.000Z')
    expect(new Set(starts(sydBack)).size).toBe(8)
  })

  it('a busy interval across the repeated hour blocks by instant, not by wall time', () => {
    // Busy 01:00-01:30 BST (00:00Z-00:30Z): the 01:00 GMT slot an hour later is still free.
    const taken = busy('2025-10-26T00:00:00.000Z', '2025-10-26T00:30:00.000Z')
    const slots = freeSlots(query({ from: '2025-10-26', to: '2025-10-26', durationMinutes: 30, busy: [taken], sessions: everyDay({ start: '00:00', end: '03:00', slotMinutes: 30 }) }))
    expect(starts(slots)).not.toContain('2025-10-26T00:00:00.000Z')
    expect(starts(slots)).toContain('2025-10-26T01:00:00.000Z')
    expect(times(slots)).toEqual(['00:00', '00:30', '01:30', '01:00', '01:30', '02:00', '02:30'])
  })
})

describe('clinic dates in the clinic time zone', () => {
  it('Asia/Kolkata: a 09:00 session on 2025-06-02 starts at 03:30Z', () => {
    const slots = freeSlots(query({ timeZone: 'Asia/Kolkata' }))
    expect(slots[0]).toMatchObject({ date: MON, time: '09:00', start: '2025-06-02T03:30:00.000Z', end: '2025-06-02T03:45:00.000Z' })
    expect(slots).toHaveLength(12)
  })

  it('clinicDateOf reads the date on the clinic clock', () => {
    expect(clinicDateOf('2025-06-01T20:00:00.000Z', 'Asia/Kolkata')).toBe('2025-06-02')
    expect(clinicDateOf('2025-06-01T18:29:59.999Z', 'Asia/Kolkata')).toBe('2025-06-01')
    expect(clinicDateOf('2025-06-01T18:30:00.000Z', 'Asia/Kolkata')).toBe('2025-06-02')
    expect(clinicDateOf('2025-03-29T23:30:00.000Z', 'Europe/London')).toBe('2025-03-29')
    expect(clinicDateOf('2025-06-01T23:30:00.000Z', 'Europe/London')).toBe('2025-06-02')
    expect(clinicDateOf('2025-06-02T02:00:00.000Z', 'America/New_York')).toBe('2025-06-01')
  })

  it('a busy interval at 20:00Z the day before counts towards the Kolkata cap of the next date', () => {
    const slots = freeSlots(
      query({
        timeZone: 'Asia/Kolkata',
        doctors: [{ id: 'dr-a', dailyCap: 1 }],
        busy: [busy('2025-06-01T20:00:00.000Z', '2025-06-01T20:15:00.000Z')]
      })
    )
    expect(slots).toEqual([])
  })
})

describe('wallTimeToInstant', () => {
  it('converts a wall time that exists once', () => {
    expect(wallTimeToInstant('2025-03-30', '09:00', 'Europe/London')).toBe('2025-03-30T08:00:00.000Z')
    expect(wallTimeToInstant('2025-03-29', '09:00', 'Europe/London')).toBe('2025-03-29T09:00:00.000Z')
    expect(wallTimeToInstant('2025-06-02', '09:00', 'Asia/Kolkata')).toBe('2025-06-02T03:30:00.000Z')
    expect(wallTimeToInstant('2025-04-06', '09:00', 'Australia/Sydney')).toBe('2025-04-05T23:00:00.000Z')
    expect(wallTimeToInstant('2025-06-02', '24:00', 'Europe/London')).toBe('2025-06-02T23:00:00.000Z')
  })

  it('returns null for a wall time the clocks skip', () => {
    expect(wallTimeToInstant('2025-03-30', '01:00', 'Europe/London')).toBeNull()
    expect(wallTimeToInstant('2025-03-30', '01:59', 'Europe/London')).toBeNull()
    expect(wallTimeToInstant('2025-03-30', '02:00', 'Europe/London')).toBe('2025-03-30T01:00:00.000Z')
    expect(wallTimeToInstant('2025-03-30', '00:59', 'Europe/London')).toBe('2025-03-30T00:59:00.000Z')
    expect(wallTimeToInstant('2025-03-09', '02:30', 'America/New_York')).toBeNull()
    expect(wallTimeToInstant('2025-10-05', '02:00', 'Australia/Sydney')).toBeNull()
  })

  it('gives the earlier instant for a wall time the clocks repeat', () => {
    expect(wallTimeToInstant('2025-10-26', '01:30', 'Europe/London')).toBe('2025-10-26T00:30:00.000Z')
    expect(wallTimeToInstant('2025-11-02', '01:30', 'America/New_York')).toBe('2025-11-02T05:30:00.000Z')
    expect(wallTimeToInstant('2025-04-06', '02:30', 'Australia/Sydney')).toBe('2025-04-05T15:30:00.000Z')
  })

  it('rejects bad input', () => {
    expect(() => wallTimeToInstant('2025-02-30', '09:00', 'Europe/London')).toThrow(RangeError)
    expect(() => wallTimeToInstant('2025-06-02', '9:00', 'Europe/London')).toThrow(RangeError)
    expect(() => wallTimeToInstant('2025-06-02', '24:30', 'Europe/London')).toThrow(RangeError)
    expect(() => wallTimeToInstant('2025-06-02', '09:00', 'Mars/Olympus')).toThrow(RangeError)
    expect(() => freeSlots(query({ sessions: [session({ slotMinutes: 0 })] }))).toThrow(RangeError)
    expect(() => freeSlots(query({ now: 'yesterday' }))).toThrow(RangeError)
  })
})

describe('working windows (the calendar\'s hours)', () => {
  const windows = (over: Partial<Parameters<typeof workingWindows>[0]> = {}) =>
    workingWindows({ timeZone: 'Europe/London', from: MON, to: MON, doctorIds: ['dr-a'], sessions: [session({ end: '13:00' }), session({ start: '14:00', end: '17:00' })], exceptions: [], ...over }).map(
      (w) => `${w.doctorId} ${w.date} ${w.start}–${w.end}`
    )

  it('lists each session in wall time, with part-day leave cut out', () => {
    expect(windows()).toEqual(['dr-a 2025-06-02 09:00–13:00', 'dr-a 2025-06-02 14:00–17:00'])
    expect(windows({ exceptions: [exception({ kind: 'leave', date: MON, start: '10:00', end: '11:30' })] })).toEqual([
      'dr-a 2025-06-02 09:00–10:00',
      'dr-a 2025-06-02 11:30–13:00',
      'dr-a 2025-06-02 14:00–17:00'
    ])
  })

  it('joins an extra session to the sessions it touches, and a whole-day holiday closes the day', () => {
    expect(windows({ exceptions: [exception({ kind: 'extra', date: MON, start: '13:00', end: '14:00' })] })).toEqual(['dr-a 2025-06-02 09:00–17:00'])
    expect(windows({ exceptions: [exception({ kind: 'holiday', doctorId: null, date: MON })] })).toEqual([])
    // Another doctor's leave changes nothing.
    expect(windows({ exceptions: [exception({ kind: 'leave', doctorId: 'dr-b', date: MON })] })).toHaveLength(2)
  })

  it('keeps wall time across the spring-forward night: a 00:30–03:00 session runs 00:30 to 03:00 by the clock', () => {
    expect(windows({ from: '2025-03-30', to: '2025-03-30', sessions: everyDay({ start: '00:30', end: '03:00' }) })).toEqual(['dr-a 2025-03-30 00:30–03:00'])
  })
})

describe('clinic days', () => {
  it('gives each date its weekday and real length: 23 hours when the clocks go forward, 25 when they go back', () => {
    const hours = (from: string, zone: string) => clinicDays(from, 2, zone).map((d) => `${d.date} ${d.weekday} ${(d.end - d.start) / 3_600_000}h`)
    expect(hours('2025-03-30', 'Europe/London')).toEqual(['2025-03-30 7 23h', '2025-03-31 1 24h'])
    expect(hours('2025-11-02', 'America/New_York')).toEqual(['2025-11-02 7 25h', '2025-11-03 1 24h'])
    expect(hours('2025-10-05', 'Australia/Sydney')).toEqual(['2025-10-05 7 23h', '2025-10-06 1 24h'])
    expect(new Date(clinicDays('2025-03-10', 1, 'Asia/Kolkata')[0].start).toISOString()).toBe('2025-03-09T18:30:00.000Z')
  })
})
