import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import type { Patient, PatientChange, PatientSummary, SessionInfo, Settings } from '../src/shared/api'
import { hashPassword } from '../src/main/core/auth/passwords'
import { hashToken } from '../src/main/core/auth/sessions'
import { fixedClock } from '../src/main/core/clock'
import { createCore, type Core } from '../src/main/core/create-core'
import { DB_FILE, createKysely, migrate, openSqlite } from '../src/main/core/db/connection'
import type { Database } from '../src/main/core/db/schema'
import { call, callError, removeDir, tempDir } from '../src/main/core/testing'

const NOW = '2025-03-10T09:00:00.000Z'
const TOKEN = 'a-session-token-issued-before-the-upgrade'
const ADMIN_ID = '01957f00-0000-7000-8000-00000000a001'
const DESK_ID = '01957f00-0000-7000-8000-00000000a002'

let dirs: string[] = []
let open: Array<Kysely<Database> | Core> = []

afterEach(async () => {
  for (const thing of open.reverse()) await ('dispatch' in thing ? thing.close() : thing.destroy())
  for (const dir of dirs) removeDir(dir)
  dirs = []
  open = []
})

function rawDb(dataDir: string): Kysely<Database> {
  const db = createKysely(openSqlite(join(dataDir, DB_FILE)))
  open.push(db)
  return db
}

async function closeRaw(db: Kysely<Database>): Promise<void> {
  open = open.filter((d) => d !== db)
  await db.destroy()
}

/** A data folder as DocSpot left it with only the foundation schema: a clinic, two staff, a signed-in session. */
async function foundationFolder(): Promise<{ dataDir: string; db: Kysely<Database>; settingsRows: unknown[]; usersRows: unknown[]; sessionsRows: unknown[] }> {
  const dataDir = tempDir()
  dirs.push(dataDir)
  const db = rawDb(dataDir)
  await migrate(db, '0001_foundation')

  const at = '2025-01-05T10:00:00.000Z'
  const settings: Record<string, unknown> = {
    clinicName: 'Lotus Health Centre',
    clinicAddress: { line: '4 Marine Drive', city: 'Mumbai', state: 'Maharashtra', postalCode: '400020', country: 'India' },
    clinicPhone: '+91 22 2281 0000',
    timeZone: 'Asia/Kolkata',
    currency: 'INR',
    defaultCountry: 'IN',
    patientNumberPrefix: 'MUM-',
    autoLogoutMinutes: 60
  }
  await db
    .insertInto('settings')
    .values(Object.entries(settings).map(([key, value]) => ({ key, value: JSON.stringify(value), updated_at: at })))
    .execute()
  await db
    .insertInto('users')
    .values([
      { id: ADMIN_ID, name: 'Farah Shaikh', email: 'farah@lotus.example', role: 'admin', password_hash: await hashPassword('lotus admin password'), active: 1, created_at: at, updated_at: at },
      { id: DESK_ID, name: 'Joseph D’Costa', email: 'joseph@lotus.example', role: 'receptionist', password_hash: await hashPassword('lotus front desk'), active: 0, created_at: at, updated_at: at }
    ])
    .execute()
  await db
    .insertInto('sessions')
    .values({ token_hash: hashToken(TOKEN), user_id: ADMIN_ID, created_at: '2025-03-10T08:30:00.000Z', last_seen_at: '2025-03-10T08:59:00.000Z', expires_at: '2025-03-10T20:30:00.000Z' })
    .execute()

  const settingsRows = await db.selectFrom('settings').selectAll().orderBy('key').execute()
  const usersRows = await db.selectFrom('users').selectAll().orderBy('id').execute()
  const sessionsRows = await db.selectFrom('sessions').selectAll().execute()
  return { dataDir, db, settingsRows, usersRows, sessionsRows }
}

const names = async (db: Kysely<Database>, type: string) =>
  (await sql<{ name: string }>`select name from sqlite_master where type = ${type} order by name`.execute(db)).rows.map((r) => r.name)

const ftsSeqs = async (db: Kysely<Database>, match: string) =>
  (await sql<{ rowid: number }>`select rowid from patient_search where patient_search match ${match}`.execute(db)).rows.map((r) => r.rowid)

