import { z } from 'zod'
import { ROLES, emailSchema, idSchema, nameSchema, passwordSchema, roleSchema, type Role } from './common'
import { settingsSchema, settingsUpdateSchema, type Settings } from './settings'
import {
  MAX_IMPORT_BYTES,
  MAX_PHOTO_BYTES,
  patientsApiSchemas as P,
  type DuplicateMatch,
  type ImportPreview,
  type Patient,
  type PatientChange,
  type PatientMerge,
  type PatientSummary
} from './patients'

/**
 * The API table: every operation DocSpot can do, its input schema, who may call it and
 * whether it writes. Both transports (IPC, HTTP) and the OpenAPI document derive from it;
 * the core supplies exactly one handler per entry.
 */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  summary: string
  input: I
  /** 'public' needs no session (first run, login, health). */
  roles: readonly Role[] | 'public'
  writes: boolean
  /** Largest request body the HTTP transport accepts for this method. */
  maxBodyBytes?: number
  /** Phantom: carries the output type only. */
  readonly __output?: O
}

const method =
  <O>() =>
  <I extends z.ZodType>(spec: Omit<MethodSpec<I, O>, '__output'>): MethodSpec<I, O> =>
    spec

const ALL = ROLES
const ADMIN = ['admin'] as const
const DESK = ['admin', 'receptionist'] as const
const none = z.object({}).strict()

export interface StaffUser {
  id: string
  name: string
  email: string
  role: Role
  active: boolean
  createdAt: string
}

export interface SessionInfo {
  user: StaffUser
  expiresAt: string
  /** Present when a session is created. The Electron transport keeps it in the main process. */
  token?: string
}

export interface Health {
  status: 'ok'
  version: string
  schemaVersion: string
  time: string
}

export const setupClinicInput = z
  .object({
    clinic: settingsSchema.pick({ clinicName: true, clinicAddress: true, clinicPhone: true, timeZone: true, currency: true, defaultCountry: true }).strict(),
    admin: z.object({ name: nameSchema(120), email: emailSchema, password: passwordSchema }).strict()
  })
  .strict()

export const api = {
  'system.health': method<Health>()({ summary: 'Is the core up; version and schema version', input: none, roles: 'public', writes: false }),

  'setup.status': method<{ needsSetup: boolean; clinicName: string | null }>()({
    summary: 'Whether this data folder still needs its first-run setup',
    input: none,
    roles: 'public',
    writes: false
  }),
  'setup.createClinic': method<SessionInfo>()({
    summary: 'First run: create the clinic and its first admin, and sign that admin in',
    input: setupClinicInput,
    roles: 'public',
    writes: true
  }),

  'auth.login': method<SessionInfo>()({
    summary: 'Sign in with email and password',
    input: z.object({ email: emailSchema, password: z.string().min(1, 'is required').max(256) }).strict(),
    roles: 'public',
    writes: true
  }),
  'auth.logout': method<{ signedOut: true }>()({ summary: 'End the current session', input: none, roles: ALL, writes: true }),
  'auth.session': method<SessionInfo>()({ summary: 'The signed-in user and when the session ends', input: none, roles: ALL, writes: false }),

  'settings.get': method<Settings>()({ summary: 'The clinic settings', input: none, roles: ALL, writes: false }),
  'settings.update': method<Settings>()({ summary: 'Change some clinic settings', input: settingsUpdateSchema, roles: ADMIN, writes: true }),

  'users.list': method<StaffUser[]>()({ summary: 'All staff accounts', input: none, roles: ADMIN, writes: false }),
  'users.create': method<StaffUser>()({
    summary: 'Create a staff account',
    input: z.object({ name: nameSchema(120), email: emailSchema, role: roleSchema, password: passwordSchema }).strict(),
    roles: ADMIN,
    writes: true
  }),

  'patients.create': method<{ patient: Patient }>()({
    summary: 'Register a patient (refused as a likely duplicate unless allowDuplicate)',
    input: P.create,
    roles: DESK,
    writes: true
  }),
  'patients.update': method<Patient>()({ summary: 'Change a patient’s details', input: P.update, roles: DESK, writes: true }),
  'patients.get': method<Patient>()({ summary: 'One patient', input: P.get, roles: ALL, writes: false }),
  'patients.search': method<{ items: PatientSummary[]; hasMore: boolean }>()({
    summary: 'Find patients by name (typos allowed), phone digits, patient number, email or date of birth',
    input: P.search,
    roles: ALL,
    writes: false
  }),
  'patients.recent': method<PatientSummary[]>()({ summary: 'Patients most recently registered or changed', input: P.recent, roles: ALL, writes: false }),
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
  'patients.history': method<PatientChange[]>()({ summary: 'Who changed what on a patient, newest first', input: P.history, roles: DESK, writes: false }),
  'patients.setPhoto': method<Patient>()({
    summary: 'Set or remove a patient’s photo',
    input: P.setPhoto,
    roles: DESK,
    writes: true,
    maxBodyBytes: Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 64 * 1024
  }),
  'patients.photo': method<{ dataUrl: string } | null>()({ summary: 'A patient’s photo as a data URL', input: P.photo, roles: ALL, writes: false }),
  'patients.importPreview': method<ImportPreview>()({
    summary: 'Check a CSV of patients before importing it',
    input: P.importPreview,
    roles: ADMIN,
    writes: false,
    maxBodyBytes: MAX_IMPORT_BYTES + 64 * 1024
  }),
  'patients.importCommit': method<{ imported: number; skippedDuplicates: number }>()({
    summary: 'Import a CSV of patients, all rows or none',
    input: P.importCommit,
    roles: ADMIN,
    writes: true,
    maxBodyBytes: MAX_IMPORT_BYTES + 64 * 1024
  })
} satisfies Record<string, MethodSpec>

export type Api = typeof api
export type MethodName = keyof Api
export type InputOf<M extends MethodName> = z.input<Api[M]['input']>
export type ParsedInputOf<M extends MethodName> = z.output<Api[M]['input']>
export type OutputOf<M extends MethodName> = Exclude<Api[M]['__output'], undefined>

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(api, name)
}

export { idSchema }
