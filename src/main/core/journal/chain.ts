import { createHash } from 'node:crypto'

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64)

export interface HashedEntry {
  seq: number
  at: string
  method: string
  user_id: string | null
  role: string | null
  job: string | null
  device: string | null
  allocated: string
  input: string
  prev_hash: string
}

export interface HashedRow {
  tbl: string
  row_key: string
  op: string
  data: string
  patient_id: string | null
}

/**
 * An entry's hash covers everything it says and every row it changed, and the hash of the
 * entry before it: altering, removing or reordering any entry or row breaks the chain from
 * there on. The format is fixed: migrations hash with it too, so change it only with a new
 * version tag.
 */
export function entryHash(entry: HashedEntry, rows: Iterable<HashedRow>): string {
  const hash = createHash('sha256')
  hash.update(JSON.stringify(['v1', entry.seq, entry.at, entry.method, entry.user_id, entry.role, entry.job, entry.device, entry.allocated, entry.input, entry.prev_hash]))
  for (const row of rows) hash.update('\n' + JSON.stringify([row.tbl, row.row_key, row.op, row.data, row.patient_id]))
  return hash.digest('hex')
}
