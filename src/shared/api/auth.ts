import { z } from 'zod'
import { emailSchema, nameSchema, passwordSchema, type Role } from './common'
import { ALL, SYSTEM, method, none } from './method'
import { settingsSchema } from './settings'

export interface StaffUser {
  id: string
  name: string
  email: string
  role: Role
  active: boolean
  phone: string
  /** An admin reset the password: it must be changed before anything else. */
  mustChangePassword: boolean
  /** Signs in with an authenticator app's code as well as the password. */
  twoFactor: boolean
  /** One of the clinic's own roles, which then decides what they may do (`role` is the built-in one it starts from). */
  customRole: { id: string; name: string } | null
  createdAt: string
}

export interface OwnSession {
  /** A short, public handle for the session (never its token). */
  id: string
  createdAt: string
  lastSeenAt: string
  expiresAt: string
  current: boolean
}

export interface SessionInfo {
  user: StaffUser
  expiresAt: string
  /** Present when a session is created. The Electron transport keeps it in the main process. */
  token?: string
  /** Given at sign-in: sent with later sign-ins from this PC, it keeps its owner signing in while an attacker is slowed. */
  deviceKey?: string
  /** The clinic requires a second factor of this user, who has none yet: enrolling comes before anything else. */
  mustEnrolTwoFactor?: boolean
  /** With one of the clinic's own roles: the methods it may call (beyond what every role may). */
  permissions?: string[] | null
}

/** A new authenticator key, not yet stored: shown as a QR code (the URI) and as text. */
export interface TwoFactorSetup {
  secret: string
  uri: string
}

/** A 6-digit authenticator code. */
export const totpCodeSchema = z.string().trim().regex(/^\d{6}$/, 'must be the 6 digits your authenticator app shows')
const base32Secret = z.string().regex(/^[A-Z2-7]{32}$/, 'must be the key DocSpot gave (32 letters and digits)')

export const setupClinicInput = z
  .object({
    clinic: settingsSchema.pick({ clinicName: true, clinicAddress: true, clinicPhone: true, timeZone: true, currency: true, defaultCountry: true }).strict(),
    admin: z.object({ name: nameSchema(120), email: emailSchema, password: passwordSchema }).strict()
  })
  .strict()

export const authMethods = {
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
    summary: 'Sign in with email and password, and the authenticator code (or a recovery code) when the account has one',
    input: z
      .object({
        email: emailSchema,
        password: z.string().min(1, 'is required').max(256),
        totpCode: totpCodeSchema.optional(),
        recoveryCode: z.string().trim().toLowerCase().regex(/^[a-z2-7]{4}-?[a-z2-7]{4}$/, 'must be one of your recovery codes, like abcd-2345').optional()
      })
      .strict(),
    roles: 'public',
    writes: true
  }),
  'auth.logout': method<{ signedOut: true }>()({ summary: 'End the current session', input: none, roles: ALL, writes: true }),
  'auth.session': method<SessionInfo>()({ summary: 'The signed-in user and when the session ends', input: none, roles: ALL, writes: false }),
  'auth.changePassword': method<{ changed: true }>()({
    summary: 'Change your own password (other sessions of yours end)',
    input: z.object({ currentPassword: z.string().min(1, 'is required').max(256), newPassword: passwordSchema }).strict(),
    roles: ALL,
    writes: true
  }),
  'auth.twoFactorSetup': method<TwoFactorSetup>()({
    summary: 'A new authenticator key to scan (nothing is stored until it is confirmed)',
    input: none,
    roles: ALL,
    writes: false
  }),
  'auth.twoFactorEnable': method<{ recoveryCodes: string[] }>()({
    summary: 'Turn on two-factor sign-in with a scanned key, confirmed by its current code; gives one-time recovery codes',
    input: z.object({ secret: base32Secret, totpCode: totpCodeSchema, password: z.string().min(1, 'is required').max(256) }).strict(),
    roles: ALL,
    writes: true
  }),
  'auth.twoFactorDisable': method<{ disabled: true }>()({
    summary: 'Turn off your own two-factor sign-in (not where the clinic requires it)',
    input: z.object({ password: z.string().min(1, 'is required').max(256) }).strict(),
    roles: ALL,
    writes: true
  }),
  'auth.sessions': method<OwnSession[]>()({ summary: 'Your own open sessions', input: none, roles: ALL, writes: false }),
  'auth.endSession': method<{ ended: true }>()({
    summary: 'Sign out one of your own sessions (another PC or window)',
    input: z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be a session handle') }).strict(),
    roles: ALL,
    writes: true
  }),
  'auth.purgeSessions': method<{ removed: number }>()({
    summary: 'Remove sessions that have expired (a background job)',
    input: none,
    roles: SYSTEM,
    writes: true
  })
}
