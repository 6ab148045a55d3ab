// The durable outbox against a real SMTP server on 127.0.0.1: what the clinic sees in the
// delivery list and what the patient's mail program gets, on the test core's stopped clock
// (retries and reminders come due by moving the clock, never by waiting).
import { spawn, type ChildProcess } from 'node:child_process'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import SQLite from 'better-sqlite3'
import ical, { type VEvent } from 'node-ical'
import { afterEach, describe, expect, it } from 'vitest'
import type { Appointment, MessagingSettings, OutboxMessage, Patient, SessionInfo } from '../../../shared/api'
import { fixedClock } from '../clock'
import type { ChangeEvent } from '../context'
import { createCore, type Core } from '../create-core'
import { DB_FILE } from '../db/connection'
import { setUpPractice, type Practice } from '../schedule/fixtures'
import { ADMIN, call, callError, openTestCore, removeDir, setUpClinic, tempDir, type TestClock } from '../testing'
import { RETRY_MINUTES } from './outbox'
import { closedPort, startMailServer, type MailServer, type ReceivedMail } from './smtp.fixture'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const FROM = { fromName: 'Sunrise Family Clinic', fromAddress: 'desk@sunrise.example' }
const EMAILS = ['anita@example.com', 'ramesh@example.com']
const SEND_RESULT = { sent: 0, failed: 0, skipped: 0, retrying: 0 }

const FIXTURE = fileURLToPath(new URL('./send-once.fixture.ts', import.meta.url))
const REPO = fileURLToPath(new URL('../../../../', import.meta.url))

// Whatever a test opened is closed after it, even when it fails.
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function mailServer(options: Parameters<typeof startMailServer>[0] = {}): Promise<MailServer> {
  const server = await startMailServer(options)
  cleanups.push(() => server.close())
  return server
}

interface Clinic {
  core: Core
  clock: TestClock
  dataDir: string
  token: string
  practice: Practice
  /** The patients: the first two have an email address, the third none. */
  patients: Patient[]
  /** Books with the admin's current session (see at). */
  book(input: Parameters<Practice['book']>[0]): Promise<Appointment>
  /** Moves the clock to an instant, or on by milliseconds, and signs the admin in again if the idle session ended. */
  at(when: string | number): Promise<void>
}

/** A core on a data folder (kept until the test ends), on its own stopped clock. */
async function openCore(dataDir: string, at: string, connection?: Parameters<typeof createCore>[0]['connection']): Promise<{ core: Core; clock: TestClock }> {
  const clock = fixedClock(at)
  const core = await createCore({ dataDir, clock, version: '1.2.3-test', log: () => {}, schedules: false, connection })
  let open = true
  cleanups.push(() => (open ? core.close() : undefined))
  const close = core.close
  core.close = async () => {
    open = false
    await close()
  }
  return { core, clock }
}

/** The test clinic (Europe/London, doctors Mon–Sat 09:00–13:00), its patients' email, and email sent to `port`. */
async function openClinic(at = '2025-03-10T09:00:00.000Z', port?: number, login?: { user: string; password: string }): Promise<Clinic> {
  const t = await openTestCore(at)
  cleanups.push(() => t.close())
  const token = await setUpClinic(t.core)
  const practice = await setUpPractice(t.core, token)
  const patients = [...practice.patients]
  for (const [i, email] of EMAILS.entries()) patients[i] = await call<Patient>(t.core, 'patients.update', { id: patients[i].id, fields: { email } }, token)
  if (port !== undefined) await useMailServer(t.core, token, port, login)
  const clinic: Clinic = {
    core: t.core,
    clock: t.clock,
    dataDir: t.dataDir,
    token,
    practice,
    patients,
    book: (input) => practice.book({ token: clinic.token, ...input }),
    async at(when) {
      if (typeof when === 'string') t.clock.set(when)
      else t.clock.advance(when)
      if (!(await t.core.dispatch('auth.session', {}, { token: clinic.token })).ok) clinic.token = (await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })).token!
    }
  }
  return clinic
}

function useMailServer(core: Core, token: string, port: number, login?: { user: string; password: string }): Promise<MessagingSettings> {
  return call<MessagingSettings>(core, 'messaging.saveSettings', { email: { enabled: true, host: '127.0.0.1', port, security: 'none', user: login?.user ?? '', password: login?.password ?? '', ...FROM } }, token)
}

const sendDue = (core: Core) => core.jobs.run('send-messages') as Promise<typeof SEND_RESULT>

const messages = (c: Pick<Clinic, 'core' | 'token'>, filter: { appointmentId?: string; status?: string } = {}) => call<OutboxMessage[]>(c.core, 'outbox.list', filter, c.token)

/** What the list shows, in a form a test can compare whole: kind, status and times. */
const summary = (list: OutboxMessage[]) => list.map((m) => ({ kind: m.kind, status: m.status, dueAt: m.dueAt }))

/** The stored rows: what the list does not show (the Message-ID, the server's answer, the version). */
function stored(core: Core) {
  return core.services.readDb.selectFrom('outbox').selectAll().orderBy('due_at').execute()
}

async function versionOf(core: Core, appointmentId: string): Promise<number> {
  return (await core.services.readDb.selectFrom('appointments').select('version').where('id', '=', appointmentId).executeTakeFirstOrThrow()).version
}

/** An iCalendar text's content lines with their folds undone. */
const unfold = (text: string) => text.replace(/\r\n /g, '')

