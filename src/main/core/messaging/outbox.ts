// The durable outbox. Every message a patient is owed is a row, written in the same transaction
// as the change that caused it (a booking, a move, a cancellation), with a unique key per
// appointment, kind, version and channel so it is never queued twice. A job sends what is due:
// it takes rows in a write transaction (so two runs never take the same row), sends each one,
// and marks it sent only once the server accepted it. Failures retry with backoff and end as
// failed with the server's own words; nothing is dropped without a row saying why. (A DocSpot
// that stops after the server accepted a message but before marking it sends it again when it
// starts: the same Message-ID lets a mail program show it once.)
import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import nodemailer from 'nodemailer'
import type { ExpressionBuilder, Selectable } from 'kysely'
import { ApiError, type Appointment, type Channel, type Language, type MessageKind, type OutboxMessage, type Settings, type TemplateKind } from '../../../shared/api'
import type { Services, WriteContext } from '../context'
import type { JournaledWrite } from '../dispatcher'
import type { ReadDb } from '../db/read-only'
import type { Database, OutboxTable } from '../db/schema'
import { getAppointment } from '../schedule/views'
import { requireSettings } from '../settings/settings'
import { appointmentIcs } from './ics'
import { readMessaging, senderCheck, smsToken, smtpPassword, thisInstance, writeMessaging, type StoredMessaging } from './settings'
import { SmsError, twilioProvider } from './sms'
import { addressLine, appointmentContext, clinicDateTime, renderMessage, type MessageContext } from './templates'

/**
 * This process. Only one process at a time opens a data folder (its lock), so a row left taken
 * by another was taken by a DocSpot that stopped mid-send: it is taken again at once.
 */
const INSTANCE = randomUUID()

/** Waits before each retry, by the attempt that failed (minutes); after the last, the message has failed. */
export const RETRY_MINUTES = [1, 5, 15, 60]
/** Messages in flight at once, over as many connections to the mail server. */
const SENDING_AT_ONCE = 4
/** A send still unfinished after this long, by a DocSpot still running, is taken again. */
const STUCK_MINUTES = 10

export interface Payload {
  subject: string
  text: string
  html: string
  ics?: { method: 'REQUEST' | 'CANCEL'; content: string }
}

type Row = Selectable<OutboxTable>

const uidOf = (appointmentId: string) => `appointment-${appointmentId}@docspot`

/**
 * Queues what an appointment's change owes the patient, in the change's transaction: a
 * confirmation and reminders for a booking; a notice and new reminders for a move (its pending
 * reminders are cancelled); a notice for a cancellation (likewise). A patient with no address,
 * or who opted out, gets a skipped row that says so. Nothing is queued while the clinic sends
 * neither email nor SMS.
 */
export async function queueAppointmentMessages(tx: WriteContext, appointment: Appointment, change: 'booked' | 'rescheduled' | 'cancelled' | 'no_show'): Promise<void> {
  const messaging = await readMessaging(tx.db)
  const channels = (['email', 'sms'] as const).filter((c) => messaging[c].enabled)
  if (change !== 'booked') await cancelPending(tx, appointment.id, change === 'rescheduled' ? 'The appointment moved' : change === 'cancelled' ? 'The appointment was cancelled' : 'The patient did not come')
  if (channels.length === 0 || change === 'no_show') return
  const patient = await patientOf(tx, appointment.patient.id)
  const version = await versionOf(tx, appointment.id)
  const clinic = { settings: await requireSettings(tx.db), messaging }
  const now = tx.now.toISOString()
  // A recurring series is confirmed once, by its first appointment; each one still gets its reminders.
  const laterInSeries =
    change === 'booked' && appointment.seriesId !== null && (await tx.db.selectFrom('appointments').select('id').where('series_id', '=', appointment.seriesId).where('id', '!=', appointment.id).executeTakeFirst()) !== undefined
  const owed: Array<{ kind: TemplateKind; due: string; key: string }> =
    change === 'cancelled' ? [{ kind: 'cancellation', due: now, key: 'cancellation' }] : laterInSeries ? [] : [{ kind: change === 'booked' ? 'confirmation' : 'reschedule', due: now, key: `v${version}` }]
  if (change !== 'cancelled') {
    for (const lead of messaging.reminderLeadMinutes) {
      const due = new Date(Date.parse(appointment.start) - lead * 60_000)
      // A reminder whose time has already come (booked at short notice) is not sent.
      if (due > tx.now) owed.push({ kind: 'reminder', due: due.toISOString(), key: `v${version}:${lead}m` })
    }
  }
  for (const channel of channels) {
    const recipient = channel === 'email' ? patient.email : patient.phone
    const skip = !recipient ? `No ${channel === 'email' ? 'email address' : 'mobile number'} on the patient's record` : optedOut(patient, channel)
    for (const message of owed) {
      await insertMessage(tx, {
        channel,
        kind: message.kind,
        appointmentId: appointment.id,
        patientId: patient.id,
        dedupeKey: `${appointment.id}:${message.kind}:${message.key}:${channel}`,
        recipient: recipient || '—',
        payload: await appointmentPayload(tx, message.kind, channel, appointment, patient, recipient, version, clinic),
        due: message.due,
        skip
      })
    }
  }
}

