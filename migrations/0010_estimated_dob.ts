import { sql, type Kysely } from 'kysely'
import { captureChanges } from './journal-capture'

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // A date of birth worked out from an age the patient gave ("45", "6 months"): approximate.
  await sql`alter table patients add column dob_estimated integer not null default 0 check (dob_estimated in (0, 1))`.execute(db)
  await captureChanges(db, 'patients', { patientColumn: 'id' })
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
