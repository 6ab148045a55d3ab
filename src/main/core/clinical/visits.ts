import type { Selectable } from 'kysely'
import { ApiError, bmiOf, type DrugLine, type ParsedInputOf, type Visit, type VisitSummary, type Vitals } from '../../../shared/api'
import { frequencyMeaning } from '../../../shared/lib/frequency'
import type { WriteContext } from '../context'
import type { ReadDb } from '../db/read-only'
import type { DoctorsTable, VisitsTable } from '../db/schema'
import { clinicToday, finishConsultation, getEntry, startConsultation } from '../frontdesk/queue'
import { cancelFollowUpMessages, queueFollowUpMessages } from '../messaging/outbox'
import { activePatient } from '../patients/repository'
import { bookAppointment } from '../schedule/booking'
import { slotsFor } from '../schedule/handlers'
import { getAppointment } from '../schedule/views'
import { requireSettings } from '../settings/settings'
import { allergyWarnings } from './allergies'

type VisitRow = Selectable<VisitsTable>

/** The doctor profile of the signed-in doctor: clinical writes are theirs. */
export async function ownDoctor(ctx: { db: ReadDb; user: { id: string; name: string } }): Promise<Selectable<DoctorsTable>> {
  const doctor = await ctx.db.selectFrom('doctors').selectAll().where('user_id', '=', ctx.user.id).executeTakeFirst()
  if (!doctor) throw new ApiError('FORBIDDEN', `${ctx.user.name} has no doctor profile: an admin sets one up under Doctors`)
  return doctor
}

export async function visitRow(db: ReadDb, id: string, field = 'id'): Promise<VisitRow> {
  const row = await db.selectFrom('visits').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw ApiError.field(field, `is not a known visit (${id})`)
  return row
}

export function vitalsOf(row: VisitRow): Vitals {
  return {
    weightKg: row.weight_kg,
    heightCm: row.height_cm,
    bpSystolic: row.bp_systolic,
    bpDiastolic: row.bp_diastolic,
    pulse: row.pulse,
    temperatureC: row.temperature_c,
    spo2: row.spo2,
    sugarMgDl: row.sugar_mg_dl,
    sugarContext: row.sugar_context
  }
}

export async function getVisit(db: ReadDb, id: string): Promise<Visit> {
  const row = await visitRow(db, id)
  const [patient, doctor, signer, diagnoses, items, amendments, followUp] = await Promise.all([
    db.selectFrom('patients').select(['name', 'number']).where('id', '=', row.patient_id).executeTakeFirstOrThrow(),
    db.selectFrom('doctors').select('name').where('id', '=', row.doctor_id).executeTakeFirstOrThrow(),
    row.signed_by ? db.selectFrom('users').select('name').where('id', '=', row.signed_by).executeTakeFirst() : undefined,
    db.selectFrom('visit_diagnoses').select(['text', 'code']).where('visit_id', '=', id).orderBy('position').execute(),
    db
      .selectFrom('prescription_items as i')
      .leftJoin('users as u', 'u.id', 'i.allergy_confirmed_by')
      .selectAll('i')
      .select('u.name as confirmer')
      .where('i.visit_id', '=', id)
      .orderBy('i.position')
      .execute(),
    db.selectFrom('visit_amendments as a').innerJoin('users as u', 'u.id', 'a.user_id').select(['a.id', 'a.at', 'a.text', 'u.name']).where('a.visit_id', '=', id).orderBy('a.at').execute(),
    row.follow_up_appointment_id ? getAppointment(db, row.follow_up_appointment_id) : null
  ])
  return {
    id: row.id,
    patientId: row.patient_id,
    patientName: patient.name,
    patientNumber: patient.number,
    doctorId: row.doctor_id,
    doctorName: doctor.name,
    appointmentId: row.appointment_id,
    queueEntryId: row.queue_entry_id,
    date: row.date,
    openedAt: row.opened_at,
    status: row.status,
    vitals: vitalsOf(row),
    bmi: bmiOf(row.weight_kg, row.height_cm),
    chiefComplaint: row.chief_complaint,
    noteFormat: row.note_format,
    subjective: row.subjective,
    objective: row.objective,
    assessment: row.assessment,
    plan: row.plan,
    freeText: row.free_text,
    diagnoses,
    advice: row.advice,
    followUpDate: row.follow_up_date,
    followUp: followUp ? { appointmentId: followUp.id, start: followUp.start, status: followUp.status } : null,
    items: items.map((i) => ({
      id: i.id,
      ...drugLineOf(i),
      frequencyMeaning: frequencyMeaning(i.frequency),
      allergy: i.allergy_matched && i.allergy_confirmed_at ? { matched: i.allergy_matched, confirmedByName: i.confirmer ?? '', confirmedAt: i.allergy_confirmed_at } : null
    })),
    signedAt: row.signed_at,
    signedByName: signer?.name ?? null,
    amendments: amendments.map((a) => ({ id: a.id, at: a.at, userName: a.name, text: a.text })),
    version: row.version,
    updatedAt: row.updated_at
  }
}

