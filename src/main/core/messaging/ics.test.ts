import ical, { type VEvent } from 'node-ical'
import { describe, expect, it } from 'vitest'
import { appointmentIcs, type InviteInput } from './ics'

const MINUTE = 60_000

function invite(start: string, timeZone: string, change: Partial<InviteInput> = {}): InviteInput {
  return {
    uid: 'appointment-01957f00-0000-7000-8000-000000000001@docspot',
    sequence: 1,
    method: 'REQUEST',
    start,
    end: new Date(Date.parse(start) + 30 * MINUTE).toISOString(),
    timeZone,
    summary: 'Consultation with Dr. Meera Iyer',
    description: 'Your appointment at Sunrise Family Clinic.\nTo change it, call +44 113 496 0100.',
    location: '12 High Street, Leeds, LS1 4AB',
    organizer: { name: 'Sunrise Family Clinic', email: 'desk@sunrise.example' },
    attendee: { name: 'Anita Desai', email: 'anita@example.com' },
    now: new Date('2025-03-10T09:00:00.000Z'),
    ...change
  }
}

/** The one VEVENT in a parsed calendar. */
function eventOf(text: string) {
  const parsed = ical.sync.parseICS(text)
  const events = Object.values(parsed).filter((c) => c?.type === 'VEVENT')
  expect(events).toHaveLength(1)
  return events[0] as VEvent
}

/** The content lines as written (folds undone): the VTIMEZONE is checked from these, not by node-ical's own zone data. */
const unfold = (text: string) => text.replace(/\r\n /g, '').split('\r\n').slice(0, -1)

interface Observance {
  type: string
  from: string
  to: string
  start: string
}

function observances(text: string): Observance[] {
  const found: Observance[] = []
  let current: Partial<Observance> | null = null
  for (const line of unfold(text)) {
    if (line === 'BEGIN:STANDARD' || line === 'BEGIN:DAYLIGHT') current = { type: line.slice(6) }
    else if (current && line.startsWith('TZOFFSETFROM:')) current.from = line.slice(13)
    else if (current && line.startsWith('TZOFFSETTO:')) current.to = line.slice(11)
    else if (current && line.startsWith('DTSTART:')) current.start = line.slice(8)
    else if (current && line.startsWith('END:')) {
      found.push(current as Observance)
      current = null
    }
  }
  return found
}

/** The instant a wall time stands for, by the VTIMEZONE's own observances (the last one begun before it). */
function instantByVtimezone(text: string, wall: string): string {
  const inForce = observances(text)
    .filter((o) => o.start <= wall)
    .sort((a, b) => a.start.localeCompare(b.start))
    .at(-1)!
  const [, sign, hours, minutes] = /^([+-])(\d\d)(\d\d)$/.exec(inForce.to)!
  const offset = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes))
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)$/.exec(wall)!
  return new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - offset * MINUTE).toISOString()
}

/** The event's line for a property (after the VTIMEZONE, which has DTSTARTs of its own). */
const lineValue = (text: string, name: string) => {
  const lines = unfold(text)
  const event = name === 'METHOD' ? 0 : lines.indexOf('BEGIN:VEVENT')
  return lines.slice(event).find((line) => line.startsWith(`${name}:`) || line.startsWith(`${name};`))
}

function expectWellFormed(text: string) {
  expect(text.endsWith('\r\n')).toBe(true)
  // Every line break is CRLF, and no line is longer than 75 octets.
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
  for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75)
}

