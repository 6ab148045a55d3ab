import { parse } from 'csv-parse/sync'
import { DateTime } from 'luxon'
import { dobFromAge, parseAge } from '../../../shared/lib/patient-rules'
import { ApiError, IMPORT_COLUMNS, IMPORT_TARGET_LABELS, PATIENT_FIELD_LABELS, patientFieldsSchema, type ImportColumn, type ImportFileColumn, type ImportMapping, type ImportPreview, type ImportTarget, type ImportResult, type ImportRowReport, type PatientFields, type Settings } from '../../../shared/api'
import type { ReadDb } from '../db/read-only'
import { fieldErrors } from '../dispatcher'
import { findDuplicates } from './duplicates'
import { checkPatientFields } from './fields'
import { insertPatient, recordHistory, type Writer } from './repository'
import { parseDateQuery } from './search'
import { nameKey } from './text'

/** Header names other systems use, compared after lower-casing and dropping punctuation. */
const HEADERS: Record<ImportColumn, string[]> = {
  name: ['name', 'full name', 'patient name', 'patient', 'patient s name', 'patients name', 'name of patient', 'name of the patient'],
  phone: ['phone', 'mobile', 'phone number', 'mobile number', 'mobile no', 'phone no', 'contact', 'contact number', 'contact no', 'telephone', 'tel', 'cell', 'mob', 'mob no', 'mobile phone', 'whatsapp', 'whatsapp no', 'whatsapp number'],
  email: ['email', 'e mail', 'email address', 'mail', 'email id', 'e mail id', 'mail id', 'emailid'],
  dateOfBirth: ['date of birth', 'dob', 'd o b', 'birth date', 'birthdate', 'date of birth dd mm yyyy', 'dob dd mm yyyy', 'born'],
  gender: ['gender', 'sex', 'gender m f', 'sex m f', 'gender m f o', 'sex m f o'],
  addressLine: ['address', 'address line', 'address line 1', 'address1', 'street', 'street address'],
  city: ['city', 'town', 'village'],
  state: ['state', 'province', 'region', 'county'],
  postalCode: ['postal code', 'postcode', 'post code', 'zip', 'zip code', 'pincode', 'pin code', 'pin'],
  allergies: ['allergies', 'allergy', 'known allergies'],
  medicalHistory: ['medical history', 'history', 'past history', 'past medical history'],
  notes: ['notes', 'note', 'remarks', 'comments'],
  previousNumber: ['legacy id', 'legacy no', 'file no', 'file number', 'old file no', 'old id', 'old no', 'uhid', 'uhid no', 'mr no', 'mrn', 'mr number', 'reg no', 'registration no', 'registration number', 'patient id', 'op no', 'opd no']
}
/** An age column ("Age", "Age (yrs)") gives an estimated date of birth where no date is given. */
const AGE = ['age', 'age yrs', 'age years', 'age in years', 'age y']
const FIRST = ['first name', 'given name', 'firstname']
const LAST = ['last name', 'surname', 'family name', 'lastname']

const GENDER: Record<string, PatientFields['gender']> = { f: 'female', female: 'female', woman: 'female', m: 'male', male: 'male', man: 'male', o: 'other', other: 'other', '': 'unknown', u: 'unknown', unknown: 'unknown' }

const simple = (header: string) => header.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()

interface ParsedRow {
  line: number
  cells: string[]
  fields: PatientFields | null
  report: ImportRowReport
}

/** The uploaded file as text: UTF-8, with or without a byte-order mark. */
export function csvText(file: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(file)
  } catch {
    throw ApiError.field('file', 'is not a UTF-8 text file; save the CSV as UTF-8 and try again')
  }
}

