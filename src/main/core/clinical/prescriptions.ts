import { DateTime } from 'luxon'
import { ApiError, type DrugLine, type DrugSuggestion, type Settings } from '../../../shared/api'
import type { ReadContext, WriteContext } from '../context'
import type { ReadDb } from '../db/read-only'
import type { FileStore } from '../files/store'
import { prescriptionPdf } from './prescription-pdf'
import { drugColumns, drugLineOf, getVisit, ownDoctor } from './visits'

/**
 * The doctor's own drugs matching what they type: favourites first, then what they prescribed
 * lately (each drug once, as they last wrote it), so a regular's "amox" becomes their usual line.
 */
export async function suggestDrugs(ctx: ReadContext, query: string, limit: number): Promise<DrugSuggestion[]> {
  const doctor = await ownDoctor(ctx)
  // LIKE's wildcards in what was typed are dropped rather than escaped: no drug name holds them.
  const like = `%${query.replace(/[%_\\]/g, '')}%`
  let favourites = ctx.db.selectFrom('favourite_drugs').selectAll().where('doctor_id', '=', doctor.id)
  if (query) favourites = favourites.where(({ eb, fn }) => eb(fn('lower', ['drug_name']), 'like', like.toLowerCase()))
  const liked = (await favourites.orderBy('drug_name').limit(limit).execute()).map((f) => ({ ...drugLineOf(f), source: 'favourite' as const, favouriteId: f.id }))
  let recent = ctx.db
    .selectFrom('prescription_items as i')
    .innerJoin('visits as v', 'v.id', 'i.visit_id')
    .selectAll('i')
    .select('v.opened_at')
    .where('v.doctor_id', '=', doctor.id)
  if (query) recent = recent.where(({ eb, fn }) => eb(fn('lower', ['i.drug_name']), 'like', like.toLowerCase()))
  const lately = await recent.orderBy('v.opened_at', 'desc').limit(200).execute()
  const seen = new Set(liked.map((f) => f.drugName.toLowerCase()))
  const out: DrugSuggestion[] = [...liked]
  for (const row of lately) {
    if (out.length >= limit) break
    const name = row.drug_name.toLowerCase()
    if (seen.has(name)) continue
    seen.add(name)
    out.push({ ...drugLineOf(row), source: 'recent', favouriteId: null })
  }
  return out
}

/** The patient's last prescription that was signed, to repeat it in one action. */
export async function lastPrescription(db: ReadDb, patientId: string): Promise<{ visitId: string; date: string; items: DrugLine[] } | null> {
  const patient = await db.selectFrom('patients').select('id').where('id', '=', patientId).executeTakeFirst()
  if (!patient) throw ApiError.field('patientId', `is not a known patient (${patientId})`)
  const visit = await db
    .selectFrom('visits as v')
    .select(['v.id', 'v.date'])
    .where('v.patient_id', '=', patientId)
    .where('v.status', '=', 'signed')
    .where((eb) => eb.exists(eb.selectFrom('prescription_items as i').select('i.id').whereRef('i.visit_id', '=', 'v.id')))
    .orderBy('v.signed_at', 'desc')
    .executeTakeFirst()
  if (!visit) return null
  const items = await db.selectFrom('prescription_items').selectAll().where('visit_id', '=', visit.id).orderBy('position').execute()
  return { visitId: visit.id, date: visit.date, items: items.map(drugLineOf) }
}

export async function saveFavourite(tx: WriteContext, line: DrugLine): Promise<DrugSuggestion> {
  const doctor = await ownDoctor(tx)
  const existing = await tx.db
    .selectFrom('favourite_drugs')
    .select('id')
    .where('doctor_id', '=', doctor.id)
    .where('drug_name', '=', line.drugName)
    .where('strength', '=', line.strength)
    .where('form', '=', line.form)
    .executeTakeFirst()
  const values = drugColumns(line)
  const id = existing?.id ?? tx.newId()
  if (existing) await tx.db.updateTable('favourite_drugs').set(values).where('id', '=', id).execute()
  else await tx.db.insertInto('favourite_drugs').values({ id, doctor_id: doctor.id, ...values, created_at: tx.now.toISOString() }).execute()
  return { ...line, source: 'favourite', favouriteId: id }
}

