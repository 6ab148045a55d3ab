import { TIME_OF_DAY_LABEL, type WaitlistEntry } from '../../../../shared/api'
import { dayLabel } from '../../lib/clinic-time'

/** "Tue 11 Mar – Fri 21 Mar", or one day. Clinic dates, so no zone is involved. */
export function dateRange(from: string, to: string): string {
  return from === to ? dayLabel(from) : `${dayLabel(from)} – ${dayLabel(to)}`
}

/** Short words for a time of day, for tables ("Morning"); the long ones say the hours. */
export const TIME_OF_DAY_SHORT = { any: 'Any time', morning: 'Morning', afternoon: 'Afternoon', evening: 'Evening' } as const

/** What the patient is waiting for, in one line: "Consultation with Dr. Rao, Tue 11 Mar – Fri 21 Mar, mornings". */
export function wantedText(entry: WaitlistEntry): string {
  const when = entry.timeOfDay === 'any' ? 'any time' : TIME_OF_DAY_SHORT[entry.timeOfDay].toLowerCase()
  return `${entry.typeName} with ${entry.doctorName ?? 'any doctor'}, ${dateRange(entry.fromDate, entry.toDate)}, ${when}`
}

export { TIME_OF_DAY_LABEL }
