import { latestMigration } from './db/connection'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Settings, SessionInfo, StaffUser } from '../../shared/api'
import type { ChangeEvent } from './context'
import { ADMIN, CLINIC, addStaff, call, callError, openTestCore, setUpClinic, type TestCore } from './testing'

const MINUTE = 60_000

describe('first run', () => {
  let t: TestCore
  afterEach(async () => {
    await t?.close()
  })

  it('says the data folder needs setup until a clinic is created, then names the clinic', async () => {
    t = await openTestCore()
    expect(await call(t.core, 'setup.status')).toEqual({ needsSetup: true, clinicName: null })

    const session = await call<SessionInfo>(t.core, 'setup.createClinic', { clinic: CLINIC, admin: ADMIN })

    expect(session.user).toMatchObject({ name: ADMIN.name, email: ADMIN.email, role: 'admin', active: true })
    expect(session.token).toEqual(expect.any(String))
    expect(await call(t.core, 'setup.status')).toEqual({ needsSetup: false, clinicName: CLINIC.clinicName })
    // The wizard signs the new admin in: the returned token already works.
    const current = await call<SessionInfo>(t.core, 'auth.session', {}, session.token)
    expect(current.user.email).toBe(ADMIN.email)
  })

  it('stores the clinic details from setup, with defaults for everything the wizard does not ask', async () => {
    t = await openTestCore()
    const token = await setUpClinic(t.core)
    const settings = await call<Settings>(t.core, 'settings.get', {}, token)
    expect(settings).toEqual({ ...CLINIC, patientNumberPrefix: 'P-', patientNumberDigits: 6, autoLogoutMinutes: 30, sessionHours: 12, bookingNoticeMinutes: 0, twoFactorRequired: 'nobody', tokenNumbering: 'doctor', lateGraceMinutes: 10, lateArrivalRule: 'arrival', adminsSeeClinical: false, clinicLogo: null })
  })

  it('rejects a short admin password and names the field', async () => {
    t = await openTestCore()
    const error = await callError(t.core, 'setup.createClinic', { clinic: CLINIC, admin: { ...ADMIN, password: 'short' } })
    expect(error.code).toBe('VALIDATION')
    expect(error.fields?.['admin.password']).toBe('must be at least 12 characters')
    expect(error.message).toContain('admin.password')
    expect(await call(t.core, 'setup.status')).toEqual({ needsSetup: true, clinicName: null })
  })

  it.each(['Asia/Kolkata', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'Europe/London', 'UTC'])('accepts the IANA time zone %s', async (timeZone) => {
    t = await openTestCore()
    const result = await t.core.dispatch('setup.createClinic', { clinic: { ...CLINIC, timeZone }, admin: ADMIN })
    // Asia/Kolkata is the zone the validation message itself offers as an example.
    expect(result.ok ? null : result.error.fields).toBeNull()
  })

  it('rejects a time zone that is not an IANA zone and names the field', async () => {
    t = await openTestCore()
    const error = await callError(t.core, 'setup.createClinic', { clinic: { ...CLINIC, timeZone: 'Mars/Olympus' }, admin: ADMIN })
    expect(error.code).toBe('VALIDATION')
    expect(error.fields?.['clinic.timeZone']).toMatch(/IANA time zone/)
    expect(Object.keys(error.fields!)).toEqual(['clinic.timeZone'])
  })

  it('reports every wrong field at once, including a missing one and a malformed email', async () => {
    t = await openTestCore()
    const { clinicName: _omitted, ...clinicWithoutName } = CLINIC
    const error = await callError(t.core, 'setup.createClinic', { clinic: { ...clinicWithoutName, currency: 'rupees' }, admin: { ...ADMIN, email: 'asha-at-sunrise' } })
    expect(error.code).toBe('VALIDATION')
    expect(error.fields).toEqual({
      'clinic.clinicName': 'is required',
      'clinic.currency': expect.stringMatching(/three-letter ISO 4217 code/),
      'admin.email': 'must be a valid email address'
    })
  })

  it('reports an unknown key as not a known field, at the top level and inside admin', async () => {
    t = await openTestCore()
    const error = await callError(t.core, 'setup.createClinic', { clinic: CLINIC, admin: { ...ADMIN, nickname: 'Ash' }, licence: 'trial' })
    expect(error.code).toBe('VALIDATION')
    expect(error.fields).toEqual({ licence: 'is not a known field', 'admin.nickname': 'is not a known field' })
  })

  it('reports an unknown key inside clinic rather than silently dropping it', async () => {
    t = await openTestCore()
    // A misspelt or not-yet-supported clinic setting must not vanish without a word.
    const error = await callError(t.core, 'setup.createClinic', { clinic: { ...CLINIC, patientNumberPrefx: 'SUN-' }, admin: ADMIN })
    expect(error.code).toBe('VALIDATION')
    expect(error.fields?.['clinic.patientNumberPrefx']).toBe('is not a known field')
  })

  it('refuses a second setup with CONFLICT and keeps the first clinic and admin', async () => {
    t = await openTestCore()
    const token = await setUpClinic(t.core)
    const error = await callError(t.core, 'setup.createClinic', {
      clinic: { ...CLINIC, clinicName: 'Hijacked Clinic' },
      admin: { name: 'Mallory', email: 'mallory@evil.example', password: 'mallory password' }
    })
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toMatch(/already set up/)
    expect(await call(t.core, 'setup.status')).toEqual({ needsSetup: false, clinicName: CLINIC.clinicName })
    const users = await call<StaffUser[]>(t.core, 'users.list', {}, token)
    expect(users.map((u) => u.email)).toEqual([ADMIN.email])
  })

  it('runs setup as one transaction: when creating the admin fails, the clinic settings are not kept either', async () => {
    t = await openTestCore()
    // A leftover account with the admin's email (in another case) makes the admin insert fail
    // after the settings were written inside the same transaction.
    await t.core.journaledWrite('users.create', null, (tx) =>
      tx.db.insertInto('users').values({ id: 'leftover', name: 'Old', email: ADMIN.email.toUpperCase(), role: 'admin', password_hash: 'x', created_at: 'x', updated_at: 'x' }).execute()
    )
    const entries = async () => (await t.core.services.db.selectFrom('journal').select('seq').execute()).length
    const before = await entries()

    const error = await callError(t.core, 'setup.createClinic', { clinic: CLINIC, admin: ADMIN })

    expect(error.code).toBe('CONFLICT')
    expect(await call(t.core, 'setup.status')).toEqual({ needsSetup: true, clinicName: null })
    const settingsRows = await t.core.services.db.selectFrom('settings').selectAll().execute()
    expect(settingsRows).toEqual([])
    const sessions = await t.core.services.db.selectFrom('sessions').selectAll().execute()
    expect(sessions).toEqual([])
    // A rolled-back call leaves no journal entry either.
    expect(await entries()).toBe(before)
  })

  it('refuses to sign anyone in before the clinic is set up', async () => {
    t = await openTestCore()
    const error = await callError(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toMatch(/not been set up/)
  })

  it('answers the public health check with version, schema version and the core clock', async () => {
    t = await openTestCore('2025-03-10T09:00:00.000Z')
    expect(await call(t.core, 'system.health')).toEqual({
      status: 'ok',
      version: '1.2.3-test',
      schemaVersion: latestMigration(),
      time: '2025-03-10T09:00:00.000Z',
      connection: { kind: 'desktop', https: false, fingerprint: null, insecure: false }
    })
  })
})

describe('a set-up clinic', () => {
  let t: TestCore
  let adminToken: string
  let receptionistToken: string

  beforeAll(async () => {
    t = await openTestCore()
    adminToken = await setUpClinic(t.core)
    receptionistToken = (await addStaff(t.core, adminToken, 'receptionist')).token
  })
  afterAll(async () => {
    await t?.close()
  })

  describe('signing in', () => {
    it('gives the same answer for a wrong password and an unknown email', async () => {
      const wrongPassword = await callError(t.core, 'auth.login', { email: ADMIN.email, password: 'not the password' })
      const unknownEmail = await callError(t.core, 'auth.login', { email: 'nobody@sunrise.example', password: ADMIN.password })
      expect(wrongPassword).toEqual({ code: 'UNAUTHENTICATED', message: 'Email or password is incorrect' })
      expect(unknownEmail).toEqual(wrongPassword)
    })

    it('signs in with the right password, whatever the case of the email, and returns a token valid for the clinic session length', async () => {
      const session = await call<SessionInfo>(t.core, 'auth.login', { email: '  ASHA@Sunrise.Example ', password: ADMIN.password })
      expect(session.user).toMatchObject({ email: ADMIN.email, role: 'admin' })
      expect(session.token).toMatch(/^[A-Za-z0-9_-]{40,}$/)
      expect(session.expiresAt).toBe(new Date(t.clock.now().getTime() + 12 * 3_600_000).toISOString())
    })

    it('tells who is signed in for a token, without the token', async () => {
      const session = await call<SessionInfo>(t.core, 'auth.session', {}, adminToken)
      expect(session.user).toMatchObject({ name: ADMIN.name, email: ADMIN.email, role: 'admin' })
      expect(session.token).toBeUndefined()
      expect(session.expiresAt).toEqual(expect.any(String))
    })

    it('asks to sign in when a protected method is called without a token', async () => {
      const error = await callError(t.core, 'auth.session', {})
      expect(error).toEqual({ code: 'UNAUTHENTICATED', message: 'Please sign in first' })
    })

    it('rejects a token it never issued', async () => {
      const error = await callError(t.core, 'settings.get', {}, 'made-up-token')
      expect(error.code).toBe('UNAUTHENTICATED')
    })

    it('does not keep the password or session tokens in the database in plain text', async () => {
      const users = await t.core.services.db.selectFrom('users').select('password_hash').execute()
      for (const u of users) expect(u.password_hash).not.toContain(ADMIN.password)
      const sessions = await t.core.services.db.selectFrom('sessions').select('token_hash').execute()
      expect(sessions.map((s) => s.token_hash)).not.toContain(adminToken)
    })

    it('ends a session at logout: its token is rejected afterwards, other sessions carry on', async () => {
      const session = await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
      expect(await call(t.core, 'auth.logout', {}, session.token)).toEqual({ signedOut: true })
      const error = await callError(t.core, 'auth.session', {}, session.token)
      expect(error.code).toBe('UNAUTHENTICATED')
      expect((await call<SessionInfo>(t.core, 'auth.session', {}, adminToken)).user.email).toBe(ADMIN.email)
    })
  })

  it('answers an unknown method with NOT_FOUND naming it', async () => {
    const error = await callError(t.core, 'patients.teleport', {}, adminToken)
    expect(error.code).toBe('NOT_FOUND')
    expect(error.message).toContain('patients.teleport')
  })

  it('does not treat inherited object keys as methods', async () => {
    const error = await callError(t.core, 'toString', {}, adminToken)
    expect(error.code).toBe('NOT_FOUND')
  })

  describe('roles', () => {
    it('forbids a receptionist from changing clinic settings, and nothing changes', async () => {
      const before = await call<Settings>(t.core, 'settings.get', {}, receptionistToken)
      const error = await callError(t.core, 'settings.update', { clinicName: 'Front Desk Clinic' }, receptionistToken)
      expect(error.code).toBe('FORBIDDEN')
      expect(error.message).toMatch(/receptionist may not do this: change some clinic settings/)
      expect(await call<Settings>(t.core, 'settings.get', {}, receptionistToken)).toEqual(before)
    })

    it('forbids a receptionist from creating staff accounts, and no account appears', async () => {
      const error = await callError(
        t.core,
        'users.create',
        { name: 'Sneaky Admin', email: 'sneaky@sunrise.example', role: 'admin', password: 'sneaky password' },
        receptionistToken
      )
      expect(error.code).toBe('FORBIDDEN')
      const users = await call<StaffUser[]>(t.core, 'users.list', {}, adminToken)
      expect(users.map((u) => u.email)).not.toContain('sneaky@sunrise.example')
    })

    it('checks the role before looking at the input, so a receptionist learns nothing from validation', async () => {
      const error = await callError(t.core, 'users.create', { bogus: true }, receptionistToken)
      expect(error.code).toBe('FORBIDDEN')
    })

    it('lets the receptionist read the clinic settings', async () => {
      const settings = await call<Settings>(t.core, 'settings.get', {}, receptionistToken)
      expect(settings.timeZone).toBe(CLINIC.timeZone)
    })
  })

  describe('settings', () => {
    it('keeps an admin’s change and returns it from settings.get, leaving the rest as it was', async () => {
      const updated = await call<Settings>(t.core, 'settings.update', { clinicPhone: '+44 113 496 0199', patientNumberDigits: 8 }, adminToken)
      expect(updated).toMatchObject({ clinicPhone: '+44 113 496 0199', patientNumberDigits: 8, clinicName: CLINIC.clinicName })
      const read = await call<Settings>(t.core, 'settings.get', {}, adminToken)
      expect(read).toEqual(updated)
    })

    it('changing one setting leaves the clinic phone and address that were not sent', async () => {
      await call(t.core, 'settings.update', { clinicPhone: '+44 113 496 0123', clinicAddress: { line: '1 High Street', city: 'Leeds' } }, adminToken)
      const after = await call<Settings>(t.core, 'settings.update', { clinicName: 'Renamed Clinic' }, adminToken)
      expect(after).toMatchObject({ clinicName: 'Renamed Clinic', clinicPhone: '+44 113 496 0123', clinicAddress: { line: '1 High Street', city: 'Leeds' } })
      await call(t.core, 'settings.update', { clinicName: CLINIC.clinicName }, adminToken)
    })

    it('rejects an invalid value, names the field, and keeps the old value', async () => {
      const before = await call<Settings>(t.core, 'settings.get', {}, adminToken)
      const error = await callError(t.core, 'settings.update', { patientNumberDigits: 2, defaultCountry: 'India' }, adminToken)
      expect(error.code).toBe('VALIDATION')
      expect(Object.keys(error.fields!).sort()).toEqual(['defaultCountry', 'patientNumberDigits'])
      expect(error.fields!.defaultCountry).toMatch(/two-letter country code/)
      expect(await call<Settings>(t.core, 'settings.get', {}, adminToken)).toEqual(before)
    })

    it('rejects a setting it does not know', async () => {
      const error = await callError(t.core, 'settings.update', { themeColour: 'teal' }, adminToken)
      expect(error.code).toBe('VALIDATION')
      expect(error.fields).toEqual({ themeColour: 'is not a known field' })
    })
  })

  describe('staff accounts', () => {
    it('creates a doctor who can then sign in', async () => {
      const doctor = await call<StaffUser>(
        t.core,
        'users.create',
        { name: 'Dr. Kiran Rao', email: 'kiran@sunrise.example', role: 'doctor', password: 'stethoscope 42' },
        adminToken
      )
      expect(doctor).toMatchObject({ name: 'Dr. Kiran Rao', email: 'kiran@sunrise.example', role: 'doctor', active: true })
      const session = await call<SessionInfo>(t.core, 'auth.login', { email: 'kiran@sunrise.example', password: 'stethoscope 42' })
      expect(session.user.id).toBe(doctor.id)
    })

    it('refuses a second account with the same email in another case', async () => {
      const before = await call<StaffUser[]>(t.core, 'users.list', {}, adminToken)
      const error = await callError(
        t.core,
        'users.create',
        { name: 'Ravi Again', email: 'RAVI@Sunrise.example', role: 'doctor', password: 'another password' },
        adminToken
      )
      expect(error.code).toBe('CONFLICT')
      expect(error.fields).toEqual({ email: 'another staff account already uses this email' })
      expect(await call<StaffUser[]>(t.core, 'users.list', {}, adminToken)).toEqual(before)
    })

    it('rejects a role that does not exist and names the field', async () => {
      const error = await callError(t.core, 'users.create', { name: 'Nina', email: 'nina@sunrise.example', role: 'nurse', password: 'long enough pw' }, adminToken)
      expect(error.code).toBe('VALIDATION')
      expect(Object.keys(error.fields!)).toEqual(['role'])
    })

    it('lists staff without any password material', async () => {
      const users = await call<StaffUser[]>(t.core, 'users.list', {}, adminToken)
      expect(users.map((u) => u.email)).toEqual(expect.arrayContaining([ADMIN.email, 'ravi@sunrise.example']))
      for (const user of users) expect(Object.keys(user).sort()).toEqual(['active', 'createdAt', 'customRole', 'email', 'id', 'mustChangePassword', 'name', 'phone', 'role', 'twoFactor'])
    })
  })

  describe('change events', () => {
    it('publishes a change for each committed write, naming the method and the exact rows', async () => {
      const seen: ChangeEvent[] = []
      const stop = t.core.onChange((change) => seen.push(change))
      try {
        await call(t.core, 'settings.update', { clinicPhone: '+44 113 496 0111' }, adminToken)
        const user = await call<StaffUser>(
          t.core,
          'users.create',
          { name: 'Lata Shah', email: 'lata@sunrise.example', role: 'receptionist', password: 'front desk two' },
          adminToken
        )
        const at = t.clock.now().toISOString()
        const admin = (await call<SessionInfo>(t.core, 'auth.session', {}, adminToken)).user
        expect(seen).toEqual([
          { seq: expect.any(Number), method: 'settings.update', at, by: admin.id, changed: { settings: ['clinicPhone'] }, all: [] },
          { seq: seen[0].seq + 1, method: 'users.create', at, by: admin.id, changed: { users: [user.id] }, all: [] }
        ])
      } finally {
        stop()
      }
    })

    it('publishes nothing for reads', async () => {
      const seen: ChangeEvent[] = []
      const stop = t.core.onChange((change) => seen.push(change))
      try {
        await call(t.core, 'system.health')
        await call(t.core, 'setup.status')
        await call(t.core, 'auth.session', {}, adminToken)
        await call(t.core, 'settings.get', {}, adminToken)
        await call(t.core, 'users.list', {}, adminToken)
        expect(seen).toEqual([])
      } finally {
        stop()
      }
    })

    it('publishes nothing for a write that was refused', async () => {
      const seen: ChangeEvent[] = []
      const stop = t.core.onChange((change) => seen.push(change))
      try {
        await callError(t.core, 'settings.update', { patientNumberDigits: 99 }, adminToken)
        await callError(t.core, 'settings.update', { clinicName: 'X' }, receptionistToken)
        await callError(t.core, 'users.create', { name: 'Ravi', email: 'ravi@sunrise.example', role: 'doctor', password: 'long enough pw' }, adminToken)
        expect(seen).toEqual([])
      } finally {
        stop()
      }
    })

    it('stops publishing to a listener once it unsubscribes', async () => {
      const seen: ChangeEvent[] = []
      const stop = t.core.onChange((change) => seen.push(change))
      stop()
      await call(t.core, 'settings.update', { clinicPhone: '+44 113 496 0122' }, adminToken)
      expect(seen).toEqual([])
    })

    it('still reports a committed write as saved when a change listener fails', async () => {
      const stop = t.core.onChange(() => {
        throw new Error('window went away')
      })
      try {
        const result = await t.core.dispatch('settings.update', { clinicPhone: '+44 113 496 0133' }, { token: adminToken })
        const saved = await call<Settings>(t.core, 'settings.get', {}, adminToken)
        expect(saved.clinicPhone).toBe('+44 113 496 0133')
        // The change was saved, so the caller must not be told "nothing was saved".
        expect(result).toMatchObject({ ok: true, value: { clinicPhone: '+44 113 496 0133' } })
      } finally {
        stop()
      }
    })
  })
})

describe('session expiry', () => {
  let t: TestCore
  let adminToken: string
  beforeAll(async () => {
    t = await openTestCore('2025-03-10T09:00:00.000Z')
    adminToken = await setUpClinic(t.core)
  })
  afterAll(async () => {
    await t?.close()
  })

  async function signIn(): Promise<string> {
    const session = await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    return session.token!
  }

  it('signs a session out after more idle minutes than the clinic allows', async () => {
    const token = await signIn()
    t.clock.advance(29 * MINUTE)
    expect((await t.core.dispatch('auth.session', {}, { token })).ok).toBe(true)
    t.clock.advance(31 * MINUTE)
    const error = await callError(t.core, 'auth.session', {}, token)
    expect(error).toEqual({ code: 'UNAUTHENTICATED', message: 'Your session has ended; please sign in again' })
  })

  it('keeps a session alive while it is used', async () => {
    const token = await signIn()
    for (let i = 0; i < 8; i++) {
      t.clock.advance(20 * MINUTE)
      expect((await t.core.dispatch('settings.get', {}, { token })).ok).toBe(true)
    }
  })

  it('uses the auto-logout minutes the admin set', async () => {
    adminToken = await signIn()
    await call(t.core, 'settings.update', { autoLogoutMinutes: 5 }, adminToken)
    const token = await signIn()
    t.clock.advance(6 * MINUTE)
    expect((await callError(t.core, 'settings.get', {}, token)).code).toBe('UNAUTHENTICATED')
    adminToken = await signIn()
    await call(t.core, 'settings.update', { autoLogoutMinutes: 30 }, adminToken)
  })

  it('ends even a busy session after the clinic’s session hours', async () => {
    adminToken = await signIn()
    await call(t.core, 'settings.update', { sessionHours: 1 }, adminToken)
    const session = await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    expect(session.expiresAt).toBe(new Date(t.clock.now().getTime() + 60 * MINUTE).toISOString())
    for (let i = 0; i < 5; i++) {
      t.clock.advance(10 * MINUTE)
      expect((await t.core.dispatch('settings.get', {}, { token: session.token })).ok).toBe(true)
    }
    t.clock.advance(11 * MINUTE)
    expect((await callError(t.core, 'settings.get', {}, session.token)).code).toBe('UNAUTHENTICATED')
  })
})
