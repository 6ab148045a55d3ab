// SMS through the same durable outbox as email, against a fake Twilio on 127.0.0.1 (a real HTTP
// server answering in Twilio's JSON shapes): queued with the booking, sent once, retried with
// backoff, failed in the provider's own words, skipped saying why, and the token kept sealed.
// On the test core's stopped clock: retries and reminders come due by moving the clock.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Appointment, MessagingSettings, OutboxMessage, Patient, SessionInfo } from '../../../shared/api'
import type { ChangeEvent } from '../context'
import type { Core } from '../create-core'
import { setUpPractice, type Practice } from '../schedule/fixtures'
import { ADMIN, call, callError, openTestCore, setUpClinic, type TestClock } from '../testing'
import { RETRY_MINUTES, type Payload } from './outbox'
import { closedPort, startMailServer, type MailServer } from './smtp.fixture'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const SID = 'AC0123456789abcdef0123456789abcdef'
const TOKEN = 'tok-3f9a2c7e5b1d-sms-secret'
const FROM_NUMBER = '+14155550100'
const SEND_RESULT = { sent: 0, failed: 0, skipped: 0, retrying: 0 }
const MESSAGES_PATH = `/2010-04-01/Accounts/${SID}/Messages.json`

/** The patients' mobiles as typed at the desk, and as stored (E.164). Oliver (the third) has none. */
const PHONES = [
  { typed: '07911 123456', e164: '+447911123456' },
  { typed: '+91 98765 43210', e164: '+919876543210' }
]

// Whatever a test opened is closed after it, even when it fails.
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

// ---------------------------------------------------------------------------------------------
// The fake Twilio

/** How the fake answers one request: as Twilio does (201, or 401 for wrong credentials), or with one of its bad days. */
type Answer = 'twilio' | 'invalid-number' | 'rate-limited' | 'html-500'

interface Received {
  path: string
  credentials: string
  contentType: string
  form: Record<string, string>
}

interface FakeTwilio {
  port: number
  baseUrl: string
  /** Every request, as it came. */
  received: Received[]
  /** The messages it accepted (answered 201), in the order it accepted them. */
  accepted: Array<{ sid: string; to: string; from: string; body: string }>
  /** The next answers for messages to `to`, in order; after them, as Twilio. */
  answer(to: string, ...answers: Answer[]): void
  /** Holds each answer this long (so a run is still sending when another starts). */
  delayMs: number
  close(): Promise<void>
}

function twilioError(res: ServerResponse, status: number, code: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }))
}

async function fakeTwilio(): Promise<FakeTwilio> {
  const scripted = new Map<string, Answer[]>()
  const fake: FakeTwilio = {
    port: 0,
    baseUrl: '',
    received: [],
    accepted: [],
    delayMs: 0,
    answer: (to, ...answers) => scripted.set(to, [...(scripted.get(to) ?? []), ...answers]),
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
  const respond = (req: IncomingMessage, res: ServerResponse, form: Record<string, string>, credentials: string) => {
    const answer = scripted.get(form.To ?? '')?.shift() ?? 'twilio'
    if (answer === 'rate-limited') {
      res.setHeader('retry-after', '1')
      return twilioError(res, 429, 20429, 'Too Many Requests')
    }
    if (answer === 'html-500') {
      res.writeHead(500, { 'content-type': 'text/html' })
      return res.end('<html><body><h1>500 Internal Server Error</h1></body></html>')
    }
    if (req.method !== 'POST' || req.url !== MESSAGES_PATH) return twilioError(res, 404, 20404, `The requested resource ${req.url} was not found`)
    if (credentials !== `${SID}:${TOKEN}`) return twilioError(res, 401, 20003, 'Authenticate')
    if (answer === 'invalid-number') return twilioError(res, 400, 21211, `The 'To' number ${form.To} is not a valid phone number.`)
    const sid = `SM${String(fake.accepted.length + 1).padStart(32, '0')}`
    fake.accepted.push({ sid, to: form.To, from: form.From, body: form.Body })
    res.writeHead(201, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ sid, account_sid: SID, to: form.To, from: form.From, body: form.Body, status: 'queued', num_segments: '1', error_code: null, error_message: null }))
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const [scheme, encoded] = (req.headers.authorization ?? '').split(' ')
      const credentials = scheme === 'Basic' ? Buffer.from(encoded, 'base64').toString('utf8') : ''
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
      fake.received.push({ path: req.url ?? '', credentials, contentType: req.headers['content-type'] ?? '', form })
      if (fake.delayMs > 0) setTimeout(() => respond(req, res, form, credentials), fake.delayMs)
      else respond(req, res, form, credentials)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.port = (server.address() as AddressInfo).port
  fake.baseUrl = `http://127.0.0.1:${fake.port}`
  cleanups.push(() => fake.close())
  return fake
}

