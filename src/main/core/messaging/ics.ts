import { DateTime, IANAZone } from 'luxon'

/** An appointment as a calendar invitation (RFC 5545), or its cancellation. */
export interface InviteInput {
  /** Stable for the appointment: the same UID updates or cancels the same event in the patient's calendar. */
  uid: string
  /** Goes up with each change (the appointment's version). */
  sequence: number
  method: 'REQUEST' | 'CANCEL'
  /** Instants (ISO, UTC). */
  start: string
  end: string
  /** The clinic's IANA zone: DTSTART/DTEND are written in it, with its VTIMEZONE. */
  timeZone: string
  summary: string
  description: string
  location: string
  organizer: { name: string; email: string }
  attendee: { name: string; email: string }
  /** DTSTAMP. */
  now: Date
}

/**
 * The invitation as an iCalendar text: CRLF line endings, lines folded at 75 octets, the event's
 * times written on the clinic's wall clock with a VTIMEZONE that says what that clock was in the
 * event's year, so a calendar in another zone still shows the right instant.
 */
export function appointmentIcs(input: InviteInput): string {
  const start = instant(input.start, input.timeZone, 'start')
  const end = instant(input.end, input.timeZone, 'end')
  const lines = [
    'BEGIN:VCALENDAR',
    'PRODID:-//DocSpot//Appointments//EN',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    `METHOD:${input.method}`,
    ...vtimezone(input.timeZone, start.year, end.year),
    'BEGIN:VEVENT',
    `UID:${text(input.uid)}`,
    `SEQUENCE:${input.sequence}`,
    `DTSTAMP:${DateTime.fromJSDate(input.now, { zone: 'utc' }).toFormat(UTC_FORMAT)}`,
    `DTSTART;TZID=${input.timeZone}:${start.toFormat(LOCAL_FORMAT)}`,
    `DTEND;TZID=${input.timeZone}:${end.toFormat(LOCAL_FORMAT)}`,
    `SUMMARY:${text(input.summary)}`,
    `DESCRIPTION:${text(input.description)}`,
    `LOCATION:${text(input.location)}`,
    `ORGANIZER;CN=${param(input.organizer.name)}:mailto:${input.organizer.email}`,
    `ATTENDEE;CN=${param(input.attendee.name)};ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:${input.attendee.email}`,
    `STATUS:${input.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR'
  ]
  return lines.map(fold).join('')
}

const LOCAL_FORMAT = "yyyyMMdd'T'HHmmss"
const UTC_FORMAT = "yyyyMMdd'T'HHmmss'Z'"

function instant(iso: string, zone: string, field: string): DateTime {
  const at = DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone)
  if (!at.isValid) throw new Error(`Calendar invitation: ${field} "${iso}" in zone "${zone}" is not a valid time (${at.invalidExplanation ?? at.invalidReason})`)
  return at
}

interface Transition {
  /** The first instant on the new offset. */
  at: DateTime
  from: number
  to: number
}

const DAY_MS = 24 * 60 * 60 * 1000
const MINUTE_MS = 60 * 1000

/**
 * The zone's offset changes from a year before `fromYear` to the end of `toYear`: a day at a time,
 * then to the minute by halving the day in which the offset changed.
 */
function transitions(zone: string, fromYear: number, toYear: number): Transition[] {
  const iana = IANAZone.create(zone)
  const offsetAt = (ms: number) => iana.offset(ms)
  const found: Transition[] = []
  const stop = DateTime.fromObject({ year: toYear + 1 }, { zone }).toMillis()
  let ms = DateTime.fromObject({ year: fromYear - 1 }, { zone }).toMillis()
  let offset = offsetAt(ms)
  while (ms < stop) {
    const next = Math.min(ms + DAY_MS, stop)
    const nextOffset = offsetAt(next)
    if (nextOffset !== offset) {
      // The offset is `offset` at lo and `nextOffset` at hi.
      let lo = ms
      let hi = next
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.max(MINUTE_MS, Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS)
        if (offsetAt(mid) === offset) lo = mid
        else hi = mid
      }
      found.push({ at: DateTime.fromMillis(hi, { zone }), from: offset, to: nextOffset })
    }
    ms = next
    offset = nextOffset
  }
  return found
}

/**
 * The zone's VTIMEZONE for the event's year(s): each offset change in those years as a STANDARD
 * or DAYLIGHT observance, plus the last change before them (the rules in force on 1 January).
 * A zone whose offset did not change in that time gets one STANDARD observance.
 */
function vtimezone(zone: string, fromYear: number, toYear: number): string[] {
  const key = `${zone} ${fromYear} ${toYear}`
  const known = vtimezones.get(key)
  if (known) return known
  const lines = buildVtimezone(zone, fromYear, toYear)
  vtimezones.set(key, lines)
  return lines
}

/** Zone and years → VTIMEZONE lines: the scan takes a few milliseconds, and the outbox writes many invitations. */
const vtimezones = new Map<string, string[]>()

function buildVtimezone(zone: string, fromYear: number, toYear: number): string[] {
  const all = transitions(zone, fromYear, toYear)
  const before = all.filter((t) => t.at.year < fromYear).at(-1)
  const observed = [...(before ? [before] : []), ...all.filter((t) => t.at.year >= fromYear)]
  const blocks = observed.flatMap((t) => {
    const type = t.at.isInDST ? 'DAYLIGHT' : 'STANDARD'
    // An observance's DTSTART is the wall time just before the change, on the old offset.
    const wall = DateTime.fromMillis(t.at.toMillis() + t.from * MINUTE_MS, { zone: 'utc' })
    return [
      `BEGIN:${type}`,
      `TZOFFSETFROM:${formatOffset(t.from)}`,
      `TZOFFSETTO:${formatOffset(t.to)}`,
      `DTSTART:${wall.toFormat(LOCAL_FORMAT)}`,
      `END:${type}`
    ]
  })
  if (blocks.length === 0) {
    const steady = DateTime.fromObject({ year: fromYear }, { zone })
    const offset = formatOffset(steady.offset)
    blocks.push('BEGIN:STANDARD', `TZOFFSETFROM:${offset}`, `TZOFFSETTO:${offset}`, 'DTSTART:19700101T000000', 'END:STANDARD')
  }
  return ['BEGIN:VTIMEZONE', `TZID:${zone}`, ...blocks, 'END:VTIMEZONE']
}

/** ±hhmm, as TZOFFSETFROM/TO want it. */
function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`
}

/** A TEXT value: backslashes, semicolons, commas and newlines escaped (RFC 5545 §3.3.11). */
function text(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .split('')
    .filter(printable)
    .join('')
}

/** A parameter value (CN): quoted, since a name may hold a comma; a double quote cannot appear in one. */
function param(value: string): string {
  const kept = value
    .split('')
    .filter((char) => printable(char) && char !== '"')
    .join('')
  return `"${kept.trim()}"`
}

/** Control characters (tabs, bells) cannot be written in a value. */
const printable = (char: string) => char >= ' ' && char !== '\u007f'

/** One content line, folded so no line is longer than 75 octets (UTF-8), never inside a character; ends with CRLF. */
function fold(line: string): string {
  const parts: string[] = []
  let current = ''
  let octets = 0
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8')
    // Continuation lines start with a space, which counts towards their 75.
    if (octets + size > 75) {
      parts.push(current)
      current = ' '
      octets = 1
    }
    current += char
    octets += size
  }
  parts.push(current)
  return parts.join('\r\n') + '\r\n'
}
