import type { Kysely, Selectable } from 'kysely'
import { ApiError, type Patient, type PatientChange, type PatientFields, type PatientSummary, type Settings } from '../../../shared/api'
import type { Database, PatientsTable } from '../db/schema'
import { newId } from '../ids'
import { nameKey } from './text'

type Row = Selectable<PatientsTable>
type Db = Kysely<Database>

/** API field name ↔ column. One table, used for reads, writes and history. */
export const COLUMNS = {
  name: 'name',
  phone: 'phone',
  email: 'email',
  dateOfBirth: 'date_of_birth',
  gender: 'gender',
  addressLine: 'address_line',
  city: 'city',
  state: 'state',
  postalCode: 'postal_code',
  allergies: 'allergies',
  medicalHistory: 'medical_history',
  notes: 'notes'
} as const satisfies Record<keyof PatientFields, keyof PatientsTable>

export const SUMMARY_COLUMNS = ['id', 'number', 'name', 'phone', 'email', 'date_of_birth', 'gender', 'archived_at', 'photo_sha256'] as const

export function toSummary(row: Pick<Row, (typeof SUMMARY_COLUMNS)[number]>, matchedOn?: PatientSummary['matchedOn']): PatientSummary {
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    phone: row.phone,
    email: row.email,
    dateOfBirth: row.date_of_birth,
    gender: row.gender,
    archivedAt: row.archived_at,
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
    notes: row.notes,
    mergedInto: row.merged_into,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export function fieldsToColumns(fields: Partial<PatientFields>): Partial<Row> {
  const out: Record<string, unknown> = {}
  for (const [field, column] of Object.entries(COLUMNS)) {
    const value = fields[field as keyof PatientFields]
    if (value !== undefined) out[column] = value
  }
  if (fields.name !== undefined) out.name_key = nameKey(fields.name)
  return out as Partial<Row>
}

export function fieldsOf(patient: Patient): PatientFields {
  const out: Record<string, unknown> = {}
  for (const field of Object.keys(COLUMNS)) out[field] = patient[field as keyof Patient]
  return out as PatientFields
}

export async function getPatientRow(db: Db, id: string): Promise<Row> {
  const row = await db.selectFrom('patients').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new ApiError('NOT_FOUND', `No patient with id ${id}`)
  return row
}

export function formatNumber(seq: number, settings: Settings): string {
  return `${settings.patientNumberPrefix}${String(seq).padStart(settings.patientNumberDigits, '0')}`
}

/** The next running number, inside the caller's transaction so two desks never get the same one. */
export async function nextSeq(db: Db): Promise<number> {
  const { max } = await db
    .selectFrom('patients')
    .select((eb) => eb.fn.max('seq').as('max'))
    .executeTakeFirstOrThrow()
  return (max ?? 0) + 1
}

export async function insertPatient(db: Db, fields: PatientFields, settings: Settings, now: Date, userId: string | null, seq?: number): Promise<Patient> {
  const at = now.toISOString()
  const s = seq ?? (await nextSeq(db))
  const row: Row = {
    id: newId(now.getTime()),
    seq: s,
    number: formatNumber(s, settings),
    name: fields.name,
    name_key: nameKey(fields.name),
    phone: fields.phone,
    email: fields.email,
    date_of_birth: fields.dateOfBirth,
    gender: fields.gender,
    address_line: fields.addressLine,
    city: fields.city,
    state: fields.state,
    postal_code: fields.postalCode,
    allergies: fields.allergies,
    medical_history: fields.medicalHistory,
    notes: fields.notes,
    photo_sha256: null,
    archived_at: null,
    archived_reason: null,
    merged_into: null,
    created_at: at,
    updated_at: at,
    created_by: userId,
    updated_by: userId
  }
  await db.insertInto('patients').values(row).execute()
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
  db: Db,
  entry: { patientId: string; at: Date; userId: string | null; action: PatientChange['action']; changes?: Record<string, [unknown, unknown]>; note?: string | null }
): Promise<void> {
  await db
    .insertInto('patient_history')
    .values({
      id: newId(entry.at.getTime()),
      patient_id: entry.patientId,
      at: entry.at.toISOString(),
      user_id: entry.userId,
      action: entry.action,
      changes: JSON.stringify(entry.changes ?? {}),
      note: entry.note ?? null
    })
    .execute()
}
