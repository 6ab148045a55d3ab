import { DateTime } from 'luxon'
import { ApiError, emailSchema, type PatientFields, type Settings } from '../../../shared/api'
import { dobProblem, isEmail } from '../../../shared/lib/patient-rules'
import { normalisePhone } from '../../../shared/lib/phone'

/**
 * The checks that need the clinic's settings: phone in E.164 for the clinic's country,
 * a real email, a date of birth that is a real day, not in the future, not before 1900.
 * Collects every problem so the form can mark all fields at once. `path` is where the
 * fields sit in the method's input ("fields" in patients.update), so errors are named the
 * same way as the schema's own.
 */
export function checkPatientFields<T extends Partial<PatientFields>>(fields: T, settings: Settings, now: Date, path?: string): T {
  const errors: Record<string, string> = {}
  const out = { ...fields }
  if (fields.phone !== undefined && fields.phone !== '') {
    const e164 = normalisePhone(fields.phone, settings.defaultCountry)
    if (!e164) errors.phone = `is not a valid phone number for ${settings.defaultCountry}; add the country code (e.g. +44) for a number from elsewhere`
    else out.phone = e164
  }
  if (fields.email !== undefined && fields.email !== '') {
    if (!isEmail(fields.email)) errors.email = 'must be a valid email address'
    else out.email = emailSchema.parse(fields.email)
  }
  // A date given without saying it is an estimate is a real date; no date, no estimate.
  if (fields.dateOfBirth !== undefined && (fields.dateOfBirthEstimated === undefined || fields.dateOfBirth === null)) out.dateOfBirthEstimated = false
  if (fields.dateOfBirth) {
    const problem = dobProblem(fields.dateOfBirth, DateTime.fromJSDate(now, { zone: settings.timeZone }).toISODate()!)
    if (problem) errors.dateOfBirth = problem
  }
  if (Object.keys(errors).length) {
    const named = Object.fromEntries(Object.entries(errors).map(([f, m]) => [path ? `${path}.${f}` : f, m]))
    const summary = Object.entries(named).map(([f, m]) => `${f} ${m}`)
    throw new ApiError('VALIDATION', `Please correct: ${summary.join('; ')}`, named)
  }
  return out
}
