import { z } from 'zod'

export const ROLES = ['admin', 'receptionist', 'doctor'] as const
export type Role = (typeof ROLES)[number]
export const roleSchema = z.enum(ROLES)

export const idSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'must be a valid id')

/** Accepts any IANA name the runtime knows, old aliases included (ICU still lists Asia/Calcutta). */
/** Zones already found valid: asking Intl costs a tenth of a millisecond, and settings are checked on every call. */
const knownZones = new Set<string>()

export function isTimeZone(tz: string): boolean {
  if (knownZones.has(tz)) return true
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    knownZones.add(tz)
    return true
  } catch {
    return false
  }
}

export const timeZoneSchema = z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Kolkata or Europe/London')

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as INR or EUR')

export const countrySchema = z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as IN or GB')

export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email('must be a valid email address'))

export const passwordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(256, 'must be at most 256 characters')

// Control characters (a NUL, a line break) have no place in a name, and break exports and prints.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/
export const nameSchema = (max = 120) =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`)
    .refine((name) => !CONTROL.test(name), 'must not contain control characters')

export const addressSchema = z.object({
  line: z.string().trim().max(200).default(''),
  city: z.string().trim().max(100).default(''),
  state: z.string().trim().max(100).default(''),
  postalCode: z.string().trim().max(20).default(''),
  country: z.string().trim().max(100).default('')
})
export type Address = z.infer<typeof addressSchema>

export const pageSchema = z.object({
  limit: z.number().int().min(1).max(200).default(25),
  offset: z.number().int().min(0).default(0)
})
