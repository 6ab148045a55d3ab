// npm run bench: patient search on 200,000 patients, then the change journal (bench/journal.ts),
// scheduling (bench/schedule.ts), each figure beside a raw-SQLite baseline, and the outbox
// (bench/outbox.ts) beside nodemailer sending directly
// measured in the same run (these machines are noisy; compare ratios, not milliseconds).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { DateTime } from 'luxon'
import { createCore, type Core } from '../src/main/core/create-core'
import { DB_FILE, traceReads } from '../src/main/core/db/connection'
import { readerCount } from '../src/main/core/readers/pool'
import { startHub } from '../src/main/transports/http/server'
import { generatePatients, insertPatients, patientsCsv, rng, type GeneratedPatient } from './generate'
import { journalBench } from './journal'
import { scheduleBench } from './schedule'
import { outboxBench } from './outbox'

const COUNT = Number(process.env.BENCH_PATIENTS ?? 200_000)
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200)
/** Generated patients imported through the API's CSV import (the rest are loaded raw). */
const IMPORTED = Number(process.env.BENCH_IMPORTED ?? 5_000)
/** Seconds each concurrency run lasts. */
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 8)
const TIME_ZONE = 'Asia/Kolkata'

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

/** node --expose-gc (the bench script passes it): a full collection, so the next timing starts clean. */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('Run the bench with node --expose-gc (npm run bench does)')
  gc()
}

/**
 * The call and its baseline timed in turns, query by query (which goes first alternates by round),
 * so a burst of noise on this shared machine lands on both alike rather than on whichever ran
 * second. `rounds` passes over the queries, after one warm-up pass.
 */
async function timePair(queries: string[], call: (q: string) => unknown, baseline: (q: string) => unknown, rounds: number): Promise<[{ p50: number; p95: number }, { p50: number; p95: number }]> {
  for (const q of queries.slice(0, 20)) {
    await call(q)
    await baseline(q)
  }
  const samples: [number[], number[]] = [[], []]
  const once = async (run: (q: string) => unknown, q: string, into: number[]) => {
    const start = process.hrtime.bigint()
    await run(q)
    into.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  for (let round = 0; round < rounds; round++) {
    for (const q of queries) {
      if (round % 2 === 0) {
        await once(call, q, samples[0])
        await once(baseline, q, samples[1])
      } else {
        await once(baseline, q, samples[1])
        await once(call, q, samples[0])
      }
    }
  }
  return samples.map((list) => {
    list.sort((a, b) => a - b)
    return { p50: percentile(list, 50), p95: percentile(list, 95) }
  }) as [{ p50: number; p95: number }, { p50: number; p95: number }]
}

type Kind = 'identifier' | 'name' | 'combined'
interface QueryKind {
  label: string
  kind: Kind
  /** Each query with the patient it is meant to find. */
  queries: Array<{ q: string; meant: GeneratedPatient }>
}

/** What a receptionist types, drawn from the generated patients, each with the patient meant. */
function queryMix(patients: GeneratedPatient[]): QueryKind[] {
  const random = rng(7)
  const today = DateTime.now().setZone(TIME_ZONE)
  const sample = () => patients[Math.floor(random() * patients.length)]
  const words = (p: GeneratedPatient) => p.name.split(' ')
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  // One slip in one word of four letters or more (first name or surname, at random), never its first letter.
  const slip = (p: GeneratedPatient, make: (word: string, at: number) => string) => {
    const w = words(p)
    const pair = [0, w.length - 1]
    const long = pair.filter((i) => w[i].length >= 4)
    if (long.length === 0) return null
    const which = long[Math.floor(random() * long.length)]
    const word = w[which]
    const at = 1 + Math.floor(random() * (word.length - 2))
    const out = [...w]
    out[which] = make(word, at)
    return `${out[0]} ${out[out.length - 1]}`
  }
  const kind = (label: string, k: Kind, make: (p: GeneratedPatient) => string | null): QueryKind => {
    const queries: QueryKind['queries'] = []
    while (queries.length < QUERIES) {
      const meant = sample()
      const q = make(meant)
      if (q) queries.push({ q, meant })
    }
    return { label, kind: k, queries }
  }
  const age = (p: GeneratedPatient) => Math.floor(today.diff(DateTime.fromISO(p.dob, { zone: TIME_ZONE }), 'years').years)
  const digits = (p: GeneratedPatient) => p.phone.replace(/\D/g, '')
  return [
    kind('patient number', 'identifier', (p) => p.number),
    kind('whole phone, as dialled', 'identifier', (p) => `0${digits(p).slice(-10)}`),
    kind('date of birth (dd/mm/yyyy)', 'identifier', (p) => p.dob.split('-').reverse().join('/')),
    kind('phone, last 4 digits', 'identifier', (p) => digits(p).slice(-4)),
    kind('phone, 5-7 digits anywhere', 'identifier', (p) => {
      const d = digits(p).slice(-10)
      const len = 5 + Math.floor(random() * 3)
      const at = Math.floor(random() * (10 - len))
      return d.slice(at, at + len)
    }),
    kind('name prefix (3-5 letters)', 'name', (p) => p.name.slice(0, 3 + Math.floor(random() * 3))),
    kind('full name', 'name', (p) => p.name),
    kind('first + surname', 'name', (p) => `${words(p)[0]} ${words(p).at(-1)}`),
    kind('surname, first', 'name', (p) => `${words(p).at(-1)}, ${words(p)[0]}`),
    kind('typo: a letter dropped', 'name', (p) => slip(p, (w, i) => w.slice(0, i) + w.slice(i + 1))),
    kind('typo: two letters swapped', 'name', (p) => slip(p, (w, i) => (i + 1 < w.length ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2) : null) ?? w)),
    kind('typo: a letter wrong', 'name', (p) =>
      slip(p, (w, i) => {
        let c = w[i]
        while (c.toLowerCase() === w[i].toLowerCase()) c = letters[Math.floor(random() * letters.length)]
        return w.slice(0, i) + c + w.slice(i + 1)
      })
    ),
    kind('full name + year of birth', 'combined', (p) => `${p.name} ${p.dob.slice(0, 4)}`),
    kind('first + surname + age', 'combined', (p) => `${words(p)[0]} ${words(p).at(-1)} ${age(p)}`),
    kind('surname + last 4 phone digits', 'combined', (p) => `${words(p).at(-1)} ${digits(p).slice(-4)}`)
  ]
}

