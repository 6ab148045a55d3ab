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

export interface Database {
  settings: SettingsTable
  users: UsersTable
  sessions: SessionsTable
}
