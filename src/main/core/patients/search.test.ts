import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Patient, PatientSummary } from '../../../shared/api'
import { call, openTestCore, setUpClinic, type TestCore } from '../testing'
import { parseDateQuery } from './search'
import { editDistance, nameKey, nameMatchScore, similarity } from './text'

type Seed = [name: string, phone?: string, email?: string, dateOfBirth?: string]

/** A small practice: shared surnames, a family on one phone, twins in birth date, names from everywhere. */
const PEOPLE: Seed[] = [
  ['Ramesh Kumar Sharma', '98765 43210', 'ramesh.sharma@example.com', '1980-02-03'],
  ['Ramesh Iyer', '98765 43211', '', '1975-11-20'],
  ['Suresh Sharma', '91234 56789', '', '1980-02-03'],
  ['Priya Sharma', '99887 76655', 'priya.sharma@example.com', '1990-05-15'],
  ['Priya Nair', '98123 45678', 'priya.nair@example.com', '1988-08-21'],
  ['Anita Sharma', '', 'anita.s@example.in', '1965-01-30'],
  ['Kavita Sharma', '', '', '1972-12-12'],
  ['Rahul Sharma', '98200 11122', '', '2001-06-09'],
  ['Neha Sharma', '98200 11122', '', '2004-10-01'],
  ['Vikram Singh', '97300 12345', 'vikram.singh@example.com', '1969-04-04'],
  ['Harpreet Singh', '', '', '1983-07-19'],
  ['Manpreet Kaur', '', '', '1986-09-23'],
  ['Ana Lopez', '+34 612 345 678', 'ana.lopez@example.es', '1992-02-29'],
  ['Diana Prince', '+1 202 555 0143', 'diana@example.com', '1978-03-22'],
  ['José Fernández', '+34 622 111 222', 'jose.f@example.es', '1959-10-10'],
  ['Zoë Müller', '+49 1512 3456789', '', '1994-01-02'],
  ['Anand Rao', '', '', '1955-05-05'],
  ['Oliver Brown', '+44 7911 123456', 'oliver.brown@example.co.uk', '1981-11-11'],
  ['Olivia Brown', '', '', '1983-03-03'],
  ['Rohan Mehta', '', '', '1980-03-02'],
  ['Arjun Mehta', '', '', '1999-09-09'],
  ['Mohammed Ali', '', '', '1970-01-15'],
  ['Fatima Begum', '', '', '1962-07-07'],
  ['Aisha Khan', '', '', '1995-04-18'],
  ['Imran Khan', '', '', '1991-12-25'],
  ['Wei Chen', '', '', '1987-06-30'],
  ['Yuki Tanaka', '', '', '1993-08-08'],
  ['Hiroshi Sato', '', '', '1949-02-14'],
  ['Chloé Dubois', '', '', '1997-05-21'],
  ['François Martin', '', '', '1966-11-30'],
  ['Nguyễn Văn An', '', '', '1984-10-20'],
  ['Björn Andersson', '', '', '1977-07-27'],
  ['Siobhán O’Brien', '', '', '1989-03-17'],
  ['Mary-Jane Watson', '', '', '1996-06-06'],
  ['Deepa Menon', '', '', '1982-01-26'],
  ['Lakshmi Venkataraman', '', '', '1958-08-15'],
  ['Srinivas Reddy', '', '', '1961-02-28'],
  ['Venkatesh Reddy', '', '', '1990-10-02'],
  ['Gopal Krishnan', '', '', '1954-04-14'],
  ['Meenakshi Sundaram', '', '', '1973-09-05'],
  ['Sneha Patil', '', '', '1998-12-31'],
  ['Pooja Deshpande', '', '', '1992-07-04'],
  ['Tenzin Norbu', '', '', '1985-02-18'],
  ['Rajesh Gupta', '', '', '1974-03-08'],
  ['Sunil Gupta', '', '', '1971-08-29'],
  ['Nikhil Joshi', '', '', '2002-01-01'],
  ['Shreya Kulkarni', '', '', '2000-02-20'],
  ['Kiran Shetty', '', '', '1979-11-04'],
  ['Abdul Rahman', '', '', '1960-06-16'],
  ['Sara Thomas', '', '', '1994-09-14'],
  ['Joseph Mathew', '', '', '1968-12-01'],
  ['Thomas Varghese', '', '', '1963-05-12'],
  ['Ravi Shankar Pillai', '', '', '1957-03-21'],
  ['Mahesh Babu', '', '', '1976-08-09'],
  ['Carlos Santos', '', '', '1986-04-22'],
  ['Olga Ivanova', '', '', '1990-01-07'],
  ['Kwame Mensah', '', '', '1984-07-01'],
  ['Chidi Okafor', '', '', '1993-11-19'],
  ['Ram Kumar Yadav', '', '', '1967-10-25'],
  ['Kumari Ramya', '', '', '1988-06-12']
]

