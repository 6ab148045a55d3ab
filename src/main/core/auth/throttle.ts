/**
 * Slows password guessing: after MAX_FAILURES failed sign-ins for one email within
 * WINDOW, that email is refused until the window has passed. Kept in memory: a restart
 * forgets it, which is fine for a clinic's own PCs.
 */
const MAX_FAILURES = 5
const WINDOW_MS = 15 * 60_000

export class LoginThrottle {
  private failures = new Map<string, number[]>()

  /** Minutes to wait before this email may try again, or 0. */
  waitMinutes(email: string, now: Date): number {
    const recent = this.recent(email, now)
    if (recent.length < MAX_FAILURES) return 0
    return Math.ceil((recent[0] + WINDOW_MS - now.getTime()) / 60_000)
  }

  failed(email: string, now: Date): void {
    this.failures.set(email, [...this.recent(email, now), now.getTime()])
  }

  succeeded(email: string): void {
    this.failures.delete(email)
  }

  private recent(email: string, now: Date): number[] {
    return (this.failures.get(email) ?? []).filter((t) => now.getTime() - t < WINDOW_MS)
  }
}