type Patient = Awaited<ReturnType<typeof patientOf>>

const patientOf = (tx: WriteContext, id: string) =>
  tx.db.selectFrom('patients').select(['id', 'name', 'email', 'phone', 'preferred_language', 'email_opt_out', 'sms_opt_out']).where('id', '=', id).executeTakeFirstOrThrow()

const versionOf = async (tx: WriteContext, appointmentId: string) => (await tx.db.selectFrom('appointments').select('version').where('id', '=', appointmentId).executeTakeFirstOrThrow()).version

/**
 * A follow-up the doctor asked for but nobody booked: the patient is asked to call, two days
 * before the date at 09:00 clinic time (at once if that has passed). Keyed by the visit, so
 * signing again or amending never queues it twice; booking the follow-up cancels it.
 */
export async function queueFollowUpMessages(tx: WriteContext, visit: { id: string; patientId: string; doctorName: string; followUpDate: string }): Promise<void> {
  const messaging = await readMessaging(tx.db)
  const channels = (['email', 'sms'] as const).filter((c) => messaging[c].enabled)
  if (channels.length === 0) return
  const settings = await requireSettings(tx.db)
  const patient = await patientOf(tx, visit.patientId)
  const language = patient.preferred_language as Language
  const ask = DateTime.fromISO(`${visit.followUpDate}T09:00`, { zone: settings.timeZone }).minus({ days: 2 })
  const due = ask.toMillis() > tx.now.getTime() ? ask.toUTC().toISO()! : tx.now.toISOString()
  const at = clinicDateTime(DateTime.fromISO(`${visit.followUpDate}T09:00`, { zone: settings.timeZone }).toUTC().toISO()!, settings.timeZone, language)
  const context: MessageContext = {
    patientName: patient.name,
    doctorName: visit.doctorName,
    date: at.date,
    time: '',
    clinicName: settings.clinicName,
    clinicAddress: addressLine(settings.clinicAddress),
    clinicPhone: settings.clinicPhone,
    typeName: ''
  }
  for (const channel of channels) {
    const recipient = channel === 'email' ? patient.email : patient.phone
    const skip = !recipient ? `No ${channel === 'email' ? 'email address' : 'mobile number'} on the patient's record` : optedOut(patient, channel)
    await insertMessage(tx, {
      channel,
      kind: 'follow_up',
      appointmentId: null,
      patientId: patient.id,
      dedupeKey: `visit:${visit.id}:follow_up:${visit.followUpDate}:${channel}`,
      recipient: recipient || '—',
      payload: await renderMessage(tx.db, 'follow_up', language, channel, context),
      due,
      skip
    })
  }
}

/** The follow-up was booked, or its date changed: a pending "please call to book" is not sent. */
export async function cancelFollowUpMessages(tx: WriteContext, visitId: string, why: string): Promise<void> {
  await tx.db
    .updateTable('outbox')
    .set({ status: 'cancelled', skip_reason: why, updated_at: tx.now.toISOString() })
    .where('dedupe_key', 'like', `visit:${visitId}:follow_up:%`)
    .where('status', '=', 'pending')
    .execute()
}

