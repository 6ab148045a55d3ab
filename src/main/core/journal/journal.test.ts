import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import sharp from 'sharp'
import { afterEach, describe, expect, it } from 'vitest'
import { api, type Appointment, type Display, type Doctor, type QueueEntry, type ChainCheck, type JournalEntry, type Patient, type PatientMerge, type SessionInfo, type StaffUser, type TwoFactorSetup, type Visit, type WriteMethodName } from '../../../shared/api'
import type { ChangeEvent, Handler } from '../context'
import { createCore } from '../create-core'
import { DB_FILE, createKysely, migrate, openSqlite } from '../db/connection'
import type { Database } from '../db/schema'
import { totpCodeAt } from '../auth/two-factor'
import { ADMIN, STAFF, addStaff, call, callError, openTestCore, removeDir, setUpClinic, tempDir, type TestCore } from '../testing'
import { setUpPractice } from '../schedule/fixtures'
import { NOT_JOURNALED, isJournaled, registerJournalFunction, type JournalCursor } from './journal'
import { replayJournal } from './replay'

let open: TestCore[] = []
afterEach(async () => {
  for (const t of open) await t.close()
  open = []
})

async function clinic() {
  const t = await openTestCore()
  open.push(t)
  const token = await setUpClinic(t.core)
  return { t, token }
}

interface Row {
  seq: number
  tbl: string
  row_key: string
  op: string
  data: string
}

/** The entries written since `after`, with their rows. */
async function entriesSince(t: TestCore, after: number) {
  const db = t.core.services.db
  const entries = await db.selectFrom('journal').selectAll().where('seq', '>', after).orderBy('seq').execute()
  const rows = await db.selectFrom('journal_rows').select(['seq', 'tbl', 'row_key', 'op', 'data']).where('seq', '>', after).orderBy('id').execute()
  return entries.map((e) => ({ ...e, rows: rows.filter((r) => r.seq === e.seq) as Row[] }))
}

const lastSeq = async (t: TestCore) => (await t.core.services.db.selectFrom('journal').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirstOrThrow()).max ?? 0
const png = () => sharp({ create: { width: 64, height: 64, channels: 3, background: '#27a' } }).png().toBuffer()
const csv = (text: string) => new TextEncoder().encode(text)

type Case = (c: { t: TestCore; token: string }) => Promise<{
  /** The write itself, made once the arrangement is done. */
  act: () => Promise<unknown>
  /** What its one journal entry must say. */
  expect: (entry: Awaited<ReturnType<typeof entriesSince>>[number], value: unknown) => void | Promise<void>
}>

/** Turns on two-factor sign-in for the token's user, as their app would. */
async function enrol(t: TestCore, token: string, password: string) {
  const { secret } = await call<TwoFactorSetup>(t.core, 'auth.twoFactorSetup', {}, token)
  await call(t.core, 'auth.twoFactorEnable', { secret, totpCode: totpCodeAt(secret, t.clock.now()), password }, token)
  return secret
}

const rowsOf = (entry: { rows: Row[] }) => entry.rows.map((r) => `${r.op} ${r.tbl}`)

/** Email turned on (to a server nobody runs: nothing is sent here), and a booking made while the patient had no address. */
async function withMessages(t: TestCore, token: string) {
  await call(t.core, 'messaging.saveSettings', { email: { enabled: true, host: '127.0.0.1', port: 9, security: 'none', user: '', fromName: 'Sunrise', fromAddress: 'desk@sunrise.example' } }, token)
  const practice = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
  const booking = await practice.book({ start: '2025-03-11T09:30:00Z' })
  await call(t.core, 'patients.update', { id: practice.patients[0].id, fields: { email: 'anita@example.com' } }, token)
  return { booking, patientId: practice.patients[0].id }
}

/** Two walk-ins waiting for one doctor today. */
async function twoWaiting(t: TestCore, token: string) {
  const practice = await setUpPractice(t.core, token, { doctors: 1, patients: 2 })
  const doctorId = practice.doctors[0].id
  const issue = async (i: number) => (await call<{ entry: QueueEntry }>(t.core, 'queue.issueToken', { patientId: practice.patients[i].id, doctorId }, token)).entry
  const first = await issue(0)
  t.clock.advance(60_000)
  const second = await issue(1)
  return { first, second, doctorId }
}

/** A doctor signed in, and a patient to see. */
async function consulting(t: TestCore, token: string) {
  const practice = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
  const doctorToken = (await call<SessionInfo>(t.core, 'auth.login', { email: 'doctor1@sunrise.example', password: 'consulting room password' })).token
  return { practice, doctorToken, patientId: practice.patients[0].id }
}

async function withVisit(t: TestCore, token: string) {
  const c = await consulting(t, token)
  return { ...c, visit: await call<Visit>(t.core, 'visits.open', { patientId: c.patientId }, c.doctorToken) }
}

/**
 * One case for every write method in the API table. A new write method without a case here
 * fails typecheck (the type lists them all) and the test below (the table is read at run time).
 */
