import { describe, expect, it } from 'vitest'
import { parseTypedDate } from './typed-date'

describe('a date typed into a date field', () => {
  it('reads the day first, whichever separator the desk uses, and the field’s own "25 Nov 2026"', () => {
    for (const typed of ['25/11/2026', '25-11-2026', '25.11.2026', '25 11 2026', '2026-11-25', '25 Nov 2026', '25 november 2026', ' 25 Nov, 2026 ']) {
      expect(parseTypedDate(typed), typed).toBe('2026-11-25')
    }
    expect(parseTypedDate('3/2/2026')).toBe('2026-02-03')
  })

  it('refuses what is not a day rather than guessing: a US-style month-first date, 31 February, an unknown month', () => {
    for (const typed of ['11/25/2026', '31/02/2026', '25 Nox 2026', '2026', '', 'tomorrow']) expect(parseTypedDate(typed), typed).toBeNull()
  })
})
