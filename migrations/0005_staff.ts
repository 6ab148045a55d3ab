import { sql, type Kysely } from 'kysely'
import { captureChanges } from './journal-capture'

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column phone text not null default ''`.execute(db)
  // Set by an admin's password reset: the next sign-in must choose a new password first.
  await sql`alter table users add column must_change_password integer not null default 0 check (must_change_password in (0, 1))`.execute(db)
  // The users table's capture triggers list its columns: make them again with the new ones.
  await captureChanges(db, 'users')
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