/** The one VEVENT of a received invitation, and the calendar's METHOD. */
function invitation(mail: ReceivedMail): { event: VEvent; method: string | undefined; raw: string } {
  expect(mail.calendar, `"${mail.subject}" has no calendar part`).not.toBeNull()
  const parsed = ical.sync.parseICS(mail.calendar!.content)
  const events = Object.values(parsed).filter((c) => c?.type === 'VEVENT') as VEvent[]
  expect(events).toHaveLength(1)
  return { event: events[0], method: parsed.vcalendar?.method, raw: mail.calendar!.content }
}

describe('a booking', () => {
  it('queues its confirmation and reminders in its own transaction, and the confirmation arrives with a correct invitation', async () => {
    const mail = await mailServer()
    const c = await openClinic('2025-03-10T09:00:00.000Z', mail.port)
    const changes: ChangeEvent[] = []
    c.core.onChange((change) => changes.push(change))
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })

    // One journal entry (one transaction) holds the appointment and its three messages.
    const [booking] = changes.filter((change) => change.method === 'appointments.book')
    expect(booking.changed.appointments).toContain(booked.id)
    expect([...booking.changed.outbox].sort()).toEqual((await stored(c.core)).map((r) => r.id).sort())
    expect(summary(await messages(c, { appointmentId: booked.id }))).toEqual([
      { kind: 'confirmation', status: 'pending', dueAt: '2025-03-10T09:00:00.000Z' },
      { kind: 'reminder', status: 'pending', dueAt: '2025-03-11T10:00:00.000Z' },
      { kind: 'reminder', status: 'pending', dueAt: '2025-03-12T08:00:00.000Z' }
    ])

    // A booking refused (the slot is taken) queues nothing.
    const before = (await stored(c.core)).length
    const refused = await callError(c.core, 'appointments.book', { patientId: c.patients[1].id, doctorId: c.practice.doctors[0].id, typeId: c.practice.consult.id, start: '2025-03-12T10:00:00.000Z' }, c.token)
    expect(refused.code).toBe('CONFLICT')
    expect((await stored(c.core)).length).toBe(before)

    await c.at(10_000)
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(mail.accepted).toHaveLength(1)
    const got = mail.accepted[0]
    expect(got.rcptTo).toEqual(['anita@example.com'])
    expect(got.to).toContain('anita@example.com')
    expect(got.from).toBe('"Sunrise Family Clinic" <desk@sunrise.example>')
    expect(got.subject).toMatch(/confirm/i)
    expect(got.text).toContain('Anita Desai')
    expect(got.text).toContain('10:00')
    expect(got.html).toContain('Anita Desai')

    const { event, method, raw } = invitation(got)
    expect(method).toBe('REQUEST')
    expect(got.calendar!.method).toBe('REQUEST')
    expect(event.uid).toBe(`appointment-${booked.id}@docspot`)
    expect(event.start.toISOString()).toBe('2025-03-12T10:00:00.000Z')
    expect(event.end!.toISOString()).toBe('2025-03-12T10:15:00.000Z')
    expect(event.start.tz).toBe('Europe/London')
    expect(raw).toContain('DTSTART;TZID=Europe/London:20250312T100000')
    expect(unfold(raw)).toContain('ATTENDEE;CN="Anita Desai";ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:anita@example.com')

    const [row] = (await stored(c.core)).filter((r) => r.kind === 'confirmation')
    expect(got.messageId).toBe(row.message_id)
    expect(row.server_response).toMatch(/^250 /)
    const [listed] = await messages(c, { appointmentId: booked.id, status: 'sent' })
    expect(listed).toMatchObject({ kind: 'confirmation', status: 'sent', sentAt: '2025-03-10T09:00:10.000Z', attempts: 1, lastError: null, recipient: 'anita@example.com' })

    // The next run finds nothing due and sends nothing again.
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(mail.accepted).toHaveLength(1)
  })
})

describe('reminders', () => {
  it('go 24 h and 2 h before the appointment in real elapsed time, across the change to summer time', async () => {
    const mail = await mailServer()
    // Friday 28 March 2025; the clocks go forward at 01:00 UTC on Sunday 30 March.
    const c = await openClinic('2025-03-28T10:00:00.000Z', mail.port)
    // Monday 31 March, 09:30 BST.
    const booked = await c.book({ start: '2025-03-31T08:30:00.000Z' })
    expect(booked.start).toBe('2025-03-31T08:30:00.000Z')
    const reminders = () => messages(c, { appointmentId: booked.id }).then((list) => list.filter((m) => m.kind === 'reminder'))
    expect((await reminders()).map((m) => m.dueAt)).toEqual(['2025-03-30T08:30:00.000Z', '2025-03-31T06:30:00.000Z'])
    await sendDue(c.core)
    expect(mail.accepted.map((m) => m.subject)).toHaveLength(1)

    // A minute before the first is due: nothing.
    await c.at('2025-03-30T08:29:00.000Z')
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(mail.accepted).toHaveLength(1)
    await c.at('2025-03-30T08:30:00.000Z')
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(mail.accepted).toHaveLength(2)
    expect(mail.accepted[1].subject).toMatch(/reminder/i)
    // The patient reads the clinic's wall time, 09:30 (BST), not the UTC time.
    expect(mail.accepted[1].text).toContain('09:30')
    expect(mail.accepted[1].calendar).toBeNull()

    await c.at('2025-03-31T06:29:59.000Z')
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    await c.at('2025-03-31T06:30:00.000Z')
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(mail.accepted).toHaveLength(3)
    expect((await reminders()).map((m) => [m.status, m.sentAt])).toEqual([
      ['sent', '2025-03-30T08:30:00.000Z'],
      ['sent', '2025-03-31T06:30:00.000Z']
    ])
  })
})