// ---------------------------------------------------------------------------------------------
// The clinic

interface Clinic {
  core: Core
  clock: TestClock
  token: string
  practice: Practice
  /** Anita (English, a UK mobile), Ramesh (Hindi, an Indian mobile), Oliver (no mobile). */
  patients: Patient[]
  book(input: Parameters<Practice['book']>[0]): Promise<Appointment>
  /** Moves the clock to an instant, or on by milliseconds, and signs the admin in again if the idle session ended. */
  at(when: string | number): Promise<void>
}

const smsSettings = (baseUrl: string, token?: string) => ({ enabled: true, baseUrl, accountSid: SID, ...(token === undefined ? {} : { token }), fromNumber: FROM_NUMBER })

/** Turns SMS on with the provider at `baseUrl`; no `token` keeps the stored one. */
const useSms = (c: Pick<Clinic, 'core' | 'token'>, baseUrl: string, token?: string) => call<MessagingSettings>(c.core, 'messaging.saveSettings', { sms: smsSettings(baseUrl, token) }, c.token)

/** The test clinic (Europe/London, GB numbers by default), its patients' mobiles, and SMS through `baseUrl` (email off). */
async function openClinic(baseUrl: string, at = '2025-03-10T09:00:00.000Z'): Promise<Clinic> {
  const t = await openTestCore(at)
  cleanups.push(() => t.close())
  const token = await setUpClinic(t.core)
  const practice = await setUpPractice(t.core, token)
  const patients = [...practice.patients]
  patients[0] = await call<Patient>(t.core, 'patients.update', { id: patients[0].id, fields: { phone: PHONES[0].typed } }, token)
  patients[1] = await call<Patient>(t.core, 'patients.update', { id: patients[1].id, fields: { phone: PHONES[1].typed, preferredLanguage: 'hi' } }, token)
  expect(patients.map((p) => [p.phone || null, p.preferredLanguage])).toEqual([
    [PHONES[0].e164, 'en'],
    [PHONES[1].e164, 'hi'],
    [null, 'en']
  ])
  const clinic: Clinic = {
    core: t.core,
    clock: t.clock,
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
  await useSms(clinic, baseUrl, TOKEN)
  return clinic
}

const sendDue = (core: Core) => core.jobs.run('send-messages') as Promise<typeof SEND_RESULT>

const messages = (c: Pick<Clinic, 'core' | 'token'>, filter: { appointmentId?: string; status?: string } = {}) => call<OutboxMessage[]>(c.core, 'outbox.list', filter, c.token)

const stored = (core: Core) => core.services.readDb.selectFrom('outbox').selectAll().orderBy('due_at').execute()

const textOf = (row: { payload: string }) => (JSON.parse(row.payload) as Payload).text

const DEVANAGARI = /[\u0900-\u097F]/

// ---------------------------------------------------------------------------------------------

describe('an SMS booking confirmation', () => {
  it('is queued with its reminders in the booking’s transaction, and reaches the provider once, in the patient’s language', async () => {
    const twilio = await fakeTwilio()
    const c = await openClinic(twilio.baseUrl)
    const changes: ChangeEvent[] = []
    c.core.onChange((change) => changes.push(change))
    const anita = await c.book({ patient: 0, doctor: 0, start: '2025-03-12T10:00:00.000Z' })
    const ramesh = await c.book({ patient: 1, doctor: 1, start: '2025-03-12T10:00:00.000Z' })

    // One transaction holds each appointment and its messages; all by SMS (email is off).
    const bookings = changes.filter((change) => change.method === 'appointments.book')
    expect(bookings).toHaveLength(2)
    expect([...bookings[0].changed.outbox, ...bookings[1].changed.outbox].sort()).toEqual((await stored(c.core)).map((r) => r.id).sort())
    for (const [booked, to] of [
      [anita, PHONES[0].e164],
      [ramesh, PHONES[1].e164]
    ] as const) {
      expect((await messages(c, { appointmentId: booked.id })).map((m) => ({ channel: m.channel, kind: m.kind, status: m.status, dueAt: m.dueAt, recipient: m.recipient, subject: m.subject }))).toEqual([
        { channel: 'sms', kind: 'confirmation', status: 'pending', dueAt: '2025-03-10T09:00:00.000Z', recipient: to, subject: '' },
        { channel: 'sms', kind: 'reminder', status: 'pending', dueAt: '2025-03-11T10:00:00.000Z', recipient: to, subject: '' },
        { channel: 'sms', kind: 'reminder', status: 'pending', dueAt: '2025-03-12T08:00:00.000Z', recipient: to, subject: '' }
      ])
    }

    await c.at(10_000)
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 2 })
    expect(twilio.received).toHaveLength(2)
    for (const r of twilio.received) expect(r).toMatchObject({ path: MESSAGES_PATH, credentials: `${SID}:${TOKEN}`, contentType: 'application/x-www-form-urlencoded' })
    const byTo = (to: string) => twilio.accepted.filter((m) => m.to === to)
    const [toAnita] = byTo(PHONES[0].e164)
    const [toRamesh] = byTo(PHONES[1].e164)
    expect(toAnita).toMatchObject({
      from: FROM_NUMBER,
      body: 'Sunrise Family Clinic: Hello Anita Desai, your appointment with Dr. Meera Iyer is confirmed for Wednesday 12 March 2025 at 10:00. To change it, call +44 113 496 0100.'
    })
    expect(toRamesh).toMatchObject({
      from: FROM_NUMBER,
      body: 'Sunrise Family Clinic: नमस्ते Ramesh Kumar, Dr. Arjun Rao के साथ आपका अपॉइंटमेंट बुधवार 12 मार्च 2025 को 10:00 बजे तय हो गया है। बदलने के लिए +44 113 496 0100 पर फ़ोन करें।'
    })
    expect(toRamesh.body).toMatch(DEVANAGARI)
    expect(toAnita.body).not.toMatch(DEVANAGARI)

    // Each row is sent with the provider's answer, and what arrived is what the row holds.
    const confirmations = (await stored(c.core)).filter((r) => r.kind === 'confirmation')
    for (const row of confirmations) {
      expect(row).toMatchObject({ channel: 'sms', status: 'sent', attempts: 1, sent_at: '2025-03-10T09:00:10.000Z', server_response: '201 queued', last_error: null, next_attempt_at: null, claimed_by: null })
      expect(byTo(row.recipient).map((m) => m.body)).toEqual([textOf(row)])
    }
    expect(await messages(c, { appointmentId: anita.id, status: 'sent' })).toEqual([expect.objectContaining({ kind: 'confirmation', channel: 'sms', sentAt: '2025-03-10T09:00:10.000Z', attempts: 1, lastError: null, recipient: PHONES[0].e164 })])

    // Nothing due: nothing goes again.
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(twilio.received).toHaveLength(2)

    // The reminders go at their times, each once, in each patient's language.
    await c.at('2025-03-11T09:59:59.000Z')
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    await c.at('2025-03-11T10:00:00.000Z')
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 2 })
    await c.at('2025-03-12T08:00:00.000Z')
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 2 })
    await c.at('2025-03-12T09:00:00.000Z')
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(byTo(PHONES[0].e164).map((m) => m.body.match(/confirmed|Reminder/)?.[0])).toEqual(['confirmed', 'Reminder', 'Reminder'])
    expect(byTo(PHONES[1].e164).slice(1).every((m) => m.body.includes('याद दिला दें') && m.body.includes('10:00'))).toBe(true)
    // Six messages, six texts: each row's text arrived once (a patient's two reminders read alike).
    expect(twilio.accepted).toHaveLength(6)
    const rows = await stored(c.core)
    expect(twilio.accepted.map((m) => `${m.to} ${m.body}`).sort()).toEqual(rows.map((r) => `${r.recipient} ${textOf(r)}`).sort())
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1 && r.server_response === '201 queued')).toBe(true)
  })

  it('with email on too: each channel gets its own confirmation and each of its reminders, and a mail server that is down holds back no SMS', async () => {
    const twilio = await fakeTwilio()
    const mail: MailServer = await startMailServer()
    cleanups.push(() => mail.close())
    const c = await openClinic(twilio.baseUrl)
    const useMail = (port: number) =>
      call(c.core, 'messaging.saveSettings', { email: { enabled: true, host: '127.0.0.1', port, security: 'none', user: '', fromName: 'Sunrise Family Clinic', fromAddress: 'desk@sunrise.example' } }, c.token)
    await useMail(mail.port)
    await call(c.core, 'patients.update', { id: c.patients[0].id, fields: { email: 'anita@example.com' } }, c.token)
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    expect((await messages(c, { appointmentId: booked.id })).map((m) => `${m.kind} ${m.channel} ${m.status}`).sort()).toEqual([
      'confirmation email pending',
      'confirmation sms pending',
      'reminder email pending',
      'reminder email pending',
      'reminder sms pending',
      'reminder sms pending'
    ])
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 2 })
    expect([mail.accepted.length, twilio.accepted.length]).toEqual([1, 1])

    // Both reminders come due at the same moment: the patient gets one by each channel.
    await c.at('2025-03-11T10:00:00.000Z')
    const reminders = await sendDue(c.core)
    const first = (await messages(c, { appointmentId: booked.id })).filter((m) => m.kind === 'reminder' && m.dueAt === '2025-03-11T10:00:00.000Z')
    expect(first.map((m) => [m.channel, m.status, m.skipReason]).sort()).toEqual([
      ['email', 'sent', null],
      ['sms', 'sent', null]
    ])
    expect(reminders).toEqual({ ...SEND_RESULT, sent: 2 })
    expect([mail.accepted.length, twilio.accepted.length]).toEqual([2, 2])
    expect(twilio.accepted[1].body).toMatch(/^Sunrise Family Clinic: Reminder for Anita Desai/)
    expect(mail.accepted[1].subject).toMatch(/reminder/i)

    // Off while both reminders of another appointment came due: one reminder by each channel, the latest.
    const other = await c.book({ patient: 0, doctor: 1, start: '2025-03-14T10:00:00.000Z' })
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 2 })
    await c.at('2025-03-14T09:00:00.000Z')
    // (The first appointment's 2-hour reminders are skipped too: it began on the 12th.)
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 2, skipped: 4 })
    expect((await messages(c, { appointmentId: other.id })).filter((m) => m.kind === 'reminder').map((m) => [m.channel, m.dueAt, m.status, m.skipReason]).sort()).toEqual([
      ['email', '2025-03-13T10:00:00.000Z', 'skipped', 'A later reminder for this appointment went instead'],
      ['email', '2025-03-14T08:00:00.000Z', 'sent', null],
      ['sms', '2025-03-13T10:00:00.000Z', 'skipped', 'A later reminder for this appointment went instead'],
      ['sms', '2025-03-14T08:00:00.000Z', 'sent', null]
    ])
    expect((await messages(c, { appointmentId: booked.id, status: 'skipped' })).map((m) => [m.channel, m.skipReason]).sort()).toEqual([
      ['email', 'The appointment had begun before DocSpot could send this'],
      ['sms', 'The appointment had begun before DocSpot could send this']
    ])
    expect([mail.accepted.length, twilio.accepted.length]).toEqual([4, 4])

    // The mail server goes away: email waits to be tried again, SMS goes all the same.
    await useMail(await closedPort())
    const later = await c.book({ patient: 0, doctor: 1, start: '2025-03-15T10:00:00.000Z' })
    const run = await sendDue(c.core)
    expect(run).toEqual({ ...SEND_RESULT, sent: 1, retrying: 1 })
    const confirmations = (await messages(c, { appointmentId: later.id })).filter((m) => m.kind === 'confirmation')
    expect(confirmations.map((m) => [m.channel, m.status, m.attempts])).toEqual(
      expect.arrayContaining([
        ['email', 'pending', 1],
        ['sms', 'sent', 1]
      ])
    )
    expect(confirmations.find((m) => m.channel === 'email')!.lastError).toContain('ECONNREFUSED')
    expect([mail.accepted.length, twilio.accepted.length]).toEqual([4, 5])
    expect(twilio.accepted[4].body).toContain('Saturday 15 March 2025 at 10:00')
  })
})

