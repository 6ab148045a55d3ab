import { emailSchema } from '../api/common'

/**
 * The patient field rules the registration form and the core share, so what the form
 * accepts is exactly what the core stores and what search finds.
 */

/** "31/12/1990" (and 31-12-1990, 31.12.1990, 31 12 1990, 31121990, 1990-12-31) → "1990-12-31"; null if not a real day. */
export function parseDob(text: string): string | null {
  const t = text.trim()
  let day: number, month: number, year: number
  let m = t.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/)
  if (m) [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  else if ((m = t.match(/^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$/))) [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])]
  else if ((m = t.match(/^(\d{2})(\d{2})(\d{4})$/))) [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])]
  else return null
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** An age as a desk hears it: "45", "45y", "45 years", "6m", "6 months", "1y 6m"; null if the text is not an age. */
export function parseAge(text: string): { years: number; months: number } | null {
  const t = text.trim().toLowerCase()
  let m = t.match(/^(\d{1,3})\s*(?:y|yr|yrs|year|years)?$/)
  if (m) return Number(m[1]) <= 130 ? { years: Number(m[1]), months: 0 } : null
  m = t.match(/^(\d{1,3})\s*(?:m|mo|mon|mons|month|months)$/)
  if (m) return Number(m[1]) <= 240 ? { years: Math.floor(Number(m[1]) / 12), months: Number(m[1]) % 12 } : null
  m = t.match(/^(\d{1,3})\s*(?:y|yr|yrs|years?)\s*,?\s*(\d{1,2})\s*(?:m|mo|months?)$/)
  if (m && Number(m[1]) <= 130 && Number(m[2]) < 12) return { years: Number(m[1]), months: Number(m[2]) }
  return null
}

/** The date of birth an age implies on `todayIso` (YYYY-MM-DD): that long before today. */
export function dobFromAge(age: { years: number; months: number }, todayIso: string): string {
  const [y, mo, d] = todayIso.split('-').map(Number)
  const totalMonths = y * 12 + (mo - 1) - (age.years * 12 + age.months)
  const year = Math.floor(totalMonths / 12)
  const month = totalMonths % 12
  // The same day of the month, or the month's last day (31 March less a month is 28/29 February).
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

/** What was typed in a date-of-birth box: a date ("31/12/1990"), or an age ("45", "6m") giving an estimated date; null if neither. */
export function readDob(text: string, todayIso: string): { iso: string; estimated: boolean } | null {
  const exact = parseDob(text)
  if (exact) return { iso: exact, estimated: false }
  const age = parseAge(text)
  return age ? { iso: dobFromAge(age, todayIso), estimated: true } : null
}

/** Why a date of birth (YYYY-MM-DD) cannot be right, given today in the clinic's zone; null if it can. */
export function dobProblem(iso: string, todayIso: string): string | null {
  if (parseDob(iso) !== iso) return 'is not a real date'
  if (iso > todayIso) return 'cannot be in the future'
  if (iso < '1900-01-01') return 'must be after 1900'
  return null
}

/** The one email rule: the same schema the API validates staff emails with. */
export function isEmail(text: string): boolean {
  return emailSchema.safeParse(text).success
}