describe('exactly once', () => {
  it('when the sender runs twice at the same time', async () => {
    const mail = await mailServer()
    const c = await openClinic('2025-03-10T09:00:00.000Z', mail.port)
    for (let i = 0; i < 4; i++) await c.book({ patient: i % 2, doctor: i % 2, start: `2025-03-12T${['09', '10', '11', '12'][i]}:00:00.000Z` })
    // Two runs of the job (the host lets one go), then two calls that bypass the host.
    const [first, second] = await Promise.all([sendDue(c.core), sendDue(c.core)])
    expect([first, second]).toContainEqual({ ...SEND_RESULT, sent: 4 })
    expect([first, second]).toContain(undefined)
    for (let i = 4; i < 8; i++) await c.book({ patient: i % 2, doctor: i % 2, start: `2025-03-13T${['09', '10', '11', '12'][i - 4]}:00:00.000Z` })
    const runs = await Promise.all([c.core.dispatch('outbox.sendDue', {}, { job: 'x' }), c.core.dispatch('outbox.sendDue', {}, { job: 'y' })])
    expect(runs.every((r) => r.ok)).toBe(true)
    expect(runs.map((r) => (r.ok ? (r.value as typeof SEND_RESULT).sent : -1)).reduce((a, b) => a + b)).toBe(4)

    expect(mail.accepted).toHaveLength(8)
    expect(new Set(mail.accepted.map((m) => m.messageId)).size).toBe(8)
    expect((await messages(c, { status: 'sent' })).every((m) => m.attempts === 1)).toBe(true)
  })

  it('when DocSpot is killed mid-send and started again: the message it left taken is sent, once', async () => {
    const mail = await mailServer()
    const dataDir = tempDir()
    cleanups.push(() => removeDir(dataDir))
    const at = '2025-03-10T09:00:00.000Z'
    let { core } = await openCore(dataDir, at)
    const token = await setUpClinic(core)
    const practice = await setUpPractice(core, token, { doctors: 1, patients: 1 })
    await call(core, 'patients.update', { id: practice.patients[0].id, fields: { email: EMAILS[0] } }, token)
    await useMailServer(core, token, mail.port)
    const booked = await practice.book({ start: '2025-03-12T10:00:00.000Z' })
    await core.close()

    // The child takes the confirmation and sends it; the server reads it and never answers.
    mail.holdNext()
    const read = mail.nextUnanswered()
    const child = await startSendOnce(dataDir, '2025-03-10T09:00:30.000Z')
    await Promise.race([read, child.exited.then(() => Promise.reject(new Error(`the child stopped before the server read its message:\n${child.output()}`)))])
    const peek = new SQLite(join(dataDir, DB_FILE), { readonly: true })
    const during = peek.prepare(`select status, attempts, claimed_by from outbox where kind = 'confirmation'`).get() as { status: string; attempts: number; claimed_by: string }
    peek.close()
    expect(during).toMatchObject({ status: 'sending', attempts: 1 })
    await killHard(child.process)
    expect(mail.accepted).toHaveLength(0)

    // Started again (the dead process's folder lock went with it), a minute later.
    ;({ core } = await openCore(dataDir, '2025-03-10T09:01:30.000Z'))
    expect(await sendDue(core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(mail.unanswered).toBe(1)
    expect(mail.accepted).toHaveLength(1)
    const [row] = (await stored(core)).filter((r) => r.kind === 'confirmation')
    expect(row).toMatchObject({ status: 'sent', attempts: 2, appointment_id: booked.id, sent_at: '2025-03-10T09:01:30.000Z' })
    expect(mail.accepted[0].messageId).toBe(row.message_id)
    expect(await sendDue(core)).toEqual(SEND_RESULT)
    expect(mail.accepted).toHaveLength(1)
  })
})

interface Child {
  process: ChildProcess
  exited: Promise<void>
  output(): string
}

async function startSendOnce(dataDir: string, at: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir, at], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
  cleanups.push(() => killHard(child))
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return { process: child, exited, output: () => output }
}

/** SIGKILL, then wait until the OS has reaped the process (and so dropped its folder lock). */
function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

describe('a mail server that fails', () => {
  it('is tried again with backoff while it is down, and the message goes once it is back', async () => {
    const port = await closedPort()
    const c = await openClinic('2025-03-10T09:00:00.000Z', port)
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    const confirmation = async () => (await messages(c, { appointmentId: booked.id })).find((m) => m.kind === 'confirmation')!

    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, retrying: 1 })
    let shown = await confirmation()
    const after = (at: string, minutes: number) => new Date(Date.parse(at) + minutes * MINUTE).toISOString()
    expect(shown).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: after('2025-03-10T09:00:00.000Z', RETRY_MINUTES[0]) })
    expect(shown.lastError).toContain('ECONNREFUSED')
    // Not before its time.
    await c.at(59_000)
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect((await confirmation()).attempts).toBe(1)

    await c.at(shown.nextAttemptAt!)
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, retrying: 1 })
    const second = shown.nextAttemptAt!
    shown = await confirmation()
    expect(shown).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: after(second, RETRY_MINUTES[1]) })

    // The server is back, on the same port.
    const mail = await mailServer({ port })
    await c.at(shown.nextAttemptAt!)
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(await confirmation()).toMatchObject({ status: 'sent', attempts: 3, lastError: null, nextAttemptAt: null, sentAt: shown.nextAttemptAt })
    await c.at(HOUR)
    await sendDue(c.core)
    expect(mail.accepted).toHaveLength(1)
    expect(mail.accepted[0].subject).toMatch(/confirm/i)
  })

  it('unreachable, it ends the run: the other messages go back untried instead of each waiting out the connection', async () => {
    const port = await closedPort()
    const c = await openClinic('2025-03-10T09:00:00.000Z', port)
    for (let i = 0; i < 6; i++) await c.book({ start: `2025-03-12T${String(9 + (i % 4)).padStart(2, '0')}:${i < 4 ? '00' : '30'}:00.000Z` })
    const run = await sendDue(c.core)
    expect(run.sent + run.failed).toBe(0)
    const confirmations = (await messages(c)).filter((m) => m.kind === 'confirmation')
    expect(confirmations).toHaveLength(6)
    // The few tried at once count an attempt each; the rest were not tried, and say so.
    const tried = confirmations.filter((m) => m.attempts === 1)
    const untried = confirmations.filter((m) => m.attempts === 0)
    expect(tried.length).toBeGreaterThanOrEqual(1)
    expect(untried.length).toBeGreaterThanOrEqual(1)
    expect(tried.length + untried.length).toBe(6)
    for (const m of untried) expect(m).toMatchObject({ status: 'pending', lastError: expect.stringMatching(/^Not tried: .*ECONNREFUSED/) })
    for (const m of confirmations) expect(m.status).toBe('pending')
    // Back up: everything goes at its next try, once.
    const mail = await mailServer({ port })
    await c.at(RETRY_MINUTES[0] * MINUTE)
    await sendDue(c.core)
    expect(mail.accepted.filter((m) => /confirm/i.test(m.subject))).toHaveLength(6)
  })

  it('after the last try, the message has failed with the error, and the clinic is told', async () => {
    const port = await closedPort()
    const c = await openClinic('2025-03-10T09:00:00.000Z', port)
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    const confirmation = async () => (await messages(c, { appointmentId: booked.id })).find((m) => m.kind === 'confirmation')!
    for (const wait of RETRY_MINUTES) {
      expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, retrying: 1 })
      expect((await confirmation()).nextAttemptAt).toBe(new Date(c.clock.now().getTime() + wait * MINUTE).toISOString())
      await c.at(wait * MINUTE)
    }
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, failed: 1 })
    const failed = await confirmation()
    expect(failed).toMatchObject({ status: 'failed', attempts: RETRY_MINUTES.length + 1, nextAttemptAt: null })
    expect(failed.lastError).toContain('ECONNREFUSED')
    expect(await call(c.core, 'outbox.failures', {}, c.token)).toEqual({ today: 1, all: 1 })
    await c.at(HOUR)
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect((await confirmation()).attempts).toBe(RETRY_MINUTES.length + 1)
  })

  it('refusing the password fails the message at once, in the server’s own words; fixed, it is sent again', async () => {
    const login = { user: 'desk', password: 'right password' }
    const mail = await mailServer({ login })
    const c = await openClinic('2025-03-10T09:00:00.000Z', mail.port, { user: 'desk', password: 'wrong password' })
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, failed: 1 })
    const [failed] = await messages(c, { appointmentId: booked.id, status: 'failed' })
    expect(failed).toMatchObject({ kind: 'confirmation', attempts: 1, nextAttemptAt: null })
    expect(failed.lastError).toContain('535 Authentication failed')
    await c.at(2 * HOUR)
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(mail.accepted).toHaveLength(0)

    // Saved without the password: the stored one stays. It is never shown, nor journaled in clear.
    const view = await useMailServer(c.core, c.token, mail.port, login)
    await call(c.core, 'messaging.saveSettings', { email: { enabled: true, host: '127.0.0.1', port: mail.port, security: 'none', user: login.user, ...FROM } }, c.token)
    expect(view.email.passwordSet).toBe(true)
    expect(JSON.stringify(await call(c.core, 'messaging.settings', {}, c.token))).not.toContain(login.password)
    const journal = [...(await c.core.services.readDb.selectFrom('journal').select('input').execute()), ...(await c.core.services.readDb.selectFrom('journal_rows').select('data').execute())]
    expect(JSON.stringify(journal)).not.toContain(login.password)
    expect((await call<OutboxMessage>(c.core, 'outbox.resend', { id: failed.id }, c.token)).status).toBe('pending')
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(mail.accepted).toHaveLength(1)
    expect(mail.accepted[0].messageId).toBe((await stored(c.core)).find((r) => r.id === failed.id)!.message_id)
  })
})

