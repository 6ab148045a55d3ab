import { createHash, randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import { api, isMethodName, type MethodSpec, type Role, type Settings } from '../../../shared/api'

/**
 * Two-factor sign-in with an authenticator app: TOTP (RFC 6238) with the settings every app
 * reads (SHA-1, 6 digits, 30 seconds). A code is accepted one step either side of the call's
 * time (clocks drift), and never twice: the step that signed in is remembered.
 */
const PERIOD = 30

const totp = (secret: string, label = '', issuer = 'DocSpot') => new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) })

/** A new random key (160 bits, base32: 32 characters). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

/** The otpauth:// URI an app scans: "DocSpot (Clinic)" and the person's email as its label. */
export function totpUri(secret: string, email: string, clinicName: string): string {
  return totp(secret, email, `DocSpot (${clinicName})`).toString()
}

/** The code an app shows at `now` (tests and the bench compute codes as the app would). */
export function totpCodeAt(secret: string, now: Date): string {
  return totp(secret).generate({ timestamp: now.getTime() })
}

/** The step a right, unused code belongs to; null for a wrong code or one already used. */
export function checkTotp(secret: string, code: string, now: Date, lastStep: number | null): number | null {
  const delta = totp(secret).validate({ token: code, timestamp: now.getTime(), window: 1 })
  if (delta === null) return null
  const step = Math.floor(now.getTime() / 1000 / PERIOD) + delta
  return lastStep !== null && step <= lastStep ? null : step
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

/** Ten one-time recovery codes ("abcd-2345", 40 random bits each) and their hashes to keep. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => {
    const bytes = randomBytes(8)
    const text = [...bytes].map((b) => ALPHABET[b % 32]).join('')
    return `${text.slice(0, 4)}-${text.slice(4)}`
  })
  return { codes, hashes: codes.map(hashRecoveryCode) }
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.toLowerCase().replace('-', '')).digest('hex')
}

/**
 * Whether the clinic's setting requires a second factor of this person: by their built-in role,
 * or, with one of the clinic's own roles, as an admin when it may do anything only admins may.
 */
export function twoFactorRequired(setting: Settings['twoFactorRequired'] | undefined, role: Role, permissions: readonly string[] | null = null): boolean {
  if (setting === 'everyone') return true
  if (setting !== 'admins') return false
  return role === 'admin' || !!permissions?.some((name) => isMethodName(name) && adminOnly(api[name] as MethodSpec))
}

const adminOnly = (spec: MethodSpec) => spec.roles !== 'public' && spec.roles.every((r) => r === 'admin' || r === 'system')
