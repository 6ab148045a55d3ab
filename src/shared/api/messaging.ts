import { z } from 'zod'
import { emailSchema, idSchema } from './common'
import { ADMIN, ALL, DESK, SYSTEM, method } from './method'

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`)
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')

export const MESSAGE_KINDS = ['confirmation', 'reschedule', 'cancellation', 'reminder', 'follow_up', 'verification', 'test'] as const
export type MessageKind = (typeof MESSAGE_KINDS)[number]
export const TEMPLATE_KINDS = ['confirmation', 'reschedule', 'cancellation', 'reminder', 'follow_up', 'verification'] as const
export type TemplateKind = (typeof TEMPLATE_KINDS)[number]
export const CHANNELS = ['email', 'sms'] as const
export type Channel = (typeof CHANNELS)[number]
export const LANGUAGES = ['en', 'hi'] as const
export type Language = (typeof LANGUAGES)[number]
export const LANGUAGE_LABEL: Record<Language, string> = { en: 'English', hi: 'हिन्दी (Hindi)' }
export const MESSAGE_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped', 'cancelled'] as const
export type MessageStatus = (typeof MESSAGE_STATUSES)[number]

export const MESSAGE_KIND_LABEL: Record<MessageKind, string> = {
  confirmation: 'Booking confirmation',
  reschedule: 'Reschedule notice',
  cancellation: 'Cancellation notice',
  reminder: 'Reminder',
  follow_up: 'Follow-up due',
  verification: 'Email verification code',
  test: 'Test email'
}

/** The placeholders a template may use, filled from the appointment, the patient and the clinic. */
export const PLACEHOLDERS = ['patientName', 'doctorName', 'date', 'time', 'clinicName', 'clinicAddress', 'clinicPhone', 'typeName', 'code'] as const

/** One message in the outbox, as the delivery screen shows it. */
export interface OutboxMessage {
  id: string
  channel: Channel
  kind: MessageKind
  appointmentId: string | null
  patient: { id: string; number: string; name: string } | null
  recipient: string
  subject: string
  status: MessageStatus
  /** When it is to go (a reminder's lead time before the appointment). */
  dueAt: string
  attempts: number
  nextAttemptAt: string | null
  /** The server's own words for the last failure. */
  lastError: string | null
  /** Why it was not sent (no email, opted out, appointment passed, cancelled). */
  skipReason: string | null
  sentAt: string | null
  createdAt: string
}

export interface MessageTemplate {
  kind: TemplateKind
  language: Language
  channel: Channel
  subject: string
  text: string
  html: string
  /** Still the one DocSpot ships. */
  isDefault: boolean
}

export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const

/** The admin's view of the messaging settings: secrets are never sent back, only whether they are set. */
export interface MessagingSettings {
  email: { enabled: boolean; host: string; port: number; security: (typeof SMTP_SECURITY)[number]; user: string; passwordSet: boolean; fromName: string; fromAddress: string }
  sms: { enabled: boolean; baseUrl: string; accountSid: string; tokenSet: boolean; fromNumber: string }
  /** Reminders go this many minutes before the appointment (e.g. 1440 and 120). */
  reminderLeadMinutes: number[]
  /** Which running DocSpot sends: the PC and the kind of instance; empty until one first starts its sender. */
  sender: { kind: 'desktop' | 'hub' | null; host: string | null }
  /** Whether this instance is the one that sends (else why not). */
  thisInstance: { sends: boolean; why: string }
}

const emailSettings = z
  .object({
    enabled: z.boolean(),
    host: text(255),
    port: z.number().int().min(1).max(65535),
    security: z.enum(SMTP_SECURITY),
    user: text(255),
    /** A new password; absent keeps the stored one, '' removes it. */
    password: z.string().max(500).optional(),
    fromName: text(120),
    fromAddress: z.union([z.literal(''), emailSchema])
  })
  .strict()

const smsSettings = z
  .object({
    enabled: z.boolean(),
    baseUrl: z.union([z.literal(''), z.url({ message: 'must be a web address such as https://api.twilio.com' })]),
    accountSid: text(100),
    token: z.string().max(500).optional(),
    fromNumber: text(30)
  })
  .strict()

export const messagingMethods = {
  'messaging.settings': method<MessagingSettings>()({ summary: 'How the clinic sends email and SMS (no secrets)', input: z.object({}).strict(), roles: ADMIN, writes: false }),
  'messaging.saveSettings': method<MessagingSettings>()({
    summary: 'Change how the clinic sends email and SMS',
    input: z
      .object({
        email: emailSettings.optional(),
        sms: smsSettings.optional(),
        reminderLeadMinutes: z.array(z.number().int().min(5, 'must be at least 5 minutes').max(14 * 24 * 60, 'must be at most 14 days')).max(5).optional(),
        /** Make this running DocSpot the one that sends. */
        sendFromHere: z.boolean().optional()
      })
      .strict(),
    roles: ADMIN,
    writes: true
  }),
  'messaging.testEmail': method<{ accepted: boolean; response: string }>()({
    summary: 'Send a test email with the saved settings; reports the mail server’s own answer',
    input: z.object({ to: emailSchema }).strict(),
    roles: ADMIN,
    writes: false
  }),
  'messaging.templates': method<MessageTemplate[]>()({ summary: 'The message templates', input: z.object({}).strict(), roles: DESK, writes: false }),
  'messaging.saveTemplate': method<MessageTemplate>()({
    summary: 'Change a message template (empty text restores DocSpot’s own)',
    input: z
      .object({ kind: z.enum(TEMPLATE_KINDS), language: z.enum(LANGUAGES), channel: z.enum(CHANNELS), subject: text(200), text: text(5000), html: text(20000) })
      .strict(),
    roles: ADMIN,
    writes: true
  }),
  'messaging.preview': method<{ subject: string; text: string; html: string }>()({
    summary: 'A template filled with a sample appointment, as a patient would get it',
    input: z.object({ kind: z.enum(TEMPLATE_KINDS), language: z.enum(LANGUAGES), channel: z.enum(CHANNELS), subject: text(200), text: text(5000), html: text(20000) }).strict(),
    roles: DESK,
    writes: false
  }),

  'outbox.list': method<OutboxMessage[]>()({
    summary: 'Messages due, sent, failed or skipped, for clinic dates',
    input: z.object({ from: day.optional(), to: day.optional(), status: z.enum(MESSAGE_STATUSES).optional(), appointmentId: idSchema.optional() }).strict(),
    roles: DESK,
    writes: false
  }),
  'outbox.resend': method<OutboxMessage>()({ summary: 'Send a failed or skipped message again', input: z.object({ id: idSchema }).strict(), roles: DESK, writes: true }),
  'outbox.failures': method<{ today: number; all: number }>()({ summary: 'How many messages failed (today’s and all unresolved)', input: z.object({}).strict(), roles: ALL, writes: false }),
  /**
   * Not a write of its own: the sender journals each change it makes as it makes it (rows
   * taken, each one marked), and a minute with nothing due leaves no entry at all.
   */
  'outbox.sendDue': method<{ sent: number; failed: number; skipped: number; retrying: number }>()({
    summary: 'Send the messages that are due (the sender’s job, every minute)',
    input: z.object({}).strict(),
    roles: SYSTEM,
    writes: false
  }),

  'patients.sendEmailCode': method<{ sentTo: string; expiresAt: string }>()({
    summary: 'Mail a one-time code to a patient’s email address, to verify it',
    input: z.object({ patientId: idSchema }).strict(),
    roles: DESK,
    writes: true
  }),
  'patients.verifyEmail': method<{ verifiedAt: string }>()({
    summary: 'Mark a patient’s email verified with the code they received',
    input: z.object({ patientId: idSchema, code: z.string().trim().regex(/^\d{6}$/, 'must be the 6-digit code from the email') }).strict(),
    roles: DESK,
    writes: true
  })
}