const CASES: { [M in WriteMethodName]: Case } = {
  'setup.createClinic': async () => {
    const t = await openTestCore()
    open.push(t)
    return {
      act: () => call(t.core, 'setup.createClinic', { clinic: { clinicName: 'Journal Clinic', timeZone: 'Asia/Kolkata', currency: 'INR', defaultCountry: 'IN' }, admin: ADMIN }),
      expect: (entry, value) => {
        const { user } = value as SessionInfo
        expect(entry.user_id).toBe(user.id)
        expect(entry.role).toBe('admin')
        expect(JSON.parse(entry.input).admin).toEqual({ name: ADMIN.name, email: ADMIN.email, password: '[withheld]' })
        expect(entry.input).not.toContain(ADMIN.password)
        expect(rowsOf(entry)).toEqual(expect.arrayContaining(['insert settings', 'insert users']))
        expect(entry.rows.find((r) => r.tbl === 'users')!.row_key).toBe(user.id)
        expect(JSON.parse(entry.allocated).ids).toEqual([user.id])
      }
    }
  },
  'auth.login': async ({ t }) => ({
    act: () => call(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password }),
    expect: (entry, value) => {
      expect(entry.user_id).toBe((value as SessionInfo).user.id)
      expect(JSON.parse(entry.input)).toEqual({ email: ADMIN.email, password: '[withheld]' })
      expect(entry.rows).toEqual([]) // sessions hold no clinic data
    }
  }),
  'auth.logout': async ({ t }) => {
    const session = await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    return {
      act: () => call(t.core, 'auth.logout', {}, session.token),
      expect: (entry) => {
        expect(entry.user_id).toBe(session.user.id)
        expect(entry.rows).toEqual([])
      }
    }
  },
  'auth.changePassword': async ({ t, token }) => ({
    act: () => call(t.core, 'auth.changePassword', { currentPassword: ADMIN.password, newPassword: 'a brand new passphrase' }, token),
    expect: (entry) => {
      expect(JSON.parse(entry.input)).toEqual({ currentPassword: '[withheld]', newPassword: '[withheld]' })
      expect(entry.input).not.toContain('brand new')
      expect(rowsOf(entry)).toEqual(['update users'])
    }
  }),
  'auth.twoFactorEnable': async ({ t, token }) => {
    const { secret } = await call<TwoFactorSetup>(t.core, 'auth.twoFactorSetup', {}, token)
    return {
      act: () => call(t.core, 'auth.twoFactorEnable', { secret, totpCode: totpCodeAt(secret, t.clock.now()), password: ADMIN.password }, token),
      expect: (entry) => {
        expect(JSON.parse(entry.input)).toEqual({ secret: '[withheld]', totpCode: '[withheld]', password: '[withheld]' })
        // The row holds the key sealed: neither the journal nor the database shows it.
        expect(rowsOf(entry)).toEqual(['update users'])
        expect(entry.rows[0].data).not.toContain(secret)
        expect(JSON.parse(entry.rows[0].data).totp_secret).toMatch(/^v1:/)
      }
    }
  },
  'auth.twoFactorDisable': async ({ t, token }) => {
    await enrol(t, token, ADMIN.password)
    return {
      act: () => call(t.core, 'auth.twoFactorDisable', { password: ADMIN.password }, token),
      expect: (entry) => expect(entry.rows.map((r) => [r.op, r.tbl, JSON.parse(r.data).totp_secret])).toEqual([['update', 'users', null]])
    }
  },
  'users.resetTwoFactor': async ({ t, token }) => {
    const desk = await addStaff(t.core, token, 'receptionist')
    await enrol(t, desk.token, STAFF.receptionist.password)
    return {
      act: () => call(t.core, 'users.resetTwoFactor', { id: desk.user.id }, token),
      expect: (entry) => {
        expect(entry.role).toBe('admin')
        expect(JSON.parse(entry.input)).toEqual({ id: desk.user.id })
        expect(entry.rows.map((r) => [r.op, r.tbl, JSON.parse(r.data).totp_enrolled_at])).toEqual([['update', 'users', null]])
      }
    }
  },
  'roles.save': async ({ t, token }) => ({
    act: () => call(t.core, 'roles.save', { name: 'Billing clerk', baseRole: 'receptionist', methods: ['patients.search', 'patients.get'] }, token),
    expect: (entry) => {
      expect(rowsOf(entry)).toEqual(['insert roles'])
      expect(JSON.parse(entry.rows[0].data)).toMatchObject({ name: 'Billing clerk', base_role: 'receptionist', methods: '["patients.get","patients.search"]' })
    }
  }),
  'roles.remove': async ({ t, token }) => {
    const role = await call<{ id: string }>(t.core, 'roles.save', { name: 'Billing clerk', baseRole: 'receptionist', methods: [] }, token)
    return {
      act: () => call(t.core, 'roles.remove', { id: role.id }, token),
      expect: (entry) => expect(rowsOf(entry)).toEqual(['delete roles'])
    }
  },
  'auth.endSession': async ({ t, token }) => {
    await call(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    const sessions = await call<Array<{ id: string; current: boolean }>>(t.core, 'auth.sessions', {}, token)
    return {
      act: () => call(t.core, 'auth.endSession', { id: sessions.find((s) => !s.current)!.id }, token),
      expect: (entry) => expect(entry.rows).toEqual([])
    }
  },
  'users.update': async ({ t, token }) => {
    const desk = await addStaff(t.core, token, 'receptionist')
    return {
      act: () => call(t.core, 'users.update', { id: desk.user.id, fields: { phone: '+44 113 496 0555' } }, token),
      expect: (entry) => expect(entry.rows.map((r) => [r.op, r.tbl, JSON.parse(r.data).phone])).toEqual([['update', 'users', '+44 113 496 0555']])
    }
  },
  'users.setActive': async ({ t, token }) => {
    const desk = await addStaff(t.core, token, 'receptionist')
    return {
      act: () => call(t.core, 'users.setActive', { id: desk.user.id, active: false }, token),
      expect: (entry) => expect(entry.rows.map((r) => [r.op, r.tbl, JSON.parse(r.data).active])).toEqual([['update', 'users', 0]])
    }
  },
  'users.resetPassword': async ({ t, token }) => {
    const desk = await addStaff(t.core, token, 'receptionist')
    return {
      act: () => call(t.core, 'users.resetPassword', { id: desk.user.id, password: 'temporary password 1' }, token),
      expect: (entry) => {
        expect(entry.input).not.toContain('temporary')
        expect(JSON.parse(entry.rows[0].data)).toMatchObject({ must_change_password: 1 })
      }
    }
  },
  'auth.purgeSessions': async ({ t }) => ({
    act: () => t.core.jobs.run('purge-expired-sessions'),
    expect: (entry, value) => {
      expect(value).toEqual({ removed: 0 })
      expect(entry).toMatchObject({ user_id: null, role: null, job: 'purge-expired-sessions' })
      expect(entry.device).toMatch(/^job@/)
    }
  }),
  'settings.update': async ({ t, token }) => ({
    act: () => call(t.core, 'settings.update', { clinicPhone: '+44 113 496 0222', autoLogoutMinutes: 45 }, token),
    expect: (entry) => {
      expect(entry.rows.map((r) => [r.op, r.tbl, r.row_key]).sort()).toEqual([
        ['update', 'settings', 'autoLogoutMinutes'],
        ['update', 'settings', 'clinicPhone']
      ])
      expect(JSON.parse(entry.rows.find((r) => r.row_key === 'autoLogoutMinutes')!.data)).toMatchObject({ key: 'autoLogoutMinutes', value: '45' })
    }
  }),
  'users.create': async ({ t, token }) => ({
    act: () => call(t.core, 'users.create', { name: 'Lata Shah', email: 'lata@sunrise.example', role: 'receptionist', password: 'front desk two' }, token),
    expect: (entry, value) => {
      const user = value as StaffUser
      expect(rowsOf(entry)).toEqual(['insert users'])
      expect(entry.rows[0].row_key).toBe(user.id)
      expect(JSON.parse(entry.input).password).toBe('[withheld]')
      expect(entry.input).not.toContain('front desk two')
    }
  }),
  'patients.create': async ({ t, token }) => ({
    act: () => call(t.core, 'patients.create', { name: 'Ramesh Kumar', phone: '07911 123123' }, token),
    expect: (entry, value) => {
      const { patient } = value as { patient: Patient }
      expect(rowsOf(entry)).toEqual(['update counters', 'insert patients', 'insert patient_history'])
      expect(JSON.parse(entry.rows[1].data)).toMatchObject({ id: patient.id, number: patient.number, name: 'Ramesh Kumar', phone: '+447911123123' })
      const allocated = JSON.parse(entry.allocated)
      expect(allocated.ids[0]).toBe(patient.id)
      expect(allocated.numbers).toEqual([{ kind: 'patient', value: Number(patient.number.slice(2)) }])
    }
  }),
  'patients.update': async ({ t, token }) => {
    const { patient } = await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Anita Desai' }, token)
    return {
      act: () => call(t.core, 'patients.update', { id: patient.id, fields: { city: 'Leeds' } }, token),
      expect: (entry) => {
        expect(rowsOf(entry)).toEqual(['insert patient_history', 'update patients'])
        expect(JSON.parse(entry.rows[1].data)).toMatchObject({ id: patient.id, city: 'Leeds' })
      }
    }
  },
  'patients.merge': async ({ t, token }) => {
    const a = (await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Priya Nair', phone: '07911 123111' }, token)).patient
    const b = (await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Priya Nayar', email: 'priya@example.com' }, token)).patient
    return {
      act: () => call(t.core, 'patients.merge', { survivorId: a.id, mergedId: b.id, fields: { email: 'priya@example.com' } }, token),
      expect: (entry) => {
        expect(rowsOf(entry).sort()).toEqual(['insert patient_history', 'insert patient_history', 'insert patient_merges', 'update patients', 'update patients'])
        expect(entry.rows.filter((r) => r.tbl === 'patients').map((r) => r.row_key).sort()).toEqual([a.id, b.id].sort())
      }
    }
  },
  'patients.unmerge': async ({ t, token }) => {
    const a = (await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Priya Nair' }, token)).patient
    const b = (await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Priya Nayar' }, token)).patient
    const merge = await call<PatientMerge>(t.core, 'patients.merge', { survivorId: a.id, mergedId: b.id }, token)
    return {
      act: () => call(t.core, 'patients.unmerge', { mergeId: merge.id }, token),
      expect: (entry) => {
        expect(rowsOf(entry)).toContain('update patient_merges')
        expect(entry.rows.find((r) => r.tbl === 'patient_merges')!.row_key).toBe(merge.id)
        expect(JSON.parse(entry.rows.find((r) => r.row_key === b.id)!.data)).toMatchObject({ merged_into: null })
      }
    }
  },
  'patients.archive': async ({ t, token }) => {
    const { patient } = await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Oliver Brown' }, token)
    return {
      act: () => call(t.core, 'patients.archive', { id: patient.id, reason: 'Moved abroad' }, token),
      expect: (entry) => {
        expect(rowsOf(entry)).toEqual(['insert patient_history', 'update patients'])
        expect(JSON.parse(entry.rows[1].data)).toMatchObject({ archived_reason: 'Moved abroad' })
      }
    }
  },
  'patients.restore': async ({ t, token }) => {
    const { patient } = await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Oliver Brown' }, token)
    await call(t.core, 'patients.archive', { id: patient.id, reason: 'By mistake' }, token)
    return {
      act: () => call(t.core, 'patients.restore', { id: patient.id }, token),
      expect: (entry) => {
        expect(rowsOf(entry)).toEqual(['insert patient_history', 'update patients'])
        expect(JSON.parse(entry.rows[1].data)).toMatchObject({ archived_at: null, archived_reason: null })
      }
    }
  },
  'patients.setPhoto': async ({ t, token }) => {
    const { patient } = await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Photo Person' }, token)
    const file = await png()
    return {
      act: () => call(t.core, 'patients.setPhoto', { id: patient.id, file }, token),
      expect: (entry) => {
        const input = JSON.parse(entry.input)
        expect(input.file).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: file.length })
        expect(rowsOf(entry)).toEqual(['insert patient_history', 'update patients'])
        expect(JSON.parse(entry.rows[1].data).photo_sha256).toMatch(/^[0-9a-f]{64}$/)
      }
    }
  },
  'patients.removePhoto': async ({ t, token }) => {
    const { patient } = await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Photo Person' }, token)
    await call(t.core, 'patients.setPhoto', { id: patient.id, file: await png() }, token)
    return {
      act: () => call(t.core, 'patients.removePhoto', { id: patient.id }, token),
      expect: (entry) => {
        expect(rowsOf(entry)).toEqual(['insert patient_history', 'update patients'])
        expect(JSON.parse(entry.rows[1].data).photo_sha256).toBeNull()
      }
    }
  },
  'doctors.create': async ({ t, token }) => ({
    act: () => call(t.core, 'doctors.create', { name: 'Dr. Meera Iyer', specialization: 'Paediatrics', login: { email: 'meera.iyer@sunrise.example', password: 'consulting room password' } }, token),
    expect: (entry, value) => {
      const doctor = value as Doctor
      expect(rowsOf(entry)).toEqual(['insert users', 'insert doctors'])
      expect(entry.rows[1].row_key).toBe(doctor.id)
      expect(JSON.parse(entry.input).login).toEqual({ email: 'meera.iyer@sunrise.example', password: '[withheld]' })
    }
  }),
  'doctors.update': async ({ t, token }) => {
    const { doctors } = await setUpPractice(t.core, token, { doctors: 1, patients: 0 })
    return {
      act: () => call(t.core, 'doctors.update', { id: doctors[0].id, fields: { dailyCap: 20 } }, token),
      expect: (entry) => expect(entry.rows.map((r) => [r.op, r.tbl, JSON.parse(r.data).daily_cap])).toEqual([['update', 'doctors', 20]])
    }
  },
  'doctors.setActive': async ({ t, token }) => {
    const { doctors } = await setUpPractice(t.core, token, { doctors: 1, patients: 0 })
    return {
      act: () => call(t.core, 'doctors.setActive', { id: doctors[0].id, active: false }, token),
      expect: (entry) => expect(entry.rows.map((r) => [r.op, r.tbl, JSON.parse(r.data).active])).toEqual([['update', 'doctors', 0]])
    }
  },
  'doctors.setPhoto': async ({ t, token }) => {
    const { doctors } = await setUpPractice(t.core, token, { doctors: 1, patients: 0 })
    const file = await png()
    return {
      act: () => call(t.core, 'doctors.setPhoto', { id: doctors[0].id, file }, token),
      expect: (entry, value) => {
        expect((value as Doctor).photoVersion).toMatch(/^[0-9a-f]{16}$/)
        expect(JSON.parse(entry.input).file).toEqual({ sha256: expect.any(String), bytes: file.length })
        expect(rowsOf(entry)).toEqual(['update doctors'])
      }
    }
  },
  'doctors.setIdDocument': async ({ t, token }) => {
    const { doctors } = await setUpPractice(t.core, token, { doctors: 1, patients: 0 })
    const scan = new TextEncoder().encode('%PDF-1.4\n% a scanned identity card\n%%EOF\n')
    return {
      act: () => call(t.core, 'doctors.setIdDocument', { id: doctors[0].id, file: scan }, token),
      expect: (entry) => {
        expect(JSON.parse(entry.rows[0].data)).toMatchObject({ id_document_type: 'application/pdf', id_document_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
        expect(entry.input).not.toContain('identity card')
      }
    }
  },
  'rooms.save': async ({ t, token }) => ({
    act: () => call(t.core, 'rooms.save', { name: 'Room 2' }, token),
    expect: (entry) => expect(rowsOf(entry)).toEqual(['insert rooms'])
  }),
  'appointmentTypes.save': async ({ t, token }) => {
    const { doctors } = await setUpPractice(t.core, token, { doctors: 1, patients: 0 })
    return {
      act: () => call(t.core, 'appointmentTypes.save', { name: 'Vaccination', durationMinutes: 10, doctorIds: [doctors[0].id] }, token),
      expect: (entry) => expect(rowsOf(entry)).toEqual(['insert appointment_types', 'insert appointment_type_doctors'])
    }
  },
  'availability.setWeekly': async ({ t, token }) => {
    const { doctors } = await setUpPractice(t.core, token, { doctors: 1, patients: 0 })
    return {
      act: () => call(t.core, 'availability.setWeekly', { doctorId: doctors[0].id, sessions: [{ weekday: 1, start: '14:00', end: '17:00', slotMinutes: 20 }] }, token),
      expect: (entry) => {
        expect(entry.rows.filter((r) => r.op === 'delete' && r.tbl === 'doctor_sessions')).toHaveLength(6)
        expect(entry.rows.filter((r) => r.op === 'insert' && r.tbl === 'doctor_sessions').map((r) => JSON.parse(r.data).start_time)).toEqual(['14:00'])
      }
    }
  },
  'availability.addException': async ({ t, token }) => {
    const { doctors } = await setUpPractice(t.core, token, { doctors: 1, patients: 0 })
    return {
      act: () => call(t.core, 'availability.addException', { doctorId: doctors[0].id, kind: 'leave', date: '2025-03-14', note: 'Conference' }, token),
      expect: (entry) => expect(rowsOf(entry)).toEqual(['insert availability_exceptions'])
    }
  },
  'availability.removeException': async ({ t, token }) => {
    const { exception } = await call<{ exception: { id: string } }>(t.core, 'availability.addException', { doctorId: null, kind: 'holiday', date: '2025-03-17', note: 'Holi' }, token)
    return {
      act: () => call(t.core, 'availability.removeException', { id: exception.id }, token),
      expect: (entry) => expect(entry.rows.map((r) => [r.op, r.tbl, r.row_key])).toEqual([['delete', 'availability_exceptions', exception.id]])
    }
  },
  'appointments.book': async ({ t, token }) => {
    const practice = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    return {
      act: () => practice.book({ start: '2025-03-11T09:30:00Z' }),
      expect: (entry, value) => {
        const appointment = value as Appointment
        expect(rowsOf(entry)).toEqual(['insert appointments', 'insert appointment_cells', 'insert appointment_cells', 'insert appointment_cells', 'insert appointment_events'])
        expect(entry.rows[0].row_key).toBe(appointment.id)
      }
    }
  },
  'appointments.reschedule': async ({ t, token }) => {
    const practice = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    const booked = await practice.book({ start: '2025-03-11T09:30:00Z' })
    return {
      act: () => call(t.core, 'appointments.reschedule', { id: booked.id, start: '2025-03-11T10:00:00Z', reason: 'Patient asked' }, token),
      expect: (entry) => {
        expect(entry.rows.filter((r) => r.tbl === 'appointment_cells').map((r) => r.op)).toEqual(['delete', 'delete', 'delete', 'insert', 'insert', 'insert'])
        expect(rowsOf(entry)).toContain('update appointments')
      }
    }
  },
  'appointments.cancel': async ({ t, token }) => {
    const practice = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    const booked = await practice.book({ start: '2025-03-11T09:30:00Z' })
    return {
      act: () => call(t.core, 'appointments.cancel', { id: booked.id, reason: 'Feeling better' }, token),
      expect: (entry) => {
        expect(entry.rows.filter((r) => r.tbl === 'appointment_cells').every((r) => r.op === 'delete')).toBe(true)
        expect(JSON.parse(entry.rows.find((r) => r.tbl === 'appointments')!.data)).toMatchObject({ status: 'cancelled', cancel_reason: 'Feeling better' })
      }
    }
  },
  'appointments.setStatus': async ({ t, token }) => {
    const practice = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    const booked = await practice.book({ start: '2025-03-11T09:30:00Z' })
    return {
      act: () => call(t.core, 'appointments.setStatus', { id: booked.id, status: 'confirmed' }, token),
      expect: (entry) => expect(rowsOf(entry)).toEqual(['update appointments', 'insert appointment_events'])
    }
  },
  'queue.issueToken': async ({ t, token }) => {
    const practice = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    return {
      act: () => call(t.core, 'queue.issueToken', { patientId: practice.patients[0].id, doctorId: practice.doctors[0].id }, token),
      expect: (entry, value) => {
        expect(rowsOf(entry)).toEqual(['insert queue_entries', 'insert queue_events'])
        expect(JSON.parse(entry.rows[0].data)).toMatchObject({ token: 1, kind: 'walk_in', status: 'waiting' })
        expect((value as { entry: QueueEntry }).entry.token).toBe(1)
      }
    }
  },
  'queue.arrive': async ({ t, token }) => {
    const practice = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    const booked = await practice.book({ start: '2025-03-10T09:30:00Z' })
    return {
      act: () => call(t.core, 'queue.arrive', { appointmentId: booked.id }, token),
      expect: (entry) => expect(rowsOf(entry)).toEqual(['update appointments', 'insert appointment_events', 'insert queue_entries', 'insert queue_events'])
    }
  },
  'queue.move': async ({ t, token }) => {
    const { first, second } = await twoWaiting(t, token)
    return {
      act: () => call(t.core, 'queue.move', { entryId: second.id, position: 1, reason: 'Chest pain' }, token),
      expect: (entry) => {
        expect(rowsOf(entry)).toEqual(['update queue_entries', 'insert queue_events'])
        expect(JSON.parse(entry.rows[0].data).placement).toContain('Chest pain')
        expect(entry.rows[0].row_key).not.toBe(first.id)
      }
    }
  },
  'queue.skip': async ({ t, token }) => {
    const { first } = await twoWaiting(t, token)
    return {
      act: () => call(t.core, 'queue.skip', { entryId: first.id }, token),
      expect: (entry) => expect(entry.rows.map((r) => [r.op, r.tbl, JSON.parse(r.data).status ?? JSON.parse(r.data).action])).toEqual([['update', 'queue_entries', 'skipped'], ['insert', 'queue_events', 'skipped']])
    }
  },
  'queue.recall': async ({ t, token }) => {
    const { first } = await twoWaiting(t, token)
    await call(t.core, 'queue.skip', { entryId: first.id }, token)
    return {
      act: () => call(t.core, 'queue.recall', { entryId: first.id }, token),
      expect: (entry) => expect(rowsOf(entry)).toEqual(['update queue_entries', 'insert queue_events'])
    }
  },
  'queue.leave': async ({ t, token }) => {
    const { first } = await twoWaiting(t, token)
    return {
      act: () => call(t.core, 'queue.leave', { entryId: first.id, reason: 'Could not wait' }, token),
      expect: (entry) => expect(JSON.parse(entry.rows[0].data)).toMatchObject({ status: 'left', left_reason: 'Could not wait' })
    }
  },
  'queue.callNext': async ({ t, token }) => {
    const { first, doctorId } = await twoWaiting(t, token)
    return {
      act: () => call(t.core, 'queue.callNext', { doctorId }, token),
      expect: (entry) => {
        expect(entry.rows[0].row_key).toBe(first.id)
        expect(JSON.parse(entry.rows[0].data).status).toBe('in_consultation')
      }
    }
  },
  'queue.complete': async ({ t, token }) => {
    const { first, doctorId } = await twoWaiting(t, token)
    await call(t.core, 'queue.callNext', { doctorId }, token)
    return {
      act: () => call(t.core, 'queue.complete', { entryId: first.id }, token),
      expect: (entry) => expect(JSON.parse(entry.rows[0].data)).toMatchObject({ status: 'completed', completed_at: expect.any(String) })
    }
  },
  'day.close': async ({ t, token }) => {
    await twoWaiting(t, token)
    return {
      act: () => call(t.core, 'day.close', { date: '2025-03-10' }, token),
      expect: (entry) => {
        expect(entry.rows.filter((r) => r.tbl === 'queue_entries').map((r) => JSON.parse(r.data).status)).toEqual(['left', 'left'])
        expect(rowsOf(entry).at(-1)).toBe('insert day_closings')
      }
    }
  },
  'displays.create': async ({ t, token }) => ({
    act: () => call(t.core, 'displays.create', { name: 'Waiting hall TV' }, token),
    expect: (entry, value) => {
      const { pairingCode } = value as { pairingCode: string }
      expect(rowsOf(entry)).toEqual(['insert displays', 'update displays'])
      // Only the code's hash is kept.
      expect(entry.rows.map((r) => r.data).join()).not.toContain(pairingCode)
    }
  }),
  'displays.newCode': async ({ t, token }) => {
    const { display } = await call<{ display: Display }>(t.core, 'displays.create', { name: 'Waiting hall TV' }, token)
    return {
      act: () => call(t.core, 'displays.newCode', { id: display.id }, token),
      expect: (entry) => expect(rowsOf(entry)).toEqual(['update displays'])
    }
  },
  'displays.update': async ({ t, token }) => {
    const { display } = await call<{ display: Display }>(t.core, 'displays.create', { name: 'Waiting hall TV' }, token)
    return {
      act: () => call(t.core, 'displays.update', { id: display.id, chime: false }, token),
      expect: (entry) => expect(JSON.parse(entry.rows[0].data).chime).toBe(0)
    }
  },
  'displays.revoke': async ({ t, token }) => {
    const { display } = await call<{ display: Display }>(t.core, 'displays.create', { name: 'Waiting hall TV' }, token)
    return {
      act: () => call(t.core, 'displays.revoke', { id: display.id }, token),
      expect: (entry) => expect(JSON.parse(entry.rows[0].data).revoked_at).toEqual(expect.any(String))
    }
  },
  'displays.pair': async ({ t, token }) => {
    const { pairingCode } = await call<{ pairingCode: string }>(t.core, 'displays.create', { name: 'Waiting hall TV' }, token)
    return {
      act: () => call(t.core, 'displays.pair', { pairingCode }),
      expect: (entry, value) => {
        expect(entry.user_id).toBeNull()
        expect(JSON.parse(entry.input)).toEqual({ pairingCode: '[withheld]' })
        expect(entry.rows[0].data).not.toContain((value as { displayToken: string }).displayToken)
      }
    }
  },
  'waitlist.add': async ({ t, token }) => {
    const p = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    return {
      act: () => call(t.core, 'waitlist.add', { patientId: p.patients[0].id, typeId: p.consult.id, fromDate: '2025-03-10', toDate: '2025-03-14' }, token),
      expect: (entry, value) => {
        expect(rowsOf(entry)).toEqual(['insert waitlist'])
        expect(entry.rows[0].row_key).toBe((value as { id: string }).id)
        expect(JSON.parse(entry.allocated).ids).toEqual([(value as { id: string }).id])
      }
    }
  },
  'waitlist.remove': async ({ t, token }) => {
    const p = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    const e = await call<{ id: string }>(t.core, 'waitlist.add', { patientId: p.patients[0].id, typeId: p.consult.id, fromDate: '2025-03-10', toDate: '2025-03-14' }, token)
    return {
      act: () => call(t.core, 'waitlist.remove', { id: e.id }, token),
      expect: (entry) => {
        expect(rowsOf(entry)).toEqual(['update waitlist'])
        expect(JSON.parse(entry.rows[0].data)).toMatchObject({ status: 'removed' })
      }
    }
  },
  'waitlist.book': async ({ t, token }) => {
    const p = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    const e = await call<{ id: string }>(t.core, 'waitlist.add', { patientId: p.patients[0].id, typeId: p.consult.id, fromDate: '2025-03-10', toDate: '2025-03-14' }, token)
    return {
      act: () => call(t.core, 'waitlist.book', { id: e.id, doctorId: p.doctors[0].id, start: '2025-03-11T09:30:00Z' }, token),
      expect: (entry, value) => {
        const { appointment } = value as { appointment: Appointment }
        expect(rowsOf(entry)).toEqual(['insert appointments', 'insert appointment_cells', 'insert appointment_cells', 'insert appointment_cells', 'insert appointment_events', 'update waitlist'])
        expect(JSON.parse(entry.rows.at(-1)!.data)).toMatchObject({ status: 'booked', appointment_id: appointment.id })
      }
    }
  },
  'series.book': async ({ t, token }) => {
    const p = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    return {
      act: () => call(t.core, 'series.book', { patientId: p.patients[0].id, doctorId: p.doctors[0].id, typeId: p.consult.id, start: '2025-03-11T09:30:00Z', repeat: { frequency: 'weekly', count: 2 } }, token),
      expect: (entry, value) => {
        const { seriesId, appointments } = value as { seriesId: string; appointments: Appointment[] }
        const one = ['insert appointments', 'insert appointment_cells', 'insert appointment_cells', 'insert appointment_cells', 'insert appointment_events']
        expect(rowsOf(entry)).toEqual(['insert appointment_series', ...one, ...one])
        expect(entry.rows[0].row_key).toBe(seriesId)
        expect(appointments.map((a) => JSON.parse(entry.rows.find((r) => r.row_key === a.id)!.data).series_id)).toEqual([seriesId, seriesId])
      }
    }
  },
  'series.move': async ({ t, token }) => {
    const p = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    const { appointments } = await call<{ appointments: Appointment[] }>(t.core, 'series.book', { patientId: p.patients[0].id, doctorId: p.doctors[0].id, typeId: p.consult.id, start: '2025-03-11T09:30:00Z', repeat: { frequency: 'weekly', count: 2 } }, token)
    return {
      act: () => call(t.core, 'series.move', { appointmentId: appointments[0].id, start: '2025-03-11T10:00:00Z' }, token),
      expect: (entry) => {
        // Each move: the cells freed and claimed, the event, and the appointment's new version.
        const one = ['delete appointment_cells', 'delete appointment_cells', 'delete appointment_cells', 'update appointments', 'insert appointment_cells', 'insert appointment_cells', 'insert appointment_cells', 'insert appointment_events', 'update appointments']
        expect(rowsOf(entry)).toEqual([...one, ...one])
      }
    }
  },
  'series.cancel': async ({ t, token }) => {
    const p = await setUpPractice(t.core, token, { doctors: 1, patients: 1 })
    const { appointments } = await call<{ appointments: Appointment[] }>(t.core, 'series.book', { patientId: p.patients[0].id, doctorId: p.doctors[0].id, typeId: p.consult.id, start: '2025-03-11T09:30:00Z', repeat: { frequency: 'weekly', count: 2 } }, token)
    return {
      act: () => call(t.core, 'series.cancel', { appointmentId: appointments[0].id, reason: 'Feeling better' }, token),
      expect: (entry) => {
        const one = ['delete appointment_cells', 'delete appointment_cells', 'delete appointment_cells', 'update appointments', 'insert appointment_events']
        expect(rowsOf(entry)).toEqual([...one, ...one])
        expect(entry.rows.filter((r) => r.tbl === 'appointments').map((r) => JSON.parse(r.data))).toMatchObject([{ status: 'cancelled', cancel_reason: 'Feeling better' }, { status: 'cancelled' }])
      }
    }
  },
  'messaging.saveSettings': async ({ t, token }) => ({
    act: () => call(t.core, 'messaging.saveSettings', { email: { enabled: true, host: '127.0.0.1', port: 2525, security: 'none', user: 'clinic', password: 'smtp secret 123', fromName: 'Sunrise', fromAddress: 'desk@sunrise.example' } }, token),
    expect: (entry) => {
      // The password is withheld from the input and sealed in the row: the journal never holds it.
      expect(JSON.parse(entry.input).email.password).toBe('[withheld]')
      expect(rowsOf(entry)).toEqual(['insert messaging_settings'])
      expect(entry.rows[0].data).not.toContain('smtp secret 123')
      expect(JSON.parse(JSON.parse(entry.rows[0].data).value).passwordSealed).toMatch(/^v1:/)
    }
  }),
  'messaging.saveTemplate': async ({ t, token }) => ({
    act: () => call(t.core, 'messaging.saveTemplate', { kind: 'reminder', language: 'en', channel: 'sms', subject: '', text: 'See you soon, {{patientName}}', html: '' }, token),
    expect: (entry) => expect(rowsOf(entry)).toEqual(['insert message_templates'])
  }),
  'outbox.resend': async ({ t, token }) => {
    const { booking } = await withMessages(t, token)
    const [confirmation] = await call<Array<{ id: string }>>(t.core, 'outbox.list', { appointmentId: booking.id, status: 'skipped' }, token)
    return {
      act: () => call(t.core, 'outbox.resend', { id: confirmation.id }, token),
      expect: (entry) => expect(entry.rows.map((r) => [r.op, r.tbl, JSON.parse(r.data).status])).toEqual([['update', 'outbox', 'pending']])
    }
  },
  'patients.sendEmailCode': async ({ t, token }) => {
    const { patientId } = await withMessages(t, token)
    return {
      act: () => call(t.core, 'patients.sendEmailCode', { patientId }, token),
      expect: (entry) => {
        expect(rowsOf(entry)).toEqual(['insert email_verifications', 'insert outbox'])
        expect(JSON.parse(entry.rows[0].data).code_hash).toMatch(/^[0-9a-f]{64}$/)
      }
    }
  },
  'patients.verifyEmail': async ({ t, token }) => {
    const { patientId } = await withMessages(t, token)
    await call(t.core, 'patients.sendEmailCode', { patientId }, token)
    return {
      act: () => callError(t.core, 'patients.verifyEmail', { patientId, code: '000000' }, token),
      expect: (entry) => {
        // A wrong code is counted, though the call fails; the code itself is withheld.
        expect(JSON.parse(entry.input).code).toBe('[withheld]')
        expect(entry.rows.map((r) => [r.tbl, JSON.parse(r.data).attempts])).toEqual([['email_verifications', 1]])
      }
    }
  },
  'patients.importCommit': async ({ t, token }) => {
    const file = csv('Name,Mobile\nAsha Rao,07911 123301\nVikram Singh,07911 123302\n')
    return {
      act: () => call(t.core, 'patients.importCommit', { file }, token),
      expect: (entry) => {
        expect(JSON.parse(entry.input).file).toEqual({ sha256: expect.any(String), bytes: file.length })
        expect(entry.rows.filter((r) => r.tbl === 'patients' && r.op === 'insert')).toHaveLength(2)
        expect(entry.rows.filter((r) => r.tbl === 'patient_history')).toHaveLength(2)
        expect(JSON.parse(entry.allocated).numbers.map((n: { value: number }) => n.value)).toEqual([1, 2])
      }
    }
  },
  'settings.setLogo': async ({ t, token }) => {
    const file = await png()
    return {
      act: () => call(t.core, 'settings.setLogo', { file }, token),
      expect: (entry) => {
        expect(JSON.parse(entry.input).file).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: file.length })
        expect(rowsOf(entry)).toEqual(['insert settings'])
        expect(JSON.parse(JSON.parse(entry.rows[0].data).value)).toMatch(/^[0-9a-f]{64}$/)
      }
    }
  },
  'settings.removeLogo': async ({ t, token }) => {
    await call(t.core, 'settings.setLogo', { file: await png() }, token)
    return {
      act: () => call(t.core, 'settings.removeLogo', {}, token),
      expect: (entry) => expect(JSON.parse(JSON.parse(entry.rows[0].data).value)).toBeNull()
    }
  },
  'visits.open': async ({ t, token }) => {
    const { doctorToken, patientId } = await consulting(t, token)
    return {
      act: () => call(t.core, 'visits.open', { patientId }, doctorToken),
      expect: (entry, value) => {
        expect(rowsOf(entry)).toEqual(['insert visits'])
        expect(JSON.parse(entry.rows[0].data).patient_id).toBe(patientId)
        expect(JSON.parse(entry.allocated).ids).toEqual([(value as Visit).id])
      }
    }
  },
  'visits.save': async ({ t, token }) => {
    const { doctorToken, visit } = await withVisit(t, token)
    return {
      act: () => call(t.core, 'visits.save', { id: visit.id, version: visit.version, chiefComplaint: 'Fever for 3 days', vitals: { pulse: 92 }, diagnoses: [{ text: 'Viral fever' }], items: [{ drugName: 'Paracetamol', strength: '500 mg', frequency: 'TDS' }] }, doctorToken),
      expect: (entry) => {
        expect(rowsOf(entry)).toEqual(['update visits', 'insert visit_diagnoses', 'insert prescription_items'])
        expect(JSON.parse(entry.rows[0].data)).toMatchObject({ chief_complaint: 'Fever for 3 days', pulse: 92, version: 2 })
      }
    }
  },
  'visits.sign': async ({ t, token }) => {
    const { doctorToken, visit } = await withVisit(t, token)
    const saved = await call<Visit>(t.core, 'visits.save', { id: visit.id, version: visit.version, chiefComplaint: 'Cough' }, doctorToken)
    return {
      act: () => call(t.core, 'visits.sign', { id: visit.id, version: saved.version }, doctorToken),
      expect: (entry) => expect(JSON.parse(entry.rows[0].data)).toMatchObject({ status: 'signed', signed_at: expect.any(String) })
    }
  },
  'visits.amend': async ({ t, token }) => {
    const { doctorToken, visit } = await withVisit(t, token)
    const saved = await call<Visit>(t.core, 'visits.save', { id: visit.id, version: visit.version, chiefComplaint: 'Cough' }, doctorToken)
    await call(t.core, 'visits.sign', { id: visit.id, version: saved.version }, doctorToken)
    return {
      act: () => call(t.core, 'visits.amend', { id: visit.id, text: 'Lab called: CRP normal' }, doctorToken),
      expect: (entry) => expect(rowsOf(entry)).toEqual(['insert visit_amendments', 'update visits'])
    }
  },
  'visits.bookFollowUp': async ({ t, token }) => {
    const { doctorToken, visit } = await withVisit(t, token)
    await call(t.core, 'visits.save', { id: visit.id, version: visit.version, followUpDate: '2025-03-17' }, doctorToken)
    return {
      act: () => call(t.core, 'visits.bookFollowUp', { id: visit.id }, doctorToken),
      expect: (entry) => {
        expect(rowsOf(entry)).toEqual(expect.arrayContaining(['insert appointments', 'update visits']))
        expect(JSON.parse(entry.rows.find((r) => r.tbl === 'appointments')!.data).start_at).toBe('2025-03-17T09:00:00.000Z')
      }
    }
  },
  'prescriptions.saveFavourite': async ({ t, token }) => {
    const { doctorToken } = await consulting(t, token)
    return {
      act: () => call(t.core, 'prescriptions.saveFavourite', { drugName: 'Amlodipine', strength: '5 mg', frequency: 'OD' }, doctorToken),
      expect: (entry) => expect(rowsOf(entry)).toEqual(['insert favourite_drugs'])
    }
  },
  'prescriptions.removeFavourite': async ({ t, token }) => {
    const { doctorToken } = await consulting(t, token)
    const favourite = await call<{ favouriteId: string }>(t.core, 'prescriptions.saveFavourite', { drugName: 'Amlodipine' }, doctorToken)
    return {
      act: () => call(t.core, 'prescriptions.removeFavourite', { id: favourite.favouriteId }, doctorToken),
      expect: (entry) => expect(rowsOf(entry)).toEqual(['delete favourite_drugs'])
    }
  },
  'records.upload': async ({ t, token }) => {
    const { patientId } = await consulting(t, token)
    const file = await png()
    return {
      act: () => call(t.core, 'records.upload', { patientId, file, name: 'CBC report', type: 'lab_report', recordDate: '2025-03-09' }, token),
      expect: (entry) => {
        expect(JSON.parse(entry.input).file).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: file.length })
        expect(rowsOf(entry)).toEqual(['insert medical_records'])
        expect(JSON.parse(entry.rows[0].data).patient_id).toBe(patientId)
      }
    }
  },
  'records.remove': async ({ t, token }) => {
    const { patientId } = await consulting(t, token)
    const record = await call<{ id: string }>(t.core, 'records.upload', { patientId, file: await png(), name: 'Wrong patient scan', type: 'other', recordDate: '2025-03-09' }, token)
    return {
      act: () => call(t.core, 'records.remove', { id: record.id, reason: 'Scanned into the wrong chart' }, token),
      expect: (entry) => expect(JSON.parse(entry.rows[0].data)).toMatchObject({ deleted_reason: 'Scanned into the wrong chart', deleted_at: expect.any(String) })
    }
  },
  'patients.updateMedical': async ({ t, token }) => {
    const { doctorToken, patientId } = await consulting(t, token)
    return {
      act: () => call(t.core, 'patients.updateMedical', { id: patientId, allergies: 'Penicillin', chronicConditions: 'Type 2 diabetes' }, doctorToken),
      expect: (entry) => {
        expect(rowsOf(entry)).toEqual(['insert patient_history', 'update patients'])
        expect(JSON.parse(entry.rows[1].data)).toMatchObject({ allergies: 'Penicillin', chronic_conditions: 'Type 2 diabetes' })
      }
    }
  },
  'feedback.record': async ({ t, token }) => {
    const { patientId } = await consulting(t, token)
    return {
      act: () => call(t.core, 'feedback.record', { patientId, type: 'good', rating: 5, comment: 'Very kind' }, token),
      expect: (entry) => expect(rowsOf(entry)).toEqual(['insert feedback'])
    }
  },
}