interface Seeded {
  t: TestCore
  token: string
  byName: Map<string, Patient>
}

async function seedPractice(): Promise<Seeded> {
  const t = await openTestCore()
  const token = await setUpClinic(t.core)
  await call(t.core, 'settings.update', { defaultCountry: 'IN', timeZone: 'Asia/Kolkata' }, token)
  const byName = new Map<string, Patient>()
  for (const [name, phone = '', email = '', dateOfBirth] of PEOPLE) {
    const { patient } = await call<{ patient: Patient }>(t.core, 'patients.create', { name, phone, email, dateOfBirth: dateOfBirth ?? null, allowDuplicate: true }, token)
    byName.set(name, patient)
  }
  return { t, token, byName }
}

async function find(s: Seeded, q: string, extra: Record<string, unknown> = {}): Promise<{ items: PatientSummary[]; hasMore: boolean }> {
  return call(s.t.core, 'patients.search', { q, limit: 100, ...extra }, s.token)
}

const names = (items: PatientSummary[]) => items.map((p) => p.name)

describe('finding a patient among many', () => {
  let s: Seeded
  beforeAll(async () => {
    s = await seedPractice()
  })
  afterAll(async () => {
    await s?.t.close()
  })

  it('puts the patient with a typed patient number first, in any case or as the running number', async () => {
    for (const q of ['P-000012', 'p-000012', '12']) {
      const { items } = await find(s, q)
      expect(items[0]).toMatchObject({ number: 'P-000012', name: 'Manpreet Kaur', matchedOn: 'number' })
    }
  })

  it('puts the patient with a typed phone number first, however it is written', async () => {
    for (const q of ['98765 43210', '+91 98765-43210', '09876543210', '9876543210']) {
      const { items } = await find(s, q)
      expect(items[0]).toMatchObject({ name: 'Ramesh Kumar Sharma', phone: '+919876543210', matchedOn: 'phone' })
    }
    // A family sharing one phone: both come up.
    expect(names((await find(s, '98200 11122')).items).sort()).toEqual(['Neha Sharma', 'Rahul Sharma'])
  })

  it('finds a patient from any run of three or more digits of the phone, with or without a leading 0', async () => {
    expect(names((await find(s, '43211')).items)).toEqual(['Ramesh Iyer'])
    expect(names((await find(s, '098765')).items).sort()).toEqual(['Ramesh Iyer', 'Ramesh Kumar Sharma'])
    expect(names((await find(s, '981234')).items)).toEqual(['Priya Nair'])
    expect(names((await find(s, '0981234')).items)).toEqual(['Priya Nair'])
    // A UK mobile typed the British way, in an Indian clinic.
    expect(names((await find(s, '07911 123')).items)).toEqual(['Oliver Brown'])
    const { items } = await find(s, '555')
    expect(items.map((p) => [p.name, p.matchedOn])).toEqual([['Diana Prince', 'phone']])
  })

  it('ranks names that start with what was typed above names that only contain it', async () => {
    const list = names((await find(s, 'ana')).items)
    expect(list).toContain('Diana Prince')
    expect(list.indexOf('Ana Lopez')).toBeGreaterThanOrEqual(0)
    expect(list.indexOf('Ana Lopez')).toBeLessThan(list.indexOf('Diana Prince'))
    expect(list.indexOf('Anand Rao')).toBeLessThan(list.indexOf('Diana Prince'))
  })

  it('finds a name from some of its words, skipping a middle name', async () => {
    const { items } = await find(s, 'ramesh sharma')
    expect(items[0]).toMatchObject({ name: 'Ramesh Kumar Sharma', matchedOn: 'name' })
    expect(names((await find(s, 'Sharma Ramesh')).items)[0]).toBe('Ramesh Kumar Sharma')
  })

  it('finds a name typed with a dropped letter', async () => {
    const { items } = await find(s, 'Rmesh')
    expect(names(items).slice(0, 2).sort()).toEqual(['Ramesh Iyer', 'Ramesh Kumar Sharma'])
    expect(items[0].matchedOn).toBe('similar name')
  })

  it('finds a name typed with a doubled letter', async () => {
    const { items } = await find(s, 'Priyaa')
    expect(names(items).slice(0, 2).sort()).toEqual(['Priya Nair', 'Priya Sharma'])
    expect(items[0].matchedOn).toBe('similar name')
  })

  it('finds a surname typed with two letters swapped', async () => {
    const { items } = await find(s, 'Shrama')
    expect(names(items)).toEqual(expect.arrayContaining(['Priya Sharma', 'Suresh Sharma', 'Neha Sharma']))
    expect(items[0].matchedOn).toBe('similar name')
  })

  it('ranks a typo of the name in the order typed above the same words the other way round', async () => {
    const list = names((await find(s, 'ram kumr')).items)
    expect(list).toContain('Ram Kumar Yadav')
    // nameMatchScore promises "ram kumr" finds "Ram Kumar …" but not "Kumari Ramya".
    expect(list[0]).toBe('Ram Kumar Yadav')
    if (list.includes('Kumari Ramya')) expect(list.indexOf('Kumari Ramya')).toBeGreaterThan(list.indexOf('Ram Kumar Yadav'))
  })

  it('ignores accents both ways', async () => {
    expect(names((await find(s, 'jose')).items)[0]).toBe('José Fernández')
    expect(names((await find(s, 'FERNANDEZ')).items)[0]).toBe('José Fernández')
    expect(names((await find(s, 'josé')).items)[0]).toBe('José Fernández')
    expect(names((await find(s, 'muller')).items)[0]).toBe('Zoë Müller')
    expect(names((await find(s, 'nguyen')).items)[0]).toBe('Nguyễn Văn An')
    expect(names((await find(s, 'siobhan')).items)[0]).toBe('Siobhán O’Brien')
  })

  it('finds patients by a date of birth typed day first or as ISO, and not the day-month swap', async () => {
    for (const q of ['03/02/1980', '3.2.1980', '03-02-1980', '1980-02-03']) {
      const { items } = await find(s, q)
      expect(names(items).sort()).toEqual(['Ramesh Kumar Sharma', 'Suresh Sharma'])
      expect(items.every((p) => p.matchedOn === 'dateOfBirth' && p.dateOfBirth === '1980-02-03')).toBe(true)
    }
    expect(names((await find(s, '02/03/1980')).items)).toEqual(['Rohan Mehta'])
  })

  it('finds by email, whole or from its start up to the @', async () => {
    expect((await find(s, 'Priya.Sharma@Example.com')).items[0]).toMatchObject({ name: 'Priya Sharma', matchedOn: 'email' })
    const { items } = await find(s, 'priya.nair@')
    expect(items.map((p) => [p.name, p.matchedOn])).toEqual([['Priya Nair', 'email']])
    expect(names((await find(s, 'oliver.brown@exa')).items)).toEqual(['Oliver Brown'])
  })

  it('matches one or two letters against the start of the name only', async () => {
    const startsWithRa = PEOPLE.map(([n]) => n).filter((n) => nameKey(n).startsWith('ra'))
    const ra = await find(s, 'ra')
    expect(names(ra.items).sort()).toEqual([...startsWithRa].sort())
    expect(names(ra.items)).not.toContain('Vikram Singh')
    expect(names(ra.items)).not.toContain('Kumari Ramya')
    // Within one rank, alphabetical, so the list stays put while typing.
    expect(names(ra.items)).toEqual([...startsWithRa].sort((a, b) => nameKey(a).localeCompare(nameKey(b))))

    const o = await find(s, 'O')
    expect(names(o.items).sort()).toEqual(['Olga Ivanova', 'Oliver Brown', 'Olivia Brown'])
  })

  it('pages through results with limit and offset, saying when more are left', async () => {
    const all = await find(s, 'sharma')
    expect(all.items).toHaveLength(7)
    expect(all.hasMore).toBe(false)

    const page1 = await find(s, 'sharma', { limit: 3, offset: 0 })
    const page2 = await find(s, 'sharma', { limit: 3, offset: 3 })
    const page3 = await find(s, 'sharma', { limit: 3, offset: 6 })
    expect([page1.items.length, page2.items.length, page3.items.length]).toEqual([3, 3, 1])
    expect([page1.hasMore, page2.hasMore, page3.hasMore]).toEqual([true, true, false])
    expect([...page1.items, ...page2.items, ...page3.items].map((p) => p.id)).toEqual(all.items.map((p) => p.id))
  })

  it('finds nothing, without failing, for text no patient has', async () => {
    expect(await find(s, 'xqzvw')).toEqual({ items: [], hasMore: false })
    expect(await find(s, '   ')).toEqual({ items: [], hasMore: false })
    expect(await find(s, '"; drop table patients; --')).toEqual({ items: [], hasMore: false })
    expect((await find(s, 'ramesh')).items.length).toBeGreaterThan(0)
  })
})