export function drugLineOf(row: DrugLineRow): DrugLine {
  return {
    drugName: row.drug_name,
    strength: row.strength,
    form: row.form,
    dose: row.dose,
    frequency: row.frequency,
    duration: row.duration,
    route: row.route,
    instructions: row.instructions
  }
}

type DrugLineRow = { drug_name: string; strength: string; form: string; dose: string; frequency: string; duration: string; route: string; instructions: string }

export const drugColumns = (line: DrugLine) => ({
  drug_name: line.drugName,
  strength: line.strength,
  form: line.form,
  dose: line.dose,
  frequency: line.frequency,
  duration: line.duration,
  route: line.route,
  instructions: line.instructions
})

/**
 * Opens the visit for an appointment, a queue entry or a patient; the one already open for it
 * if there is one, so a double click or a second PC never starts two. The doctor who opens it
 * is the visit's doctor (a colleague covering sees the patient under their own name).
 */
export async function openVisit(tx: WriteContext, input: ParsedInputOf<'visits.open'>): Promise<Visit> {
  const settings = await requireSettings(tx.db)
  const doctor = await ownDoctor(tx)
  const today = clinicToday(tx.now, settings.timeZone)
  let patientId: string
  let appointmentId: string | null = null
  let entryId: string | null = null
  if (input.queueEntryId) {
    const entry = await getEntry(tx.db, input.queueEntryId, 'queueEntryId')
    if (entry.status === 'left') throw ApiError.field('queueEntryId', `token ${entry.token} (${entry.patient.name}) left without being seen`)
    patientId = entry.patient.id
    entryId = entry.id
    appointmentId = entry.appointmentId
  } else if (input.appointmentId) {
    const appointment = await getAppointment(tx.db, input.appointmentId).catch(() => {
      throw ApiError.field('appointmentId', `is not a known appointment (${input.appointmentId})`)
    })
    if (appointment.status === 'cancelled' || appointment.status === 'no_show') {
      throw ApiError.field('appointmentId', `the appointment was ${appointment.status === 'cancelled' ? 'cancelled' : 'marked a no-show'}; open a visit for the patient instead`)
    }
    patientId = appointment.patient.id
    appointmentId = appointment.id
    entryId = (await tx.db.selectFrom('queue_entries').select('id').where('appointment_id', '=', appointment.id).executeTakeFirst())?.id ?? null
  } else {
    patientId = (await activePatient(tx.db, input.patientId!, 'use')).id
  }
  await activePatient(tx.db, patientId, 'use')

  const existing = await tx.db
    .selectFrom('visits')
    .select('id')
    .where((eb) =>
      eb.or([
        ...(entryId ? [eb('queue_entry_id', '=', entryId)] : []),
        ...(appointmentId ? [eb('appointment_id', '=', appointmentId)] : []),
        // Opened directly: today's open visit with this doctor, if the patient has one.
        ...(!entryId && !appointmentId ? [eb.and([eb('patient_id', '=', patientId), eb('doctor_id', '=', doctor.id), eb('date', '=', today), eb('status', '=', 'open')])] : [])
      ])
    )
    .executeTakeFirst()
  if (existing) {
    if (entryId) await startConsultation(tx, entryId)
    return getVisit(tx.db, existing.id)
  }
  const id = tx.newId()
  const at = tx.now.toISOString()
  await tx.db
    .insertInto('visits')
    .values({
      id,
      patient_id: patientId,
      doctor_id: doctor.id,
      appointment_id: appointmentId,
      queue_entry_id: entryId,
      date: today,
      opened_at: at,
      opened_by: tx.user.id,
      status: 'open',
      ...EMPTY_NOTE,
      version: 1,
      updated_at: at
    })
    .execute()
  if (entryId) await startConsultation(tx, entryId)
  return getVisit(tx.db, id)
}

