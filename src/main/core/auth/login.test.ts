import { afterEach, describe, expect, it } from 'vitest'
import { ADMIN, call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'

let t: TestCore
afterEach(async () => t?.close())

describe('signing in', () => {
  it('after five wrong passwords for an email, refuses even the right one for a while and says when to retry', async () => {
    t = await openTestCore()
    await setUpClinic(t.core)
    for (let i = 0; i < 5; i++) {
      expect((await callError(t.core, 'auth.login', { email: ADMIN.email, password: 'a wrong password' })).message).toBe('Email or password is incorrect')
    }
    const refused = await callError(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    expect(refused.code).toBe('UNAUTHENTICATED')
    expect(refused.message).toMatch(/Too many failed sign-ins.*15 minutes/)

    t.clock.advance(15 * 60_000)
    expect(await call(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })).toHaveProperty('token')
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
