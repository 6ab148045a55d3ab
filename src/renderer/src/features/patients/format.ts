export { parseDob } from '../../../../shared/lib/patient-rules'
import { PATIENT_FIELD_LABELS, type Gender, type PatientSummary } from '../../../../shared/api'

/** "1990-12-31" → "31/12/1990", the way the form shows it. */
export function dobToInput(iso: string | null): string {
  if (!iso) return ''
  const [y, m, d] = iso.split('-')
  return `${d}/${m}/${y}`
}

/** Today in the clinic's time zone as YYYY-MM-DD. */
export function todayIn(timeZone?: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone || undefined, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
}

/** "12 Mar 1985". */
export function formatDob(iso: string | null): string {
  if (!iso) return ''
  const [y, m, d] = iso.split('-').map(Number)
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)))
}

/** Age as staff say it: "34 y", "1 y 3 m", "5 m", "12 d". */
export function ageOf(iso: string | null, timeZone?: string): string {
  if (!iso) return ''
  const [by, bm, bd] = iso.split('-').map(Number)
  const [ty, tm, td] = todayIn(timeZone).split('-').map(Number)
  let months = (ty - by) * 12 + (tm - bm)
  if (td < bd) months -= 1
  if (months < 0) return ''
  if (months >= 24) return `${Math.floor(months / 12)} y`
  if (months >= 12) return months % 12 ? `${Math.floor(months / 12)} y ${months % 12} m` : '1 y'
  if (months >= 1) return `${months} m`
  const days = Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(by, bm - 1, bd)) / 86_400_000)
  return `${days} d`
}

export const GENDER_LABEL: Record<Gender, string> = { female: 'Female', male: 'Male', other: 'Other', unknown: 'Not stated' }

export const MATCHED_ON_LABEL: Record<NonNullable<PatientSummary['matchedOn']>, string> = {
  number: 'Patient no.',
  'previous number': 'Previous file no.',
  phone: 'Phone',
  email: 'Email',
  dateOfBirth: 'Date of birth',
  name: 'Name',
  'similar name': 'Similar name'
}

export const FIELD_LABEL: Record<string, string> = {
  ...PATIENT_FIELD_LABELS,
  photo: 'Photo',
  archivedAt: 'Archived',
  mergedInto: 'Merged into'
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter((p) => /\p{L}/u.test(p))
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('')
}

/** "31 Jan 2025, 14:05" in the clinic's time zone. */
export function formatInstant(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: timeZone || undefined }).format(new Date(iso))
}

/** A patient's date of birth as the desk reads it: "12 Mar 1985 · 40 y", or "≈45 y" when it was worked out from an age. */
export function dobText(p: { dateOfBirth: string | null; dateOfBirthEstimated?: boolean }, timeZone?: string): string {
  if (!p.dateOfBirth) return ''
  const age = ageOf(p.dateOfBirth, timeZone)
  return p.dateOfBirthEstimated ? `≈${age}` : `${formatDob(p.dateOfBirth)} · ${age}`
}