describe('a change to the appointment', () => {
  it('cancelled: its reminders are cancelled and never sent, and the patient gets a CANCEL for the same event', async () => {
    const mail = await mailServer()
    const c = await openClinic('2025-03-10T09:00:00.000Z', mail.port)
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    await sendDue(c.core)
    await c.at('2025-03-10T15:00:00.000Z')
    await call(c.core, 'appointments.cancel', { id: booked.id, reason: 'Patient is travelling' }, c.token)

    const list = await messages(c, { appointmentId: booked.id })
    expect(list.map((m) => [m.kind, m.status, m.skipReason])).toEqual([
      ['confirmation', 'sent', null],
      ['cancellation', 'pending', null],
      ['reminder', 'cancelled', 'The appointment was cancelled'],
      ['reminder', 'cancelled', 'The appointment was cancelled']
    ])
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    const notice = mail.accepted[1]
    expect(notice.subject).toMatch(/cancel/i)
    const { event, method } = invitation(notice)
    expect(method).toBe('CANCEL')
    expect(notice.calendar!.method).toBe('CANCEL')
    expect(event.uid).toBe(`appointment-${booked.id}@docspot`)
    expect(event.status).toBe('CANCELLED')
    expect(event.start.toISOString()).toBe('2025-03-12T10:00:00.000Z')

    for (const at of ['2025-03-11T10:00:00.000Z', '2025-03-12T08:00:00.000Z', '2025-03-12T09:59:00.000Z']) {
      await c.at(at)
      expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    }
    expect(mail.accepted).toHaveLength(2)
  })

  it('moved: the old reminders are cancelled, a notice with the new time goes, and new reminders are queued for it', async () => {
    const mail = await mailServer()
    const c = await openClinic('2025-03-10T09:00:00.000Z', mail.port)
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    await sendDue(c.core)
    expect(await versionOf(c.core, booked.id)).toBe(1)
    await c.at('2025-03-10T15:00:00.000Z')
    const moved = await call<Appointment>(c.core, 'appointments.reschedule', { id: booked.id, start: '2025-03-14T11:30:00.000Z' }, c.token)
    expect(moved.start).toBe('2025-03-14T11:30:00.000Z')
    expect(await versionOf(c.core, booked.id)).toBe(2)

    expect(summary(await messages(c, { appointmentId: booked.id }))).toEqual([
      { kind: 'confirmation', status: 'sent', dueAt: '2025-03-10T09:00:00.000Z' },
      { kind: 'reschedule', status: 'pending', dueAt: '2025-03-10T15:00:00.000Z' },
      { kind: 'reminder', status: 'cancelled', dueAt: '2025-03-11T10:00:00.000Z' },
      { kind: 'reminder', status: 'cancelled', dueAt: '2025-03-12T08:00:00.000Z' },
      { kind: 'reminder', status: 'pending', dueAt: '2025-03-13T11:30:00.000Z' },
      { kind: 'reminder', status: 'pending', dueAt: '2025-03-14T09:30:00.000Z' }
    ])
    expect((await messages(c, { appointmentId: booked.id, status: 'cancelled' })).every((m) => m.skipReason === 'The appointment moved')).toBe(true)

    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    const notice = mail.accepted[1]
    expect(notice.subject).toMatch(/new time/i)
    expect(notice.text).toContain('11:30')
    const { event, method, raw } = invitation(notice)
    expect(method).toBe('REQUEST')
    expect(event.uid).toBe(`appointment-${booked.id}@docspot`)
    expect(event.start.toISOString()).toBe('2025-03-14T11:30:00.000Z')
    // The patient's calendar replaces the event it had: a higher SEQUENCE.
    expect(raw).toContain('SEQUENCE:2')
    expect(invitation(mail.accepted[0]).raw).toContain('SEQUENCE:1')

    // At the old reminders' times nothing goes; at the new ones', the new reminders do.
    await c.at('2025-03-11T10:00:00.000Z')
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    await c.at('2025-03-13T11:30:00.000Z')
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(mail.accepted[2].text).toContain('11:30')
  })
})

