import { z } from 'zod'
import { idSchema, nameSchema } from './common'
import { ADMIN, ALL, DESK, fileBytes, method, type FileOutput } from './method'

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
  /** The date of birth was worked out from an age the patient gave: approximate. */
  dateOfBirthEstimated: z.boolean(),
  gender: z.enum(GENDERS),
  addressLine: text(200),
  city: text(100),
  state: text(100),
  postalCode: text(20),
  allergies: text(2000),
  medicalHistory: text(10000),
  /** Long-standing conditions (diabetes, hypertension), shown at the top of the chart. */
  chronicConditions: text(2000),
  notes: text(10000),
  /** The patient's number in the clinic's previous system (file no., UHID). */
  previousNumber: text(40),
  /** The language of the messages the patient gets. */
  preferredLanguage: z.enum(['en', 'hi']),
  /** The patient asked for no email (or no SMS) from the clinic: their messages are skipped, visibly. */
  emailOptOut: z.boolean(),
  smsOptOut: z.boolean()
}

/** What staff type when registering. Phone and email are checked in the core. */
export const patientFieldsSchema = z
  .object({
    ...patientFieldRules,
    phone: patientFieldRules.phone.default(''),
    email: patientFieldRules.email.default(''),
    dateOfBirth: patientFieldRules.dateOfBirth.default(null),
    dateOfBirthEstimated: patientFieldRules.dateOfBirthEstimated.default(false),
    gender: patientFieldRules.gender.default('unknown'),
    addressLine: patientFieldRules.addressLine.default(''),
    city: patientFieldRules.city.default(''),
    state: patientFieldRules.state.default(''),
    postalCode: patientFieldRules.postalCode.default(''),
    allergies: patientFieldRules.allergies.default(''),
    medicalHistory: patientFieldRules.medicalHistory.default(''),
    chronicConditions: patientFieldRules.chronicConditions.default(''),
    notes: patientFieldRules.notes.default(''),
    previousNumber: patientFieldRules.previousNumber.default(''),
    preferredLanguage: patientFieldRules.preferredLanguage.default('en'),
    emailOptOut: patientFieldRules.emailOptOut.default(false),
    smsOptOut: patientFieldRules.smsOptOut.default(false)
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
  dateOfBirthEstimated: 'Date of birth from age',
  gender: 'Gender',
  addressLine: 'Address',
  city: 'City',
  state: 'State',
  postalCode: 'Postal code',
  allergies: 'Allergies',
  medicalHistory: 'Medical history',
  chronicConditions: 'Chronic conditions',
  notes: 'Notes',
  previousNumber: 'Previous file no.',
  preferredLanguage: 'Language for messages',
  emailOptOut: 'No email',
  smsOptOut: 'No SMS'
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
  dateOfBirthEstimated: boolean
  gender: Gender
  addressLine: string
  city: string
  state: string
  postalCode: string
  allergies: string
  medicalHistory: string
  chronicConditions: string
  notes: string
  previousNumber: string
  preferredLanguage: 'en' | 'hi'
  emailOptOut: boolean
  smsOptOut: boolean
  /** When the patient proved the email address is theirs (a code mailed to it); null if not, or since it changed. */
  emailVerifiedAt: string | null
  hasPhoto: boolean
  /** Changes whenever the photo does (its hash's start): screens fetch the bytes again only then. */
  photoVersion: string | null
  archivedAt: string | null
  /** Why it was archived (the reason given, or the merge), while it is. */
  archivedReason: string | null
  /** Set when this record was merged into another; that one is the patient now. */
  mergedInto: string | null
  createdAt: string
  updatedAt: string
}

export type PatientSummary = Pick<Patient, 'id' | 'number' | 'name' | 'phone' | 'email' | 'dateOfBirth' | 'dateOfBirthEstimated' | 'gender' | 'archivedAt' | 'archivedReason' | 'hasPhoto'> & {
  /** Why it matched: helps staff trust the ranking. */
  matchedOn?: 'number' | 'previous number' | 'phone' | 'email' | 'dateOfBirth' | 'name' | 'similar name'
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

export const IMPORT_COLUMNS = ['name', 'phone', 'email', 'dateOfBirth', 'gender', 'addressLine', 'city', 'state', 'postalCode', 'allergies', 'medicalHistory', 'notes', 'previousNumber'] as const
export type ImportColumn = (typeof IMPORT_COLUMNS)[number]

/**
 * Where a column of an imported file can go: a patient field, or a part of one (first and last
 * name make the name; an age gives an estimated date of birth where no date is given), or a
 * line "Header: value" added to the patient's notes, which any number of columns may share.
 */
export const IMPORT_TARGETS = [...IMPORT_COLUMNS, 'firstName', 'lastName', 'age', 'addToNotes'] as const
export type ImportTarget = (typeof IMPORT_TARGETS)[number]

export const IMPORT_TARGET_LABELS: Record<ImportTarget, string> = {
  ...(Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, PATIENT_FIELD_LABELS[c]])) as Record<ImportColumn, string>),
  firstName: 'First name',
  lastName: 'Last name',
  age: 'Age',
  addToNotes: 'Add to notes'
}

