import { sql, type Kysely } from 'kysely'
import { captureChanges } from './journal-capture'

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // Long-standing conditions (diabetes, hypertension) shown at the top of the chart beside allergies.
  await sql`alter table patients add column chronic_conditions text not null default ''`.execute(db)
  await captureChanges(db, 'patients', { patientColumn: 'id' })

  // A consultation: opened from an appointment, a walk-in's token, or by the doctor directly.
  // Its note is editable until signed; after that only amendments (visit_amendments) add to it.
  await sql`
    create table visits (
      id text primary key,
      patient_id text not null references patients (id),
      doctor_id text not null references doctors (id),
      appointment_id text unique references appointments (id),
      queue_entry_id text unique references queue_entries (id),
      -- The clinic date it belongs to, for the doctor's day and the chart.
      date text not null check (date glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      opened_at text not null,
      opened_by text references users (id),
      status text not null default 'open' check (status in ('open', 'signed')),
      weight_kg real check (weight_kg between 0.3 and 400),
      height_cm real check (height_cm between 20 and 260),
      bp_systolic integer check (bp_systolic between 50 and 300),
      bp_diastolic integer check (bp_diastolic between 20 and 200),
      pulse integer check (pulse between 20 and 250),
      temperature_c real check (temperature_c between 30 and 45),
      spo2 integer check (spo2 between 50 and 100),
      sugar_mg_dl real check (sugar_mg_dl between 10 and 1000),
      sugar_context text check (sugar_context in ('fasting', 'random', 'post_meal')),
      chief_complaint text not null default '',
      note_format text not null default 'soap' check (note_format in ('soap', 'free')),
      subjective text not null default '',
      objective text not null default '',
      assessment text not null default '',
      plan text not null default '',
      free_text text not null default '',
      advice text not null default '',
      follow_up_date text check (follow_up_date glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      follow_up_appointment_id text references appointments (id),
      signed_at text,
      signed_by text references users (id),
      -- Counts saves: a save made from an older copy (another tab, another PC) is refused.
      version integer not null default 1,
      updated_at text not null,
      check ((status = 'signed') = (signed_at is not null))
    )`.execute(db)
  await sql`create index visits_patient on visits (patient_id, opened_at)`.execute(db)
  await sql`create index visits_doctor_day on visits (doctor_id, date)`.execute(db)

  await sql`
    create table visit_diagnoses (
      id text primary key,
      visit_id text not null references visits (id),
      position integer not null,
      text text not null check (length(trim(text)) > 0),
      code text not null default ''
    )`.execute(db)
  await sql`create index visit_diagnoses_visit on visit_diagnoses (visit_id, position)`.execute(db)

  // Added to a signed note by the doctor who signed it; never changes the note itself.
  await sql`
    create table visit_amendments (
      id text primary key,
      visit_id text not null references visits (id),
      at text not null,
      user_id text not null references users (id),
      text text not null check (length(trim(text)) > 0)
    )`.execute(db)
  await sql`create index visit_amendments_visit on visit_amendments (visit_id, at)`.execute(db)

  // One line of a visit's prescription. An item whose drug matches a recorded allergy keeps who
  // confirmed prescribing it anyway, and which allergy it matched.
  await sql`
    create table prescription_items (
      id text primary key,
      visit_id text not null references visits (id),
      position integer not null,
      drug_name text not null check (length(trim(drug_name)) > 0),
      strength text not null default '',
      form text not null default '',
      dose text not null default '',
      frequency text not null default '',
      duration text not null default '',
      route text not null default '',
      instructions text not null default '',
      allergy_matched text,
      allergy_confirmed_by text references users (id),
      allergy_confirmed_at text,
      check ((allergy_matched is null) = (allergy_confirmed_at is null))
    )`.execute(db)
  await sql`create index prescription_items_visit on prescription_items (visit_id, position)`.execute(db)

  // A doctor's own list of drugs offered first as they type, with the usual way they write it.
  await sql`
    create table favourite_drugs (
      id text primary key,
      doctor_id text not null references doctors (id),
      drug_name text not null check (length(trim(drug_name)) > 0),
      strength text not null default '',
      form text not null default '',
      dose text not null default '',
      frequency text not null default '',
      duration text not null default '',
      route text not null default '',
      instructions text not null default '',
      created_at text not null,
      unique (doctor_id, drug_name, strength, form)
    )`.execute(db)

  // Reports, scans and letters about a patient. The bytes live in the file store by their sha256.
  await sql`
    create table medical_records (
      id text primary key,
      patient_id text not null references patients (id),
      visit_id text references visits (id),
      file_sha256 text not null check (length(file_sha256) = 64),
      content_type text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
      byte_size integer not null check (byte_size > 0),
      name text not null check (length(trim(name)) > 0),
      type text not null check (type in ('lab_report', 'imaging', 'referral', 'discharge_summary', 'other')),
      record_date text not null check (record_date glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      hospital text not null default '',
      doctor_name text not null default '',
      description text not null default '',
      uploaded_by text not null references users (id),
      uploaded_at text not null,
      deleted_at text,
      deleted_by text references users (id),
      deleted_reason text,
      check ((deleted_at is null) = (deleted_reason is null))
    )`.execute(db)
  await sql`create index medical_records_patient on medical_records (patient_id, record_date)`.execute(db)

  await sql`
    create table feedback (
      id text primary key,
      patient_id text not null references patients (id),
      visit_id text references visits (id),
      doctor_id text references doctors (id),
      type text not null check (type in ('complaint', 'good', 'suggestion')),
      rating integer not null check (rating between 1 and 5),
      comment text not null default '',
      recorded_by text not null references users (id),
      recorded_at text not null
    )`.execute(db)
  await sql`create index feedback_doctor on feedback (doctor_id, recorded_at)`.execute(db)
  await sql`create index feedback_recorded on feedback (recorded_at)`.execute(db)

  // Rows that belong to a patient carry the patient's id in the journal, so a patient's history finds them.
  for (const table of ['visits', 'medical_records', 'feedback']) await captureChanges(db, table, { patientColumn: 'patient_id' })
  for (const table of ['visit_diagnoses', 'visit_amendments', 'prescription_items', 'favourite_drugs']) await captureChanges(db, table)
}