describe('a patient the clinic cannot or may not email', () => {
  it('gets skipped rows that say why; once the desk adds an address, resending sends it', async () => {
    const mail = await mailServer()
    const c = await openClinic('2025-03-10T09:00:00.000Z', mail.port)
    await call(c.core, 'patients.update', { id: c.patients[1].id, fields: { emailOptOut: true } }, c.token)
    const noAddress = await c.book({ patient: 2, start: '2025-03-12T10:00:00.000Z' })
    const optedOut = await c.book({ patient: 1, start: '2025-03-12T10:15:00.000Z' })

    const skipped = await messages(c, { appointmentId: noAddress.id })
    expect(skipped.map((m) => [m.kind, m.status, m.skipReason, m.recipient])).toEqual([
      ['confirmation', 'skipped', "No email address on the patient's record", '—'],
      ['reminder', 'skipped', "No email address on the patient's record", '—'],
      ['reminder', 'skipped', "No email address on the patient's record", '—']
    ])
    expect((await messages(c, { appointmentId: optedOut.id })).map((m) => [m.status, m.skipReason])).toEqual([
      ['skipped', 'The patient asked for no email'],
      ['skipped', 'The patient asked for no email'],
      ['skipped', 'The patient asked for no email']
    ])
    await c.at('2025-03-12T09:00:00.000Z')
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(mail.accepted).toHaveLength(0)

    // Resending with still no address is refused and says what to do.
    const noWhere = await callError(c.core, 'outbox.resend', { id: skipped[0].id }, c.token)
    expect(noWhere).toMatchObject({ code: 'CONFLICT' })
    expect(noWhere.message).toContain("add the patient's email")

    await call(c.core, 'patients.update', { id: c.patients[2].id, fields: { email: 'oliver@example.com' } }, c.token)
    const resent = await call<OutboxMessage>(c.core, 'outbox.resend', { id: skipped[0].id }, c.token)
    expect(resent).toMatchObject({ status: 'pending', recipient: 'oliver@example.com', skipReason: null, dueAt: '2025-03-12T09:00:00.000Z' })
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(mail.accepted).toHaveLength(1)
    expect(mail.accepted[0].rcptTo).toEqual(['oliver@example.com'])
    // The invitation names the address it went to.
    expect(unfold(invitation(mail.accepted[0]).raw)).toContain('mailto:oliver@example.com')

    // While the patient still asks for no email, the desk cannot send one by resending.
    const [optedOutConfirmation] = await messages(c, { appointmentId: optedOut.id })
    const refused = await callError(c.core, 'outbox.resend', { id: optedOutConfirmation.id }, c.token)
    expect(refused.code).toBe('CONFLICT')
    expect(refused.message).toBe('The patient asked for no email: this is sent again only once their record allows it')
  })
})

