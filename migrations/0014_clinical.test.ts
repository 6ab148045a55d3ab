import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { DB_FILE, createKysely, migrate, openSqlite } from '../src/main/core/db/connection'
import { openEntry, registerJournalFunction, sealEntry, type JournalCursor } from '../src/main/core/journal/journal'
import type { Database } from '../src/main/core/db/schema'
import type { MethodName } from '../src/shared/api'
import { removeDir, tempDir } from '../src/main/core/testing'

const AT = '2025-03-10T09:00:00.000Z'
const PATIENT = '01957f00-0000-7000-8000-00000000b001'
const DOCTOR = '01957f00-0000-7000-8000-00000000d001'
const USER = '01957f00-0000-7000-8000-00000000a001'
const SHA = 'a'.repeat(64)

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A database at 0013_messaging holding one patient, written raw inside a journal entry. */
async function atMessaging() {
  const dir = tempDir()
  const sqlite = openSqlite(join(dir, DB_FILE))
  const cursor: JournalCursor = { seq: null }
  registerJournalFunction(sqlite, cursor)
  const typed: Kysely<Database> = createKysely(sqlite)
  // Raw rows with only the columns that matter: the checks below need no typed schema.
  const db = typed as Kysely<any>
  cleanups.push(() => removeDir(dir))
  cleanups.push(() => db.destroy())
  await migrate(db, '0013_messaging')
  // Only the rows these checks need: the doctors, users and appointments they point at are left out.
  sqlite.pragma('foreign_keys = OFF')
  const journaled = <T>(method: MethodName, work: (tx: Kysely<any>) => Promise<T>) =>
    typed.transaction().execute(async (tx) => {
      const entry = await openEntry(tx, cursor, { at: AT, method, actor: { userId: null, role: null, job: null }, device: null, input: {} })
      try {
        const value = await work(tx as Kysely<any>)
        await sealEntry(tx, cursor, entry)
        return value
      } finally {
        // As the dispatcher does: a failed write leaves no entry open for the next.
        cursor.seq = null
      }
    })
  await journaled('patients.create', (tx) =>
    tx
      .insertInto('patients')
      .values({
        id: PATIENT,
        seq: 1,
        number: 'P-000001',
        name: 'Anita Desai',
        name_key: 'anita desai',
        phone: '+447700900123',
        email: 'anita@example.com',
        date_of_birth: '1980-05-17',
        gender: 'female',
        allergies: 'Penicillin (rash)',
        medical_history: 'Asthma as a child',
        preferred_language: 'hi',
        created_at: AT,
        updated_at: AT
      })
      .execute()
  )
  const before = await db.selectFrom('patients').selectAll().where('id', '=', PATIENT).executeTakeFirstOrThrow()
  return { db, journaled, before }
}

const visit = (values: Record<string, unknown> = {}) => ({
  id: '01957f00-0000-7000-8000-00000000c001',
  patient_id: PATIENT,
  doctor_id: DOCTOR,
  date: '2025-03-10',
  opened_at: AT,
  status: 'open',
  updated_at: AT,
  ...values
})

const record = (values: Record<string, unknown> = {}) => ({
  id: '01957f00-0000-7000-8000-00000000e001',
  patient_id: PATIENT,
  file_sha256: SHA,
  content_type: 'application/pdf',
  byte_size: 1234,
  name: 'Blood count',
  type: 'lab_report',
  record_date: '2025-03-01',
  uploaded_by: USER,
  uploaded_at: AT,
  ...values
})

