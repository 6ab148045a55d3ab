import { sql, type Kysely } from 'kysely'
import { captureChanges } from './journal-capture'

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // The number the clinic's previous system gave the patient (file no., UHID, MR no.): kept
  // and searchable like DocSpot's own.
  await sql`alter table patients add column previous_number text not null default ''`.execute(db)
  await sql`create index patients_previous_number on patients (previous_number collate nocase) where previous_number != ''`.execute(db)
  await captureChanges(db, 'patients', { patientColumn: 'id' })
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
