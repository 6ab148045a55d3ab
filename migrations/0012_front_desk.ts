import { sql, type Kysely } from 'kysely'
import { captureChanges } from './journal-capture'

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // The day's queues: one row per patient who has arrived for a doctor (a walk-in, or a booked
  // patient marked arrived), with the token they were given.
  await sql`
    create table queue_entries (
      id text primary key,
      -- The clinic date (in the clinic's time zone) the queue belongs to.
      date text not null check (date glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      doctor_id text not null references doctors (id),
      -- Tokens count up per scope and date: 'doctor:<id>' or 'clinic' (a setting).
      token integer not null check (token > 0),
      token_scope text not null,
      patient_id text not null references patients (id),
      appointment_id text unique references appointments (id),
      kind text not null check (kind in ('walk_in', 'booked')),
      status text not null default 'waiting' check (status in ('waiting', 'in_consultation', 'completed', 'skipped', 'left')),
      arrived_at text not null,
      -- The place among those waiting: milliseconds since 1970, smaller first.
      sort_at real not null,
      -- Why the entry stands where it does, in words the desk can read out.
      placement text not null,
      called_at text,
      completed_at text,
      -- A token for a day the doctor does not work: allowed, with its reason.
      off_day_reason text,
      left_reason text,
      created_by text references users (id),
      updated_at text not null,
      unique (date, token_scope, token)
    )`.execute(db)
  await sql`create index queue_entries_day on queue_entries (date, doctor_id, status, sort_at)`.execute(db)
  await sql`create index queue_entries_patient on queue_entries (patient_id, date)`.execute(db)

  // What happened to a queue entry, by whom and why (moved for an emergency, skipped, recalled).
  await sql`
    create table queue_events (
      id text primary key,
      entry_id text not null references queue_entries (id),
      at text not null,
      user_id text references users (id),
      action text not null check (action in ('issued', 'arrived', 'moved', 'skipped', 'recalled', 'called', 'completed', 'left')),
      reason text
    )`.execute(db)
  await sql`create index queue_events_entry on queue_events (entry_id, at)`.execute(db)

  // Waiting-room screens: paired with a short-lived code, then known by a long token (its hash kept).
  await sql`
    create table displays (
      id text primary key,
      name text not null check (length(trim(name)) > 0),
      code_hash text,
      code_expires_at text,
      token_hash text unique,
      paired_at text,
      chime integer not null default 1 check (chime in (0, 1)),
      revoked_at text,
      created_by text references users (id),
      created_at text not null
    )`.execute(db)

  // Patients waiting for an earlier slot.
  await sql`
    create table waitlist (
      id text primary key,
      patient_id text not null references patients (id),
      -- Null: any doctor who offers the type.
      doctor_id text references doctors (id),
      type_id text not null references appointment_types (id),
      from_date text not null,
      to_date text not null check (to_date >= from_date),
      time_of_day text not null default 'any' check (time_of_day in ('any', 'morning', 'afternoon', 'evening')),
      note text not null default '',
      status text not null default 'waiting' check (status in ('waiting', 'booked', 'removed')),
      appointment_id text references appointments (id),
      created_by text references users (id),
      created_at text not null,
      updated_at text not null
    )`.execute(db)
  await sql`create index waitlist_status on waitlist (status, to_date)`.execute(db)

  // Recurring appointments: the rule (RFC 5545 RRULE, in clinic wall time) and its appointments.
  await sql`
    create table appointment_series (
      id text primary key,
      patient_id text not null references patients (id),
      doctor_id text not null references doctors (id),
      type_id text not null references appointment_types (id),
      rrule text not null,
      created_by text references users (id),
      created_at text not null
    )`.execute(db)
  await sql`alter table appointments add column series_id text references appointment_series (id)`.execute(db)
  await sql`create index appointments_series on appointments (series_id, start_at) where series_id is not null`.execute(db)

  // A day the desk closed, with the summary as it stood.
  await sql`
    create table day_closings (
      id text primary key,
      date text not null unique,
      closed_at text not null,
      closed_by text references users (id),
      summary text not null
    )`.execute(db)

  await captureChanges(db, 'queue_entries', { patientColumn: 'patient_id' })
  await captureChanges(db, 'queue_events')
  await captureChanges(db, 'displays')
  await captureChanges(db, 'waitlist', { patientColumn: 'patient_id' })
  await captureChanges(db, 'appointment_series', { patientColumn: 'patient_id' })
  await captureChanges(db, 'appointments', { patientColumn: 'patient_id' })
  await captureChanges(db, 'day_closings')
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
