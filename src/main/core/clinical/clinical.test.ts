// The consulting room through the API on real SQLite: visits from an appointment, a token or the
// chart, the note and its signing, amendments, allergy checks, prescriptions and their PDF,
// records, the chart, follow-ups and feedback, and who may see and do each.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { PDFDocument, StandardFonts } from 'pdf-lib'
import sharp from 'sharp'
import { afterEach, describe, expect, it } from 'vitest'
import {
  MAX_RECORD_BYTES,
  type AllergyWarning,
  type Appointment,
  type Chart,
  type DoctorQueue,
  type DrugLine,
  type DrugSuggestion,
  type Feedback,
  type FeedbackSummary,
  type MedicalRecord,
  type PatientChange,
  type QueueEntry,
  type SessionInfo,
  type Visit,
  type VisitNoteInput
} from '../../../shared/api'
import { newId } from '../ids'
import { setUpPractice } from '../schedule/fixtures'
import { ADMIN, STAFF, addStaff, call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'

// The test clinic is in Europe/London (GMT until 30 March 2025, BST after); the clock starts
// Monday 10 March 2025, 09:00. Doctors work Monday to Saturday 09:00–13:00 in 15-minute slots.
const MON = (time: string) => `2025-03-10T${time}:00.000Z`
const MINUTE = 60_000
const DOCTOR_PASSWORD = 'consulting room password'
const ALLERGIES = 'Penicillin (rash); sulfa drugs'

type Issued = { entry: QueueEntry; warning: string | null }
type FileOut = { type: string; bytes: Uint8Array; name?: string }

let open: TestCore[] = []
afterEach(async () => {
  for (const t of open) await t.close()
  open = []
})

const signIn = (t: TestCore, email: string, password: string) => call<SessionInfo>(t.core, 'auth.login', { email, password }).then((s) => s.token!)

type DrugLineInput = NonNullable<VisitNoteInput['items']>[number]

const amoxicillin: DrugLineInput = { drugName: 'Amoxicillin 500', strength: '500 mg', form: 'capsule', dose: '1 capsule', frequency: '1-0-1', duration: '5 days', route: 'oral', instructions: 'After food' }
const paracetamol: DrugLineInput = { drugName: 'Paracetamol', strength: '650 mg', form: 'tablet', dose: '1 tablet', frequency: 'SOS', duration: '3 days' }

/** A clinic on Monday morning: Dr. Meera Iyer and Dr. Arjun Rao, Ravi at the desk, Asha the admin, and patients. */
async function clinic(patients = 3) {
  const t = await openTestCore()
  open.push(t)
  const admin = await setUpClinic(t.core)
  const p = await setUpPractice(t.core, admin, { doctors: 2, patients })
  const [meera, arjun] = p.doctors
  await call(t.core, 'settings.update', { autoLogoutMinutes: 480 }, admin)
  const as = {
    admin,
    ravi: (await addStaff(t.core, admin, 'receptionist')).token,
    meera: await signIn(t, 'doctor1@sunrise.example', DOCTOR_PASSWORD),
    arjun: await signIn(t, 'doctor2@sunrise.example', DOCTOR_PASSWORD)
  }
  /** Moves to another instant: everyone signs in again. */
  const travel = async (instant: string) => {
    t.clock.set(instant)
    as.admin = await signIn(t, ADMIN.email, ADMIN.password)
    as.ravi = await signIn(t, STAFF.receptionist.email, STAFF.receptionist.password)
    as.meera = await signIn(t, 'doctor1@sunrise.example', DOCTOR_PASSWORD)
    as.arjun = await signIn(t, 'doctor2@sunrise.example', DOCTOR_PASSWORD)
  }
  const patientId = (patient: number) => p.patients[patient].id
  const openFor = (patient = 0, token = as.meera) => call<Visit>(t.core, 'visits.open', { patientId: patientId(patient) }, token)
  const save = (visit: Pick<Visit, 'id' | 'version'>, note: Omit<VisitNoteInput, 'id' | 'version'>, token = as.meera) => call<Visit>(t.core, 'visits.save', { id: visit.id, version: visit.version, ...note }, token)
  const saveError = (visit: Pick<Visit, 'id' | 'version'>, note: Record<string, unknown>, token = as.meera) => callError(t.core, 'visits.save', { id: visit.id, version: visit.version, ...note }, token)
  const sign = (visit: Pick<Visit, 'id' | 'version'>, token = as.meera) => call<Visit>(t.core, 'visits.sign', { id: visit.id, version: visit.version }, token)
  const get = (visit: Pick<Visit, 'id'>, token = as.meera) => call<Visit>(t.core, 'visits.get', { id: visit.id }, token)
  /** A visit seen, written up and signed: what most tests start from. */
  const seen = async (patient = 0, note: Omit<VisitNoteInput, 'id' | 'version'> = {}, token = as.meera) => {
    const visit = await save(await openFor(patient, token), { chiefComplaint: 'Fever for 3 days', diagnoses: [{ text: 'Viral fever' }], ...note }, token)
    return sign(visit, token)
  }
  const setAllergies = (patient = 0, allergies = ALLERGIES) => call(t.core, 'patients.updateMedical', { id: patientId(patient), allergies }, as.meera)
  const status = async (appointment: Pick<Appointment, 'id'>) => (await call<Appointment>(t.core, 'appointments.get', { id: appointment.id }, as.ravi)).status
  const count = async (table: 'visits' | 'prescription_items' | 'visit_diagnoses' | 'medical_records' | 'visit_amendments' | 'feedback' | 'appointments') =>
    Number((await t.core.services.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return { t, as, ...p, meera, arjun, travel, patientId, openFor, save, saveError, sign, get, seen, setAllergies, status, count }
}

/** Every file in the data folder's file store. */
function storedFiles(dataDir: string): string[] {
  const root = join(dataDir, 'files')
  return existsSync(root) ? (readdirSync(root, { recursive: true }) as string[]).sort() : []
}

function pdfText(bytes: Uint8Array): string {
  return execFileSync('/usr/bin/pdftotext', ['-layout', '-', '-'], { input: Buffer.from(bytes) })
    .toString('utf8')
    .replace(/\s+/g, ' ')
}

async function smallPdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  const page = doc.addPage([300, 200])
  page.drawText(text, { x: 20, y: 100, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) })
  return doc.save()
}

const png = async (colour = '#c0392b') => new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: colour } }).png().toBuffer())

