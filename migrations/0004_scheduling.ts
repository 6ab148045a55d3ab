import { sql, type Kysely } from 'kysely'
import { captureChanges } from './journal-capture'

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table doctors (
      id text primary key,
      -- The staff login (doctor role) this profile belongs to.
      user_id text not null unique references users (id),
      name text not null check (length(trim(name)) > 0),
      specialization text not null default '',
      qualifications text not null default '',
      years_experience integer check (years_experience is null or years_experience between 0 and 80),
      registration_number text not null default '',
      phone text not null default '',
      emergency_contact text not null default '',
      email text not null default '',
      address text not null default '',
      photo_sha256 text,
      id_document_number text not null default '',
      id_document_sha256 text,
      id_document_type text,
      -- Most appointments a day; null = no cap.
      daily_cap integer check (daily_cap is null or daily_cap > 0),
      colour text not null default 'teal',
      active integer not null default 1 check (active in (0, 1)),
      created_at text not null,
      updated_at text not null
    )`.execute(db)

  await sql`
    create table rooms (
      id text primary key,
      name text not null check (length(trim(name)) > 0),
      active integer not null default 1 check (active in (0, 1)),
      created_at text not null
    )`.execute(db)
  await sql`create unique index rooms_name on rooms (name collate nocase)`.execute(db)

  await sql`
    create table appointment_types (
      id text primary key,
      name text not null check (length(trim(name)) > 0),
      duration_minutes integer not null check (duration_minutes > 0 and duration_minutes % 5 = 0 and duration_minutes <= 480),
      colour text not null default 'blue',
      -- Money is integer minor units in the clinic's currency.
      price_minor integer not null default 0 check (price_minor >= 0),
      buffer_minutes integer not null default 0 check (buffer_minutes >= 0 and buffer_minutes % 5 = 0 and buffer_minutes <= 120),
      walk_in integer not null default 0 check (walk_in in (0, 1)),
      active integer not null default 1 check (active in (0, 1)),
      created_at text not null,
      updated_at text not null
    )`.execute(db)
  await sql`create unique index appointment_types_name on appointment_types (name collate nocase)`.execute(db)

  // Which doctors offer a type; none listed = every doctor. One id column, so the journal can capture it.
  await sql`
    create table appointment_type_doctors (
      id text primary key,
      type_id text not null references appointment_types (id),
      doctor_id text not null references doctors (id),
      unique (type_id, doctor_id)
    )`.execute(db)

  await sql`
    create table doctor_sessions (
      id text primary key,
      doctor_id text not null references doctors (id),
      weekday integer not null check (weekday between 1 and 7),
      start_time text not null check (start_time glob '[0-2][0-9]:[0-5][0-9]'),
      end_time text not null check (end_time glob '[0-2][0-9]:[0-5][0-9]' and end_time > start_time),
      slot_minutes integer not null check (slot_minutes > 0 and slot_minutes % 5 = 0),
      room_id text references rooms (id),
      effective_from text,
      effective_to text check (effective_to is null or effective_from is null or effective_to >= effective_from)
    )`.execute(db)
  await sql`create index doctor_sessions_doctor on doctor_sessions (doctor_id, weekday)`.execute(db)

  await sql`
    create table availability_exceptions (
      id text primary key,
      -- Null: the whole clinic (a holiday).
      doctor_id text references doctors (id),
      kind text not null check (kind in ('leave', 'holiday', 'extra')),
      date text not null check (date glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      start_time text,
      end_time text,
      slot_minutes integer,
      room_id text references rooms (id),
      note text not null default '',
      created_at text not null,
      check ((start_time is null) = (end_time is null)),
      check (start_time is null or end_time > start_time),
      check (kind != 'extra' or (doctor_id is not null and start_time is not null and slot_minutes > 0)),
      check (kind != 'holiday' or doctor_id is null)
    )`.execute(db)
  await sql`create index availability_exceptions_date on availability_exceptions (date, doctor_id)`.execute(db)

  await sql`
    create table appointments (
      id text primary key,
      patient_id text not null references patients (id),
      doctor_id text not null references doctors (id),
      type_id text not null references appointment_types (id),
      -- Instants, UTC ISO-8601; end excludes the buffer.
      start_at text not null,
      end_at text not null check (end_at > start_at),
      buffer_minutes integer not null default 0,
      status text not null default 'booked'
        check (status in ('booked', 'confirmed', 'arrived', 'in_consultation', 'completed', 'cancelled', 'no_show')),
      reason text not null default '',
      mode text not null default 'in_person' check (mode in ('in_person', 'phone', 'video')),
      -- A deliberate double booking: recorded with its reason, and claims no time cells.
      overbooked integer not null default 0 check (overbooked in (0, 1)),
      overbook_reason text,
      cancel_reason text,
      room_id text references rooms (id),
      booked_by text references users (id),
      created_at text not null,
      updated_at text not null,
      check (overbooked = 0 or overbook_reason is not null)
    )`.execute(db)
  // Covers the slot engine's read (a doctor's bookings over a range) without touching the table.
  await sql`create index appointments_busy on appointments (doctor_id, start_at, status, end_at, buffer_minutes)`.execute(db)
  await sql`create index appointments_start on appointments (start_at)`.execute(db)
  await sql`create index appointments_patient on appointments (patient_id, start_at)`.execute(db)

  // The double-booking guarantee: an appointment claims every 5-minute cell of its doctor's
  // time it covers (buffer included). The primary key is doctor and cell, so a second claim
  // on the same cell fails inside the booking's own transaction, from any PC or process.
  await sql`
    create table appointment_cells (
      id text primary key,
      doctor_id text not null references doctors (id),
      cell integer not null,
      appointment_id text not null references appointments (id)
    )`.execute(db)
  await sql`create index appointment_cells_appointment on appointment_cells (appointment_id)`.execute(db)
  // How much of a day is taken, per doctor, without reading the bookings: the next-free-slot search skips full days.
  await sql`create index appointment_cells_cell on appointment_cells (cell, doctor_id)`.execute(db)

  await sql`
    create table appointment_events (
      id text primary key,
      appointment_id text not null references appointments (id),
      at text not null,
      user_id text references users (id),
      action text not null check (action in ('booked', 'rescheduled', 'cancelled', 'confirmed', 'arrived', 'in_consultation', 'completed', 'no_show', 'overbooked', 'edited')),
      from_status text,
      to_status text,
      reason text,
      changes text not null default '{}'
    )`.execute(db)
  await sql`create index appointment_events_appointment on appointment_events (appointment_id, at)`.execute(db)

  await captureChanges(db, 'doctors')
  await captureChanges(db, 'rooms')
  await captureChanges(db, 'appointment_types')
  await captureChanges(db, 'appointment_type_doctors')
  await captureChanges(db, 'doctor_sessions')
  await captureChanges(db, 'availability_exceptions')
  await captureChanges(db, 'appointments', { patientColumn: 'patient_id' })
  await captureChanges(db, 'appointment_cells')
  await captureChanges(db, 'appointment_events')
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
