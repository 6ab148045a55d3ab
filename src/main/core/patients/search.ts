import { DateTime } from 'luxon'
import { sql, type RawBuilder } from 'kysely'
import { parseAge, parseDob } from '../../../shared/lib/patient-rules'
import type { PatientSummary, Settings } from '../../../shared/api'
import { countryCallingCode, normalisePhone } from '../../../shared/lib/phone'
import { precompiled } from '../db/precompiled'
import type { ReadDb } from '../db/read-only'
import { SUMMARY_COLUMNS, toSummary } from './repository'
import { digitsOnly, nameKey, nameMatchScore, swapVariants, trigrams } from './text'

type Db = ReadDb

export interface SearchOptions {
  q: string
  limit: number
  offset: number
  includeArchived: boolean
}

interface Hit {
  seq: number
  matchedOn: NonNullable<PatientSummary['matchedOn']>
  /** Lower is better: exact identifiers first, then names. */
  tier: number
  score: number
}

/** Most candidates one index lookup may hand to ranking; more typing narrows it. */
const CANDIDATES = 1000
/** A typo-tolerant match must score at least this (see nameMatchScore). */
const FUZZY_THRESHOLD = 0.65
const FUZZY_WHEN_FEWER = 5
/** Trigrams a typo search starts from: the rarest few of each word that exist find candidates fast. */
const FUZZY_TRIGRAMS_PER_WORD = 3
const FUZZY_DOC_BUDGET = 8000

const phrase = (text: string) => `"${text.replace(/"/g, '""')}"`

async function ftsSeqs(db: Db, match: string, limit: number, byRank = false): Promise<number[]> {
  const order = byRank ? sql`order by rank` : sql`order by rowid desc` // newest first among equals
  const rows = await sql<{ rowid: number }>`select rowid from patient_search where patient_search match ${match} ${order} limit ${limit}`.execute(db)
  return rows.rows.map((r) => r.rowid)
}

async function rarestTrigrams(db: Db, words: string[], perWord: number): Promise<string[]> {
  // Word-boundary trigrams count too (the index pads names with one space), but not the
  // double-space ones trigrams() makes for the start of a word.
  const byWord = words.map((w) => [...trigrams(w)].filter((g) => !g.startsWith('  ')))
  const all = [...new Set(byWord.flat())]
  if (all.length === 0) return []
  const rows = await sql<{ term: string; doc: number }>`select term, doc from patient_search_vocab where term in (${sql.join(all)}) and col = 'name'`.execute(db)
  const docs = new Map(rows.rows.map((r) => [r.term, r.doc]))
  // Each word contributes its rarest existing trigrams, so a typo in one word does not leave
  // the search to the other word's common trigrams alone.
  // Ranking cost grows with the names each trigram is in, so a word stops adding trigrams
  // once they cover FUZZY_DOC_BUDGET names (its rarest one always counts).
  const chosen = byWord.flatMap((grams) => {
    const existing = grams.filter((g) => (docs.get(g) ?? 0) > 0).sort((a, b) => docs.get(a)! - docs.get(b)!)
    const taken: string[] = []
    let covered = 0
    for (const g of existing.slice(0, perWord)) {
      if (taken.length > 0 && covered + docs.get(g)! > FUZZY_DOC_BUDGET) break
      taken.push(g)
      covered += docs.get(g)!
    }
    return taken
  })
  return [...new Set(chosen)]
}

// The identifier lookups, built once (see precompiled): they are most of a lookup's own work.
const byNumber = precompiled((db, number: string) => db.selectFrom('patients').select('seq').where(sql<boolean>`number = ${number} collate nocase`))
// (`!= ''` written into the SQL: as a bound value it would make SQLite plan the statement anew
// on every run, to see whether the partial index on previous numbers applies.)
const byPreviousNumber = precompiled((db, number: string) => db.selectFrom('patients').select('seq').where(sql<boolean>`previous_number = ${number} collate nocase and previous_number != ''`))
const bySeq = precompiled((db, seq: number) => db.selectFrom('patients').select('seq').where('seq', '=', seq))
const byColumn = (column: 'phone' | 'email' | 'date_of_birth') => precompiled((db, value: string) => db.selectFrom('patients').select('seq').where(column, '=', value).limit(CANDIDATES))
const byPhones = precompiled((db, numbers: string) => db.selectFrom('patients').select('seq').where(sql<boolean>`phone in (select value from json_each(${numbers}))`).limit(CANDIDATES))

