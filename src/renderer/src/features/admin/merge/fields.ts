import { PATIENT_FIELD_LABELS, type Patient, type PatientFields } from '../../../../../shared/api'
import { formatPhone } from '../../../../../shared/lib/phone'
import { formatDob } from '../../patients/format'

export type FieldKey = keyof PatientFields
/** Which value the kept record ends up with: its own, the merged one's, or both joined. */
export type Choice = 'keep' | 'merge' | 'both'

export interface MergeField {
  key: FieldKey
  label: string
  /** Long free text, where keeping both values is often what the clinic wants. */
  combinable?: boolean
}

const COMBINABLE: FieldKey[] = ['allergies', 'medicalHistory', 'chronicConditions', 'notes']

// Whether a date of birth was worked out from an age goes with the date chosen, not on a row of its own.
export const MERGE_FIELDS: MergeField[] = (Object.keys(PATIENT_FIELD_LABELS) as FieldKey[]).filter((key) => key !== 'dateOfBirthEstimated').map((key) => ({
  key,
  label: PATIENT_FIELD_LABELS[key],
  combinable: COMBINABLE.includes(key)
}))

export const FIELD_LABELS: Record<string, string> = Object.fromEntries(MERGE_FIELDS.map((f) => [f.key, f.label]))

const GENDER_LABELS: Record<string, string> = { female: 'Female', male: 'Male', other: 'Other', unknown: '' }

/** An "unknown" gender or a missing date counts as empty: the other record's value wins by default. */
export function isEmpty(patient: Patient, key: FieldKey): boolean {
  const value = patient[key]
  return value === null || value === '' || (key === 'gender' && value === 'unknown')
}

export function sameValue(a: Patient, b: Patient, key: FieldKey): boolean {
  if (key === 'dateOfBirth' && a.dateOfBirthEstimated !== b.dateOfBirthEstimated) return false
  return (a[key] ?? '') === (b[key] ?? '')
}

export function defaultChoice(keep: Patient, merge: Patient, key: FieldKey): Choice {
  return isEmpty(keep, key) && !isEmpty(merge, key) ? 'merge' : 'keep'
}

export function canCombine(field: MergeField, keep: Patient, merge: Patient): boolean {
  return Boolean(field.combinable) && !isEmpty(keep, field.key) && !isEmpty(merge, field.key) && !sameValue(keep, merge, field.key)
}

/** How staff read a value: formatted phone, day-first date, gender words. */
export function displayValue(patient: Patient, key: FieldKey): string {
  const value = patient[key]
  if (value === null || value === '') return ''
  if (key === 'phone') return formatPhone(String(value))
  if (key === 'gender') return GENDER_LABELS[String(value)] ?? String(value)
  if (key === 'dateOfBirth') return patient.dateOfBirthEstimated ? `born about ${String(value).slice(0, 4)} (from age)` : formatDate(String(value))
  return String(value)
}

/** A calendar date ("1984-03-12") as "12 Mar 1984": the one date formatter (patients/format). */
export const formatDate = (iso: string) => formatDob(iso) || iso

export function effectiveChoice(keep: Patient, merge: Patient, key: FieldKey, overrides: Partial<Record<FieldKey, Choice>>): Choice {
  if (sameValue(keep, merge, key)) return 'keep'
  return overrides[key] ?? defaultChoice(keep, merge, key)
}

/** The final values the kept record ends up with, as patients.merge takes them. */
export function finalFields(keep: Patient, merge: Patient, overrides: Partial<Record<FieldKey, Choice>>): PatientFields {
  const out: Record<string, unknown> = {}
  for (const field of MERGE_FIELDS) {
    const choice = effectiveChoice(keep, merge, field.key, overrides)
    if (choice === 'merge') out[field.key] = merge[field.key]
    else if (choice === 'both' && canCombine(field, keep, merge)) out[field.key] = `${keep[field.key]}\n${merge[field.key]}`
    else out[field.key] = keep[field.key]
    if (field.key === 'dateOfBirth') out.dateOfBirthEstimated = choice === 'merge' ? merge.dateOfBirthEstimated : keep.dateOfBirthEstimated
  }
  return out as unknown as PatientFields
}
