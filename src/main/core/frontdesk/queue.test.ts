// The day's queues through the API on real SQLite: tokens, the waiting order and why, the
// doctor's calls, waiting-room screens and day-end, as the desk and the doctors see them.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { Appointment, DaySummary, Display, DisplayBoard, DoctorQueue, QueueEntry, SessionInfo, StaffUser } from '../../../shared/api'
import { ADMIN, addStaff, call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'
import { setUpPractice } from '../schedule/fixtures'

// The test clinic is in Europe/London (GMT until 30 March); the clock starts Monday 10 March 2025, 09:00.
const MON = (time: string) => `2025-03-10T${time}:00.000Z`
const UNKNOWN = '01957f00-0000-7000-8000-000000000001'
const DOCTOR_PASSWORD = 'consulting room password'

type Issued = { entry: QueueEntry; warning: string | null }
type Pdf = { type: string; bytes: Uint8Array; name: string }

let open: TestCore[] = []
afterEach(async () => {
  for (const t of open) await t.close()
  open = []
})

const signIn = (t: TestCore, email: string, password: string) => call<SessionInfo>(t.core, 'auth.login', { email, password }).then((s) => s.token!)

/** A clinic on Monday morning: Dr. Meera Iyer and Dr. Arjun Rao, Ravi at the desk, and patients. */
async function clinic(patients = 8) {
  const t = await openTestCore()
  open.push(t)
  const admin = await setUpClinic(t.core)
  const p = await setUpPractice(t.core, admin, { doctors: 2, patients })
  const [meera, arjun] = p.doctors
  // A morning's steps without signing in again (sessions here end after 8 idle hours).
  await call(t.core, 'settings.update', { autoLogoutMinutes: 480 }, admin)
  const as = { admin, ravi: (await addStaff(t.core, admin, 'receptionist')).token, meera: await signIn(t, 'doctor1@sunrise.example', DOCTOR_PASSWORD), arjun: await signIn(t, 'doctor2@sunrise.example', DOCTOR_PASSWORD) }
  /** Moves to another day: everyone signs in again. */
  const travel = async (instant: string) => {
    t.clock.set(instant)
    as.admin = await signIn(t, ADMIN.email, ADMIN.password)
    as.ravi = await signIn(t, 'ravi@sunrise.example', 'front desk password')
    as.meera = await signIn(t, 'doctor1@sunrise.example', DOCTOR_PASSWORD)
    as.arjun = await signIn(t, 'doctor2@sunrise.example', DOCTOR_PASSWORD)
  }
  const clock = (time: string) => t.clock.set(MON(time))
  const issue = (patient: number, doctor = meera, extra: Record<string, unknown> = {}, token = as.ravi) =>
    call<Issued>(t.core, 'queue.issueToken', { patientId: p.patients[patient].id, doctorId: doctor.id, ...extra }, token)
  const walkIn = async (patient: number, doctor = meera) => (await issue(patient, doctor)).entry
  const arrive = async (appointment: Appointment) => (await call<Issued>(t.core, 'queue.arrive', { appointmentId: appointment.id }, as.ravi)).entry
  const queue = (doctor = meera, token = as.ravi) => call<DoctorQueue>(t.core, 'queue.forDoctor', { doctorId: doctor.id }, token)
  const order = async (doctor = meera) => (await queue(doctor)).waiting.map((e) => e.token)
  const entry = async (id: string) => {
    const q = await call<DoctorQueue[]>(t.core, 'queue.board', {}, as.ravi)
    return q.flatMap((d) => [d.nowServing, ...d.waiting, ...d.skipped, ...d.done]).find((e) => e?.id === id)!
  }
  const status = async (appointment: Appointment) => (await call<Appointment>(t.core, 'appointments.get', { id: appointment.id }, as.admin)).status
  const count = async (table: 'queue_entries' | 'queue_events' = 'queue_entries') =>
    Number((await t.core.services.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return { t, as, ...p, meera, arjun, travel, clock, issue, walkIn, arrive, queue, order, entry, status, count }
}

describe('the waiting order', () => {
  it('puts walk-ins by arrival and booked patients who come early or on time at their appointment time', async () => {
    const { t, as, book, clock, walkIn, arrive, order, queue, status, patients } = await clinic()
    const anita = await book({ patient: 0, start: MON('09:30') })
    const chen = await book({ patient: 4, start: MON('09:45') })

    clock('09:05')
    expect(await walkIn(1)).toMatchObject({ token: 1, kind: 'walk_in', status: 'waiting', position: 1, appointmentId: null, placement: 'Walk-in, arrived 09:05: placed by arrival time' })
    clock('09:20')
    const early = await arrive(anita)
    expect(early).toMatchObject({ token: 2, kind: 'booked', appointmentId: anita.id, appointmentStart: MON('09:30'), position: 2, placement: 'Booked for 09:30, arrived 09:20: placed by appointment time' })
    expect(early.patient).toEqual({ id: patients[0].id, number: patients[0].number, name: 'Anita Desai', phone: patients[0].phone })
    expect(await status(anita)).toBe('arrived')
    // A walk-in who comes before 09:30 goes ahead of her; one who comes after, behind.
    clock('09:25')
    expect(await walkIn(2)).toMatchObject({ token: 3, position: 2 })
    clock('09:35')
    expect(await walkIn(3)).toMatchObject({ token: 4, position: 4 })
    expect(await order()).toEqual([1, 3, 2, 4])

    // Marked arrived on the calendar, on the minute: joins the queue at 09:45, after the 09:35 walk-in.
    clock('09:45')
    await call(t.core, 'appointments.setStatus', { id: chen.id, status: 'arrived' }, as.ravi)
    const q = await queue()
    expect(q.waiting.map((e) => [e.token, e.patient.name, e.position])).toEqual([
      [1, 'Ramesh Kumar', 1],
      [3, 'Oliver Brown', 2],
      [2, 'Anita Desai', 3],
      [4, 'Sita Iyer', 4],
      [5, 'Chen Wei', 5]
    ])
    expect(q.waiting[4].placement).toBe('Booked for 09:45, arrived 09:45: placed by appointment time')
  })

  it('keeps a booked patient within the grace at their time, and places a later one by the clinic’s rule', async () => {
    const { t, as, meera, arjun, book, clock, walkIn, arrive, order, queue } = await clinic()
    const anita = await book({ patient: 0, start: MON('09:30') })
    const ramesh = await book({ patient: 1, start: MON('09:45') })
    const chen = await book({ patient: 4, doctor: 1, start: MON('10:00') })

    // The default: 10 minutes' grace, then by arrival.
    clock('09:31')
    expect(await walkIn(2)).toMatchObject({ token: 1 })
    clock('09:40')
    expect(await arrive(anita)).toMatchObject({
      token: 2,
      position: 1,
      placement: 'Booked for 09:30, arrived 09:40 (10 min late, within the 10-minute grace): placed by appointment time'
    })
    clock('09:50')
    expect(await walkIn(3)).toMatchObject({ token: 3, position: 3 })
    clock('10:05')
    // 20 minutes late for 09:45: behind the walk-in who came at 09:50.
    expect(await arrive(ramesh)).toMatchObject({ token: 4, position: 4, placement: "Booked for 09:45, arrived 10:05 (20 min late): placed by arrival time, the clinic's rule for late arrivals" })
    expect(await order(meera)).toEqual([2, 1, 3, 4])

    // The clinic changes its rule: late patients keep their appointment time (5 minutes' grace).
    await call(t.core, 'settings.update', { lateArrivalRule: 'appointment', lateGraceMinutes: 5 }, as.admin)
    clock('10:07')
    expect(await walkIn(5, arjun)).toMatchObject({ token: 1, position: 1 })
    clock('10:12')
    await call(t.core, 'appointments.setStatus', { id: chen.id, status: 'arrived' }, as.ravi)
    const late = (await queue(arjun)).waiting
    expect(late.map((e) => e.token)).toEqual([2, 1])
    expect(late[0].placement).toBe("Booked for 10:00, arrived 10:12 (12 min late): kept at appointment time, the clinic's rule for late arrivals")
    // Those already waiting keep their places.
    expect(await order(meera)).toEqual([2, 1, 3, 4])
  })

  it('moves a patient with a reason, skips and recalls, and lets a patient leave', async () => {
    const { t, as, clock, walkIn, order, queue, entry } = await clinic()
    const entries: QueueEntry[] = []
    for (const [i, time] of ['09:01', '09:02', '09:03', '09:04'].entries()) {
      clock(time)
      entries.push(await walkIn(i))
    }
    const [one, two, three, four] = entries
    clock('09:10')
    const moved = await call<QueueEntry>(t.core, 'queue.move', { entryId: three.id, position: 1, reason: 'Chest pain: seen first' }, as.ravi)
    expect(moved).toMatchObject({ token: 3, position: 1, placement: 'Moved to place 1 by Ravi Kumar at 09:10: Chest pain: seen first' })
    expect(await order()).toEqual([3, 1, 2, 4])
    await call(t.core, 'queue.move', { entryId: four.id, position: 3, reason: 'Came back from the pharmacy' }, as.admin)
    expect(await order()).toEqual([3, 1, 4, 2])
    expect((await entry(four.id)).placement).toBe('Moved to place 3 by Asha Menon at 09:10: Came back from the pharmacy')

    const beyond = await callError(t.core, 'queue.move', { entryId: one.id, position: 5, reason: 'To the end' }, as.ravi)
    expect(beyond).toMatchObject({ code: 'VALIDATION', fields: { position: 'must be between 1 and 4 (the number waiting)' } })
    expect((await callError(t.core, 'queue.move', { entryId: one.id, position: 0, reason: 'To the front' }, as.ravi)).fields).toEqual({ position: 'must be 1 or more' })
    expect((await callError(t.core, 'queue.move', { entryId: one.id, position: 1, reason: '' }, as.ravi)).fields?.reason).toMatch(/must say why/)
    expect(await order()).toEqual([3, 1, 4, 2])

    // Not there when wanted: out of the order, shown under skipped.
    clock('09:12')
    const skipped = await call<QueueEntry>(t.core, 'queue.skip', { entryId: one.id, reason: 'Not in the waiting room' }, as.ravi)
    expect(skipped).toMatchObject({ status: 'skipped', position: null, placement: 'Skipped by Ravi Kumar at 09:12: Not in the waiting room' })
    let q = await queue()
    expect(q.waiting.map((e) => e.token)).toEqual([3, 4, 2])
    expect(q.skipped.map((e) => e.token)).toEqual([1])
    const notWaiting = await callError(t.core, 'queue.move', { entryId: one.id, position: 1, reason: 'Back again' }, as.ravi)
    expect(notWaiting).toMatchObject({ code: 'CONFLICT', message: 'Token 1 (P-000001 Anita Desai) is skipped; only waiting can be moved' })

    // Back: next in line.
    clock('09:15')
    const recalled = await call<QueueEntry>(t.core, 'queue.recall', { entryId: one.id }, as.ravi)
    expect(recalled).toMatchObject({ status: 'waiting', position: 1, placement: 'Recalled by Ravi Kumar at 09:15 after being skipped: next in line' })
    expect(await order()).toEqual([1, 3, 4, 2])
    expect((await callError(t.core, 'queue.recall', { entryId: one.id }, as.ravi)).code).toBe('CONFLICT')

    // Leaves without being seen.
    clock('09:20')
    const left = await call<QueueEntry>(t.core, 'queue.leave', { entryId: two.id, reason: 'Could not wait any longer' }, as.ravi)
    expect(left).toMatchObject({ status: 'left', position: null, leftReason: 'Could not wait any longer' })
    q = await queue()
    expect(q.waiting.map((e) => e.token)).toEqual([1, 3, 4])
    expect(q.done.map((e) => [e.token, e.status])).toEqual([[2, 'left']])
    const again = await callError(t.core, 'queue.leave', { entryId: two.id, reason: 'Could not wait any longer' }, as.ravi)
    expect(again).toMatchObject({ code: 'CONFLICT', message: 'Token 2 (P-000002 Ramesh Kumar) is left; only waiting or skipped can be taken out of the queue' })
  })

  it('sends a called booked patient who is skipped back to arrived on the calendar, and takes a booked patient who leaves off it', async () => {
    const { t, as, book, clock, arrive, walkIn, queue, status } = await clinic()
    const anita = await book({ patient: 0, start: MON('09:30') })
    const ramesh = await book({ patient: 1, start: MON('09:45') })
    clock('09:20')
    const entry = await arrive(anita)
    const other = await arrive(ramesh)
    clock('09:30')
    expect(await call<QueueEntry>(t.core, 'queue.callNext', {}, as.meera)).toMatchObject({ id: entry.id, status: 'in_consultation', calledAt: MON('09:30') })
    expect(await status(anita)).toBe('in_consultation')

    clock('09:31')
    const skipped = await call<QueueEntry>(t.core, 'queue.skip', { entryId: entry.id, reason: 'Went to the pharmacy' }, as.meera)
    expect(skipped).toMatchObject({ status: 'skipped', calledAt: null, placement: 'Skipped by Dr. Meera Iyer at 09:31: Went to the pharmacy' })
    expect(await status(anita)).toBe('arrived')
    const history = await call<Array<{ toStatus: string; reason: string | null }>>(t.core, 'appointments.history', { id: anita.id }, as.ravi)
    expect(history[0]).toMatchObject({ toStatus: 'arrived', reason: 'Skipped in the queue: Went to the pharmacy' })
    expect((await queue()).nowServing).toBeNull()

    // Back from the pharmacy: next in line, called and seen.
    clock('09:33')
    await walkIn(2)
    await call(t.core, 'queue.recall', { entryId: entry.id }, as.ravi)
    expect((await call<QueueEntry>(t.core, 'queue.callNext', {}, as.meera)).id).toBe(entry.id)
    await call(t.core, 'queue.complete', { entryId: entry.id }, as.meera)
    expect(await status(anita)).toBe('completed')

    // A booked patient who leaves unseen: the appointment is cancelled, saying why.
    await call(t.core, 'queue.leave', { entryId: other.id, reason: 'Felt better' }, as.ravi)
    const gone = await call<Appointment>(t.core, 'appointments.get', { id: ramesh.id }, as.ravi)
    expect(gone).toMatchObject({ status: 'cancelled', cancelReason: 'Left without being seen: Felt better' })
    expect((await queue()).waiting.map((e) => e.patient.name)).toEqual(['Oliver Brown'])
  })
})

describe('tokens', () => {
  it('count up per doctor per day, and start at 1 again the next day', async () => {
    const { walkIn, arjun, travel, issue } = await clinic()
    const tokens = []
    for (const [patient, doctor] of [
      [0, undefined],
      [1, arjun],
      [2, undefined],
      [3, arjun],
      [4, undefined]
    ] as const) {
      tokens.push((await walkIn(patient, doctor)).token)
    }
    expect(tokens).toEqual([1, 1, 2, 2, 3])
    await travel('2025-03-11T08:55:00Z')
    expect((await issue(0)).entry).toMatchObject({ token: 1, date: '2025-03-11' })
    expect((await issue(1, arjun)).entry.token).toBe(1)
  })

  it('count across the clinic with clinic numbering', async () => {
    const { t, as, walkIn, arjun, queue } = await clinic()
    await call(t.core, 'settings.update', { tokenNumbering: 'clinic' }, as.admin)
    expect([(await walkIn(0)).token, (await walkIn(1, arjun)).token, (await walkIn(2)).token, (await walkIn(3, arjun)).token]).toEqual([1, 2, 3, 4])
    expect((await queue()).waiting.map((e) => e.token)).toEqual([1, 3])
  })

  it('never repeats a number on the screen when the numbering is changed during the day', async () => {
    const { t, as, walkIn, arjun, order } = await clinic()
    await walkIn(0)
    await walkIn(1, arjun)
    await walkIn(2, arjun)
    await call(t.core, 'settings.update', { tokenNumbering: 'clinic' }, as.admin)
    // Counting across the clinic now: on from the highest token given today.
    expect((await walkIn(3, arjun)).token).toBe(3)
    expect((await walkIn(4)).token).toBe(4)
    await call(t.core, 'settings.update', { tokenNumbering: 'doctor' }, as.admin)
    // Per doctor again: on from the doctor's own highest.
    expect((await walkIn(5)).token).toBe(5)
    expect((await walkIn(6, arjun)).token).toBe(4)
    expect(await order()).toEqual([1, 4, 5])
    expect(await order(arjun)).toEqual([1, 2, 3, 4])
  })

  it('gives 20 patients from two desks at the same moment 20 different tokens', async () => {
    const { t, as, meera, patients } = await clinic(20)
    await call<StaffUser>(t.core, 'users.create', { name: 'Priya Shah', email: 'priya@sunrise.example', role: 'receptionist', password: 'second desk password' }, as.admin)
    const priya = await signIn(t, 'priya@sunrise.example', 'second desk password')
    const answers = await Promise.all(
      patients.map((patient, i) => t.core.dispatch('queue.issueToken', { patientId: patient.id, doctorId: meera.id }, { token: i % 2 ? priya : as.ravi }))
    )
    const failed = answers.filter((a) => !a.ok)
    expect(failed).toEqual([])
    const tokens = answers.map((a) => (a.ok ? (a.value as Issued).entry.token : 0))
    expect([...tokens].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    const stored = await t.core.services.db.selectFrom('queue_entries').select('token').orderBy('token').execute()
    expect(stored.map((r) => r.token)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
  })

  it('gives different tokens when a second core on the same data folder issues at the same moment', async () => {
    // The other core runs in its own process, as it would on another PC: two cores on one thread
    // cannot share the file, since one waiting for SQLite's write lock blocks the thread the
    // other needs to finish and let go of it.
    const { t, as, meera, patients } = await clinic(20)
    const ids = patients.map((p) => p.id)
    const other = startSecondCore(t, meera.id, ids.slice(10))
    try {
      expect(await other.next()).toBe('ready')
      // Each issues its ten one after another, from the same moment; while one writes, the other
      // waits for the write lock (BEGIN IMMEDIATE), then reads the highest token afresh.
      other.go()
      expect(await other.next()).toBe('going')
      const [mine, theirs] = await Promise.all([
        (async () => {
          const answers = []
          for (const patientId of ids.slice(0, 10)) answers.push(await t.core.dispatch('queue.issueToken', { patientId, doctorId: meera.id }, { token: as.ravi }))
          return answers
        })(),
        other.next().then((line) => JSON.parse(line) as Array<{ token?: number; error?: string }>)
      ])
      expect(mine.filter((a) => !a.ok)).toEqual([])
      expect(theirs.filter((a) => a.error)).toEqual([])
      const tokens = [...mine.map((a) => (a.ok ? (a.value as Issued).entry.token : 0)), ...theirs.map((a) => a.token!)]
      expect([...tokens].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
      expect(await other.exit()).toBe(0)
      expect(other.stderr()).toBe('')
    } finally {
      other.kill()
    }
  }, 60_000)
})

/**
 * Another process with its own core on the test's data folder (not claimed, as two PCs sharing
 * one file would be), on the test's time: it signs in, says `ready`, and on `go` says `going`
 * and issues a token for each patient in turn, then prints the tokens (or errors) as one JSON line.
 */
function startSecondCore(t: TestCore, doctorId: string, patientIds: string[]) {
  const module = (path: string) => JSON.stringify(new URL(path, import.meta.url).href)
  const script = `
    import { createInterface } from 'node:readline'
    import { createCore } from ${module('../create-core.ts')}
    import { fixedClock } from ${module('../clock.ts')}
    const [dataDir, now, doctorId, ...patientIds] = process.argv.slice(1)
    const core = await createCore({ dataDir, clock: fixedClock(now), unclaimedFolder: true, schedules: false, log: (m, e) => console.error(m, e ?? '') })
    const login = await core.dispatch('auth.login', { email: ${JSON.stringify(ADMIN.email)}, password: ${JSON.stringify(ADMIN.password)} })
    const token = login.value.token
    // Warmed up (a refused token: the doctor is no patient), so the first real one is not slow.
    await core.dispatch('queue.issueToken', { patientId: doctorId, doctorId }, { token })
    const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
    console.log('ready')
    await lines.next()
    console.log('going')
    const answers = []
    for (const patientId of patientIds) answers.push(await core.dispatch('queue.issueToken', { patientId, doctorId }, { token }))
    console.log(JSON.stringify(answers.map((a) => (a.ok ? { token: a.value.entry.token } : { error: a.error.code + ' ' + a.error.message }))))
    await core.close()
    process.exit(0)
  `
  const repo = fileURLToPath(new URL('../../../../', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, t.dataDir, t.clock.now().toISOString(), doctorId, ...patientIds], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    next: async () => {
      const line = await Promise.race([lines.next(), exited.then(() => ({ done: true, value: '' }))])
      if (line.done) throw new Error(`the second core stopped: ${stderr}`)
      return line.value
    },
    go: () => void child.stdin!.write('go\n'),
    exit: () => exited,
    stderr: () => stderr,
    kill: () => void (child.exitCode === null && child.kill('SIGKILL'))
  }
}

describe('what the queue refuses', () => {
  it('names the field or the conflict for each bad token, and writes nothing', async () => {
    const { t, as, meera, arjun, patients, book, issue, walkIn, count } = await clinic()
    await call(t.core, 'patients.archive', { id: patients[4].id, reason: 'Moved away' }, as.admin)
    await book({ patient: 1, start: MON('11:00') })
    await walkIn(0)
    const before = { entries: await count(), events: await count('queue_events') }
    const refused = (patient: number, doctorId: string, extra: Record<string, unknown> = {}, token = as.ravi) =>
      callError(t.core, 'queue.issueToken', { patientId: patients[patient]?.id ?? UNKNOWN, doctorId, ...extra }, token)

    expect(await refused(99, meera.id)).toMatchObject({ code: 'VALIDATION', fields: { patientId: `is not a known patient (${UNKNOWN})` } })
    expect(await refused(2, UNKNOWN)).toMatchObject({ code: 'VALIDATION', fields: { doctorId: `is not a known doctor (${UNKNOWN})` } })
    expect(await refused(4, meera.id)).toMatchObject({ code: 'VALIDATION', fields: { patientId: 'P-000005 Chen Wei is archived; restore the record first' } })
    expect(await refused(0, meera.id)).toMatchObject({ code: 'CONFLICT', message: 'P-000001 Anita Desai already has token 1 for Dr. Meera Iyer today' })
    expect(await refused(1, meera.id)).toMatchObject({
      code: 'CONFLICT',
      message: 'P-000002 Ramesh Kumar is booked with Dr. Meera Iyer at 11:00 today: mark them arrived instead, so they keep their place'
    })
    const doctor = await refused(2, meera.id, {}, as.meera)
    expect(doctor).toMatchObject({ code: 'FORBIDDEN', message: 'A doctor may not do this: give a walk-in patient today’s next token for a doctor' })
    expect((await refused(2, meera.id, { offDayReason: 'ok' })).fields?.offDayReason).toMatch(/at least 3 characters/)
    await call(t.core, 'doctors.setActive', { id: arjun.id, active: false }, as.admin)
    expect(await refused(2, arjun.id)).toMatchObject({ code: 'VALIDATION', fields: { doctorId: 'Dr. Arjun Rao is no longer seeing patients' } })
    expect({ entries: await count(), events: await count('queue_events') }).toEqual(before)

    // The same patient may queue for another doctor, and again once they have left.
    await call(t.core, 'doctors.setActive', { id: arjun.id, active: true }, as.admin)
    expect((await issue(0, arjun)).entry.token).toBe(1)
  })

  it('asks for a reason on a day the doctor does not work, and warns when given one', async () => {
    const { t, as, meera, arjun, issue, travel, queue, count } = await clinic()
    // Dr. Iyer is on leave today.
    await call(t.core, 'availability.addException', { doctorId: meera.id, kind: 'leave', date: '2025-03-10', note: 'Conference' }, as.admin)
    const refused = await issue(0).catch((e: Error) => e.message)
    expect(refused).toBe('queue.issueToken failed: VALIDATION offDayReason: Dr. Meera Iyer does not work today (Monday 10 Mar): give a reason to issue a token anyway')
    expect(await count()).toBe(0)
    expect((await queue()).working).toBe(false)
    expect((await queue(arjun)).working).toBe(true)
    const { entry, warning } = await issue(0, meera, { offDayReason: 'Seeing urgent cases before the conference' })
    expect(warning).toBe('Dr. Meera Iyer does not work today (Monday 10 Mar); token issued anyway: Seeing urgent cases before the conference')
    expect(entry).toMatchObject({
      token: 1,
      offDayReason: 'Seeing urgent cases before the conference',
      placement: 'Walk-in, arrived 09:00: placed by arrival time (the doctor does not work today: Seeing urgent cases before the conference)'
    })
    // Nobody works on Sundays.
    await travel('2025-03-16T10:00:00Z')
    expect((await issue(1, arjun).catch((e: Error) => e.message))).toMatch(/offDayReason: Dr. Arjun Rao does not work today \(Sunday 16 Mar\)/)
    expect((await issue(1, arjun, { offDayReason: 'Emergency clinic' })).warning).toBe('Dr. Arjun Rao does not work today (Sunday 16 Mar); token issued anyway: Emergency clinic')
    expect(await count()).toBe(2)
  })

  it('refuses bad arrivals, unknown entries and the wrong person’s calls', async () => {
    const { t, as, meera, arjun, book, clock, walkIn, arrive, count } = await clinic()
    const today = await book({ patient: 0, start: MON('09:30') })
    const tomorrow = await book({ patient: 1, start: '2025-03-11T09:30:00Z' })
    clock('09:10')
    const first = await arrive(today)
    const arjuns = await walkIn(2, arjun)
    const before = { entries: await count(), events: await count('queue_events') }

    expect(await callError(t.core, 'queue.arrive', { appointmentId: today.id }, as.ravi)).toMatchObject({ code: 'CONFLICT', message: 'P-000001 Anita Desai is already in the queue, with token 1' })
    expect(await callError(t.core, 'queue.arrive', { appointmentId: tomorrow.id }, as.ravi)).toMatchObject({ code: 'VALIDATION', fields: { appointmentId: 'is booked for Tuesday 11 Mar, not today' } })
    const cancelled = await book({ patient: 3, start: MON('10:00') })
    await call(t.core, 'appointments.cancel', { id: cancelled.id, reason: 'Feeling better' }, as.ravi)
    expect(await callError(t.core, 'queue.arrive', { appointmentId: cancelled.id }, as.ravi)).toMatchObject({
      code: 'CONFLICT',
      message: "P-000004 Sita Iyer's appointment at 10:00 is cancelled: only a booked appointment can arrive"
    })
    expect(await callError(t.core, 'queue.arrive', { appointmentId: UNKNOWN }, as.ravi)).toMatchObject({ code: 'NOT_FOUND', fields: { appointmentId: `is not a known appointment (${UNKNOWN})` } })
    for (const [method, input] of [
      ['queue.move', { entryId: UNKNOWN, position: 1, reason: 'Emergency' }],
      ['queue.skip', { entryId: UNKNOWN }],
      ['queue.recall', { entryId: UNKNOWN }],
      ['queue.leave', { entryId: UNKNOWN, reason: 'Went home' }],
      ['queue.complete', { entryId: UNKNOWN }],
      ['queue.slip', { entryId: UNKNOWN }]
    ] as const) {
      expect(await callError(t.core, method, input, as.admin), method).toMatchObject({ code: 'NOT_FOUND', fields: { entryId: `is not a known queue entry (${UNKNOWN})` } })
    }

    // Calling in is the doctors' (and an admin's) work, each doctor their own queue.
    expect(await callError(t.core, 'queue.callNext', { doctorId: meera.id }, as.ravi)).toMatchObject({
      code: 'FORBIDDEN',
      message: 'A receptionist may not do this: call the next patient in: in consultation, and announced in the waiting room'
    })
    expect(await callError(t.core, 'queue.callNext', { doctorId: arjun.id }, as.meera)).toMatchObject({ code: 'FORBIDDEN', message: "A doctor works their own queue; this is Dr. Arjun Rao's" })
    expect(await callError(t.core, 'queue.callNext', {}, as.admin)).toMatchObject({ code: 'VALIDATION', fields: { doctorId: 'is required: say whose queue' } })
    expect(await callError(t.core, 'queue.skip', { entryId: arjuns.id, reason: 'Not here' }, as.meera)).toMatchObject({ code: 'FORBIDDEN', message: "A doctor works their own queue; this is Dr. Arjun Rao's" })
    expect(await callError(t.core, 'queue.forDoctor', { doctorId: arjun.id }, as.meera)).toMatchObject({ code: 'FORBIDDEN' })
    expect(await callError(t.core, 'queue.complete', { entryId: first.id }, as.meera)).toMatchObject({ code: 'CONFLICT', message: 'Token 1 (P-000001 Anita Desai) is waiting; only in consultation can be completed' })
    await call(t.core, 'queue.callNext', {}, as.arjun)
    expect(await callError(t.core, 'queue.complete', { entryId: arjuns.id }, as.meera)).toMatchObject({ code: 'FORBIDDEN', message: "A doctor works their own queue; this is Dr. Arjun Rao's" })
    expect(await count()).toBe(before.entries)
    expect(await count('queue_events')).toBe(before.events + 1)
  })
})

describe('the doctor’s calls', () => {
  it('calls the first waiting in, one at a time, and the calendar follows', async () => {
    const { t, as, meera, arjun, book, clock, arrive, walkIn, queue, status } = await clinic()
    const anita = await book({ patient: 0, start: MON('09:15') })
    const oliver = await book({ patient: 2, doctor: 1, start: MON('11:00') })
    clock('09:05')
    const booked = await arrive(anita)
    clock('09:20')
    const walkin = await walkIn(1)

    clock('09:21')
    const called = await call<QueueEntry>(t.core, 'queue.callNext', {}, as.meera)
    expect(called).toMatchObject({ id: booked.id, token: 1, status: 'in_consultation', calledAt: MON('09:21'), position: null })
    expect(await status(anita)).toBe('in_consultation')
    const q = await queue()
    expect(q.nowServing?.id).toBe(booked.id)
    expect(q.waiting.map((e) => [e.token, e.position])).toEqual([[2, 1]])
    expect(await callError(t.core, 'queue.callNext', {}, as.meera)).toMatchObject({ code: 'CONFLICT', message: 'Token 1 (Anita Desai) is still in consultation with Dr. Meera Iyer: complete it first' })

    clock('09:35')
    expect(await call<QueueEntry>(t.core, 'queue.complete', { entryId: booked.id }, as.meera)).toMatchObject({ status: 'completed', completedAt: MON('09:35') })
    expect(await status(anita)).toBe('completed')
    // An admin may call for a doctor, naming them.
    clock('09:36')
    expect((await call<QueueEntry>(t.core, 'queue.callNext', { doctorId: meera.id }, as.admin)).id).toBe(walkin.id)
    clock('09:45')
    await call(t.core, 'queue.complete', { entryId: walkin.id }, as.admin)
    expect(await callError(t.core, 'queue.callNext', {}, as.meera)).toMatchObject({ code: 'CONFLICT', message: 'Nobody is waiting for Dr. Meera Iyer' })

    // The board: every active doctor, who is in, who waits, who is done, who is still expected.
    const doctor = (name: string, email: string) => call<{ id: string }>(t.core, 'doctors.create', { name, specialization: 'Dermatology', login: { email, password: DOCTOR_PASSWORD } }, as.admin)
    await doctor('Dr. Sara Khan', 'sara@sunrise.example')
    const gone = await doctor('Dr. Tom Ellis', 'tom@sunrise.example')
    await call(t.core, 'doctors.setActive', { id: gone.id, active: false }, as.admin)
    const board = await call<DoctorQueue[]>(t.core, 'queue.board', {}, as.meera)
    expect(board.map((d) => [d.doctor.name, d.working])).toEqual([
      ['Dr. Arjun Rao', true],
      ['Dr. Meera Iyer', true],
      ['Dr. Sara Khan', false]
    ])
    const [forArjun, forMeera] = board
    expect(forMeera).toMatchObject({ date: '2025-03-10', nowServing: null, waiting: [], skipped: [], expected: [] })
    expect(forMeera.done.map((e) => [e.token, e.status])).toEqual([
      [2, 'completed'],
      [1, 'completed']
    ])
    expect(forArjun.expected.map((a) => [a.id, a.patient.name])).toEqual([[oliver.id, 'Oliver Brown']])
    expect(forArjun.doctor).toMatchObject({ id: arjun.id, active: true })
  })
})

describe('waiting-room screens', () => {
  const pair = (t: TestCore, pairingCode: string, address: string) => t.core.dispatch('displays.pair', { pairingCode }, { address })
  const board = (t: TestCore, displayToken: string) => t.core.dispatch('displays.board', { displayToken })
  /** A six-digit code that is not `code`. */
  const wrong = (code: string, by = 1) => String((Number(code) + by) % 1_000_000).padStart(6, '0')

  it('pairs with a 6-digit code and shows tokens and doctors, never a patient', async () => {
    const { t, as, meera, arjun, patients, walkIn, clock } = await clinic()
    const created = await call<{ display: Display; pairingCode: string }>(t.core, 'displays.create', { name: 'Waiting room TV' }, as.admin)
    expect(created.pairingCode).toMatch(/^\d{6}$/)
    expect(created.display).toMatchObject({ name: 'Waiting room TV', paired: false, chime: true, revoked: false, codeExpiresAt: MON('09:15') })
    await walkIn(0)
    await walkIn(1)
    await walkIn(2, arjun)
    clock('09:05')
    await call(t.core, 'queue.callNext', {}, as.meera)

    const paired = await pair(t, created.pairingCode, '10.0.0.5')
    expect(paired.ok).toBe(true)
    const { displayToken, name } = (paired as { value: { displayToken: string; name: string } }).value
    expect(name).toBe('Waiting room TV')
    expect((await call<Display[]>(t.core, 'displays.list', {}, as.admin))[0]).toMatchObject({ paired: true, pairedAt: MON('09:05'), codeExpiresAt: null })
    // The code is used up.
    expect((await pair(t, created.pairingCode, '10.0.0.5')) as object).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { pairingCode: expect.stringMatching(/is not a current pairing code/) } } })

    const shown = await board(t, displayToken)
    expect(shown.ok).toBe(true)
    const value = (shown as { value: DisplayBoard }).value
    expect(value).toMatchObject({ clinicName: 'Sunrise Family Clinic', date: '2025-03-10', time: '09:05', displayName: 'Waiting room TV', chime: true })
    expect(value.doctors.map((d) => [d.name, d.nowServing, d.next])).toEqual([
      ['Dr. Arjun Rao', null, [1]],
      ['Dr. Meera Iyer', 1, [2]]
    ])
    expect(value.doctors[1]).toMatchObject({ doctorId: meera.id, calledAt: MON('09:05') })
    const json = JSON.stringify(value)
    for (const p of patients) {
      for (const shownAbout of [p.name, p.number, p.id, p.phone].filter(Boolean)) expect(json).not.toContain(shownAbout)
    }
  })

  it('refuses a wrong or expired code naming pairingCode, and stops an address after 10 wrong codes', async () => {
    const { t, as } = await clinic()
    const first = await call<{ display: Display; pairingCode: string }>(t.core, 'displays.create', { name: 'Reception' }, as.admin)
    const refused = await pair(t, wrong(first.pairingCode), '10.0.1.1')
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { pairingCode: 'is not a current pairing code: ask the admin for a new code (Admin → Waiting room)' } } })
    expect((await pair(t, 'abc123', '10.0.1.1')) as object).toMatchObject({ ok: false, error: { fields: { pairingCode: 'must be the 6 digits the admin was given' } } })

    t.clock.advance(16 * 60_000)
    expect(await pair(t, first.pairingCode, '10.0.1.2')).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { pairingCode: 'has expired: ask the admin for a new code (Admin → Waiting room)' } } })

    // Ten wrong codes from one address: then even the right one is refused there, but not elsewhere.
    const { pairingCode } = await call<{ pairingCode: string }>(t.core, 'displays.newCode', { id: first.display.id }, as.admin)
    for (let i = 1; i <= 10; i++) expect((await pair(t, wrong(pairingCode, i), '10.0.1.3')).ok).toBe(false)
    expect(await pair(t, pairingCode, '10.0.1.3')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: 'Too many wrong codes from this screen: wait 15 minutes, then try again' } })
    expect((await pair(t, pairingCode, '10.0.1.4')).ok).toBe(true)
  })

  it('pairs with a live code even when another screen’s expired code was the same', async () => {
    const { t, as } = await clinic()
    const old = await call<{ display: Display; pairingCode: string }>(t.core, 'displays.create', { name: 'Old TV' }, as.admin)
    const next = await call<{ display: Display; pairingCode: string }>(t.core, 'displays.create', { name: 'New TV' }, as.admin)
    t.clock.advance(16 * 60_000)
    as.admin = await signIn(t, ADMIN.email, ADMIN.password)
    const { pairingCode } = await call<{ pairingCode: string }>(t.core, 'displays.newCode', { id: next.display.id }, as.admin)
    // The old screen's lapsed code happens to be the new one (one chance in a million).
    const hash = createHash('sha256').update(pairingCode).digest('hex')
    await t.core.journaledWrite('displays.update', null, (tx) => tx.db.updateTable('displays').set({ code_hash: hash }).where('id', '=', old.display.id).execute())
    const paired = await pair(t, pairingCode, '10.0.2.1')
    expect(paired).toMatchObject({ ok: true, value: { name: 'New TV' } })
  })

  it('unpairs a screen for good when revoked, and the old pairing when a new code is made', async () => {
    const { t, as } = await clinic()
    const tv = await call<{ display: Display; pairingCode: string }>(t.core, 'displays.create', { name: 'Hall TV', chime: false }, as.admin)
    const paired = (await pair(t, tv.pairingCode, '10.0.3.1')) as { value: { displayToken: string } }
    expect((await board(t, paired.value.displayToken)).ok).toBe(true)

    const again = await call<{ display: Display; pairingCode: string }>(t.core, 'displays.newCode', { id: tv.display.id }, as.admin)
    expect(again.display).toMatchObject({ paired: false, pairedAt: null, codeExpiresAt: MON('09:15') })
    expect(await board(t, paired.value.displayToken)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    const repaired = (await pair(t, again.pairingCode, '10.0.3.1')) as { value: { displayToken: string } }
    expect((await board(t, repaired.value.displayToken)) as object).toMatchObject({ ok: true, value: { chime: false } })

    expect(await call<Display>(t.core, 'displays.revoke', { id: tv.display.id }, as.admin)).toMatchObject({ paired: false, revoked: true })
    expect(await board(t, repaired.value.displayToken)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/not paired/) } })
    expect(await callError(t.core, 'displays.newCode', { id: tv.display.id }, as.admin)).toMatchObject({ code: 'CONFLICT', message: 'Hall TV was unpaired for good; add a new screen instead' })
    expect(await call<Display[]>(t.core, 'displays.list', {}, as.admin)).toEqual([])
    expect((await callError(t.core, 'displays.create', { name: 'Sneaky' }, as.ravi)).code).toBe('FORBIDDEN')
  })
})