/** Records with the file line each starts on (quoted line breaks and blank lines counted). */
function readCsv(csv: string): { headers: string[]; records: Array<{ cells: string[]; line: number }> } {
  let parsed: Array<{ record: string[]; info: { lines: number } }>
  try {
    parsed = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as typeof parsed
  } catch (error) {
    throw ApiError.field('file', `is not a readable CSV file: ${(error as Error).message}`)
  }
  if (parsed.length < 2) throw ApiError.field('file', 'needs a header row and at least one patient')
  // info.lines is the line a record ends on; it starts after its own line breaks.
  const records = parsed.slice(1).map(({ record, info }) => ({
    cells: record,
    line: info.lines - record.reduce((breaks, cell) => breaks + (cell.match(/\r?\n/g)?.length ?? 0), 0)
  }))
  return { headers: parsed[0].record, records }
}

type ColumnTarget = Exclude<ImportTarget, 'addToNotes'>

/** What a header says its column holds, by the names other systems give it; null if none. */
function recognise(header: string): ColumnTarget | null {
  const name = simple(header)
  const column = IMPORT_COLUMNS.find((c) => HEADERS[c].includes(name))
  if (column) return column
  if (FIRST.includes(name)) return 'firstName'
  if (LAST.includes(name)) return 'lastName'
  if (AGE.includes(name)) return 'age'
  return null
}

interface ColumnPlan {
  /** The column each target is read from. */
  at: Partial<Record<ColumnTarget, number>>
  /** Columns added to the notes as "Header: value", in the file's order. */
  toNotes: number[]
  fileColumns: ImportFileColumn[]
}

/**
 * Where each column goes: the admin's choice where there is one, else what its header says.
 * A choice takes its field from a column that was only recognised by name (which is then not
 * imported); two choices of one field, or a choice naming no column of the file, are refused.
 */
function planColumns(headers: string[], records: Array<{ cells: string[] }>, mapping: ImportMapping): ColumnPlan {
  const problems: Record<string, string> = {}
  const chosen = new Map<number, ImportTarget | 'ignore'>()
  for (const [header, target] of Object.entries(mapping)) {
    const indexes = headers.flatMap((h, i) => (h === header ? [i] : []))
    if (indexes.length === 0) problems[`mapping.${header}`] = `"${header}" is not a column of this file`
    else if (indexes.length > 1) problems[`mapping.${header}`] = `"${header}" heads ${indexes.length} columns of this file; give them different names in its header row`
    else chosen.set(indexes[0], target)
  }
  const at: ColumnPlan['at'] = {}
  const owner = (target: ColumnTarget) => headers[at[target]!]
  for (const [index, target] of [...chosen].sort(([a], [b]) => a - b)) {
    if (target === 'ignore' || target === 'addToNotes') continue
    if (at[target] === undefined) at[target] = index
    else {
      const label = IMPORT_TARGET_LABELS[target]
      problems[`mapping.${owner(target)}`] ??= `${label} is chosen for both "${owner(target)}" and "${headers[index]}"; choose it for one column only`
      problems[`mapping.${headers[index]}`] ??= `${label} is chosen for both "${owner(target)}" and "${headers[index]}"; choose it for one column only`
    }
  }
  const fileColumns = headers.map((header, index): ImportFileColumn => {
    const choice = chosen.get(index)
    if (choice !== undefined) return { header, target: choice === 'ignore' ? null : choice, mappedBy: 'admin', samples: [] }
    const target = recognise(header)
    // The first column a field is recognised in wins; a later one with the same kind of name is left out.
    if (target === null || at[target] !== undefined) return { header, target: null, mappedBy: null, samples: [] }
    at[target] = index
    return { header, target, mappedBy: 'header', samples: [] }
  })
  if (Object.keys(problems).length) throw mappingError(problems)
  // With no column left that the admin could choose as the name, there is nothing to choose.
  if (!hasName(at) && !Object.keys(mapping).length && fileColumns.every((c) => c.target !== null))
    throw ApiError.field('file', 'has no name column (looked for "Name", "Patient name" or "First name" + "Last name")')
  fileColumns.forEach((column, index) => (column.samples = samplesOf(records, index)))
  return { at, toNotes: fileColumns.flatMap((c, i) => (c.target === 'addToNotes' ? [i] : [])), fileColumns }
}

const hasName = (at: ColumnPlan['at']) => at.name !== undefined || at.firstName !== undefined