const EMPTY_NOTE = {
  weight_kg: null,
  height_cm: null,
  bp_systolic: null,
  bp_diastolic: null,
  pulse: null,
  temperature_c: null,
  spo2: null,
  sugar_mg_dl: null,
  sugar_context: null,
  chief_complaint: '',
  note_format: 'soap',
  subjective: '',
  objective: '',
  assessment: '',
  plan: '',
  free_text: '',
  advice: '',
  follow_up_date: null,
  follow_up_appointment_id: null,
  signed_at: null,
  signed_by: null
} as const

async function openForEditing(tx: WriteContext, id: string, version: number): Promise<VisitRow> {
  const row = await visitRow(tx.db, id)
  if (row.status === 'signed') throw new ApiError('CONFLICT', 'This note is signed and can no longer change: add an amendment instead')
  if (row.version !== version) throw new ApiError('CONFLICT', 'This visit was changed elsewhere since you opened it (another tab or PC): reload it to see the changes')
  return row
}

/** Saves the whole note. A drug matching a recorded allergy needs the doctor's confirmation, which is kept. */
export async function saveVisit(tx: WriteContext, input: ParsedInputOf<'visits.save'>): Promise<Visit> {
  const row = await openForEditing(tx, input.id, input.version)
  const settings = await requireSettings(tx.db)
  if (input.followUpDate !== null && input.followUpDate <= clinicToday(tx.now, settings.timeZone)) {
    throw ApiError.field('followUpDate', 'must be after today')
  }
  const patient = await tx.db.selectFrom('patients').select('allergies').where('id', '=', row.patient_id).executeTakeFirstOrThrow()
  const warnings = allergyWarnings(
    input.items.map((i) => i.drugName),
    patient.allergies
  )
  const confirmedBefore = await tx.db.selectFrom('prescription_items').select(['drug_name', 'allergy_matched', 'allergy_confirmed_by', 'allergy_confirmed_at']).where('visit_id', '=', row.id).where('allergy_matched', 'is not', null).execute()
  const alreadyConfirmed = (drugName: string, allergy: string) => confirmedBefore.find((c) => c.drug_name === drugName && c.allergy_matched === allergy)
  const unconfirmed = warnings.filter((w) => !alreadyConfirmed(input.items[w.index].drugName, w.allergy))
  if (unconfirmed.length > 0 && !input.allergyConfirmed) {
    throw new ApiError(
      'CONFLICT',
      unconfirmed.map((w) => `${w.drugName} matches the allergy “${w.allergy}” recorded for this patient`).join('; ') + ': confirm to prescribe anyway',
      Object.fromEntries(unconfirmed.map((w) => [`items.${w.index}.drugName`, `matches the allergy “${w.allergy}” recorded for this patient: confirm to prescribe it`]))
    )
  }
  const at = tx.now.toISOString()
  const v = input.vitals
  await tx.db
    .updateTable('visits')
    .set({
      weight_kg: v.weightKg,
      height_cm: v.heightCm,
      bp_systolic: v.bpSystolic,
      bp_diastolic: v.bpDiastolic,
      pulse: v.pulse,
      temperature_c: v.temperatureC,
      spo2: v.spo2,
      sugar_mg_dl: v.sugarMgDl,
      sugar_context: v.sugarMgDl === null ? null : v.sugarContext,
      chief_complaint: input.chiefComplaint,
      note_format: input.noteFormat,
      subjective: input.subjective,
      objective: input.objective,
      assessment: input.assessment,
      plan: input.plan,
      free_text: input.freeText,
      advice: input.advice,
      follow_up_date: input.followUpDate,
      version: row.version + 1,
      updated_at: at
    })
    .where('id', '=', row.id)
    .execute()
  if (row.follow_up_date !== input.followUpDate) await cancelFollowUpMessages(tx, row.id, 'The follow-up date changed')

  await tx.db.deleteFrom('visit_diagnoses').where('visit_id', '=', row.id).execute()
  for (const [position, d] of input.diagnoses.entries()) {
    await tx.db.insertInto('visit_diagnoses').values({ id: tx.newId(), visit_id: row.id, position, text: d.text, code: d.code }).execute()
  }
  await tx.db.deleteFrom('prescription_items').where('visit_id', '=', row.id).execute()
  for (const [position, item] of input.items.entries()) {
    const warning = warnings.find((w) => w.index === position)
    const before = warning ? alreadyConfirmed(item.drugName, warning.allergy) : undefined
    await tx.db
      .insertInto('prescription_items')
      .values({
        id: tx.newId(),
        visit_id: row.id,
        position,
        ...drugColumns(item),
        allergy_matched: warning?.allergy ?? null,
        allergy_confirmed_by: warning ? (before?.allergy_confirmed_by ?? tx.user.id) : null,
        allergy_confirmed_at: warning ? (before?.allergy_confirmed_at ?? at) : null
      })
      .execute()
  }
  return getVisit(tx.db, row.id)
}