describe('telling namesakes apart', () => {
  // The test clock says 10 March 2025. Three "Gaurav Tiwari"s, and names that contain theirs.
  const NAMESAKES: Array<[name: string, phone: string, dateOfBirth: string]> = [
    ['Akash Gaurav Tiwari', '98220 11111', '1990-01-01'],
    ['Gaurav Tiwari', '98220 14321', '1978-05-12'],
    ['Aarav Tiwari', '97430 43219', '1985-07-07'],
    ['Gaurav Tiwari', '99822 00000', '1985-02-02'],
    ['Gaurav Kumar Tiwari', '91111 49822', '1979-06-30'],
    ['Gaurav Tiwari', '90000 12345', '1979-12-01'],
    ['Abha Tiwari', '95555 98220', '1978-09-09']
  ]
  let s: Seeded
  const ids = new Map<string, string>()
  beforeAll(async () => {
    const t = await openTestCore()
    const token = await setUpClinic(t.core)
    await call(t.core, 'settings.update', { defaultCountry: 'IN', timeZone: 'Asia/Kolkata' }, token)
    for (const [name, phone, dateOfBirth] of NAMESAKES) {
      const { patient } = await call<{ patient: Patient }>(t.core, 'patients.create', { name, phone, dateOfBirth, allowDuplicate: true }, token)
      ids.set(`${name} ${dateOfBirth}`, patient.id)
    }
    // Registered by age only: "about 50" in March 2025, so an estimated 1975 birth.
    const { patient } = await call<{ patient: Patient }>(t.core, 'patients.create', { name: 'Gaurav Tiwari', phone: '', dateOfBirth: '1975-03-10', dateOfBirthEstimated: true, allowDuplicate: true }, token)
    ids.set('Gaurav Tiwari about 50', patient.id)
    s = { t, token, byName: new Map() }
  })
  afterAll(async () => {
    await s?.t.close()
  })
  const idsOf = (items: PatientSummary[]) => items.map((p) => p.id)
  const who = (key: string) => ids.get(key)!

  it('puts the exact name first, typed either way round, above names that only contain its words', async () => {
    for (const q of ['gaurav tiwari', 'Tiwari, Gaurav', 'TIWARI GAURAV']) {
      const { items } = await find(s, q)
      expect(names(items.slice(0, 4)), q).toEqual(['Gaurav Tiwari', 'Gaurav Tiwari', 'Gaurav Tiwari', 'Gaurav Tiwari'])
      expect(names(items.slice(4)).sort(), q).toEqual(['Akash Gaurav Tiwari', 'Gaurav Kumar Tiwari'])
    }
  })

  it('narrows a name by a year of birth, counting an age-only patient a year either way', async () => {
    expect(idsOf((await find(s, 'gaurav tiwari 1978')).items)).toEqual([who('Gaurav Tiwari 1978-05-12')])
    expect(idsOf((await find(s, 'tiwari 1978')).items).sort()).toEqual([who('Gaurav Tiwari 1978-05-12'), who('Abha Tiwari 1978-09-09')].sort())
    expect(idsOf((await find(s, 'gaurav tiwari 1975')).items)).toEqual([who('Gaurav Tiwari about 50')])
    expect(idsOf((await find(s, 'gaurav tiwari 1976')).items)).toEqual([who('Gaurav Tiwari about 50')])
    expect((await find(s, 'gaurav tiwari 1960')).items).toEqual([])
  })

  it('narrows a name by an age, typed bare or with a unit', async () => {
    // 45 on 10 March 2025: born from 11 March 1979 to 10 March 1980.
    const aged45 = [who('Gaurav Tiwari 1979-12-01'), who('Gaurav Kumar Tiwari 1979-06-30')].sort()
    expect(idsOf((await find(s, 'gaurav 45')).items).sort()).toEqual(aged45)
    expect(idsOf((await find(s, 'gaurav tiwari 45y')).items).sort()).toEqual(aged45)
    expect(idsOf((await find(s, 'tiwari 50')).items)).toEqual([who('Gaurav Tiwari about 50')])
  })

  it('narrows a name by phone digits, a number ending in them first', async () => {
    const { items } = await find(s, 'tiwari 9822')
    // Ends in 9822, then contains it (the name's fit decides between those).
    expect(idsOf(items)[0]).toBe(who('Gaurav Kumar Tiwari 1979-06-30'))
    expect(idsOf(items).slice(1).sort()).toEqual([who('Akash Gaurav Tiwari 1990-01-01'), who('Gaurav Tiwari 1978-05-12'), who('Gaurav Tiwari 1985-02-02'), who('Abha Tiwari 1978-09-09')].sort())
    // The whole number typed in two groups: both are in his.
    expect(idsOf((await find(s, 'gaurav 98220 14321')).items)).toEqual([who('Gaurav Tiwari 1978-05-12')])
    expect((await find(s, 'gaurav 98220 99999')).items).toEqual([])
    expect(idsOf((await find(s, 'gaurav 14321')).items)).toEqual([who('Gaurav Tiwari 1978-05-12')])
  })

  it('narrows a name by a whole date of birth', async () => {
    expect(idsOf((await find(s, 'tiwari 02/02/1985')).items)).toEqual([who('Gaurav Tiwari 1985-02-02')])
  })

  it('puts phone numbers ending in the digits typed above those that only contain them', async () => {
    const { items } = await find(s, '4321')
    expect(idsOf(items)).toEqual([who('Gaurav Tiwari 1978-05-12'), who('Aarav Tiwari 1985-07-07')])
    const run = await find(s, '9822')
    expect(idsOf(run.items)[0]).toBe(who('Gaurav Kumar Tiwari 1979-06-30'))
    expect(run.items).toHaveLength(5)
  })
})

