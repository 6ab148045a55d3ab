import { afterEach, describe, expect, it } from 'vitest'
import type { OwnSession, SessionInfo, StaffUser } from '../../../shared/api'
import { ADMIN, addStaff, call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'

let t: TestCore
afterEach(async () => t?.close())

describe('managing staff', () => {
  it('a leaver loses access at once: deactivation ends their sessions, and they cannot sign in', async () => {
    t = await openTestCore()
    const admin = await setUpClinic(t.core)
    const desk = await addStaff(t.core, admin, 'receptionist')
    expect((await call<SessionInfo>(t.core, 'auth.session', {}, desk.token)).user.name).toBe('Ravi Kumar')
    await call(t.core, 'users.setActive', { id: desk.user.id, active: false }, admin)
    expect((await callError(t.core, 'auth.session', {}, desk.token)).code).toBe('UNAUTHENTICATED')
    expect((await callError(t.core, 'auth.login', { email: 'ravi@sunrise.example', password: 'front desk password' })).code).toBe('FORBIDDEN')
    await call(t.core, 'users.setActive', { id: desk.user.id, active: true }, admin)
    await call(t.core, 'auth.login', { email: 'ravi@sunrise.example', password: 'front desk password' })
  })

  it('never leaves the clinic without an active admin', async () => {
    t = await openTestCore()
    const admin = await setUpClinic(t.core)
    const me = (await call<SessionInfo>(t.core, 'auth.session', {}, admin)).user
    expect((await callError(t.core, 'users.setActive', { id: me.id, active: false }, admin)).message).toMatch(/last active admin/)
    expect((await callError(t.core, 'users.update', { id: me.id, fields: { role: 'doctor' } }, admin)).message).toMatch(/last active admin/)
    const desk = await addStaff(t.core, admin, 'receptionist')
    await call(t.core, 'users.update', { id: desk.user.id, fields: { role: 'admin' } }, admin)
    // Now there are two: one may step down.
    expect((await call<StaffUser>(t.core, 'users.update', { id: me.id, fields: { role: 'doctor' } }, admin)).role).toBe('doctor')
  })

  it('a reset password must be changed before anything else, and the change ends other sessions', async () => {
    t = await openTestCore()
    const admin = await setUpClinic(t.core)
    const desk = await addStaff(t.core, admin, 'receptionist')
    await call(t.core, 'users.resetPassword', { id: desk.user.id, password: 'temporary password 1' }, admin)
    expect((await callError(t.core, 'auth.session', {}, desk.token)).code).toBe('UNAUTHENTICATED') // signed out everywhere
    const fresh = await call<SessionInfo>(t.core, 'auth.login', { email: 'ravi@sunrise.example', password: 'temporary password 1' })
    expect(fresh.user.mustChangePassword).toBe(true)
    expect((await callError(t.core, 'patients.recent', {}, fresh.token)).message).toMatch(/choose a new password first/)
    expect((await callError(t.core, 'auth.changePassword', { currentPassword: 'wrong one entirely', newPassword: 'my own new password' }, fresh.token)).fields?.currentPassword).toMatch(/not your current password/)
    const other = await call<SessionInfo>(t.core, 'auth.login', { email: 'ravi@sunrise.example', password: 'temporary password 1' })
    await call(t.core, 'auth.changePassword', { currentPassword: 'temporary password 1', newPassword: 'my own new password' }, fresh.token)
    expect(await call(t.core, 'patients.recent', {}, fresh.token)).toEqual([])
    expect((await callError(t.core, 'auth.session', {}, other.token)).code).toBe('UNAUTHENTICATED')
    expect((await call<SessionInfo>(t.core, 'auth.session', {}, fresh.token)).user.mustChangePassword).toBe(false)
  })

  it('lists your own sessions and signs one out; someone else’s is not yours to end', async () => {
    t = await openTestCore()
    const admin = await setUpClinic(t.core)
    const second = await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    const desk = await addStaff(t.core, admin, 'receptionist')
    const mine = await call<OwnSession[]>(t.core, 'auth.sessions', {}, admin)
    expect(mine).toHaveLength(2)
    expect(mine.filter((s) => s.current)).toHaveLength(1)
    const theirs = await call<OwnSession[]>(t.core, 'auth.sessions', {}, desk.token)
    expect((await callError(t.core, 'auth.endSession', { id: theirs[0].id }, admin)).fields?.id).toMatch(/not one of your sessions/)
    await call(t.core, 'auth.endSession', { id: mine.find((s) => !s.current)!.id }, admin)
    expect((await callError(t.core, 'auth.session', {}, second.token)).code).toBe('UNAUTHENTICATED')
    expect((await call<OwnSession[]>(t.core, 'auth.sessions', {}, admin)).map((s) => s.current)).toEqual([true])
  })

  it('names a clash and a bad field when editing', async () => {
    t = await openTestCore()
    const admin = await setUpClinic(t.core)
    const desk = await addStaff(t.core, admin, 'receptionist')
    expect((await callError(t.core, 'users.update', { id: desk.user.id, fields: { email: ADMIN.email } }, admin)).fields?.['fields.email']).toMatch(/already uses/)
    expect((await callError(t.core, 'users.update', { id: desk.user.id, fields: { role: 'janitor' } }, admin)).fields?.['fields.role']).toBeTruthy()
    expect((await callError(t.core, 'users.setActive', { id: desk.user.id, active: false }, desk.token)).code).toBe('FORBIDDEN')
  })
})
