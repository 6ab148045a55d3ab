/**
 * The slot engine: which appointment start times are free, for which doctors, between two
 * clinic dates. Pure: everything comes in the query (the time too, as `query.now`), nothing is
 * read or written, so the same query always gives the same slots.
 *
 * Times. Sessions and exceptions are in clinic wall time ("09:00" on "2025-03-30"); busy
 * intervals, `now` and the slots' start/end are instants (ISO-8601 UTC). A wall time becomes an
 * instant in `timeZone` like this (see `resolveWallTime`):
 * - it exists once: that instant;
 * - it exists twice (the repeated hour when the clocks go back): the EARLIER instant, the first
 *   time the clock shows it. Luxon's DateTime.fromObject is not used for this, because for a
 *   repeated wall time it picks the offset that is in force at the machine's current time
 *   (Settings.now()), so the same query would give different answers in summer and in winter;
 * - it does not exist (inside the gap when the clocks go forward): `wallTimeToInstant` returns
 *   null; a working window, leave or holiday that starts or ends in the gap starts or ends at the
 *   first instant after the gap (the moment the clocks change), NOT at luxon's shifted time
 *   (fromObject turns 01:30 into 02:30 when 01:00-02:00 is skipped). So a 01:30-03:00 session on
 *   that night runs 02:00-03:00 (new time), and no slot is ever listed at a wall time that does
 *   not exist.
 * Slot starts step from a window's start instant in real elapsed minutes, so across a change
 * the wall times jump (00:00, 00:30, 02:00, 02:30 over a skipped hour) or repeat (01:00, 01:30,
 * 01:00, 01:30 over a repeated hour, as different instants), and each instant is listed once.
 *
 * Decisions beyond the rules:
 * - "24:00" is accepted as an end time (midnight at the end of the date). A window whose end is
 *   not after its start (overnight sessions) gives no slots.
 * - Leave and holidays cut time out of a window but keep the window's slot grid: with a 09:00
 *   session of 15-minute slots and leave until 10:50, the next slot is 11:00, not 10:50.
 *   A visit must end by the start of the leave (the buffer is not applied to leave, as it is not
 *   applied to the window's end). A leave/holiday with only one of start/end null runs from the
 *   start of the day / to the end of the day. Any exception with doctorId null (holiday or
 *   leave) closes the whole clinic; an extra session with doctorId null is ignored, as is one
 *   without a start or end.
 * - An extra session without slotMinutes steps by the visit's duration (back-to-back visits).
 * - Where two windows of a doctor give the same start, the first window wins (weekly sessions
 *   in input order, then extra sessions in input order) and gives the slot its room.
 * - Malformed input (unknown time zone, bad date or time text, slot or visit length under one
 *   minute) throws a RangeError: it is a bug or bad data upstream, not an empty schedule.
 */
import { DateTime, IANAZone } from 'luxon'
import type { AvailabilityException, Slot, SlotQuery, WeeklySession } from './slot-types'

const MINUTE = 60_000
const DAY = 86_400_000

// ---------------------------------------------------------------------------------------------
// Civil dates and wall times (no zone): epoch milliseconds of the wall clock read as if UTC.

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME_RE = /^(\d{2}):(\d{2})$/

/** "2025-03-30" -> milliseconds of its midnight, read as UTC (a zone-free day number * DAY). */
function parseDate(date: string): number {
  const m = DATE_RE.exec(date)
  if (m) {
    const year = Number(m[1])
    const month = Number(m[2])
    const day = Number(m[3])
    const ms = Date.UTC(year, month - 1, day)
    const back = new Date(ms)
    if (back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day) return ms
  }
  throw new RangeError(`Not a date (YYYY-MM-DD): ${JSON.stringify(date)}`)
}

/** "09:30" -> 570 minutes after midnight; "24:00" -> 1440. */
function parseTime(time: string): number {
  const m = TIME_RE.exec(time)
  if (m) {
    const hour = Number(m[1])
    const minute = Number(m[2])
    if ((hour < 24 && minute < 60) || (hour === 24 && minute === 0)) return hour * 60 + minute
  }
  throw new RangeError(`Not a time (HH:MM): ${JSON.stringify(time)}`)
}

function formatDate(dayMs: number): string {
  return new Date(dayMs).toISOString().slice(0, 10)
}

