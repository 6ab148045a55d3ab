import type { ExceptionView, WeeklySessionView } from '../../../shared/api'

/**
 * The slot engine's inputs and outputs: plain rows, no database, so it can be tested alone
 * and reused by sync. Wall times ("09:00") and dates ("2025-03-30") are the clinic's;
 * instants are ISO-8601 UTC strings.
 */

/** A doctor's weekly session: on `weekday` (1 = Monday … 7 = Sunday), from `start` to `end`, wall time; effective dates inclusive, null = open-ended. */
export type WeeklySession = WeeklySessionView & { doctorId: string }

/** Leave, a holiday (doctorId null: the whole clinic) or an extra session on a clinic date; no times = the whole day. */
export type AvailabilityException = Omit<ExceptionView, 'note'>

/** Time a doctor is already taken: an appointment (not cancelled or no-show), its buffer included in `end`. */
export interface BusyInterval {
  doctorId: string
  start: string
  end: string
  /** Counts towards the daily cap (a booked appointment does; a blocked time would not). */
  counts: boolean
}

export interface SlotDoctor {
  id: string
  /** Most appointments a day; null = no cap. */
  dailyCap: number | null
}

export interface SlotQuery {
  timeZone: string
  /** First and last clinic dates to list (inclusive). */
  from: string
  to: string
  /** The instant "now": nothing starts before now + noticeMinutes. */
  now: string
  noticeMinutes: number
  /** How long the visit takes, and the buffer kept free after it (minutes). */
  durationMinutes: number
  bufferMinutes: number
  doctors: SlotDoctor[]
  sessions: WeeklySession[]
  exceptions: AvailabilityException[]
  busy: BusyInterval[]
  /** Stop after this many slots (for "next free slot"). */
  limit?: number
}

export interface Slot {
  doctorId: string
  /** Instants, UTC. */
  start: string
  end: string
  roomId: string | null
  /** The clinic date and wall time it starts at, for display and grouping. */
  date: string
  time: string
}