describe('opening a visit', () => {
  it('opens from an appointment, once however often it is asked', async () => {
    const { t, as, book, meera, openFor, patientId } = await clinic()
    const appointment = await book({ start: MON('09:30') })
    const visit = await call<Visit>(t.core, 'visits.open', { appointmentId: appointment.id }, as.meera)
    expect(visit).toMatchObject({ patientId: patientId(0), patientName: 'Anita Desai', doctorId: meera.id, doctorName: 'Dr. Meera Iyer', appointmentId: appointment.id, queueEntryId: null, date: '2025-03-10', status: 'open', version: 1, items: [], diagnoses: [], signedAt: null })
    expect(visit.openedAt).toBe(MON('09:00'))
    expect(await call<Visit>(t.core, 'visits.open', { appointmentId: appointment.id }, as.meera)).toMatchObject({ id: visit.id, version: 1 })
    // The patient's chart open in another window finds the same visit: one visit a day, not two.
    expect((await openFor(0)).id).toBe(visit.id)
  })

  it('opens from a walk-in’s token and calls them in', async () => {
    const { t, as, meera, patientId } = await clinic()
    const { entry } = await call<Issued>(t.core, 'queue.issueToken', { patientId: patientId(1), doctorId: meera.id }, as.ravi)
    expect(entry.status).toBe('waiting')
    t.clock.advance(5 * MINUTE)
    const visit = await call<Visit>(t.core, 'visits.open', { queueEntryId: entry.id }, as.meera)
    expect(visit).toMatchObject({ patientName: 'Ramesh Kumar', queueEntryId: entry.id, appointmentId: null, status: 'open' })
    const queue = await call<DoctorQueue>(t.core, 'queue.forDoctor', { doctorId: meera.id }, as.ravi)
    expect(queue.nowServing).toMatchObject({ id: entry.id, token: entry.token, status: 'in_consultation' })
    expect(queue.waiting).toEqual([])
    expect((await call<Visit>(t.core, 'visits.open', { queueEntryId: entry.id }, as.meera)).id).toBe(visit.id)
  })

  it('opens directly for a patient, and the same one again while it is open', async () => {
    const { openFor, patientId, count } = await clinic()
    const visit = await openFor(2)
    expect(visit).toMatchObject({ patientId: patientId(2), patientName: 'Oliver Brown', appointmentId: null, queueEntryId: null, status: 'open' })
    expect((await openFor(2)).id).toBe(visit.id)
    expect(await count('visits')).toBe(1)
  })

  it('dates the visit by the clinic’s calendar, not UTC', async () => {
    const { openFor, travel } = await clinic()
    // 00:30 on Wednesday 11 June in London is still 10 June in UTC.
    await travel('2025-06-10T23:30:00.000Z')
    expect(await openFor()).toMatchObject({ date: '2025-06-11', openedAt: '2025-06-10T23:30:00.000Z' })
  })

  it('refuses a patient who does not exist', async () => {
    const { t, as, count } = await clinic()
    const error = await callError(t.core, 'visits.open', { patientId: newId(Date.now()) }, as.meera)
    expect(error.code).toBe('VALIDATION')
    expect(Object.keys(error.fields ?? {})).toEqual(['patientId'])
    expect(await count('visits')).toBe(0)
  })
})