describe('the journal records every write', () => {
  it('has a case for every write method in the API table', () => {
    const writes = Object.entries(api)
      .filter(([, spec]) => spec.writes)
      .map(([name]) => name)
      .sort()
    expect(Object.keys(CASES).sort()).toEqual(writes)
  })

  it.each(Object.keys(CASES) as WriteMethodName[])('%s: one sealed entry saying who, when, from where, and what changed', async (method) => {
    const c = await clinic()
    const { act, expect: check } = await CASES[method](c)
    const t = open.at(-1)!
    const before = await lastSeq(t)
    const events: ChangeEvent[] = []
    const stop = t.core.onChange((e) => events.push(e))
    const value = await act()
    stop()
    const entries = await entriesSince(t, before)
    expect(entries).toHaveLength(1)
    const [entry] = entries
    expect(entry.method).toBe(method)
    expect(entry.at).toBe(t.clock.now().toISOString())
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(entry.row_count).toBe(entry.rows.length)
    await check(entry, value)
    // The event screens hear names exactly the rows the entry recorded.
    expect(events).toHaveLength(1)
    expect(events[0].seq).toBe(entry.seq)
    for (const row of entry.rows) expect(events[0].changed[row.tbl]).toContain(row.row_key)
    // (After a password change or enrolling, the admin's password alone no longer signs in; their session still holds.)
    const verifier = method === 'auth.changePassword' || method === 'auth.twoFactorEnable' ? c.token : await adminToken(t)
    expect((await call<ChainCheck>(t.core, 'audit.verify', {}, verifier)).ok).toBe(true)
  })

  it('leaves no entry for a call that failed, and refuses a write that bypasses the dispatcher', async () => {
    const { t, token } = await clinic()
    const before = await lastSeq(t)
    expect((await callError(t.core, 'patients.update', { id: '01957f00-0000-7000-8000-000000000009', fields: { city: 'X' } }, token)).code).toBe('NOT_FOUND')
    expect((await callError(t.core, 'users.create', { name: 'Dup', email: ADMIN.email, role: 'doctor', password: 'long enough password' }, token)).code).toBe('CONFLICT')
    expect(await lastSeq(t)).toBe(before)
    // Raw SQL on the core's own connection, with no entry open: the capture trigger refuses it.
    await expect(sql`update settings set value = '"X"' where key = 'clinicName'`.execute(t.core.services.db)).rejects.toThrow(/only change through a journaled write/)
    // Another program that opens the file cannot change clinic data either.
    const other = new SQLite(join(t.dataDir, DB_FILE))
    expect(() => other.prepare(`update settings set value = '"X"' where key = 'clinicName'`).run()).toThrow(/docspot_journal_seq/)
    other.close()
    expect((await call<{ clinicName: string }>(t.core, 'settings.get', {}, token)).clinicName).toBe('Sunrise Family Clinic')
  })

  it('captures every domain table, with every column, and only the tables that hold no clinic data are left out', async () => {
    const { t } = await clinic()
    const db = t.core.services.db
    const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db)).rows.map((r) => r.name)
    const triggers = (await sql<{ name: string; tbl_name: string; sql: string }>`select name, tbl_name, sql from sqlite_master where type = 'trigger'`.execute(db)).rows
    const domain = tables.filter(isJournaled)
    expect(domain).toEqual(expect.arrayContaining(['settings', 'users', 'patients', 'patient_history', 'patient_merges', 'counters', 'doctors', 'appointments', 'appointment_cells']))
    for (const table of domain) {
      const columns = (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)).rows.map((r) => r.name)
      for (const op of ['insert', 'update', 'delete']) {
        const trigger = triggers.find((tr) => tr.name === `journal_${table}_${op}`)
        expect(trigger, `${table} has no ${op} capture trigger: call captureChanges() for it in its migration`).toBeDefined()
        for (const column of columns) expect(trigger!.sql, `${table}.${column} is not captured on ${op}: call captureChanges() again after changing its columns`).toContain(`'${column}'`)
      }
    }
    for (const table of tables.filter((name) => !isJournaled(name))) {
      expect(NOT_JOURNALED.includes(table) || table.startsWith('patient_search'), table).toBe(true)
    }
  })
})

