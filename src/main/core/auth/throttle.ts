/**
 * Slows password guessing, per email and per client address. An attempt is counted the
 * moment it starts, before the password is checked, so a burst of parallel guesses cannot
 * slip through while the first ones are still being verified. After MAX_FAILURES failures
 * within WINDOW, the key waits; each further failure doubles the wait, up to MAX_LOCK.
 * A success clears the email's count (not the address's: one PC guessing many emails stays
 * slowed). Given a file, the counts and the known PCs are kept in it after every change
 * (written whole, then renamed into place; readable by the service user only), so a restart
 * does not clear them. Attempts in flight are not kept: a restart ends them.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'

/** Kept in the data folder. */
export const SIGN_IN_LIMITS_FILE = 'sign-in-limits.json'

const MAX_FAILURES = 5
const WINDOW_MS = 15 * 60_000
const FIRST_LOCK_MS = 60_000
const MAX_LOCK_MS = 60 * 60_000
/** A PC may try more emails than one person may try passwords. */
const ADDRESS_FACTOR = 4

interface Counter {
  failures: number[]
  inFlight: number
  lockedUntil: number
}

interface Saved {
  counters: Record<string, { failures: number[]; lockedUntil: number }>
  devices: Record<string, string[]>
  /** Per email: when wrong second-factor codes were given (the last day's). */
  codes?: Record<string, number[]>
}

/**
 * Wrong authenticator codes are capped per account, not just slowed: someone who has the
 * password could otherwise keep guessing a few codes an hour for months. After this many in a
 * day, codes are refused for the account until the day has passed or an admin resets its
 * second factor.
 */
const MAX_CODE_FAILURES = 10
const CODE_WINDOW_MS = 24 * 60 * 60_000

export class LoginThrottle {
  private counters = new Map<string, Counter>()
  /** Per email: hashes of the keys of PCs where that person signed in before. */
  private knownDevices = new Map<string, Set<string>>()
  private codeFailures = new Map<string, number[]>()

  constructor(private readonly file: string | null = null) {
    if (!file) return
    let saved: Saved
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Saved
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      // A damaged file must not open the door: start again, and say so.
      console.error(`DocSpot: the sign-in limits in ${file} could not be read (${(error as Error).message}); starting them afresh`)
      return
    }
    for (const [key, c] of Object.entries(saved.counters ?? {})) this.counters.set(key, { failures: c.failures ?? [], lockedUntil: c.lockedUntil ?? 0, inFlight: 0 })
    for (const [email, hashes] of Object.entries(saved.devices ?? {})) this.knownDevices.set(email, new Set(hashes))
    for (const [email, times] of Object.entries(saved.codes ?? {})) this.codeFailures.set(email, times)
  }

  /** Whether this PC has signed this email in before: its owner keeps signing in while an attacker is slowed. */
  isKnownDevice(email: string, keyHash: string | null): boolean {
    return keyHash !== null && (this.knownDevices.get(email)?.has(keyHash) ?? false)
  }

  rememberDevice(email: string, keyHash: string, now: Date): void {
    let set = this.knownDevices.get(email)
    if (!set) this.knownDevices.set(email, (set = new Set()))
    if (set.has(keyHash)) return
    set.add(keyHash)
    this.save(now.getTime())
  }

  /**
   * Starts an attempt for this email from this address, or says how many minutes to wait.
   * Call `finish` with the outcome once the password has been checked: true clears the email's
   * count, false counts a failure, null neither (a right password still waiting for its code).
   */
  begin(email: string, address: string | null, now: Date, knownDevice = false): { wait: number } | { finish(ok: boolean | null): void } {
    // From a PC this person signed in on before, the email's own count does not apply.
    const keys: Array<[string, number]> = knownDevice ? [] : [[`email:${email}`, MAX_FAILURES]]
    if (address) keys.push([`address:${address}`, MAX_FAILURES * ADDRESS_FACTOR])
    let wait = 0
    for (const [key, limit] of keys) {
      const c = this.counter(key, now)
      if (c.lockedUntil > now.getTime()) wait = Math.max(wait, c.lockedUntil - now.getTime())
      // Once a lock has passed, one guess at a time is checked; before any lock, up to the limit.
      else if (c.lockedUntil > 0 ? c.inFlight > 0 : c.failures.length + c.inFlight >= limit) wait = Math.max(wait, FIRST_LOCK_MS)
    }
    if (wait > 0) return { wait: Math.ceil(wait / 60_000) }
    for (const [key] of keys) this.counter(key, now).inFlight++
    return {
      finish: (ok: boolean | null) => {
        for (const [key, limit] of keys) {
          const c = this.counter(key, now)
          c.inFlight--
          if (ok === null) continue
          if (ok) {
            if (key.startsWith('email:')) this.counters.delete(key)
            continue
          }
          c.failures.push(now.getTime())
          const over = c.failures.length - limit
          if (over >= 0) c.lockedUntil = now.getTime() + Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** over)
        }
        this.save(now.getTime())
      }
    }
  }

  /** Whether this account takes no more codes today (too many wrong ones). */
  codesLocked(email: string, now: Date): boolean {
    return (this.codeFailures.get(email) ?? []).filter((t) => now.getTime() - t < CODE_WINDOW_MS).length >= MAX_CODE_FAILURES
  }

  /** A wrong code (true), or a right one, which clears the count (false). */
  codeResult(email: string, wrong: boolean, now: Date): void {
    if (wrong) this.codeFailures.set(email, [...(this.codeFailures.get(email) ?? []), now.getTime()])
    else if (!this.codeFailures.delete(email)) return
    this.save(now.getTime())
  }

  /** An admin reset the account's second factor: its code count starts again. */
  clearCodes(email: string, now: Date): void {
    if (this.codeFailures.delete(email)) this.save(now.getTime())
  }

  private save(now: number): void {
    if (!this.file) return
    const saved: Saved = { counters: {}, devices: {} }
    for (const [key, c] of this.counters) {
      // Counts with nothing left to remember are dropped, so the file stays small.
      const failures = c.failures.filter((t) => now - t < WINDOW_MS)
      if (!failures.length && c.lockedUntil <= now && c.inFlight === 0) {
        this.counters.delete(key)
        continue
      }
      saved.counters[key] = { failures, lockedUntil: c.lockedUntil }
    }
    for (const [email, set] of this.knownDevices) saved.devices[email] = [...set]
    saved.codes = {}
    for (const [email, times] of this.codeFailures) {
      const recent = times.filter((t) => now - t < CODE_WINDOW_MS)
      if (recent.length) saved.codes[email] = recent
      else this.codeFailures.delete(email)
    }
    writeFileSync(`${this.file}.tmp`, JSON.stringify(saved), { mode: 0o600 })
    renameSync(`${this.file}.tmp`, this.file)
  }

  private counter(key: string, now: Date): Counter {
    let c = this.counters.get(key)
    if (!c) this.counters.set(key, (c = { failures: [], inFlight: 0, lockedUntil: 0 }))
    c.failures = c.failures.filter((t) => now.getTime() - t < WINDOW_MS)
    return c
  }
}