describe('writing and signing the note', () => {
  it('saves vitals, the note, diagnoses and the prescription, with the BMI worked out', async () => {
    const { openFor, save, get } = await clinic()
    const visit = await openFor()
    const saved = await save(visit, {
      vitals: { weightKg: 70, heightCm: 175, bpSystolic: 130, bpDiastolic: 85, pulse: 88, temperatureC: 38.4, spo2: 97, sugarMgDl: 110, sugarContext: 'random' },
      chiefComplaint: 'Fever and sore throat for 3 days',
      subjective: 'Fever up to 101 °F, painful swallowing',
      objective: 'Congested throat, tonsils enlarged',
      assessment: 'Acute tonsillitis',
      plan: 'Antibiotics, review in a week',
      diagnoses: [{ text: 'Acute tonsillitis', code: 'J03.9' }, { text: 'Fever' }],
      advice: 'Warm salt-water gargles',
      items: [amoxicillin, paracetamol]
    })
    expect(saved.version).toBe(2)
    expect(saved.bmi).toBe(22.9)
    expect(saved.vitals).toEqual({ weightKg: 70, heightCm: 175, bpSystolic: 130, bpDiastolic: 85, pulse: 88, temperatureC: 38.4, spo2: 97, sugarMgDl: 110, sugarContext: 'random' })
    expect(saved.diagnoses).toEqual([
      { text: 'Acute tonsillitis', code: 'J03.9' },
      { text: 'Fever', code: '' }
    ])
    expect(saved.items.map((i) => [i.drugName, i.strength, i.frequency, i.frequencyMeaning, i.allergy])).toEqual([
      ['Amoxicillin 500', '500 mg', '1-0-1', 'morning and night', null],
      ['Paracetamol', '650 mg', 'SOS', 'only when needed', null]
    ])
    expect(await get(visit)).toEqual(saved)

    // The whole note is saved each time: a drug taken off is gone, and the order is the doctor's.
    const again = await save(saved, { chiefComplaint: 'Fever and sore throat for 3 days', items: [paracetamol], diagnoses: [{ text: 'Fever' }] })
    expect(again.items.map((i) => i.drugName)).toEqual(['Paracetamol'])
    expect(again.diagnoses).toEqual([{ text: 'Fever', code: '' }])
    expect(again.vitals.weightKg).toBeNull()
    expect(again.bmi).toBeNull()
    expect(again.version).toBe(3)
  })

  it('refuses a save from a copy that is out of date (another tab or PC saved since)', async () => {
    const { openFor, save, saveError, get } = await clinic()
    const visit = await openFor()
    const fromTabOne = await save(visit, { chiefComplaint: 'Cough' })
    const error = await saveError(visit, { chiefComplaint: 'Headache' })
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toMatch(/changed elsewhere/)
    expect(await get(visit)).toEqual(fromTabOne)
  })

  it('signing completes the queue entry and the appointment, and closes the note', async () => {
    const { t, as, book, meera, save, saveError, sign, get, status } = await clinic()
    const appointment = await book({ start: MON('09:30') })
    const { entry } = await call<Issued>(t.core, 'queue.arrive', { appointmentId: appointment.id }, as.ravi)
    const visit = await call<Visit>(t.core, 'visits.open', { appointmentId: appointment.id }, as.meera)
    expect(visit.queueEntryId).toBe(entry.id)
    expect(await status(appointment)).toBe('in_consultation')

    const written = await save(visit, { chiefComplaint: 'Follow-up of blood pressure', diagnoses: [{ text: 'Essential hypertension', code: 'I10' }] })
    t.clock.advance(12 * MINUTE)
    const signed = await sign(written)
    expect(signed).toMatchObject({ status: 'signed', signedAt: MON('09:12'), signedByName: 'Dr. Meera Iyer', version: written.version + 1 })
    expect(await status(appointment)).toBe('completed')
    const queue = await call<DoctorQueue>(t.core, 'queue.forDoctor', { doctorId: meera.id }, as.ravi)
    expect(queue.nowServing).toBeNull()
    expect(queue.done.map((e) => [e.id, e.status])).toEqual([[entry.id, 'completed']])

    const error = await saveError(signed, { chiefComplaint: 'Changed after signing' })
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toMatch(/signed/)
    expect((await callError(t.core, 'visits.sign', { id: signed.id, version: signed.version }, as.meera)).code).toBe('CONFLICT')
    expect(await get(visit)).toEqual(signed)
  })

  it('completes the token of a patient whose visit was opened from the calendar before they arrived', async () => {
    const { t, as, book, meera, save, sign, status } = await clinic()
    const appointment = await book({ start: MON('09:30') })
    // The doctor reads up and starts the note from the calendar while the patient is on the way.
    const visit = await save(await call<Visit>(t.core, 'visits.open', { appointmentId: appointment.id }, as.meera), { chiefComplaint: 'Blood pressure check' })
    t.clock.set(MON('09:25'))
    const { entry } = await call<Issued>(t.core, 'queue.arrive', { appointmentId: appointment.id }, as.ravi)
    // Then calls them in from the queue: the same visit.
    const called = await call<Visit>(t.core, 'visits.open', { queueEntryId: entry.id }, as.meera)
    expect(called.id).toBe(visit.id)
    expect((await call<DoctorQueue>(t.core, 'queue.forDoctor', { doctorId: meera.id }, as.ravi)).nowServing?.id).toBe(entry.id)

    await sign(called)
    expect(await status(appointment)).toBe('completed')
    const queue = await call<DoctorQueue>(t.core, 'queue.forDoctor', { doctorId: meera.id }, as.ravi)
    // Seen and signed: not still in the consulting room on the waiting-room screen.
    expect(queue.nowServing).toBeNull()
    expect(queue.done.map((e) => [e.id, e.status])).toEqual([[entry.id, 'completed']])
  })

  it('refuses to sign an empty note, naming the chief complaint', async () => {
    const { t, as, openFor, save, get } = await clinic()
    // Vitals alone are not a note.
    const visit = await save(await openFor(), { vitals: { pulse: 72 } })
    const error = await callError(t.core, 'visits.sign', { id: visit.id, version: visit.version }, as.meera)
    expect(error.code).toBe('VALIDATION')
    expect(Object.keys(error.fields ?? {})).toEqual(['chiefComplaint'])
    expect(await get(visit)).toMatchObject({ status: 'open', signedAt: null, version: visit.version })
  })
})

describe('amendments', () => {
  it('the signer adds one beside the note, which stays as signed', async () => {
    const { t, as, seen, get } = await clinic()
    const signed = await seen(0, { chiefComplaint: 'Fever for 3 days', assessment: 'Viral fever' })
    t.clock.advance(30 * MINUTE)
    const amended = await call<Visit>(t.core, 'visits.amend', { id: signed.id, text: 'Throat swab came back positive for strep' }, as.meera)
    expect(amended.amendments).toEqual([{ id: expect.any(String), at: MON('09:30'), userName: 'Dr. Meera Iyer', text: 'Throat swab came back positive for strep' }])
    expect(amended).toMatchObject({ status: 'signed', chiefComplaint: 'Fever for 3 days', assessment: 'Viral fever', signedAt: signed.signedAt, signedByName: 'Dr. Meera Iyer' })
    expect(await get(signed)).toEqual(amended)
  })

  it('refuses another doctor’s amendment, naming the signer, and one to an unsigned note', async () => {
    const { t, as, seen, openFor, count } = await clinic()
    const signed = await seen()
    const error = await callError(t.core, 'visits.amend', { id: signed.id, text: 'I saw this patient too' }, as.arjun)
    expect(error.code).toBe('FORBIDDEN')
    expect(error.message).toContain('Dr. Meera Iyer')

    const draft = await openFor(1)
    const unsigned = await callError(t.core, 'visits.amend', { id: draft.id, text: 'An afterthought' }, as.meera)
    expect(unsigned.code).toBe('CONFLICT')
    expect(unsigned.message).toMatch(/not signed/)
    expect(await count('visit_amendments')).toBe(0)
  })
})