/** Why a patient gets nothing on this channel by their own wish, or null. */
export const optedOut = (patient: { email_opt_out: number; sms_opt_out: number }, channel: Channel) =>
  (channel === 'email' ? patient.email_opt_out : patient.sms_opt_out) ? `The patient asked for no ${channel === 'email' ? 'email' : 'SMS'}` : null

/** What an appointment message says, in the patient's language; by email with its invitation (a cancellation's cancels it), naming `recipient` as the attendee. */
async function appointmentPayload(
  tx: WriteContext,
  kind: TemplateKind,
  channel: Channel,
  appointment: Appointment,
  patient: Patient,
  recipient: string,
  version: number,
  { settings, messaging }: { settings: Settings; messaging: StoredMessaging }
): Promise<Payload> {
  const language = patient.preferred_language as Language
  const context = appointmentContext(appointment, settings, language)
  const payload: Payload = { ...(await renderMessage(tx.db, kind, language, channel, context)) }
  if (channel === 'email' && kind !== 'reminder') payload.ics = invite(appointment, settings, messaging, { name: patient.name, email: recipient }, context, version, kind === 'cancellation' ? 'CANCEL' : 'REQUEST', tx.now)
  return payload
}

/** The kinds that are about an appointment and are written from it. */
const APPOINTMENT_KINDS: readonly MessageKind[] = ['confirmation', 'reschedule', 'cancellation', 'reminder']
/** The kinds that are no use once the appointment has begun. */
const BEFORE_THE_APPOINTMENT: readonly MessageKind[] = ['confirmation', 'reschedule', 'reminder']

/**
 * A failed or skipped message, ready to go again to `recipient` (the address on the record now).
 * One about an appointment is written anew from the appointment as it is now: it may have moved
 * since, and its invitation names the new address. One the appointment no longer needs (it was
 * cancelled, or has begun) is refused, and so is a verification code.
 */
export async function resendPayload(tx: WriteContext, row: Row, recipient: string): Promise<Payload> {
  // A code may have expired, or a newer one been sent, since: the desk sends a new one instead.
  if (row.kind === 'verification') throw new ApiError('CONFLICT', 'A verification code is not sent again: send the patient a new code from their record')
  if (!row.appointment_id || !APPOINTMENT_KINDS.includes(row.kind)) return JSON.parse(row.payload) as Payload
  const appointment = await getAppointment(tx.db, row.appointment_id)
  if (row.kind !== 'cancellation' && (appointment.status === 'cancelled' || appointment.status === 'no_show')) {
    throw new ApiError('CONFLICT', `The appointment was ${appointment.status === 'cancelled' ? 'cancelled' : 'marked a no-show'}: this ${row.kind} is not sent again`)
  }
  if (BEFORE_THE_APPOINTMENT.includes(row.kind) && appointment.start <= tx.now.toISOString()) throw new ApiError('CONFLICT', `The appointment has begun: this ${row.kind} is not sent again`)
  const patient = await patientOf(tx, appointment.patient.id)
  const clinic = { settings: await requireSettings(tx.db), messaging: await readMessaging(tx.db) }
  return appointmentPayload(tx, row.kind as TemplateKind, row.channel, appointment, patient, recipient, await versionOf(tx, appointment.id), clinic)
}

function invite(appointment: Appointment, settings: Settings, messaging: StoredMessaging, attendee: { name: string; email: string }, context: MessageContext, version: number, method: 'REQUEST' | 'CANCEL', now: Date) {
  const content = appointmentIcs({
    uid: uidOf(appointment.id),
    sequence: version,
    method,
    start: appointment.start,
    end: appointment.end,
    timeZone: settings.timeZone,
    summary: `${appointment.typeName} with ${appointment.doctorName}`,
    description: `${context.clinicName}${context.clinicPhone ? `, ${context.clinicPhone}` : ''}`,
    location: [context.clinicName, context.clinicAddress].filter(Boolean).join(', '),
    organizer: { name: messaging.email.fromName || settings.clinicName, email: messaging.email.fromAddress },
    attendee,
    now
  })
  return { method, content }
}

