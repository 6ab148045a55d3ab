import { z } from 'zod'
import { ROLES, emailSchema, idSchema, nameSchema, passwordSchema, roleSchema, type Role } from './common'
import { settingsSchema, settingsUpdateSchema, type Settings } from './settings'

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
  })
} satisfies Record<string, MethodSpec>

export type Api = typeof api
export type MethodName = keyof Api
export type InputOf<M extends MethodName> = z.input<Api[M]['input']>
export type ParsedInputOf<M extends MethodName> = z.output<Api[M]['input']>
export type OutputOf<M extends MethodName> = NonNullable<Api[M]['__output']>

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(api, name)
}

export { idSchema }