async function adminToken(t: TestCore): Promise<string> {
  return (await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })).token!
}

/** A clinic with some of everything: staff, settings, patients edited, merged, unmerged, archived, imported, a photo. */
async function busyClinic() {
  const { t, token } = await clinic()
  const desk = await addStaff(t.core, token, 'receptionist')
  await call(t.core, 'settings.update', { clinicPhone: '+44 113 496 0333', patientNumberPrefix: 'LS-' }, token)
  const created: Patient[] = []
  for (const [name, phone] of [['Ramesh Kumar', '07911 123401'], ['Ramesh Kumaar', '07911 123402'], ['José Fernández', '07911 123403'], ['Anita Desai', '']]) {
    t.clock.advance(60_000)
    created.push((await call<{ patient: Patient }>(t.core, 'patients.create', { name, phone, allowDuplicate: true }, desk.token)).patient)
  }
  await call(t.core, 'patients.update', { id: created[2].id, fields: { city: 'Leeds', allergies: 'Penicillin' } }, desk.token)
  const merge = await call<PatientMerge>(t.core, 'patients.merge', { survivorId: created[0].id, mergedId: created[1].id, fields: { phone: '07911 123402' } }, token)
  await call(t.core, 'patients.unmerge', { mergeId: merge.id }, token)
  await call(t.core, 'patients.merge', { survivorId: created[0].id, mergedId: created[1].id }, token)
  await call(t.core, 'patients.archive', { id: created[3].id, reason: 'Duplicate card' }, desk.token)
  await call(t.core, 'patients.setPhoto', { id: created[2].id, file: await png() }, desk.token)
  await call(t.core, 'patients.importCommit', { file: csv('Name,Mobile,DOB\nSita Iyer,07911 123501,02/03/1970\nChen Wei,07911 123502,\n') }, token)
  // Scheduling: a doctor, hours, a type, bookings moved and cancelled.
  const practice = await setUpPractice(t.core, token, { doctors: 1, patients: 2 })
  const a = await practice.book({ start: '2025-03-11T09:30:00Z' })
  await practice.book({ patient: 1, start: '2025-03-11T09:45:00Z' })
  await call(t.core, 'appointments.reschedule', { id: a.id, start: '2025-03-11T11:00:00Z' }, token)
  await call(t.core, 'appointments.cancel', { id: a.id, reason: 'Feeling better' }, token)
  return { t, token }
}

