// The durable outbox. Every message a patient is owed is a row, written in the same transaction
// as the change that caused it (a booking, a move, a cancellation), with a unique key per
// appointment, kind, version and channel so it is never queued twice. A job sends what is due:
// it takes rows in a write transaction (so two runs never take the same row), sends each one,
// and marks it sent only once the server accepted it. Failures retry with backoff and end as
// failed with the server's own words; nothing is dropped without a row saying why.
import { randomUUID } from 'node:crypto'
import nodemailer from 'nodemailer'
import type { Selectable } from 'kysely'
import { ApiError, type Appointment, type Channel, type Language, type MessageKind, type OutboxMessage, type Settings, type TemplateKind } from '../../../shared/api'
import type { Services, WriteContext } from '../context'
import type { JournaledWrite } from '../dispatcher'
import type { ReadDb } from '../db/read-only'
import type { OutboxTable } from '../db/schema'
import { requireSettings } from '../settings/settings'
import { appointmentIcs } from './ics'
import { readMessaging, senderCheck, smsToken, smtpPassword, thisInstance, writeMessaging, type StoredMessaging } from './settings'
import { SmsError, twilioProvider } from './sms'
import { appointmentContext, renderMessage, type MessageContext } from './templates'

/** This process: a row it took and did not finish was taken by a DocSpot that stopped. */
const INSTANCE = randomUUID()

/** Waits before each retry, by the attempt that failed (minutes); after the last, the message has failed. */
export const RETRY_MINUTES = [1, 5, 15, 60]
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
  const settings = await requireSettings(tx.db)
  const patient = await tx.db
    .selectFrom('patients')
    .select(['id', 'name', 'email', 'phone', 'preferred_language', 'email_opt_out', 'sms_opt_out'])
    .where('id', '=', appointment.patient.id)
    .executeTakeFirstOrThrow()
  const version = (await tx.db.selectFrom('appointments').select('version').where('id', '=', appointment.id).executeTakeFirstOrThrow()).version
  const language = patient.preferred_language as Language
  const context = appointmentContext(appointment, settings, language)
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
    const skip = !recipient ? `No ${channel === 'email' ? 'email address' : 'mobile number'} on the patient's record` : (channel === 'email' ? patient.email_opt_out : patient.sms_opt_out) ? `The patient asked for no ${channel === 'email' ? 'email' : 'SMS'}` : null
    for (const message of owed) {
      const rendered = await renderMessage(tx.db, message.kind, language, channel, context)
      const payload: Payload = { ...rendered }
      if (channel === 'email' && message.kind !== 'reminder') payload.ics = invite(appointment, settings, messaging, patient, context, version, message.kind === 'cancellation' ? 'CANCEL' : 'REQUEST', tx.now)
      await insertMessage(tx, {
        channel,
        kind: message.kind,
        appointmentId: appointment.id,
        patientId: patient.id,
        dedupeKey: `${appointment.id}:${message.kind}:${message.key}:${channel}`,
        recipient: recipient || '—',
        payload,
        due: message.due,
        skip
      })
    }
  }
}

function invite(appointment: Appointment, settings: Settings, messaging: StoredMessaging, patient: { name: string; email: string }, context: MessageContext, version: number, method: 'REQUEST' | 'CANCEL', now: Date) {
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
    attendee: { name: patient.name, email: patient.email },
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
type Outcome = { ok: true; response: string } | { ok: false; error: string; retryable: boolean }

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
        maxConnections: 2,
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
        return error instanceof SmsError ? { ok: false, error: error.message, retryable: error.retryable } : { ok: false, error: String((error as Error).message ?? error), retryable: true }
      }
    },
    close: () => mailer?.close()
  }
}

/** The server's own words; a 5xx answer (a wrong password, a refused address) will not get better by waiting. */
export function smtpFailure(error: unknown): Outcome {
  const e = error as { responseCode?: number; response?: string; message?: string; code?: string }
  const words = e.response ?? e.message ?? String(error)
  return { ok: false, error: words, retryable: !(e.responseCode !== undefined && e.responseCode >= 500) }
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
    // Most minutes nothing is due: then nothing is written.
    if (!check.unclaimed && !(await anyDue(services.readDb, services.clock.now()))) return result
    const taken = await write(async (tx) => {
      if (check.unclaimed) await writeMessaging(tx.db, { sender: thisInstance(services.connection.kind) }, tx.now)
      return take(tx, result)
    })
    if (taken.length === 0) return result
    const send = make(stored, services)
    try {
      for (const row of taken) {
        const payload = JSON.parse(row.payload) as Payload
        const outcome = row.channel === 'email' ? await send.email(row, payload) : await send.sms(row, payload)
        await write((tx) => mark(tx, row, outcome))
        if (outcome.ok) result.sent++
        else if (outcome.retryable && row.attempts <= RETRY_MINUTES.length) result.retrying++
        else result.failed++
      }
    } finally {
      send.close()
    }
    return result
  }

  async function anyDue(db: ReadDb, at: Date): Promise<boolean> {
    const now = at.toISOString()
    const row = await db
      .selectFrom('outbox')
      .select('id')
      .where((eb) => eb.or([eb.and([eb('status', '=', 'pending'), eb('due_at', '<=', now)]), eb('status', '=', 'sending')]))
      .limit(1)
      .executeTakeFirst()
    return row !== undefined
  }

  /** Takes the due rows (and any a stopped sender left taken); reminders for appointments already past are skipped, visibly. */
  async function take(tx: WriteContext, result: { skipped: number }): Promise<Row[]> {
    const now = tx.now.toISOString()
    const stuck = new Date(tx.now.getTime() - STUCK_MINUTES * 60_000).toISOString()
    const rows = await tx.db
      .selectFrom('outbox')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('due_at', '<=', now), eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)])]),
          eb.and([eb('status', '=', 'sending'), eb.or([eb('claimed_by', '!=', INSTANCE), eb('claimed_at', '<', stuck)])])
        ])
      )
      .orderBy('due_at')
      .limit(500)
      .execute()
    const ids = rows.map((r) => r.appointment_id).filter((id): id is string => id !== null)
    const starts = new Map((ids.length ? await tx.db.selectFrom('appointments').select(['id', 'start_at', 'status']).where('id', 'in', ids).execute() : []).map((a) => [a.id, a]))
    const out: Row[] = []
    for (const row of rows) {
      const appointment = row.appointment_id ? starts.get(row.appointment_id) : undefined
      if (row.kind === 'reminder' && appointment && appointment.start_at <= now) {
        await tx.db.updateTable('outbox').set({ status: 'skipped', skip_reason: 'The appointment had passed before DocSpot could send this (the sending PC was off)', updated_at: now }).where('id', '=', row.id).execute()
        result.skipped++
        continue
      }
      await tx.db.updateTable('outbox').set({ status: 'sending', claimed_by: INSTANCE, claimed_at: now, attempts: row.attempts + 1, updated_at: now }).where('id', '=', row.id).execute()
      out.push({ ...row, attempts: row.attempts + 1, claimed_by: INSTANCE, claimed_at: now })
    }
    return out
  }

  async function mark(tx: WriteContext, row: Row, outcome: Outcome): Promise<void> {
    const at = tx.now.toISOString()
    if (outcome.ok) {
      await tx.db.updateTable('outbox').set({ status: 'sent', sent_at: at, server_response: outcome.response.slice(0, 500), last_error: null, claimed_by: null, updated_at: at }).where('id', '=', row.id).execute()
      return
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
    if (wait === undefined) log(`message ${row.id} (${row.kind}, ${row.channel}) failed: ${outcome.error}`)
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
