import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { SessionInfo, StaffUser, TwoFactorSetup } from '../../../shared/api'
import { DB_FILE } from '../db/connection'
import { KEY_FILE, keyFile, secretBox } from '../secrets'
import { ADMIN, STAFF, addStaff, call, callError, openTestCore, setUpClinic, tempDir, removeDir, type TestCore } from '../testing'
import { totpCodeAt } from './two-factor'

let t: TestCore
afterEach(async () => t?.close())

async function enrolled() {
  t = await openTestCore()
  const token = await setUpClinic(t.core)
  const setup = await call<TwoFactorSetup>(t.core, 'auth.twoFactorSetup', {}, token)
  const { recoveryCodes } = await call<{ recoveryCodes: string[] }>(t.core, 'auth.twoFactorEnable', { secret: setup.secret, totpCode: totpCodeAt(setup.secret, t.clock.now()), password: ADMIN.password }, token)
  // The code that enrolled cannot sign in: move to the next 30-second step.
  t.clock.advance(30_000)
  return { token, setup, recoveryCodes }
}

const login = (extra: Record<string, string> = {}) => t.core.dispatch('auth.login', { email: ADMIN.email, password: ADMIN.password, ...extra })

describe('two-factor sign-in', () => {
  it('enrols from a scanned key: the app URI names the clinic and the person, and the account says it has two factors', async () => {
    const { token, setup, recoveryCodes } = await enrolled()
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(setup.uri).toMatch(/^otpauth:\/\/totp\/DocSpot%20\(Sunrise%20Family%20Clinic\):asha%40sunrise\.example\?/)
    expect(setup.uri).toContain(`secret=${setup.secret}`)
    expect(recoveryCodes).toHaveLength(10)
    expect(new Set(recoveryCodes).size).toBe(10)
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}$/)
    expect((await call<SessionInfo>(t.core, 'auth.session', {}, token)).user.twoFactor).toBe(true)
  })

  it('refuses a wrong code at enrolment, naming the field, and stores nothing', async () => {
    t = await openTestCore()
    const token = await setUpClinic(t.core)
    const { secret } = await call<TwoFactorSetup>(t.core, 'auth.twoFactorSetup', {}, token)
    const wrong = String((Number(totpCodeAt(secret, t.clock.now())) + 1) % 1_000_000).padStart(6, '0')
    const error = await callError(t.core, 'auth.twoFactorEnable', { secret, totpCode: wrong, password: ADMIN.password }, token)
    expect(error.fields).toMatchObject({ totpCode: expect.stringMatching(/does not match/) })
    expect((await callError(t.core, 'auth.twoFactorEnable', { secret, totpCode: '12345', password: ADMIN.password }, token)).fields).toMatchObject({ totpCode: expect.stringMatching(/6 digits/) })
    expect((await call<SessionInfo>(t.core, 'auth.session', {}, token)).user.twoFactor).toBe(false)
  })

  it('does not open the account with the password alone; the current code opens it once', async () => {
    const { setup } = await enrolled()
    const bare = await login()
    expect(bare.ok).toBe(false)
    expect(!bare.ok && bare.error).toMatchObject({ code: 'VALIDATION', fields: { totpCode: expect.stringMatching(/6-digit code/) } })

    const code = totpCodeAt(setup.secret, t.clock.now())
    const signedIn = await login({ totpCode: code })
    expect(signedIn.ok && (signedIn.value as SessionInfo).token).toBeTruthy()
    // The same code again (someone watching over the shoulder) is refused.
    const replay = await login({ totpCode: code })
    expect(!replay.ok && replay.error.fields).toMatchObject({ totpCode: expect.stringMatching(/used already/) })
    // A code from the previous step is still fine while the phone's clock lags (one step either side).
    t.clock.advance(30_000)
    expect((await login({ totpCode: totpCodeAt(setup.secret, new Date(t.clock.now().getTime() + 30_000)) })).ok).toBe(true)
  })

  it('counts wrong codes as failed sign-ins: a stolen password cannot be used to guess codes', async () => {
    const { setup } = await enrolled()
    const right = totpCodeAt(setup.secret, t.clock.now())
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0')
    for (let i = 0; i < 5; i++) {
      // Asking without a code in between does not clear the count.
      await login()
      const result = await login({ totpCode: wrong })
      expect(!result.ok && result.error.fields).toMatchObject({ totpCode: expect.stringMatching(/not the current code/) })
    }
    const locked = await login({ totpCode: right })
    expect(!locked.ok && locked.error.message).toMatch(/Too many failed sign-ins/)
  })

  it('lets one code open one session even when two sign-ins send it at the same moment', async () => {
    const { setup } = await enrolled()
    const code = totpCodeAt(setup.secret, t.clock.now())
    const [a, b] = await Promise.all([login({ totpCode: code }), login({ totpCode: code })])
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1)
  })

  it('caps wrong codes per account for a day, even from the owner’s own PC, and a day later the right code works', async () => {
    const { setup } = await enrolled()
    const signedIn = await login({ totpCode: totpCodeAt(setup.secret, t.clock.now()) })
    // The owner's PC is exempt from the per-email slowing: only the new cap applies.
    const deviceKey = signedIn.ok ? (signedIn.value as SessionInfo).deviceKey! : ''
    const fromOwnPc = (totpCode: string) => t.core.dispatch('auth.login', { email: ADMIN.email, password: ADMIN.password, totpCode }, { deviceKey })
    t.clock.advance(30_000)
    const wrong = String((Number(totpCodeAt(setup.secret, t.clock.now())) + 500_000) % 1_000_000).padStart(6, '0')
    for (let i = 0; i < 10; i++) expect((await fromOwnPc(wrong)).ok).toBe(false)
    const refused = await fromOwnPc(totpCodeAt(setup.secret, t.clock.now()))
    expect(!refused.ok && refused.error.message).toMatch(/Too many wrong codes for this account today/)
    t.clock.advance(24 * 60 * 60_000)
    expect((await fromOwnPc(totpCodeAt(setup.secret, t.clock.now()))).ok).toBe(true)
  })

  it('takes each recovery code once, in place of the app', async () => {
    const { recoveryCodes } = await enrolled()
    expect((await login({ recoveryCode: recoveryCodes[3].toUpperCase() })).ok).toBe(true)
    const again = await login({ recoveryCode: recoveryCodes[3] })
    expect(!again.ok && again.error.fields).toMatchObject({ recoveryCode: expect.stringMatching(/not one of your unused recovery codes/) })
    expect((await login({ recoveryCode: recoveryCodes[4].replace('-', '') })).ok).toBe(true)
  })

  it('keeps the key sealed: the database file does not hold it, and the key file is 0600', async () => {
    const { setup } = await enrolled()
    await t.core.close()
    const bytes = readFileSync(join(t.dataDir, DB_FILE))
    const wal = (() => {
      try {
        return readFileSync(join(t.dataDir, `${DB_FILE}-wal`))
      } catch {
        return Buffer.alloc(0)
      }
    })()
    expect(bytes.includes(setup.secret)).toBe(false)
    expect(wal.includes(setup.secret)).toBe(false)
    expect(statSync(join(t.dataDir, KEY_FILE)).mode & 0o777).toBe(0o600)
    t = { ...t, close: async () => removeDir(t.dataDir) }
  })
})