const DOMAIN_TABLES = ['settings', 'users', 'patients', 'patient_history', 'patient_merges', 'counters', 'doctors', 'doctor_sessions', 'appointment_types', 'appointments', 'appointment_cells', 'appointment_events'] as const

async function snapshot(db: ReturnType<typeof createKysely>, table: string) {
  const pk = table === 'settings' || table === 'counters' ? (table === 'settings' ? 'key' : 'kind') : 'id'
  return (await sql`select * from ${sql.table(table)} order by ${sql.ref(pk)}`.execute(db)).rows
}

describe('replaying the journal', () => {
  it('rebuilds every table exactly, from an empty database at the same schema', async () => {
    const { t } = await busyClinic()
    const targetDir = tempDir()
    try {
      const writer = openSqlite(join(targetDir, DB_FILE))
      const cursor: JournalCursor = { seq: null }
      registerJournalFunction(writer, cursor)
      const target = createKysely(writer)
      await migrate(target)
      const replayed = await replayJournal(t.core.services.readDb, target, cursor)
      expect(replayed).toBe(await lastSeq(t))
      for (const table of DOMAIN_TABLES) {
        expect(await snapshot(target, table), table).toEqual(await snapshot(t.core.services.db, table))
        expect((await snapshot(target, table)).length, table).toBeGreaterThan(0)
      }
      // Derived data follows the rows: the claimed cells per hour, and search works on the copy.
      const hours = (db: ReturnType<typeof createKysely>) => sql`select * from appointment_cell_hours order by hour, doctor_id`.execute(db).then((r) => r.rows)
      expect((await hours(target)).length).toBeGreaterThan(0)
      expect(await hours(target)).toEqual(await hours(t.core.services.db))
      const hits = await sql<{ rowid: number }>`select rowid from patient_search where patient_search match 'name : "fernandez"'`.execute(target)
      expect(hits.rows).toHaveLength(1)
      await target.destroy()
    } finally {
      removeDir(targetDir)
    }
  })
})

