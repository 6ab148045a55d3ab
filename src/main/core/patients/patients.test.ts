import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { DuplicateMatch, ImportPreview, ImportResult, Patient, PatientChange, PatientMerge, PatientSummary, SessionInfo } from '../../../shared/api'
import type { ProgressEvent, WriteContext } from '../context'
import { requireSettings } from '../settings/settings'
import { ADMIN, addStaff, call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'
import { mergePatients, unmergePatients } from './merge'

const MISSING_ID = '01900000-0000-7000-8000-000000000000'
const MINUTE = 60_000

let t: TestCore | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

/** A clinic in India (so numbers without "+" are Indian), with its admin signed in. */
async function indianClinic(start?: string): Promise<{ t: TestCore; token: string }> {
  t = await openTestCore(start)
  const token = await setUpClinic(t.core)
  await call(t.core, 'settings.update', { defaultCountry: 'IN', timeZone: 'Asia/Kolkata' }, token)
  return { t, token }
}

async function create(core: TestCore['core'], token: string, fields: Record<string, unknown>): Promise<Patient> {
  return (await call<{ patient: Patient }>(core, 'patients.create', fields, token)).patient
}

async function recent(core: TestCore['core'], token: string): Promise<PatientSummary[]> {
  return call<PatientSummary[]>(core, 'patients.recent', { limit: 100 }, token)
}

async function search(core: TestCore['core'], token: string, q: string, extra: Record<string, unknown> = {}): Promise<PatientSummary[]> {
  return (await call<{ items: PatientSummary[] }>(core, 'patients.search', { q, ...extra }, token)).items
}

describe('registering a patient', () => {
  it('stores the phone in E.164 for the clinic’s country, keeps a foreign number, and lower-cases the email', async () => {
    const { t, token } = await indianClinic()
    const local = await create(t.core, token, { name: 'Ramesh Kumar', phone: '098765 43210', email: 'Ramesh.Kumar@Example.COM' })
    const visitor = await create(t.core, token, { name: 'Oliver Brown', phone: '+44 7911 123456' })

    expect(local.phone).toBe('+919876543210')
    expect(local.email).toBe('ramesh.kumar@example.com')
    expect(visitor.phone).toBe('+447911123456')
    const stored = await call<Patient>(t.core, 'patients.get', { id: local.id }, token)
    expect(stored).toMatchObject({ name: 'Ramesh Kumar', phone: '+919876543210', email: 'ramesh.kumar@example.com', gender: 'unknown', hasPhoto: false, archivedAt: null })
  })

  it('gives running patient numbers, and new patients follow a changed prefix and width', async () => {
    const { t, token } = await indianClinic()
    const first = await create(t.core, token, { name: 'Anita Desai' })
    const second = await create(t.core, token, { name: 'Oliver Brown' })
    expect([first.number, second.number]).toEqual(['P-000001', 'P-000002'])

    await call(t.core, 'settings.update', { patientNumberPrefix: 'SFC-', patientNumberDigits: 4 }, token)
    const third = await create(t.core, token, { name: 'Meena Pillai' })

    expect(third.number).toBe('SFC-0003')
    // Numbers already given never change.
    expect((await call<Patient>(t.core, 'patients.get', { id: first.id }, token)).number).toBe('P-000001')
    expect((await search(t.core, token, 'SFC-0003'))[0]?.id).toBe(third.id)
  })

  it('records who registered the patient in its history', async () => {
    const { t, token } = await indianClinic()
    const desk = await addStaff(t.core, token, 'receptionist')
    const patient = await create(t.core, desk.token, { name: 'Anita Desai', phone: '98765 43210' })

    const history = await call<PatientChange[]>(t.core, 'patients.history', { id: patient.id }, token)
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({ action: 'created', by: desk.user.id, byName: 'Ravi Kumar', at: '2025-03-10T09:00:00.000Z' })
  })
})

describe('bad patient details', () => {
  // Nothing here may be saved, so one clinic serves every case; each checks it stayed empty.
  let shared: { t: TestCore; token: string }
  beforeAll(async () => {
    const own = await openTestCore()
    const token = await setUpClinic(own.core)
    await call(own.core, 'settings.update', { defaultCountry: 'IN', timeZone: 'Asia/Kolkata' }, token)
    shared = { t: own, token }
  })
  afterAll(async () => {
    await shared?.t.close()
  })

  async function expectRefused(input: Record<string, unknown>, field: string, start?: string) {
    // A different moment needs its own clinic: moving a shared clock would sign the admin out.
    const { t, token } = start ? await indianClinic(start) : shared
    const error = await callError(t.core, 'patients.create', input, token)
    expect(error.code).toBe('VALIDATION')
    expect(Object.keys(error.fields ?? {})).toContain(field)
    expect(error.message).toContain(field)
    expect(await recent(t.core, token)).toEqual([])
    return error
  }

  it('refuses an empty name', async () => {
    const error = await expectRefused({ name: '   ', phone: '98765 43210' }, 'name')
    expect(error.fields?.name).toBe('is required')
  })

  it('refuses a phone number that is not valid for the clinic’s country', async () => {
    const error = await expectRefused({ name: 'Anita Desai', phone: '12345' }, 'phone')
    expect(error.fields?.phone).toMatch(/not a valid phone number for IN/)
  })

  it('refuses an email address that is not one', async () => {
    await expectRefused({ name: 'Anita Desai', email: 'anita@' }, 'email')
  })

  it('refuses a date of birth after today in the clinic’s time zone', async () => {
    // 20:00 UTC on 10 March is already 01:30 on 11 March in Kolkata.
    const error = await expectRefused({ name: 'Baby Nair', dateOfBirth: '2025-03-12' }, 'dateOfBirth', '2025-03-10T20:00:00.000Z')
    expect(error.fields?.dateOfBirth).toBe('cannot be in the future')
  })

  it('accepts a baby born today in the clinic’s time zone, even where UTC is still on yesterday', async () => {
    const { t, token } = await indianClinic('2025-03-10T20:00:00.000Z')
    const baby = await create(t.core, token, { name: 'Baby Nair', dateOfBirth: '2025-03-11' })
    expect(baby.dateOfBirth).toBe('2025-03-11')
  })

  it('refuses a date of birth that is not a real day', async () => {
    const error = await expectRefused({ name: 'Anita Desai', dateOfBirth: '2023-02-30' }, 'dateOfBirth')
    expect(error.fields?.dateOfBirth).toBe('is not a real date')
  })

  it('refuses a field it does not know', async () => {
    const error = await expectRefused({ name: 'Anita Desai', bloodGroup: 'O+' }, 'bloodGroup')
    expect(error.fields?.bloodGroup).toBe('is not a known field')
  })

  it('names every wrong field at once', async () => {
    const error = await expectRefused({ name: 'Anita Desai', phone: '12345', email: 'nope', dateOfBirth: '2023-02-30' }, 'phone')
    expect(Object.keys(error.fields!).sort()).toEqual(['dateOfBirth', 'email', 'phone'])
  })

  it('says NOT_FOUND for an id that is no patient, on get and on update', async () => {
    const { t, token } = shared
    expect((await callError(t.core, 'patients.get', { id: MISSING_ID }, token)).code).toBe('NOT_FOUND')
    expect((await callError(t.core, 'patients.update', { id: MISSING_ID, fields: { city: 'Pune' } }, token)).code).toBe('NOT_FOUND')
  })
})

describe('who may do what', () => {
  it('lets a doctor find and open patients but not register one', async () => {
    const { t, token } = await indianClinic()
    const patient = await create(t.core, token, { name: 'Anita Desai' })
    const doctor = await addStaff(t.core, token, 'doctor')

    const error = await callError(t.core, 'patients.create', { name: 'Someone New' }, doctor.token)
    expect(error.code).toBe('FORBIDDEN')
    expect((await call<Patient>(t.core, 'patients.get', { id: patient.id }, doctor.token)).name).toBe('Anita Desai')
    expect((await search(t.core, doctor.token, 'anita')).map((p) => p.id)).toEqual([patient.id])
    expect((await recent(t.core, token)).map((p) => p.name)).toEqual(['Anita Desai'])
  })

  it('does not let a receptionist merge patients', async () => {
    const { t, token } = await indianClinic()
    const a = await create(t.core, token, { name: 'Anita Desai' })
    const b = await create(t.core, token, { name: 'Anitha Desai', allowDuplicate: true })
    const desk = await addStaff(t.core, token, 'receptionist')

    const error = await callError(t.core, 'patients.merge', { survivorId: a.id, mergedId: b.id }, desk.token)
    expect(error.code).toBe('FORBIDDEN')
    expect((await call<Patient>(t.core, 'patients.get', { id: b.id }, token)).mergedInto).toBeNull()
  })
})

describe('likely duplicates', () => {
  async function clinicWithRamesh() {
    const { t, token } = await indianClinic()
    const ramesh = await create(t.core, token, { name: 'Ramesh Kumar', phone: '98765 43210', email: 'ramesh@example.com', dateOfBirth: '1980-02-03' })
    return { t, token, ramesh }
  }

  it('finds the same phone number typed another way', async () => {
    const { t, token, ramesh } = await clinicWithRamesh()
    const matches = await call<DuplicateMatch[]>(t.core, 'patients.findDuplicates', { name: 'R K', phone: '+91 98765-43210' }, token)
    expect(matches).toHaveLength(1)
    expect(matches[0]).toMatchObject({ patient: { id: ramesh.id, number: 'P-000001' }, reasons: ['phone'] })
  })

  it('finds the same email in another case', async () => {
    const { t, token, ramesh } = await clinicWithRamesh()
    const matches = await call<DuplicateMatch[]>(t.core, 'patients.findDuplicates', { name: 'Someone', email: 'RAMESH@Example.com' }, token)
    expect(matches.map((m) => [m.patient.id, m.reasons])).toEqual([[ramesh.id, ['email']]])
  })

  it('finds the same date of birth with a slightly different spelling of the name', async () => {
    const { t, token, ramesh } = await clinicWithRamesh()
    const matches = await call<DuplicateMatch[]>(t.core, 'patients.findDuplicates', { name: 'Ramesh Kumaar', dateOfBirth: '1980-02-03' }, token)
    expect(matches.map((m) => [m.patient.id, m.reasons])).toEqual([[ramesh.id, ['name and date of birth']]])
  })

  it('lists every reason when several agree, and does not flag another person born the same day', async () => {
    const { t, token, ramesh } = await clinicWithRamesh()
    await create(t.core, token, { name: 'Anita Desai', dateOfBirth: '1980-02-03' })
    const all = await call<DuplicateMatch[]>(t.core, 'patients.findDuplicates', { name: 'Ramesh Kumaar', phone: '9876543210', email: 'ramesh@example.com', dateOfBirth: '1980-02-03' }, token)
    expect(all).toHaveLength(1)
    expect(all[0].patient.id).toBe(ramesh.id)
    expect([...all[0].reasons].sort()).toEqual(['email', 'name and date of birth', 'phone'])

    const other = await call<DuplicateMatch[]>(t.core, 'patients.findDuplicates', { name: 'Sunita Rao', dateOfBirth: '1980-02-03' }, token)
    expect(other).toEqual([])
  })

  it('refuses to register a likely duplicate, naming the existing patient, and writes nothing', async () => {
    const { t, token } = await clinicWithRamesh()
    const error = await callError(t.core, 'patients.create', { name: 'Ramesh Kumaar', phone: '09876543210', dateOfBirth: '1980-02-03' }, token)
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toContain('P-000001')
    expect(error.message).toContain('Ramesh Kumar')
    expect((await recent(t.core, token)).map((p) => p.number)).toEqual(['P-000001'])
    expect((await search(t.core, token, 'kumaar')).map((p) => p.name)).not.toContain('Ramesh Kumaar')
  })

  it('registers the duplicate anyway when asked to', async () => {
    const { t, token } = await clinicWithRamesh()
    const second = await create(t.core, token, { name: 'Ramesh Kumaar', phone: '09876543210', dateOfBirth: '1980-02-03', allowDuplicate: true })
    expect(second.number).toBe('P-000002')
    expect((await recent(t.core, token)).map((p) => p.number).sort()).toEqual(['P-000001', 'P-000002'])
  })
})

describe('editing, archiving and restoring', () => {
  it('records each changed field with its value before and after', async () => {
    const { t, token } = await indianClinic()
    const patient = await create(t.core, token, { name: 'Anita Desai', phone: '98765 43210', city: 'Mumbai' })
    t.clock.advance(MINUTE)

    const updated = await call<Patient>(t.core, 'patients.update', { id: patient.id, fields: { phone: '+91 91234 56789', city: 'Pune', name: 'Anita Desai' } }, token)

    expect(updated).toMatchObject({ phone: '+919123456789', city: 'Pune', name: 'Anita Desai', updatedAt: '2025-03-10T09:01:00.000Z' })
    const history = await call<PatientChange[]>(t.core, 'patients.history', { id: patient.id }, token)
    expect(history.map((h) => h.action)).toEqual(['updated', 'created'])
    expect(history[0].changes).toEqual({ phone: ['+919876543210', '+919123456789'], city: ['Mumbai', 'Pune'] })
    expect(history[0].byName).toBe(ADMIN.name)
  })

  it('changes only the fields sent, leaving the rest of the record as it was', async () => {
    const { t, token } = await indianClinic()
    const patient = await create(t.core, token, { name: 'Anita Desai', phone: '98765 43210', email: 'anita@example.com', dateOfBirth: '1980-02-03', gender: 'female', allergies: 'Penicillin' })
    t.clock.advance(MINUTE)

    const updated = await call<Patient>(t.core, 'patients.update', { id: patient.id, fields: { city: 'Pune' } }, token)

    expect(updated).toMatchObject({ city: 'Pune', phone: '+919876543210', email: 'anita@example.com', dateOfBirth: '1980-02-03', gender: 'female', allergies: 'Penicillin' })
    const history = await call<PatientChange[]>(t.core, 'patients.history', { id: patient.id }, token)
    expect(history[0].changes).toEqual({ city: ['', 'Pune'] })
  })

  it('refuses an invalid edit and keeps the old values', async () => {
    const { t, token } = await indianClinic()
    const patient = await create(t.core, token, { name: 'Anita Desai', phone: '98765 43210' })
    const error = await callError(t.core, 'patients.update', { id: patient.id, fields: { phone: '555', city: 'Pune' } }, token)
    expect(error.code).toBe('VALIDATION')
    expect(error.fields?.['fields.phone']).toBeDefined() // named as in the input, like the schema's own errors
    expect(await call<Patient>(t.core, 'patients.get', { id: patient.id }, token)).toMatchObject({ phone: '+919876543210', city: '' })
  })

  it('archives only with a reason, hides the patient from search and recent, and restores', async () => {
    const { t, token } = await indianClinic()
    const patient = await create(t.core, token, { name: 'Anita Desai' })

    const noReason = await callError(t.core, 'patients.archive', { id: patient.id, reason: '  ' }, token)
    expect(noReason.code).toBe('VALIDATION')
    expect(noReason.fields?.reason).toBe('is required')
    expect((await callError(t.core, 'patients.archive', { id: patient.id }, token)).fields?.reason).toBe('is required')
    expect(await search(t.core, token, 'anita')).toHaveLength(1)

    t.clock.advance(MINUTE)
    const archived = await call<Patient>(t.core, 'patients.archive', { id: patient.id, reason: 'Moved abroad' }, token)
    expect(archived.archivedAt).toBe('2025-03-10T09:01:00.000Z')
    expect(await search(t.core, token, 'anita')).toEqual([])
    expect(await recent(t.core, token)).toEqual([])
    expect((await call<Patient>(t.core, 'patients.get', { id: patient.id }, token)).archivedAt).toBe('2025-03-10T09:01:00.000Z')

    const again = await callError(t.core, 'patients.archive', { id: patient.id, reason: 'Again' }, token)
    expect(again.code).toBe('CONFLICT')
    expect(again.message).toContain('P-000001')

    t.clock.advance(MINUTE)
    const restored = await call<Patient>(t.core, 'patients.restore', { id: patient.id }, token)
    expect(restored.archivedAt).toBeNull()
    expect((await search(t.core, token, 'anita')).map((p) => p.id)).toEqual([patient.id])
    expect((await recent(t.core, token)).map((p) => p.id)).toEqual([patient.id])
    const history = await call<PatientChange[]>(t.core, 'patients.history', { id: patient.id }, token)
    expect(history.map((h) => [h.action, h.note])).toEqual([
      ['restored', null],
      ['archived', 'Moved abroad'],
      ['created', null]
    ])
  })
})

describe('merging and unmerging', () => {
  const REFS = [{ table: 'test_appointments', idColumn: 'id', patientColumn: 'patient_id' }]

  async function appointmentsOf(t: TestCore, patientId: string): Promise<string[]> {
    const rows = await sql<{ id: string }>`select id from test_appointments where patient_id = ${patientId} order by id`.execute(t.core.services.db)
    return rows.rows.map((r) => r.id)
  }

  async function twoRecordsOfOnePerson() {
    const { t, token } = await indianClinic()
    const admin = (await call<SessionInfo>(t.core, 'auth.session', {}, token)).user
    const survivor = await create(t.core, token, { name: 'Ramesh Kumar', phone: '98765 43210', dateOfBirth: '1980-02-03' })
    const merged = await create(t.core, token, { name: 'Ramesh Kumaar', phone: '91234 56789', email: 'ramesh@example.com', dateOfBirth: '1980-02-03', city: 'Pune', allowDuplicate: true })
    const db = t.core.services.db
    await sql`create table test_appointments (id text primary key, patient_id text references patients (id))`.execute(db)
    await sql`insert into test_appointments (id, patient_id) values ('a1', ${survivor.id}), ('a2', ${survivor.id}), ('b1', ${merged.id}), ('b2', ${merged.id})`.execute(db)
    const settings = await requireSettings(db)
    // Merges with a test table of references, journaled as the admin would be through the API.
    const asAdmin = <T,>(method: 'patients.merge' | 'patients.unmerge', work: (tx: WriteContext) => Promise<T>) => t.core.journaledWrite(method, admin, work)
    return { t, token, survivor, merged, settings, asAdmin }
  }

  it('moves the other record’s rows to the kept one, takes the chosen values, and archives the other record', async () => {
    const { t, token, survivor, merged, settings, asAdmin } = await twoRecordsOfOnePerson()
    t.clock.advance(MINUTE)
    const merge = await asAdmin('patients.merge', (tx) => mergePatients(tx, settings, { survivorId: survivor.id, mergedId: merged.id, fields: { phone: '91234 56789', email: 'ramesh@example.com', city: 'Pune' } }, REFS))

    expect(merge.moved).toEqual({ test_appointments: 2 })
    expect(merge.survivor.id).toBe(survivor.id)
    expect(merge.byName).toBe(ADMIN.name)
    expect(await appointmentsOf(t, survivor.id)).toEqual(['a1', 'a2', 'b1', 'b2'])
    expect(await appointmentsOf(t, merged.id)).toEqual([])
    expect(await call<Patient>(t.core, 'patients.get', { id: survivor.id }, token)).toMatchObject({
      name: 'Ramesh Kumar',
      phone: '+919123456789',
      email: 'ramesh@example.com',
      city: 'Pune',
      archivedAt: null
    })
    const gone = await call<Patient>(t.core, 'patients.get', { id: merged.id }, token)
    expect(gone.mergedInto).toBe(survivor.id)
    expect(gone.archivedAt).toBe('2025-03-10T09:01:00.000Z')
    expect((await search(t.core, token, 'ramesh')).map((p) => p.id)).toEqual([survivor.id])
    const history = await call<PatientChange[]>(t.core, 'patients.history', { id: survivor.id }, token)
    expect(history[0]).toMatchObject({ action: 'merged', changes: { phone: ['+919876543210', '+919123456789'], email: ['', 'ramesh@example.com'], city: ['', 'Pune'] } })
    expect(history[0].note).toContain('P-000002')
  })

  it('undoes a merge: exactly the moved rows go back, changed fields revert, later edits stay, the record returns', async () => {
    const { t, token, survivor, merged, settings, asAdmin } = await twoRecordsOfOnePerson()
    const db = t.core.services.db
    t.clock.advance(MINUTE)
    const merge = await asAdmin('patients.merge', (tx) => mergePatients(tx, settings, { survivorId: survivor.id, mergedId: merged.id, fields: { phone: '91234 56789', email: 'ramesh@example.com', city: 'Pune' } }, REFS))

    // After the merge: a new booking for the kept record, and a staff edit to its email.
    await sql`insert into test_appointments (id, patient_id) values ('c1', ${survivor.id})`.execute(db)
    t.clock.advance(MINUTE)
    // The edit form sends every field back, with the email changed.
    const { id: _id, number: _n, hasPhoto: _h, photoVersion: _pv, archivedAt: _a, archivedReason: _ar, mergedInto: _m, createdAt: _c, updatedAt: _u, emailVerifiedAt: _v, ...form } = await call<Patient>(t.core, 'patients.get', { id: survivor.id }, token)
    await call(t.core, 'patients.update', { id: survivor.id, fields: { ...form, email: 'ramesh.k@example.com' } }, token)

    t.clock.advance(MINUTE)
    const undone = await asAdmin('patients.unmerge', (tx) => unmergePatients(tx, merge.id))

    expect(undone.undoneAt).toBe('2025-03-10T09:03:00.000Z')
    expect(await appointmentsOf(t, survivor.id)).toEqual(['a1', 'a2', 'c1'])
    expect(await appointmentsOf(t, merged.id)).toEqual(['b1', 'b2'])
    expect(await call<Patient>(t.core, 'patients.get', { id: survivor.id }, token)).toMatchObject({ phone: '+919876543210', city: '', email: 'ramesh.k@example.com' })
    const back = await call<Patient>(t.core, 'patients.get', { id: merged.id }, token)
    expect(back).toMatchObject({ mergedInto: null, archivedAt: null, name: 'Ramesh Kumaar', phone: '+919123456789', city: 'Pune' })
    expect((await search(t.core, token, 'ramesh')).map((p) => p.id).sort()).toEqual([survivor.id, merged.id].sort())

    await expect(asAdmin('patients.unmerge', (tx) => unmergePatients(tx, merge.id))).rejects.toMatchObject({ code: 'CONFLICT' })
  })

  it('refuses to merge a patient into itself', async () => {
    const { t, survivor, settings, asAdmin } = await twoRecordsOfOnePerson()
    const attempt = asAdmin('patients.merge', (tx) => mergePatients(tx, settings, { survivorId: survivor.id, mergedId: survivor.id, fields: {} }, REFS))
    await expect(attempt).rejects.toMatchObject({ code: 'VALIDATION', fields: { mergedId: expect.any(String) } })
    expect(await appointmentsOf(t, survivor.id)).toEqual(['a1', 'a2'])
  })

  it('through the API, changes only the kept record’s fields that were picked', async () => {
    const { t, token } = await indianClinic()
    const kept = await create(t.core, token, { name: 'Priya Nair', phone: '98765 43210', dateOfBirth: '1985-07-14', allergies: 'Sulfa drugs' })
    const other = await create(t.core, token, { name: 'Priya Nayar', email: 'priya@example.com' })

    await call<PatientMerge>(t.core, 'patients.merge', { survivorId: kept.id, mergedId: other.id, fields: { email: 'priya@example.com' } }, token)

    expect(await call<Patient>(t.core, 'patients.get', { id: kept.id }, token)).toMatchObject({
      email: 'priya@example.com',
      phone: '+919876543210',
      dateOfBirth: '1985-07-14',
      allergies: 'Sulfa drugs'
    })
  })

  it('works end to end through the API for an admin: merge, list, undo', async () => {
    const { t, token } = await indianClinic()
    const kept = await create(t.core, token, { name: 'Priya Nair', phone: '98765 43210' })
    const other = await create(t.core, token, { name: 'Priya Nayar', email: 'priya@example.com', allowDuplicate: true })
    const unrelated = await create(t.core, token, { name: 'Oliver Brown' })

    t.clock.advance(MINUTE)
    const merge = await call<PatientMerge>(t.core, 'patients.merge', { survivorId: kept.id, mergedId: other.id, fields: { email: 'priya@example.com' } }, token)
    expect(merge).toMatchObject({ survivor: { id: kept.id, email: 'priya@example.com' }, merged: { id: other.id }, byName: ADMIN.name, undoneAt: null, moved: {} })
    expect((await search(t.core, token, 'priya')).map((p) => p.id)).toEqual([kept.id])

    const self = await callError(t.core, 'patients.merge', { survivorId: kept.id, mergedId: kept.id }, token)
    expect(self.code).toBe('VALIDATION')
    expect(self.fields?.mergedId).toBeDefined()
    const twice = await callError(t.core, 'patients.merge', { survivorId: kept.id, mergedId: other.id }, token)
    expect(twice.code).toBe('CONFLICT')

    const list = await call<PatientMerge[]>(t.core, 'patients.merges', {}, token)
    expect(list.map((m) => m.id)).toEqual([merge.id])
    expect(await call<PatientMerge[]>(t.core, 'patients.merges', { patientId: other.id }, token)).toHaveLength(1)
    expect(await call<PatientMerge[]>(t.core, 'patients.merges', { patientId: unrelated.id }, token)).toEqual([])

    t.clock.advance(MINUTE)
    const undone = await call<PatientMerge>(t.core, 'patients.unmerge', { mergeId: merge.id }, token)
    expect(undone.undoneAt).toBe('2025-03-10T09:02:00.000Z')
    expect((await call<Patient>(t.core, 'patients.get', { id: kept.id }, token)).email).toBe('')
    expect((await search(t.core, token, 'priya')).map((p) => p.id).sort()).toEqual([kept.id, other.id].sort())
    expect((await callError(t.core, 'patients.unmerge', { mergeId: merge.id }, token)).code).toBe('CONFLICT')
    expect((await call<PatientMerge[]>(t.core, 'patients.merges', {}, token))[0].undoneAt).toBe('2025-03-10T09:02:00.000Z')
  })
})

describe('patient photos', () => {
  const filesIn = (dataDir: string): string[] => {
    const root = join(dataDir, 'files')
    if (!existsSync(root)) return []
    return readdirSync(root).flatMap((dir) => readdirSync(join(root, dir)).map((f) => join(dir, f)))
  }
  const png = () => sharp({ create: { width: 800, height: 600, channels: 3, background: '#3a7' } }).png().toBuffer()

  it('stores a 512×512 JPEG by its sha256, and serves its bytes back', async () => {
    const { t, token } = await indianClinic()
    const patient = await create(t.core, token, { name: 'Anita Desai' })

    const updated = await call<Patient>(t.core, 'patients.setPhoto', { id: patient.id, file: await png() }, token)

    expect(updated.hasPhoto).toBe(true)
    const files = filesIn(t.dataDir)
    expect(files).toHaveLength(1)
    const [dir, name] = files[0].split(/[\\/]/)
    const bytes = readFileSync(join(t.dataDir, 'files', files[0]))
    expect(name).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(dir).toBe(name.slice(0, 2))
    const meta = await sharp(bytes).metadata()
    expect(meta).toMatchObject({ width: 512, height: 512, format: 'jpeg' })

    const photo = await call<{ type: string; bytes: Uint8Array } | null>(t.core, 'patients.photo', { id: patient.id }, token)
    expect(photo?.type).toBe('image/jpeg')
    expect(Buffer.from(photo!.bytes).equals(bytes)).toBe(true)
    expect((await search(t.core, token, 'anita'))[0].hasPhoto).toBe(true)
  })

  it('stores the same photo once however many times it is given', async () => {
    const { t, token } = await indianClinic()
    const a = await create(t.core, token, { name: 'Anita Desai' })
    const b = await create(t.core, token, { name: 'Oliver Brown' })
    const file = await png()
    await call(t.core, 'patients.setPhoto', { id: a.id, file }, token)
    await call(t.core, 'patients.setPhoto', { id: a.id, file }, token)
    await call(t.core, 'patients.setPhoto', { id: b.id, file }, token)
    expect(filesIn(t.dataDir)).toHaveLength(1)
    const history = await call<PatientChange[]>(t.core, 'patients.history', { id: a.id }, token)
    expect(history.filter((h) => h.action === 'photo')).toHaveLength(1)
  })

  it('refuses a file that is not an image, naming the file field', async () => {
    const { t, token } = await indianClinic()
    const patient = await create(t.core, token, { name: 'Anita Desai' })
    const text = Buffer.from('this is a text file renamed to photo.png\n')
    const error = await callError(t.core, 'patients.setPhoto', { id: patient.id, file: text }, token)
    expect(error.code).toBe('VALIDATION')
    expect(error.fields?.file).toMatch(/JPEG, PNG or WebP/)
    expect((await call<Patient>(t.core, 'patients.get', { id: patient.id }, token)).hasPhoto).toBe(false)
    expect(filesIn(t.dataDir)).toEqual([])
  })

  it('takes a full-size phone photo of 6 MB in any orientation, and refuses one larger than 25 MB', async () => {
    const { t, token } = await indianClinic()
    const patient = await create(t.core, token, { name: 'Anita Desai' })
    const header = await png()
    // A 3000×2000 noise photo, stored on its side (EXIF orientation 6): about 6 MB as a PNG.
    const noise = Buffer.alloc(3000 * 2000 * 3)
    for (let i = 0; i < noise.length; i += 4) noise.writeUInt32LE((i * 2654435761) >>> 0, Math.min(i, noise.length - 4))
    const phone = await sharp(noise, { raw: { width: 3000, height: 2000, channels: 3 } }).png({ compressionLevel: 0 }).withMetadata({ orientation: 6 }).toBuffer()
    expect(phone.length).toBeGreaterThan(5 * 1024 * 1024)
    const withPhoto = await call<Patient>(t.core, 'patients.setPhoto', { id: patient.id, file: phone }, token)
    expect(withPhoto.hasPhoto).toBe(true)
    const stored = filesIn(t.dataDir)
    expect(stored).toHaveLength(1)
    const big = Buffer.concat([header, Buffer.alloc(25 * 1024 * 1024 + 1 - header.length)])
    const error = await callError(t.core, 'patients.setPhoto', { id: patient.id, file: big }, token)
    expect(error.code).toBe('VALIDATION')
    expect(error.fields?.file).toMatch(/25 MB/)
    const base64 = await callError(t.core, 'patients.setPhoto', { id: patient.id, file: header.toString('base64') }, token)
    expect(base64.fields?.file).toBe('must be a file')
    // The refused ones left nothing behind.
    expect(filesIn(t.dataDir)).toEqual(stored)
  })

  it('removes the photo', async () => {
    const { t, token } = await indianClinic()
    const patient = await create(t.core, token, { name: 'Anita Desai' })
    await call(t.core, 'patients.setPhoto', { id: patient.id, file: await png() }, token)
    const removed = await call<Patient>(t.core, 'patients.removePhoto', { id: patient.id }, token)
    expect(removed.hasPhoto).toBe(false)
    expect(await call(t.core, 'patients.photo', { id: patient.id }, token)).toBeNull()
  })
})

describe('importing patients from CSV', () => {
  const bytes = (text: string) => new TextEncoder().encode(text)
  const count = async (t: TestCore) =>
    Number((await t.core.services.db.selectFrom('patients').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  it('maps common header names and reports the ones it cannot use', async () => {
    const { t, token } = await indianClinic()
    const csv = 'Patient Name,Mobile No,DOB,Sex,Pincode,Referred By\nAnita Desai,98765 43210,03/02/1980,F,411001,Dr Rao\n'
    const preview = await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(csv) }, token)
    expect(preview.columns).toEqual({ name: 'Patient Name', phone: 'Mobile No', dateOfBirth: 'DOB', gender: 'Sex', postalCode: 'Pincode' })
    expect(preview.unmappedHeaders).toEqual(['Referred By'])
    expect(preview).toMatchObject({ total: 1, valid: 1, withErrors: 0, duplicates: 0 })
    expect(await count(t)).toBe(0)
  })

  it('keeps every column an Indian clinic file has: Email ID, Mobile No, D.O.B or Age, Gender (M/F) and the old file number', async () => {
    const { t, token } = await indianClinic()
    const csv = [
      "Patient's Name,Mobile No.,Email ID,D.O.B,Age,Gender (M/F),UHID",
      'Anita Desai,98765 43210,anita@example.com,03/02/1980,,F,OLD-1042',
      'Kamala Bai,91234 56789,,,62,F,OLD-1043'
    ].join('\n')
    const preview = await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(csv) }, token)
    expect(preview.columns).toEqual({ name: "Patient's Name", phone: 'Mobile No.', email: 'Email ID', dateOfBirth: 'D.O.B', gender: 'Gender (M/F)', previousNumber: 'UHID' })
    expect(preview.unmappedHeaders).toEqual([])
    expect(preview).toMatchObject({ total: 2, valid: 2, withErrors: 0 })
    await call(t.core, 'patients.importCommit', { file: bytes(csv) }, token)
    const [anita] = await search(t.core, token, 'OLD-1042')
    expect(anita).toMatchObject({ name: 'Anita Desai', email: 'anita@example.com', dateOfBirth: '1980-02-03', dateOfBirthEstimated: false, matchedOn: 'previous number' })
    const [kamala] = await search(t.core, token, 'old-1043')
    expect(kamala).toMatchObject({ name: 'Kamala Bai', dateOfBirthEstimated: true })
    expect(kamala.dateOfBirth!.slice(0, 4)).toBe(String(2025 - 62))
    expect((await call<Patient>(t.core, 'patients.get', { id: kamala.id }, token)).previousNumber).toBe('OLD-1043')
  })

  it('imports the valid rows when asked, and hands the others back as a CSV with what is wrong', async () => {
    const { t, token } = await indianClinic()
    const csv = ['Name,Mobile No,D.O.B,Gender (M/F)', 'Anita Desai,98765 43210,03/02/1980,F', '"Sunita ""Sunny"" Rao",,31/02/1990,F', 'Vikram Nair,91234 56789,,X', 'Meena Pillai,,,F'].join('\n')
    const error = await callError(t.core, 'patients.importCommit', { file: bytes(csv) }, token)
    expect(error.message).toMatch(/Nothing was imported: 2 rows have errors/)
    expect(await count(t)).toBe(0)
    const result = await call<ImportResult>(t.core, 'patients.importCommit', { file: bytes(csv), skipInvalid: true }, token)
    expect(result).toMatchObject({ imported: 2, skippedInvalid: 2, skippedDuplicates: 0 })
    expect(await count(t)).toBe(2)
    expect(result.rejectedCsv!.split('\r\n')).toEqual([
      'Name,Mobile No,D.O.B,Gender (M/F),Errors',
      '"Sunita ""Sunny"" Rao",,31/02/1990,F,"Line 3: Date of birth ""31/02/1990"" is not a date (use DD/MM/YYYY or YYYY-MM-DD)"',
      'Vikram Nair,91234 56789,,X,"Line 4: Gender ""X"" is not female, male or other"',
      ''
    ])
  })

  it('reports bad rows and likely duplicates with their line numbers', async () => {
    const { t, token } = await indianClinic()
    await create(t.core, token, { name: 'Ramesh Kumar', phone: '98765 43210' })
    const csv = [
      'Name,Phone,Date of birth,Gender,Email',
      'Anita Desai,91234 56789,03/02/1980,F,', // 2: fine
      'Sunita Rao,,31/02/1990,F,', // 3: no such day
      'Oliver Brown,+44 7911 123456,1975-06-01,X,', // 4: unknown gender
      'R Kumar,+91 98765 43210,,M,', // 5: phone of P-000001
      'Meena Pillai,,,F,meena@example.com', // 6
      'Meena P,,,F,MEENA@example.com' // 7: same email as line 6
    ].join('\n')
    const preview = await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(csv) }, token)

    expect(preview).toMatchObject({ total: 6, valid: 4, withErrors: 2, duplicates: 2 })
    const line = (n: number) => preview.rows.find((r) => r.line === n)!
    expect(line(3)).toMatchObject({ name: 'Sunita Rao', duplicates: [] })
    expect(Object.keys(line(3).errors)).toEqual(['dateOfBirth'])
    expect(line(3).errors.dateOfBirth).toContain('31/02/1990')
    expect(Object.keys(line(4).errors)).toEqual(['gender'])
    expect(line(4).name).toBe('Oliver Brown')
    expect(line(5).duplicates).toEqual(['P-000001'])
    expect(line(6).duplicates).toEqual([])
    expect(line(7).duplicates).toEqual(['line 6'])
    expect(line(2)).toMatchObject({ errors: {}, duplicates: [] })
    // Rows needing a look come first.
    expect(preview.rows.slice(0, 4).map((r) => r.line).sort()).toEqual([3, 4, 5, 7])
  })

  it('counts lines as the file has them, across blank lines and quoted line breaks', async () => {
    const { t, token } = await indianClinic()
    const csv = ['Name,Address,DOB', 'Anita Desai,"Flat 4', 'MG Road",03/02/1980', '', 'Sunita Rao,,31/02/1990'].join('\n')
    const preview = await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(csv) }, token)
    expect(preview.withErrors).toBe(1)
    const bad = preview.rows.find((r) => Object.keys(r.errors).length)!
    expect(bad.name).toBe('Sunita Rao')
    // "Sunita Rao" is on line 5 of the file a user opens in a text editor or spreadsheet.
    expect(bad.line).toBe(5)
  })

  it('imports nothing when any row has an error', async () => {
    const { t, token } = await indianClinic()
    const csv = 'Name,DOB\nAnita Desai,03/02/1980\nSunita Rao,31/02/1990\nOliver Brown,1975-06-01\n'
    const error = await callError(t.core, 'patients.importCommit', { file: bytes(csv) }, token)
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toContain('line 3')
    expect(await count(t)).toBe(0)
    expect(await recent(t.core, token)).toEqual([])
  })

  it('imports a 1,000-row file, skipping likely duplicates, and reports progress to the end', async () => {
    const { t, token } = await indianClinic()
    await create(t.core, token, { name: 'Ramesh Kumar', phone: '98765 43210' })
    const first = ['Aarav', 'Vivaan', 'Aditya', 'Diya', 'Ananya', 'Ishaan', 'Kavya', 'Rohan', 'Saanvi', 'Arjun', 'Olivia', 'Liam', 'Noah', 'Emma', 'Mateo', 'Sofia', 'Yuki', 'Chen', 'Fatima', 'Omar']
    const last = ['Sharma', 'Patel', 'Iyer', 'Reddy', 'Nair', 'Gupta', 'Singh', 'Das', 'Khan', 'Joshi', 'Smith', 'Garcia', 'Tanaka', 'Wang', 'Haddad', 'Okafor', 'Silva', 'Muller', 'Rossi', 'Kowalski']
    const lines = ['First name,Last name,Mobile,Birth date,Gender']
    for (let i = 0; i < 1000; i++) {
      const dob = new Date(Date.UTC(1950, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)
      lines.push(`${first[i % 20]},${last[Math.floor(i / 20) % 20]} ${i},${9_000_000_000 + i},${dob},${i % 2 ? 'M' : 'F'}`)
    }
    lines[500] = 'Ramesh,Kumar,+91 98765 43210,,M' // line 501 is P-000001
    lines[900] = `Copy,Of Line Two,${9_000_000_000},,F` // line 901 repeats line 2's phone
    const csv = lines.join('\r\n')

    const events: ProgressEvent[] = []
    const stop = t.core.onProgress((e) => events.push(e))
    const result = await call<{ imported: number; skippedDuplicates: number }>(t.core, 'patients.importCommit', { file: bytes(csv), jobId: 'job-1' }, token)
    stop()

    expect(result).toEqual({ imported: 998, skippedDuplicates: 2, skippedInvalid: 0, rejectedCsv: null })
    expect(await count(t)).toBe(999)
    expect(events.length).toBeGreaterThan(1)
    expect(events.every((e) => e.jobId === 'job-1' && e.total === 998)).toBe(true)
    expect(events.map((e) => e.done)).toEqual([...events.map((e) => e.done)].sort((a, b) => a - b))
    expect(events.at(-1)).toEqual({ jobId: 'job-1', done: 998, total: 998 })

    const found = await search(t.core, token, '9000000123')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ name: 'Diya Singh 123', phone: '+919000000123', dateOfBirth: '1950-05-04', gender: 'male' })
    const history = await call<PatientChange[]>(t.core, 'patients.history', { id: found[0].id }, token)
    expect(history[0]).toMatchObject({ action: 'imported', note: 'Imported from CSV, line 125', byName: ADMIN.name })
    expect(await search(t.core, token, 'copy of line')).toEqual([])
  })

  it('imports likely duplicates too when told to', async () => {
    const { t, token } = await indianClinic()
    await create(t.core, token, { name: 'Ramesh Kumar', phone: '98765 43210' })
    const csv = 'Name,Phone\nR Kumar,+91 98765 43210\nAnita Desai,91234 56789\nA Desai,091234 56789\n'
    const result = await call<{ imported: number; skippedDuplicates: number }>(t.core, 'patients.importCommit', { file: bytes(csv), includeDuplicates: true }, token)
    expect(result).toEqual({ imported: 3, skippedDuplicates: 0, skippedInvalid: 0, rejectedCsv: null })
    expect((await search(t.core, token, '98765 43210')).map((p) => p.number).sort()).toEqual(['P-000001', 'P-000002'])
  })

  it('reads quoted fields holding commas, and a file that starts with a UTF-8 byte order mark', async () => {
    const { t, token } = await indianClinic()
    const csv = '\uFEFF"Name","Address","City","Phone"\r\n"Sharma, Ramesh","12, MG Road","Pune","98765 43210"\r\n"D\'Souza, Maria","Flat 3, ""Sea View""",Goa,\r\n'
    const preview = await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(csv) }, token)
    expect(preview.columns).toEqual({ name: 'Name', addressLine: 'Address', city: 'City', phone: 'Phone' })
    expect(preview).toMatchObject({ total: 2, valid: 2, unmappedHeaders: [] })

    await call(t.core, 'patients.importCommit', { file: bytes(csv) }, token)
    const [ramesh] = await search(t.core, token, 'ramesh')
    expect(await call<Patient>(t.core, 'patients.get', { id: ramesh.id }, token)).toMatchObject({ name: 'Sharma, Ramesh', addressLine: '12, MG Road', city: 'Pune', phone: '+919876543210' })
    const [maria] = await search(t.core, token, 'maria')
    expect(await call<Patient>(t.core, 'patients.get', { id: maria.id }, token)).toMatchObject({ name: "D'Souza, Maria", addressLine: 'Flat 3, "Sea View"', city: 'Goa' })
  })

  it('joins First name and Last name columns into the name', async () => {
    const { t, token } = await indianClinic()
    const csv = 'First name,Last name,Mobile\nPriya,Nair,98765 43210\nMadonna,,91234 56789\n'
    const preview = await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(csv) }, token)
    expect(preview.unmappedHeaders).toEqual([])
    expect(preview.rows.map((r) => r.name).sort()).toEqual(['Madonna', 'Priya Nair'])
    await call(t.core, 'patients.importCommit', { file: bytes(csv) }, token)
    expect((await recent(t.core, token)).map((p) => p.name).sort()).toEqual(['Madonna', 'Priya Nair'])
  })

  describe('with the admin choosing where columns go', () => {
    const csv = [
      'Patient Name,Mobile No,Ref No,Mobile (WhatsApp),Referred By,Blood Group,City',
      'Anita Desai,98765 43210,R-77,91234 56789,Dr Rao,B+,Pune',
      'Kamala Bai,98220 10001,R-78,,Dr Shah,,Nashik',
      'Vikram Nair,98220 10002,R-79,,,O-,Kochi'
    ].join('\n')
    const patientByName = async (core: TestCore['core'], token: string, name: string) => {
      const [found] = await search(core, token, name)
      return call<Patient>(core, 'patients.get', { id: found.id }, token)
    }

    it('reports every column with where it goes, how, and a few of its values', async () => {
      const { t, token } = await indianClinic()
      const preview = await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(csv) }, token)
      expect(preview.fileColumns).toEqual([
        { header: 'Patient Name', target: 'name', mappedBy: 'header', samples: ['Anita Desai', 'Kamala Bai', 'Vikram Nair'] },
        { header: 'Mobile No', target: 'phone', mappedBy: 'header', samples: ['98765 43210', '98220 10001', '98220 10002'] },
        { header: 'Ref No', target: null, mappedBy: null, samples: ['R-77', 'R-78', 'R-79'] },
        { header: 'Mobile (WhatsApp)', target: null, mappedBy: null, samples: ['91234 56789'] },
        { header: 'Referred By', target: null, mappedBy: null, samples: ['Dr Rao', 'Dr Shah'] },
        { header: 'Blood Group', target: null, mappedBy: null, samples: ['B+', 'O-'] },
        { header: 'City', target: 'city', mappedBy: 'header', samples: ['Pune', 'Nashik', 'Kochi'] }
      ])
      expect(preview.unmappedHeaders).toEqual(['Ref No', 'Mobile (WhatsApp)', 'Referred By', 'Blood Group'])
    })

    it('imports an unrecognised column into the field chosen for it, and adds others to the notes', async () => {
      const { t, token } = await indianClinic()
      const mapping = { 'Ref No': 'previousNumber', 'Referred By': 'addToNotes', 'Blood Group': 'addToNotes' }
      const preview = await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(csv), mapping }, token)
      expect(preview.columns).toEqual({ name: 'Patient Name', phone: 'Mobile No', previousNumber: 'Ref No', city: 'City' })
      expect(preview.fileColumns.map((c) => [c.header, c.target, c.mappedBy])).toEqual([
        ['Patient Name', 'name', 'header'],
        ['Mobile No', 'phone', 'header'],
        ['Ref No', 'previousNumber', 'admin'],
        ['Mobile (WhatsApp)', null, null],
        ['Referred By', 'addToNotes', 'admin'],
        ['Blood Group', 'addToNotes', 'admin'],
        ['City', 'city', 'header']
      ])
      expect(preview.unmappedHeaders).toEqual(['Mobile (WhatsApp)'])
      expect(preview).toMatchObject({ total: 3, valid: 3, withErrors: 0 })

      expect(await call<ImportResult>(t.core, 'patients.importCommit', { file: bytes(csv), mapping }, token)).toMatchObject({ imported: 3 })
      const [anita] = await search(t.core, token, 'R-77')
      expect(anita).toMatchObject({ name: 'Anita Desai', matchedOn: 'previous number' })
      expect(await call<Patient>(t.core, 'patients.get', { id: anita.id }, token)).toMatchObject({ previousNumber: 'R-77', notes: 'Referred By: Dr Rao\nBlood Group: B+' })
      // An empty cell adds no line.
      expect(await patientByName(t.core, token, 'Vikram Nair')).toMatchObject({ previousNumber: 'R-79', notes: 'Blood Group: O-' })
    })

    it('takes a field from the column recognised for it when the admin gives it to another, and leaves out a column set to ignore', async () => {
      const { t, token } = await indianClinic()
      const mapping = { 'Mobile (WhatsApp)': 'phone', City: 'ignore' }
      const preview = await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(csv), mapping }, token)
      expect(preview.columns).toEqual({ name: 'Patient Name', phone: 'Mobile (WhatsApp)' })
      expect(preview.fileColumns.find((c) => c.header === 'Mobile No')).toMatchObject({ target: null, mappedBy: null })
      expect(preview.fileColumns.find((c) => c.header === 'City')).toMatchObject({ target: null, mappedBy: 'admin' })

      await call(t.core, 'patients.importCommit', { file: bytes(csv), mapping }, token)
      expect(await patientByName(t.core, token, 'Anita Desai')).toMatchObject({ phone: '+919123456789', city: '' })
      expect(await patientByName(t.core, token, 'Kamala Bai')).toMatchObject({ phone: '', city: '' })
      expect(await search(t.core, token, '98765 43210')).toEqual([])
    })

    it('checks values in the chosen field by its rules, as for a recognised column', async () => {
      const { t, token } = await indianClinic()
      const preview = await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(csv), mapping: { 'Blood Group': 'gender' } }, token)
      expect(preview).toMatchObject({ valid: 1, withErrors: 2 })
      expect(preview.rows.find((r) => r.name === 'Anita Desai')!.errors).toEqual({ gender: '"B+" is not female, male or other' })
    })

    it('refuses a field DocSpot does not have, a field chosen twice and a header not in the file, naming each, and writes nothing', async () => {
      const { t, token } = await indianClinic()
      const before = await t.core.services.db.selectFrom('journal').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
      for (const method of ['patients.importPreview', 'patients.importCommit']) {
        const unknown = await callError(t.core, method, { file: bytes(csv), mapping: { 'Blood Group': 'bloodGroup' } }, token)
        expect(unknown.code).toBe('VALIDATION')
        expect(Object.keys(unknown.fields!)).toEqual(['mapping.Blood Group'])
        expect(unknown.fields!['mapping.Blood Group']).toMatch(/^"bloodGroup" is not a DocSpot field; use one of name, phone/)

        const twice = await callError(t.core, method, { file: bytes(csv), mapping: { 'Ref No': 'previousNumber', 'Referred By': 'previousNumber' } }, token)
        expect(twice.code).toBe('VALIDATION')
        expect(twice.fields).toEqual({
          'mapping.Ref No': 'Previous file no. is chosen for both "Ref No" and "Referred By"; choose it for one column only',
          'mapping.Referred By': 'Previous file no. is chosen for both "Ref No" and "Referred By"; choose it for one column only'
        })
        expect(twice.message).toContain('mapping.Ref No')

        const missing = await callError(t.core, method, { file: bytes(csv), mapping: { 'Contact Number 2': 'phone' } }, token)
        expect(missing.code).toBe('VALIDATION')
        expect(missing.fields).toEqual({ 'mapping.Contact Number 2': '"Contact Number 2" is not a column of this file' })
      }
      expect(await count(t)).toBe(0)
      const after = await t.core.services.db.selectFrom('journal').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
      expect(after.n).toBe(before.n)
    })

    it('refuses a header that heads two columns, since it cannot say which', async () => {
      const { t, token } = await indianClinic()
      const twoPhones = 'Name,Phone,Phone\nAnita Desai,98765 43210,91234 56789\n'
      const error = await callError(t.core, 'patients.importPreview', { file: bytes(twoPhones), mapping: { Phone: 'ignore' } }, token)
      expect(error.fields).toEqual({ 'mapping.Phone': '"Phone" heads 2 columns of this file; give them different names in its header row' })
    })

    it('lets the admin choose the name column of a file whose name header is not recognised, and refuses to import with no name column', async () => {
      const { t, token } = await indianClinic()
      const naam = 'Naam,Mobile\nAnita Desai,98765 43210\n'
      const unnamed = await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(naam) }, token)
      expect(unnamed.fileColumns.map((c) => c.target)).toEqual([null, 'phone'])
      expect(unnamed).toMatchObject({ valid: 0, withErrors: 1 })
      expect(unnamed.rows[0].errors).toEqual({ name: 'is required' })
      const refused = await callError(t.core, 'patients.importCommit', { file: bytes(naam), skipInvalid: true }, token)
      expect(refused.fields).toEqual({ mapping: 'has no column for the name: choose Name, or First name and Last name, for one of the columns' })
      expect(await count(t)).toBe(0)

      const mapping = { Naam: 'name' }
      expect(await call<ImportPreview>(t.core, 'patients.importPreview', { file: bytes(naam), mapping }, token)).toMatchObject({ valid: 1, withErrors: 0 })
      expect(await call<ImportResult>(t.core, 'patients.importCommit', { file: bytes(naam), mapping }, token)).toMatchObject({ imported: 1 })
      expect(await patientByName(t.core, token, 'Anita Desai')).toMatchObject({ phone: '+919876543210' })
    })
  })
})


