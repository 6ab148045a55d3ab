/** Where the core learns the time. Tests pass a fixed or stepping clock. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

export function fixedClock(iso: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let t = new Date(iso).getTime()
  return {
    now: () => new Date(t),
    set: (next) => void (t = new Date(next).getTime()),
    advance: (ms) => void (t += ms)
  }
}