/** ISO weekday of a civil date: 1 = Monday … 7 = Sunday. */
function isoWeekday(dayMs: number): number {
  return new Date(dayMs).getUTCDay() || 7
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

const UTC_ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/

/** Instants: ISO-8601 text; with an offset ("+05:30") it is honoured, without one it is UTC. */
function parseInstant(instant: string): number {
  // The common case ("2025-03-30T08:00:00.000Z", as stored) without luxon's parser, for speed.
  const ms = UTC_ISO_RE.test(instant) ? Date.parse(instant) : DateTime.fromISO(instant, { zone: 'utc' }).toMillis()
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO instant: ${JSON.stringify(instant)}`)
  return ms
}

function toIso(ms: number): string {
  return new Date(ms).toISOString()
}

// ---------------------------------------------------------------------------------------------
// The zone: offsets come from luxon's IANAZone (the Intl time-zone database), nothing else.

const HOUR = 3_600_000

/** Offsets per UTC hour, per zone, for the whole process (see Zone). */
const ZONE_HOURS = new Map<string, Map<number, number | null>>()

/**
 * A time zone's offsets, from luxon's IANAZone (the Intl time-zone database). Asking Intl is slow
 * (microseconds a call, and a query may ask tens of thousands of times), so offsets are kept per
 * UTC hour: when the offset is the same at both ends of an hour, it is that all through the hour
 * (no zone changes twice within an hour); an hour with a change in it is asked instant by instant.
 */
class Zone {
  private readonly zone: IANAZone
  private readonly hours: Map<number, number | null>

  constructor(timeZone: string) {
    this.zone = IANAZone.create(timeZone)
    if (!this.zone.isValid) throw new RangeError(`Unknown time zone: ${JSON.stringify(timeZone)}`)
    // A zone's offsets do not change while the process runs: every query shares what was asked.
    let hours = ZONE_HOURS.get(timeZone)
    if (!hours || hours.size > 200_000) ZONE_HOURS.set(timeZone, (hours = new Map()))
    this.hours = hours
  }

  /** Offset from UTC, in milliseconds, at an instant. */
  offset(ms: number): number {
    const hour = Math.floor(ms / HOUR)
    let known = this.hours.get(hour)
    if (known === undefined) {
      const first = this.zone.offset(hour * HOUR)
      known = first === this.zone.offset(hour * HOUR + HOUR - 1) ? first * MINUTE : null
      this.hours.set(hour, known)
    }
    return known ?? this.zone.offset(ms) * MINUTE
  }

  /** The wall clock (as if UTC) at an instant. */
  wallAt(ms: number): number {
    return ms + this.offset(ms)
  }
}

interface Resolved {
  /** The instant: the wall time's (earlier) instant, or, in a gap, the first instant after it. */
  ms: number
  /** False when the wall time does not exist (it is in a gap). */
  exists: boolean
}

/**
 * A wall time (as if UTC) -> an instant in the zone. The offsets a day either side bound the ones
 * that can apply (zones change at most once in a couple of days); a candidate is valid when the
 * zone really has that offset at it. Two valid: a repeated wall time, take the earlier. None: a
 * gap; the first instant after it is the first whose wall clock is past the wanted time, found by
 * bisection between the two candidates (the gap is at most a few hours).
 */
function resolveWallTime(zone: Zone, wall: number): Resolved {
  const offsets = new Set([zone.offset(wall - DAY), zone.offset(wall), zone.offset(wall + DAY)])
  let best: number | null = null
  for (const offset of offsets) {
    const candidate = wall - offset
    if (zone.offset(candidate) === offset && (best === null || candidate < best)) best = candidate
  }
  if (best !== null) return { ms: best, exists: true }

  // In a gap: the wall clock at lo is before `wall`, at hi it is after it.
  let lo = wall - Math.max(...offsets)
  let hi = wall - Math.min(...offsets)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (zone.wallAt(mid) > wall) hi = mid
    else lo = mid
  }
  return { ms: hi, exists: false }
}

/** Memoised per query: many doctors share session times, and each resolution asks the zone a few times. */
class WallClock {
  private readonly cache = new Map<number, Resolved>()
  private readonly dates = new Map<number, string>()
  constructor(readonly zone: Zone) {}

  resolve(dayMs: number, minutes: number): Resolved {
    const wall = dayMs + minutes * MINUTE
    let hit = this.cache.get(wall)
    if (!hit) {
      hit = resolveWallTime(this.zone, wall)
      this.cache.set(wall, hit)
    }
    return hit
  }

  /** The clinic date (YYYY-MM-DD) an instant falls on. */
  dateAt(ms: number): string {
    const wall = this.zone.wallAt(ms)
    const day = wall - (((wall % DAY) + DAY) % DAY)
    let text = this.dates.get(day)
    if (text === undefined) this.dates.set(day, (text = formatDate(day)))
    return text
  }

  /** The instant a window/leave boundary means: a wall time in a gap moves to the gap's end. */
  instant(dayMs: number, minutes: number): number {
    return this.resolve(dayMs, minutes).ms
  }
}

// ---------------------------------------------------------------------------------------------
// Exported helpers (the booking code reuses them).

/**
 * The instant (ISO UTC) a clinic wall time means: `wallTimeToInstant('2025-03-30', '09:00',
 * 'Europe/London')` is '2025-03-30T08:00:00.000Z'. Null when the wall time does not exist that
 * day (the clocks skip it); a wall time that happens twice gives its earlier instant. "24:00" is
 * midnight at the end of the date. Throws a RangeError on a bad date, time or zone.
 */
export function wallTimeToInstant(date: string, time: string, timeZone: string): string | null {
  const resolved = resolveWallTime(new Zone(timeZone), parseDate(date) + parseTime(time) * MINUTE)
  return resolved.exists ? toIso(resolved.ms) : null
}

/** Whole days from one clinic date to another ("2025-03-01" to "2025-03-03" is 2), by the calendar, not by any clock. */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseDate(to) - parseDate(from)) / DAY)
}

/**
 * `count` clinic dates from `from` with their ISO weekday (1 = Monday) and the instants (ms)
 * they start and end at: a day is 23 or 25 hours long when the clocks change in it.
 */
export function clinicDays(from: string, count: number, timeZone: string): Array<{ date: string; weekday: number; start: number; end: number }> {
  const zone = new Zone(timeZone)
  const first = parseDate(from)
  const starts = Array.from({ length: count + 1 }, (_, i) => resolveWallTime(zone, first + i * DAY).ms)
  return starts.slice(0, count).map((start, i) => ({ date: formatDate(first + i * DAY), weekday: isoWeekday(first + i * DAY), start, end: starts[i + 1] }))
}

/** Minutes after the clinic's midnight (by its wall clock, in `timeZone`) at an instant (ms). */
export function clinicMinuteOf(ms: number, timeZone: string): number {
  const wall = new Zone(timeZone).wallAt(ms)
  return Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE)
}

/** The clinic date (YYYY-MM-DD, in `timeZone`) an instant falls on. */
export function clinicDateOf(instant: string, timeZone: string): string {
  return formatDate(new Zone(timeZone).wallAt(parseInstant(instant)))
}

// ---------------------------------------------------------------------------------------------
// The engine.

interface Window {
  start: number
  end: number
  step: number
  roomId: string | null
}

interface Block {
  start: number
  end: number
}

/** Busy time of one doctor as sorted, disjoint, half-open intervals (touching ones merged). */
function mergeBusy(intervals: Block[]): Block[] {
  intervals.sort((a, b) => a.start - b.start)
  const merged: Block[] = []
  for (const interval of intervals) {
    if (interval.end <= interval.start) continue
    const last = merged[merged.length - 1]
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end)
    else merged.push({ ...interval })
  }
  return merged
}

/** Index of the first interval ending after `ms` (intervals sorted and disjoint). */
function firstEndingAfter(intervals: Block[], ms: number): number {
  let lo = 0
  let hi = intervals.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (intervals[mid].end > ms) hi = mid
    else lo = mid + 1
  }
  return lo
}

function checkMinutes(value: number, what: string, min: number): void {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`${what} must be a number >= ${min}, got ${value}`)
}

/**
 * A doctor's working windows on one clinic date (weekly sessions in force, then extra
 * sessions), the leave and holiday time cut out of them, and whether the whole day is closed.
 * `day` is the date's midnight as if UTC; an extra session without a slot length steps by
 * `defaultStepMinutes`.
 */
function doctorDay(
  clock: WallClock,
  day: number,
  date: string,
  sessions: WeeklySession[],
  exceptions: AvailabilityException[],
  doctorId: string,
  defaultStepMinutes: number
): { windows: Window[]; blocks: Block[]; closed: boolean } {
  const windows: Window[] = []
  const blocks: Block[] = []
  let closed = false
  for (const session of sessions) {
    if (session.effectiveFrom !== null && date < session.effectiveFrom) continue
    if (session.effectiveTo !== null && date > session.effectiveTo) continue
    windows.push({
      start: clock.instant(day, parseTime(session.start)),
      end: clock.instant(day, parseTime(session.end)),
      step: session.slotMinutes * MINUTE,
      roomId: session.roomId
    })
  }
  for (const exception of exceptions) {
    if (exception.kind === 'extra') {
      if (exception.doctorId !== doctorId || exception.start === null || exception.end === null) continue
      const slotMinutes = exception.slotMinutes ?? defaultStepMinutes
      checkMinutes(slotMinutes, `Exception ${exception.id}: slotMinutes`, 1)
      windows.push({
        start: clock.instant(day, parseTime(exception.start)),
        end: clock.instant(day, parseTime(exception.end)),
        step: slotMinutes * MINUTE,
        roomId: exception.roomId
      })
    } else if (exception.doctorId === null || exception.doctorId === doctorId) {
      // leave or holiday, this doctor's or the whole clinic's
      if (exception.start === null && exception.end === null) closed = true
      else {
        blocks.push({
          start: clock.instant(day, exception.start === null ? 0 : parseTime(exception.start)),
          end: clock.instant(day, exception.end === null ? 24 * 60 : parseTime(exception.end))
        })
      }
    }
  }
  return { windows, blocks, closed }
}

/** When each doctor works on each clinic date, in wall time ("09:00"–"13:00"): windows joined where they touch or overlap, leave and holidays cut out. */
export function workingWindows(query: {
  timeZone: string
  from: string
  to: string
  doctorIds: string[]
  sessions: WeeklySession[]
  exceptions: AvailabilityException[]
}): Array<{ doctorId: string; date: string; start: string; end: string }> {
  const clock = new WallClock(new Zone(query.timeZone))
  const wallTime = (ms: number) => {
    const wall = clock.zone.wallAt(ms)
    const minuteOfDay = Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE)
    return `${pad2(Math.floor(minuteOfDay / 60))}:${pad2(minuteOfDay % 60)}`
  }
  const out: Array<{ doctorId: string; date: string; start: string; end: string }> = []
  for (let day = parseDate(query.from); day <= parseDate(query.to); day += DAY) {
    const date = formatDate(day)
    const weekday = isoWeekday(day)
    const exceptions = query.exceptions.filter((e) => e.date === date)
    for (const doctorId of query.doctorIds) {
      const sessions = query.sessions.filter((s) => s.doctorId === doctorId && s.weekday === weekday)
      const { windows, blocks, closed } = doctorDay(clock, day, date, sessions, exceptions, doctorId, 5)
      if (closed) continue
      // Cut the blocks out, then join what touches or overlaps.
      let pieces: Block[] = windows.filter((w) => w.end > w.start).map((w) => ({ start: w.start, end: w.end }))
      for (const block of blocks) {
        pieces = pieces.flatMap((p) =>
          block.end <= p.start || block.start >= p.end
            ? [p]
            : [...(block.start > p.start ? [{ start: p.start, end: block.start }] : []), ...(block.end < p.end ? [{ start: block.end, end: p.end }] : [])]
        )
      }
      for (const piece of mergeBusy(pieces)) out.push({ doctorId, date, start: wallTime(piece.start), end: wallTime(piece.end) })
    }
  }
  return out
}

/**
 * The free appointment slots for the query, sorted by start instant and then by the doctor's
 * place in `query.doctors`, at most `query.limit` of them. See the rules at the top of the file.
 */
export function freeSlots(query: SlotQuery): Slot[] {
  const clock = new WallClock(new Zone(query.timeZone))
  const fromDay = parseDate(query.from)
  const toDay = parseDate(query.to)
  checkMinutes(query.durationMinutes, 'durationMinutes', 1)
  checkMinutes(query.bufferMinutes, 'bufferMinutes', 0)
  checkMinutes(query.noticeMinutes, 'noticeMinutes', 0)
  const limit = query.limit ?? Infinity
  if (limit <= 0 || fromDay > toDay || query.doctors.length === 0) return []

  const duration = query.durationMinutes * MINUTE
  const occupied = duration + query.bufferMinutes * MINUTE
  const earliestStart = parseInstant(query.now) + query.noticeMinutes * MINUTE

  const doctorIndex = new Map(query.doctors.map((doctor, index) => [doctor.id, index]))

  // Weekly sessions per doctor and weekday, in input order.
  const sessionsByDoctor = new Map<string, WeeklySession[][]>()
  for (const session of query.sessions) {
    if (!doctorIndex.has(session.doctorId)) continue
    if (!Number.isInteger(session.weekday) || session.weekday < 1 || session.weekday > 7) {
      throw new RangeError(`Session ${session.id}: weekday must be 1-7, got ${session.weekday}`)
    }
    checkMinutes(session.slotMinutes, `Session ${session.id}: slotMinutes`, 1)
    let byWeekday = sessionsByDoctor.get(session.doctorId)
    if (!byWeekday) sessionsByDoctor.set(session.doctorId, (byWeekday = [[], [], [], [], [], [], [], []]))
    byWeekday[session.weekday].push(session)
  }

  // Exceptions per date (only the dates asked for), in input order.
  const exceptionsByDate = new Map<string, AvailabilityException[]>()
  for (const exception of query.exceptions) {
    if (exception.date < query.from || exception.date > query.to) continue
    if (exception.doctorId !== null && !doctorIndex.has(exception.doctorId)) continue
    const list = exceptionsByDate.get(exception.date)
    if (list) list.push(exception)
    else exceptionsByDate.set(exception.date, [exception])
  }

  // Busy time per doctor, merged once; appointments counting towards the cap per doctor and date.
  const busyRaw = new Map<string, Block[]>()
  const counted = new Map<string, Map<string, number>>()
  for (const busy of query.busy) {
    const index = doctorIndex.get(busy.doctorId)
    if (index === undefined) continue
    const block = { start: parseInstant(busy.start), end: parseInstant(busy.end) }
    const list = busyRaw.get(busy.doctorId)
    if (list) list.push(block)
    else busyRaw.set(busy.doctorId, [block])
    if (busy.counts && query.doctors[index].dailyCap !== null) {
      const date = clock.dateAt(block.start)
      let perDate = counted.get(busy.doctorId)
      if (!perDate) counted.set(busy.doctorId, (perDate = new Map()))
      perDate.set(date, (perDate.get(date) ?? 0) + 1)
    }
  }
  const busyByDoctor = new Map<string, Block[]>()
  for (const [doctorId, list] of busyRaw) busyByDoctor.set(doctorId, mergeBusy(list))

  const out: Array<{ slot: Slot; ms: number; doctor: number }> = []
  for (let day = fromDay; day <= toDay; day += DAY) {
    const dayEnd = clock.instant(day + DAY, 0)
    if (dayEnd <= earliestStart) continue // all of it is before the notice period ends
    const date = formatDate(day)
    const weekday = isoWeekday(day)
    const exceptions = exceptionsByDate.get(date) ?? []
    const daySlots: typeof out = []

    query.doctors.forEach((doctor, doctorNumber) => {
      if (doctor.dailyCap !== null && (counted.get(doctor.id)?.get(date) ?? 0) >= doctor.dailyCap) return

      const { windows, blocks, closed } = doctorDay(clock, day, date, sessionsByDoctor.get(doctor.id)?.[weekday] ?? [], exceptions, doctor.id, query.durationMinutes)
      if (closed || windows.length === 0) return

      const busy = busyByDoctor.get(doctor.id) ?? []
      const seen = new Set<number>()
      for (const window of windows) {
        // First grid point at or after the notice limit, so a far-away `now` skips ahead.
        let start = window.start
        if (start < earliestStart) start += Math.ceil((earliestStart - start) / window.step) * window.step
        let next = firstEndingAfter(busy, start)
        for (; start + duration <= window.end; start += window.step) {
          if (seen.has(start)) continue
          const end = start + duration
          if (blocks.some((block) => block.start < end && start < block.end)) continue
          const taken = start + occupied
          while (next < busy.length && busy[next].end <= start) next++
          if (next < busy.length && busy[next].start < taken) continue
          seen.add(start)
          const wall = clock.zone.wallAt(start)
          const minuteOfDay = Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE)
          daySlots.push({
            ms: start,
            doctor: doctorNumber,
            slot: {
              doctorId: doctor.id,
              start: toIso(start),
              end: toIso(end),
              roomId: window.roomId,
              date: clock.dateAt(start),
              time: `${pad2(Math.floor(minuteOfDay / 60))}:${pad2(minuteOfDay % 60)}`
            }
          })
        }
      }
    })

    daySlots.sort((a, b) => a.ms - b.ms || a.doctor - b.doctor)
    for (const entry of daySlots) out.push(entry)
    // Every slot of a later date starts at or after this date's end (its windows lie between
    // its 00:00 and 24:00), so once `limit` slots are in hand, no later date can displace them.
    if (out.length >= limit) break
  }

  // The dates come in time order, so this is already sorted; it is cheap and keeps it exact.
  out.sort((a, b) => a.ms - b.ms || a.doctor - b.doctor)
  return (Number.isFinite(limit) ? out.slice(0, limit) : out).map((entry) => entry.slot)
}
