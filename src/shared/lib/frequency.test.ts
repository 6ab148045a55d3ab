// What the prescription prints beside a dosing frequency, for the patient and the pharmacist.
import { describe, expect, it } from 'vitest'
import { frequencyMeaning } from './frequency'

describe('frequencyMeaning', () => {
  it.each([
    ['1-0-1', 'morning and night'],
    ['1-1-1', 'morning, afternoon and night'],
    ['1-0-0', 'morning'],
    ['0-0-1', 'night'],
    ['1 - 0 - 1', 'morning and night'],
    ['1–0–1', 'morning and night'],
    ['2-0-1', '2 in the morning, 1 at night'],
    ['½-0-½', '½ in the morning, ½ at night'],
    ['1/2-0-1', '½ in the morning, 1 at night'],
    ['0-1-0', 'afternoon'],
    ['1-1-1-1', 'morning, noon, evening and night'],
    ['0-2-0-0', '2 at noon']
  ])('reads %s as “%s”', (written, meaning) => {
    expect(frequencyMeaning(written)).toBe(meaning)
  })

  it.each([
    ['OD', 'once a day'],
    ['BD', 'twice a day'],
    ['bd', 'twice a day'],
    ['b.d.', 'twice a day'],
    ['BID', 'twice a day'],
    ['TDS', 'three times a day'],
    ['TID', 'three times a day'],
    ['QID', 'four times a day'],
    ['SOS', 'only when needed'],
    ['PRN', 'only when needed'],
    ['HS', 'at bedtime'],
    ['Stat', 'at once'],
    [' weekly ', 'once a week'],
    ['Q6H', 'every 6 hours'],
    ['q8h', 'every 8 hours']
  ])('spells out the abbreviation %s as “%s”', (written, meaning) => {
    expect(frequencyMeaning(written)).toBe(meaning)
  })

  it.each(['', 'After food', 'Twice daily', '0-0-0', '1-0', '1-0-1-0-1', '1-x-1', 'BDS'])('adds nothing to “%s”, printed as written', (written) => {
    expect(frequencyMeaning(written)).toBe('')
  })
})
