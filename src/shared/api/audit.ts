import { z } from 'zod'
import { idSchema, type Role } from './common'
import { ADMIN, method, type FileOutput } from './method'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')

/** Filters shared by the journal screen and its CSV export. Dates are clinic dates. */
export const journalFilterSchema = z
  .object({
    userId: idSchema.optional(),
    patientId: idSchema.optional(),
    method: z.string().max(80).optional(),
    from: day.optional(),
    to: day.optional()
  })
  .strict()
export type JournalFilter = z.output<typeof journalFilterSchema>

/** One row a journaled write changed. */
export interface JournalRowChange {
  table: string
  key: string
  op: 'insert' | 'update' | 'delete' | 'read'
  /** What the row is, in words: "P-000012 Ramesh Kumar". */
  label: string
  /** What changed, in words: "phone, email" or "new record". */
  words: string
  /** field → [before, after] for updates; the new values for inserts. Secret-like columns left out. */
  fields: Record<string, [unknown, unknown]>
}

export interface JournalEntry {
  seq: number
  at: string
  method: string
  /** The method's summary, in words. */
  action: string
  actor: { userId: string | null; name: string | null; role: Role | null; job: string | null }
  device: string | null
  /** What the call was given, secrets and file bytes left out. */
  input: unknown
  rowCount: number
  /** The first rows, described; the rest are counted in rowCount. */
  changes: JournalRowChange[]
  hash: string
}

export interface ChainCheck {
  ok: boolean
  entries: number
  lastSeq: number | null
  lastHash: string | null
  /** The first link that does not hold: an altered, removed or reordered entry. */
  broken: { seq: number; reason: string } | null
}

export const auditMethods = {
  'audit.journal': method<{ items: JournalEntry[]; hasMore: boolean }>()({
    summary: 'The change journal, newest first, filtered by user, patient, method and date',
    input: journalFilterSchema.extend({
      beforeSeq: z.number().int().min(1).optional(),
      limit: z.number().int().min(1).max(200).default(50)
    }),
    roles: ADMIN,
    writes: false
  }),
  'audit.exportJournal': method<FileOutput>()({
    summary: 'The change journal as a CSV file, with the same filters',
    input: journalFilterSchema,
    roles: ADMIN,
    writes: false,
    download: true
  }),
  'audit.verify': method<ChainCheck>()({
    summary: 'Check the journal’s hash chain from the first entry to the last',
    input: z.object({}).strict(),
    roles: ADMIN,
    writes: false
  })
}
