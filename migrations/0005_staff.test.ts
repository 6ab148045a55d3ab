import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChainCheck, SessionInfo } from '../src/shared/api'
import { hashPassword } from '../src/main/core/auth/passwords'
import { createCore, type Core } from '../src/main/core/create-core'
import { DB_FILE, createKysely, migrate, openSqlite } from '../src/main/core/db/connection'
import { openEntry, registerJournalFunction, sealEntry, type JournalCursor } from '../src/main/core/journal/journal'
import { call, removeDir, tempDir } from '../src/main/core/testing'

const AT = '2025-01-05T10:00:00.000Z'
let dirs: string[] = []
let cores: Core[] = []
afterEach(async () => {
  for (const core of cores) await core.close()
  for (const dir of dirs) removeDir(dir)
  dirs = []
  cores = []
})

/** A data folder at 0003 (the journal) with a clinic and two staff written through a journal entry, as the app did then. */
async function journalFolder(): Promise<string> {
  const dataDir = tempDir()
  dirs.push(dataDir)
  const sqlite = openSqlite(join(dataDir, DB_FILE))
  const cursor: JournalCursor = { seq: null }
  registerJournalFunction(sqlite, cursor)
  const db = createKysely(sqlite)
  await migrate(db, '0003_journal')
  await db.transaction().execute(async (tx) => {
    const entry = await openEntry(tx, cursor, { at: AT, method: 'setup.createClinic', actor: { userId: null, role: null, job: null }, device: null, input: {} })
    for (const [key, value] of Object.entries({ clinicName: 'Lotus Health Centre', timeZone: 'Asia/Kolkata', currency: 'INR', defaultCountry: 'IN' })) {
      await tx.insertInto('settings').values({ key, value: JSON.stringify(value), updated_at: AT }).execute()
    }
    await sql`insert into users (id, name, email, role, password_hash, active, created_at, updated_at) values
      ('01957f00-0000-7000-8000-00000000a001', 'Farah Shaikh', 'farah@lotus.example', 'admin', ${await hashPassword('lotus admin password')}, 1, ${AT}, ${AT}),
      ('01957f00-0000-7000-8000-00000000a002', 'Dr. Joseph Dcosta', 'joseph@lotus.example', 'doctor', ${await hashPassword('lotus doctor pass')}, 1, ${AT}, ${AT})`.execute(tx)
    await sealEntry(tx, cursor, entry)
  })
  await db.destroy()
  return dataDir
}

describe('migrations 0004_scheduling and 0005_staff over a database at 0003', () => {
  it('keeps the clinic and its staff, adds scheduling and the staff columns, and the journal chain still holds', async () => {
    const dataDir = await journalFolder()
    const core = await createCore({ dataDir, log: () => {}, schedules: false })
    cores.push(core)
    const db = core.services.db
    const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
    expect(tables).toEqual(expect.arrayContaining(['doctors', 'appointments', 'appointment_cells', 'doctor_sessions', 'availability_exceptions', 'appointment_types']))
    const users = await db.selectFrom('users').select(['email', 'phone', 'must_change_password']).orderBy('email').execute()
    expect(users).toEqual([
      { email: 'farah@lotus.example', phone: '', must_change_password: 0 },
      { email: 'joseph@lotus.example', phone: '', must_change_password: 0 }
    ])
    const session = await call<SessionInfo>(core, 'auth.login', { email: 'farah@lotus.example', password: 'lotus admin password' })
    expect(session.user).toMatchObject({ name: 'Farah Shaikh', phone: '', mustChangePassword: false })
    expect(await call<ChainCheck>(core, 'audit.verify', {}, session.token)).toMatchObject({ ok: true })
    // The existing doctor account can get its profile and hours.
    const doctor = await call<{ id: string }>(core, 'doctors.create', { name: 'Dr. Joseph Dcosta', userId: '01957f00-0000-7000-8000-00000000a002' }, session.token)
    await call(core, 'availability.setWeekly', { doctorId: doctor.id, sessions: [{ weekday: 1, start: '09:00', end: '12:00', slotMinutes: 15 }] }, session.token)
    // The users capture trigger now records the new columns.
    await call(core, 'users.update', { id: '01957f00-0000-7000-8000-00000000a002', fields: { phone: '+91 98765 43210' } }, session.token)
    const last = await db.selectFrom('journal_rows').select('data').where('tbl', '=', 'users').orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(JSON.parse(last.data)).toMatchObject({ phone: '+91 98765 43210', must_change_password: 0 })
  })
})
