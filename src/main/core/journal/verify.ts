import type { ChainCheck } from '../../../shared/api'
import type { ReadDb } from '../db/read-only'
import { GENESIS_HASH, entryHash, type HashedRow } from './chain'

const BATCH = 500

/**
 * Walks the hash chain from the first entry to the last and names the first link that does
 * not hold: an entry whose content or rows were altered, one that is missing, or one that
 * does not follow the entry before it (reordered or swapped).
 */
export async function verifyJournal(db: ReadDb): Promise<ChainCheck> {
  let prevHash = GENESIS_HASH
  let expected: number | null = null
  let entries = 0
  let lastSeq: number | null = null
  for (;;) {
    const batch = await db
      .selectFrom('journal')
      .selectAll()
      .$if(lastSeq !== null, (q) => q.where('seq', '>', lastSeq!))
      .orderBy('seq')
      .limit(BATCH)
      .execute()
    if (batch.length === 0) break
    const rows = await db
      .selectFrom('journal_rows')
      .select(['seq', 'tbl', 'row_key', 'op', 'data', 'patient_id'])
      .where('seq', '>=', batch[0].seq)
      .where('seq', '<=', batch.at(-1)!.seq)
      .orderBy('seq')
      .orderBy('id')
      .execute()
    const bySeq = new Map<number, HashedRow[]>()
    for (const row of rows) {
      let list = bySeq.get(row.seq)
      if (!list) bySeq.set(row.seq, (list = []))
      list.push(row)
    }
    for (const entry of batch) {
      const broken = (reason: string): ChainCheck => ({ ok: false, entries, lastSeq: entry.seq, lastHash: entry.hash, broken: { seq: entry.seq, reason } })
      const own = bySeq.get(entry.seq) ?? []
      if (expected !== null && entry.seq !== expected) return broken(`entr${entry.seq - expected === 1 ? 'y' : 'ies'} ${expected}${entry.seq - expected > 1 ? `–${entry.seq - 1}` : ''} before it ${entry.seq - expected === 1 ? 'is' : 'are'} missing`)
      if (entry.prev_hash !== prevHash) return broken('does not follow the entry before it: an entry was removed, replaced or moved')
      if (!entry.hash) return broken('was never sealed')
      if (own.length !== entry.row_count) return broken(`says it changed ${entry.row_count} rows, but ${own.length} are recorded`)
      if (entryHash(entry, own) !== entry.hash) return broken('was altered after it was written')
      prevHash = entry.hash
      expected = entry.seq + 1
      entries++
    }
    lastSeq = batch.at(-1)!.seq
  }
  return { ok: true, entries, lastSeq, lastHash: lastSeq === null ? null : prevHash, broken: null }
}