describe('what the note refuses, naming the field and saving nothing', () => {
  it.each([
    ['a pulse of 400', { vitals: { pulse: 400 } }, 'vitals.pulse'],
    ['a temperature of 55 °C', { vitals: { temperatureC: 55 } }, 'vitals.temperatureC'],
    ['a blood pressure with only the systolic', { vitals: { bpSystolic: 120 } }, 'vitals.bpSystolic'],
    ['a blood pressure lower on top', { vitals: { bpSystolic: 80, bpDiastolic: 120 } }, 'vitals.bpSystolic'],
    ['a prescription line with no drug', { items: [paracetamol, { drugName: '' }] }, 'items.1.drugName'],
    ['a follow-up in the past', { followUpDate: '2025-03-09' }, 'followUpDate'],
    ['a follow-up today', { followUpDate: '2025-03-10' }, 'followUpDate']
  ])('%s', async (_, bad, field) => {
    const { openFor, save, saveError, get } = await clinic()
    const visit = await save(await openFor(), { chiefComplaint: 'Cough', vitals: { pulse: 80 }, items: [paracetamol] })
    const error = await saveError(visit, { chiefComplaint: 'Changed', ...bad })
    expect(error.code).toBe('VALIDATION')
    expect(Object.keys(error.fields ?? {})).toEqual([field])
    expect(error.message).toContain(field)
    expect(await get(visit)).toEqual(visit)
  })

  it('an empty first prescription line is named by its place', async () => {
    const { openFor, saveError, get } = await clinic()
    const visit = await openFor()
    const error = await saveError(visit, { items: [{ drugName: '' }] })
    expect(error.fields).toEqual({ 'items.0.drugName': expect.stringMatching(/required/) })
    expect(await get(visit)).toEqual(visit)
  })
})

describe('medical records: what is refused', () => {
  const upload = (file: Uint8Array, patientId: string) => ({ patientId, file, name: 'report.pdf', type: 'lab_report', recordDate: '2025-03-08' })

  it('refuses a file over the limit', async () => {
    const { t, as, patientId, count } = await clinic()
    const error = await callError(t.core, 'records.upload', upload(new Uint8Array(MAX_RECORD_BYTES + 1), patientId(0)), as.ravi)
    expect(error.code).toBe('VALIDATION')
    expect(error.fields).toEqual({ file: 'must be a file of at most 25 MB' })
    expect(await count('medical_records')).toBe(0)
  })

  it('refuses a program renamed .pdf before storing anything', async () => {
    const { t, as, patientId, count } = await clinic()
    const before = storedFiles(t.dataDir)
    const exe = new Uint8Array(Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(2000, 0x41)]))
    const error = await callError(t.core, 'records.upload', upload(exe, patientId(0)), as.ravi)
    expect(error.code).toBe('VALIDATION')
    expect(Object.keys(error.fields ?? {})).toEqual(['file'])
    expect(error.fields!.file).toMatch(/PDF, JPEG or PNG/)
    expect(await count('medical_records')).toBe(0)
    expect(storedFiles(t.dataDir)).toEqual(before)
  })

  it('refuses a file that says it is a PDF but does not open as one', async () => {
    const { t, as, patientId, count } = await clinic()
    const before = storedFiles(t.dataDir)
    const fake = new Uint8Array(Buffer.from('%PDF-1.7\nthis is not a PDF at all, only a few junk bytes\n'))
    const error = await callError(t.core, 'records.upload', upload(fake, patientId(0)), as.ravi)
    expect(error.code).toBe('VALIDATION')
    expect(error.fields?.file).toMatch(/could not be read/)
    expect(await count('medical_records')).toBe(0)
    expect(storedFiles(t.dataDir)).toEqual(before)
  })
})

describe('allergies', () => {
  it('warns about a drug matching a recorded allergy, and not about the rest', async () => {
    const { t, as, setAllergies, patientId } = await clinic()
    await setAllergies()
    const warnings = await call<AllergyWarning[]>(t.core, 'visits.checkAllergies', { patientId: patientId(0), drugNames: ['Amoxicillin 500', 'Paracetamol', 'Co-trimoxazole'] }, as.meera)
    expect(warnings).toEqual([
      { index: 0, drugName: 'Amoxicillin 500', allergy: 'Penicillin (rash)' },
      { index: 2, drugName: 'Co-trimoxazole', allergy: 'sulfa drugs' }
    ])
    // A patient with no known allergies gets no warnings.
    await setAllergies(1, 'NKDA')
    expect(await call(t.core, 'visits.checkAllergies', { patientId: patientId(1), drugNames: ['Amoxicillin 500'] }, as.meera)).toEqual([])
  })

  it('needs the doctor’s confirmation to prescribe it, and keeps who confirmed and when', async () => {
    const { t, setAllergies, openFor, save, saveError, get, count } = await clinic()
    await setAllergies()
    const visit = await save(await openFor(), { chiefComplaint: 'Sore throat' })

    const refused = await saveError(visit, { chiefComplaint: 'Sore throat', items: [amoxicillin, paracetamol] })
    expect(refused.code).toBe('CONFLICT')
    expect(Object.keys(refused.fields ?? {})).toEqual(['items.0.drugName'])
    expect(refused.fields!['items.0.drugName']).toContain('Penicillin (rash)')
    expect(refused.message).toContain('Amoxicillin 500')
    expect(await get(visit)).toEqual(visit)
    expect(await count('prescription_items')).toBe(0)

    t.clock.advance(2 * MINUTE)
    const confirmed = await save(visit, { chiefComplaint: 'Sore throat', items: [amoxicillin, paracetamol], allergyConfirmed: true })
    expect(confirmed.items.map((i) => [i.drugName, i.allergy])).toEqual([
      ['Amoxicillin 500', { matched: 'Penicillin (rash)', confirmedByName: 'Dr. Meera Iyer', confirmedAt: MON('09:02') }],
      ['Paracetamol', null]
    ])

    // The autosave that follows does not ask again: the confirmation stays as it was given.
    t.clock.advance(MINUTE)
    const autosaved = await save(confirmed, { chiefComplaint: 'Sore throat, worse at night', items: [amoxicillin, paracetamol] })
    expect(autosaved.chiefComplaint).toBe('Sore throat, worse at night')
    expect(autosaved.items[0].allergy).toEqual({ matched: 'Penicillin (rash)', confirmedByName: 'Dr. Meera Iyer', confirmedAt: MON('09:02') })

    // A different drug matching an allergy needs its own confirmation.
    const sulfa = await saveError(autosaved, { chiefComplaint: 'Sore throat', items: [amoxicillin, { drugName: 'Co-trimoxazole' }] })
    expect(sulfa.code).toBe('CONFLICT')
    expect(Object.keys(sulfa.fields ?? {})).toEqual(['items.1.drugName'])
  })
})