describe('the search index follows changes', () => {
  let s: Seeded
  afterEach(async () => {
    await s?.t.close()
  })

  it('forgets an old name and phone and finds the new ones after an edit', async () => {
    s = await seedPractice()
    const vikram = s.byName.get('Vikram Singh')!
    await call(s.t.core, 'patients.update', { id: vikram.id, fields: { name: 'Vikram Rathore', phone: '+91 93333 44444' } }, s.token)

    expect(names((await find(s, 'singh')).items)).toEqual(['Harpreet Singh'])
    expect((await find(s, 'rathore')).items.map((p) => [p.id, p.name])).toEqual([[vikram.id, 'Vikram Rathore']])
    expect((await find(s, '12345')).items.map((p) => p.id)).not.toContain(vikram.id)
    expect((await find(s, '33344')).items.map((p) => p.id)).toEqual([vikram.id])
  })

  it('leaves archived patients out unless asked, and brings them back on restore', async () => {
    s = await seedPractice()
    const priya = s.byName.get('Priya Nair')!
    await call(s.t.core, 'patients.archive', { id: priya.id, reason: 'Duplicate card' }, s.token)

    expect(names((await find(s, 'priya')).items)).toEqual(['Priya Sharma'])
    expect((await find(s, '981234')).items).toEqual([])
    expect((await find(s, priya.number)).items).toEqual([])
    const withArchived = await find(s, 'priya', { includeArchived: true })
    expect(names(withArchived.items).sort()).toEqual(['Priya Nair', 'Priya Sharma'])
    expect(withArchived.items.find((p) => p.id === priya.id)?.archivedAt).toBe('2025-03-10T09:00:00.000Z')

    await call(s.t.core, 'patients.restore', { id: priya.id }, s.token)
    expect(names((await find(s, 'priya')).items).sort()).toEqual(['Priya Nair', 'Priya Sharma'])
  })
})