/**
 * The admin's choices on the preview: for a header of the file, where its column goes, or
 * "ignore" to leave it out. Headers not named keep the mapping DocSpot made from their names.
 */
export type ImportMapping = Record<string, ImportTarget | 'ignore'>

/** One column of the file, as the import reads it. */
export interface ImportFileColumn {
  header: string
  /** Where its values go; null when nothing of it is imported. */
  target: ImportTarget | null
  /** 'header': recognised from its name; 'admin': chosen on the preview (a target or "ignore"); null: not recognised. */
  mappedBy: 'header' | 'admin' | null
  /** The first few different values in the column, shortened, so the admin can tell what it holds. */
  samples: string[]
}

export interface ImportRowReport {
  /** 1-based line in the file, counting the header. */
  line: number
  name: string
  errors: Record<string, string>
  /** Numbers of existing patients (or "line N" of this file) this row likely duplicates. */
  duplicates: string[]
}

export interface ImportPreview {
  /** Each patient field filled from the file, and the header it comes from. */
  columns: Partial<Record<ImportColumn, string>>
  /** Headers whose columns are not imported (not recognised, or left out by the admin). */
  unmappedHeaders: string[]
  /** Every column of the file, in the file's order. */
  fileColumns: ImportFileColumn[]
  total: number
  valid: number
  withErrors: number
  duplicates: number
  rows: ImportRowReport[]
}

export interface ImportResult {
  imported: number
  skippedDuplicates: number
  /** Rows with errors left out (only when asked to import the valid rows). */
  skippedInvalid: number
  /** Those rows as they were in the file, with an "Errors" column, to fix and import again; null if none. */
  rejectedCsv: string | null
}

/** A phone camera's full-size photo; the stored result is a 512 px JPEG whatever comes in. */
export const MAX_PHOTO_BYTES = 25 * 1024 * 1024
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024

