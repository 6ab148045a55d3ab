import { z } from 'zod'
import { addressSchema, countrySchema, currencySchema, nameSchema, timeZoneSchema } from './common'
import { ADMIN, ALL, fileBytes, method, none, type FileOutput } from './method'

/** A letterhead logo: a PNG or JPEG, small. */
export const MAX_LOGO_BYTES = 2 * 1024 * 1024

/** Each setting's rule, with no defaults (see settingsUpdateSchema). */
const settingRules = {
  clinicName: nameSchema(120),
  clinicAddress: addressSchema,
  clinicPhone: z.string().trim().max(40),
  timeZone: timeZoneSchema,
  currency: currencySchema,
  /** Country whose dialling code a phone number without "+" belongs to. */
  defaultCountry: countrySchema,
  /** Patient numbers are prefix + zero-padded running number, e.g. P-000123. */
  patientNumberPrefix: z.string().trim().max(10).regex(/^[A-Za-z0-9-]*$/, 'may hold only letters, digits and "-"'),
  patientNumberDigits: z.number().int().min(3).max(10),
  autoLogoutMinutes: z.number().int().min(1).max(24 * 60),
  sessionHours: z.number().int().min(1).max(24 * 14),
  /** How long before its start an appointment can still be booked at the desk (minutes; 0 = up to its start). */
  bookingNoticeMinutes: z.number().int().min(0).max(7 * 24 * 60),
  /** Who must sign in with a second factor (an authenticator app's code) as well as a password. */
  twoFactorRequired: z.enum(['nobody', 'admins', 'everyone']),
  /** Tokens count up per doctor per day, or across the clinic per day. */
  tokenNumbering: z.enum(['doctor', 'clinic']),
  /** A booked patient arriving up to this many minutes after their time still counts as on time. */
  lateGraceMinutes: z.number().int().min(0).max(240),
  /** Where a patient arriving later than that is placed: by arrival (as a walk-in), or still by their appointment time. */
  lateArrivalRule: z.enum(['arrival', 'appointment']),
  /** Admins may read visit notes, prescriptions and record files (off: only doctors can). */
  adminsSeeClinical: z.boolean()
}

/** Everything an admin can set. Stored one key per row; defaults fill what was never set. */
export const settingsSchema = z.object({
  ...settingRules,
  clinicAddress: settingRules.clinicAddress.prefault({}),
  clinicPhone: settingRules.clinicPhone.default(''),
  /** The letterhead's logo in the file store (set with settings.setLogo), or null. */
  clinicLogo: z.string().regex(/^[0-9a-f]{64}$/).nullable().default(null)
})
export type Settings = z.infer<typeof settingsSchema>

export const DEFAULT_SETTINGS: Omit<Settings, 'clinicName' | 'timeZone' | 'currency' | 'defaultCountry' | 'clinicLogo'> = {
  clinicAddress: { line: '', city: '', state: '', postalCode: '', country: '' },
  clinicPhone: '',
  patientNumberPrefix: 'P-',
  patientNumberDigits: 6,
  autoLogoutMinutes: 30,
  sessionHours: 12,
  bookingNoticeMinutes: 0,
  twoFactorRequired: 'nobody',
  tokenNumbering: 'doctor',
  lateGraceMinutes: 10,
  lateArrivalRule: 'arrival',
  adminsSeeClinical: false
}

/** Only the settings being changed: zod's .partial() would keep defaults and reset the rest. */
export const settingsUpdateSchema = z.object(settingRules).partial().strict()

export const settingsMethods = {
  'settings.get': method<Settings>()({ summary: 'The clinic settings', input: none, roles: ALL, writes: false }),
  'settings.update': method<Settings>()({ summary: 'Change some clinic settings', input: settingsUpdateSchema, roles: ADMIN, writes: true }),
  'settings.setLogo': method<Settings>()({
    summary: 'Set the logo printed on the clinic’s letterhead',
    input: z.object({ file: fileBytes(MAX_LOGO_BYTES) }).strict(),
    roles: ADMIN,
    writes: true,
    upload: { field: 'file', maxBytes: MAX_LOGO_BYTES }
  }),
  'settings.removeLogo': method<Settings>()({ summary: 'Remove the letterhead logo', input: none, roles: ADMIN, writes: true }),
  'settings.logo': method<FileOutput | null>()({ summary: 'The letterhead logo, or nothing', input: none, roles: ALL, writes: false, download: true })
}