describe('a provider that refuses', () => {
  it('an invalid number: failed at once in Twilio’s words, and never tried again', async () => {
    const twilio = await fakeTwilio()
    const c = await openClinic(twilio.baseUrl)
    twilio.answer(PHONES[0].e164, 'invalid-number')
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, failed: 1 })
    const [failed] = await messages(c, { appointmentId: booked.id, status: 'failed' })
    expect(failed).toMatchObject({
      channel: 'sms',
      kind: 'confirmation',
      attempts: 1,
      nextAttemptAt: null,
      sentAt: null,
      lastError: `Twilio 21211: The 'To' number ${PHONES[0].e164} is not a valid phone number.`
    })
    expect(await call(c.core, 'outbox.failures', {}, c.token)).toEqual({ today: 1, all: 1 })
    await c.at(2 * HOUR)
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(twilio.received).toHaveLength(1)
    expect(twilio.accepted).toHaveLength(0)
  })

  it('wrong credentials: failed at once; with the right token saved, the desk resends it and it goes once', async () => {
    const twilio = await fakeTwilio()
    const c = await openClinic(twilio.baseUrl)
    const wrong = 'wrong-token-8c1e'
    await useSms(c, twilio.baseUrl, wrong)
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, failed: 1 })
    expect(twilio.received.map((r) => r.credentials)).toEqual([`${SID}:${wrong}`])
    const [failed] = await messages(c, { appointmentId: booked.id, status: 'failed' })
    expect(failed).toMatchObject({ kind: 'confirmation', attempts: 1, nextAttemptAt: null, lastError: 'Twilio 20003: Authenticate' })
    expect(failed.lastError).not.toContain(wrong)
    await c.at(2 * HOUR)
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(twilio.received).toHaveLength(1)

    await useSms(c, twilio.baseUrl, TOKEN)
    expect(await call<OutboxMessage>(c.core, 'outbox.resend', { id: failed.id }, c.token)).toMatchObject({ status: 'pending', attempts: 0, lastError: null, recipient: PHONES[0].e164 })
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(twilio.accepted).toEqual([expect.objectContaining({ to: PHONES[0].e164, body: expect.stringContaining('is confirmed for Wednesday 12 March 2025 at 10:00') })])
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(twilio.accepted).toHaveLength(1)
  })

  it('too many requests, then a server error: tried again with backoff, and sent once the provider answers 201', async () => {
    const twilio = await fakeTwilio()
    const c = await openClinic(twilio.baseUrl)
    twilio.answer(PHONES[0].e164, 'rate-limited', 'html-500')
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    const confirmation = async () => (await messages(c, { appointmentId: booked.id })).find((m) => m.kind === 'confirmation')!
    const after = (at: string, minutes: number) => new Date(Date.parse(at) + minutes * MINUTE).toISOString()

    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, retrying: 1 })
    let shown = await confirmation()
    expect(shown).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: after('2025-03-10T09:00:00.000Z', RETRY_MINUTES[0]), lastError: 'Twilio 20429: Too Many Requests' })
    // Not before its time.
    await c.at(59_000)
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(twilio.received).toHaveLength(1)

    await c.at(shown.nextAttemptAt!)
    const second = shown.nextAttemptAt!
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, retrying: 1 })
    shown = await confirmation()
    expect(shown).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: after(second, RETRY_MINUTES[1]), lastError: 'Twilio HTTP 500: Internal Server Error' })
    await c.at(RETRY_MINUTES[1] * MINUTE - 1_000)
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)

    await c.at(shown.nextAttemptAt!)
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(await confirmation()).toMatchObject({ status: 'sent', attempts: 3, lastError: null, nextAttemptAt: null, sentAt: shown.nextAttemptAt })
    expect((await stored(c.core)).find((r) => r.kind === 'confirmation')!.server_response).toBe('201 queued')
    await c.at(HOUR)
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(twilio.received).toHaveLength(3)
    expect(twilio.accepted).toHaveLength(1)
  })

  it('a server error every time: failed after the last try, with the provider’s words', async () => {
    const twilio = await fakeTwilio()
    const c = await openClinic(twilio.baseUrl)
    twilio.answer(PHONES[0].e164, ...Array<Answer>(RETRY_MINUTES.length + 1).fill('html-500'))
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    for (const wait of RETRY_MINUTES) {
      expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, retrying: 1 })
      await c.at(wait * MINUTE)
    }
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, failed: 1 })
    const [failed] = await messages(c, { appointmentId: booked.id, status: 'failed' })
    expect(failed).toMatchObject({ kind: 'confirmation', attempts: RETRY_MINUTES.length + 1, nextAttemptAt: null, lastError: 'Twilio HTTP 500: Internal Server Error' })
    await c.at(HOUR)
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(twilio.received).toHaveLength(RETRY_MINUTES.length + 1)
    expect(twilio.accepted).toHaveLength(0)
  })

  it('unreachable: the run’s other SMS go back untried, and a later run sends each exactly once', async () => {
    const twilio = await fakeTwilio()
    const port = await closedPort()
    const c = await openClinic(`http://127.0.0.1:${port}`)
    const starts = ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30']
    for (const [i, time] of starts.entries()) await c.book({ patient: i % 2, doctor: i % 2, start: `2025-03-12T${time}:00.000Z` })

    const run = await sendDue(c.core)
    expect(run.sent + run.failed + run.skipped).toBe(0)
    expect(run.retrying).toBe(starts.length)
    const confirmations = (await messages(c)).filter((m) => m.kind === 'confirmation')
    expect(confirmations).toHaveLength(starts.length)
    const reached = `Could not reach Twilio at 127.0.0.1:${port}: ECONNREFUSED`
    // The few tried at once count an attempt each; the rest were not tried, and say so.
    const tried = confirmations.filter((m) => m.attempts === 1)
    const untried = confirmations.filter((m) => m.attempts === 0)
    expect(tried.length).toBeGreaterThanOrEqual(1)
    expect(untried.length).toBeGreaterThanOrEqual(1)
    expect(tried.length + untried.length).toBe(starts.length)
    for (const m of tried) expect(m).toMatchObject({ status: 'pending', lastError: reached, nextAttemptAt: '2025-03-10T09:01:00.000Z' })
    for (const m of untried) expect(m).toMatchObject({ status: 'pending', lastError: `Not tried: ${reached}`, nextAttemptAt: '2025-03-10T09:01:00.000Z' })
    expect(twilio.received).toHaveLength(0)

    // The provider is reachable again (saved without a token: the stored one stays).
    expect((await useSms(c, twilio.baseUrl)).sms.tokenSet).toBe(true)
    await c.at(30_000)
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    await c.at('2025-03-10T09:01:00.000Z')
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: starts.length })
    await c.at(HOUR)
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)

    expect(twilio.received).toHaveLength(starts.length)
    expect(twilio.accepted).toHaveLength(starts.length)
    const rows = (await stored(c.core)).filter((r) => r.kind === 'confirmation')
    expect(twilio.accepted.map((m) => `${m.to} ${m.body}`).sort()).toEqual(rows.map((r) => `${r.recipient} ${textOf(r)}`).sort())
    for (const row of rows) expect(row).toMatchObject({ status: 'sent', last_error: null, server_response: '201 queued', attempts: tried.some((m) => m.id === row.id) ? 2 : 1 })
  })
})

