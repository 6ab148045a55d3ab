import { z } from 'zod'
import { idSchema } from './common'
import { ALL, DESK, fileBytes, method, type FileOutput } from './method'
import type { Appointment } from './schedule'

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`)

/** Who writes clinical content: doctors only. */
export const DOCTOR = ['doctor'] as const
/** Who reads it: doctors, and admins where the clinic's settings allow (checked in the dispatcher). */
export const CLINICAL = ['admin', 'doctor'] as const

/**
 * Each vital's sane range, shared by the form (which warns as the doctor types) and the core
 * (which refuses). Wide enough for a newborn and for a patient in crisis; narrow enough to
 * catch a pulse typed into the weight box.
 */
export const VITAL_RANGES = {
  weightKg: { min: 0.3, max: 400, label: 'Weight', unit: 'kg', step: 0.1 },
  heightCm: { min: 20, max: 260, label: 'Height', unit: 'cm', step: 0.5 },
  bpSystolic: { min: 50, max: 300, label: 'BP systolic', unit: 'mmHg', step: 1 },
  bpDiastolic: { min: 20, max: 200, label: 'BP diastolic', unit: 'mmHg', step: 1 },
  pulse: { min: 20, max: 250, label: 'Pulse', unit: '/min', step: 1 },
  temperatureC: { min: 30, max: 45, label: 'Temperature', unit: '°C', step: 0.1 },
  spo2: { min: 50, max: 100, label: 'SpO₂', unit: '%', step: 1 },
  sugarMgDl: { min: 10, max: 1000, label: 'Blood sugar', unit: 'mg/dL', step: 1 }
} as const
export type VitalKey = keyof typeof VITAL_RANGES
export const SUGAR_CONTEXTS = ['fasting', 'random', 'post_meal'] as const

const vital = (key: VitalKey, integer = false) => {
  const { min, max, unit } = VITAL_RANGES[key]
  const n = z.number({ message: 'must be a number' }).min(min, `must be between ${min} and ${max} ${unit}`).max(max, `must be between ${min} and ${max} ${unit}`)
  return (integer ? n.int('must be a whole number') : n).nullable().default(null)
}

export const vitalsSchema = z
  .object({
    weightKg: vital('weightKg'),
    heightCm: vital('heightCm'),
    bpSystolic: vital('bpSystolic', true),
    bpDiastolic: vital('bpDiastolic', true),
    pulse: vital('pulse', true),
    temperatureC: vital('temperatureC'),
    spo2: vital('spo2', true),
    sugarMgDl: vital('sugarMgDl'),
    sugarContext: z.enum(SUGAR_CONTEXTS).nullable().default(null)
  })
  .strict()
  .refine((v) => (v.bpSystolic === null) === (v.bpDiastolic === null), { message: 'needs both numbers, as 120/80', path: ['bpSystolic'] })
  .refine((v) => v.bpSystolic === null || v.bpDiastolic === null || v.bpSystolic > v.bpDiastolic, { message: 'must be higher than the diastolic', path: ['bpSystolic'] })
export type Vitals = z.output<typeof vitalsSchema>

/** Body mass index from weight and height, one decimal; null without both. */
export function bmiOf(weightKg: number | null, heightCm: number | null): number | null {
  if (!weightKg || !heightCm) return null
  return Math.round((weightKg / (heightCm / 100) ** 2) * 10) / 10
}

/** One line of a prescription, as the doctor writes it. */
export const drugLineSchema = z
  .object({
    drugName: text(120).min(1, 'is required: name the drug'),
    strength: text(60).default(''),
    form: text(40).default(''),
    dose: text(60).default(''),
    /** As the doctor writes it: 1-0-1, BD, TDS, SOS, or in words. */
    frequency: text(60).default(''),
    duration: text(60).default(''),
    route: text(40).default(''),
    instructions: text(300).default('')
  })
  .strict()
export type DrugLine = z.output<typeof drugLineSchema>

export const NOTE_FORMATS = ['soap', 'free'] as const

export const diagnosisSchema = z.object({ text: text(300).min(1, 'is required'), code: text(20).default('') }).strict()

/** Everything a doctor saves on an open visit, at once (the form autosaves it whole). */
export const visitNoteSchema = z
  .object({
    id: idSchema,
    /** The version the doctor's copy was read at: a save over a newer one is refused. */
    version: z.number().int().positive(),
    vitals: vitalsSchema.prefault({}),
    chiefComplaint: text(500).default(''),
    noteFormat: z.enum(NOTE_FORMATS).default('soap'),
    subjective: text(10000).default(''),
    objective: text(10000).default(''),
    assessment: text(10000).default(''),
    plan: text(10000).default(''),
    freeText: text(20000).default(''),
    diagnoses: z.array(diagnosisSchema).max(30).default([]),
    advice: text(3000).default(''),
    followUpDate: isoDate.nullable().default(null),
    items: z.array(drugLineSchema).max(40, 'must be at most 40 drugs').default([]),
    /** The doctor saw the allergy warnings and prescribes anyway: recorded against each matching item. */
    allergyConfirmed: z.boolean().default(false)
  })
  .strict()
export type VisitNoteInput = z.input<typeof visitNoteSchema>

export interface PrescriptionItem extends DrugLine {
  id: string
  /** What the frequency means in words (1-0-1: morning and night), '' if not shorthand. */
  frequencyMeaning: string
  /** The recorded allergy this drug matched, and who confirmed prescribing it anyway. */
  allergy: { matched: string; confirmedByName: string; confirmedAt: string } | null
}

export interface Amendment {
  id: string
  at: string
  userName: string
  text: string
}

export interface Visit {
  id: string
  patientId: string
  patientName: string
  patientNumber: string
  doctorId: string
  doctorName: string
  appointmentId: string | null
  queueEntryId: string | null
  /** The clinic date. */
  date: string
  openedAt: string
  status: 'open' | 'signed'
  vitals: Vitals
  bmi: number | null
  chiefComplaint: string
  noteFormat: (typeof NOTE_FORMATS)[number]
  subjective: string
  objective: string
  assessment: string
  plan: string
  freeText: string
  diagnoses: Array<{ text: string; code: string }>
  advice: string
  followUpDate: string | null
  /** The appointment booked for the follow-up, if one was. */
  followUp: { appointmentId: string; start: string; status: string } | null
  items: PrescriptionItem[]
  signedAt: string | null
  signedByName: string | null
  amendments: Amendment[]
  version: number
  updatedAt: string
}

/** A visit in a list (the chart's timeline, the doctor's day): no note text. */
export interface VisitSummary {
  id: string
  date: string
  openedAt: string
  doctorName: string
  status: 'open' | 'signed'
  chiefComplaint: string
  diagnoses: string[]
  drugs: string[]
  amendments: number
}

/** A drug the doctor is offered as they type: one of their favourites, or one they prescribed lately. */
export interface DrugSuggestion extends DrugLine {
  source: 'favourite' | 'recent'
  /** A favourite's id (to remove it). */
  favouriteId: string | null
}

export interface AllergyWarning {
  /** The item's index in the list checked. */
  index: number
  drugName: string
  /** The allergy as recorded on the patient. */
  allergy: string
}

export const RECORD_TYPES = ['lab_report', 'imaging', 'referral', 'discharge_summary', 'other'] as const
export type RecordType = (typeof RECORD_TYPES)[number]
export const RECORD_TYPE_NAMES: Record<RecordType, string> = {
  lab_report: 'Lab report',
  imaging: 'Imaging',
  referral: 'Referral',
  discharge_summary: 'Discharge summary',
  other: 'Other'
}
/** A scanned report is rarely over a few MB; a phone photo of one, under 15. */
export const MAX_RECORD_BYTES = 25 * 1024 * 1024

export interface MedicalRecord {
  id: string
  patientId: string
  visitId: string | null
  name: string
  type: RecordType
  contentType: 'application/pdf' | 'image/jpeg' | 'image/png'
  byteSize: number
  recordDate: string
  hospital: string
  doctorName: string
  description: string
  uploadedByName: string
  uploadedAt: string
  deletedAt: string | null
  deletedByName: string | null
  deletedReason: string | null
}

export interface VitalsPoint extends Vitals {
  visitId: string
  date: string
  bmi: number | null
}

export type TimelineItem =
  | { kind: 'visit'; at: string; visit: VisitSummary }
  | { kind: 'appointment'; at: string; appointment: Pick<Appointment, 'id' | 'start' | 'status' | 'doctorName' | 'typeName' | 'reason'> }
  | { kind: 'record'; at: string; record: MedicalRecord }
  | { kind: 'amendment'; at: string; visitId: string; amendment: Amendment }

/** The patient chart: what a doctor reads in seconds. */
export interface Chart {
  patient: {
    id: string
    number: string
    name: string
    dateOfBirth: string | null
    dateOfBirthEstimated: boolean
    gender: string
    allergies: string
    chronicConditions: string
    medicalHistory: string
    hasPhoto: boolean
    photoVersion: string | null
  }
  latestVitals: VitalsPoint | null
  vitals: VitalsPoint[]
  timeline: TimelineItem[]
  openVisitId: string | null
}

export const FEEDBACK_TYPES = ['complaint', 'good', 'suggestion'] as const
export const FEEDBACK_TYPE_NAMES: Record<(typeof FEEDBACK_TYPES)[number], string> = { complaint: 'Complaint', good: 'Good response', suggestion: 'Suggestion' }

export interface Feedback {
  id: string
  patientId: string
  patientName: string
  patientNumber: string
  visitId: string | null
  doctorId: string | null
  doctorName: string | null
  type: (typeof FEEDBACK_TYPES)[number]
  rating: number
  comment: string
  recordedByName: string
  recordedAt: string
}

export interface FeedbackSummary {
  doctors: Array<{ doctorId: string | null; doctorName: string; count: number; average: number; complaints: number }>
  recent: Feedback[]
  overall: { count: number; average: number | null }
}

export const clinicalApiSchemas = {
  open: z
    .object({
      appointmentId: idSchema.optional(),
      queueEntryId: idSchema.optional(),
      patientId: idSchema.optional()
    })
    .strict()
    .refine((v) => [v.appointmentId, v.queueEntryId, v.patientId].filter(Boolean).length === 1, { message: 'give exactly one of appointmentId, queueEntryId or patientId', path: ['patientId'] }),
  amend: z.object({ id: idSchema, text: text(5000).min(1, 'is required: write the amendment') }).strict(),
  bookFollowUp: z.object({ id: idSchema, start: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).optional() }).strict(),
  checkAllergies: z.object({ patientId: idSchema, drugNames: z.array(text(120)).max(40) }).strict(),
  suggest: z.object({ query: text(60).default(''), limit: z.number().int().min(1).max(30).default(12) }).strict(),
  uploadRecord: z
    .object({
      patientId: idSchema,
      visitId: idSchema.nullable().default(null),
      file: fileBytes(MAX_RECORD_BYTES),
      name: text(200).min(1, 'is required'),
      type: z.enum(RECORD_TYPES),
      recordDate: isoDate,
      hospital: text(200).default(''),
      doctorName: text(120).default(''),
      description: text(2000).default('')
    })
    .strict(),
  recordFeedback: z
    .object({
      patientId: idSchema,
      visitId: idSchema.nullable().default(null),
      doctorId: idSchema.nullable().default(null),
      type: z.enum(FEEDBACK_TYPES),
      rating: z.number().int('must be a whole number').min(1, 'must be from 1 to 5').max(5, 'must be from 1 to 5'),
      comment: text(2000).default('')
    })
    .strict(),
  updateMedical: z
    .object({ id: idSchema, allergies: text(2000).optional(), medicalHistory: text(10000).optional(), chronicConditions: text(2000).optional() })
    .strict()
}

const C = clinicalApiSchemas
const byId = z.object({ id: idSchema }).strict()
const byPatient = z.object({ patientId: idSchema }).strict()

export const clinicalMethods = {
  'visits.open': method<Visit>()({ summary: 'Open a visit: from an appointment, a walk-in’s token, or for a patient directly', input: C.open, roles: DOCTOR, writes: true, clinical: true }),
  'visits.get': method<Visit>()({ summary: 'Read a visit’s note and prescription', input: byId, roles: CLINICAL, writes: false, clinical: true }),
  'visits.save': method<Visit>()({ summary: 'Save an open visit’s vitals, note, diagnoses, advice and prescription', input: visitNoteSchema, roles: DOCTOR, writes: true, clinical: true }),
  'visits.sign': method<Visit>()({
    summary: 'Sign a visit’s note and complete the visit',
    input: z.object({ id: idSchema, version: z.number().int().positive() }).strict(),
    roles: DOCTOR,
    writes: true,
    clinical: true
  }),
  'visits.amend': method<Visit>()({ summary: 'Add an amendment to a signed note (its signer only)', input: C.amend, roles: DOCTOR, writes: true, clinical: true }),
  'visits.bookFollowUp': method<Visit>()({ summary: 'Book the follow-up appointment: the time given, or the first free slot on the follow-up date', input: C.bookFollowUp, roles: DOCTOR, writes: true, clinical: true }),
  'visits.prescriptionPdf': method<FileOutput>()({ summary: 'The visit’s prescription as a PDF', input: byId, roles: CLINICAL, writes: false, download: true, clinical: true }),
  'visits.checkAllergies': method<AllergyWarning[]>()({ summary: 'Which drugs match an allergy recorded on the patient', input: C.checkAllergies, roles: DOCTOR, writes: false, clinical: true }),
  'prescriptions.suggest': method<DrugSuggestion[]>()({ summary: 'Your favourite and recent drugs matching what you type', input: C.suggest, roles: DOCTOR, writes: false }),
  'prescriptions.last': method<{ visitId: string; date: string; items: DrugLine[] } | null>()({
    summary: 'The patient’s last signed prescription, to repeat it',
    input: byPatient,
    roles: DOCTOR,
    writes: false,
    clinical: true
  }),
  'prescriptions.saveFavourite': method<DrugSuggestion>()({ summary: 'Keep a drug as one of your favourites', input: drugLineSchema, roles: DOCTOR, writes: true }),
  'prescriptions.removeFavourite': method<{ removed: true }>()({ summary: 'Remove one of your favourite drugs', input: byId, roles: DOCTOR, writes: true }),
  'chart.get': method<Chart>()({ summary: 'A patient’s chart: allergies, conditions, vitals and the timeline', input: byPatient, roles: CLINICAL, writes: false, clinical: true, auditRead: 'patientId' }),
  'records.upload': method<MedicalRecord>()({
    summary: 'Add a medical record (a PDF or image) to a patient',
    input: C.uploadRecord,
    roles: ALL,
    writes: true,
    upload: { field: 'file', maxBytes: MAX_RECORD_BYTES }
  }),
  'records.list': method<MedicalRecord[]>()({
    summary: 'A patient’s medical records (what they are, not their contents)',
    input: z.object({ patientId: idSchema, includeDeleted: z.boolean().default(false) }).strict(),
    roles: ALL,
    writes: false
  }),
  'records.file': method<FileOutput>()({ summary: 'Open a medical record’s file', input: byId, roles: CLINICAL, writes: false, download: true, clinical: true }),
  'records.remove': method<MedicalRecord>()({
    summary: 'Remove a medical record, with a reason (kept, hidden)',
    input: z.object({ id: idSchema, reason: text(300).min(3, 'must say why (at least 3 characters)') }).strict(),
    roles: ALL,
    writes: true
  }),
  'patients.updateMedical': method<{ id: string; allergies: string; medicalHistory: string; chronicConditions: string }>()({
    summary: 'Record a patient’s allergies, medical history and chronic conditions',
    input: C.updateMedical,
    roles: ALL,
    writes: true
  }),
  'feedback.record': method<Feedback>()({ summary: 'Record a patient’s feedback', input: C.recordFeedback, roles: DESK, writes: true }),
  'feedback.summary': method<FeedbackSummary>()({
    summary: 'Feedback per doctor and the latest comments',
    input: z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict(),
    roles: ['admin'],
    writes: false
  })
}
