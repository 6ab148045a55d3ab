import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChainCheck, Patient, SessionInfo } from '../src/shared/api'
import { hashPassword } from '../src/main/core/auth/passwords'
import { fixedClock } from '../src/main/core/clock'
import { createCore, type Core } from '../src/main/core/create-core'
import { DB_FILE, createKysely, migrate, openSqlite } from '../src/main/core/db/connection'
import { call, removeDir, tempDir } from '../src/main/core/testing'

const AT = '2025-01-05T10:00:00.000Z'
const ADMIN_ID = '01957f00-0000-7000-8000-00000000a001'
let dirs: string[] = []
let cores: Core[] = []
afterEach(async () => {
  for (const core of cores) await core.close()
  for (const dir of dirs) removeDir(dir)
  dirs = []
  cores = []
})

/** A data folder as DocSpot left it at 0002: a clinic, an admin, and three patients, one archived. */
async function patientsFolder(): Promise<string> {
  const dataDir = tempDir()
  dirs.push(dataDir)
  const db = createKysely(openSqlite(join(dataDir, DB_FILE)))
  await migrate(db, '0002_patients')
  const settings = { clinicName: 'Lotus Health Centre', timeZone: 'Asia/Kolkata', currency: 'INR', defaultCountry: 'IN', patientNumberPrefix: 'MUM-' }
  await db.insertInto('settings').values(Object.entries(settings).map(([key, value]) => ({ key, value: JSON.stringify(value), updated_at: AT }))).execute()
  await db
    .insertInto('users')
    .values({ id: ADMIN_ID, name: 'Farah Shaikh', email: 'farah@lotus.example', role: 'admin', password_hash: await hashPassword('lotus admin password'), active: 1, created_at: AT, updated_at: AT })
    .execute()
  const names = ['Anita Desai', 'Ramesh Kumar', 'José Fernández']
  for (const [i, name] of names.entries()) {
    const seq = i + 1
    await db
      .insertInto('patients')
      .values({
        id: `01957f00-0000-7000-8000-00000000b00${seq}`,
        seq,
        number: `MUM-00000${seq}`,
        name,
        name_key: name.toLowerCase(),
        phone: '',
        email: '',
        date_of_birth: null,
        gender: 'unknown',
        address_line: '',
        city: 'Mumbai',
        state: '',
        postal_code: '',
        allergies: '',
        medical_history: '',
        notes: '',
        photo_sha256: null,
        archived_at: seq === 3 ? AT : null,
        archived_reason: seq === 3 ? 'Moved abroad' : null,
        merged_into: null,
        created_at: AT,
        updated_at: AT,
        created_by: ADMIN_ID,
        updated_by: ADMIN_ID
      })
      .execute()
    await db.insertInto('patient_history').values({ id: `01957f00-0000-7000-8000-00000000c00${seq}`, patient_id: `01957f00-0000-7000-8000-00000000b00${seq}`, at: AT, user_id: ADMIN_ID, action: 'created', changes: '{}', note: null }).execute()
  }
  await db.destroy()
  return dataDir
}

describe('migration 0003_journal over a database with patients', () => {
  it('enters every existing row into a first, sealed journal entry, and keeps the data as it was', async () => {
    const dataDir = await patientsFolder()
    const core = await createCore({ dataDir, clock: fixedClock('2025-03-10T09:00:00.000Z'), log: () => {}, schedules: false })
    cores.push(core)
    const db = core.services.db
    const genesis = await db.selectFrom('journal').selectAll().where('seq', '=', 1).executeTakeFirstOrThrow()
    expect(genesis).toMatchObject({ method: 'migration.0003_journal', row_count: 5 + 1 + 3 + 3 + 1, prev_hash: '0'.repeat(64) })
    const rows = await db.selectFrom('journal_rows').select(['tbl', 'row_key']).where('seq', '=', 1).execute()
    expect(rows.filter((r) => r.tbl === 'patients').map((r) => r.row_key)).toHaveLength(3)
    expect(rows.find((r) => r.tbl === 'counters')).toEqual({ tbl: 'counters', row_key: 'patient' })
    expect(await db.selectFrom('counters').selectAll().execute()).toEqual([{ kind: 'patient', value: 3 }])
    expect((await db.selectFrom('patients').select(['number', 'archived_reason']).orderBy('seq').execute()).map((p) => p.archived_reason)).toEqual([null, null, 'Moved abroad'])

    const { token } = await call<SessionInfo>(core, 'auth.login', { email: 'farah@lotus.example', password: 'lotus admin password' })
    expect(await call<ChainCheck>(core, 'audit.verify', {}, token)).toMatchObject({ ok: true, entries: 2 }) // genesis + the sign-in
    // Numbering continues from the old patients, now from the counter.
    const { patient } = await call<{ patient: Patient }>(core, 'patients.create', { name: 'Sita Iyer' }, token)
    expect(patient.number).toBe('MUM-000004')
    const triggers = (await sql<{ name: string }>`select name from sqlite_master where type = 'trigger' and name like 'journal_%'`.execute(db)).rows.map((r) => r.name)
    expect(triggers).toEqual(expect.arrayContaining(['journal_patients_insert', 'journal_patients_update', 'journal_patients_delete', 'journal_users_update', 'journal_settings_insert']))
  })

  it('on a new, empty database starts the chain with an empty first entry', async () => {
    const dataDir = tempDir()
    dirs.push(dataDir)
    const db = createKysely(openSqlite(join(dataDir, DB_FILE)))
    await migrate(db)
    const genesis = await db.selectFrom('journal').selectAll().execute()
    expect(genesis).toHaveLength(1)
    // Only the patient counter, at zero.
    expect(genesis[0].row_count).toBe(1)
    await db.destroy()
  })
})