describe('exactly once', () => {
  it('when the sender runs twice at the same time', async () => {
    const twilio = await fakeTwilio()
    twilio.delayMs = 50
    const c = await openClinic(twilio.baseUrl)
    for (let i = 0; i < 4; i++) await c.book({ patient: i % 2, doctor: i % 2, start: `2025-03-12T${['09', '10', '11', '12'][i]}:00:00.000Z` })
    // Two runs of the job (the host lets one go) ...
    const [first, second] = await Promise.all([sendDue(c.core), sendDue(c.core)])
    expect([first, second]).toContainEqual({ ...SEND_RESULT, sent: 4 })
    expect([first, second]).toContain(undefined)

    // ... then two runs that bypass the host, both sending while the other is.
    for (let i = 4; i < 8; i++) await c.book({ patient: i % 2, doctor: i % 2, start: `2025-03-13T${['09', '10', '11', '12'][i - 4]}:00:00.000Z` })
    const runs = await Promise.all([c.core.dispatch('outbox.sendDue', {}, { job: 'test' }), c.core.dispatch('outbox.sendDue', {}, { job: 'test-2' })])
    expect(runs.every((r) => r.ok)).toBe(true)
    expect(runs.map((r) => (r.ok ? (r.value as typeof SEND_RESULT).sent : -1)).reduce((a, b) => a + b)).toBe(4)

    expect(twilio.received).toHaveLength(8)
    expect(twilio.accepted).toHaveLength(8)
    expect(new Set(twilio.accepted.map((m) => `${m.to} ${m.body}`)).size).toBe(8)
    const sent = await messages(c, { status: 'sent' })
    expect(sent).toHaveLength(8)
    expect(sent.every((m) => m.channel === 'sms' && m.attempts === 1)).toBe(true)
  })
})