describe('a clinic that requires two-factor sign-in', () => {
  it('makes an admin without it enrol before anything else, leaves other roles alone, and will not let it be turned off', async () => {
    t = await openTestCore()
    const token = await setUpClinic(t.core)
    const desk = await addStaff(t.core, token, 'receptionist')
    await call(t.core, 'settings.update', { twoFactorRequired: 'admins' }, token)

    const session = await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    expect(session.mustEnrolTwoFactor).toBe(true)
    expect((await callError(t.core, 'patients.search', { q: 'a' }, session.token)).message).toMatch(/requires two-factor sign-in for your account: set it up first/)
    expect((await call<SessionInfo>(t.core, 'auth.session', {}, desk.token)).mustEnrolTwoFactor).toBe(false)
    expect(await call(t.core, 'patients.search', { q: 'a' }, desk.token)).toBeDefined()

    const { secret } = await call<TwoFactorSetup>(t.core, 'auth.twoFactorSetup', {}, session.token)
    await call(t.core, 'auth.twoFactorEnable', { secret, totpCode: totpCodeAt(secret, t.clock.now()), password: ADMIN.password }, session.token)
    expect(await call(t.core, 'patients.search', { q: 'a' }, session.token)).toBeDefined()
    expect((await callError(t.core, 'auth.twoFactorDisable', { password: ADMIN.password }, session.token)).code).toBe('FORBIDDEN')
  })

  it('counts a custom role that may do what only admins may as an admin', async () => {
    t = await openTestCore()
    const token = await setUpClinic(t.core)
    const role = await call<{ id: string }>(t.core, 'roles.save', { name: 'Practice auditor', baseRole: 'receptionist', methods: ['audit.journal', 'patients.search'] }, token)
    const desk = await addStaff(t.core, token, 'receptionist')
    await call(t.core, 'users.update', { id: desk.user.id, fields: { customRoleId: role.id } }, token)
    await call(t.core, 'settings.update', { twoFactorRequired: 'admins' }, token)
    // The admin enrolled first, so they can still change things.
    const session = await call<SessionInfo>(t.core, 'auth.login', { email: STAFF.receptionist.email, password: STAFF.receptionist.password })
    expect(session.mustEnrolTwoFactor).toBe(true)
    expect((await callError(t.core, 'audit.journal', {}, session.token)).message).toMatch(/set it up first/)
  })

  it('lets an admin reset a lost second factor (not a receptionist), after which the password alone signs in', async () => {
    t = await openTestCore()
    const token = await setUpClinic(t.core)
    const desk = await addStaff(t.core, token, 'receptionist')
    const { secret } = await call<TwoFactorSetup>(t.core, 'auth.twoFactorSetup', {}, desk.token)
    await call(t.core, 'auth.twoFactorEnable', { secret, totpCode: totpCodeAt(secret, t.clock.now()), password: STAFF.receptionist.password }, desk.token)
    const deskLogin = () => t.core.dispatch('auth.login', { email: STAFF.receptionist.email, password: STAFF.receptionist.password })
    expect((await deskLogin()).ok).toBe(false)

    expect((await callError(t.core, 'users.resetTwoFactor', { id: desk.user.id }, desk.token)).code).toBe('FORBIDDEN')
    const reset = await call<StaffUser>(t.core, 'users.resetTwoFactor', { id: desk.user.id }, token)
    expect(reset.twoFactor).toBe(false)
    expect((await deskLogin()).ok).toBe(true)
    expect((await callError(t.core, 'users.resetTwoFactor', { id: desk.user.id }, token)).fields).toMatchObject({ id: expect.stringMatching(/has no second factor/) })
  })
})