function mappingError(problems: Record<string, string>): ApiError {
  const list = Object.entries(problems).map(([field, message]) => `${field}: ${message}`)
  return new ApiError('VALIDATION', `The column choices cannot be used: ${list.join('; ')}`, problems)
}

/** The first few different values of a column, each cut short, for the admin to recognise it by. */
function samplesOf(records: Array<{ cells: string[] }>, index: number): string[] {
  const samples: string[] = []
  for (const { cells } of records) {
    const value = (cells[index] ?? '').replace(/\s+/g, ' ').trim()
    const short = value.length > 40 ? `${value.slice(0, 39)}…` : value
    if (short && !samples.includes(short)) samples.push(short)
    if (samples.length === 3) break
  }
  return samples
}

/** Reads and checks every row; nothing is written. */
export async function analyseImport(db: ReadDb, settings: Settings, csv: string, now: Date, mapping: ImportMapping = {}): Promise<{ preview: ImportPreview; rows: ParsedRow[]; headers: string[] }> {
  const { headers, records } = readCsv(csv)
  const { at, toNotes, fileColumns } = planColumns(headers, records, mapping)
  const seen = new Map<string, number>() // phone / email / name+dob → first line seen
  const rows: ParsedRow[] = []

  for (const { cells: record, line } of records) {
    if (line % 250 === 0) await new Promise((resolve) => setImmediate(resolve)) // let other desks in
    const cell = (target: ColumnTarget) => (at[target] !== undefined ? (record[at[target]!] ?? '') : '')
    const name = cell('name') || [cell('firstName'), cell('lastName')].filter(Boolean).join(' ')
    const errors: Record<string, string> = {}
    const rawDob = cell('dateOfBirth')
    const rawAge = cell('age').trim()
    const fromAge = !rawDob && rawAge ? parseAge(rawAge) : null
    const dob = rawDob ? parseDateQuery(rawDob) : fromAge ? dobFromAge(fromAge, DateTime.fromJSDate(now, { zone: settings.timeZone }).toISODate()!) : null
    if (rawDob && !dob) errors.dateOfBirth = `"${rawDob}" is not a date (use DD/MM/YYYY or YYYY-MM-DD)`
    if (!rawDob && rawAge && !fromAge) errors.dateOfBirth = `the age "${rawAge}" is not an age (use years, like 45, or months, like 6m)`
    const gender = GENDER[cell('gender').toLowerCase()]
    if (gender === undefined) errors.gender = `"${cell('gender')}" is not female, male or other`

    let fields: PatientFields | null = null
    const parsed = patientFieldsSchema.safeParse({
      name,
      phone: cell('phone'),
      email: cell('email'),
      dateOfBirth: dob,
      dateOfBirthEstimated: !!fromAge,
      gender: gender ?? 'unknown',
      addressLine: cell('addressLine'),
      city: cell('city'),
      state: cell('state'),
      postalCode: cell('postalCode'),
      allergies: cell('allergies'),
      medicalHistory: cell('medicalHistory'),
      chronicConditions: '',
      notes: [cell('notes').trim(), ...toNotes.map((i) => ((record[i] ?? '').trim() ? `${headers[i]}: ${record[i].trim()}` : ''))].filter(Boolean).join('\n'),
      previousNumber: cell('previousNumber')
    })
    if (!parsed.success) Object.assign(errors, fieldErrors(parsed.error))
    else {
      try {
        fields = checkPatientFields(parsed.data, settings, now)
      } catch (error) {
        if (error instanceof ApiError && error.fields) Object.assign(errors, error.fields)
        else throw error
      }
    }
    if (Object.keys(errors).length) fields = null

    const duplicates: string[] = []
    if (fields) {
      const existing = await findDuplicates(db, settings, fields)
      duplicates.push(...existing.map((d) => d.patient.number))
      const keys = [fields.phone && `p:${fields.phone}`, fields.email && `e:${fields.email}`, fields.dateOfBirth && `n:${nameKey(fields.name)}:${fields.dateOfBirth}`].filter(Boolean) as string[]
      const earlier = keys.map((k) => seen.get(k)).find((l) => l !== undefined)
      if (earlier !== undefined) duplicates.push(`line ${earlier}`)
      for (const k of keys) if (!seen.has(k)) seen.set(k, line)
    }
    rows.push({ line, cells: record, fields, report: { line, name, errors, duplicates } })
  }

  const withErrors = rows.filter((r) => !r.fields).length
  const duplicates = rows.filter((r) => r.fields && r.report.duplicates.length).length
  return {
    rows,
    headers,
    preview: {
      columns: Object.fromEntries(IMPORT_COLUMNS.filter((c) => at[c] !== undefined).map((c) => [c, headers[at[c]!]])),
      unmappedHeaders: fileColumns.filter((c) => c.target === null).map((c) => c.header),
      fileColumns,
      total: rows.length,
      valid: rows.length - withErrors,
      withErrors,
      duplicates,
      // The rows worth a look: errors and likely duplicates first, capped for the screen.
      rows: rows
        .filter((r) => !r.fields || r.report.duplicates.length)
        .concat(rows.filter((r) => r.fields && !r.report.duplicates.length))
        .slice(0, 500)
        .map((r) => r.report)
    }
  }
}