describe('who may see and do what', () => {
  it('keeps notes, the chart, record files and prescriptions from the desk, and lets it handle records, feedback and history', async () => {
    const { t, as, seen, patientId } = await clinic()
    const visit = await seen(0, { items: [paracetamol] })
    const record = await call<MedicalRecord>(t.core, 'records.upload', { patientId: patientId(0), file: await smallPdf('CBC'), name: 'Blood count', type: 'lab_report', recordDate: '2025-03-08' }, as.ravi)
    expect(record.uploadedByName).toBe('Ravi Kumar')

    for (const [method, input] of [
      ['visits.get', { id: visit.id }],
      ['chart.get', { patientId: patientId(0) }],
      ['records.file', { id: record.id }],
      ['visits.prescriptionPdf', { id: visit.id }],
      ['visits.open', { patientId: patientId(1) }],
      ['visits.checkAllergies', { patientId: patientId(0), drugNames: ['Amoxicillin'] }]
    ] as const) {
      expect((await callError(t.core, method, input, as.ravi)).code, method).toBe('FORBIDDEN')
    }
    expect((await call<MedicalRecord[]>(t.core, 'records.list', { patientId: patientId(0) }, as.ravi)).map((r) => r.name)).toEqual(['Blood count'])
    expect(await call<Feedback>(t.core, 'feedback.record', { patientId: patientId(0), visitId: visit.id, type: 'good', rating: 5 }, as.ravi)).toMatchObject({ doctorName: 'Dr. Meera Iyer' })
    expect((await call<PatientChange[]>(t.core, 'patients.history', { id: patientId(0) }, as.ravi)).length).toBeGreaterThan(0)
  })

  it('keeps clinical content from admins until the clinic allows it, and never lets them write a note', async () => {
    const { t, as, seen, openFor, patientId } = await clinic()
    const visit = await seen(0, { items: [paracetamol] })
    const denied = await callError(t.core, 'visits.get', { id: visit.id }, as.admin)
    expect(denied.code).toBe('FORBIDDEN')
    expect(denied.message).toMatch(/Clinic settings/)
    expect((await callError(t.core, 'chart.get', { patientId: patientId(0) }, as.admin)).code).toBe('FORBIDDEN')
    expect((await callError(t.core, 'visits.prescriptionPdf', { id: visit.id }, as.admin)).code).toBe('FORBIDDEN')

    await call(t.core, 'settings.update', { adminsSeeClinical: true }, as.admin)
    expect(await call<Visit>(t.core, 'visits.get', { id: visit.id }, as.admin)).toMatchObject({ id: visit.id, chiefComplaint: 'Fever for 3 days' })
    expect((await call<Chart>(t.core, 'chart.get', { patientId: patientId(0) }, as.admin)).patient.name).toBe('Anita Desai')

    const draft = await openFor(1)
    const write = await callError(t.core, 'visits.save', { id: draft.id, version: draft.version, chiefComplaint: 'Written by the admin' }, as.admin)
    expect(write.code).toBe('FORBIDDEN')
    expect((await callError(t.core, 'visits.open', { patientId: patientId(2) }, as.admin)).code).toBe('FORBIDDEN')
  })

  it('lets a doctor record allergies and conditions, and read who changed them', async () => {
    const { t, as, patientId } = await clinic()
    const updated = await call(t.core, 'patients.updateMedical', { id: patientId(0), allergies: ALLERGIES, chronicConditions: 'Type 2 diabetes' }, as.meera)
    expect(updated).toEqual({ id: patientId(0), allergies: ALLERGIES, medicalHistory: '', chronicConditions: 'Type 2 diabetes' })
    const [latest] = await call<PatientChange[]>(t.core, 'patients.history', { id: patientId(0) }, as.meera)
    expect(latest).toMatchObject({ action: 'updated', byName: 'Dr. Meera Iyer', changes: { allergies: ['', ALLERGIES], chronicConditions: ['', 'Type 2 diabetes'] } })
    // Only what was sent changes: the history written earlier stays.
    await call(t.core, 'patients.updateMedical', { id: patientId(0), medicalHistory: 'Appendicectomy 2010' }, as.meera)
    const chart = await call<Chart>(t.core, 'chart.get', { patientId: patientId(0) }, as.meera)
    expect(chart.patient).toMatchObject({ allergies: ALLERGIES, chronicConditions: 'Type 2 diabetes', medicalHistory: 'Appendicectomy 2010' })
  })
})

