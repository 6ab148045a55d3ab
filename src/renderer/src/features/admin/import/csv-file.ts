import { ApiError, MAX_IMPORT_BYTES, PATIENT_FIELD_LABELS, type ImportColumn } from '../../../../../shared/api'
import { capitalise } from '../../../lib/errors'

export const COLUMN_LABELS: Record<ImportColumn, string> = PATIENT_FIELD_LABELS

const TEMPLATE = [
  'Name,Mobile,Email,Date of birth,Gender,Address,City,State,Pincode,Allergies,Medical history,Notes',
  'Priya Sharma,+91 98765 43210,priya.sharma@example.com,15/08/1985,Female,"12, MG Road",Kochi,Kerala,682016,Penicillin,Asthma since childhood,Prefers morning appointments'
].join('\r\n')

/** Saves a CSV with the columns DocSpot reads and one example patient. */
export function downloadTemplate(): void {
  const url = URL.createObjectURL(new Blob([TEMPLATE + '\r\n'], { type: 'text/csv;charset=utf-8' }))
  const link = document.createElement('a')
  link.href = url
  link.download = 'docspot-patients-template.csv'
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export interface ChosenFile {
  name: string
  size: number
  csv: string
}

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/**
 * Reads a chosen file as text, refusing what the hub would refuse anyway before sending
 * 20 MB over the network. Excel on Windows often saves CSV in its legacy code page rather
 * than UTF-8; such a file is read as Windows-1252 so names keep their accents.
 */
export async function readCsvFile(file: File): Promise<ChosenFile> {
  if (!/\.(csv|txt)$/i.test(file.name)) throw new Error(`${file.name} is not a CSV file. In Excel or any spreadsheet, use Save as → CSV, then choose that file.`)
  if (file.size > MAX_IMPORT_BYTES)
    throw new Error(`${file.name} is ${sizeText(file.size)}; DocSpot imports at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB at a time. Split it into smaller files and import them one after another.`)
  if (file.size === 0) throw new Error(`${file.name} is empty.`)
  const bytes = await file.arrayBuffer()
  let csv: string
  try {
    csv = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    csv = new TextDecoder('windows-1252').decode(bytes)
  }
  return { name: file.name, size: file.size, csv }
}

/** A hub error about the file, in words an admin can act on. */
export function fileProblem(error: unknown): string {
  if (error instanceof ApiError && error.fields?.file) return `The file ${error.fields.file}.`
  if (error instanceof ApiError && error.fields?.mapping) return `The column choices: ${error.fields.mapping}.`
  return error instanceof Error ? error.message : String(error)
}

/** A hub error about the column choices, by "mapping.<header>" (or "mapping" for them all). */
export function mappingProblems(error: unknown): Record<string, string> {
  const fields = error instanceof ApiError ? Object.entries(error.fields ?? {}).filter(([field]) => field === 'mapping' || field.startsWith('mapping.')) : []
  if (fields.length) return Object.fromEntries(fields.map(([field, message]) => [field, capitalise(message)]))
  return { mapping: fileProblem(error) }
}

export function rowProblem(field: string, message: string): string {
  const label = COLUMN_LABELS[field as ImportColumn]
  return label ? `${label}: ${message}` : capitalise(message)
}
