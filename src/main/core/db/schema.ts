import type { Generated } from 'kysely'

/** Row types as stored. Times are ISO-8601 UTC strings; booleans are 0/1. */
export interface SettingsTable {
  key: string
  value: string
  updated_at: string
}

export interface UsersTable {
  id: string
  name: string
  email: string
  role: 'admin' | 'receptionist' | 'doctor'
  password_hash: string
  active: Generated<number>
  phone: Generated<string>
  must_change_password: Generated<number>
  /** Sealed (secrets.ts). */
  totp_secret: string | null
  totp_enrolled_at: string | null
  totp_last_step: number | null
  /** Sealed JSON array of the unused recovery codes' SHA-256 hashes. */
  recovery_codes: string | null
  /** One of the clinic's own roles (roles.id), which then decides what the user may do. */
  custom_role_id: string | null
  created_at: string
  updated_at: string
}

export interface RolesTable {
  id: string
  name: string
  base_role: 'admin' | 'receptionist' | 'doctor'
  /** JSON array of method names. */
  methods: string
  created_at: string
  updated_at: string
}

export interface SessionsTable {
  token_hash: string
  user_id: string
  created_at: string
  last_seen_at: string
  expires_at: string
}

export interface PatientsTable {
  id: string
  seq: number
  number: string
  name: string
  name_key: string
  phone: string
  email: string
  date_of_birth: string | null
  /** 1 when worked out from an age. */
  dob_estimated: Generated<number>
  /** The number in the clinic's previous system ('' if none). */
  previous_number: Generated<string>
  gender: 'female' | 'male' | 'other' | 'unknown'
  address_line: string
  city: string
  state: string
  postal_code: string
  allergies: string
  medical_history: string
  chronic_conditions: Generated<string>
  notes: string
  photo_sha256: string | null
  archived_at: string | null
  archived_reason: string | null
  merged_into: string | null
  created_at: string
  updated_at: string
  created_by: string | null
  updated_by: string | null
  preferred_language: Generated<'en' | 'hi'>
  email_opt_out: Generated<number>
  sms_opt_out: Generated<number>
  email_verified_at: string | null
}

export interface PatientHistoryTable {
  id: string
  patient_id: string
  at: string
  user_id: string | null
  action: 'created' | 'updated' | 'archived' | 'restored' | 'merged' | 'unmerged' | 'photo' | 'imported'
  changes: string
  note: string | null
}

export interface PatientMergesTable {
  id: string
  survivor_id: string
  merged_id: string
  at: string
  user_id: string | null
  survivor_before: string
  survivor_after: string
  moved: string
  merged_archived_at: string | null
  merged_archived_reason: string | null
  undone_at: string | null
  undone_by: string | null
}

export interface Database {
  settings: SettingsTable
  users: UsersTable
  sessions: SessionsTable
  patients: PatientsTable
  patient_history: PatientHistoryTable
  patient_merges: PatientMergesTable
  journal: JournalTable
  journal_rows: JournalRowsTable
  counters: CountersTable
  doctors: DoctorsTable
  rooms: RoomsTable
  appointment_types: AppointmentTypesTable
  appointment_type_doctors: AppointmentTypeDoctorsTable
  doctor_sessions: DoctorSessionsTable
  availability_exceptions: AvailabilityExceptionsTable
  appointments: AppointmentsTable
  queue_entries: QueueEntriesTable
  queue_events: QueueEventsTable
  displays: DisplaysTable
  waitlist: WaitlistTable
  appointment_series: AppointmentSeriesTable
  day_closings: DayClosingsTable
  messaging_settings: MessagingSettingsTable
  message_templates: MessageTemplatesTable
  outbox: OutboxTable
  email_verifications: EmailVerificationsTable
  appointment_cells: AppointmentCellsTable
  appointment_events: AppointmentEventsTable
  appointment_cell_hours: AppointmentCellHoursTable
  roles: RolesTable
  visits: VisitsTable
  visit_diagnoses: VisitDiagnosesTable
  visit_amendments: VisitAmendmentsTable
  prescription_items: PrescriptionItemsTable
  favourite_drugs: FavouriteDrugsTable
  medical_records: MedicalRecordsTable
  feedback: FeedbackTable
}