/** The generated patients must be ones DocSpot itself accepts: a share goes in through the CSV import. */
async function importThroughApi(patients: GeneratedPatient[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'docspot-bench-import-'))
  const core = await createCore({ dataDir: dir, log: () => {}, schedules: false })
  try {
    const token = await setUp(core)
    const file = new TextEncoder().encode(patientsCsv(patients))
    const started = process.hrtime.bigint()
    const preview = await core.dispatch('patients.importPreview', { file }, { token })
    if (!preview.ok) throw new Error(`importPreview: ${preview.error.message}`)
    const p = preview.value as { total: number; withErrors: number; rows: unknown[] }
    if (p.withErrors !== 0 || p.total !== patients.length) throw new Error(`The import refused ${p.withErrors} of ${p.total} generated patients: ${JSON.stringify(p.rows.slice(0, 3))}`)
    const commit = await core.dispatch('patients.importCommit', { file, includeDuplicates: true }, { token })
    if (!commit.ok) throw new Error(`importCommit: ${commit.error.message}`)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const imported = (commit.value as { imported: number }).imported
    if (imported !== patients.length) throw new Error(`The import took ${imported} of ${patients.length} generated patients`)
    return `${imported.toLocaleString('en')} of them also imported through patients.importPreview + importCommit as a CSV: all valid, all taken, ${seconds.toFixed(1)} s (${Math.round(imported / seconds)} patients/s)`
  } finally {
    await core.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function setUp(core: Core): Promise<string> {
  const setup = await core.dispatch('setup.createClinic', {
    clinic: { clinicName: 'Bench Clinic', timeZone: TIME_ZONE, currency: 'INR', defaultCountry: 'IN' },
    admin: { name: 'Bench Admin', email: 'bench@example.com', password: 'benchmark password' }
  })
  if (!setup.ok) throw new Error(setup.error.message)
  return (setup.value as { token: string }).token
}

const table = (rows: string[][]) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
}
const ms = (n: number) => `${n.toFixed(2)} ms`
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'docspot-bench-'))
  const closers: Array<() => Promise<void>> = []
  try {
    const core = await createCore({ dataDir, log: () => {}, schedules: false }) // (no reminder jobs: the bulk load would only make node-cron warn of missed minutes)
    closers.push(() => core.close())
    const token = await setUp(core)

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
    console.log(`bulk load = journal entry ${load.seq} (${load.rows.toLocaleString('en')} rows captured); audit.verify through the core: ok, ${check.entries} entries, ${((Date.now() - verifyStarted) / 1000).toFixed(1)} s`)
    console.log(`${await importThroughApi(patients.slice(0, IMPORTED))}\n`)

    // What each query runs: every statement on the read-only connection (session, settings,
    // the search's own), captured once, then replayed raw with prepared statements.
    const kinds = queryMix(patients)
    const search = async (q: string) => {
      const result = await core.dispatch('patients.search', { q, limit: 20 }, { token })
      if (!result.ok) throw new Error(`${q}: ${result.error.message}`)
      return (result.value as { items: Array<{ number: string }> }).items
    }
    const statements = new Map<string, Array<[string, unknown[]]>>()
    for (const { queries } of kinds) {
      for (const { q } of queries) {
        const ran: Array<[string, unknown[]]> = []
        traceReads((text, parameters) => ran.push([text, [...parameters]]))
        await search(q)
        traceReads(null)
        statements.set(q, ran)
      }
    }
    const raw = new SQLite(join(dataDir, DB_FILE), { readonly: true })
    const prepared = new Map<string, SQLite.Statement>()
    const replay = (q: string) => {
      for (const [text, parameters] of statements.get(q)!) {
        let statement = prepared.get(text)
        if (!statement) prepared.set(text, (statement = raw.prepare(text)))
        if (statement.reader) statement.all(parameters)
        else statement.run(parameters)
      }
    }

    const rows: string[][] = [['query kind', 'API p50', 'API p95', 'same SQL p50', 'same SQL p95', 'ratio p50', 'ratio p95', 'meant on page 1', 'meant in top 5']]
    const worst: Record<Kind, number> = { identifier: 0, name: 0, combined: 0 }
    const combinedTop5 = { found: 0, of: 0 }
    const missed: string[] = []
    for (const { label, kind, queries } of kinds) {
      let page1 = 0
      let top5 = 0
      for (const { q, meant } of queries) {
        const items = await search(q)
        const at = items.findIndex((i) => i.number === meant.number)
        if (at >= 0) page1++
        if (at >= 0 && at < 5) top5++
        if (at < 0 && missed.length < 8) missed.push(`${label}: "${q}"`)
      }
      if (kind === 'combined') {
        combinedTop5.found += top5
        combinedTop5.of += queries.length
      }
      const texts = queries.map((x) => x.q)
      // A full collection first: the run's own garbage (200,000 generated patients, the traces
      // above) must not be collected during one kind's timing and not another's.
      collectGarbage()
      // Identifier lookups take a fraction of a millisecond: more passes steady their figures.
      const [api, baseline] = await timePair(texts, search, replay, kind === 'identifier' ? 6 : 1)
      worst[kind] = Math.max(worst[kind], api.p50 / baseline.p50)
      const share = (n: number) => `${Math.round((100 * n) / queries.length)}%`
      rows.push([label, ms(api.p50), ms(api.p95), ms(baseline.p50), ms(baseline.p95), ratio(api.p50, baseline.p50), ratio(api.p95, baseline.p95), share(page1), share(top5)])
    }
    table(rows)
    console.log(`\nAPI = patients.search through the dispatcher (session check, validation, snapshot transaction, ranking), limit 20, on the calling thread`)
    console.log(`same SQL = every statement that call ran on the read-only connection (session and settings reads included; the session's occasional last-seen write is not), replayed raw with prepared statements; each query's call and replay are timed in turns (identifiers over 6 passes, the rest over 1)`)
    console.log(`meant = the generated patient the query was made from, by patient number (a namesake does not count)`)
    const goal = (met: boolean) => (met ? 'met' : 'NOT met')
    console.log(`goals: identifiers within 2x of their SQL: ${goal(worst.identifier <= 2)} (worst ${worst.identifier.toFixed(1)}x); names within 1.5x: ${goal(worst.name <= 1.5)} (worst ${worst.name.toFixed(1)}x); combined queries with the patient meant in the top 5 for 95%: ${goal(combinedTop5.found >= 0.95 * combinedTop5.of)} (${Math.round((100 * combinedTop5.found) / combinedTop5.of)}%)`)
    console.log(`not on page 1 (first few): ${missed.join('; ') || 'none'}`)

    // Desks at once: the hub over HTTP, with its reader threads and without, 1 and 8 clients.
    const queriesFile = join(dataDir, 'queries.json')
    const mix = kinds.flatMap((k) => k.queries.map((x) => x.q))
    const shuffle = rng(11)
    for (let i = mix.length - 1; i > 0; i--) {
      const j = Math.floor(shuffle() * (i + 1))
      ;[mix[i], mix[j]] = [mix[j], mix[i]]
    }
    writeFileSync(queriesFile, JSON.stringify(mix))
    const pooled = await createCore({ dataDir, log: () => {}, schedules: false, unclaimedFolder: true, readers: { size: readerCount() } })
    closers.push(() => pooled.close())
    const loadRows: string[][] = [['desks searching at once (HTTP)', 'requests/s', 'p50', 'p95', 'vs 1 desk']]
    const throughput: Record<string, number> = {}
    for (const [label, hubCore] of [[`hub with ${readerCount()} reader threads`, pooled], ['hub reading on its main thread', core]] as const) {
      const hub = await startHub({ core: hubCore, port: 0 })
      try {
        const desks = (clients: number, seconds: number) =>
          // Not spawnSync: the hub answers on this process's threads.
          new Promise<string>((resolve, reject) => {
            const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'load.ts'), hub.url, token, String(clients), String(seconds), queriesFile])
            let stdout = ''
            let stderr = ''
            child.stdout.on('data', (chunk) => (stdout += chunk))
            child.stderr.on('data', (chunk) => (stderr += chunk))
            child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`bench/load.ts: ${stderr}`))))
          })
        await desks(8, 2) // warm-up: threads started, code compiled, statements prepared
        for (const clients of [1, 8]) {
          const out = await desks(clients, LOAD_SECONDS)
          const r = JSON.parse(out.trim().split('\n').at(-1)!) as { requests: number; seconds: number; p50: number; p95: number }
          const perSecond = r.requests / r.seconds
          throughput[`${label} ${clients}`] = perSecond
          loadRows.push([`${label}, ${clients} desk${clients > 1 ? 's' : ''}`, perSecond.toFixed(0), ms(r.p50), ms(r.p95), clients === 1 ? '1.0x' : ratio(perSecond, throughput[`${label} 1`])])
        }
      } finally {
        await hub.close()
      }
    }
    console.log('')
    table(loadRows)
    const scale = throughput[`hub with ${readerCount()} reader threads 8`] / throughput[`hub with ${readerCount()} reader threads 1`]
    console.log(`each desk sends the next query of the mix above as soon as its last is answered, for ${LOAD_SECONDS} s, from a separate process; machine: ${readerCount()} reader threads for ${(await import('node:os')).availableParallelism()} cores (goal: 8 desks at least 1.7x one desk's requests/s: ${goal(scale >= 1.7)}, ${scale.toFixed(1)}x)`)

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
  } finally {
    for (const close of closers.reverse()) await close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  // BENCH_ONLY=search stops here (a quicker look at search alone).
  if (process.env.BENCH_ONLY === 'search') return
  await journalBench()
  await scheduleBench()
  await outboxBench()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