describe('name comparison', () => {
  it('nameKey lower-cases, drops accents and punctuation, and squeezes spaces', () => {
    expect(nameKey('  José   Fernández-López ')).toBe('jose fernandez lopez')
    expect(nameKey("D'Souza, Maria")).toBe('d souza maria')
    expect(nameKey('ZOË MÜLLER')).toBe('zoe muller')
    expect(nameKey('Nguyễn Văn An')).toBe('nguyen van an')
    expect(nameKey('Dr. R. K. Sharma')).toBe('dr r k sharma')
    expect(nameKey('राम शर्मा')).not.toBe('')
    expect(nameKey('---')).toBe('')
  })

  it('editDistance counts a swap of neighbours as one edit, and any lengths', () => {
    expect([editDistance('shrama', 'sharma'), editDistance('kitten', 'sitting'), editDistance('', 'abc'), editDistance('abc', ''), editDistance('ca', 'abc')]).toEqual([1, 3, 3, 3, 3])
    expect(editDistance('a'.repeat(100), 'b'.repeat(90))).toBe(100)
    expect(editDistance('sharma', 'sharma')).toBe(0)
  })

  it('similarity is 1 for the same name, 0 for nothing shared, symmetric, and high for a one-letter slip', () => {
    expect(similarity('ramesh kumar', 'ramesh kumar')).toBe(1)
    expect(similarity('ramesh', 'olga')).toBe(0)
    expect(similarity('', 'ramesh')).toBe(0)
    expect(similarity('ramesh kumar', 'ramesh kumaar')).toBeCloseTo(similarity('ramesh kumaar', 'ramesh kumar'))
    expect(similarity('ramesh kumar', 'ramesh kumaar')).toBeGreaterThan(0.8)
    expect(similarity('ramesh kumar', 'anita desai')).toBeLessThan(0.2)
  })

  it('nameMatchScore counts a typed word starting a name word as a full match, in any word', () => {
    expect(nameMatchScore('ram', 'ramesh kumar sharma')).toBe(1)
    expect(nameMatchScore('sharma ram', 'ramesh kumar sharma')).toBe(1)
    expect(nameMatchScore('rmesh', 'ramesh kumar sharma')).toBeGreaterThanOrEqual(0.5)
    expect(nameMatchScore('rmesh', 'ramesh kumar sharma')).toBeLessThan(1)
    expect(nameMatchScore('olga', 'ramesh kumar sharma')).toBeLessThan(0.5)
    expect(nameMatchScore('', 'ramesh')).toBe(0)
    // Half the words right scores about half.
    expect(nameMatchScore('ramesh xyzzy', 'ramesh kumar')).toBeCloseTo(0.5, 1)
  })

  // Decision: words typed in the name's order rank higher, but surname-first typing must
  // still match (front desks hear "Sharma, Ramesh"), so the other order is ranked lower, not dropped.
  it('nameMatchScore ranks the words in the order typed above the same words the other way round', () => {
    expect(nameMatchScore('ram kumr', 'ram kumar sharma')).toBeGreaterThanOrEqual(0.5)
    expect(nameMatchScore('ram kumr', 'ram kumar sharma')).toBeGreaterThan(nameMatchScore('ram kumr', 'kumari ramya'))
    expect(nameMatchScore('shrama ramesh', 'ramesh sharma')).toBeGreaterThanOrEqual(0.5)
  })
})