describe('the secret box', () => {
  it('keeps the key file as it is on the hub or wrapped on the desktop, and says why the hub cannot open a wrapped one', () => {
    const dir = tempDir()
    try {
      const wrap = { encrypt: (b: Buffer) => Buffer.from(b.toString('hex')), decrypt: (b: Buffer) => Buffer.from(b.toString(), 'hex') }
      const sealed = secretBox(keyFile(dir, wrap)).seal('JBSWY3DPEHPK3PXP')
      expect(readFileSync(join(dir, KEY_FILE), 'utf8')).toMatch(/^wrapped:/)
      expect(secretBox(keyFile(dir, wrap)).open(sealed)).toBe('JBSWY3DPEHPK3PXP')
      expect(() => secretBox(keyFile(dir))).toThrow(/locked to the desktop app's user account/)
    } finally {
      removeDir(dir)
    }
  })

  it('opens what it sealed, and says plainly when the key is not the one it was sealed with', () => {
    const a = tempDir()
    const b = tempDir()
    try {
      const box = secretBox(keyFile(a))
      const sealed = box.seal('JBSWY3DPEHPK3PXP')
      expect(sealed).not.toContain('JBSWY3DPEHPK3PXP')
      expect(secretBox(keyFile(a)).open(sealed)).toBe('JBSWY3DPEHPK3PXP')
      expect(() => secretBox(keyFile(b)).open(sealed)).toThrow(/cannot be opened with this folder's key \(docspot\.key\): was the database restored without it\?/)
    } finally {
      removeDir(a)
      removeDir(b)
    }
  })
})