describe('merging archived records', () => {
  it('refuses to keep an archived record, and an undone merge leaves an archived record archived with its reason', async () => {
    const { t, token } = await indianClinic()
    const kept = await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Devika Menon', dateOfBirth: '1950-04-01' }, token)
    const old = await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Devika Menon', dateOfBirth: '1950-04-01', allowDuplicate: true }, token)
    await call(t.core, 'patients.archive', { id: old.patient.id, reason: 'Deceased 2024' }, token)

    const refused = await callError(t.core, 'patients.merge', { survivorId: old.patient.id, mergedId: kept.patient.id }, token)
    expect(refused.fields).toHaveProperty('survivorId')

    const merge = await call<PatientMerge>(t.core, 'patients.merge', { survivorId: kept.patient.id, mergedId: old.patient.id }, token)
    await call(t.core, 'patients.unmerge', { mergeId: merge.id }, token)
    const back = await call<Patient>(t.core, 'patients.get', { id: old.patient.id }, token)
    expect(back.archivedAt).not.toBeNull()
    expect(back.mergedInto).toBeNull()
    const history = await call<PatientChange[]>(t.core, 'patients.history', { id: old.patient.id }, token)
    expect(history.map((h) => h.action)).toEqual(['unmerged', 'merged', 'archived', 'created'])
    await t.close()
  })
})

