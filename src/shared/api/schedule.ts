import { z } from 'zod'
import { emailSchema, idSchema, nameSchema, passwordSchema } from './common'
import { ADMIN, ALL, DESK, fileBytes, method, type FileOutput } from './method'

export const MAX_DOCTOR_PHOTO_BYTES = 10 * 1024 * 1024
export const MAX_ID_DOCUMENT_BYTES = 10 * 1024 * 1024

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`)
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
const wallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM (24-hour)')
const instant = z.iso.datetime({ offset: true, message: 'must be a date and time with its zone, e.g. 2025-03-10T09:30:00+05:30' })
const fiveMinutes = (label: string, max: number) =>
  z.number().int().min(5, `must be at least 5 minutes`).max(max, `must be at most ${max} minutes`).refine((n) => n % 5 === 0, `${label} must be a multiple of 5 minutes`)
const colour = z.string().regex(/^[a-z]+$|^#[0-9a-fA-F]{6}$/, 'must be a colour name such as teal, or #RRGGBB')

export const APPOINTMENT_STATUSES = ['booked', 'confirmed', 'arrived', 'in_consultation', 'completed', 'cancelled', 'no_show'] as const
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number]
export const MODES = ['in_person', 'phone', 'video'] as const
export type CommunicationMode = (typeof MODES)[number]

/** The core's one table of legal status changes: from → the statuses it may become. */
export const TRANSITIONS: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  booked: ['confirmed', 'arrived', 'cancelled', 'no_show'],
  confirmed: ['arrived', 'cancelled', 'no_show'],
  arrived: ['in_consultation', 'completed', 'cancelled'],
  in_consultation: ['completed'],
  completed: [],
  cancelled: [],
  no_show: []
}

export const STATUS_LABEL: Record<AppointmentStatus, string> = {
  booked: 'Booked',
  confirmed: 'Confirmed',
  arrived: 'Arrived',
  in_consultation: 'In consultation',
  completed: 'Completed',
  cancelled: 'Cancelled',
  no_show: 'No-show'
}

const doctorProfile = {
  name: nameSchema(120),
  specialization: text(120).default(''),
  qualifications: text(300).default(''),
  yearsExperience: z.number().int().min(0).max(80).nullable().default(null),
  registrationNumber: text(60).default(''),
  phone: text(40).default(''),
  emergencyContact: text(200).default(''),
  email: z.union([z.literal(''), emailSchema]).default(''),
  address: text(300).default(''),
  idDocumentNumber: text(60).default(''),
  dailyCap: z.number().int().min(1).max(200).nullable().default(null),
  colour: colour.default('teal')
}

export interface Doctor {
  id: string
  userId: string
  name: string
  specialization: string
  qualifications: string
  yearsExperience: number | null
  registrationNumber: string
  phone: string
  emergencyContact: string
  email: string
  address: string
  idDocumentNumber: string
  hasIdDocument: boolean
  /** Changes when the photo does; null when there is none. */
  photoVersion: string | null
  dailyCap: number | null
  colour: string
  active: boolean
}

export interface Room {
  id: string
  name: string
  active: boolean
}

export interface AppointmentType {
  id: string
  name: string
  durationMinutes: number
  colour: string
  priceMinor: number
  bufferMinutes: number
  walkIn: boolean
  active: boolean
  /** Empty: every doctor offers it. */
  doctorIds: string[]
}

export interface WeeklySessionView {
  id: string
  weekday: number
  start: string
  end: string
  slotMinutes: number
  roomId: string | null
  effectiveFrom: string | null
  effectiveTo: string | null
}

export interface ExceptionView {
  id: string
  doctorId: string | null
  kind: 'leave' | 'holiday' | 'extra'
  date: string
  start: string | null
  end: string | null
  slotMinutes: number | null
  roomId: string | null
  note: string
}

export interface Availability {
  doctorId: string
  sessions: WeeklySessionView[]
  exceptions: ExceptionView[]
}

export interface FreeSlot {
  doctorId: string
  start: string
  end: string
  roomId: string | null
  date: string
  time: string
}

export interface Appointment {
  id: string
  patient: { id: string; number: string; name: string; phone: string }
  doctorId: string
  doctorName: string
  typeId: string
  typeName: string
  colour: string
  start: string
  end: string
  status: AppointmentStatus
  reason: string
  mode: CommunicationMode
  overbooked: boolean
  overbookReason: string | null
  cancelReason: string | null
  roomId: string | null
  bookedBy: string | null
  /** The recurring series it belongs to, if any. */
  seriesId: string | null
  createdAt: string
  updatedAt: string
}

export interface AppointmentEvent {
  id: string
  at: string
  byName: string | null
  action: string
  fromStatus: string | null
  toStatus: string | null
  reason: string | null
  changes: Record<string, [unknown, unknown]>
}

export interface DaySchedule {
  date: string
  doctors: Doctor[]
  appointments: Appointment[]
  /** Free slot starts of the chosen type (or each doctor's own grid), per doctor. */
  free: FreeSlot[]
  /** The working windows per doctor, in clinic wall time, for shading the calendar. */
  hours: Array<{ doctorId: string; start: string; end: string }>
  /** Each doctor's slot length that day (the shortest of their sessions), for the calendar's grid. */
  steps: Record<string, number>
}

const sessionInput = z
  .object({
    weekday: z.number().int().min(1, 'must be 1 (Monday) to 7 (Sunday)').max(7, 'must be 1 (Monday) to 7 (Sunday)'),
    start: wallTime,
    end: wallTime,
    slotMinutes: fiveMinutes('slotMinutes', 240),
    roomId: idSchema.nullable().default(null),
    effectiveFrom: day.nullable().default(null),
    effectiveTo: day.nullable().default(null)
  })
  .strict()

const bookInput = z
  .object({
    patientId: idSchema,
    doctorId: idSchema,
    typeId: idSchema,
    start: instant,
    reason: text(500).default(''),
    mode: z.enum(MODES).default('in_person'),
    /** A deliberate double booking: needs its reason. */
    overbookReason: text(300).min(3, 'must say why (at least 3 characters)').optional()
  })
  .strict()

export const scheduleMethods = {
  'doctors.list': method<Doctor[]>()({
    summary: 'Doctors, active first',
    input: z.object({ includeInactive: z.boolean().default(false) }).strict(),
    roles: ALL,
    writes: false
  }),
  'doctors.create': method<Doctor>()({
    summary: 'Add a doctor, with a new sign-in or an existing doctor account',
    input: z
      .object({
        ...doctorProfile,
        /** An existing staff account with the doctor role … */
        userId: idSchema.optional(),
        /** … or a new one. */
        login: z.object({ email: emailSchema, password: passwordSchema }).strict().optional()
      })
      .strict(),
    roles: ADMIN,
    writes: true
  }),
  'doctors.update': method<Doctor>()({
    summary: 'Change a doctor’s profile',
    input: z.object({ id: idSchema, fields: z.object(doctorProfile).partial().strict() }).strict(),
    roles: ADMIN,
    writes: true
  }),
  'doctors.setActive': method<Doctor>()({
    summary: 'Deactivate a doctor (hidden from booking, history kept) or bring them back',
    input: z.object({ id: idSchema, active: z.boolean() }).strict(),
    roles: ADMIN,
    writes: true
  }),

  'doctors.setPhoto': method<Doctor>()({
    summary: 'Set a doctor’s photo',
    input: z.object({ id: idSchema, file: fileBytes(MAX_DOCTOR_PHOTO_BYTES) }).strict(),
    roles: ADMIN,
    writes: true,
    upload: { field: 'file', maxBytes: MAX_DOCTOR_PHOTO_BYTES }
  }),
  'doctors.photo': method<FileOutput | null>()({ summary: 'A doctor’s photo (a JPEG), or nothing', input: z.object({ id: idSchema }).strict(), roles: ALL, writes: false, download: true }),
  'doctors.setIdDocument': method<Doctor>()({
    summary: 'Store the scan of a doctor’s identity document (PDF, JPEG or PNG)',
    input: z.object({ id: idSchema, file: fileBytes(MAX_ID_DOCUMENT_BYTES) }).strict(),
    roles: ADMIN,
    writes: true,
    upload: { field: 'file', maxBytes: MAX_ID_DOCUMENT_BYTES }
  }),
  'doctors.idDocument': method<FileOutput | null>()({ summary: 'The scan of a doctor’s identity document', input: z.object({ id: idSchema }).strict(), roles: ADMIN, writes: false, download: true }),

  'rooms.list': method<Room[]>()({ summary: 'Rooms', input: z.object({}).strict(), roles: ALL, writes: false }),
  'rooms.save': method<Room>()({
    summary: 'Add or rename a room',
    input: z.object({ id: idSchema.optional(), name: nameSchema(60), active: z.boolean().default(true) }).strict(),
    roles: ADMIN,
    writes: true
  }),

  'appointmentTypes.list': method<AppointmentType[]>()({
    summary: 'Appointment types',
    input: z.object({ includeInactive: z.boolean().default(false) }).strict(),
    roles: ALL,
    writes: false
  }),
  'appointmentTypes.save': method<AppointmentType>()({
    summary: 'Add or change an appointment type',
    input: z
      .object({
        id: idSchema.optional(),
        name: nameSchema(80),
        durationMinutes: fiveMinutes('durationMinutes', 480),
        colour: colour.default('blue'),
        priceMinor: z.number().int().min(0).default(0),
        bufferMinutes: z.number().int().min(0).max(120).refine((n) => n % 5 === 0, 'must be a multiple of 5 minutes').default(0),
        walkIn: z.boolean().default(false),
        active: z.boolean().default(true),
        doctorIds: z.array(idSchema).max(200).default([])
      })
      .strict(),
    roles: ADMIN,
    writes: true
  }),

  'availability.get': method<Availability>()({ summary: 'A doctor’s weekly sessions and exceptions', input: z.object({ doctorId: idSchema }).strict(), roles: ALL, writes: false }),
  'availability.setWeekly': method<{ availability: Availability; outside: Appointment[] }>()({
    summary: 'Replace a doctor’s weekly sessions (refused while booked appointments would fall outside, unless accepted)',
    input: z
      .object({
        doctorId: idSchema,
        sessions: z.array(sessionInput).max(100),
        /** Save even though these booked appointments fall outside; they are listed for the desk to move. */
        acceptOutside: z.boolean().default(false)
      })
      .strict(),
    roles: ['admin', 'doctor'],
    writes: true
  }),
  'availability.addException': method<{ exception: ExceptionView; outside: Appointment[] }>()({
    summary: 'Add leave, a clinic holiday or an extra session',
    input: z
      .object({
        doctorId: idSchema.nullable(),
        kind: z.enum(['leave', 'holiday', 'extra']),
        date: day,
        start: wallTime.nullable().default(null),
        end: wallTime.nullable().default(null),
        slotMinutes: fiveMinutes('slotMinutes', 240).nullable().default(null),
        roomId: idSchema.nullable().default(null),
        note: text(300).default(''),
        acceptOutside: z.boolean().default(false)
      })
      .strict(),
    roles: ['admin', 'doctor'],
    writes: true
  }),
  'availability.removeException': method<{ removed: true }>()({
    summary: 'Remove leave, a holiday or an extra session',
    input: z.object({ id: idSchema }).strict(),
    roles: ['admin', 'doctor'],
    writes: true
  }),

  'schedule.freeSlots': method<FreeSlot[]>()({
    summary: 'Free slots for a type, for one doctor or all, over clinic dates',
    input: z
      .object({ typeId: idSchema, doctorId: idSchema.optional(), from: day, to: day, limit: z.number().int().min(1).max(2000).default(500) })
      .strict(),
    roles: ALL,
    writes: false
  }),
  'schedule.nextFree': method<FreeSlot | null>()({
    summary: 'The next free slot for a type, with this doctor or any',
    input: z.object({ typeId: idSchema, doctorId: idSchema.optional(), days: z.number().int().min(1).max(180).default(60) }).strict(),
    roles: ALL,
    writes: false
  }),
  'schedule.day': method<DaySchedule>()({
    summary: 'A day’s calendar: doctors, appointments, working hours and free slots',
    input: z.object({ date: day, doctorIds: z.array(idSchema).max(100).optional(), typeId: idSchema.optional() }).strict(),
    roles: ALL,
    writes: false
  }),
  'schedule.range': method<{ appointments: Appointment[]; hours: Array<{ doctorId: string; date: string; start: string; end: string }>; step: number }>()({
    summary: 'Appointments and working hours of one doctor over clinic dates (the week view)',
    input: z.object({ doctorId: idSchema, from: day, to: day }).strict(),
    roles: ALL,
    writes: false
  }),

  'appointments.book': method<Appointment>()({ summary: 'Book an appointment', input: bookInput, roles: DESK, writes: true }),
  'appointments.reschedule': method<Appointment>()({
    summary: 'Move an appointment to another time or doctor',
    input: z
      .object({ id: idSchema, start: instant, doctorId: idSchema.optional(), reason: text(300).default(''), overbookReason: text(300).min(3, 'must say why (at least 3 characters)').optional() })
      .strict(),
    roles: DESK,
    writes: true
  }),
  'appointments.cancel': method<Appointment>()({
    summary: 'Cancel an appointment, with a reason',
    input: z.object({ id: idSchema, reason: z.string().trim().min(1, 'is required').max(300) }).strict(),
    roles: DESK,
    writes: true
  }),
  'appointments.setStatus': method<Appointment>()({
    summary: 'Confirm, mark arrived, start, complete or mark a no-show',
    input: z.object({ id: idSchema, status: z.enum(['confirmed', 'arrived', 'in_consultation', 'completed', 'no_show']) }).strict(),
    roles: ALL,
    writes: true
  }),
  'appointments.get': method<Appointment>()({ summary: 'One appointment', input: z.object({ id: idSchema }).strict(), roles: ALL, writes: false }),
  'appointments.history': method<AppointmentEvent[]>()({
    summary: 'Who booked, moved, cancelled or changed an appointment, and why',
    input: z.object({ id: idSchema }).strict(),
    roles: ALL,
    writes: false
  }),
  'appointments.forPatient': method<Appointment[]>()({
    summary: 'A patient’s appointments, newest first',
    input: z.object({ patientId: idSchema }).strict(),
    roles: ALL,
    writes: false,
    auditRead: 'patientId'
  }),
  'appointments.doctorDay': method<Appointment[]>()({
    summary: 'A doctor’s appointments on a clinic date, in order (the doctor’s own list)',
    input: z.object({ date: day, doctorId: idSchema.optional() }).strict(),
    roles: ALL,
    writes: false
  })
}