/**
 * Imports every row or none: a row with an error stops the whole import before anything is
 * written; or, asked to skip them, the valid rows, handing the others back as a CSV.
 */
export async function commitImport(
  tx: Writer,
  settings: Settings,
  input: { csv: string; mapping: ImportMapping; includeDuplicates: boolean; skipInvalid: boolean },
  progress: (done: number, total: number) => void
): Promise<ImportResult> {
  const { rows, headers, preview } = await analyseImport(tx.db, settings, input.csv, tx.now, input.mapping)
  if (!preview.fileColumns.some((c) => c.target === 'name' || c.target === 'firstName'))
    throw ApiError.field('mapping', 'has no column for the name: choose Name, or First name and Last name, for one of the columns')
  const bad = rows.filter((r) => !r.fields)
  if (bad.length && !input.skipInvalid) {
    const list = bad.slice(0, 5).map((r) => `line ${r.line}: ${Object.entries(r.report.errors).map(([f, m]) => `${f} ${m}`).join(', ')}`)
    throw new ApiError('VALIDATION', `Nothing was imported: ${bad.length} row${bad.length > 1 ? 's have' : ' has'} errors (${list.join('; ')}${bad.length > 5 ? '; …' : ''})`, { file: `${bad.length} rows have errors` })
  }
  const toImport = rows.filter((r) => r.fields && (input.includeDuplicates || r.report.duplicates.length === 0))
  let imported = 0
  for (const row of toImport) {
    const patient = await insertPatient(tx, row.fields!, settings)
    await recordHistory(tx, { patientId: patient.id, action: 'imported', note: `Imported from CSV, line ${row.line}` })
    imported++
    if (imported % 250 === 0) {
      progress(imported, toImport.length)
      await new Promise((resolve) => setImmediate(resolve)) // let the progress event reach the screen
    }
  }
  progress(imported, toImport.length)
  return { imported, skippedDuplicates: rows.length - bad.length - toImport.length, skippedInvalid: bad.length, rejectedCsv: bad.length ? rejectedCsv(headers, bad) : null }
}

const LABELS: Record<string, string> = { ...PATIENT_FIELD_LABELS, file: 'File' }

/** The rows left out, as the file had them, with what is wrong in a last column. */
function rejectedCsv(headers: string[], rows: ParsedRow[]): string {
  const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)
  const line = (cells: string[]) => cells.map(quote).join(',')
  const errors = (row: ParsedRow) =>
    `Line ${row.line}: ${Object.entries(row.report.errors)
      .map(([field, message]) => `${LABELS[field] ?? field} ${message}`)
      .join('; ')}`
  return [line([...headers, 'Errors']), ...rows.map((r) => line([...headers.map((_, i) => r.cells[i] ?? ''), errors(r)]))].join('\r\n') + '\r\n'
}
