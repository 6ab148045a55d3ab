import { afterEach, describe, expect, it } from 'vitest'
import type { Patient, PatientSummary, SessionInfo } from '../../../shared/api'
import { ADMIN, call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'

let t: TestCore | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

type Page = { items: PatientSummary[]; total: number }

// Monday 10 March 2025, 09:00 UTC = 14:30 in Kolkata.
async function clinicWithPatients() {
  t = await openTestCore('2025-03-10T09:00:00.000Z')
  let token = await setUpClinic(t.core)
  await call(t.core, 'settings.update', { defaultCountry: 'IN', timeZone: 'Asia/Kolkata' }, token)
  const people: Array<[string, string, 'female' | 'male', string | null]> = [
    ['Meena Iyer', '9811000001', 'female', '1990-03-10'], // 35 today
    ['Arjun Rao', '9811000002', 'male', '1990-03-11'], // 34 until tomorrow
    ['Zoya Khan', '9811000003', 'female', '2015-06-01'], // 9
    ['Bala Nair', '9811000004', 'male', null],
    ['Chitra Das', '9811000005', 'female', '1955-01-20'] // 70
  ]
  const made: Patient[] = []
  for (const [name, phone, gender, dateOfBirth] of people) {
    made.push((await call<{ patient: Patient }>(t.core, 'patients.create', { name, phone, gender, dateOfBirth }, token)).patient)
    // A day between registrations (18:30 UTC is the Kolkata midnight); sessions end meanwhile.
    t.clock.advance(24 * 60 * 60_000)
    token = (await call<SessionInfo>(t.core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })).token!
  }
  await call(t.core, 'patients.archive', { id: made[3].id, reason: 'Moved to Pune' }, token)
  const list = (q: Record<string, unknown> = {}) => call<Page>(t!.core, 'patients.list', q, token)
  return { token, made, list }
}

const names = (page: Page) => page.items.map((p) => p.name)

describe('the patient list', () => {
  it('pages through everyone with a total, newest registration first by default, and sorts by name or number either way', async () => {
    const { list } = await clinicWithPatients()
    expect(await list()).toMatchObject({ total: 4 })
    expect(names(await list())).toEqual(['Chitra Das', 'Zoya Khan', 'Arjun Rao', 'Meena Iyer'])
    expect(names(await list({ sort: 'name', direction: 'asc' }))).toEqual(['Arjun Rao', 'Chitra Das', 'Meena Iyer', 'Zoya Khan'])
    expect((await list({ sort: 'number', direction: 'asc' })).items.map((p) => p.number)).toEqual(['P-000001', 'P-000002', 'P-000003', 'P-000005'])
    const first = await list({ sort: 'name', direction: 'asc', limit: 3 })
    const second = await list({ sort: 'name', direction: 'asc', limit: 3, offset: 3 })
    expect([first.total, second.total]).toEqual([4, 4])
    expect([...names(first), ...names(second)]).toEqual(['Arjun Rao', 'Chitra Das', 'Meena Iyer', 'Zoya Khan'])
  })

  it('shows archived records on request, with the reason, and filters by sex, age band on the clinic date, and registration dates', async () => {
    const { list } = await clinicWithPatients()
    const archived = await list({ status: 'archived' })
    expect(archived.items).toEqual([expect.objectContaining({ name: 'Bala Nair', archivedReason: 'Moved to Pune' })])
    expect((await list({ status: 'all' })).total).toBe(5)
    expect(names(await list({ gender: 'female', sort: 'name', direction: 'asc' }))).toEqual(['Chitra Das', 'Meena Iyer', 'Zoya Khan'])
    // The clock is now 15 March: Meena is 35, Arjun 35 (born 11 March 1990).
    expect(names(await list({ ageFrom: 30, ageTo: 40, sort: 'name', direction: 'asc' }))).toEqual(['Arjun Rao', 'Meena Iyer'])
    expect(names(await list({ ageFrom: 65 }))).toEqual(['Chitra Das'])
    expect(names(await list({ ageTo: 12 }))).toEqual(['Zoya Khan'])
    // Registered 10–14 March in clinic days; 11 and 12 March are Arjun and Zoya.
    expect(names(await list({ registeredFrom: '2025-03-11', registeredTo: '2025-03-12', sort: 'name', direction: 'asc' }))).toEqual(['Arjun Rao', 'Zoya Khan'])
  })

  it('names the field that is out of order or out of range', async () => {
    const { token } = await clinicWithPatients()
    expect((await callError(t!.core, 'patients.list', { ageFrom: 50, ageTo: 20 }, token)).fields).toMatchObject({ ageTo: 'must not be below ageFrom' })
    expect((await callError(t!.core, 'patients.list', { registeredFrom: '2025-03-12', registeredTo: '2025-03-01' }, token)).fields).toMatchObject({ registeredTo: 'must not be before registeredFrom' })
    expect((await callError(t!.core, 'patients.list', { sort: 'age' }, token)).fields).toHaveProperty('sort')
    expect((await callError(t!.core, 'patients.list', { limit: 500 }, token)).fields).toHaveProperty('limit')
  })
})
