import { describe, expect, it } from 'vitest'
import { call, openTestCore, setUpClinic } from '../testing'
import { dobProblem, isEmail, parseDob, readDob } from '../../../shared/lib/patient-rules'

describe('the patient field rules the form and the core share', () => {
  it.each([
    ['31/12/1990', '1990-12-31'],
    ['31-12-1990', '1990-12-31'],
    ['31.12.1990', '1990-12-31'],
    ['31 12 1990', '1990-12-31'],
    ['31121990', '1990-12-31'],
    ['1990-12-31', '1990-12-31'],
    ['3/2/1980', '1980-02-03'],
    ['31/02/1990', null],
    ['12/31/1990', null],
    ['1990', null]
  ])('reads the date of birth %s as %s', (text, iso) => expect(parseDob(text)).toBe(iso))

  it.each([
    ['45', '1981-11-23'],
    ['45y', '1981-11-23'],
    ['45 years', '1981-11-23'],
    ['6m', '2026-05-23'],
    ['6 months', '2026-05-23'],
    ['18 months', '2025-05-23'],
    ['1y 6m', '2025-05-23'],
    ['0', '2026-11-23']
  ])('reads the age %s, on 23 Nov 2026, as an estimated birth on %s', (text, iso) => expect(readDob(text, '2026-11-23')).toEqual({ iso, estimated: true }))

  it('keeps a typed date exact, clamps a month end, and refuses what is neither', () => {
    expect(readDob('31/12/1990', '2026-11-23')).toEqual({ iso: '1990-12-31', estimated: false })
    // 31 March less a month is the last day of February.
    expect(readDob('1m', '2024-03-31')).toEqual({ iso: '2024-02-29', estimated: true })
    for (const text of ['1990', '200', '45x', 'forty', '']) expect(readDob(text, '2026-11-23')).toBeNull()
  })

  it('says why a date of birth cannot be right', () => {
    expect(dobProblem('2030-01-01', '2026-11-22')).toBe('cannot be in the future')
    expect(dobProblem('1899-12-31', '2026-11-22')).toBe('must be after 1900')
    expect(dobProblem('1990-02-30', '2026-11-22')).toBe('is not a real date')
    expect(dobProblem('1990-02-28', '2026-11-22')).toBeNull()
  })

  it('checks emails with the API’s own rule', () => {
    expect(isEmail(' Asha@Example.com ')).toBe(true)
    expect(isEmail('asha@example')).toBe(false)
  })

  it('lets search find a date of birth typed the way the form accepts it', async () => {
    const t = await openTestCore()
    try {
      const token = await setUpClinic(t.core)
      await call(t.core, 'patients.create', { name: 'Nora Field', dateOfBirth: parseDob('31121990') }, token)
      for (const typed of ['31121990', '31 12 1990', '31.12.1990']) {
        const { items } = await call<{ items: Array<{ name: string; matchedOn: string }> }>(t.core, 'patients.search', { q: typed }, token)
        expect(items.map((p) => [p.name, p.matchedOn]), typed).toEqual([['Nora Field', 'dateOfBirth']])
      }
    } finally {
      await t.close()
    }
  })
})