const hasContent = (row: VisitRow) => [row.chief_complaint, row.subjective, row.objective, row.assessment, row.plan, row.free_text].some((t) => t.trim() !== '')

/** Signing closes the note for good and completes the patient's visit (queue and calendar). */
export async function signVisit(tx: WriteContext, input: { id: string; version: number }): Promise<Visit> {
  const row = await openForEditing(tx, input.id, input.version)
  const diagnoses = await tx.db.selectFrom('visit_diagnoses').select('id').where('visit_id', '=', row.id).executeTakeFirst()
  if (!hasContent(row) && !diagnoses) throw ApiError.field('chiefComplaint', 'and the rest of the note are empty: write what the visit was for before signing')
  const at = tx.now.toISOString()
  // A colleague covering signs as themselves: the prescription then prints their name and registration.
  const signer = await ownDoctor(tx)
  await tx.db.updateTable('visits').set({ status: 'signed', signed_at: at, signed_by: tx.user.id, doctor_id: signer.id, version: row.version + 1, updated_at: at }).where('id', '=', row.id).execute()
  // Opened from the calendar before the patient arrived: their token came later, and is theirs.
  const entryId = row.queue_entry_id ?? (row.appointment_id ? ((await tx.db.selectFrom('queue_entries').select('id').where('appointment_id', '=', row.appointment_id).executeTakeFirst())?.id ?? null) : null)
  if (entryId !== row.queue_entry_id) await tx.db.updateTable('visits').set({ queue_entry_id: entryId }).where('id', '=', row.id).execute()
  await finishConsultation(tx, entryId, row.appointment_id)
  const visit = await getVisit(tx.db, row.id)
  if (visit.followUpDate && !visit.followUp) await queueFollowUpMessages(tx, { id: visit.id, patientId: visit.patientId, doctorName: visit.doctorName, followUpDate: visit.followUpDate })
  return visit
}

/** An amendment sits beside the signed note, by the doctor who signed it; the note never changes. */
export async function amendVisit(tx: WriteContext, input: { id: string; text: string }): Promise<Visit> {
  const row = await visitRow(tx.db, input.id)
  if (row.status !== 'signed') throw new ApiError('CONFLICT', 'This note is not signed yet: change the note itself')
  if (row.signed_by !== tx.user.id) {
    const signer = await tx.db.selectFrom('users').select('name').where('id', '=', row.signed_by!).executeTakeFirst()
    throw new ApiError('FORBIDDEN', `id: only ${signer?.name ?? 'the doctor who signed it'}, who signed this note, can amend it`, { id: `only ${signer?.name ?? 'its signer'} can amend this note` })
  }
  await tx.db.insertInto('visit_amendments').values({ id: tx.newId(), visit_id: row.id, at: tx.now.toISOString(), user_id: tx.user.id, text: input.text }).execute()
  await tx.db.updateTable('visits').set({ version: row.version + 1, updated_at: tx.now.toISOString() }).where('id', '=', row.id).execute()
  return getVisit(tx.db, row.id)
}

/**
 * Books the follow-up through the slot engine: the time the doctor picked, or the first free
 * slot on the follow-up date. The appointment type is the visit's own appointment's, else one
 * named "follow-up" the doctor offers, else the first the doctor offers.
 */
