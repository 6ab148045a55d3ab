import type { ReadDb } from '../db/read-only'
import type { DuplicateMatch, Settings } from '../../../shared/api'
import { normalisePhone } from '../../../shared/lib/phone'
import { SUMMARY_COLUMNS, toSummary } from './repository'
import { nameKey, similarity } from './text'

export interface DuplicateQuery {
  name: string
  phone: string
  email: string
  dateOfBirth: string | null
  /** The date of birth came from an age: any birth within a year of it may be the same person. */
  dateOfBirthEstimated?: boolean
  excludeId?: string
}

/** How alike two names must be (with the same date of birth) to count as the same person. */
const SAME_NAME = 0.6

/**
 * Existing patients that are likely the same person: same phone, same email, or the same
 * date of birth with a similar name. Merged-away records are left out; archived ones are not.
 */
export async function findDuplicates(db: ReadDb, settings: Settings, query: DuplicateQuery): Promise<DuplicateMatch[]> {
  const found = new Map<string, DuplicateMatch>()
  const note = (rows: Array<Parameters<typeof toSummary>[0]>, reason: DuplicateMatch['reasons'][number]) => {
    for (const row of rows) {
      if (row.id === query.excludeId) continue
      const match = found.get(row.id) ?? { patient: toSummary(row), reasons: [] }
      if (!match.reasons.includes(reason)) match.reasons.push(reason)
      found.set(row.id, match)
    }
  }
  const base = () => db.selectFrom('patients').select([...SUMMARY_COLUMNS, 'name_key']).where('merged_into', 'is', null).limit(20)

  const phone = query.phone ? normalisePhone(query.phone, settings.defaultCountry) : null
  if (phone) note(await base().where('phone', '=', phone).execute(), 'phone')
  const email = query.email.trim().toLowerCase()
  if (email.includes('@')) note(await base().where('email', '=', email).execute(), 'email')
  const key = nameKey(query.name)
  if (query.dateOfBirth && key) {
    // An estimated date (from an age) is approximate on either side: within a year counts.
    const year = Number(query.dateOfBirth.slice(0, 4))
    const near = { from: `${year - 1}${query.dateOfBirth.slice(4)}`, to: `${year + 1}${query.dateOfBirth.slice(4)}` }
    const sameDay = await base()
      .where((eb) =>
        query.dateOfBirthEstimated
          ? eb.and([eb('date_of_birth', '>=', near.from), eb('date_of_birth', '<=', near.to)])
          : eb.or([eb('date_of_birth', '=', query.dateOfBirth), eb.and([eb('dob_estimated', '=', 1), eb('date_of_birth', '>=', near.from), eb('date_of_birth', '<=', near.to)])])
      )
      .limit(500)
      .execute()
    note(
      sameDay.filter((r) => similarity(key, r.name_key) >= SAME_NAME),
      'name and date of birth'
    )
  }
  return [...found.values()].sort((a, b) => b.reasons.length - a.reasons.length)
}
