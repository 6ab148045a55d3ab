import { sql, type Kysely } from 'kysely'
import { captureChanges } from './journal-capture'

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // What a patient wants to receive, and in which language.
  await sql`alter table patients add column preferred_language text not null default 'en' check (preferred_language in ('en', 'hi'))`.execute(db)
  await sql`alter table patients add column email_opt_out integer not null default 0 check (email_opt_out in (0, 1))`.execute(db)
  await sql`alter table patients add column sms_opt_out integer not null default 0 check (sms_opt_out in (0, 1))`.execute(db)
  await sql`alter table patients add column email_verified_at text`.execute(db)
  await captureChanges(db, 'patients', { patientColumn: 'id' })

  // An appointment's version counts its moves: each one's notices and reminders are keyed by it.
  await sql`alter table appointments add column version integer not null default 1`.execute(db)
  await captureChanges(db, 'appointments', { patientColumn: 'patient_id' })

  // How the clinic sends (SMTP, SMS provider, reminder lead times, which instance sends), one
  // JSON value per key; passwords and tokens sealed (see secrets.ts).
  await sql`
    create table messaging_settings (
      key text primary key,
      value text not null,
      updated_at text not null
    )`.execute(db)

  // The clinic's own wording, per kind, language and channel; none = DocSpot's.
  await sql`
    create table message_templates (
      id text primary key,
      kind text not null,
      language text not null check (language in ('en', 'hi')),
      channel text not null check (channel in ('email', 'sms')),
      subject text not null,
      text_body text not null,
      html_body text not null,
      updated_at text not null,
      unique (kind, language, channel)
    )`.execute(db)

  // The durable outbox: every message is a row, written in the transaction that caused it.
  await sql`
    create table outbox (
      id text primary key,
      channel text not null check (channel in ('email', 'sms')),
      kind text not null check (kind in ('confirmation', 'reschedule', 'cancellation', 'reminder', 'follow_up', 'verification', 'test')),
      appointment_id text references appointments (id),
      patient_id text references patients (id),
      -- One message per appointment, kind, version and channel (and lead time): never queued twice.
      dedupe_key text not null unique,
      recipient text not null,
      -- The message as rendered when queued: subject, text, html, and any .ics.
      payload text not null,
      due_at text not null,
      status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'skipped', 'cancelled')),
      attempts integer not null default 0,
      next_attempt_at text,
      -- The running DocSpot that took it to send, and when: one that stopped mid-send (a crash,
      -- a power cut) leaves it taken, and the next sender to start takes it again.
      claimed_by text,
      claimed_at text,
      last_error text,
      skip_reason text,
      sent_at text,
      -- Stable across retries, so a mail program shows one message even if it came twice.
      message_id text not null,
      server_response text,
      created_at text not null,
      updated_at text not null
    )`.execute(db)
  await sql`create index outbox_due on outbox (status, next_attempt_at)`.execute(db)
  await sql`create index outbox_appointment on outbox (appointment_id)`.execute(db)
  await sql`create index outbox_created on outbox (due_at)`.execute(db)

  // One-time codes that verify a patient's email address.
  await sql`
    create table email_verifications (
      id text primary key,
      patient_id text not null references patients (id),
      email text not null,
      code_hash text not null,
      expires_at text not null,
      attempts integer not null default 0,
      verified_at text,
      created_at text not null
    )`.execute(db)
  await sql`create index email_verifications_patient on email_verifications (patient_id, created_at)`.execute(db)

  await captureChanges(db, 'messaging_settings')
  await captureChanges(db, 'message_templates')
  await captureChanges(db, 'outbox', { patientColumn: 'patient_id' })
  await captureChanges(db, 'email_verifications', { patientColumn: 'patient_id' })
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
