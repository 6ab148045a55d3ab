import { sql, type Kysely } from 'kysely'

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // The patient list sorts by registration date and by name at 200,000 patients.
  await sql`create index patients_created on patients (created_at, number)`.execute(db)
  await sql`create index patients_name_order on patients (name_key, number)`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