describe('a patient the clinic cannot or may not text', () => {
  it('gets skipped rows that say why, and a resend only once the record allows it', async () => {
    const twilio = await fakeTwilio()
    const c = await openClinic(twilio.baseUrl)
    await call(c.core, 'patients.update', { id: c.patients[1].id, fields: { smsOptOut: true } }, c.token)
    const optedOut = await c.book({ patient: 1, start: '2025-03-12T10:00:00.000Z' })
    const noPhone = await c.book({ patient: 2, start: '2025-03-12T10:15:00.000Z' })

    expect((await messages(c, { appointmentId: optedOut.id })).map((m) => [m.channel, m.kind, m.status, m.skipReason, m.recipient])).toEqual([
      ['sms', 'confirmation', 'skipped', 'The patient asked for no SMS', PHONES[1].e164],
      ['sms', 'reminder', 'skipped', 'The patient asked for no SMS', PHONES[1].e164],
      ['sms', 'reminder', 'skipped', 'The patient asked for no SMS', PHONES[1].e164]
    ])
    const skipped = await messages(c, { appointmentId: noPhone.id })
    expect(skipped.map((m) => [m.channel, m.kind, m.status, m.skipReason, m.recipient])).toEqual([
      ['sms', 'confirmation', 'skipped', "No mobile number on the patient's record", '—'],
      ['sms', 'reminder', 'skipped', "No mobile number on the patient's record", '—'],
      ['sms', 'reminder', 'skipped', "No mobile number on the patient's record", '—']
    ])
    await c.at('2025-03-12T09:00:00.000Z')
    expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    expect(twilio.received).toHaveLength(0)

    const refused = await callError(c.core, 'outbox.resend', { id: (await messages(c, { appointmentId: optedOut.id }))[0].id }, c.token)
    expect(refused).toMatchObject({ code: 'CONFLICT', message: 'The patient asked for no SMS: this is sent again only once their record allows it' })
    const noWhere = await callError(c.core, 'outbox.resend', { id: skipped[0].id }, c.token)
    expect(noWhere.code).toBe('CONFLICT')
    expect(noWhere.message).toContain("add the patient's mobile number")

    // The desk adds Oliver's mobile: resending sends the confirmation to it.
    await call(c.core, 'patients.update', { id: c.patients[2].id, fields: { phone: '07700 123456' } }, c.token)
    const oliver = (await call<Patient>(c.core, 'patients.get', { id: c.patients[2].id }, c.token)).phone
    expect(oliver).toMatch(/^\+447700123456$/)
    expect(await call<OutboxMessage>(c.core, 'outbox.resend', { id: skipped[0].id }, c.token)).toMatchObject({ status: 'pending', recipient: oliver, skipReason: null })
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(twilio.accepted).toEqual([expect.objectContaining({ to: oliver, body: expect.stringContaining('Hello Oliver Brown') })])
  })

  it('cancelled before its reminders: the SMS reminders are cancelled too, and the patient is texted the cancellation', async () => {
    const twilio = await fakeTwilio()
    const c = await openClinic(twilio.baseUrl)
    const booked = await c.book({ start: '2025-03-12T10:00:00.000Z' })
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    await c.at('2025-03-10T15:00:00.000Z')
    await call(c.core, 'appointments.cancel', { id: booked.id, reason: 'Patient is travelling' }, c.token)

    expect((await messages(c, { appointmentId: booked.id })).map((m) => [m.channel, m.kind, m.status, m.skipReason])).toEqual([
      ['sms', 'confirmation', 'sent', null],
      ['sms', 'cancellation', 'pending', null],
      ['sms', 'reminder', 'cancelled', 'The appointment was cancelled'],
      ['sms', 'reminder', 'cancelled', 'The appointment was cancelled']
    ])
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(twilio.accepted[1]).toMatchObject({
      to: PHONES[0].e164,
      body: 'Sunrise Family Clinic: Hello Anita Desai, your appointment with Dr. Meera Iyer on Wednesday 12 March 2025 at 10:00 has been cancelled. To rebook, call +44 113 496 0100.'
    })
    for (const at of ['2025-03-11T10:00:00.000Z', '2025-03-12T08:00:00.000Z', '2025-03-12T09:59:00.000Z']) {
      await c.at(at)
      expect(await sendDue(c.core)).toEqual(SEND_RESULT)
    }
    expect(twilio.received).toHaveLength(2)
  })
})

