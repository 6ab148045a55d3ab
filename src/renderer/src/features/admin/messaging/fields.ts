import { ApiError } from '../../../../../shared/api'
import { capitalise } from '../../../lib/errors'

/**
 * A save's field errors for one part of the settings: the core names them from the top
 * ("email.host", "sms.fromNumber", "reminderLeadMinutes.1"); a form holds only its part.
 */
export function fieldErrorsFor(error: unknown, prefix: string): Record<string, string> | null {
  if (!(error instanceof ApiError) || !error.fields) return null
  const mine = Object.entries(error.fields)
    .filter(([key]) => key === prefix || key.startsWith(`${prefix}.`))
    .map(([key, message]) => [key.slice(prefix.length + 1) || prefix, capitalise(message)] as const)
  return mine.length > 0 ? Object.fromEntries(mine) : null
}

/** A reminder's lead time as the clinic says it: "24 h", "2 h", "30 min", "1 h 30 min". */
export function leadLabel(minutes: number): string {
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  if (h === 0) return `${m} min`
  return m === 0 ? `${h} h` : `${h} h ${m} min`
}

/** "24 h and 2 h", "24 h, 2 h and 30 min". */
export function leadList(minutes: number[]): string {
  const labels = minutes.map(leadLabel)
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`
}