/** The E.164 numbers a number typed plainly can only be: "+44 7911…" as it is; "07911…" or "7911…" with the clinic country's code. */
function plainE164(q: string, digits: string, country: string): string[] {
  if (q.trim().startsWith('+')) return [`+${digits}`]
  const code = countryCallingCode(country)
  return code ? [...new Set([`+${code}${digits}`, `+${code}${digits.replace(/^0+/, '')}`])] : []
}

const BY_COLUMN = { phone: byColumn('phone'), email: byColumn('email'), date_of_birth: byColumn('date_of_birth') }
// The hits' rows, their seqs as one JSON array (so the query keeps one shape however many there are).
const inSeqs = (seqs: string) => sql<boolean>`seq in (select value from json_each(${seqs}))`
const summariesOf = precompiled((db, seqs: string) => db.selectFrom('patients').select([...SUMMARY_COLUMNS, 'seq', 'name_key']).where(inSeqs(seqs)))
const activeSummariesOf = precompiled((db, seqs: string) => db.selectFrom('patients').select([...SUMMARY_COLUMNS, 'seq', 'name_key']).where(inSeqs(seqs)).where('archived_at', 'is', null))

/** Accepts 31/12/1990, 31-12-1990, 31.12.1990 (day first, as clinics write) and 1990-12-31. */
/** A date of birth typed into search, by the same rule as the registration form. */
export const parseDateQuery = (q: string): string | null => parseDob(q)

export async function searchPatients(db: Db, settings: Settings, options: SearchOptions, now: Date): Promise<{ items: PatientSummary[]; hasMore: boolean }> {
  const q = options.q.trim()
  const wanted = options.offset + options.limit
  const hits = new Map<number, Hit>()
  const add = (seqs: number[], matchedOn: Hit['matchedOn'], tier: number, score = 1) => {
    for (const seq of seqs) {
      const known = hits.get(seq)
      if (!known || tier < known.tier || (tier === known.tier && score > known.score)) hits.set(seq, { seq, matchedOn, tier, score })
    }
  }
  const seqsWhere = async (column: 'phone' | 'email' | 'date_of_birth', value: string) => (await BY_COLUMN[column](db, value)).map((r) => r.seq)

  const digits = digitsOnly(q)
  const looksLikePhone = /^[\d\s+().-]+$/.test(q) && digits.length >= 3

  // Patient number, typed in full ("P-000123", any case) or as its running number ("123").
  if (q.length >= 2) {
    add((await byNumber(db, q)).map((r) => r.seq), 'number', 0)
  }
  // The number the previous system gave (file no., UHID), typed in full.
  if (q.length >= 1) {
    add((await byPreviousNumber(db, q)).map((r) => r.seq), 'previous number', 0)
  }
  if (/^\d+$/.test(q) && q.length <= settings.patientNumberDigits) {
    add((await bySeq(db, Number(q))).map((r) => r.seq), 'number', 0)
  }

  // Date of birth.
  const dob = parseDateQuery(q)
  if (dob) add(await seqsWhere('date_of_birth', dob), 'dateOfBirth', 1)

  if (looksLikePhone && !dob) {
    // The stored numbers are valid E.164, so the number typed, read the plain way (the country's
    // code in front, a trunk 0 dropped), is looked up first: a match needs no parsing. Only a
    // number written some other way goes to libphonenumber, which costs as much as the lookup.
    let exact = digits.length >= 7 ? (await byPhones(db, JSON.stringify(plainE164(q, digits, settings.defaultCountry)))).map((r) => r.seq) : []
    if (exact.length === 0) {
      const e164 = normalisePhone(q, settings.defaultCountry)
      exact = e164 ? await seqsWhere('phone', e164) : []
    }
    add(exact, 'phone', 0)
    // Any run of digits; a trunk "0" typed in front is not part of the stored number.
    // A complete number that matched exactly needs nothing more.
    const run = digits.replace(/^0+/, '')
    if (exact.length === 0 && run.length >= 3) {
      // A caller reads out the last digits: numbers ending in them come first.
      const seqs = await ftsSeqs(db, `phone : ${phrase(run)}`, CANDIDATES)
      const ending = new Set(
        seqs.length ? (await db.selectFrom('patients').select('seq').where('seq', 'in', seqs).where(sql<boolean>`substr(phone, ${-run.length}) = ${run}`).execute()).map((r) => r.seq) : []
      )
      for (const seq of seqs) add([seq], 'phone', 2, ending.has(seq) ? 2 : 1)
    }
  }

  if (q.includes('@')) {
    add(await seqsWhere('email', q.toLowerCase()), 'email', 1)
    if (q.length >= 3) add(await ftsSeqs(db, `email : ${phrase(q.toLowerCase())}`, CANDIDATES), 'email', 3)
  }

  // A patient number or a whole phone number that matched exactly is the answer; names are not.
  const exactIdentifier = [...hits.values()].some((h) => h.tier === 0)
  const combined = !exactIdentifier && !q.includes('@') ? combinedQuery(q) : null
  const key = combined ? combined.name : exactIdentifier ? '' : nameKey(q)
  if (combined) await findCombined(db, combined, now, settings.timeZone, add)
  else if (/\p{L}/u.test(key) && !q.includes('@')) {
    const words = key.split(' ')
    const long = words.filter((w) => w.length >= 3)
    let seqs: number[]
    if (long.length > 0) seqs = await ftsSeqs(db, `name : (${long.map(phrase).join(' AND ')})`, CANDIDATES)
    else {
      // One or two letters: the name's start, through its index.
      const rows = await db.selectFrom('patients').select('seq').where('name_key', '>=', key).where('name_key', '<', `${key}\uffff`).orderBy('name_key').limit(CANDIDATES).execute()
      seqs = rows.map((r) => r.seq)
    }
    await rankNames(db, seqs, key, add)
    // Close spellings only when what was typed finds (almost) nobody: they cost the most.
    if (hits.size < Math.min(wanted, FUZZY_WHEN_FEWER) && long.length > 0) {
      // Typo tolerance: patients sharing the most trigrams with what was typed.
      // A letter dropped or added: names sharing the most of the words' rarest trigrams.
      const grams = await rarestTrigrams(db, long, FUZZY_TRIGRAMS_PER_WORD)
      const candidates = grams.length ? await ftsSeqs(db, `name : (${grams.map(phrase).join(' OR ')})`, 300, true) : []
      // Two letters swapped share few trigrams with the real name: look the swaps up directly.
      const swaps = long.filter((w) => w.length >= 4).flatMap(swapVariants)
      if (swaps.length) candidates.push(...(await ftsSeqs(db, `name : (${swaps.map(phrase).join(' OR ')})`, 300)))
      await rankNames(db, [...new Set(candidates)].filter((s) => !hits.has(s)), key, add, FUZZY_THRESHOLD)
    }
  }

  if (hits.size === 0) return { items: [], hasMore: false }
  const seqs = JSON.stringify([...hits.keys()])
  const rows = options.includeArchived ? await summariesOf(db, seqs) : await activeSummariesOf(db, seqs)
  rows.sort((a, b) => {
    const ha = hits.get(a.seq)!
    const hb = hits.get(b.seq)!
    return ha.tier - hb.tier || hb.score - ha.score || a.name_key.localeCompare(b.name_key) || b.seq - a.seq
  })
  const page = rows.slice(options.offset, wanted)
  return { items: page.map((r) => toSummary(r, hits.get(r.seq)!.matchedOn)), hasMore: rows.length > wanted }
}