describe('the SMS token', () => {
  it('is stored sealed: never shown, never journaled in clear; kept when saved without one, removed with an empty one', async () => {
    const twilio = await fakeTwilio()
    const c = await openClinic(twilio.baseUrl)
    const view = await call<MessagingSettings>(c.core, 'messaging.settings', {}, c.token)
    expect(view.sms).toEqual({ enabled: true, baseUrl: twilio.baseUrl, accountSid: SID, tokenSet: true, fromNumber: FROM_NUMBER })
    expect(JSON.stringify(view)).not.toContain(TOKEN)

    // Saved again without the token: the stored one stays, and still works.
    expect((await useSms(c, twilio.baseUrl)).sms.tokenSet).toBe(true)
    await c.book({ start: '2025-03-12T10:00:00.000Z' })
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, sent: 1 })
    expect(twilio.received.map((r) => r.credentials)).toEqual([`${SID}:${TOKEN}`])

    const db = c.core.services.readDb
    const settingsRows = await db.selectFrom('messaging_settings').select(['key', 'value']).execute()
    const sms = JSON.parse(settingsRows.find((r) => r.key === 'sms')!.value) as { tokenSealed: string | null }
    expect(sms.tokenSealed).toEqual(expect.any(String))
    expect(JSON.stringify(settingsRows)).not.toContain(TOKEN)
    const journaled = await db.selectFrom('journal_rows').select('data').where('tbl', '=', 'messaging_settings').execute()
    expect(journaled.length).toBeGreaterThanOrEqual(2)
    expect(journaled.some((r) => r.data.includes(sms.tokenSealed!))).toBe(true)
    for (const r of journaled) expect(r.data).not.toContain(TOKEN)
    const inputs = await db.selectFrom('journal').select('input').where('method', '=', 'messaging.saveSettings').execute()
    expect(inputs.length).toBeGreaterThanOrEqual(2)
    for (const r of inputs) expect(r.input).not.toContain(TOKEN)

    // An empty token removes it: the provider refuses, and the message fails in its words.
    expect((await useSms(c, twilio.baseUrl, '')).sms.tokenSet).toBe(false)
    await c.book({ patient: 1, start: '2025-03-12T10:15:00.000Z' })
    expect(await sendDue(c.core)).toEqual({ ...SEND_RESULT, failed: 1 })
    expect(twilio.received.at(-1)!.credentials).toBe(`${SID}:`)
    expect((await messages(c, { status: 'failed' })).map((m) => m.lastError)).toEqual(['Twilio 20003: Authenticate'])
  })
})