describe('the hash chain', () => {
  /** Runs `tamper` on the closed database file, reopens it, and returns what audit.verify says. */
  async function verifyAfter(tamper: (db: SQLite.Database) => void): Promise<ChainCheck> {
    const { t } = await busyClinic()
    expect((await call<ChainCheck>(t.core, 'audit.verify', {}, await adminToken(t))).ok).toBe(true)
    await t.core.close()
    open = open.filter((o) => o !== t)
    const raw = new SQLite(join(t.dataDir, DB_FILE))
    // Someone with the file and a SQLite tool: the append-only guards are only triggers.
    for (const name of ['journal_sealed', 'journal_no_delete', 'journal_rows_no_update', 'journal_rows_no_delete']) raw.exec(`drop trigger ${name}`)
    tamper(raw)
    raw.close()
    const again = await createCore({ dataDir: t.dataDir, clock: t.clock, log: () => {}, schedules: false })
    try {
      const session = await again.dispatch('auth.login', { email: ADMIN.email, password: ADMIN.password })
      const token = (session as { value: SessionInfo }).value.token
      const check = await again.dispatch('audit.verify', {}, { token })
      return (check as { value: ChainCheck }).value
    } finally {
      await again.close()
      removeDir(t.dataDir)
    }
  }

  it('names an entry whose input was edited', async () => {
    let seq = 0
    const check = await verifyAfter((db) => {
      seq = (db.prepare(`select seq from journal where method = 'patients.archive'`).get() as { seq: number }).seq
      expect(db.prepare(`update journal set input = replace(input, 'Duplicate card', 'Deceased') where seq = ?`).run(seq).changes).toBe(1)
    })
    expect(check).toMatchObject({ ok: false, broken: { seq, reason: expect.stringMatching(/altered/) } })
  })

  it('names an entry whose captured row was edited', async () => {
    let seq = 0
    const check = await verifyAfter((db) => {
      seq = (db.prepare(`select seq from journal where method = 'patients.update'`).get() as { seq: number }).seq
      db.prepare(`update journal_rows set data = replace(data, 'Penicillin', 'None') where seq = ?`).run(seq)
    })
    expect(check.broken).toEqual({ seq, reason: expect.stringMatching(/altered/) })
  })

  it('names the entry after one that was removed', async () => {
    let seq = 0
    const check = await verifyAfter((db) => {
      seq = (db.prepare(`select seq from journal where method = 'patients.archive'`).get() as { seq: number }).seq
      db.prepare(`delete from journal_rows where seq = ?`).run(seq)
      db.prepare(`delete from journal where seq = ?`).run(seq)
    })
    expect(check.broken).toEqual({ seq: seq + 1, reason: `entry ${seq} before it is missing` })
    expect(check.entries).toBe(seq - 1)
  })

  it('names the first of two entries swapped in place', async () => {
    let seq = 0
    const check = await verifyAfter((db) => {
      seq = (db.prepare(`select seq from journal where method = 'patients.update'`).get() as { seq: number }).seq
      const a = db.prepare(`select * from journal where seq = ?`).get(seq) as Record<string, unknown>
      const b = db.prepare(`select * from journal where seq = ?`).get(seq + 1) as Record<string, unknown>
      const put = db.prepare(`update journal set at = @at, method = @method, user_id = @user_id, role = @role, input = @input, allocated = @allocated, row_count = @row_count, prev_hash = @prev_hash, hash = @hash where seq = @seq`)
      db.prepare(`update journal_rows set seq = -1 where seq = ?`).run(seq)
      db.prepare(`update journal_rows set seq = ? where seq = ?`).run(seq, seq + 1)
      db.prepare(`update journal_rows set seq = ? where seq = -1`).run(seq + 1)
      put.run({ ...b, seq })
      put.run({ ...a, seq: seq + 1 })
    })
    expect(check.broken).toEqual({ seq, reason: expect.stringMatching(/does not follow/) })
  })
})