describe('migration 0014_clinical over a database at 0013 with a patient', () => {
  it('keeps the patient as they were, with no chronic conditions recorded yet', async () => {
    const { db, before } = await atMessaging()
    await migrate(db)
    const after = await db.selectFrom('patients').selectAll().where('id', '=', PATIENT).executeTakeFirstOrThrow()
    expect(after).toEqual({ ...before, chronic_conditions: '' })
    expect(after).toMatchObject({ name: 'Anita Desai', number: 'P-000001', allergies: 'Penicillin (rash)', medical_history: 'Asthma as a child', preferred_language: 'hi' })
  })

  it('records a change to the new chronic conditions in the journal, with the patient named', async () => {
    const { db, journaled } = await atMessaging()
    await migrate(db)
    await journaled('patients.updateMedical', (tx) => tx.updateTable('patients').set({ chronic_conditions: 'Type 2 diabetes' }).where('id', '=', PATIENT).execute())
    const row = await db.selectFrom('journal_rows').selectAll().where('tbl', '=', 'patients').where('op', '=', 'update').executeTakeFirstOrThrow()
    expect(row.patient_id).toBe(PATIENT)
    expect(JSON.parse(row.data)).toMatchObject({ id: PATIENT, chronic_conditions: 'Type 2 diabetes', allergies: 'Penicillin (rash)' })
  })

  it('adds the clinical tables', async () => {
    const { db } = await atMessaging()
    await migrate(db)
    const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db)).rows.map((r) => r.name)
    expect(tables).toEqual(expect.arrayContaining(['visits', 'visit_diagnoses', 'visit_amendments', 'prescription_items', 'favourite_drugs', 'medical_records', 'feedback']))
    for (const table of ['visits', 'visit_diagnoses', 'visit_amendments', 'prescription_items', 'favourite_drugs', 'medical_records', 'feedback']) {
      expect(await db.selectFrom(table).selectAll().execute()).toEqual([])
    }
  })

  it('refuses impossible vitals and a file hash of the wrong length, and takes sane ones', async () => {
    const { db, journaled } = await atMessaging()
    await migrate(db)
    await expect(journaled('visits.save', (tx) => tx.insertInto('visits').values(visit({ pulse: 400 })).execute())).rejects.toThrow(/CHECK constraint failed/)
    await expect(journaled('visits.save', (tx) => tx.insertInto('visits').values(visit({ temperature_c: 55 })).execute())).rejects.toThrow(/CHECK constraint failed/)
    // Signed with no time, or a time with no signature: the two go together.
    await expect(journaled('visits.sign', (tx) => tx.insertInto('visits').values(visit({ status: 'signed' })).execute())).rejects.toThrow(/CHECK constraint failed/)
    await expect(journaled('records.upload', (tx) => tx.insertInto('medical_records').values(record({ file_sha256: 'a'.repeat(63) })).execute())).rejects.toThrow(/CHECK constraint failed/)
    await expect(journaled('records.upload', (tx) => tx.insertInto('medical_records').values(record({ content_type: 'application/x-msdownload' })).execute())).rejects.toThrow(/CHECK constraint failed/)
    await expect(journaled('feedback.record', (tx) => tx.insertInto('feedback').values({ id: '01957f00-0000-7000-8000-00000000f001', patient_id: PATIENT, type: 'good', rating: 6, recorded_by: USER, recorded_at: AT }).execute())).rejects.toThrow(
      /CHECK constraint failed/
    )
    expect(await db.selectFrom('visits').selectAll().execute()).toEqual([])
    expect(await db.selectFrom('medical_records').selectAll().execute()).toEqual([])

    await journaled('visits.save', (tx) => tx.insertInto('visits').values(visit({ pulse: 72, temperature_c: 37.2 })).execute())
    await journaled('records.upload', (tx) => tx.insertInto('medical_records').values(record()).execute())
    expect(await db.selectFrom('visits').select(['pulse', 'temperature_c', 'version', 'chief_complaint']).execute()).toEqual([{ pulse: 72, temperature_c: 37.2, version: 1, chief_complaint: '' }])
    expect(await db.selectFrom('medical_records').select('file_sha256').execute()).toEqual([{ file_sha256: SHA }])
  })

  it('journals writes to visits, with the patient, and refuses one outside a journal entry', async () => {
    const { db, journaled } = await atMessaging()
    await migrate(db)
    await expect(db.insertInto('visits').values(visit()).execute()).rejects.toThrow('visits may only change through a journaled write')
    expect(await db.selectFrom('visits').selectAll().execute()).toEqual([])

    await journaled('visits.open', (tx) => tx.insertInto('visits').values(visit()).execute())
    await expect(db.updateTable('visits').set({ chief_complaint: 'Fever' }).execute()).rejects.toThrow('visits may only change through a journaled write')
    await expect(db.insertInto('prescription_items').values({ id: '01957f00-0000-7000-8000-00000000c101', visit_id: visit().id, position: 0, drug_name: 'Paracetamol' }).execute()).rejects.toThrow(
      'prescription_items may only change through a journaled write'
    )
    const rows = await db.selectFrom('journal_rows').selectAll().where('tbl', '=', 'visits').execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ op: 'insert', row_key: visit().id, patient_id: PATIENT })
    expect(await db.selectFrom('visits').select('chief_complaint').executeTakeFirstOrThrow()).toEqual({ chief_complaint: '' })
  })
})
