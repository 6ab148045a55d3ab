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
  gender: 'female' | 'male' | 'other' | 'unknown'
  address_line: string
  city: string
  state: string
  postal_code: string
  allergies: string
  medical_history: string
  notes: string
  photo_sha256: string | null
  archived_at: string | null
  archived_reason: string | null
  merged_into: string | null
  created_at: string
  updated_at: string
  created_by: string | null
  updated_by: string | null
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