describe('reading a typed date', () => {
  it('reads day-first dates with slashes, dashes or dots, and ISO dates', () => {
    expect(parseDateQuery('31/12/1990')).toBe('1990-12-31')
    expect(parseDateQuery('31-12-1990')).toBe('1990-12-31')
    expect(parseDateQuery('31.12.1990')).toBe('1990-12-31')
    expect(parseDateQuery('1/2/1990')).toBe('1990-02-01')
    expect(parseDateQuery('1990-12-31')).toBe('1990-12-31')
    expect(parseDateQuery(' 03/02/1980 ')).toBe('1980-02-03')
  })

  it('refuses days that do not exist, month-first dates and other text', () => {
    expect(parseDateQuery('31/02/1990')).toBeNull()
    expect(parseDateQuery('2023-02-30')).toBeNull()
    expect(parseDateQuery('12/31/1990')).toBeNull()
    expect(parseDateQuery('29/02/2023')).toBeNull()
    expect(parseDateQuery('29/02/2024')).toBe('2024-02-29')
    expect(parseDateQuery('1990')).toBeNull()
    expect(parseDateQuery('03/02/80')).toBeNull()
    expect(parseDateQuery('ramesh')).toBeNull()
    expect(parseDateQuery('')).toBeNull()
  })
})
