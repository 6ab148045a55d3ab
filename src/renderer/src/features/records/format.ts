import dayjs from 'dayjs'
import { MAX_RECORD_BYTES, type MedicalRecord, type RecordType } from '../../../../shared/api'
import { toWall } from '../../lib/clinic-time'

/** One colour per kind of record, the same in the list, the preview and wherever else records show. */
export const RECORD_TYPE_COLOURS: Record<RecordType, string> = {
  lab_report: 'blue',
  imaging: 'violet',
  referral: 'orange',
  discharge_summary: 'grape',
  other: 'gray'
}

/** What the core keeps (it checks the content; this only spares a round trip). */
export const ACCEPTED_TYPES = { 'application/pdf': ['.pdf'], 'image/jpeg': ['.jpg', '.jpeg'], 'image/png': ['.png'] } as const

/** Whether a file looks like one the core keeps, by its type or, where the browser gave none, its name. */
export function isAcceptedFile(file: File): boolean {
  if (file.type) return file.type in ACCEPTED_TYPES
  return /\.(pdf|jpe?g|png)$/i.test(file.name)
}

/** Why a file cannot be sent as it is, said with its name; null if it can. */
export function fileProblem(file: File): string | null {
  if (file.size === 0) return `“${file.name}” is empty (0 bytes): choose the file again, or save it again from where it came from.`
  if (file.size > MAX_RECORD_BYTES)
    return `“${file.name}” is ${formatSize(file.size)}, more than the ${formatSize(MAX_RECORD_BYTES)} a record can be. Scan it at a lower resolution, or split it into parts.`
  if (!isAcceptedFile(file)) return `“${file.name}” is not a PDF, JPEG or PNG. Save it as one of those (a scanner or phone can), then add it.`
  return null
}

/** "512 bytes", "48 KB", "1.2 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  const mb = bytes / 1024 / 1024
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`
}

/** "9 Mar 2025" for a clinic date (a date has no zone to convert). */
export const formatRecordDate = (date: string): string => dayjs(date).format('D MMM YYYY')

/** "9 Mar 2025, 14:05" for an instant, in the clinic's time. */
export const formatInstant = (instant: string, timeZone: string): string => dayjs(toWall(instant, timeZone)).format('D MMM YYYY, HH:mm')

/** "PDF", "JPEG", "PNG". */
export const kindOf = (contentType: MedicalRecord['contentType']): string => (contentType === 'application/pdf' ? 'PDF' : contentType === 'image/png' ? 'PNG' : 'JPEG')

/** The name a record starts with: its file's, without the extension and the underscores scanners like. */
export function nameFromFile(fileName: string): string {
  return fileName
    .replace(/\.[a-z0-9]{1,5}$/i, '')
    .replace(/_+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)
}

const GUESSES: Array<[RegExp, RecordType]> = [
  [/discharge/i, 'discharge_summary'],
  [/referr?al|refer(red)?\b/i, 'referral'],
  [/x ?ray|\bxr\b|\bmri\b|\bct\b|\bpet\b|\busg\b|ultra ?sound|sonograph|echo|mammo|doppler|radiolog|imaging/i, 'imaging'],
  [/\blab\b|report|\bcbc\b|blood|urine|lipid|thyroid|\btsh\b|hba1c|glucose|sugar|culture|patholog|biopsy|serum|\btests?\b/i, 'lab_report']
]

/** A first guess at the kind of record from its name ("CBC_report.pdf": a lab report); null when the name says nothing. */
export function guessType(fileName: string): RecordType | null {
  const words = fileName.replace(/[_\-.]+/g, ' ')
  return GUESSES.find(([pattern]) => pattern.test(words))?.[1] ?? null
}

/** The file's message from the core as the end of a sentence about the file: "must be a PDF, …". */
export const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1)
