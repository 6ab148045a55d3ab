import type { Selectable } from 'kysely'
import { ApiError, type Patient, type PatientChange, type PatientFields, type PatientSummary, type Settings } from '../../../shared/api'
import type { WriteContext } from '../context'
import type { ReadDb } from '../db/read-only'
import type { PatientsTable } from '../db/schema'
import { nameKey } from './text'

type Row = Selectable<PatientsTable>
/** What writing a patient needs from the call: its transaction, time, user, and journaled ids and numbers. */
export type Writer = Pick<WriteContext, 'db' | 'now' | 'newId' | 'nextNumber' | 'user'>

/** API field name ↔ column. One table, used for reads, writes and history. */
export const COLUMNS = {
  name: 'name',
  phone: 'phone',
  email: 'email',
  dateOfBirth: 'date_of_birth',
  dateOfBirthEstimated: 'dob_estimated',
  gender: 'gender',
  addressLine: 'address_line',
  city: 'city',
  state: 'state',
  postalCode: 'postal_code',
  allergies: 'allergies',
  medicalHistory: 'medical_history',
  chronicConditions: 'chronic_conditions',
  notes: 'notes',
  previousNumber: 'previous_number',
  preferredLanguage: 'preferred_language',
  emailOptOut: 'email_opt_out',
  smsOptOut: 'sms_opt_out'
} as const satisfies Record<keyof PatientFields, keyof PatientsTable>

export const SUMMARY_COLUMNS = ['id', 'number', 'name', 'phone', 'email', 'date_of_birth', 'dob_estimated', 'gender', 'archived_at', 'archived_reason', 'photo_sha256'] as const

export function toSummary(row: Pick<Row, (typeof SUMMARY_COLUMNS)[number]>, matchedOn?: PatientSummary['matchedOn']): PatientSummary {
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    phone: row.phone,
    email: row.email,
    dateOfBirth: row.date_of_birth,
    dateOfBirthEstimated: row.dob_estimated === 1,
    gender: row.gender,
    archivedAt: row.archived_at,
    archivedReason: row.archived_at ? row.archived_reason : null,
    hasPhoto: row.photo_sha256 !== null,
    ...(matchedOn ? { matchedOn } : {})
  }
}

export function toPatient(row: Row): Patient {
  const { matchedOn: _none, ...summary } = toSummary(row)
  return {
    ...summary,
    addressLine: row.address_line,
    city: row.city,
    state: row.state,
    postalCode: row.postal_code,
    allergies: row.allergies,
    medicalHistory: row.medical_history,
    chronicConditions: row.chronic_conditions,
    notes: row.notes,
    previousNumber: row.previous_number,
    preferredLanguage: row.preferred_language,
    emailOptOut: row.email_opt_out === 1,
    smsOptOut: row.sms_opt_out === 1,
    emailVerifiedAt: row.email_verified_at,
    photoVersion: row.photo_sha256?.slice(0, 16) ?? null,
    mergedInto: row.merged_into,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export function fieldsToColumns(fields: Partial<PatientFields>): Partial<Row> {
  const out: Record<string, unknown> = {}
  for (const [field, column] of Object.entries(COLUMNS)) {
    const value = fields[field as keyof PatientFields]
    // SQLite has no booleans: the estimated-date flag is stored as 0/1.
    if (value !== undefined) out[column] = typeof value === 'boolean' ? (value ? 1 : 0) : value
  }
  if (fields.name !== undefined) out.name_key = nameKey(fields.name)
  return out as Partial<Row>
}

export function fieldsOf(patient: Patient): PatientFields {
  const out: Record<string, unknown> = {}
  for (const field of Object.keys(COLUMNS)) out[field] = patient[field as keyof Patient]
  return out as PatientFields
}

export async function getPatientRow(db: ReadDb, id: string): Promise<Row> {
  const row = await db.selectFrom('patients').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new ApiError('NOT_FOUND', `No patient with id ${id}`)
  return row
}

/**
 * The patient a booking, token or waitlist entry is for: known, not merged away, not archived;
 * else an error on `patientId` (a merged record names the one to `use` instead: "book that one").
 */
export async function activePatient(db: ReadDb, id: string, use: 'book' | 'add' | 'use') {
  const patient = await db.selectFrom('patients').select(['id', 'number', 'name', 'archived_at', 'merged_into']).where('id', '=', id).executeTakeFirst()
  if (!patient) throw ApiError.field('patientId', `is not a known patient (${id})`)
  if (patient.merged_into) throw ApiError.field('patientId', `${patient.number} was merged into another record; ${use} that one`)
  if (patient.archived_at) throw ApiError.field('patientId', `${patient.number} ${patient.name} is archived; restore the record first`)
  return patient
}

export function formatNumber(seq: number, settings: Settings): string {
  return `${settings.patientNumberPrefix}${String(seq).padStart(settings.patientNumberDigits, '0')}`
}

export async function insertPatient(tx: Writer, fields: PatientFields, settings: Settings): Promise<Patient> {
  const at = tx.now.toISOString()
  const seq = await tx.nextNumber('patient')
  const row: Row = {
    id: tx.newId(),
    seq,
    number: formatNumber(seq, settings),
    name: fields.name,
    name_key: nameKey(fields.name),
    phone: fields.phone,
    email: fields.email,
    date_of_birth: fields.dateOfBirth,
    dob_estimated: fields.dateOfBirth && fields.dateOfBirthEstimated ? 1 : 0,
    gender: fields.gender,
    address_line: fields.addressLine,
    city: fields.city,
    state: fields.state,
    postal_code: fields.postalCode,
    allergies: fields.allergies,
    medical_history: fields.medicalHistory,
    chronic_conditions: fields.chronicConditions,
    notes: fields.notes,
    previous_number: fields.previousNumber,
    preferred_language: fields.preferredLanguage,
    email_opt_out: fields.emailOptOut ? 1 : 0,
    sms_opt_out: fields.smsOptOut ? 1 : 0,
    email_verified_at: null,
    photo_sha256: null,
    archived_at: null,
    archived_reason: null,
    merged_into: null,
    created_at: at,
    updated_at: at,
    created_by: tx.user.id,
    updated_by: tx.user.id
  }
  await tx.db.insertInto('patients').values(row).execute()
  return toPatient(row)
}

/** field → [before, after], for the fields that really changed. */
export function diff(before: Partial<PatientFields>, after: Partial<PatientFields>): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {}
  for (const key of Object.keys(after) as Array<keyof PatientFields>) {
    if (after[key] !== undefined && after[key] !== before[key]) changes[key] = [before[key] ?? null, after[key]]
  }
  return changes
}

export async function recordHistory(
  tx: Writer,
  entry: { patientId: string; action: PatientChange['action']; changes?: Record<string, [unknown, unknown]>; note?: string | null }
): Promise<void> {
  await tx.db
    .insertInto('patient_history')
    .values({
      id: tx.newId(),
      patient_id: entry.patientId,
      at: tx.now.toISOString(),
      user_id: tx.user.id,
      action: entry.action,
      changes: JSON.stringify(entry.changes ?? {}),
      note: entry.note ?? null
    })
    .execute()
}
