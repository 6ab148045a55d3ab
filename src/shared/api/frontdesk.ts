import { z } from 'zod'
import { idSchema, nameSchema } from './common'
import { ADMIN, ALL, DESK, method, type FileOutput } from './method'
import type { Appointment, FreeSlot } from './schedule'

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`)
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
const instant = z.iso.datetime({ offset: true, message: 'must be a date and time with its zone, e.g. 2025-03-10T09:30:00+05:30' })
const reason = (what: string) => z.string().trim().min(3, `must say ${what} (at least 3 characters)`).max(300, 'must be at most 300 characters')

export const QUEUE_STATUSES = ['waiting', 'in_consultation', 'completed', 'skipped', 'left'] as const
export type QueueStatus = (typeof QUEUE_STATUSES)[number]

export const QUEUE_STATUS_LABEL: Record<QueueStatus, string> = {
  waiting: 'Waiting',
  in_consultation: 'In consultation',
  completed: 'Seen',
  skipped: 'Skipped',
  left: 'Left'
}

/** One patient in a doctor's queue for a day. */
export interface QueueEntry {
  id: string
  date: string
  doctorId: string
  token: number
  patient: { id: string; number: string; name: string; phone: string }
  kind: 'walk_in' | 'booked'
  appointmentId: string | null
  /** The booked start, for a booked patient. */
  appointmentStart: string | null
  status: QueueStatus
  arrivedAt: string
  calledAt: string | null
  completedAt: string | null
  /** 1 for the next to be called; null unless waiting. */
  position: number | null
  /** Why the entry stands where it does ("Booked for 09:30, arrived on time: placed by appointment time"). */
  placement: string
  offDayReason: string | null
  leftReason: string | null
}

export interface DoctorQueue {
  doctor: { id: string; name: string; colour: string; active: boolean }
  date: string
  /** Whether the doctor works this day (a session or an extra, and no leave or holiday). */
  working: boolean
  nowServing: QueueEntry | null
  waiting: QueueEntry[]
  skipped: QueueEntry[]
  /** Seen and left, latest first. */
  done: QueueEntry[]
  /** Booked for this day and not yet arrived (nor cancelled or no-show), in time order. */
  expected: Appointment[]
}

/** What the waiting room may see: token numbers and doctors' names, never a patient's. */
export interface DisplayBoard {
  clinicName: string
  date: string
  /** The clinic's wall-clock time now, HH:MM. */
  time: string
  displayName: string
  chime: boolean
  doctors: Array<{ doctorId: string; name: string; colour: string; nowServing: number | null; calledAt: string | null; next: number[] }>
}

export interface Display {
  id: string
  name: string
  paired: boolean
  pairedAt: string | null
  /** While unpaired: when the pairing code stops working. */
  codeExpiresAt: string | null
  chime: boolean
  revoked: boolean
  createdAt: string
}

export interface DaySummary {
  date: string
  closed: { at: string; byName: string | null } | null
  totals: { seen: number; noShows: number; walkIns: number; booked: number; stillWaiting: number; left: number; averageWaitMinutes: number | null }
  doctors: Array<{ doctorId: string; name: string; seen: number; noShows: number; walkIns: number; booked: number; left: number; stillWaiting: number; averageWaitMinutes: number | null }>
  /** Those not yet seen, by token (patient numbers, for the desk). */
  waiting: Array<{ token: number; doctorName: string; patientNumber: string; patientName: string; arrivedAt: string }>
}

export const TIMES_OF_DAY = ['any', 'morning', 'afternoon', 'evening'] as const
export type TimeOfDay = (typeof TIMES_OF_DAY)[number]
export const TIME_OF_DAY_LABEL: Record<TimeOfDay, string> = { any: 'Any time', morning: 'Morning (before 12:00)', afternoon: 'Afternoon (12:00–17:00)', evening: 'Evening (after 17:00)' }

export interface WaitlistEntry {
  id: string
  patient: { id: string; number: string; name: string; phone: string }
  doctorId: string | null
  doctorName: string | null
  typeId: string
  typeName: string
  fromDate: string
  toDate: string
  timeOfDay: TimeOfDay
  note: string
  status: 'waiting' | 'booked' | 'removed'
  appointmentId: string | null
  createdAt: string
}

/** A freed slot and who on the waitlist fits it. */
export interface WaitlistFit {
  slot: { doctorId: string; doctorName: string; start: string; end: string }
  entries: WaitlistEntry[]
}

export const REPEAT_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const

export const repeatSchema = z
  .object({
    frequency: z.enum(REPEAT_FREQUENCIES),
    /** Every `interval` days, weeks or months (2 = every other). */
    interval: z.number().int().min(1, 'must be at least 1').max(12, 'must be at most 12').default(1),
    /** Weekly only: ISO weekdays (1 = Monday … 7 = Sunday); none = the first appointment's weekday. */
    weekdays: z.array(z.number().int().min(1).max(7)).max(7).default([]),
    /** How many appointments in all, the first included … */
    count: z.number().int().min(1, 'must be at least 1').max(366, 'must be at most 366').optional(),
    /** … or the last clinic date it may fall on. */
    until: day.optional()
  })
  .strict()
  .refine((r) => (r.count === undefined) !== (r.until === undefined), { message: 'give either a number of appointments or an end date', path: ['count'] })
export type Repeat = z.infer<typeof repeatSchema>

export interface SeriesOccurrence {
  start: string
  end: string
  /** Clinic date and wall time, for showing. */
  date: string
  time: string
  ok: boolean
  /** Why it cannot be booked as it stands ("Dr Iyer is on leave", "taken by another booking"). */
  problem: string | null
  /** Free slots near it (same day first, then the days around), for a conflicting occurrence. */
  alternatives: FreeSlot[]
}

export interface SeriesPreview {
  rrule: string
  /** In words: "Every week on Monday, 8 times". */
  description: string
  occurrences: SeriesOccurrence[]
}

const seriesInput = {
  patientId: idSchema,
  doctorId: idSchema,
  typeId: idSchema,
  /** The first appointment. */
  start: instant,
  repeat: repeatSchema,
  reason: text(500).default('')
}

export const frontDeskMethods = {
  'queue.board': method<DoctorQueue[]>()({
    summary: 'Every doctor’s queue for a clinic date (today if none)',
    input: z.object({ date: day.optional() }).strict(),
    roles: ALL,
    writes: false
  }),
  'queue.forDoctor': method<DoctorQueue>()({
    summary: 'One doctor’s queue for a clinic date (the signed-in doctor’s own if none is named)',
    input: z.object({ doctorId: idSchema.optional(), date: day.optional() }).strict(),
    roles: ALL,
    writes: false
  }),
  'queue.issueToken': method<{ entry: QueueEntry; warning: string | null }>()({
    summary: 'Give a walk-in patient today’s next token for a doctor',
    input: z.object({ patientId: idSchema, doctorId: idSchema, offDayReason: reason('why the doctor sees patients today').optional() }).strict(),
    roles: DESK,
    writes: true
  }),
  'queue.arrive': method<{ entry: QueueEntry; warning: string | null }>()({
    summary: 'Mark a booked patient arrived: they join their doctor’s queue with a token',
    input: z.object({ appointmentId: idSchema }).strict(),
    roles: DESK,
    writes: true
  }),
  'queue.move': method<QueueEntry>()({
    summary: 'Move a waiting patient to another place in the queue, with a reason',
    input: z.object({ entryId: idSchema, position: z.number().int().min(1, 'must be 1 or more'), reason: reason('why') }).strict(),
    roles: DESK,
    writes: true
  }),
  'queue.skip': method<QueueEntry>()({
    summary: 'Skip a waiting patient (not here when called); they can be recalled',
    input: z.object({ entryId: idSchema, reason: text(300).default('') }).strict(),
    roles: ALL,
    writes: true
  }),
  'queue.recall': method<QueueEntry>()({
    summary: 'Bring a skipped patient back: next in line',
    input: z.object({ entryId: idSchema }).strict(),
    roles: ALL,
    writes: true
  }),
  'queue.leave': method<QueueEntry>()({
    summary: 'Take a patient out of the queue (they left), with a reason',
    input: z.object({ entryId: idSchema, reason: reason('why') }).strict(),
    roles: DESK,
    writes: true
  }),
  'queue.callNext': method<QueueEntry>()({
    summary: 'Call the next patient in: in consultation, and announced in the waiting room',
    input: z.object({ doctorId: idSchema.optional() }).strict(),
    roles: ['admin', 'doctor'],
    writes: true
  }),
  'queue.complete': method<QueueEntry>()({
    summary: 'End a consultation',
    input: z.object({ entryId: idSchema }).strict(),
    roles: ['admin', 'doctor'],
    writes: true
  }),
  'queue.slip': method<FileOutput>()({
    summary: 'A token slip to print (a PDF 80 mm wide, for a receipt printer)',
    input: z.object({ entryId: idSchema }).strict(),
    roles: DESK,
    writes: false,
    download: true
  }),

  'day.summary': method<DaySummary>()({ summary: 'The desk’s summary of a clinic date', input: z.object({ date: day.optional() }).strict(), roles: DESK, writes: false }),
  'day.summaryPdf': method<FileOutput>()({
    summary: 'The day-end summary as a one-page PDF',
    input: z.object({ date: day.optional() }).strict(),
    roles: DESK,
    writes: false,
    download: true
  }),
  'day.close': method<DaySummary>()({
    summary: 'Close a clinic date: booked patients who never came become no-shows, and those still waiting are marked as left',
    input: z.object({ date: day }).strict(),
    roles: DESK,
    writes: true
  }),

  'displays.list': method<Display[]>()({ summary: 'Waiting-room screens', input: z.object({}).strict(), roles: ADMIN, writes: false }),
  'displays.create': method<{ display: Display; pairingCode: string }>()({
    summary: 'Add a waiting-room screen: gives a pairing code, valid for 15 minutes',
    input: z.object({ name: nameSchema(60), chime: z.boolean().default(true) }).strict(),
    roles: ADMIN,
    writes: true
  }),
  'displays.newCode': method<{ display: Display; pairingCode: string }>()({
    summary: 'A new pairing code for a screen (the screen pairs again)',
    input: z.object({ id: idSchema }).strict(),
    roles: ADMIN,
    writes: true
  }),
  'displays.update': method<Display>()({
    summary: 'Rename a screen or turn its chime on or off',
    input: z.object({ id: idSchema, name: nameSchema(60).optional(), chime: z.boolean().optional() }).strict(),
    roles: ADMIN,
    writes: true
  }),
  'displays.revoke': method<Display>()({ summary: 'Unpair a screen for good', input: z.object({ id: idSchema }).strict(), roles: ADMIN, writes: true }),
  'displays.pair': method<{ displayToken: string; name: string }>()({
    summary: 'Pair this screen with its code',
    input: z.object({ pairingCode: z.string().trim().regex(/^\d{6}$/, 'must be the 6 digits the admin was given') }).strict(),
    roles: 'public',
    writes: true
  }),
  'displays.board': method<DisplayBoard>()({
    summary: 'What a paired waiting-room screen shows: tokens by doctor, no names',
    input: z.object({ displayToken: z.string().min(20, 'is not a display token').max(200) }).strict(),
    roles: 'public',
    writes: false
  }),

  'waitlist.list': method<WaitlistEntry[]>()({
    summary: 'Patients waiting for an earlier slot',
    input: z.object({ status: z.enum(['waiting', 'booked', 'removed']).default('waiting') }).strict(),
    roles: ALL,
    writes: false
  }),
  'waitlist.add': method<WaitlistEntry>()({
    summary: 'Put a patient on the waitlist for an earlier slot',
    input: z
      .object({
        patientId: idSchema,
        doctorId: idSchema.nullable().default(null),
        typeId: idSchema,
        fromDate: day,
        toDate: day,
        timeOfDay: z.enum(TIMES_OF_DAY).default('any'),
        note: text(300).default('')
      })
      .strict(),
    roles: DESK,
    writes: true
  }),
  'waitlist.remove': method<WaitlistEntry>()({ summary: 'Take a patient off the waitlist', input: z.object({ id: idSchema }).strict(), roles: DESK, writes: true }),
  'waitlist.fits': method<WaitlistFit>()({
    summary: 'Who on the waitlist fits a freed slot (a cancelled or moved appointment’s old time)',
    input: z.object({ doctorId: idSchema, start: instant, end: instant }).strict(),
    roles: ALL,
    writes: false
  }),
  'waitlist.book': method<{ appointment: Appointment; entry: WaitlistEntry }>()({
    summary: 'Book a waitlisted patient into a freed slot, in one action',
    input: z.object({ id: idSchema, doctorId: idSchema, start: instant }).strict(),
    roles: DESK,
    writes: true
  }),

  'series.preview': method<SeriesPreview>()({
    summary: 'Check a recurring appointment against availability and bookings before saving',
    input: z.object(seriesInput).strict(),
    roles: DESK,
    writes: false
  }),
  'series.book': method<{ seriesId: string; appointments: Appointment[] }>()({
    summary: 'Book a recurring appointment: every occurrence, with conflicting ones moved or left out',
    input: z
      .object({
        ...seriesInput,
        /** Conflicting occurrences, by their start: moved to another free start, or null to leave out. */
        replacements: z.record(z.string(), instant.nullable()).default({})
      })
      .strict(),
    roles: DESK,
    writes: true
  }),
  'series.cancel': method<{ cancelled: Appointment[] }>()({
    summary: 'Cancel one appointment of a series and every later one',
    input: z.object({ appointmentId: idSchema, reason: z.string().trim().min(1, 'is required').max(300) }).strict(),
    roles: DESK,
    writes: true
  }),
  'series.move': method<{ moved: Appointment[] }>()({
    summary: 'Move one appointment of a series and every later one by the same time (all or none)',
    input: z.object({ appointmentId: idSchema, start: instant, reason: text(300).default('') }).strict(),
    roles: DESK,
    writes: true
  })
}
