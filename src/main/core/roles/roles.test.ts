import { afterEach, describe, expect, it } from 'vitest'
import { grantableMethods, type CustomRole, type SessionInfo, type StaffUser } from '../../../shared/api'
import { ADMIN, call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'

let t: TestCore
afterEach(async () => t?.close())

const CLERK = { name: 'Kiran Shah', email: 'kiran@sunrise.example', password: 'billing desk password', role: 'receptionist' as const }

async function clinicWithClerk(methods: string[]) {
  t = await openTestCore()
  const token = await setUpClinic(t.core)
  const role = await call<CustomRole>(t.core, 'roles.save', { name: 'Billing clerk', baseRole: 'receptionist', methods }, token)
  const user = await call<StaffUser>(t.core, 'users.create', { ...CLERK, customRoleId: role.id }, token)
  const session = await call<SessionInfo>(t.core, 'auth.login', { email: CLERK.email, password: CLERK.password })
  return { token, role, user, session, clerk: session.token! }
}

describe("the clinic's own roles", () => {
  it('let their people do exactly what the role lists, plus what everyone may, and say which role refused', async () => {
    const { user, session, clerk } = await clinicWithClerk(['patients.search', 'patients.get'])
    expect(user.customRole).toMatchObject({ name: 'Billing clerk' })
    expect(session.permissions).toEqual(['patients.get', 'patients.search'])
    expect(await call(t.core, 'patients.search', { q: 'a' }, clerk)).toBeDefined()
    // Everyone may see their own session and the clinic settings.
    expect(await call(t.core, 'settings.get', {}, clerk)).toMatchObject({ clinicName: 'Sunrise Family Clinic' })
    // A receptionist could register a patient; this role cannot.
    const refused = await callError(t.core, 'patients.create', { name: 'Test Person', phone: '9876543210' }, clerk)
    expect(refused.code).toBe('FORBIDDEN')
    expect(refused.message).toMatch(/^Billing clerk may not do this: register a patient/i)
    // …nor anything of an admin's.
    expect((await callError(t.core, 'users.list', {}, clerk)).code).toBe('FORBIDDEN')
  })

  it('take effect on the next call when the admin changes the role, without signing in again', async () => {
    const { token, role, clerk } = await clinicWithClerk(['patients.search'])
    expect((await callError(t.core, 'audit.journal', {}, clerk)).code).toBe('FORBIDDEN')
    await call(t.core, 'roles.save', { id: role.id, name: 'Billing clerk', baseRole: 'receptionist', methods: ['patients.search', 'audit.journal'] }, token)
    expect(await call(t.core, 'audit.journal', {}, clerk)).toBeDefined()
  })

  it('refuse a method a role cannot be given, a second role of the same name, and removing a role someone has', async () => {
    const { token, role } = await clinicWithClerk([])
    const bad = await callError(t.core, 'roles.save', { name: 'Odd', baseRole: 'doctor', methods: ['auth.purgeSessions', 'no.suchMethod'] }, token)
    expect(bad.fields).toMatchObject({ methods: expect.stringMatching(/cannot include auth\.purgeSessions, no\.suchMethod/) })
    expect((await callError(t.core, 'roles.save', { name: 'billing CLERK', baseRole: 'doctor', methods: [] }, token)).fields).toMatchObject({ name: expect.stringMatching(/already the name/) })
    const inUse = await callError(t.core, 'roles.remove', { id: role.id }, token)
    expect(inUse.code).toBe('CONFLICT')
    expect(inUse.message).toMatch(/still the role of Kiran Shah/)
    expect(await call<CustomRole[]>(t.core, 'roles.list', {}, token)).toEqual([expect.objectContaining({ name: 'Billing clerk', users: 1 })])
    expect(grantableMethods()).not.toContain('auth.session')
    expect(grantableMethods()).toContain('appointments.book')
    // Changing staff, roles or settings stays with full admins: a role could otherwise make itself admin.
    for (const name of ['users.update', 'users.create', 'users.resetPassword', 'roles.save', 'settings.update']) expect(grantableMethods()).not.toContain(name)
    expect((await callError(t.core, 'roles.save', { name: 'Sneaky', baseRole: 'receptionist', methods: ['users.update'] }, token)).fields).toHaveProperty('methods')
  })

  it('never leave the clinic without a full admin: the last one cannot be given a custom role', async () => {
    t = await openTestCore()
    const token = await setUpClinic(t.core)
    const me = (await call<SessionInfo>(t.core, 'auth.session', {}, token)).user
    const limited = await call<CustomRole>(t.core, 'roles.save', { name: 'Practice manager', baseRole: 'admin', methods: ['users.list'] }, token)
    const error = await callError(t.core, 'users.update', { id: me.id, fields: { customRoleId: limited.id } }, token)
    expect(error.message).toMatch(new RegExp(`${me.name} is the last active admin`))
    expect((await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })).permissions).toBeNull()
  })
})