describe('calendar invitations', () => {
  it('writes a July appointment in London on British Summer Time, with the wall time and the zone', () => {
    const input = invite('2025-07-15T09:30:00.000Z', 'Europe/London', { sequence: 3 })
    const text = appointmentIcs(input)
    expectWellFormed(text)
    const event = eventOf(text)
    expect(event.start.toISOString()).toBe(input.start)
    expect(event.end?.toISOString()).toBe(input.end)
    expect(event.start.tz).toBe('Europe/London')
    expect(event.uid).toBe(input.uid)
    expect(event.sequence).toBe(3)
    expect(event.method).toBe('REQUEST')
    expect(event.status).toBe('CONFIRMED')
    expect(lineValue(text, 'DTSTART')).toBe('DTSTART;TZID=Europe/London:20250715T103000')
    expect(lineValue(text, 'DTSTAMP')).toBe('DTSTAMP:20250310T090000Z')
    // The VTIMEZONE has the year's two changes (and the one before it, in force on 1 January).
    expect(observances(text)).toEqual([
      { type: 'STANDARD', from: '+0100', to: '+0000', start: '20241027T020000' },
      { type: 'DAYLIGHT', from: '+0000', to: '+0100', start: '20250330T010000' },
      { type: 'STANDARD', from: '+0100', to: '+0000', start: '20251026T020000' }
    ])
    expect(instantByVtimezone(text, '20250715T103000')).toBe(input.start)
  })

  it('writes a January appointment in London on Greenwich Mean Time', () => {
    const input = invite('2025-01-14T09:30:00.000Z', 'Europe/London')
    const text = appointmentIcs(input)
    expectWellFormed(text)
    const event = eventOf(text)
    expect(event.start.toISOString()).toBe(input.start)
    expect(event.start.tz).toBe('Europe/London')
    expect(lineValue(text, 'DTSTART')).toBe('DTSTART;TZID=Europe/London:20250114T093000')
    expect(instantByVtimezone(text, '20250114T093000')).toBe(input.start)
  })

  it('writes New York appointments either side of the November change with the right offsets', () => {
    // 2 November 2025: clocks go back from 02:00 EDT to 01:00 EST.
    const before = invite('2025-11-01T13:00:00.000Z', 'America/New_York')
    const after = invite('2025-11-03T14:00:00.000Z', 'America/New_York')
    for (const [input, wall] of [
      [before, '20251101T090000'],
      [after, '20251103T090000']
    ] as const) {
      const text = appointmentIcs(input)
      expectWellFormed(text)
      const event = eventOf(text)
      expect(event.start.toISOString()).toBe(input.start)
      expect(event.start.tz).toBe('America/New_York')
      expect(lineValue(text, 'DTSTART')).toBe(`DTSTART;TZID=America/New_York:${wall}`)
      expect(instantByVtimezone(text, wall)).toBe(input.start)
      expect(observances(text)).toContainEqual({ type: 'DAYLIGHT', from: '-0500', to: '-0400', start: '20250309T020000' })
      expect(observances(text)).toContainEqual({ type: 'STANDARD', from: '-0400', to: '-0500', start: '20251102T020000' })
    }
  })

  it('gives a zone without daylight saving one STANDARD observance', () => {
    const input = invite('2025-03-11T05:00:00.000Z', 'Asia/Kolkata')
    const text = appointmentIcs(input)
    expectWellFormed(text)
    const event = eventOf(text)
    expect(event.start.toISOString()).toBe(input.start)
    expect(event.start.tz).toBe('Asia/Kolkata')
    expect(lineValue(text, 'DTSTART')).toBe('DTSTART;TZID=Asia/Kolkata:20250311T103000')
    expect(observances(text)).toEqual([{ type: 'STANDARD', from: '+0530', to: '+0530', start: '19700101T000000' }])
    expect(instantByVtimezone(text, '20250311T103000')).toBe(input.start)
  })

  it('cancels the same event: METHOD:CANCEL, STATUS:CANCELLED, same UID, a higher SEQUENCE', () => {
    const input = invite('2025-07-15T09:30:00.000Z', 'Europe/London', { method: 'CANCEL', sequence: 4 })
    const text = appointmentIcs(input)
    const event = eventOf(text)
    expect(event.method).toBe('CANCEL')
    expect(event.status).toBe('CANCELLED')
    expect(event.uid).toBe(input.uid)
    expect(lineValue(text, 'METHOD')).toBe('METHOD:CANCEL')
    expect(lineValue(text, 'SEQUENCE')).toBe('SEQUENCE:4')
  })

  it('escapes text, quotes names and folds long lines without breaking a character', () => {
    const description = 'नमस्ते अनीता, आपका अपॉइंटमेंट तय हो गया है; कृपया समय पर पहुँचें।\nPath: C:\\clinic, room 2; bring your reports.'
    const input = invite('2025-07-15T09:30:00.000Z', 'Europe/London', {
      summary: 'Consultation; follow-up, Dr. Meera Iyer',
      description,
      organizer: { name: 'Sunrise, Family "Clinic"', email: 'desk@sunrise.example' },
      attendee: { name: 'Desai, Anita', email: 'anita@example.com' }
    })
    const text = appointmentIcs(input)
    expectWellFormed(text)
    expect(lineValue(text, 'SUMMARY')).toBe('SUMMARY:Consultation\\; follow-up\\, Dr. Meera Iyer')
    expect(text).toContain('\r\n ') // the description was folded
    const event = eventOf(text)
    expect(event.summary).toBe(input.summary)
    expect(event.description).toBe(description)
    expect(event.location).toBe(input.location)
    expect(lineValue(text, 'ORGANIZER')).toBe('ORGANIZER;CN="Sunrise, Family Clinic":mailto:desk@sunrise.example')
    expect(lineValue(text, 'ATTENDEE')).toBe('ATTENDEE;CN="Desai, Anita";ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:anita@example.com')
    expect(event.attendee).toMatchObject({ params: { CN: 'Desai, Anita', RSVP: false }, val: 'mailto:anita@example.com' })
  })
})