describe('the journal screen', () => {
  it('lists entries newest first, in words, filtered by patient, user, method and clinic date', async () => {
    const { t, token } = await busyClinic()
    const patients = await call<{ items: Array<{ id: string; name: string }> }>(t.core, 'patients.search', { q: 'Fernandez' }, token)
    const jose = patients.items[0]
    const page = await call<{ items: JournalEntry[]; hasMore: boolean }>(t.core, 'audit.journal', { patientId: jose.id }, token)
    expect(page.items.map((e) => e.method)).toEqual(['patients.setPhoto', 'patients.update', 'patients.create'])
    const update = page.items[1]
    expect(update.actor).toMatchObject({ name: 'Ravi Kumar', role: 'receptionist' })
    expect(update.changes.find((c) => c.table === 'patients')!.words).toBe('LS-000003 José Fernández: changed city, allergies')
    expect(update.changes.find((c) => c.table === 'patients')!.fields).toEqual({ city: ['', 'Leeds'], allergies: ['', 'Penicillin'] })

    const byMethod = await call<{ items: JournalEntry[] }>(t.core, 'audit.journal', { method: 'patients.merge' }, token)
    expect(byMethod.items).toHaveLength(2)
    const firstPage = await call<{ items: JournalEntry[]; hasMore: boolean }>(t.core, 'audit.journal', { limit: 3 }, token)
    expect(firstPage.hasMore).toBe(true)
    const next = await call<{ items: JournalEntry[] }>(t.core, 'audit.journal', { limit: 3, beforeSeq: firstPage.items[2].seq }, token)
    expect(next.items[0].seq).toBe(firstPage.items[2].seq - 1)
    // The clinic is in Europe/London; the test clock is 10 March 2025.
    expect((await call<{ items: JournalEntry[] }>(t.core, 'audit.journal', { from: '2025-03-11', to: '2025-03-11' }, token)).items).toEqual([])
    expect((await call<{ items: JournalEntry[] }>(t.core, 'audit.journal', { from: '2025-03-10', to: '2025-03-10' }, token)).items.length).toBeGreaterThan(5)
    const desk = (await call<StaffUser[]>(t.core, 'users.list', {}, token)).find((u) => u.role === 'receptionist')!
    const byDesk = await call<{ items: JournalEntry[] }>(t.core, 'audit.journal', { userId: desk.id }, token)
    expect(new Set(byDesk.items.map((e) => e.actor.name))).toEqual(new Set(['Ravi Kumar']))
    // Password hashes never show.
    expect(JSON.stringify(await call(t.core, 'audit.journal', { limit: 200 }, token))).not.toContain('scrypt')
  })

  it('exports the same entries as CSV, and is for admins only', async () => {
    const { t, token } = await busyClinic()
    const file = await call<{ type: string; bytes: Uint8Array; name: string }>(t.core, 'audit.exportJournal', { method: 'patients.update' }, token)
    expect(file.type).toMatch(/text\/csv/)
    expect(file.name).toMatch(/^docspot-journal-\d{4}-\d{2}-\d{2}\.csv$/)
    const lines = new TextDecoder().decode(file.bytes).replace(/^\ufeff/, '').trim().split('\r\n')
    expect(lines[0]).toContain('Time (Europe/London)')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain('Ravi Kumar')
    expect(lines[1]).toContain('changed city, allergies')
    const desk = await call<SessionInfo>(t.core, 'auth.login', { email: 'ravi@sunrise.example', password: 'front desk password' })
    expect((await callError(t.core, 'audit.exportJournal', {}, desk.token)).code).toBe('FORBIDDEN')
    expect((await callError(t.core, 'audit.journal', {}, desk.token)).code).toBe('FORBIDDEN')
    expect((await callError(t.core, 'audit.verify', {}, desk.token)).code).toBe('FORBIDDEN')
  })
})

