import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SessionInfo, Settings } from '../../../shared/api'
import { ADMIN, CLINIC, openTestCore, setUpClinic, type TestCore } from '../../core/testing'
import { windowSessions } from './window-sessions'

describe('window sessions (the desktop transport)', () => {
  let t: TestCore
  beforeAll(async () => {
    t = await openTestCore()
    await setUpClinic(t.core)
  })
  afterAll(async () => {
    await t?.close()
  })

  const login = { email: ADMIN.email, password: ADMIN.password }

  it('signs a window in without handing its page the token, and serves that window’s later calls', async () => {
    const windows = windowSessions(t.core.dispatch)
    const result = await windows.invoke(1, 'auth.login', login)

    expect(result.ok).toBe(true)
    const session = (result as { value: SessionInfo }).value
    expect(session.user).toMatchObject({ email: ADMIN.email, role: 'admin' })
    expect(session).not.toHaveProperty('token')
    expect(JSON.stringify(result)).not.toMatch(/token/i)

    const settings = await windows.invoke(1, 'settings.get', {})
    expect(settings).toMatchObject({ ok: true, value: { clinicName: CLINIC.clinicName } })
  })

  it('keeps each window’s sign-in to itself', async () => {
    const windows = windowSessions(t.core.dispatch)
    await windows.invoke(1, 'auth.login', login)

    const other = await windows.invoke(2, 'settings.get', {})
    expect(other).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Please sign in first' } })
    expect((await windows.invoke(1, 'auth.session', {})).ok).toBe(true)
  })

  it('forgets the session at logout: the window must sign in again', async () => {
    const windows = windowSessions(t.core.dispatch)
    await windows.invoke(1, 'auth.login', login)

    expect(await windows.invoke(1, 'auth.logout', {})).toEqual({ ok: true, value: { signedOut: true } })

    const after = await windows.invoke(1, 'settings.get', {})
    expect(after).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Please sign in first' } })
  })

  it('forgets a closed window’s session, without touching other windows', async () => {
    const windows = windowSessions(t.core.dispatch)
    await windows.invoke(1, 'auth.login', login)
    await windows.invoke(2, 'auth.login', login)

    windows.forget(1)

    expect(await windows.invoke(1, 'settings.get', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await windows.invoke(2, 'settings.get', {})).toMatchObject({ ok: true })
  })

  it('signs the window in after first-run setup, again without exposing the token', async () => {
    const fresh = await openTestCore()
    try {
      const windows = windowSessions(fresh.core.dispatch)
      const result = await windows.invoke(7, 'setup.createClinic', { clinic: CLINIC, admin: ADMIN })
      expect(result.ok).toBe(true)
      expect((result as { value: SessionInfo }).value).not.toHaveProperty('token')
      const settings = await windows.invoke(7, 'settings.update', { clinicPhone: '+44 113 496 0777' })
      expect((settings as { ok: true; value: Settings }).value.clinicPhone).toBe('+44 113 496 0777')
    } finally {
      await fresh.close()
    }
  })

  it('drops a window’s ended session, so it asks to sign in rather than reusing a dead token', async () => {
    const windows = windowSessions(t.core.dispatch)
    await windows.invoke(3, 'auth.login', login)
    t.clock.advance(31 * 60_000) // past the clinic's 30 idle minutes

    const ended = await windows.invoke(3, 'settings.get', {})
    expect(ended).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Your session has ended; please sign in again' } })
    const next = await windows.invoke(3, 'settings.get', {})
    expect(next).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Please sign in first' } })
  })
})

describe('signing in again in the same window', () => {
  it('ends the window’s previous session in the core', async () => {
    const t = await openTestCore()
    try {
      await setUpClinic(t.core)
      const sessions = windowSessions(t.core.dispatch)
      await sessions.invoke(7, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
      await sessions.invoke(7, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
      const open = await t.core.services.db.selectFrom('sessions').select('token_hash').execute()
      // The set-up session plus this window's current one: the window's first is gone.
      expect(open).toHaveLength(2)
      expect((await sessions.invoke(7, 'auth.session', {})).ok).toBe(true)
    } finally {
      await t.close()
    }
  })
})
