import { z } from 'zod'
import { idSchema, nameSchema } from './common'

export const GENDERS = ['female', 'male', 'other', 'unknown'] as const
export type Gender = (typeof GENDERS)[number]

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`)

/** Each field's rule, with no defaults: the base of both the full form and a partial change. */
const patientFieldRules = {
  name: nameSchema(120),
  phone: text(40),
  email: text(254),
  dateOfBirth: isoDate.nullable(),
  gender: z.enum(GENDERS),
  addressLine: text(200),
  city: text(100),
  state: text(100),
  postalCode: text(20),
  allergies: text(2000),
  medicalHistory: text(10000),
  notes: text(10000)
}

/** What staff type when registering. Phone and email are checked in the core. */
export const patientFieldsSchema = z
  .object({
    ...patientFieldRules,
    phone: patientFieldRules.phone.default(''),
    email: patientFieldRules.email.default(''),
    dateOfBirth: patientFieldRules.dateOfBirth.default(null),
    gender: patientFieldRules.gender.default('unknown'),
    addressLine: patientFieldRules.addressLine.default(''),
    city: patientFieldRules.city.default(''),
    state: patientFieldRules.state.default(''),
    postalCode: patientFieldRules.postalCode.default(''),
    allergies: patientFieldRules.allergies.default(''),
    medicalHistory: patientFieldRules.medicalHistory.default(''),
    notes: patientFieldRules.notes.default('')
  })
  .strict()

/**
 * Only the fields being changed. Built from the rules without defaults: zod's .partial()
 * keeps .default(), which would silently blank every field that was not sent.
 */
export const patientChangesSchema = z.object(patientFieldRules).partial().strict()
export type PatientFields = z.output<typeof patientFieldsSchema>

/** What staff call each field, wherever it is shown (forms, history, merge, import). */
export const PATIENT_FIELD_LABELS: Record<keyof PatientFields, string> = {
  name: 'Name',
  phone: 'Phone',
  email: 'Email',
  dateOfBirth: 'Date of birth',
  gender: 'Gender',
  addressLine: 'Address',
  city: 'City',
  state: 'State',
  postalCode: 'Postal code',
  allergies: 'Allergies',
  medicalHistory: 'Medical history',
  notes: 'Notes'
}
export type PatientFieldsInput = z.input<typeof patientFieldsSchema>

export interface Patient {
  id: string
  number: string
  name: string
  /** E.164, e.g. +919876543210; '' if none. */
  phone: string
  email: string
  dateOfBirth: string | null
  gender: Gender
  addressLine: string
  city: string
  state: string
  postalCode: string
  allergies: string
  medicalHistory: string
  notes: string
  hasPhoto: boolean
  archivedAt: string | null
  /** Set when this record was merged into another; that one is the patient now. */
  mergedInto: string | null
  createdAt: string
  updatedAt: string
}

export type PatientSummary = Pick<Patient, 'id' | 'number' | 'name' | 'phone' | 'email' | 'dateOfBirth' | 'gender' | 'archivedAt' | 'hasPhoto'> & {
  /** Why it matched: helps staff trust the ranking. */
  matchedOn?: 'number' | 'phone' | 'email' | 'dateOfBirth' | 'name' | 'similar name'
}

export interface DuplicateMatch {
  patient: PatientSummary
  reasons: Array<'name and date of birth' | 'phone' | 'email'>
}

export interface PatientChange {
  id: string
  at: string
  by: string | null
  byName: string | null
  action: 'created' | 'updated' | 'archived' | 'restored' | 'merged' | 'unmerged' | 'photo' | 'imported'
  /** field → [before, after] */
  changes: Record<string, [unknown, unknown]>
  note: string | null
}

export interface PatientMerge {
  id: string
  survivor: PatientSummary
  merged: PatientSummary
  at: string
  byName: string | null
  moved: Record<string, number>
  undoneAt: string | null
}

export const IMPORT_COLUMNS = ['name', 'phone', 'email', 'dateOfBirth', 'gender', 'addressLine', 'city', 'state', 'postalCode', 'allergies', 'medicalHistory', 'notes'] as const
export type ImportColumn = (typeof IMPORT_COLUMNS)[number]

export interface ImportRowReport {
  /** 1-based line in the file, counting the header. */
  line: number
  name: string
  errors: Record<string, string>
  /** Numbers of existing patients (or "line N" of this file) this row likely duplicates. */
  duplicates: string[]
}

export interface ImportPreview {
  columns: Partial<Record<ImportColumn, string>>
  unmappedHeaders: string[]
  total: number
  valid: number
  withErrors: number
  duplicates: number
  rows: ImportRowReport[]
}

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024

export const patientsApiSchemas = {
  create: patientFieldsSchema.extend({ allowDuplicate: z.boolean().default(false) }).strict(),
  update: z.object({ id: idSchema, fields: patientChangesSchema }).strict(),
  get: z.object({ id: idSchema }).strict(),
  search: z
    .object({
      q: z.string().max(200, 'must be at most 200 characters'),
      limit: z.number().int().min(1).max(100).default(20),
      offset: z.number().int().min(0).max(10_000).default(0),
      includeArchived: z.boolean().default(false)
    })
    .strict(),
  recent: z.object({ limit: z.number().int().min(1).max(100).default(20) }).strict(),
  findDuplicates: z
    .object({
      name: z.string().max(120).default(''),
      phone: z.string().max(40).default(''),
      email: z.string().max(254).default(''),
      dateOfBirth: isoDate.nullable().default(null),
      excludeId: idSchema.optional()
    })
    .strict(),
  merge: z
    .object({
      survivorId: idSchema,
      mergedId: idSchema,
      /** Final values for the survivor, picked field by field on the merge screen. */
      fields: patientChangesSchema.default({})
    })
    .strict(),
  unmerge: z.object({ mergeId: idSchema }).strict(),
  merges: z.object({ patientId: idSchema.optional() }).strict(),
  archive: z.object({ id: idSchema, reason: z.string().trim().min(1, 'is required').max(500) }).strict(),
  restore: z.object({ id: idSchema }).strict(),
  history: z.object({ id: idSchema }).strict(),
  setPhoto: z
    .object({
      id: idSchema,
      /** Base64 of a JPEG, PNG or WebP file; null removes the photo. */
      data: z.string().max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 16, `must be a file of at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`).nullable()
    })
    .strict(),
  photo: z.object({ id: idSchema }).strict(),
  importPreview: z.object({ csv: z.string().min(1, 'is empty').max(MAX_IMPORT_BYTES, 'is larger than 20 MB') }).strict(),
  importCommit: z
    .object({
      csv: z.string().min(1, 'is empty').max(MAX_IMPORT_BYTES, 'is larger than 20 MB'),
      /** Rows that look like existing patients are skipped unless this is true. */
      includeDuplicates: z.boolean().default(false),
      /** Shown in progress events so the UI can follow its own import. */
      jobId: z.string().max(64).optional()
    })
    .strict()
}
