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
