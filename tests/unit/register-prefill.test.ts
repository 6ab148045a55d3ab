import { describe, expect, it } from 'vitest'
import { prefillFor } from '../../src/shared/lib/search-query'

// What "Register new patient" fills in from what was typed into search and found nobody.
describe('registering from a search that found nobody', () => {
  it('takes a name as typed', () => {
    expect(prefillFor('Gaurav Tiwari')).toEqual({ name: 'Gaurav Tiwari' })
  })

  it('takes only the name from a name typed with a year, an age or phone digits', () => {
    expect(prefillFor('gaurav tiwari 1978')).toEqual({ name: 'gaurav tiwari' })
    expect(prefillFor('Sharma, 45y')).toEqual({ name: 'Sharma' })
    expect(prefillFor('sharma 9822')).toEqual({ name: 'sharma' })
  })

  it('takes a whole phone number as the phone, and nothing from a few digits or a patient number', () => {
    expect(prefillFor('98220 14321')).toEqual({ phone: '98220 14321' })
    expect(prefillFor('9822')).toEqual({})
    expect(prefillFor('P-000005')).toEqual({})
  })
})
