import type { ChangeEvent } from './client'

/**
 * What a query shows, so it refreshes when — and only when — a committed write changes it:
 * a table name ('users': any row of it), a table and a row id (['patients', id]), or '*'
 * for every write (the journal itself).
 */
export type Shows = string | readonly [table: string, id: string]

/** Whether a change event touches anything a query shows. */
export function touches(shows: readonly Shows[], event: ChangeEvent): boolean {
  return shows.some((s) => {
    if (s === '*') return true
    const [table, id] = typeof s === 'string' ? [s, null] : s
    if (event.all.includes(table)) return true
    const ids = event.changed[table]
    return ids !== undefined && (id === null || ids.includes(id))
  })
}