describe('background jobs', () => {
  it('purges expired sessions as the system, and stopping the core waits for a running job', async () => {
    const { t, token } = await clinic()
    const db = t.core.services.db
    t.clock.advance(13 * 3_600_000) // past the 12-hour session
    expect((await callError(t.core, 'auth.session', {}, token)).code).toBe('UNAUTHENTICATED')
    await call(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    const stale = await db.selectFrom('sessions').select('token_hash').execute()
    expect(stale.length).toBeGreaterThanOrEqual(1)
    t.clock.advance(13 * 3_600_000)
    expect(await t.core.jobs.run('purge-expired-sessions')).toEqual({ removed: stale.length })
    expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([])
    expect(t.core.jobs.names).toEqual(['purge-expired-sessions', 'send-messages'])

    // A job still running when the core closes is waited for, not cut off.
    let finished = false
    const running = t.core.jobs.run('purge-expired-sessions').then(() => (finished = true))
    await t.core.close()
    expect(finished).toBe(true)
    await running
    open = open.filter((o) => o !== t)
    removeDir(t.dataDir)
  })
})

describe('reads cannot write', () => {
  it('gives a read handler a connection without the writing query builders, opened read-only', async () => {
    const readHandler: Handler<'patients.get'> = async (ctx) => {
      // @ts-expect-error a `writes: false` method's connection has no insertInto: this line must not compile
      void ctx.db.insertInto
      // @ts-expect-error nor updateTable
      void ctx.db.updateTable
      throw new Error('never runs')
    }
    expect(readHandler).toBeTypeOf('function')
    const { t } = await clinic()
    await expect(sql`delete from settings`.execute(t.core.services.readDb)).rejects.toThrow(/readonly|docspot_journal_seq/i)
  })
})

describe('read audit', () => {
  it('records who opened which patient’s record, and the journal answers “who looked at this person?”', async () => {
    const { t, token } = await clinic()
    const desk = await addStaff(t.core, token, 'receptionist')
    const doctor = await addStaff(t.core, token, 'doctor')
    const { patient } = await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Private Person' }, desk.token)
    const other = (await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Someone Else' }, desk.token)).patient
    await call(t.core, 'patients.get', { id: patient.id }, doctor.token)
    await call(t.core, 'patients.history', { id: patient.id }, desk.token)
    await call(t.core, 'appointments.forPatient', { patientId: patient.id }, doctor.token)
    await call(t.core, 'patients.get', { id: other.id }, desk.token)
    // Searching is not opening a record.
    await call(t.core, 'patients.search', { q: 'Private' }, doctor.token)

    const looked = await call<{ items: JournalEntry[] }>(t.core, 'audit.journal', { patientId: patient.id }, token)
    expect(looked.items.map((e) => [e.method, e.actor.name])).toEqual([
      ['appointments.forPatient', 'Dr. Meera Iyer'],
      ['patients.history', 'Ravi Kumar'],
      ['patients.get', 'Dr. Meera Iyer'],
      ['patients.create', 'Ravi Kumar']
    ])
    expect(looked.items[2].changes.map((c) => c.words)).toEqual([`${patient.number} Private Person: viewed`])
    expect(looked.items[2].rowCount).toBe(0)
    expect((await call<ChainCheck>(t.core, 'audit.verify', {}, token)).ok).toBe(true)
    // A refused read is not recorded as a look.
    const before = await lastSeq(t)
    await callError(t.core, 'patients.get', { id: '01957f00-0000-7000-8000-000000000001' }, desk.token)
    expect(await lastSeq(t)).toBe(before)
  })
})
