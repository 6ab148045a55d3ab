import type { HandlerGroup } from '../context'
import { verifyJournal } from '../journal/verify'
import { requireSettings } from '../settings/settings'
import { findEntries, journalCsv, toJournalEntry } from './journal-view'

export const auditHandlers: HandlerGroup = {
  'audit.journal': async (ctx, { limit, ...filter }) => {
    const { timeZone } = await requireSettings(ctx.db)
    const rows = await findEntries(ctx.db, filter, timeZone, limit + 1)
    const items = await Promise.all(rows.slice(0, limit).map((row) => toJournalEntry(ctx.db, row)))
    return { items, hasMore: rows.length > limit }
  },

  'audit.exportJournal': async (ctx, filter) => {
    const { timeZone } = await requireSettings(ctx.db)
    // A BOM, so spreadsheet programs read the names as UTF-8.
    const csv = '\ufeff' + (await journalCsv(ctx.db, filter, timeZone))
    const day = ctx.now.toISOString().slice(0, 10)
    return { type: 'text/csv; charset=utf-8', bytes: new TextEncoder().encode(csv), name: `docspot-journal-${day}.csv` }
  },

  'audit.verify': async (ctx) => verifyJournal(ctx.db)
}