describe('follow-ups', () => {
  it('books the first free slot on the follow-up date, once', async () => {
    const { t, as, book, openFor, save, count } = await clinic()
    // Someone already has Monday 17 March at 09:00 with Dr. Meera Iyer.
    await book({ patient: 1, start: '2025-03-17T09:00:00.000Z' })
    const visit = await save(await openFor(), { chiefComplaint: 'Hypertension review', followUpDate: '2025-03-17' })
    expect(visit.followUpDate).toBe('2025-03-17')
    const booked = await call<Visit>(t.core, 'visits.bookFollowUp', { id: visit.id }, as.meera)
    expect(booked.followUp).toEqual({ appointmentId: expect.any(String), start: '2025-03-17T09:15:00.000Z', status: 'booked' })
    const appointment = await call<Appointment>(t.core, 'appointments.get', { id: booked.followUp!.appointmentId }, as.ravi)
    expect(appointment).toMatchObject({ patient: { name: 'Anita Desai' }, doctorName: 'Dr. Meera Iyer', reason: 'Follow-up', start: '2025-03-17T09:15:00.000Z', status: 'booked' })

    const appointments = await count('appointments')
    const again = await callError(t.core, 'visits.bookFollowUp', { id: visit.id }, as.meera)
    expect(again.code).toBe('CONFLICT')
    expect(await count('appointments')).toBe(appointments)
  })

  it('books at 09:00 clinic time, in summer time too', async () => {
    const { t, as, openFor, save } = await clinic()
    const visit = await save(await openFor(), { chiefComplaint: 'Review', followUpDate: '2025-04-01' })
    const booked = await call<Visit>(t.core, 'visits.bookFollowUp', { id: visit.id }, as.meera)
    // 09:00 in London on 1 April is 08:00 UTC (BST).
    expect(booked.followUp?.start).toBe('2025-04-01T08:00:00.000Z')
  })

  it('refuses a follow-up on a day the doctor does not work, naming the date', async () => {
    const { t, as, openFor, save, count } = await clinic()
    const visit = await save(await openFor(), { chiefComplaint: 'Review', followUpDate: '2025-03-16' })
    const appointments = await count('appointments')
    const error = await callError(t.core, 'visits.bookFollowUp', { id: visit.id }, as.meera)
    expect(error.code).toBe('VALIDATION')
    expect(Object.keys(error.fields ?? {})).toEqual(['followUpDate'])
    expect(error.message).toContain('Dr. Meera Iyer')
    expect(await count('appointments')).toBe(appointments)
    expect((await call<Visit>(t.core, 'visits.get', { id: visit.id }, as.meera)).followUp).toBeNull()
  })

  it('asks the patient by email to book a follow-up left unbooked, and cancels that once it is booked', async () => {
    const { t, as, openFor, save, sign, patientId } = await clinic()
    await call(t.core, 'messaging.saveSettings', { email: { enabled: true, host: '127.0.0.1', port: 9, security: 'none', user: '', fromName: 'Sunrise', fromAddress: 'desk@sunrise.example' } }, as.admin)
    await call(t.core, 'patients.update', { id: patientId(0), fields: { email: 'anita@example.com' } }, as.ravi)
    const visit = await save(await openFor(), { chiefComplaint: 'Hypertension review', followUpDate: '2025-04-01' })
    const signed = await sign(visit)
    const followUps = () => t.core.services.db.selectFrom('outbox').select(['kind', 'channel', 'recipient', 'due_at', 'status', 'patient_id']).where('kind', '=', 'follow_up').execute()
    // Two days before, at 09:00 in London: 30 March is the day the clocks go forward, so 08:00 UTC.
    expect(await followUps()).toEqual([{ kind: 'follow_up', channel: 'email', recipient: 'anita@example.com', due_at: '2025-03-30T08:00:00.000Z', status: 'pending', patient_id: patientId(0) }])

    await call<Visit>(t.core, 'visits.bookFollowUp', { id: signed.id }, as.meera)
    expect((await followUps()).map((m) => m.status)).toEqual(['cancelled'])
  })
})

describe('prescriptions', () => {
  it('suggests the doctor’s favourites first, then what they prescribed lately, each drug once', async () => {
    const { t, as, travel, seen } = await clinic()
    await call(t.core, 'prescriptions.saveFavourite', { drugName: 'Pantoprazole', strength: '40 mg', form: 'tablet', frequency: '1-0-0', instructions: 'Before breakfast' }, as.meera)
    await seen(0, { items: [amoxicillin, { drugName: 'Pantoprazole', strength: '20 mg' }] })
    await seen(1, { items: [{ drugName: 'Azithromycin', strength: '500 mg' }] }, as.arjun)
    await travel('2025-03-11T10:00:00.000Z')
    await seen(1, { items: [paracetamol, { drugName: 'Cetirizine', strength: '10 mg' }] })

    const all = await call<DrugSuggestion[]>(t.core, 'prescriptions.suggest', {}, as.meera)
    expect(all[0]).toMatchObject({ source: 'favourite', drugName: 'Pantoprazole', strength: '40 mg', frequency: '1-0-0', favouriteId: expect.any(String) })
    expect(all.slice(1).map((s) => s.source)).toEqual(['recent', 'recent', 'recent'])
    // The latest visit's drugs first; Dr. Arjun Rao's azithromycin is his, not hers.
    expect(all.slice(1, 3).map((s) => s.drugName).sort()).toEqual(['Cetirizine', 'Paracetamol'])
    expect(all[3]).toMatchObject({ drugName: 'Amoxicillin 500', strength: '500 mg', frequency: '1-0-1', favouriteId: null })
    expect(await call<DrugSuggestion[]>(t.core, 'prescriptions.suggest', { query: 'AMOX' }, as.meera)).toEqual([expect.objectContaining({ drugName: 'Amoxicillin 500', source: 'recent' })])
    expect((await call<DrugSuggestion[]>(t.core, 'prescriptions.suggest', { query: 'azi' }, as.arjun)).map((s) => s.drugName)).toEqual(['Azithromycin'])
  })

  it('repeats the last signed prescription, not a draft', async () => {
    const { t, as, travel, seen, openFor, save, patientId } = await clinic()
    expect(await call(t.core, 'prescriptions.last', { patientId: patientId(0) }, as.meera)).toBeNull()
    const first = await seen(0, { items: [amoxicillin, paracetamol] })
    await travel('2025-03-12T10:00:00.000Z')
    await save(await openFor(0), { chiefComplaint: 'Review', items: [{ drugName: 'Cetirizine' }] })
    const last = await call<{ visitId: string; date: string; items: DrugLine[] }>(t.core, 'prescriptions.last', { patientId: patientId(0) }, as.meera)
    expect(last).toMatchObject({ visitId: first.id, date: '2025-03-10' })
    expect(last.items).toEqual([
      { drugName: 'Amoxicillin 500', strength: '500 mg', form: 'capsule', dose: '1 capsule', frequency: '1-0-1', duration: '5 days', route: 'oral', instructions: 'After food' },
      { drugName: 'Paracetamol', strength: '650 mg', form: 'tablet', dose: '1 tablet', frequency: 'SOS', duration: '3 days', route: '', instructions: '' }
    ])
  })

  it('prints the prescription with the clinic, the patient, the drugs and the doctor’s registration number', async () => {
    const { t, as, meera, seen, openFor } = await clinic()
    await call(t.core, 'doctors.update', { id: meera.id, fields: { qualifications: 'MBBS, MRCGP', registrationNumber: 'GMC 7654321' } }, as.admin)
    const visit = await seen(0, { items: [amoxicillin, paracetamol], advice: 'Plenty of fluids' })
    const pdf = await call<FileOut>(t.core, 'visits.prescriptionPdf', { id: visit.id }, as.meera)
    expect(pdf.type).toBe('application/pdf')
    expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-')
    expect(pdf.name).toContain(visit.patientNumber)
    const text = pdfText(pdf.bytes)
    for (const expected of ['Sunrise Family Clinic', 'Anita Desai', visit.patientNumber, 'Amoxicillin 500', 'Paracetamol', 'Dr. Meera Iyer', 'GMC 7654321', 'morning and night', 'Plenty of fluids']) {
      expect(text, expected).toContain(expected)
    }

    const empty = await save2(await openFor(1))
    const error = await callError(t.core, 'visits.prescriptionPdf', { id: empty.id }, as.meera)
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toMatch(/no prescription/)

    async function save2(v: Visit) {
      return call<Visit>(t.core, 'visits.save', { id: v.id, version: v.version, chiefComplaint: 'Advice only' }, as.meera)
    }
  })

  it('prints with the clinic’s logo on the letterhead', async () => {
    const { t, as, seen } = await clinic()
    const logo = new Uint8Array(await sharp({ create: { width: 200, height: 200, channels: 4, background: '#1d4e89' } }).png().toBuffer())
    const settings = await call<{ clinicLogo: string | null }>(t.core, 'settings.setLogo', { file: logo }, as.admin)
    expect(settings.clinicLogo).toMatch(/^[0-9a-f]{64}$/)
    const visit = await seen(0, { items: [paracetamol] })
    const pdf = await call<FileOut>(t.core, 'visits.prescriptionPdf', { id: visit.id }, as.meera)
    expect(pdfText(pdf.bytes)).toContain('Sunrise Family Clinic')
    const images = execFileSync('/usr/bin/pdfimages', ['-list', '-'], { input: Buffer.from(pdf.bytes) }).toString('utf8').trim().split('\n').slice(2)
    expect(images.length).toBeGreaterThanOrEqual(1)
  })
})