export interface JournalTable {
  seq: number
  at: string
  method: string
  user_id: string | null
  role: string | null
  job: string | null
  device: string | null
  allocated: Generated<string>
  input: Generated<string>
  row_count: Generated<number>
  prev_hash: string
  hash: string | null
}

export interface JournalRowsTable {
  id: Generated<number>
  seq: number
  tbl: string
  row_key: string
  op: 'insert' | 'update' | 'delete'
  data: string
  patient_id: string | null
}

export interface CountersTable {
  kind: string
  value: number
}

export interface DoctorsTable {
  id: string
  user_id: string
  name: string
  specialization: string
  qualifications: string
  years_experience: number | null
  registration_number: string
  phone: string
  emergency_contact: string
  email: string
  address: string
  photo_sha256: string | null
  id_document_number: string
  id_document_sha256: string | null
  id_document_type: string | null
  daily_cap: number | null
  colour: string
  active: number
  created_at: string
  updated_at: string
}

export interface RoomsTable {
  id: string
  name: string
  active: number
  created_at: string
}

export interface AppointmentTypesTable {
  id: string
  name: string
  duration_minutes: number
  colour: string
  price_minor: number
  buffer_minutes: number
  walk_in: number
  active: number
  created_at: string
  updated_at: string
}

export interface AppointmentTypeDoctorsTable {
  id: string
  type_id: string
  doctor_id: string
}

export interface DoctorSessionsTable {
  id: string
  doctor_id: string
  weekday: number
  start_time: string
  end_time: string
  slot_minutes: number
  room_id: string | null
  effective_from: string | null
  effective_to: string | null
}

export interface AvailabilityExceptionsTable {
  id: string
  doctor_id: string | null
  kind: 'leave' | 'holiday' | 'extra'
  date: string
  start_time: string | null
  end_time: string | null
  slot_minutes: number | null
  room_id: string | null
  note: string
  created_at: string
}

export type AppointmentStatus = 'booked' | 'confirmed' | 'arrived' | 'in_consultation' | 'completed' | 'cancelled' | 'no_show'

export interface AppointmentsTable {
  id: string
  patient_id: string
  doctor_id: string
  type_id: string
  start_at: string
  end_at: string
  buffer_minutes: number
  status: AppointmentStatus
  reason: string
  mode: 'in_person' | 'phone' | 'video'
  overbooked: number
  overbook_reason: string | null
  cancel_reason: string | null
  room_id: string | null
  booked_by: string | null
  created_at: string
  updated_at: string
  series_id: string | null
  version: Generated<number>
}

/** Claimed cells per doctor per UTC hour (hour = cell / 12), kept by triggers (migration 0006). */
export interface AppointmentCellHoursTable {
  hour: number
  doctor_id: string
  cells: number
}

export interface AppointmentCellsTable {
  id: string
  doctor_id: string
  cell: number
  appointment_id: string
}

export interface AppointmentEventsTable {
  id: string
  appointment_id: string
  at: string
  user_id: string | null
  action: 'booked' | 'rescheduled' | 'cancelled' | 'confirmed' | 'arrived' | 'in_consultation' | 'completed' | 'no_show' | 'overbooked' | 'edited'
  from_status: string | null
  to_status: string | null
  reason: string | null
  changes: string
}

export interface QueueEntriesTable {
  id: string
  date: string
  doctor_id: string
  token: number
  token_scope: string
  patient_id: string
  appointment_id: string | null
  kind: 'walk_in' | 'booked'
  status: 'waiting' | 'in_consultation' | 'completed' | 'skipped' | 'left'
  arrived_at: string
  sort_at: number
  placement: string
  called_at: string | null
  completed_at: string | null
  off_day_reason: string | null
  left_reason: string | null
  created_by: string | null
  updated_at: string
}

export interface QueueEventsTable {
  id: string
  entry_id: string
  at: string
  user_id: string | null
  action: 'issued' | 'arrived' | 'moved' | 'skipped' | 'recalled' | 'called' | 'completed' | 'left'
  reason: string | null
}

export interface DisplaysTable {
  id: string
  name: string
  code_hash: string | null
  code_expires_at: string | null
  token_hash: string | null
  paired_at: string | null
  chime: number
  revoked_at: string | null
  created_by: string | null
  created_at: string
}