export async function removeFavourite(tx: WriteContext, id: string): Promise<{ removed: true }> {
  const doctor = await ownDoctor(tx)
  const row = await tx.db.selectFrom('favourite_drugs').select(['id', 'doctor_id']).where('id', '=', id).executeTakeFirst()
  if (!row || row.doctor_id !== doctor.id) throw ApiError.field('id', `is not one of your favourite drugs (${id})`)
  await tx.db.deleteFrom('favourite_drugs').where('id', '=', id).execute()
  return { removed: true }
}

const SEX: Record<string, string> = { female: 'Female', male: 'Male', other: 'Other', unknown: '' }

/** Age on a date, as a prescription writes it: years, or months under two, or days under a month. */
export function ageOn(dateOfBirth: string | null, on: string): string {
  if (!dateOfBirth) return ''
  const diff = DateTime.fromISO(on).diff(DateTime.fromISO(dateOfBirth), ['years', 'months', 'days'])
  if (diff.years >= 2) return `${Math.floor(diff.years)} y`
  const months = Math.floor(diff.years * 12 + diff.months)
  return months >= 1 ? `${months} mo` : `${Math.max(0, Math.floor(diff.days))} d`
}

/** The prescription as a PDF, made here so the desktop and the hub print the same file. */
export async function visitPrescriptionPdf(db: ReadDb, files: FileStore, settings: Readonly<Settings>, visitId: string) {
  const visit = await getVisit(db, visitId)
  if (visit.items.length === 0) throw new ApiError('CONFLICT', 'This visit has no prescription: add a drug first')
  const [patient, doctor] = await Promise.all([
    db.selectFrom('patients').select(['name', 'number', 'date_of_birth', 'gender']).where('id', '=', visit.patientId).executeTakeFirstOrThrow(),
    db.selectFrom('doctors').select(['name', 'qualifications', 'registration_number']).where('id', '=', visit.doctorId).executeTakeFirstOrThrow()
  ])
  const a = settings.clinicAddress
  const bytes = await prescriptionPdf({
    clinic: {
      name: settings.clinicName,
      addressLines: [a.line, [a.city, a.state, a.postalCode].filter(Boolean).join(', ')].filter(Boolean),
      phone: settings.clinicPhone,
      logo: settings.clinicLogo ? files.get(settings.clinicLogo) : null
    },
    doctor: { name: doctor.name, qualifications: doctor.qualifications, registrationNumber: doctor.registration_number },
    patient: { name: patient.name, number: patient.number, age: ageOn(patient.date_of_birth, visit.date), sex: SEX[patient.gender] ?? '' },
    date: DateTime.fromISO(visit.date, { zone: settings.timeZone }).toFormat('ccc d LLL yyyy'),
    chiefComplaint: visit.chiefComplaint,
    diagnoses: visit.diagnoses.map((d) => (d.code ? `${d.text} (${d.code})` : d.text)),
    items: visit.items,
    advice: visit.advice,
    followUp: visit.followUp
      ? DateTime.fromISO(visit.followUp.start, { zone: settings.timeZone }).toFormat('ccc d LLL yyyy, HH:mm')
      : visit.followUpDate
        ? DateTime.fromISO(visit.followUpDate, { zone: settings.timeZone }).toFormat('ccc d LLL yyyy')
        : null
  })
  const safe = patient.name.replace(/[\\/:*?"<>|]+/g, ' ').trim()
  return { type: 'application/pdf', bytes, name: `Prescription ${patient.number} ${safe} ${visit.date}.pdf` }
}