/** One row; a message already queued under the same key is left as it is. */
export async function insertMessage(
  tx: WriteContext,
  m: { channel: Channel; kind: MessageKind; appointmentId: string | null; patientId: string | null; dedupeKey: string; recipient: string; payload: Payload; due: string; skip: string | null }
): Promise<void> {
  const id = tx.newId()
  const at = tx.now.toISOString()
  await tx.db
    .insertInto('outbox')
    .values({
      id,
      channel: m.channel,
      kind: m.kind,
      appointment_id: m.appointmentId,
      patient_id: m.patientId,
      dedupe_key: m.dedupeKey,
      recipient: m.recipient,
      payload: JSON.stringify(m.payload),
      due_at: m.due,
      status: m.skip ? 'skipped' : 'pending',
      attempts: 0,
      next_attempt_at: null,
      claimed_by: null,
      claimed_at: null,
      last_error: null,
      skip_reason: m.skip,
      sent_at: null,
      message_id: `<${id}@docspot>`,
      server_response: null,
      created_at: at,
      updated_at: at
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute()
}

async function cancelPending(tx: WriteContext, appointmentId: string, why: string): Promise<void> {
  await tx.db
    .updateTable('outbox')
    .set({ status: 'cancelled', skip_reason: why, updated_at: tx.now.toISOString() })
    .where('appointment_id', '=', appointmentId)
    .where('status', '=', 'pending')
    .execute()
}

/** How one message went: sent (with the server's words), or failed, and whether trying again may help. */
/** `unreachable`: the server or provider did not answer at all; `untried`: not sent, as this run had found it unreachable. */
type Outcome = { ok: true; response: string } | { ok: false; error: string; retryable: boolean; unreachable?: boolean; untried?: boolean }

interface Transports {
  email(row: Row, payload: Payload): Promise<Outcome>
  sms(row: Row, payload: Payload): Promise<Outcome>
  close(): void
}

/** Mail through the clinic's SMTP server, and SMS through its provider, with the saved settings. */
export function transports(stored: StoredMessaging, services: Pick<Services, 'secrets'>): Transports {
  const email = stored.email
  const mailer = email.host
    ? nodemailer.createTransport({
        host: email.host,
        port: email.port,
        secure: email.security === 'tls',
        requireTLS: email.security === 'starttls',
        ignoreTLS: email.security === 'none',
        auth: email.user ? { user: email.user, pass: smtpPassword(stored, services.secrets) } : undefined,
        pool: true,
        maxConnections: SENDING_AT_ONCE,
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 30_000
      })
    : null
  const sms = stored.sms.enabled && stored.sms.accountSid ? twilioProvider({ baseUrl: stored.sms.baseUrl, accountSid: stored.sms.accountSid, token: smsToken(stored, services.secrets), fromNumber: stored.sms.fromNumber }) : null
  return {
    async email(row, payload) {
      if (!mailer) return { ok: false, error: 'Email is not set up: Admin → Messages', retryable: false }
      try {
        const info = await mailer.sendMail({
          from: email.fromName ? { name: email.fromName, address: email.fromAddress } : email.fromAddress,
          to: row.recipient,
          subject: payload.subject,
          text: payload.text,
          html: payload.html || undefined,
          messageId: row.message_id,
          icalEvent: payload.ics ? { method: payload.ics.method, content: payload.ics.content, filename: 'appointment.ics' } : undefined
        })
        return { ok: true, response: info.response }
      } catch (error) {
        return smtpFailure(error)
      }
    },
    async sms(row, payload) {
      if (!sms) return { ok: false, error: 'SMS is not set up: Admin → Messages', retryable: false }
      try {
        return { ok: true, response: (await sms.send({ to: row.recipient, body: payload.text })).response }
      } catch (error) {
        return error instanceof SmsError
          ? { ok: false, error: error.message, retryable: error.retryable, unreachable: error.retryable && error.providerCode === null }
          : { ok: false, error: String((error as Error).message ?? error), retryable: true }
      }
    },
    close: () => mailer?.close()
  }
}

/** The server's own words; a 5xx answer (a wrong password, a refused address) will not get better by waiting. */
export function smtpFailure(error: unknown): Outcome {
  const e = error as { responseCode?: number; response?: string; message?: string; code?: string }
  const words = e.response ?? e.message ?? String(error)
  const unreachable = e.responseCode === undefined && ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED'].includes(e.code ?? '')
  return { ok: false, error: words, retryable: !(e.responseCode !== undefined && e.responseCode >= 500), unreachable }
}

/**
 * The sender: takes what is due, sends it, marks each one. Runs as the job `send-messages`
 * every minute (and once at start, catching up on what came due while the PC was off).
 */
export function createOutboxSender(parts: { services: Services; journaledWrite: JournaledWrite; log: (message: string, error?: unknown) => void; transports?: typeof transports }) {
  const { services, journaledWrite, log } = parts
  const make = parts.transports ?? transports
  const write = <T>(work: (tx: WriteContext) => Promise<T>) => journaledWrite('outbox.sendDue', null, work)

  async function tick(): Promise<{ sent: number; failed: number; skipped: number; retrying: number }> {
    const result = { sent: 0, failed: 0, skipped: 0, retrying: 0 }
    const stored = await readMessaging(services.readDb)
    const check = senderCheck(stored, services.connection.kind)
    if (!check.sends) throw new ApiError('CONFLICT', check.why)
    // Most minutes nothing is due: then the sender writes nothing.
    const now = services.clock.now()
    if (!check.unclaimed && !(await services.readDb.selectFrom('outbox').select('id').where(due(now)).limit(1).executeTakeFirst())) return result
    const taken = await write(async (tx) => {
      if (check.unclaimed) await writeMessaging(tx.db, { sender: thisInstance(services.connection.kind) }, tx.now)
      return take(tx, result, stored)
    })
    if (taken.length === 0) return result
    const send = make(stored, services)
    // A few messages in flight at once (a morning's reminders go in minutes, not an hour). A
    // server found unreachable ends its channel's part of the run: the rest are put back
    // untried, not each left to wait out the connection timeout.
    const unreachable: Record<Channel, string | null> = { email: null, sms: null }
    const queue = [...taken]
    const sender = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        const payload = JSON.parse(row.payload) as Payload
        const cut = unreachable[row.channel]
        const outcome: Outcome = cut ? { ok: false, error: cut, retryable: true, untried: true } : row.channel === 'email' ? await send.email(row, payload) : await send.sms(row, payload)
        if (!outcome.ok && outcome.unreachable) unreachable[row.channel] ??= outcome.error
        const taken = row
        result[await write((tx) => mark(tx, taken, outcome))]++
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(SENDING_AT_ONCE, taken.length) }, sender))
    } finally {
      send.close()
    }
    return result
  }

  /**
   * What the sender takes: pending rows whose time (and retry time) has come, and rows a stopped
   * sender left taken (another process's), or that this one has held for too long.
   */
  function due(at: Date) {
    const now = at.toISOString()
    const stuck = new Date(at.getTime() - STUCK_MINUTES * 60_000).toISOString()
    return (eb: ExpressionBuilder<Database, 'outbox'>) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('due_at', '<=', now), eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)])]),
        eb.and([eb('status', '=', 'sending'), eb.or([eb('claimed_by', '!=', INSTANCE), eb('claimed_at', '<', stuck)])])
      ])
  }

  /**
   * Takes the due rows. What came due while the PC was off is sent now, except what has no use
   * any more, skipped visibly: a confirmation or reminder for an appointment that has begun, and
   * all but the latest of an appointment's reminders (the patient gets one reminder, not two at
   * once). Nothing goes by a channel the clinic has turned off since it was queued.
   */
  async function take(tx: WriteContext, result: { skipped: number }, stored: StoredMessaging): Promise<Row[]> {
    const now = tx.now.toISOString()
    const rows = await tx.db.selectFrom('outbox').selectAll().where(due(tx.now)).orderBy('due_at').limit(500).execute()
    const ids = rows.map((r) => r.appointment_id).filter((id): id is string => id !== null)
    const starts = new Map((ids.length ? await tx.db.selectFrom('appointments').select(['id', 'start_at']).where('id', 'in', ids).execute() : []).map((a) => [a.id, a.start_at]))
    // Rows are in due order: the last reminder seen for an appointment, by a channel, is its latest by that channel.
    const latestReminder = new Map(rows.filter((r) => r.kind === 'reminder').map((r) => [`${r.appointment_id}:${r.channel}`, r.id]))
    const noUse = (row: Row): string | null => {
      const start = row.appointment_id ? starts.get(row.appointment_id) : undefined
      if (!stored[row.channel].enabled) return `${row.channel === 'email' ? 'Email' : 'SMS'} was turned off (Admin → Messages) before this went`
      if (BEFORE_THE_APPOINTMENT.includes(row.kind) && start !== undefined && start <= now) return 'The appointment had begun before DocSpot could send this'
      if (row.kind === 'reminder' && latestReminder.get(`${row.appointment_id}:${row.channel}`) !== row.id) return 'A later reminder for this appointment went instead'
      return null
    }
    const out: Row[] = []
    for (const row of rows) {
      const skip = noUse(row)
      if (skip) {
        await tx.db.updateTable('outbox').set({ status: 'skipped', skip_reason: skip, claimed_by: null, updated_at: now }).where('id', '=', row.id).execute()
        result.skipped++
        continue
      }
      await tx.db.updateTable('outbox').set({ status: 'sending', claimed_by: INSTANCE, claimed_at: now, attempts: row.attempts + 1, updated_at: now }).where('id', '=', row.id).execute()
      out.push({ ...row, attempts: row.attempts + 1, claimed_by: INSTANCE, claimed_at: now })
    }
    return out
  }

  /** Marks how a send went: sent; or to be tried again after the wait for this attempt; or failed, after the last or for good. */
  async function mark(tx: WriteContext, row: Row, outcome: Outcome): Promise<'sent' | 'retrying' | 'failed'> {
    const at = tx.now.toISOString()
    if (outcome.ok) {
      await tx.db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: at, server_response: outcome.response.slice(0, 500), last_error: null, next_attempt_at: null, claimed_by: null, updated_at: at })
        .where('id', '=', row.id)
        .execute()
      return 'sent'
    }
    if (outcome.untried) {
      // Not an attempt: back to waiting, for the next run.
      await tx.db
        .updateTable('outbox')
        .set({ status: 'pending', attempts: row.attempts - 1, next_attempt_at: new Date(tx.now.getTime() + RETRY_MINUTES[0] * 60_000).toISOString(), last_error: `Not tried: ${outcome.error}`.slice(0, 1000), claimed_by: null, updated_at: at })
        .where('id', '=', row.id)
        .execute()
      return 'retrying'
    }
    const wait = outcome.retryable ? RETRY_MINUTES[row.attempts - 1] : undefined
    await tx.db
      .updateTable('outbox')
      .set({
        status: wait === undefined ? 'failed' : 'pending',
        next_attempt_at: wait === undefined ? null : new Date(tx.now.getTime() + wait * 60_000).toISOString(),
        last_error: outcome.error.slice(0, 1000),
        claimed_by: null,
        updated_at: at
      })
      .where('id', '=', row.id)
      .execute()
    if (wait !== undefined) return 'retrying'
    log(`message ${row.id} (${row.kind}, ${row.channel}) failed: ${outcome.error}`)
    return 'failed'
  }

  return { tick }
}

export type OutboxSender = ReturnType<typeof createOutboxSender>

export function toMessage(r: Row & { patientNumber: string | null; patientName: string | null }): OutboxMessage {
  return {
    id: r.id,
    channel: r.channel,
    kind: r.kind,
    appointmentId: r.appointment_id,
    patient: r.patient_id ? { id: r.patient_id, number: r.patientNumber ?? '', name: r.patientName ?? '' } : null,
    recipient: r.recipient,
    subject: (JSON.parse(r.payload) as Payload).subject,
    status: r.status,
    dueAt: r.due_at,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    skipReason: r.skip_reason,
    sentAt: r.sent_at,
    createdAt: r.created_at
  }
}

export function messagesQuery(db: ReadDb) {
  return db.selectFrom('outbox as o').leftJoin('patients as p', 'p.id', 'o.patient_id').selectAll('o').select(['p.number as patientNumber', 'p.name as patientName'])
}
