import { sql, type Kysely } from 'kysely'
import { captureChanges } from './journal-capture'

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // The clinic's own roles: a built-in role to start from, and the API methods allowed (JSON).
  await sql`
    create table roles (
      id text primary key,
      name text not null collate nocase unique,
      base_role text not null check (base_role in ('admin', 'receptionist', 'doctor')),
      methods text not null default '[]',
      created_at text not null,
      updated_at text not null
    )`.execute(db)
  await sql`alter table users add column custom_role_id text references roles (id)`.execute(db)
  await sql`create index users_custom_role on users (custom_role_id)`.execute(db)
  await captureChanges(db, 'roles')
  await captureChanges(db, 'users')
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
