import { DateTime } from 'luxon'
import type { ParsedInputOf, PatientSummary } from '../../../shared/api'
import type { ReadDb } from '../db/read-only'
import { dayBounds } from '../schedule/views'
import { SUMMARY_COLUMNS, toSummary } from './repository'

const ORDER = {
  name: ['name_key', 'number'],
  number: ['number'],
  registered: ['created_at', 'number']
} as const

/**
 * A page of the patient list, sorted and filtered, with the number of patients the filters
 * leave. Ages and registration dates are the clinic's (its time zone), not the PC's.
 */
export async function listPatients(db: ReadDb, timeZone: string, now: Date, q: ParsedInputOf<'patients.list'>): Promise<{ items: PatientSummary[]; total: number }> {
  const today = DateTime.fromJSDate(now, { zone: timeZone })
  // Born on or before this date to be at least `ageFrom`; after this one to be at most `ageTo`.
  const bornBy = q.ageFrom !== undefined ? today.minus({ years: q.ageFrom }).toISODate()! : null
  const bornAfter = q.ageTo !== undefined ? today.minus({ years: q.ageTo + 1 }).toISODate()! : null
  const registeredFrom = q.registeredFrom ? dayBounds(q.registeredFrom, timeZone).from : null
  const registeredTo = q.registeredTo ? dayBounds(q.registeredTo, timeZone).to : null
  const filtered = db
    .selectFrom('patients')
    .$if(q.status === 'active', (b) => b.where('archived_at', 'is', null))
    .$if(q.status === 'archived', (b) => b.where('archived_at', 'is not', null))
    .$if(q.gender !== undefined, (b) => b.where('gender', '=', q.gender!))
    .$if(bornBy !== null, (b) => b.where('date_of_birth', '<=', bornBy!))
    .$if(bornAfter !== null, (b) => b.where('date_of_birth', '>', bornAfter!))
    .$if(registeredFrom !== null, (b) => b.where('created_at', '>=', registeredFrom!))
    .$if(registeredTo !== null, (b) => b.where('created_at', '<', registeredTo!))
  const { total } = await filtered.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  let page = filtered.select(SUMMARY_COLUMNS)
  for (const column of ORDER[q.sort]) page = page.orderBy(column, q.direction)
  const rows = await page.limit(q.limit).offset(q.offset).execute()
  return { items: rows.map((r) => toSummary(r)), total }
}
