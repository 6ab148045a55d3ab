// npm run bench: patient search on 200,000 patients, then the change journal (bench/journal.ts) and
// scheduling (bench/schedule.ts), each figure beside a raw-SQLite baseline
// measured in the same run (these machines are noisy; compare ratios, not milliseconds).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { createCore } from '../src/main/core/create-core'
import { DB_FILE } from '../src/main/core/db/connection'
import { generatePatients, insertPatients, rng, type GeneratedPatient } from './generate'
import { journalBench } from './journal'
import { scheduleBench } from './schedule'

const COUNT = Number(process.env.BENCH_PATIENTS ?? 200_000)
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function time(queries: string[], run: (q: string) => unknown): Promise<{ p50: number; p95: number }> {
  for (const q of queries.slice(0, 20)) await run(q) // warm up
  const samples: number[] = []
  for (const q of queries) {
    const start = process.hrtime.bigint()
    await run(q)
    samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  samples.sort((a, b) => a - b)
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) }
}

/** What a receptionist types, drawn from the generated patients; `target` is who they mean. */
let target: GeneratedPatient
const targets = new Map<string, GeneratedPatient>()
function queryMix(patients: GeneratedPatient[]): Record<string, string[]> {
  const random = rng(7)
  const sample = () => (target = patients[Math.floor(random() * patients.length)])
  const typo = (word: string) => {
    const i = 1 + Math.floor(random() * (word.length - 2))
    return word.slice(0, i) + word.slice(i + 1) // one letter dropped
  }
  const n = (make: () => string) =>
    Array.from({ length: QUERIES }, () => {
      const q = make()
      targets.set(q, target)
      return q
    })
  return {
    'name prefix (3-5 letters)': n(() => sample().name.slice(0, 3 + Math.floor(random() * 3))),
    'full name': n(() => sample().name),
    'first + surname': n(() => {
      const w = sample().name.split(' ')
      return `${w[0]} ${w.at(-1)}`
    }),
    'name with a typo': n(() => {
      const w = sample().name.split(' ')
      return `${typo(w[0])} ${w.at(-1)}`
    }),
    'phone digits (5-7)': n(() => {
      const digits = sample().phone.slice(-10)
      const len = 5 + Math.floor(random() * 3)
      const at = Math.floor(random() * (10 - len))
      return digits.slice(at, at + len)
    }),
    'whole phone': n(() => `0${sample().phone.slice(-10)}`),
    'patient number': n(() => sample().number),
    'date of birth': n(() => {
      const [y, m, d] = sample().dob.split('-')
      return `${d}/${m}/${y}`
    })
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'docspot-bench-'))
  try {
    const core = await createCore({ dataDir, log: () => {} })
    const setup = await core.dispatch('setup.createClinic', {
      clinic: { clinicName: 'Bench Clinic', timeZone: 'Asia/Kolkata', currency: 'INR', defaultCountry: 'IN' },
      admin: { name: 'Bench Admin', email: 'bench@example.com', password: 'benchmark password' }
    })
    if (!setup.ok) throw new Error(setup.error.message)
    const token = (setup.value as { token: string }).token

    const started = Date.now()
    const patients = generatePatients(COUNT)
    const load = insertPatients(join(dataDir, DB_FILE), patients)
    const loaded = (Date.now() - started) / 1000
    // The load is one journal entry like any other write: the hash chain must still hold.
    const verifyStarted = Date.now()
    const verified = await core.dispatch('audit.verify', {}, { token })
    if (!verified.ok) throw new Error(`audit.verify: ${verified.error.message}`)
    const check = verified.value as { ok: boolean; entries: number; broken: { seq: number; reason: string } | null }
    if (!check.ok) throw new Error(`audit.verify after the bulk load: entry ${check.broken?.seq} ${check.broken?.reason}`)
    console.log(`DocSpot patient search benchmark: ${COUNT.toLocaleString('en')} patients (generated, indexed and journaled in ${loaded.toFixed(1)} s), ${QUERIES} queries per kind`)
    console.log(`bulk load = journal entry ${load.seq} (${load.rows.toLocaleString('en')} rows captured); audit.verify through the core: ok, ${check.entries} entries, ${((Date.now() - verifyStarted) / 1000).toFixed(1)} s\n`)

    // Baseline: the raw trigram index lookup for the same text, no ranking, no API.
    const raw = new SQLite(join(dataDir, DB_FILE), { readonly: true })
    const rawLookup = raw.prepare(`select rowid from patient_search where patient_search match ? order by rowid desc limit 20`)
    const rawByNumber = raw.prepare(`select * from patients where number = ? collate nocase`)
    const phrase = (q: string) => `"${q.replace(/"/g, '""')}"`

    const rows: string[][] = [['query kind', 'search p50', 'search p95', 'baseline p50', 'baseline p95', 'ratio p50', 'ratio p95', 'found']]
    const missed = new Set<string>()
    const found: Record<string, Set<string>> = {}
    for (const [kind, queries] of Object.entries(queryMix(patients))) {
      const search = await time(queries, async (q) => {
        const result = await core.dispatch('patients.search', { q, limit: 20 }, { token })
        if (!result.ok) throw new Error(`${q}: ${result.error.message}`)
        const items = (result.value as { items: Array<{ name: string; number: string }> }).items
        if (items.length === 0) missed.add(`${kind}: ${q}`)
        const meant = targets.get(q)!
        // Found if the patient meant, or one with the very same name, is on the first page.
        if (items.some((i) => i.number === meant.number || i.name === meant.name)) (found[kind] ??= new Set()).add(q)
      })
      const baseline = await time(queries, (q) =>
        kind === 'patient number' ? rawByNumber.get(q) : rawLookup.all(phrase(q.replace(/^0/, '').toLowerCase().split(/[ /]/)[0].padEnd(3, ' ')))
      )
      const f = (ms: number) => `${ms.toFixed(2)} ms`
      rows.push([kind, f(search.p50), f(search.p95), f(baseline.p50), f(baseline.p95), `${(search.p50 / baseline.p50).toFixed(1)}x`, `${(search.p95 / baseline.p95).toFixed(1)}x`, `${Math.round((100 * (found[kind]?.size ?? 0)) / new Set(queries).size)}%`])
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
    for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    console.log(`\nsearch = patients.search through the dispatcher (session check, validation, transaction, ranking), limit 20`)
    console.log(`baseline = one raw FTS5 trigram MATCH for the query's first word (patient number: a unique-index lookup), no ranking`)
    console.log(`found = the patient meant (or one with the same name) is on the first page of 20`)
    console.log(`queries that found nothing: ${missed.size}${missed.size ? ` (${[...missed].slice(0, 5).join('; ')})` : ''}`)

    // The patient list: a page of 50 and the total, beside the same two statements raw.
    const cols = 'id, number, name, phone, email, date_of_birth, dob_estimated, gender, archived_at, archived_reason, photo_sha256'
    const today = new Date().toISOString().slice(0, 10)
    const yearsAgo = (n: number) => `${Number(today.slice(0, 4)) - n}${today.slice(4)}`
    const listCases: Array<{ label: string; input: Record<string, unknown>; where: string; params: unknown[]; order: string; offset: number }> = [
      { label: 'first page, newest registered', input: {}, where: 'archived_at is null', params: [], order: 'created_at desc, number desc', offset: 0 },
      { label: 'first page, by name', input: { sort: 'name', direction: 'asc' }, where: 'archived_at is null', params: [], order: 'name_key asc, number asc', offset: 0 },
      {
        // (The generated patients' sex is not recorded, so the age band is the filter here.)
        label: 'aged 40-59, by name',
        input: { sort: 'name', direction: 'asc', ageFrom: 40, ageTo: 59 },
        where: 'archived_at is null and date_of_birth <= ? and date_of_birth > ?',
        params: [yearsAgo(40), yearsAgo(60)],
        order: 'name_key asc, number asc',
        offset: 0
      },
      { label: 'page 1,000, by name', input: { sort: 'name', direction: 'asc', offset: 49_950 }, where: 'archived_at is null', params: [], order: 'name_key asc, number asc', offset: 49_950 }
    ]
    const listRows: string[][] = [['patient list (50 a page, with the total)', 'API p50', 'API p95', 'raw p50', 'raw p95', 'ratio p50', 'ratio p95', 'total']]
    const reps = Array.from({ length: Math.min(QUERIES, 60) }, (_, i) => String(i))
    let firstPage = { p50: 0, p95: 0 }
    for (const c of listCases) {
      let total = 0
      const api = await time(reps, async () => {
        const result = await core.dispatch('patients.list', c.input, { token })
        if (!result.ok) throw new Error(`${c.label}: ${result.error.message}`)
        total = (result.value as { total: number }).total
      })
      const count = raw.prepare(`select count(*) from patients where ${c.where}`).pluck()
      const page = raw.prepare(`select ${cols} from patients where ${c.where} order by ${c.order} limit 50 offset ${c.offset}`)
      const baseline = await time(reps, () => {
        count.get(...c.params)
        page.all(...c.params)
      })
      if (c.offset === 0 && c.label.startsWith('first page, newest')) firstPage = api
      const f = (ms: number) => `${ms.toFixed(2)} ms`
      listRows.push([c.label, f(api.p50), f(api.p95), f(baseline.p50), f(baseline.p95), `${(api.p50 / baseline.p50).toFixed(1)}x`, `${(api.p95 / baseline.p95).toFixed(1)}x`, total.toLocaleString('en')])
    }
    console.log('')
    const listWidths = listRows[0].map((_, i) => Math.max(...listRows.map((r) => r[i].length)))
    for (const row of listRows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(listWidths[i]) : c.padStart(listWidths[i]))).join('  '))
    console.log(`API = patients.list through the dispatcher; raw = its count and page statements, prepared, on a read-only connection (first page goal < 100 ms: ${firstPage.p95 < 100 ? 'met' : firstPage.p50 < 100 ? 'met at p50 only' : 'NOT met'})`)
    raw.close()
    await core.close()
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
  await journalBench()
  await scheduleBench()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
