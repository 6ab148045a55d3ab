import { sql, type Kysely } from 'kysely'
import { captureChanges } from './journal-capture'

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // The authenticator key and the unused recovery codes' hashes, both sealed with the data
  // folder's key (see src/main/core/secrets.ts): the journal keeps whole rows, so they must not
  // be readable from the database alone.
  await sql`alter table users add column totp_secret text`.execute(db)
  await sql`alter table users add column totp_enrolled_at text`.execute(db)
  // The last 30-second step whose code signed in: the same code cannot be used twice.
  await sql`alter table users add column totp_last_step integer`.execute(db)
  await sql`alter table users add column recovery_codes text`.execute(db)
  await captureChanges(db, 'users')
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
