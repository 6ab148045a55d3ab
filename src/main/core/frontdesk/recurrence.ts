/**
 * Recurring appointments, expanded: the repeat options and the first appointment give the
 * dates and the clinic wall time of every occurrence. Pure: nothing is read or written.
 *
 * The rule runs in "floating" wall time, as rrule's documentation recommends: the clinic's wall
 * clock is read as if it were UTC, so the rule never sees a daylight-saving change and every
 * occurrence keeps the first one's wall time (09:30 stays 09:30 in winter and in summer). Each
 * wall date and time then becomes an instant in the clinic's zone, the way the slot engine
 * does it (see wallTimeToInstant).
 */
import { DateTime } from 'luxon'
import * as rrulePackage from 'rrule'
import { ApiError, type Repeat } from '../../../shared/api'
import { wallTimeToInstant } from '../schedule/slots'

// Node's own loader (the built app and the hub) reaches rrule's CommonJS bundle, whose names it
// finds only under `default`; Vitest and bundlers reach its ES module, where they are named.
const { RRule } = (rrulePackage as typeof rrulePackage & { default?: typeof rrulePackage }).default ?? rrulePackage

const FREQUENCY = { daily: RRule.DAILY, weekly: RRule.WEEKLY, monthly: RRule.MONTHLY }
/** ISO weekday n (1 = Monday) is at n - 1. */
const WEEKDAYS = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU]

export interface Occurrence {
  /** Clinic date and wall time. */
  date: string
  time: string
  /** The instant (ISO UTC); null when the wall time does not exist that day (the clocks skip it). */
  start: string | null
}

export interface Recurrence {
  /** RFC 5545 text with a floating DTSTART (clinic wall time, no zone): "DTSTART:20250310T093000\nRRULE:FREQ=WEEKLY;COUNT=8;BYDAY=MO". */
  rrule: string
  /** "Every week on Monday for 8 times". */
  description: string
  occurrences: Occurrence[]
}

/** A clinic wall time as a floating date (read as if UTC). */
const floating = (date: string, time: string) => new Date(`${date}T${time}Z`)
const dayText = (date: string) => DateTime.fromISO(date).toFormat('ccc d LLL yyyy')

/**
 * Every occurrence of a series whose first appointment starts at `firstStart`, in order, the first
 * included. Refuses, naming the field, a series that gives nothing, one whose first appointment
 * is not one of its own occurrences, and one running past a year after the first appointment.
 */
export function expandRepeat(repeat: Repeat, firstStart: string, timeZone: string): Recurrence {
  const first = DateTime.fromISO(firstStart, { zone: timeZone })
  if (!first.isValid) throw ApiError.field('start', 'is not a real date and time')
  const firstDate = first.toISODate()!
  const time = first.toFormat('HH:mm')
  const latest = first.plus({ years: 1 }).toISODate()!
  const weekly = repeat.frequency === 'weekly'

  if (!weekly && repeat.weekdays.length) throw ApiError.field('repeat.weekdays', 'are for a weekly repeat only')
  if (repeat.until !== undefined) {
    if (repeat.until < firstDate) throw ApiError.field('repeat.until', `must not be before the first appointment (${dayText(firstDate)})`)
    if (repeat.until > latest) throw ApiError.field('repeat.until', `must end within a year of the first appointment (by ${dayText(latest)})`)
  }

  const weekdays = weekly ? (repeat.weekdays.length ? [...new Set(repeat.weekdays)].sort((a, b) => a - b) : [first.weekday]) : []
  const rule = new RRule({
    freq: FREQUENCY[repeat.frequency],
    ...(repeat.interval > 1 ? { interval: repeat.interval } : {}),
    dtstart: floating(firstDate, time),
    ...(weekly ? { byweekday: weekdays.map((day) => WEEKDAYS[day - 1]) } : {}),
    // Named, though it is the default, so that the description says which day of the month.
    ...(repeat.frequency === 'monthly' ? { bymonthday: [first.day] } : {}),
    ...(repeat.count !== undefined ? { count: repeat.count } : { until: floating(repeat.until!, '23:59:59') })
  })
  const text = rule.toText()
  const description = text.charAt(0).toUpperCase() + text.slice(1)
  // At most 366 by count, or a year's worth by date: small enough to list at once.
  const dates = rule.all()

  if (dates.length === 0) {
    throw ApiError.field('repeat', `gives no appointments: ${text} has no date from ${dayText(firstDate)} to ${dayText(repeat.until ?? firstDate)}`)
  }
  // Only a weekly rule can miss its own start (by its weekdays): daily and monthly ones begin on it.
  if (dates[0].getTime() !== floating(firstDate, time).getTime()) {
    throw ApiError.field('repeat.weekdays', `must include the first appointment's weekday (${first.toFormat('cccc')}), or be left empty for it`)
  }
  const lastDate = dates[dates.length - 1].toISOString().slice(0, 10)
  if (lastDate > latest) {
    throw ApiError.field('repeat.count', `must end within a year of the first appointment (the last of ${dates.length} would be on ${dayText(lastDate)}; the latest allowed is ${dayText(latest)})`)
  }

  const occurrences = dates.map((wall, i): Occurrence => {
    const iso = wall.toISOString()
    const date = iso.slice(0, 10)
    // The first is the appointment asked for, to the instant (a wall time the clocks repeat has two).
    const start = i === 0 ? new Date(first.toMillis()).toISOString() : wallTimeToInstant(date, time, timeZone)
    return { date, time, start }
  })
  // Floating: the stored rule is in the clinic's wall time, so its DTSTART and UNTIL carry no "Z".
  return { rrule: rule.toString().replace(/(\d{8}T\d{6})Z/g, '$1'), description, occurrences }
}
