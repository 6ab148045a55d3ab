import { parseDob } from './patient-rules'

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/**
 * A date as a desk types it: 25/11/2026, 25-11-2026, 25.11.2026, 2026-11-25, or as the field
 * shows it, "25 Nov 2026". Day first, as the rest of DocSpot reads dates. YYYY-MM-DD, or null.
 */
export function parseTypedDate(text: string): string | null {
  const t = text.trim()
  const numeric = parseDob(t)
  if (numeric) return numeric
  const m = t.match(/^(\d{1,2})\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})$/i)
  const month = m ? MONTHS.indexOf(m[2].toLowerCase()) + 1 : 0
  return m && month ? parseDob(`${m[1]}/${month}/${m[3]}`) : null
}