describe('resending', () => {
  it('writes an appointment’s message anew from the appointment as it is now, and refuses one the appointment no longer needs', async () => {
    const mail = await mailServer()
    const c = await openClinic('2025-03-10T09:00:00.000Z', mail.port)
    // No address while the appointment is booked and then moved: everything is skipped.
    const booked = await c.book({ patient: 2, start: '2025-03-12T10:00:00.000Z' })
    await call(c.core, 'appointments.reschedule', { id: booked.id, start: '2025-03-14T11:30:00.000Z' }, c.token)
    const other = await c.book({ patient: 2, start: '2025-03-13T10:00:00.000Z' })
    await call(c.core, 'appointments.cancel', { id: other.id, reason: 'Not needed' }, c.token)
    await call(c.core, 'patients.update', { id: c.patients[2].id, fields: { email: 'oliver@example.com' } }, c.token)

    // The first confirmation, queued for 12 March, goes with the time the appointment has now.
    const [confirmation] = (await messages(c, { appointmentId: booked.id })).filter((m) => m.kind === 'confirmation')
    await call(c.core, 'outbox.resend', { id: confirmation.id }, c.token)
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(mail.accepted[0].text).toContain('11:30')
    expect(mail.accepted[0].text).not.toContain('10:00')
    const { event, raw } = invitation(mail.accepted[0])
    expect(event.start.toISOString()).toBe('2025-03-14T11:30:00.000Z')
    expect(raw).toContain('SEQUENCE:2')
    expect(unfold(raw)).toContain('mailto:oliver@example.com')

    // The cancelled appointment's confirmation is not sent again; its cancellation notice is.
    const [otherConfirmation, cancellation] = await messages(c, { appointmentId: other.id })
    expect([otherConfirmation.kind, cancellation.kind]).toEqual(['confirmation', 'cancellation'])
    const refused = await callError(c.core, 'outbox.resend', { id: otherConfirmation.id }, c.token)
    expect(refused).toMatchObject({ code: 'CONFLICT', message: 'The appointment was cancelled: this confirmation is not sent again' })
    await call(c.core, 'outbox.resend', { id: cancellation.id }, c.token)
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(invitation(mail.accepted[1]).method).toBe('CANCEL')

    // Nor is a reminder once the appointment has begun; and only a failed or skipped message is resent.
    const reminder = (await messages(c, { appointmentId: booked.id })).find((m) => m.kind === 'reminder' && m.status === 'skipped')!
    await c.at('2025-03-14T11:30:00.000Z')
    expect(await callError(c.core, 'outbox.resend', { id: reminder.id }, c.token)).toMatchObject({ code: 'CONFLICT', message: 'The appointment has begun: this reminder is not sent again' })
    expect(await callError(c.core, 'outbox.resend', { id: confirmation.id }, c.token)).toMatchObject({ code: 'CONFLICT', message: 'This message is sent; only a failed or skipped one is sent again' })
    expect(mail.accepted).toHaveLength(2)
  })
})

describe('email turned off', () => {
  it('stops what was queued: skipped, saying so; turned on again, the desk can resend it', async () => {
    const mail = await mailServer()
    const c = await openClinic('2025-03-10T09:00:00.000Z', mail.port)
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    const off = await call<MessagingSettings>(c.core, 'messaging.saveSettings', { email: { enabled: false, host: '127.0.0.1', port: mail.port, security: 'none', user: '', ...FROM } }, c.token)
    expect(off.email.enabled).toBe(false)
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, skipped: 1 })
    const [confirmation] = await messages(c, { appointmentId: booked.id })
    expect(confirmation).toMatchObject({ kind: 'confirmation', status: 'skipped', skipReason: 'Email was turned off (Admin → Messages) before this went' })
    expect(mail.accepted).toHaveLength(0)

    await useMailServer(c.core, c.token, mail.port)
    await call(c.core, 'outbox.resend', { id: confirmation.id }, c.token)
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(mail.accepted).toHaveLength(1)
  })
})

