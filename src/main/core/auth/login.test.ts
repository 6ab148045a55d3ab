import { afterEach, describe, expect, it } from 'vitest'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { SessionInfo } from '../../../shared/api'
import { createCore } from '../create-core'
import { ADMIN, call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'
import { SIGN_IN_LIMITS_FILE } from './throttle'

let t: TestCore
afterEach(async () => t?.close())

describe('signing in', () => {
  it('after five wrong passwords for an email, refuses even the right one for a while, longer after each further failure', async () => {
    t = await openTestCore()
    await setUpClinic(t.core)
    for (let i = 0; i < 5; i++) {
      expect((await callError(t.core, 'auth.login', { email: ADMIN.email, password: 'a wrong password' })).message).toBe('Email or password is incorrect')
    }
    const refused = await callError(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    expect(refused.code).toBe('UNAUTHENTICATED')
    expect(refused.message).toMatch(/Too many failed sign-ins\. Try again in 1 minute/)

    // After the wait one more guess is checked; a wrong one doubles the wait.
    t.clock.advance(60_000)
    expect((await callError(t.core, 'auth.login', { email: ADMIN.email, password: 'another wrong one' })).message).toBe('Email or password is incorrect')
    expect((await callError(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })).message).toMatch(/Try again in 2 minutes/)
    t.clock.advance(2 * 60_000)
    expect(await call(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })).toHaveProperty('token')
  })

  it('keeps the limits and the known PCs across a restart, in a file only the service user can read', async () => {
    t = await openTestCore()
    await setUpClinic(t.core)
    const first = await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    for (let i = 0; i < 5; i++) await callError(t.core, 'auth.login', { email: ADMIN.email, password: 'a wrong password' })
    await t.core.close()

    const core = await createCore({ dataDir: t.dataDir, clock: t.clock, log: () => {}, schedules: false })
    t = { ...t, core }
    expect((await callError(core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })).message).toMatch(/Too many failed sign-ins/)
    // The admin's own PC, known from before the restart, still signs them in.
    const own = await core.dispatch('auth.login', { email: ADMIN.email, password: ADMIN.password }, { deviceKey: first.deviceKey })
    expect(own.ok).toBe(true)
    expect(statSync(join(t.dataDir, SIGN_IN_LIMITS_FILE)).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(t.dataDir, SIGN_IN_LIMITS_FILE), 'utf8')).not.toContain(first.deviceKey!)
  })

  it('does not make other desks wait while it checks a password', async () => {
    t = await openTestCore()
    const token = await setUpClinic(t.core)
    const order: string[] = []
    const logins = Array.from({ length: 4 }, () =>
      t.core.dispatch('auth.login', { email: ADMIN.email, password: 'a wrong password' }).then(() => order.push('login'))
    )
    const read = t.core.dispatch('settings.get', {}, { token }).then(() => order.push('read'))
    await Promise.all([...logins, read])
    // scrypt runs off the database: the read does not queue behind four password checks.
    expect(order.indexOf('read')).toBeLessThan(order.lastIndexOf('login'))
    expect(order[0]).toBe('read')
  })
})