describe('migration 0002_patients over a foundation database', () => {
  it('keeps the clinic, staff and sessions exactly as they were and adds the patients tables', async () => {
    const { db, settingsRows, usersRows, sessionsRows } = await foundationFolder()
    expect(await names(db, 'table')).not.toContain('patients')

    expect(await migrate(db, '0002_patients')).toBe('0002_patients')

    expect(await db.selectFrom('settings').selectAll().orderBy('key').execute()).toEqual(settingsRows)
    expect(await db.selectFrom('users').selectAll().orderBy('id').execute()).toEqual(usersRows)
    expect(await db.selectFrom('sessions').selectAll().execute()).toEqual(sessionsRows)
    expect(await names(db, 'table')).toEqual(expect.arrayContaining(['patients', 'patient_search', 'patient_search_vocab', 'patient_history', 'patient_merges']))
    expect(await names(db, 'trigger')).toEqual(['patients_search_delete', 'patients_search_insert', 'patients_search_update'])
    expect(await names(db, 'index')).toEqual(expect.arrayContaining(['patients_number', 'patients_name_key', 'patients_phone', 'patients_email', 'patients_dob', 'users_email', 'sessions_user']))
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)
    expect(applied.rows.map((r) => r.name)).toEqual(['0001_foundation', '0002_patients'])
    // Running it again changes nothing.
    expect(await migrate(db, '0002_patients')).toBe('0002_patients')
    expect(await db.selectFrom('users').selectAll().orderBy('id').execute()).toEqual(usersRows)
  })

  it('keeps the search index in step with patient rows through its triggers', async () => {
    const { db } = await foundationFolder()
    await migrate(db, '0002_patients')
    // Rows as the app wrote them at this version (before the journal, whose triggers refuse unjournaled writes).
    const insert = async (seq: number, name: string, key: string, phone: string, email: string) => {
      const row = { id: `01957f00-0000-7000-8000-00000000b00${seq}`, seq, number: `MUM-00000${seq}`, name, name_key: key, phone, email, date_of_birth: '1980-02-03', gender: 'female' as const, created_at: NOW, updated_at: NOW, created_by: ADMIN_ID, updated_by: ADMIN_ID }
      await db.insertInto('patients').values({ ...row, address_line: '', city: 'Mumbai', state: '', postal_code: '', allergies: '', medical_history: '', notes: '', photo_sha256: null, archived_at: null, archived_reason: null, merged_into: null }).execute()
      return row
    }
    const anita = await insert(1, 'Anita Desai', 'anita desai', '+919876543210', 'anita@example.in')
    const other = await insert(2, 'José Fernández', 'jose fernandez', '+34612345678', '')

    expect([anita.number, other.number]).toEqual(['MUM-000001', 'MUM-000002'])
    expect(await ftsSeqs(db, 'name : "desai"')).toEqual([1])
    expect(await ftsSeqs(db, 'name : "fernandez"')).toEqual([2])
    expect(await ftsSeqs(db, 'phone : "7654321"')).toEqual([1])
    expect(await ftsSeqs(db, 'number : "mum-000002"')).toEqual([2])
    expect(await ftsSeqs(db, 'email : "anita@"')).toEqual([1])

    await db.updateTable('patients').set({ name: 'Anita Kulkarni', name_key: 'anita kulkarni', phone: '+919123456789' }).where('id', '=', anita.id).execute()
    expect(await ftsSeqs(db, 'name : "desai"')).toEqual([])
    expect(await ftsSeqs(db, 'name : "kulkarni"')).toEqual([1])
    expect(await ftsSeqs(db, 'phone : "7654321"')).toEqual([])
    expect(await ftsSeqs(db, 'phone : "9123456"')).toEqual([1])

    await db.deleteFrom('patients').where('id', '=', other.id).execute()
    expect(await ftsSeqs(db, 'name : "fernandez"')).toEqual([])

    // The database itself refuses what the app must never store.
    await expect(db.insertInto('patients').values({ ...(await db.selectFrom('patients').selectAll().where('id', '=', anita.id).executeTakeFirstOrThrow()), id: 'x', seq: 9, number: 'mum-000001' }).execute()).rejects.toThrow(/UNIQUE/)
    await expect(sql`update patients set gender = 'robot' where id = ${anita.id}`.execute(db)).rejects.toThrow(/CHECK/)
    await expect(sql`update patients set date_of_birth = '03/02/1980' where id = ${anita.id}`.execute(db)).rejects.toThrow(/CHECK/)
  })

  it('opens in the app afterwards: the old session still works and patients can be registered and found', async () => {
    const { dataDir, db } = await foundationFolder()
    await closeRaw(db)

    const core = await createCore({ dataDir, clock: fixedClock(NOW), version: '1.2.3-test', log: () => {} })
    open.push(core)

    expect(await call(core, 'setup.status')).toEqual({ needsSetup: false, clinicName: 'Lotus Health Centre' })
    const session = await call<SessionInfo>(core, 'auth.session', {}, TOKEN)
    expect(session.user).toMatchObject({ id: ADMIN_ID, name: 'Farah Shaikh', role: 'admin' })
    const settings = await call<Settings>(core, 'settings.get', {}, TOKEN)
    expect(settings).toMatchObject({ timeZone: 'Asia/Kolkata', defaultCountry: 'IN', patientNumberPrefix: 'MUM-', patientNumberDigits: 6, autoLogoutMinutes: 60 })
    // The deactivated receptionist is still refused.
    expect((await callError(core, 'auth.login', { email: 'joseph@lotus.example', password: 'lotus front desk' })).code).toBe('FORBIDDEN')
    expect((await call<SessionInfo>(core, 'auth.login', { email: 'farah@lotus.example', password: 'lotus admin password' })).user.id).toBe(ADMIN_ID)

    const { patient } = await call<{ patient: Patient }>(core, 'patients.create', { name: 'Ramesh Kumar', phone: '098765 43210', dateOfBirth: '1980-02-03' }, TOKEN)
    expect(patient).toMatchObject({ number: 'MUM-000001', phone: '+919876543210' })
    const search = (q: string) => call<{ items: PatientSummary[] }>(core, 'patients.search', { q }, TOKEN)
    expect((await search('ramesh')).items.map((p) => p.id)).toEqual([patient.id])
    expect((await search('43210')).items.map((p) => p.id)).toEqual([patient.id])
    expect((await search('Rmesh')).items.map((p) => p.id)).toEqual([patient.id])
    const history = await call<PatientChange[]>(core, 'patients.history', { id: patient.id }, TOKEN)
    expect(history.map((h) => [h.action, h.byName])).toEqual([['created', 'Farah Shaikh']])

    // Reopening migrates nothing further and keeps the patient.
    open = open.filter((c) => c !== core)
    await core.close()
    const again = await createCore({ dataDir, clock: fixedClock(NOW), log: () => {} })
    open.push(again)
    expect((await call<{ items: PatientSummary[] }>(again, 'patients.search', { q: 'MUM-000001' }, TOKEN)).items[0]?.name).toBe('Ramesh Kumar')
  })
})