export async function bookFollowUp(tx: WriteContext, input: { id: string; start?: string }): Promise<Visit> {
  const row = await visitRow(tx.db, input.id)
  if (!row.follow_up_date) throw ApiError.field('followUpDate', 'is not set: choose the follow-up date first')
  if (row.follow_up_appointment_id) {
    const current = await getAppointment(tx.db, row.follow_up_appointment_id)
    if (current.status !== 'cancelled') throw new ApiError('CONFLICT', 'The follow-up is already booked: move it from the calendar')
  }
  const typeId = await followUpType(tx, row)
  const slots = await slotsFor(tx.db, tx.now, { typeId, doctorId: row.doctor_id, from: row.follow_up_date, to: row.follow_up_date, limit: 500 })
  const slot = input.start ? slots.find((s) => Date.parse(s.start) === Date.parse(input.start!)) : slots[0]
  if (!slot) {
    const doctor = await tx.db.selectFrom('doctors').select('name').where('id', '=', row.doctor_id).executeTakeFirstOrThrow()
    throw input.start ? ApiError.field('start', 'is not a free slot any more: choose another time') : ApiError.field('followUpDate', `${doctor.name} has no free time that day: choose another date`)
  }
  const appointment = await bookAppointment(tx, { patientId: row.patient_id, doctorId: row.doctor_id, typeId, start: slot.start, reason: 'Follow-up', mode: 'in_person' })
  await tx.db.updateTable('visits').set({ follow_up_appointment_id: appointment.id, version: row.version + 1, updated_at: tx.now.toISOString() }).where('id', '=', row.id).execute()
  await cancelFollowUpMessages(tx, row.id, 'The follow-up was booked')
  return getVisit(tx.db, row.id)
}

async function followUpType(tx: WriteContext, row: VisitRow): Promise<string> {
  if (row.appointment_id) return (await getAppointment(tx.db, row.appointment_id)).typeId
  const types = await tx.db
    .selectFrom('appointment_types as t')
    .select(['t.id', 't.name'])
    .where('t.active', '=', 1)
    .where((eb) =>
      eb.or([
        eb.not(eb.exists(eb.selectFrom('appointment_type_doctors as o').select('o.id').whereRef('o.type_id', '=', 't.id'))),
        eb.exists(eb.selectFrom('appointment_type_doctors as o').select('o.id').whereRef('o.type_id', '=', 't.id').where('o.doctor_id', '=', row.doctor_id))
      ])
    )
    .orderBy('t.name')
    .execute()
  const chosen = types.find((t) => /follow/i.test(t.name)) ?? types[0]
  if (!chosen) throw new ApiError('CONFLICT', 'No appointment type is offered by this doctor: an admin adds one under Appointment types')
  return chosen.id
}

/** A patient's visits, newest first, without their note text (the chart's timeline). */
export async function visitSummaries(db: ReadDb, patientId: string): Promise<Array<VisitSummary & { row: VisitRow }>> {
  const rows = await db.selectFrom('visits').selectAll().where('patient_id', '=', patientId).orderBy('opened_at', 'desc').execute()
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const [doctors, diagnoses, drugs, amendments] = await Promise.all([
    db.selectFrom('doctors').select(['id', 'name']).where('id', 'in', [...new Set(rows.map((r) => r.doctor_id))]).execute(),
    db.selectFrom('visit_diagnoses').select(['visit_id', 'text']).where('visit_id', 'in', ids).orderBy('position').execute(),
    db.selectFrom('prescription_items').select(['visit_id', 'drug_name', 'strength']).where('visit_id', 'in', ids).orderBy('position').execute(),
    db.selectFrom('visit_amendments').select(['visit_id']).where('visit_id', 'in', ids).execute()
  ])
  return rows.map((row) => ({
    row,
    id: row.id,
    date: row.date,
    openedAt: row.opened_at,
    doctorName: doctors.find((d) => d.id === row.doctor_id)?.name ?? '',
    status: row.status,
    chiefComplaint: row.chief_complaint,
    diagnoses: diagnoses.filter((d) => d.visit_id === row.id).map((d) => d.text),
    drugs: drugs.filter((d) => d.visit_id === row.id).map((d) => [d.drug_name, d.strength].filter(Boolean).join(' ')),
    amendments: amendments.filter((a) => a.visit_id === row.id).length
  }))
}