export interface WaitlistTable {
  id: string
  patient_id: string
  doctor_id: string | null
  type_id: string
  from_date: string
  to_date: string
  time_of_day: 'any' | 'morning' | 'afternoon' | 'evening'
  note: string
  status: 'waiting' | 'booked' | 'removed'
  appointment_id: string | null
  created_by: string | null
  created_at: string
  updated_at: string
}

export interface AppointmentSeriesTable {
  id: string
  patient_id: string
  doctor_id: string
  type_id: string
  rrule: string
  created_by: string | null
  created_at: string
}

export interface DayClosingsTable {
  id: string
  date: string
  closed_at: string
  closed_by: string | null
  summary: string
}

export interface MessagingSettingsTable {
  key: string
  value: string
  updated_at: string
}

export interface MessageTemplatesTable {
  id: string
  kind: string
  language: 'en' | 'hi'
  channel: 'email' | 'sms'
  subject: string
  text_body: string
  html_body: string
  updated_at: string
}

export interface OutboxTable {
  id: string
  channel: 'email' | 'sms'
  kind: 'confirmation' | 'reschedule' | 'cancellation' | 'reminder' | 'follow_up' | 'verification' | 'test'
  appointment_id: string | null
  patient_id: string | null
  dedupe_key: string
  recipient: string
  payload: string
  due_at: string
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped' | 'cancelled'
  attempts: number
  next_attempt_at: string | null
  claimed_by: string | null
  claimed_at: string | null
  last_error: string | null
  skip_reason: string | null
  sent_at: string | null
  message_id: string
  server_response: string | null
  created_at: string
  updated_at: string
}

export interface EmailVerificationsTable {
  id: string
  patient_id: string
  email: string
  code_hash: string
  expires_at: string
  attempts: number
  verified_at: string | null
  created_at: string
}

export interface VisitsTable {
  id: string
  patient_id: string
  doctor_id: string
  appointment_id: string | null
  queue_entry_id: string | null
  date: string
  opened_at: string
  opened_by: string | null
  status: 'open' | 'signed'
  weight_kg: number | null
  height_cm: number | null
  bp_systolic: number | null
  bp_diastolic: number | null
  pulse: number | null
  temperature_c: number | null
  spo2: number | null
  sugar_mg_dl: number | null
  sugar_context: 'fasting' | 'random' | 'post_meal' | null
  chief_complaint: string
  note_format: 'soap' | 'free'
  subjective: string
  objective: string
  assessment: string
  plan: string
  free_text: string
  advice: string
  follow_up_date: string | null
  follow_up_appointment_id: string | null
  signed_at: string | null
  signed_by: string | null
  version: number
  updated_at: string
}

export interface VisitDiagnosesTable {
  id: string
  visit_id: string
  position: number
  text: string
  code: string
}

export interface VisitAmendmentsTable {
  id: string
  visit_id: string
  at: string
  user_id: string
  text: string
}

interface DrugLineColumns {
  drug_name: string
  strength: string
  form: string
  dose: string
  frequency: string
  duration: string
  route: string
  instructions: string
}

export interface PrescriptionItemsTable extends DrugLineColumns {
  id: string
  visit_id: string
  position: number
  allergy_matched: string | null
  allergy_confirmed_by: string | null
  allergy_confirmed_at: string | null
}

export interface FavouriteDrugsTable extends DrugLineColumns {
  id: string
  doctor_id: string
  created_at: string
}

export interface MedicalRecordsTable {
  id: string
  patient_id: string
  visit_id: string | null
  file_sha256: string
  content_type: 'application/pdf' | 'image/jpeg' | 'image/png'
  byte_size: number
  name: string
  type: 'lab_report' | 'imaging' | 'referral' | 'discharge_summary' | 'other'
  record_date: string
  hospital: string
  doctor_name: string
  description: string
  uploaded_by: string
  uploaded_at: string
  deleted_at: string | null
  deleted_by: string | null
  deleted_reason: string | null
}

export interface FeedbackTable {
  id: string
  patient_id: string
  visit_id: string | null
  doctor_id: string | null
  type: 'complaint' | 'good' | 'suggestion'
  rating: number
  comment: string
  recorded_by: string
  recorded_at: string
}