/**
 * Where a name stands for what was typed (`key`, its words `typed`): the lower tier first, then
 * the higher score. The exact name first, then the same words in another order ("Tiwari,
 * Gaurav"), then names starting with it; then names with every typed word starting one of
 * theirs, the fewer other words the better; then names that only contain it.
 */
function nameRank(key: string, typed: string[], name: string): { tier: number; score: number } {
  if (name === key) return { tier: 3, score: 3 }
  const words = name.split(' ')
  if (typed.length === words.length && typed.every((t) => words.includes(t))) return { tier: 3, score: 2.5 }
  if (name.startsWith(key)) return { tier: 3, score: 2 }
  if (typed.every((t) => words.some((w) => w.startsWith(t)))) {
    const whole = typed.filter((t) => words.includes(t)).length
    return { tier: 4, score: (whole + typed.length) / (2 * words.length) }
  }
  if (name.includes(key)) return { tier: 5, score: 1 }
  return { tier: 5, score: nameMatchScore(key, name) }
}

/**
 * Orders name candidates by nameRank; with a threshold, as close spellings (tier 6) that
 * score at least that.
 */
async function rankNames(db: Db, seqs: number[], key: string, add: (seqs: number[], on: Hit['matchedOn'], tier: number, score?: number) => void, threshold?: number) {
  if (seqs.length === 0) return
  const rows = await db.selectFrom('patients').select(['seq', 'name_key']).where('seq', 'in', seqs).execute()
  const typed = key.split(' ')
  for (const row of rows) {
    if (threshold !== undefined) {
      const score = nameMatchScore(key, row.name_key)
      if (score >= threshold) add([row.seq], 'similar name', 6, score)
    } else {
      const { tier, score } = nameRank(key, typed, row.name_key)
      add([row.seq], 'name', tier, score)
    }
  }
}