describe('a patient who knows only their age', () => {
  it('keeps an estimated date of birth, is a likely duplicate of a namesake born within a year, and an exact date later clears the estimate', async () => {
    const { t, token } = await indianClinic()
    const p = await create(t.core, token, { name: 'Savitri Devi', phone: '9811122233', dateOfBirth: '1981-03-10', dateOfBirthEstimated: true })
    expect(p).toMatchObject({ dateOfBirth: '1981-03-10', dateOfBirthEstimated: true })
    expect((await search(t.core, token, 'Savitri'))[0]).toMatchObject({ dateOfBirthEstimated: true })
    const near = await call<DuplicateMatch[]>(t.core, 'patients.findDuplicates', { name: 'Savitri Devi', dateOfBirth: '1980-07-01' }, token)
    expect(near.map((d) => [d.patient.id, d.reasons])).toEqual([[p.id, ['name and date of birth']]])
    expect(await call<DuplicateMatch[]>(t.core, 'patients.findDuplicates', { name: 'Savitri Devi', dateOfBirth: '1978-07-01' }, token)).toEqual([])
    // Registering by age, the other way round: an exact record is found near the estimate.
    const exact = await create(t.core, token, { name: 'Gopal Rao', phone: '9811122244', dateOfBirth: '1970-01-05' })
    const byAge = await call<DuplicateMatch[]>(t.core, 'patients.findDuplicates', { name: 'Gopal Rao', dateOfBirth: '1970-11-20', dateOfBirthEstimated: true }, token)
    expect(byAge.map((d) => d.patient.id)).toContain(exact.id)
    const updated = await call<Patient>(t.core, 'patients.update', { id: p.id, fields: { dateOfBirth: '1980-08-15' } }, token)
    expect(updated).toMatchObject({ dateOfBirth: '1980-08-15', dateOfBirthEstimated: false })
  })
})