describe('medical records', () => {
  it('keeps a PDF and a photo, lists them newest record date first, and gives back the same bytes', async () => {
    const { t, as, patientId } = await clinic()
    const report = await smallPdf('Haemoglobin 11.2 g/dL')
    const photo = await png()
    const cbc = await call<MedicalRecord>(
      t.core,
      'records.upload',
      { patientId: patientId(0), file: report, name: 'Blood count', type: 'lab_report', recordDate: '2025-02-20', hospital: 'City Lab', doctorName: 'Dr. Shah', description: 'Mild anaemia' },
      as.ravi
    )
    expect(cbc).toMatchObject({ name: 'Blood count', type: 'lab_report', contentType: 'application/pdf', byteSize: report.byteLength, recordDate: '2025-02-20', hospital: 'City Lab', uploadedByName: 'Ravi Kumar', uploadedAt: MON('09:00'), deletedAt: null })
    t.clock.advance(MINUTE)
    const xray = await call<MedicalRecord>(t.core, 'records.upload', { patientId: patientId(0), file: photo, name: 'Chest X-ray', type: 'imaging', recordDate: '2025-03-05' }, as.meera)
    expect(xray).toMatchObject({ contentType: 'image/png', uploadedByName: 'Dr. Meera Iyer' })

    const list = await call<MedicalRecord[]>(t.core, 'records.list', { patientId: patientId(0) }, as.ravi)
    expect(list.map((r) => [r.name, r.recordDate, r.uploadedByName])).toEqual([
      ['Chest X-ray', '2025-03-05', 'Dr. Meera Iyer'],
      ['Blood count', '2025-02-20', 'Ravi Kumar']
    ])
    expect(await call(t.core, 'records.list', { patientId: patientId(1) }, as.ravi)).toEqual([])

    const pdfBack = await call<FileOut>(t.core, 'records.file', { id: cbc.id }, as.meera)
    expect(pdfBack.type).toBe('application/pdf')
    expect(Buffer.from(pdfBack.bytes).equals(Buffer.from(report))).toBe(true)
    const pngBack = await call<FileOut>(t.core, 'records.file', { id: xray.id }, as.meera)
    expect(pngBack.type).toBe('image/png')
    expect(Buffer.from(pngBack.bytes).equals(Buffer.from(photo))).toBe(true)
  })

  it('removes one with a reason: hidden from the list, kept with who and why', async () => {
    const { t, as, patientId } = await clinic()
    const wrong = await call<MedicalRecord>(t.core, 'records.upload', { patientId: patientId(0), file: await png(), name: 'Ultrasound', type: 'imaging', recordDate: '2025-03-01' }, as.ravi)
    const kept = await call<MedicalRecord>(t.core, 'records.upload', { patientId: patientId(0), file: await smallPdf('ECG'), name: 'ECG', type: 'other', recordDate: '2025-03-02' }, as.ravi)
    t.clock.advance(5 * MINUTE)
    const removed = await call<MedicalRecord>(t.core, 'records.remove', { id: wrong.id, reason: 'Another patient’s scan' }, as.ravi)
    expect(removed).toMatchObject({ deletedAt: MON('09:05'), deletedByName: 'Ravi Kumar', deletedReason: 'Another patient’s scan' })

    expect((await call<MedicalRecord[]>(t.core, 'records.list', { patientId: patientId(0) }, as.ravi)).map((r) => r.id)).toEqual([kept.id])
    const withRemoved = await call<MedicalRecord[]>(t.core, 'records.list', { patientId: patientId(0), includeDeleted: true }, as.ravi)
    expect(withRemoved.map((r) => [r.name, r.deletedReason, r.deletedByName])).toEqual([
      ['ECG', null, null],
      ['Ultrasound', 'Another patient’s scan', 'Ravi Kumar']
    ])
    const chart = await call<Chart>(t.core, 'chart.get', { patientId: patientId(0) }, as.meera)
    expect(chart.timeline.filter((i) => i.kind === 'record').map((i) => (i.kind === 'record' ? i.record.name : ''))).toEqual(['ECG'])

    const twice = await callError(t.core, 'records.remove', { id: wrong.id, reason: 'Again' }, as.ravi)
    expect(twice.code).toBe('CONFLICT')
    expect(twice.message).toContain('Ultrasound')
    expect((await call<MedicalRecord[]>(t.core, 'records.list', { patientId: patientId(0), includeDeleted: true }, as.ravi))[1].deletedAt).toBe(MON('09:05'))
  })
})

