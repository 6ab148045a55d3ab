import type { Selectable } from 'kysely'
import { PDFDocument } from 'pdf-lib'
import sharp from 'sharp'
import { ApiError, type MedicalRecord, type ParsedInputOf } from '../../../shared/api'
import type { OwnTransactionContext, WriteContext } from '../context'
import type { ReadDb } from '../db/read-only'
import type { MedicalRecordsTable } from '../db/schema'
import { activePatient } from '../patients/repository'
import { documentType } from '../patients/photo'

/**
 * What an uploaded record really is, from its bytes: a PDF that opens, or a JPEG or PNG that
 * decodes. The name it came with counts for nothing, so a program renamed "report.pdf" is refused.
 */
export async function checkRecordFile(file: Uint8Array): Promise<MedicalRecord['contentType']> {
  const type = documentType(file)
  if (!type) throw ApiError.field('file', 'must be a PDF, JPEG or PNG (checked from its content, not its name)')
  try {
    if (type === 'application/pdf') {
      // pdf-lib forgives a lot; a document it cannot find one page in is no report.
      const pdf = await PDFDocument.load(file, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: true })
      if (pdf.getPageCount() === 0) throw new Error('no pages')
    } else await sharp(file, { limitInputPixels: 120_000_000 }).metadata()
  } catch {
    throw ApiError.field('file', `could not be read as ${type === 'application/pdf' ? 'a PDF' : 'an image'}; it may be damaged`)
  }
  return type
}

export async function uploadRecord(ctx: OwnTransactionContext, input: ParsedInputOf<'records.upload'>): Promise<MedicalRecord> {
  await activePatient(ctx.db, input.patientId, 'add')
  const contentType = await checkRecordFile(input.file)
  // Stored before the write: a file with no row is harmless (the store is content-addressed),
  // a row with no file is not.
  const sha = ctx.services.files.put(Buffer.from(input.file.buffer, input.file.byteOffset, input.file.byteLength))
  return ctx.write(async (tx) => {
    if (input.visitId) {
      const visit = await tx.db.selectFrom('visits').select('patient_id').where('id', '=', input.visitId).executeTakeFirst()
      if (!visit) throw ApiError.field('visitId', `is not a known visit (${input.visitId})`)
      if (visit.patient_id !== input.patientId) throw ApiError.field('visitId', 'is another patient’s visit')
    }
    const id = tx.newId()
    await tx.db
      .insertInto('medical_records')
      .values({
        id,
        patient_id: input.patientId,
        visit_id: input.visitId,
        file_sha256: sha,
        content_type: contentType,
        byte_size: input.file.byteLength,
        name: input.name,
        type: input.type,
        record_date: input.recordDate,
        hospital: input.hospital,
        doctor_name: input.doctorName,
        description: input.description,
        uploaded_by: tx.user.id,
        uploaded_at: tx.now.toISOString(),
        deleted_at: null,
        deleted_by: null,
        deleted_reason: null
      })
      .execute()
    return getRecord(tx.db, id)
  })
}

type RecordRow = Selectable<MedicalRecordsTable> & { uploader: string; deleter: string | null }

function recordsQuery(db: ReadDb) {
  return db
    .selectFrom('medical_records as r')
    .innerJoin('users as u', 'u.id', 'r.uploaded_by')
    .leftJoin('users as d', 'd.id', 'r.deleted_by')
    .selectAll('r')
    .select(['u.name as uploader', 'd.name as deleter'])
}

function toRecord(r: RecordRow): MedicalRecord {
  return {
    id: r.id,
    patientId: r.patient_id,
    visitId: r.visit_id,
    name: r.name,
    type: r.type,
    contentType: r.content_type,
    byteSize: r.byte_size,
    recordDate: r.record_date,
    hospital: r.hospital,
    doctorName: r.doctor_name,
    description: r.description,
    uploadedByName: r.uploader,
    uploadedAt: r.uploaded_at,
    deletedAt: r.deleted_at,
    deletedByName: r.deleter,
    deletedReason: r.deleted_reason
  }
}

export async function getRecord(db: ReadDb, id: string): Promise<MedicalRecord> {
  const row = await recordsQuery(db).where('r.id', '=', id).executeTakeFirst()
  if (!row) throw ApiError.field('id', `is not a known medical record (${id})`)
  return toRecord(row)
}

export async function listRecords(db: ReadDb, patientId: string, includeDeleted: boolean): Promise<MedicalRecord[]> {
  let query = recordsQuery(db).where('r.patient_id', '=', patientId)
  if (!includeDeleted) query = query.where('r.deleted_at', 'is', null)
  return (await query.orderBy('r.record_date', 'desc').orderBy('r.uploaded_at', 'desc').execute()).map(toRecord)
}

export async function recordFile(db: ReadDb, files: { get(sha: string): Buffer | null }, id: string) {
  const row = await db.selectFrom('medical_records').select(['file_sha256', 'content_type', 'name']).where('id', '=', id).executeTakeFirst()
  if (!row) throw ApiError.field('id', `is not a known medical record (${id})`)
  const bytes = files.get(row.file_sha256)
  if (!bytes) throw new ApiError('NOT_FOUND', `The file of “${row.name}” is missing from this PC's data folder: restore it from a backup`)
  const extension = row.content_type === 'application/pdf' ? 'pdf' : row.content_type === 'image/png' ? 'png' : 'jpg'
  return { type: row.content_type, bytes, name: `${row.name.replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'record'}.${extension}` }
}

/** Removed records stay (with who, when and why) and can be listed; only their place in the chart goes. */
export async function removeRecord(tx: WriteContext, id: string, reason: string): Promise<MedicalRecord> {
  const current = await getRecord(tx.db, id)
  if (current.deletedAt) throw new ApiError('CONFLICT', `“${current.name}” was already removed`)
  await tx.db.updateTable('medical_records').set({ deleted_at: tx.now.toISOString(), deleted_by: tx.user.id, deleted_reason: reason }).where('id', '=', id).execute()
  return getRecord(tx.db, id)
}