describe('day-end', () => {
  it('sums up a morning, closes the day once, and keeps the figures', async () => {
    const { t, as, arjun, book, clock, walkIn, arrive, queue, status, entry } = await clinic()
    const anita = await book({ patient: 0, start: MON('09:15') })
    const ramesh = await book({ patient: 1, start: MON('09:30') })
    const oliver = await book({ patient: 2, doctor: 1, start: MON('09:45') })
    const sita = await book({ patient: 3, doctor: 1, start: MON('10:00') })

    clock('09:05')
    const chen = await walkIn(4)
    clock('09:10')
    await arrive(anita)
    clock('09:12')
    await call(t.core, 'queue.callNext', {}, as.meera) // Chen, after 7 minutes
    clock('09:20')
    await call(t.core, 'queue.complete', { entryId: chen.id }, as.meera)
    const seen = await call<QueueEntry>(t.core, 'queue.callNext', {}, as.meera) // Anita, after 10
    clock('09:30')
    await call(t.core, 'queue.complete', { entryId: seen.id }, as.meera)
    clock('09:40')
    const leaving = await arrive(oliver)
    clock('09:50')
    await call(t.core, 'queue.leave', { entryId: leaving.id, reason: 'Could not wait' }, as.ravi)
    clock('09:55')
    await call(t.core, 'appointments.cancel', { id: sita.id, reason: 'Feeling better' }, as.ravi)
    clock('10:05')
    const waiting = await walkIn(5, arjun)
    clock('10:10')
    const skipped = await walkIn(6)
    clock('10:20')
    await call(t.core, 'queue.skip', { entryId: skipped.id, reason: 'Not here' }, as.ravi)

    clock('10:30')
    const summary = await call<DaySummary>(t.core, 'day.summary', {}, as.ravi)
    expect(summary).toEqual({
      date: '2025-03-10',
      closed: null,
      // Booked: Anita, Ramesh (not come yet) and Oliver (came, then left); not Sita, cancelled.
      totals: { seen: 2, noShows: 0, walkIns: 3, booked: 3, left: 1, stillWaiting: 2, averageWaitMinutes: 9 },
      doctors: [
        { doctorId: arjun.id, name: 'Dr. Arjun Rao', seen: 0, noShows: 0, walkIns: 1, booked: 1, left: 1, stillWaiting: 1, averageWaitMinutes: null },
        { doctorId: anita.doctorId, name: 'Dr. Meera Iyer', seen: 2, noShows: 0, walkIns: 2, booked: 2, left: 0, stillWaiting: 1, averageWaitMinutes: 9 }
      ],
      waiting: [
        { token: 2, doctorName: 'Dr. Arjun Rao', patientNumber: 'P-000006', patientName: 'Patient 5', arrivedAt: MON('10:05') },
        { token: 3, doctorName: 'Dr. Meera Iyer', patientNumber: 'P-000007', patientName: 'Patient 6', arrivedAt: MON('10:10') }
      ]
    })
    expect((await queue()).expected.map((a) => a.id)).toEqual([ramesh.id])

    expect(await callError(t.core, 'day.close', { date: '2025-03-11' }, as.ravi)).toMatchObject({ code: 'VALIDATION', fields: { date: 'Tuesday 11 Mar has not come yet; a day is closed at its end' } })
    expect((await callError(t.core, 'day.close', { date: '2025-03-10' }, as.meera)).code).toBe('FORBIDDEN')

    clock('13:30')
    const closed = await call<DaySummary>(t.core, 'day.close', { date: '2025-03-10' }, as.ravi)
    // The figures as they stood at closing.
    expect(closed).toEqual({ ...summary, closed: { at: MON('13:30'), byName: 'Ravi Kumar' } })
    expect(await status(ramesh)).toBe('no_show')
    expect(await entry(waiting.id)).toMatchObject({ status: 'left', leftReason: 'Day closed' })
    expect(await entry(skipped.id)).toMatchObject({ status: 'left', leftReason: 'Day closed' })
    expect(await queue()).toMatchObject({ waiting: [], skipped: [], expected: [], nowServing: null })
    clock('14:00')
    expect(await call<DaySummary>(t.core, 'day.summary', { date: '2025-03-10' }, as.admin)).toEqual(closed)
    expect(await callError(t.core, 'day.close', { date: '2025-03-10' }, as.admin)).toMatchObject({ code: 'CONFLICT', message: 'Monday 10 Mar was already closed at 13:30 by Ravi Kumar' })
    // A closed day takes nobody more: its summary is final.
    const late = await callError(t.core, 'queue.issueToken', { patientId: chen.patient.id, doctorId: chen.doctorId }, as.ravi)
    expect(late).toMatchObject({ code: 'CONFLICT', message: 'Today was closed at 13:30 by Ravi Kumar: its summary is final, so nobody more joins a queue today' })

    const pdf = await call<Pdf>(t.core, 'day.summaryPdf', {}, as.ravi)
    expect(pdf).toMatchObject({ type: 'application/pdf', name: 'day-end-2025-03-10.pdf' })
    expect(Buffer.from(pdf.bytes).subarray(0, 4).toString()).toBe('%PDF')
    const slip = await call<Pdf>(t.core, 'queue.slip', { entryId: chen.id }, as.ravi)
    expect(slip).toMatchObject({ type: 'application/pdf', name: 'token-1.pdf' })
    expect(Buffer.from(slip.bytes).subarray(0, 4).toString()).toBe('%PDF')
  })
})