const IMPORT_CHOICES = [...IMPORT_TARGETS, 'ignore'] as const
const importMappingSchema = z
  .record(
    z.string(),
    z.enum(IMPORT_CHOICES, { error: (issue) => `${typeof issue.input === 'string' ? `"${issue.input.slice(0, 40)}"` : 'that'} is not a DocSpot field; use one of ${IMPORT_CHOICES.join(', ')}` })
  )
  .refine((mapping) => Object.keys(mapping).length <= 500, 'must name at most 500 columns')
  .default({})

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
  list: z
    .object({
      sort: z.enum(['name', 'number', 'registered']).default('registered'),
      direction: z.enum(['asc', 'desc']).default('desc'),
      status: z.enum(['active', 'archived', 'all']).default('active'),
      gender: z.enum(GENDERS).optional(),
      /** Age band in whole years on today's clinic date, inclusive. */
      ageFrom: z.number().int().min(0).max(130).optional(),
      ageTo: z.number().int().min(0).max(130).optional(),
      /** Registered on or between these clinic dates. */
      registeredFrom: isoDate.optional(),
      registeredTo: isoDate.optional(),
      limit: z.number().int().min(1).max(200).default(50),
      offset: z.number().int().min(0).max(10_000_000).default(0)
    })
    .strict()
    .refine((q) => q.ageFrom === undefined || q.ageTo === undefined || q.ageFrom <= q.ageTo, { path: ['ageTo'], message: 'must not be below ageFrom' })
    .refine((q) => !q.registeredFrom || !q.registeredTo || q.registeredFrom <= q.registeredTo, { path: ['registeredTo'], message: 'must not be before registeredFrom' }),
  findDuplicates: z
    .object({
      name: z.string().max(120).default(''),
      phone: z.string().max(40).default(''),
      email: z.string().max(254).default(''),
      dateOfBirth: isoDate.nullable().default(null),
      dateOfBirthEstimated: z.boolean().default(false),
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
  /** The photo's bytes (JPEG, PNG or WebP) travel as binary, not JSON. */
  setPhoto: z.object({ id: idSchema, file: fileBytes(MAX_PHOTO_BYTES) }).strict(),
  removePhoto: z.object({ id: idSchema }).strict(),
  photo: z.object({ id: idSchema }).strict(),
  importPreview: z.object({ file: fileBytes(MAX_IMPORT_BYTES), mapping: importMappingSchema }).strict(),
  importCommit: z
    .object({
      file: fileBytes(MAX_IMPORT_BYTES),
      /** The same choices as on the preview, so what the admin checked is what is imported. */
      mapping: importMappingSchema,
      /** Rows that look like existing patients are skipped unless this is true. */
      includeDuplicates: z.boolean().default(false),
      /** Import the valid rows even when some have errors; those come back as a CSV with an error column. */
      skipInvalid: z.boolean().default(false),
      /** Shown in progress events so the UI can follow its own import. */
      jobId: z.string().max(64).optional()
    })
    .strict()
}

const P = patientsApiSchemas

export const patientsMethods = {
  'patients.create': method<{ patient: Patient }>()({
    summary: 'Register a patient (refused as a likely duplicate unless allowDuplicate)',
    input: P.create,
    roles: DESK,
    writes: true
  }),
  'patients.update': method<Patient>()({ summary: 'Change a patient’s details', input: P.update, roles: DESK, writes: true }),
  'patients.get': method<Patient>()({ summary: 'Open a patient’s record', input: P.get, roles: ALL, writes: false, auditRead: 'id' }),
  'patients.search': method<{ items: PatientSummary[]; hasMore: boolean }>()({
    summary: 'Find patients by name (typos allowed), phone digits, patient number, email or date of birth',
    input: P.search,
    roles: ALL,
    writes: false
  }),
  'patients.recent': method<PatientSummary[]>()({ summary: 'Patients most recently registered or changed', input: P.recent, roles: ALL, writes: false }),
  'patients.list': method<{ items: PatientSummary[]; total: number }>()({
    summary: 'The patient list: a page of patients, sorted and filtered, and how many there are',
    input: P.list,
    roles: ALL,
    writes: false
  }),
  'patients.findDuplicates': method<DuplicateMatch[]>()({
    summary: 'Existing patients that look like the one being registered',
    input: P.findDuplicates,
    roles: DESK,
    writes: false
  }),
  'patients.merge': method<PatientMerge>()({ summary: 'Merge a duplicate patient record into another', input: P.merge, roles: ADMIN, writes: true }),
  'patients.unmerge': method<PatientMerge>()({ summary: 'Undo a patient merge', input: P.unmerge, roles: ADMIN, writes: true }),
  'patients.merges': method<PatientMerge[]>()({ summary: 'Patient merges, newest first', input: P.merges, roles: ADMIN, writes: false }),
  'patients.archive': method<Patient>()({ summary: 'Archive a patient (hidden from search, never deleted)', input: P.archive, roles: DESK, writes: true }),
  'patients.restore': method<Patient>()({ summary: 'Bring an archived patient back', input: P.restore, roles: DESK, writes: true }),
  'patients.history': method<PatientChange[]>()({ summary: 'Who changed what on a patient, newest first', input: P.history, roles: ALL, writes: false, auditRead: 'id' }),
  'patients.setPhoto': method<Patient>()({
    summary: 'Set a patient’s photo',
    input: P.setPhoto,
    roles: DESK,
    writes: true,
    upload: { field: 'file', maxBytes: MAX_PHOTO_BYTES }
  }),
  'patients.removePhoto': method<Patient>()({ summary: 'Remove a patient’s photo', input: P.removePhoto, roles: DESK, writes: true }),
  'patients.photo': method<FileOutput | null>()({ summary: 'A patient’s photo (a JPEG), or nothing', input: P.photo, roles: ALL, writes: false, download: true }),
  'patients.importPreview': method<ImportPreview>()({
    summary: 'Check a CSV of patients before importing it',
    input: P.importPreview,
    roles: ADMIN,
    writes: false,
    upload: { field: 'file', maxBytes: MAX_IMPORT_BYTES }
  }),
  'patients.importCommit': method<ImportResult>()({
    summary: 'Import a CSV of patients: all rows or none, or the valid rows with the rest handed back',
    input: P.importCommit,
    roles: ADMIN,
    writes: true,
    upload: { field: 'file', maxBytes: MAX_IMPORT_BYTES }
  })
}