describe('catching up after the PC was off', () => {
  it('sends what came due meanwhile, one reminder per appointment, and skips what is about an appointment already begun, saying why', async () => {
    const mail = await mailServer()
    const c = await openClinic('2025-03-10T09:00:00.000Z', mail.port)
    const soon = await c.book({ start: '2025-03-11T10:00:00.000Z' })
    const later = await c.book({ patient: 1, start: '2025-03-12T12:00:00.000Z' })
    // Off from just after the bookings until 09:00 next day: both of the first one's reminders came due.
    await c.at('2025-03-11T09:00:00.000Z')
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 3, skipped: 1 })
    const soonList = await messages(c, { appointmentId: soon.id })
    expect(soonList.map((m) => [m.kind, m.status, m.dueAt])).toEqual([
      ['confirmation', 'sent', '2025-03-10T09:00:00.000Z'],
      ['reminder', 'skipped', '2025-03-10T10:00:00.000Z'],
      ['reminder', 'sent', '2025-03-11T08:00:00.000Z']
    ])
    expect(soonList[1].skipReason).toBe('A later reminder for this appointment went instead')
    expect((await messages(c, { appointmentId: later.id })).map((m) => [m.kind, m.status])).toEqual([
      ['confirmation', 'sent'],
      ['reminder', 'pending'],
      ['reminder', 'pending']
    ])
    // (Several go at once, so they may arrive in any order.)
    expect(mail.accepted.map((m) => [m.rcptTo[0], m.subject.match(/confirm|remind/i)?.[0].toLowerCase()]).sort()).toEqual([
      ['anita@example.com', 'confirm'],
      ['anita@example.com', 'remind'],
      ['ramesh@example.com', 'confirm']
    ])

    // Booked at 09:00 for noon, then off until 12:30: its confirmation and reminder are skipped.
    const missed = await c.book({ doctor: 1, start: '2025-03-11T12:00:00.000Z' })
    await c.at('2025-03-11T12:30:00.000Z')
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1, skipped: 2 })
    const missedList = await messages(c, { appointmentId: missed.id })
    expect(missedList.map((m) => [m.kind, m.status, m.skipReason])).toEqual([
      ['confirmation', 'skipped', 'The appointment had begun before DocSpot could send this'],
      ['reminder', 'skipped', 'The appointment had begun before DocSpot could send this']
    ])
    // The other appointment's 24-hour reminder, due at noon, still goes.
    expect(mail.accepted).toHaveLength(4)
    expect(mail.accepted[3]).toMatchObject({ rcptTo: ['ramesh@example.com'] })
  })
})

