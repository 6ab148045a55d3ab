// Helpers for the core's tests: real SQLite files in temp folders, a clinic set up through the API.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ApiErrorBody, Role, SessionInfo, StaffUser } from '../../shared/api'
import { fixedClock } from './clock'
import { createCore, type Core, type CoreOptions } from './create-core'

export type TestClock = ReturnType<typeof fixedClock>

/** A fresh, empty folder for one test's data. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'docspot-'))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

export const CLINIC = {
  clinicName: 'Sunrise Family Clinic',
  clinicAddress: { line: '12 High Street', city: 'Leeds', state: 'West Yorkshire', postalCode: 'LS1 4AB', country: 'United Kingdom' },
  clinicPhone: '+44 113 496 0100',
  timeZone: 'Europe/London',
  currency: 'GBP',
  defaultCountry: 'GB'
}

export const ADMIN = { name: 'Asha Menon', email: 'asha@sunrise.example', password: 'correct horse battery' }

export interface TestCore {
  core: Core
  dataDir: string
  clock: TestClock
  /** Closes the core, then deletes its data folder. */
  close(): Promise<void>
}

/** A core over a new data folder, on a clock that only moves when the test moves it. */
export async function openTestCore(start = '2025-03-10T09:00:00.000Z', options: Pick<CoreOptions, 'readers' | 'log'> = {}): Promise<TestCore> {
  const dataDir = tempDir()
  const clock = fixedClock(start)
  // Jobs are run by hand in tests: a real-time schedule firing mid-test would add journal entries.
  const core = await createCore({ dataDir, clock, version: '1.2.3-test', log: () => {}, schedules: false, ...options })
  return {
    core,
    dataDir,
    clock,
    async close() {
      await core.close()
      removeDir(dataDir)
    }
  }
}

/** Calls a method that must succeed and returns its value; a failure throws with the API error. */
export async function call<T = unknown>(core: Core, method: string, input: unknown = {}, token?: string): Promise<T> {
  const result = await core.dispatch(method, input, { token })
  if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`)
  return result.value as T
}

/** Calls a method that must fail and returns its error. */
export async function callError(core: Core, method: string, input: unknown = {}, token?: string): Promise<ApiErrorBody> {
  const result = await core.dispatch(method, input, { token })
  if (result.ok) throw new Error(`${method} unexpectedly succeeded with ${JSON.stringify(result.value)}`)
  return result.error
}

/** First-run setup through the API; returns the signed-in admin's session token. */
export async function setUpClinic(core: Core): Promise<string> {
  const session = await call<SessionInfo>(core, 'setup.createClinic', { clinic: CLINIC, admin: ADMIN })
  if (!session.token) throw new Error('setup.createClinic returned no token')
  return session.token
}

export const STAFF: Record<Exclude<Role, 'admin'>, { name: string; email: string; password: string }> = {
  receptionist: { name: 'Ravi Kumar', email: 'ravi@sunrise.example', password: 'front desk password' },
  doctor: { name: 'Dr. Meera Iyer', email: 'meera@sunrise.example', password: 'consulting room 1' }
}

/** Creates a receptionist or doctor as the admin, signs them in, and returns their token. */
export async function addStaff(core: Core, adminToken: string, role: Exclude<Role, 'admin'>): Promise<{ user: StaffUser; token: string }> {
  const who = STAFF[role]
  const user = await call<StaffUser>(core, 'users.create', { ...who, role }, adminToken)
  const session = await call<SessionInfo>(core, 'auth.login', { email: who.email, password: who.password })
  return { user, token: session.token! }
}
