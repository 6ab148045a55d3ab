// A whole morning at the desk, run through the API as the desk and the doctors would: 4 doctors,
// 20 bookings, 30 walk-ins. Every patient's place must follow from the rules, and the day-end
// must add up.
import { afterEach, describe, expect, it } from 'vitest'
import type { DaySummary, DoctorQueue, QueueEntry, SessionInfo } from '../../../shared/api'
import { setUpPractice } from '../schedule/fixtures'
import { addStaff, call, openTestCore, setUpClinic, type TestCore } from '../testing'

const open: TestCore[] = []
afterEach(async () => {
  for (const t of open.splice(0)) await t.close()
})

const at = (hhmm: string) => `2025-03-10T${hhmm}:00.000Z` // Europe/London is on GMT in March before the change

describe('a morning with 30 walk-ins and 20 bookings across 4 doctors', () => {
  it('runs from the first token to the day-end, every place explained and every figure adding up', async () => {
    const t = await openTestCore(at('08:00'))
    open.push(t)
    const admin = await setUpClinic(t.core)
    const practice = await setUpPractice(t.core, admin, { doctors: 4, patients: 50 })
    // Five bookings per doctor, half-hourly from 09:00.
    const bookings = []
    for (let d = 0; d < 4; d++) {
      for (let k = 0; k < 5; k++) {
        const minutes = 9 * 60 + 30 * k
        bookings.push(await practice.book({ patient: d * 5 + k, doctor: d, start: at(`${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`) }))
      }
    }
    // The desk and the doctors sign in as the morning starts.
    t.clock.set(at('08:45'))
    const admin2 = (await call<SessionInfo>(t.core, 'auth.login', { email: 'asha@sunrise.example', password: 'correct horse battery' })).token!
    const desk = (await addStaff(t.core, admin2, 'receptionist')).token
    const doctorTokens: string[] = []
    for (let d = 0; d < 4; d++) doctorTokens.push((await call<SessionInfo>(t.core, 'auth.login', { email: `doctor${d + 1}@sunrise.example`, password: 'consulting room password' })).token!)

    // The plan: booked patients arrive early, on time, within the grace, late, or never; walk-ins every few minutes.
    const arrivals = new Map<string, Array<() => Promise<unknown>>>()
    const plan = (time: string, act: () => Promise<unknown>) => arrivals.set(time, [...(arrivals.get(time) ?? []), act])
    const lateness = [-15, -5, 0, 5, 25] // minutes after the booked time; the 5th booking of doctor 3 never comes
    bookings.forEach((b, i) => {
      if (i === 19) return
      const ms = Date.parse(b.start) + lateness[i % 5] * 60_000
      plan(new Date(Math.floor(ms / 300_000) * 300_000).toISOString().slice(11, 16), () => call(t.core, 'queue.arrive', { appointmentId: b.id }, desk))
    })
    for (let w = 0; w < 30; w++) {
      const minutes = 8 * 60 + 50 + w * 5
      const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
      plan(time, () => call(t.core, 'queue.issueToken', { patientId: practice.patients[20 + w].id, doctorId: practice.doctors[w % 4].id }, desk))
    }

    // Step through the morning 5 minutes at a time: arrivals, then each doctor completes after 10
    // minutes with a patient and calls the next one in.
    const calledOrder: QueueEntry[][] = [[], [], [], []]
    for (let minutes = 8 * 60 + 45; minutes <= 14 * 60; minutes += 5) {
      t.clock.set(at(`${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`))
      const time = t.clock.now().toISOString().slice(11, 16)
      for (const act of arrivals.get(time) ?? []) await act()
      // The desk's queue screen reads the board on every change.
      const deskView = await call<DoctorQueue[]>(t.core, 'queue.board', {}, desk)
      for (const queue of deskView) for (const [i, entry] of queue.waiting.entries()) expect(entry.position).toBe(i + 1)
      for (const d of practice.doctors.keys()) {
        // Each doctor's screen reads their queue (as it does on every change).
        const queue = await call<DoctorQueue>(t.core, 'queue.forDoctor', {}, doctorTokens[d])
        // The waiting order is exactly the order of the places, and each place says why.
        for (const entry of queue.waiting) expect(entry.placement).toMatch(/placed by (arrival|appointment) time|kept at appointment time/)
        if (queue.nowServing && t.clock.now().getTime() - Date.parse(queue.nowServing.calledAt!) >= 10 * 60_000) {
          await call(t.core, 'queue.complete', { entryId: queue.nowServing.id }, doctorTokens[d])
        }
        if ((!queue.nowServing || t.clock.now().getTime() - Date.parse(queue.nowServing.calledAt!) >= 10 * 60_000) && queue.waiting.length) {
          calledOrder[d].push(await call<QueueEntry>(t.core, 'queue.callNext', {}, doctorTokens[d]))
        }
      }
    }
    // Finish whoever is still in with a doctor.
    for (const [d] of practice.doctors.entries()) {
      const mine = await call<DoctorQueue>(t.core, 'queue.forDoctor', {}, doctorTokens[d])
      if (mine.nowServing) await call(t.core, 'queue.complete', { entryId: mine.nowServing.id }, doctorTokens[d])
      expect(mine.waiting).toEqual([])
    }

    // Everyone who came was seen, tokens counted 1.. per doctor with no gaps or repeats.
    const board = await call<DoctorQueue[]>(t.core, 'queue.board', {}, desk)
    for (const queue of board) {
      const tokens = queue.done.map((e) => e.token).sort((a, b) => a - b)
      expect(tokens).toEqual(Array.from({ length: tokens.length }, (_, i) => i + 1))
      expect(queue.done.every((e) => e.status === 'completed')).toBe(true)
    }
    expect(board.reduce((n, q) => n + q.done.length, 0)).toBe(49)

    // The late patients (25 min, beyond the 10-minute grace) were placed by arrival: said so.
    const late = calledOrder.flat().filter((e) => e.kind === 'booked' && e.placement.includes('25 min late'))
    expect(late).toHaveLength(3) // the 11:00 bookings of three doctors (the fourth never came)
    for (const e of late) expect(e.placement).toContain("placed by arrival time, the clinic's rule for late arrivals")
    // Early and on-time patients stood at their booked time, ahead of walk-ins who came after it.
    for (const order of calledOrder) {
      for (let i = 1; i < order.length; i++) {
        const key = (e: QueueEntry) => (e.kind === 'booked' && !e.placement.includes('placed by arrival') ? Date.parse(e.appointmentStart!) : Date.parse(e.arrivedAt))
        // Called in order of place among those present when called: a later place never goes before an earlier one already waiting.
        if (Date.parse(order[i].arrivedAt) <= Date.parse(order[i - 1].calledAt!)) expect(key(order[i])).toBeGreaterThanOrEqual(key(order[i - 1]))
      }
    }

    // Day-end: the figures as a receptionist would read them, then closing makes the missing booking a no-show.
    const waits = calledOrder.flat().map((e) => (Date.parse(e.calledAt!) - Date.parse(e.arrivedAt)) / 60_000)
    const summary = await call<DaySummary>(t.core, 'day.summary', {}, desk)
    expect(summary.totals).toMatchObject({ seen: 49, walkIns: 30, booked: 20, noShows: 0, stillWaiting: 0, left: 0 })
    expect(summary.totals.averageWaitMinutes).toBe(Math.round(waits.reduce((a, b) => a + b, 0) / waits.length))
    expect(summary.doctors.map((d) => d.seen).reduce((a, b) => a + b, 0)).toBe(49)
    const closed = await call<DaySummary>(t.core, 'day.close', { date: '2025-03-10' }, desk)
    expect(closed.closed?.byName).toBe('Ravi Kumar')
    const after = await call<DaySummary>(t.core, 'day.summary', { date: '2025-03-10' }, desk)
    expect(after.closed).not.toBeNull()
    const missed = await call<{ status: string }>(t.core, 'appointments.get', { id: bookings[19].id }, desk)
    expect(missed.status).toBe('no_show')
  }, 60_000)
})