describe('the chart', () => {
  it('shows allergies and conditions, vitals over time and everything that happened, newest first', async () => {
    const { t, as, book, travel, openFor, save, sign, patientId } = await clinic()
    await call(t.core, 'patients.updateMedical', { id: patientId(0), allergies: ALLERGIES, chronicConditions: 'Type 2 diabetes; hypertension' }, as.meera)
    // Monday: missed the 09:15 slot, then seen as a walk-in-style visit at 09:20.
    const missed = await book({ start: MON('09:15') })
    await call(t.core, 'appointments.setStatus', { id: missed.id, status: 'no_show' }, as.ravi)
    t.clock.set(MON('09:20'))
    const first = await sign(await save(await openFor(), { chiefComplaint: 'Sugar review', vitals: { weightKg: 82, heightCm: 170, bpSystolic: 150, bpDiastolic: 95 }, diagnoses: [{ text: 'Type 2 diabetes' }] }))

    // Wednesday: seen again, lighter and with better pressure; a report scanned; the next visit booked.
    await travel('2025-03-12T10:00:00.000Z')
    const second = await sign(await save(await openFor(), { chiefComplaint: 'BP review', vitals: { weightKg: 80, heightCm: 170, bpSystolic: 135, bpDiastolic: 85 }, items: [{ drugName: 'Metformin', strength: '500 mg' }] }))
    const record = await call<MedicalRecord>(t.core, 'records.upload', { patientId: patientId(0), file: await smallPdf('HbA1c 7.9%'), name: 'HbA1c', type: 'lab_report', recordDate: '2025-03-11' }, as.ravi)
    const upcoming = await book({ start: '2025-03-19T10:00:00.000Z', token: as.ravi })

    const chart = await call<Chart>(t.core, 'chart.get', { patientId: patientId(0) }, as.meera)
    expect(chart.patient).toMatchObject({ name: 'Anita Desai', allergies: ALLERGIES, chronicConditions: 'Type 2 diabetes; hypertension' })
    expect(chart.vitals.map((v) => [v.date, v.visitId, v.weightKg, v.bpSystolic, v.bmi])).toEqual([
      ['2025-03-10', first.id, 82, 150, 28.4],
      ['2025-03-12', second.id, 80, 135, 27.7]
    ])
    expect(chart.latestVitals).toMatchObject({ visitId: second.id, date: '2025-03-12', weightKg: 80, bpSystolic: 135, bpDiastolic: 85 })
    expect(chart.openVisitId).toBeNull()

    const timeline = chart.timeline.map((i) =>
      i.kind === 'visit' ? ['visit', i.visit.id] : i.kind === 'appointment' ? ['appointment', i.appointment.id, i.appointment.status] : i.kind === 'record' ? ['record', i.record.id] : ['amendment', i.visitId]
    )
    expect(timeline).toEqual([
      ['appointment', upcoming.id, 'booked'],
      ['visit', second.id],
      ['record', record.id],
      ['visit', first.id],
      ['appointment', missed.id, 'no_show']
    ])
    const secondInTimeline = chart.timeline[1]
    expect(secondInTimeline.kind === 'visit' && secondInTimeline.visit).toMatchObject({ date: '2025-03-12', doctorName: 'Dr. Meera Iyer', status: 'signed', chiefComplaint: 'BP review', drugs: ['Metformin 500 mg'] })
  })

  it('names the open visit, and leaves out a visit with no vitals from the series', async () => {
    const { t, as, openFor, save, patientId } = await clinic()
    const draft = await save(await openFor(), { chiefComplaint: 'Cough' })
    const chart = await call<Chart>(t.core, 'chart.get', { patientId: patientId(0) }, as.meera)
    expect(chart.openVisitId).toBe(draft.id)
    expect(chart.vitals).toEqual([])
    expect(chart.latestVitals).toBeNull()
  })
})

describe('feedback', () => {
  it('records the desk’s feedback against the visit’s doctor, and sums it up per doctor for the admin', async () => {
    const { t, as, arjun, seen, patientId } = await clinic()
    const visit = await seen(0)
    const good = await call<Feedback>(t.core, 'feedback.record', { patientId: patientId(0), visitId: visit.id, type: 'good', rating: 4, comment: 'Explained everything clearly' }, as.ravi)
    expect(good).toMatchObject({ patientName: 'Anita Desai', visitId: visit.id, doctorName: 'Dr. Meera Iyer', rating: 4, recordedByName: 'Ravi Kumar', recordedAt: MON('09:00') })

    const noComment = await callError(t.core, 'feedback.record', { patientId: patientId(1), type: 'complaint', rating: 1 }, as.ravi)
    expect(noComment.code).toBe('VALIDATION')
    expect(Object.keys(noComment.fields ?? {})).toEqual(['comment'])
    const tooHigh = await callError(t.core, 'feedback.record', { patientId: patientId(1), type: 'good', rating: 6 }, as.ravi)
    expect(Object.keys(tooHigh.fields ?? {})).toEqual(['rating'])

    t.clock.advance(MINUTE)
    const complaint = await call<Feedback>(t.core, 'feedback.record', { patientId: patientId(1), doctorId: visit.doctorId, type: 'complaint', rating: 2, comment: 'Waited an hour past the appointment time' }, as.ravi)
    t.clock.advance(MINUTE)
    await call<Feedback>(t.core, 'feedback.record', { patientId: patientId(2), doctorId: arjun.id, type: 'suggestion', rating: 5, comment: 'More chairs in the waiting room' }, as.admin)

    const summary = await call<FeedbackSummary>(t.core, 'feedback.summary', {}, as.admin)
    expect(summary.doctors).toEqual([
      { doctorId: visit.doctorId, doctorName: 'Dr. Meera Iyer', count: 2, average: 3, complaints: 1 },
      { doctorId: arjun.id, doctorName: 'Dr. Arjun Rao', count: 1, average: 5, complaints: 0 }
    ])
    expect(summary.overall).toEqual({ count: 3, average: 3.7 })
    expect(summary.recent.map((f) => f.comment)).toEqual(['More chairs in the waiting room', complaint.comment, 'Explained everything clearly'])

    const doctor = await callError(t.core, 'feedback.summary', {}, as.meera)
    expect(doctor.code).toBe('FORBIDDEN')
  })
})