describe('one sender per clinic', () => {
  it('the DocSpot that sent first keeps sending; another refuses, saying which one sends, until an admin makes it the sender', async () => {
    const mail = await mailServer()
    const dataDir = tempDir()
    cleanups.push(() => removeDir(dataDir))
    const hubConnection = { kind: 'hub' as const, https: false, fingerprint: null, insecure: false }

    // The desktop app starts first: nobody sends yet, so it runs the job, and its first run claims the sender.
    const desktop = await openCore(dataDir, '2025-03-10T09:00:00.000Z')
    const token = await setUpClinic(desktop.core)
    const practice = await setUpPractice(desktop.core, token, { doctors: 1, patients: 1 })
    await call(desktop.core, 'patients.update', { id: practice.patients[0].id, fields: { email: EMAILS[0] } }, token)
    await useMailServer(desktop.core, token, mail.port)
    expect(desktop.core.jobs.names).toContain('send-messages')
    expect((await call<MessagingSettings>(desktop.core, 'messaging.settings', {}, token)).sender).toEqual({ kind: null, host: null })
    await practice.book({ start: '2025-03-12T10:00:00.000Z' })
    expect(await sendDue(desktop.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    const claimed = await call<MessagingSettings>(desktop.core, 'messaging.settings', {}, token)
    expect(claimed.sender).toEqual({ kind: 'desktop', host: hostname() })
    expect(claimed.thisInstance.sends).toBe(true)
    await desktop.core.close()

    // The hub on the same data: no job, and a run refuses with the sender's name.
    const hub = await openCore(dataDir, '2025-03-10T09:05:00.000Z', hubConnection)
    expect(hub.core.jobs.names).not.toContain('send-messages')
    await call(hub.core, 'appointments.book', { patientId: practice.patients[0].id, doctorId: practice.doctors[0].id, typeId: practice.consult.id, start: '2025-03-12T10:15:00.000Z' }, token)
    const refused = await hub.core.dispatch('outbox.sendDue', {}, { job: 'send-messages' })
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    expect(refused.error.code).toBe('CONFLICT')
    expect(refused.error.message).toContain(`sent by the desktop app on ${hostname()}`)
    const view = await call<MessagingSettings>(hub.core, 'messaging.settings', {}, token)
    expect(view.thisInstance).toEqual({ sends: false, why: refused.error.message })
    expect(mail.accepted).toHaveLength(1)

    // An admin makes the hub the sender: it sends what waited, once.
    const moved = await call<MessagingSettings>(hub.core, 'messaging.saveSettings', { sendFromHere: true }, token)
    expect(moved.sender).toEqual({ kind: 'hub', host: hostname() })
    expect(moved.thisInstance.sends).toBe(true)
    const sent = await hub.core.dispatch('outbox.sendDue', {}, { job: 'send-messages' })
    expect(sent).toEqual({ ok: true, value: { ...SEND_RESULT, sent: 1 } })
    expect(mail.accepted).toHaveLength(2)
    await hub.core.close()

    // Now the desktop app is the one that does not send.
    const again = await openCore(dataDir, '2025-03-10T09:10:00.000Z')
    expect(again.core.jobs.names).not.toContain('send-messages')
    const result = await again.core.dispatch('outbox.sendDue', {}, { job: 'send-messages' })
    expect(result.ok ? null : result.error.message).toContain(`sent by the hub on ${hostname()}`)
  })
})

describe('the test email', () => {
  it('reports the mail server’s own answer, and its error when it cannot be reached', async () => {
    const login = { user: 'desk', password: 'right password' }
    const mail = await mailServer({ login })
    const c = await openClinic('2025-03-10T09:00:00.000Z')
    const noServer = await callError(c.core, 'messaging.testEmail', { to: 'asha@sunrise.example' }, c.token)
    expect(noServer).toMatchObject({ code: 'VALIDATION', fields: { 'email.host': 'is not set: save the mail server first' } })

    await useMailServer(c.core, c.token, mail.port, login)
    const ok = await call<{ accepted: boolean; response: string }>(c.core, 'messaging.testEmail', { to: 'asha@sunrise.example' }, c.token)
    expect(ok.accepted).toBe(true)
    expect(ok.response).toMatch(/^250 /)
    expect(mail.accepted).toHaveLength(1)
    expect(mail.accepted[0]).toMatchObject({ rcptTo: ['asha@sunrise.example'], subject: 'DocSpot test email from Sunrise Family Clinic' })
    // Sent 09:00 UTC on 10 March: 09:00 in London in winter.
    expect(mail.accepted[0].text).toContain('10 Mar 2025, 09:00')

    await useMailServer(c.core, c.token, mail.port, { user: 'desk', password: 'wrong' })
    expect(await call(c.core, 'messaging.testEmail', { to: 'asha@sunrise.example' }, c.token)).toEqual({ accepted: false, response: expect.stringContaining('535 Authentication failed') })

    await mail.close()
    const down = await call<{ accepted: boolean; response: string }>(c.core, 'messaging.testEmail', { to: 'asha@sunrise.example' }, c.token)
    expect(down.accepted).toBe(false)
    expect(down.response).toContain(`ECONNREFUSED 127.0.0.1:${mail.port}`)
    // A test email is not a patient's message: the outbox has none.
    expect(await stored(c.core)).toEqual([])
  })
})

describe('email verification', () => {
  it('mails a code; wrong codes are counted down to none left, an expired code is refused, and the right one verifies the address', async () => {
    const mail = await mailServer()
    const c = await openClinic('2025-03-10T09:00:00.000Z', mail.port)
    const patientId = c.patients[0].id
    const verify = (code: string) => c.core.dispatch('patients.verifyEmail', { patientId, code }, { token: c.token })
    const refusal = async (code: string) => {
      const result = await verify(code)
      expect(result.ok).toBe(false)
      return result.ok ? null : { code: result.error.code, field: result.error.fields?.code }
    }
    /** Sends a code, lets the sender mail it, and reads it from the email as the patient would. */
    const codeByEmail = async (): Promise<string> => {
      const sent = await call<{ sentTo: string; expiresAt: string }>(c.core, 'patients.sendEmailCode', { patientId }, c.token)
      expect(sent).toEqual({ sentTo: 'anita@example.com', expiresAt: new Date(c.clock.now().getTime() + 30 * MINUTE).toISOString() })
      expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
      const email = mail.accepted.at(-1)!
      expect(email.rcptTo).toEqual(['anita@example.com'])
      expect(email.subject).toBe('Your verification code for Sunrise Family Clinic')
      return email.text.match(/\b(\d{6})\b/)![1]
    }
    const other = (code: string) => (code === '000000' ? '111111' : '000000')

    let code = await codeByEmail()
    expect(await refusal(other(code))).toEqual({ code: 'VALIDATION', field: 'is not the code that was sent (4 tries left)' })
    expect(await refusal(other(code))).toEqual({ code: 'VALIDATION', field: 'is not the code that was sent (3 tries left)' })
    expect(await refusal(other(code))).toEqual({ code: 'VALIDATION', field: 'is not the code that was sent (2 tries left)' })
    expect(await refusal(other(code))).toEqual({ code: 'VALIDATION', field: 'is not the code that was sent (1 try left)' })
    expect(await refusal(other(code))).toEqual({ code: 'VALIDATION', field: 'is not the code that was sent; that was the last try: send a new code' })
    // After five wrong codes, even the right one is refused.
    expect(await refusal(code)).toEqual({ code: 'VALIDATION', field: 'was entered wrongly 5 times: send a new code' })

    code = await codeByEmail()
    await c.at(31 * MINUTE)
    expect(await refusal(code)).toEqual({ code: 'VALIDATION', field: 'has expired (codes last 30 minutes): send a new code' })

    code = await codeByEmail()
    expect(await refusal(other(code))).toEqual({ code: 'VALIDATION', field: 'is not the code that was sent (4 tries left)' })
    await c.at(29 * MINUTE)
    expect(await verify(code)).toEqual({ ok: true, value: { verifiedAt: c.clock.now().toISOString() } })
    expect((await call<Patient>(c.core, 'patients.get', { id: patientId }, c.token)).emailVerifiedAt).toBe(c.clock.now().toISOString())
    expect(mail.accepted).toHaveLength(3)

    // A code that did not go is not resent (it may have expired, or a newer one gone since): the desk sends a new one.
    await call(c.core, 'patients.sendEmailCode', { patientId }, c.token)
    await call(c.core, 'messaging.saveSettings', { email: { enabled: false, host: '127.0.0.1', port: mail.port, security: 'none', user: '', ...FROM } }, c.token)
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, skipped: 1 })
    const [unsent] = await messages(c, { status: 'skipped' })
    expect(unsent.kind).toBe('verification')
    expect(await callError(c.core, 'outbox.resend', { id: unsent.id }, c.token)).toMatchObject({ code: 'CONFLICT', message: 'A verification code is not sent again: send the patient a new code from their record' })
  })
})