/** A name typed with numbers: its words, and the numbers, ages and date of birth beside it. */
export interface CombinedQuery {
  name: string
  /** Digits: a year of birth, an age or part of the phone, whichever fits. */
  numbers: string[]
  /** Ages typed with a unit ("45y", "6m" is 0 years). */
  ages: number[]
  dateOfBirth: string | null
}

/**
 * Reads a name typed with what tells namesakes apart: "ramesh sharma 1978" (year of birth),
 * "sharma 9822" (phone digits), "priya 45" or "priya 45y" (age), "sharma 03/02/1980" (date of
 * birth). Null when the query is a name alone, or has no name.
 */
export function combinedQuery(q: string): CombinedQuery | null {
  const words: string[] = []
  const numbers: string[] = []
  const ages: number[] = []
  let dateOfBirth: string | null = null
  for (const token of q.split(/[\s,;]+/).filter(Boolean)) {
    const date = /\d/.test(token) && /[/.-]/.test(token) ? parseDob(token) : null
    const age = /^\d{1,3}[a-z]+$/i.test(token) ? parseAge(token) : null
    if (date) dateOfBirth = date
    else if (age) ages.push(age.years)
    else if (/^\+?[\d()-]*\d[\d()-]*$/.test(token)) numbers.push(digitsOnly(token))
    else words.push(token)
  }
  const name = nameKey(words.join(' '))
  if (!/\p{L}/u.test(name) || (numbers.length === 0 && ages.length === 0 && dateOfBirth === null)) return null
  return { name, numbers, ages, dateOfBirth }
}

/**
 * Patients whose name matches and who fit every number typed beside it, each number read as
 * whatever it can be: four digits a year of birth or phone digits, up to three an age or phone
 * digits, more than four phone digits. An estimated date of birth (registered by age) counts a
 * year either way. The filter runs in SQL over every namesake, not just the newest.
 */
async function findCombined(db: Db, c: CombinedQuery, now: Date, timeZone: string, add: (seqs: number[], on: Hit['matchedOn'], tier: number, score?: number) => void) {
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day')
  const iso = (d: DateTime) => d.toISODate()!
  const born = (from: DateTime, to: DateTime) =>
    sql<boolean>`((dob_estimated = 0 and date_of_birth >= ${iso(from)} and date_of_birth <= ${iso(to)}) or (dob_estimated = 1 and date_of_birth >= ${iso(from.minus({ years: 1 }))} and date_of_birth <= ${iso(to.plus({ years: 1 }))}))`
  const aged = (years: number) => born(today.minus({ years: years + 1 }).plus({ days: 1 }), today.minus({ years }))
  const conditions: Array<RawBuilder<boolean>> = []
  if (c.dateOfBirth) conditions.push(sql<boolean>`date_of_birth = ${c.dateOfBirth}`)
  for (const years of c.ages) conditions.push(aged(years))
  const phoneRuns: string[] = []
  for (const digits of c.numbers) {
    const value = Number(digits)
    const either: Array<RawBuilder<boolean>> = []
    if (digits.length === 4 && value >= 1900 && value <= today.year) either.push(born(DateTime.fromObject({ year: value, month: 1, day: 1 }), DateTime.fromObject({ year: value, month: 12, day: 31 })))
    if (digits.length <= 3 && value <= 130) either.push(aged(value))
    // A trunk "0" typed in front of a longer number is not part of the stored number.
    const run = digits.length >= 6 ? digits.replace(/^0+/, '') : digits
    if (run.length >= 3) {
      either.push(sql<boolean>`instr(phone, ${run}) > 0`)
      phoneRuns.push(run)
    }
    conditions.push(either.length ? sql<boolean>`(${sql.join(either, sql` or `)})` : sql<boolean>`0`)
  }
  const typed = c.name.split(' ')
  const long = typed.filter((w) => w.length >= 3)
  const byName = long.length
    ? sql<boolean>`seq in (select rowid from patient_search where patient_search match ${`name : (${long.map(phrase).join(' AND ')})`})`
    : sql<boolean>`name_key >= ${c.name} and name_key < ${`${c.name}\uffff`}`
  const rows = await db
    .selectFrom('patients')
    .select(['seq', 'name_key', 'phone'])
    .where(byName)
    .where(sql.join(conditions, sql` and `) as RawBuilder<boolean>)
    .orderBy('seq', 'desc')
    .limit(CANDIDATES)
    .execute()
  for (const row of rows) {
    const { tier, score } = nameRank(c.name, typed, row.name_key)
    // A phone ending in the digits typed is the surest sign: it counts before the name's fit.
    const ending = phoneRuns.some((run) => row.phone.endsWith(run)) ? 10 : 0
    add([row.seq], 'name', tier, ending + score)
  }
}
