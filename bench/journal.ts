// The change journal's cost: registrations with and without it, and how soon another desk
// hears of a write over the hub. Run alone with `tsx bench/journal.ts`, or as part of `npm run bench`.
// Both write paths run in the same process, interleaved in blocks, so machine noise hits both alike.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import SQLite from 'better-sqlite3'
import { api, type ParsedInputOf, type Patient, type StaffUser } from '../src/shared/api'
import { findSession } from '../src/main/core/auth/sessions'
import { keyFile, secretBox } from '../src/main/core/secrets'
import { LoginThrottle } from '../src/main/core/auth/throttle'
import { systemClock } from '../src/main/core/clock'
import type { Services, WriteContext } from '../src/main/core/context'
import { createCore, type Core } from '../src/main/core/create-core'
import { DB_FILE, createKysely, latestMigration, openSqlite } from '../src/main/core/db/connection'
import { fileStore } from '../src/main/core/files/store'
import { newId } from '../src/main/core/ids'
import { takeNumber } from '../src/main/core/journal/journal'
import { patientsHandlers } from '../src/main/core/patients/handlers'
import { readSettings } from '../src/main/core/settings/settings'
import { startHub } from '../src/main/transports/http/server'
import { generatePatients, rng } from './generate'

const WRITES = Number(process.env.BENCH_WRITES ?? 2000)
const EVENTS = Number(process.env.BENCH_EVENTS ?? 300)
/** Writes per block; the two paths alternate block by block, swapping which goes first. */
const BLOCK = 100
const WARM_UP = 20

type CreateInput = { name: string; phone: string; email: string; dateOfBirth: string; allowDuplicate: true }

/** Varied registrations that pass validation for an Indian clinic. */
function registrations(count: number, seed: number): CreateInput[] {
  const random = rng(seed + 1)
  return generatePatients(count, rng(seed)).map((p) => ({
    name: p.name,
    phone: p.phone.startsWith('+91') ? p.phone : `+91${6 + Math.floor(random() * 4)}${String(Math.floor(random() * 1e9)).padStart(9, '0')}`,
    email: p.email.replace(/[^a-z0-9.@]/g, ''), // the generator keeps letters like ø, which emails refuse
    dateOfBirth: p.dob,
    allowDuplicate: true
  }))
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

export interface Stats {
  count: number
  p50: number
  p95: number
  mean: number
  total: number
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b)
  const total = samples.reduce((sum, s) => sum + s, 0)
  return { count: samples.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean: total / samples.length, total }
}

export const ms = (value: number) => `${value.toFixed(2)} ms`
export const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6

export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
}

async function freshClinic(dataDir: string): Promise<{ core: Core; token: string; admin: StaffUser }> {
  const core = await createCore({ dataDir, log: () => {}, schedules: false })
  const setup = await core.dispatch('setup.createClinic', {
    clinic: { clinicName: 'Bench Clinic', timeZone: 'Asia/Kolkata', currency: 'INR', defaultCountry: 'IN' },
    admin: { name: 'Bench Admin', email: 'bench@example.com', password: 'benchmark password' }
  })
  if (!setup.ok) throw new Error(setup.error.message)
  const { token, user } = setup.value as { token: string; user: StaffUser }
  return { core, token, admin: user }
}

/** The core's registration, journaled: session check, validation, transaction, entry opened and sealed, event published. */
function journaledWriter(core: Core, token: string) {
  return async (input: CreateInput) => {
    const result = await core.dispatch('patients.create', input, { token })
    if (!result.ok) throw new Error(`patients.create (journaled): ${result.error.message}`)
  }
}

/**
 * The same registration with no journal: the capture triggers dropped, and the dispatcher's
 * steps redone by hand without openEntry/sealEntry — the same session check (settings and
 * session read on a read-only connection), the same role check and input parsing, the same
 * handler in one write transaction on a writer opened with the core's pragmas.
 */
async function plainWriter(dataDir: string, token: string) {
  const file = join(dataDir, DB_FILE)
  const raw = new SQLite(file)
  const triggers = raw.prepare(`select name from sqlite_master where type = 'trigger' and name like 'journal\\_%' escape '\\' and tbl_name not in ('journal', 'journal_rows')`).all() as Array<{ name: string }>
  for (const { name } of triggers) raw.exec(`drop trigger "${name.replace(/"/g, '""')}"`)
  raw.close()

  const db = createKysely(openSqlite(file))
  const reader = createKysely(openSqlite(file, { readonly: true }))
  const services: Services = {
    db,
    readDb: reader,
    files: fileStore(dataDir),
    loginThrottle: new LoginThrottle(),
    secrets: secretBox(keyFile(dataDir)),
    connection: { kind: 'desktop', https: false, fingerprint: null, insecure: false },
    clock: systemClock,
    dataDir,
    version: '0.0.0-bench',
    schemaVersion: latestMigration()
  }
  const spec = api['patients.create']
  const handler = patientsHandlers['patients.create']!
  const log = (message: string, error?: unknown) => console.error(`[bench] ${message}`, error ?? '')

  const write = async (rawInput: CreateInput) => {
    const now = services.clock.now()
    const settings = await readSettings(reader)
    const session = await findSession(services, token, now, settings?.autoLogoutMinutes ?? 30, log)
    if (!session) throw new Error('patients.create (plain): the session has ended')
    if (!(spec.roles as readonly string[]).includes(session.user.role)) throw new Error('patients.create (plain): forbidden')
    const input = spec.input.parse(rawInput) as ParsedInputOf<'patients.create'>
    await db.transaction().execute((trx) => {
      const ctx: WriteContext = {
        db: trx,
        now,
        user: session.user,
        session,
        role: session.user.role,
        address: null,
        deviceKey: null,
        services,
        newId: () => newId(now.getTime()),
        nextNumber: (kind) => takeNumber(trx, kind),
        actingAs() {},
        progress() {}
      }
      return handler(ctx, input)
    })
  }
  const count = async (table: 'patients' | 'journal' | 'journal_rows') => Number((await reader.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return {
    write,
    dropped: triggers.length,
    count,
    close: async () => {
      await reader.destroy()
      await db.destroy()
    }
  }
}

async function registrationRate(journaled: (input: CreateInput) => Promise<void>, plain: (input: CreateInput) => Promise<void>): Promise<{ withJournal: Stats; without: Stats }> {
  const inputs = registrations(WRITES + WARM_UP, 11)
  for (const input of inputs.slice(0, WARM_UP)) {
    await journaled(input)
    await plain(input)
  }
  const samples = { journaled: [] as number[], plain: [] as number[] }
  const run = async (kind: 'journaled' | 'plain', block: CreateInput[]) => {
    const write = kind === 'journaled' ? journaled : plain
    for (const input of block) {
      const start = process.hrtime.bigint()
      await write(input)
      samples[kind].push(elapsed(start))
    }
  }
  const timed = inputs.slice(WARM_UP)
  for (let at = 0, i = 0; at < timed.length; at += BLOCK, i++) {
    const block = timed.slice(at, at + BLOCK)
    const order: Array<'journaled' | 'plain'> = i % 2 === 0 ? ['journaled', 'plain'] : ['plain', 'journaled']
    for (const kind of order) await run(kind, block)
  }
  return { withJournal: stats(samples.journaled), without: stats(samples.plain) }
}

/** Reads the hub's event stream and notes when each patient id is first named by a change event. */
async function listen(url: string, token: string, signal: AbortSignal) {
  const heard = new Map<string, number>()
  const waiting = new Map<string, (at: number) => void>()
  const response = await fetch(`${url}/api/events`, { headers: { Authorization: `Bearer ${token}` }, signal })
  if (!response.ok || !response.body) throw new Error(`GET /api/events: HTTP ${response.status}`)
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let ready!: () => void
  const isReady = new Promise<void>((resolve) => (ready = resolve))
  const done = (async () => {
    let buffer = ''
    try {
      for (;;) {
        const { value, done: ended } = await reader.read()
        if (ended) return
        const at = performance.now()
        buffer += value
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (event === 'ready') ready()
          if (event !== 'change' || !data) continue
          const change = JSON.parse(data) as { seq: number; method: string; changed: Record<string, string[]> }
          for (const id of change.changed.patients ?? []) {
            if (heard.has(id)) continue
            heard.set(id, at)
            waiting.get(id)?.(at)
            waiting.delete(id)
          }
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error
    }
  })()
  await isReady
  const heardOf = (id: string) =>
    heard.has(id)
      ? Promise.resolve(heard.get(id)!)
      : new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no change event named patient ${id} within 5 s`)), 5000)
          waiting.set(id, (at) => {
            clearTimeout(timer)
            resolve(at)
          })
        })
  return { heardOf, done }
}

async function eventLatency(core: Core, adminToken: string): Promise<{ roundTrip: Stats; event: Stats; after: Stats }> {
  const hub = await startHub({ core, port: 0 })
  const abort = new AbortController()
  try {
    const post = (method: string, body: unknown, token?: string) =>
      fetch(`${hub.url}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body)
      })
    // Client B: a receptionist signed in over the hub, listening.
    const created = await core.dispatch('users.create', { name: 'Bench Reception', email: 'reception@example.com', role: 'receptionist', password: 'benchmark password' }, { token: adminToken })
    if (!created.ok) throw new Error(created.error.message)
    const login = (await (await post('auth.login', { email: 'reception@example.com', password: 'benchmark password' })).json()) as { ok: boolean; value: { token: string } }
    if (!login.ok) throw new Error('auth.login over the hub failed')
    const listener = await listen(hub.url, login.value.token, abort.signal)

    // Client A: the admin registering patients over the hub, one after another.
    const inputs = registrations(EVENTS + WARM_UP, 23)
    const roundTrips: number[] = []
    const events: number[] = []
    const after: number[] = []
    for (const [i, input] of inputs.entries()) {
      const sent = performance.now()
      const response = await post('patients.create', input, adminToken)
      const result = (await response.json()) as { ok: boolean; value: { patient: Patient }; error?: { message: string } }
      const answered = performance.now()
      if (!result.ok) throw new Error(`patients.create over the hub: ${result.error?.message}`)
      const heard = await listener.heardOf(result.value.patient.id)
      if (i < WARM_UP) continue
      roundTrips.push(answered - sent)
      events.push(heard - sent)
      after.push(heard - answered)
    }
    abort.abort()
    await listener.done
    return { roundTrip: stats(roundTrips), event: stats(events), after: stats(after) }
  } finally {
    abort.abort()
    await hub.close()
  }
}

export async function journalBench(): Promise<void> {
  const dirs = [mkdtempSync(join(tmpdir(), 'docspot-bench-journal-')), mkdtempSync(join(tmpdir(), 'docspot-bench-plain-'))]
  const closers: Array<() => Promise<void>> = []
  try {
    console.log(`\nDocSpot change journal benchmark: ${WRITES.toLocaleString('en')} registrations with and without the journal (interleaved in blocks of ${BLOCK}), ${EVENTS} writes over the hub\n`)
    const journaled = await freshClinic(dirs[0])
    closers.push(() => journaled.core.close())

    // The unjournaled folder starts the same way, then loses its capture triggers with the core closed (it holds the folder's lock).
    const second = await freshClinic(dirs[1])
    await second.core.close()
    const plain = await plainWriter(dirs[1], second.token)
    closers.push(plain.close)

    const before = { journal: await plain.count('journal'), rows: await plain.count('journal_rows') }
    const rate = await registrationRate(journaledWriter(journaled.core, journaled.token), plain.write)
    const plainPatients = await plain.count('patients')
    if (plainPatients !== WRITES + WARM_UP) throw new Error(`the unjournaled folder has ${plainPatients} patients, expected ${WRITES + WARM_UP}`)
    if ((await plain.count('journal')) !== before.journal || (await plain.count('journal_rows')) !== before.rows) throw new Error('the unjournaled writes were journaled')

    const perSecond = (s: Stats) => s.count / (s.total / 1000)
    const { withJournal: w, without: o } = rate
    const rows = [['registration (patients.create)', 'p50', 'p95', 'mean', 'writes/s'], ['with journal', ms(w.p50), ms(w.p95), ms(w.mean), perSecond(w).toFixed(0)], ['without journal', ms(o.p50), ms(o.p95), ms(o.mean), perSecond(o).toFixed(0)], ['ratio with/without', `${(w.p50 / o.p50).toFixed(2)}x`, `${(w.p95 / o.p95).toFixed(2)}x`, `${(w.mean / o.mean).toFixed(2)}x`, `${(perSecond(o) / perSecond(w)).toFixed(2)}x`]]
    printTable(rows)
    const ratio = perSecond(o) / perSecond(w)
    console.log(`\nwith journal = core.dispatch('patients.create'): session check, validation, one transaction with its journal entry opened, every row captured by the triggers, sealed (hashed), change event published`)
    console.log(`without journal = the same handler on a copy of the clinic with its ${plain.dropped} capture triggers dropped: same session check, role check and parsing, one transaction, no entry`)
    console.log(`p50/p95/mean = wall time of one call, start to committed answer; writes/s = calls / summed call time; ratio writes/s = how many times slower with the journal (goal ≤ 1.5x: ${ratio <= 1.5 ? 'met' : 'NOT met'})`)
    console.log(`each path: ${WRITES} timed writes after ${WARM_UP} warm-up, synchronous = FULL (one fsync per commit), allowDuplicate: true`)

    const verified = await journaled.core.dispatch('audit.verify', {}, { token: journaled.token })
    if (!verified.ok || !(verified.value as { ok: boolean }).ok) throw new Error(`audit.verify after the journaled writes: ${JSON.stringify(verified)}`)
    console.log(`audit.verify after the journaled writes: ok, ${(verified.value as { entries: number }).entries} entries\n`)

    const { roundTrip, event, after } = await eventLatency(journaled.core, journaled.token)
    printTable([
      ['over the hub (HTTP, in-process)', 'p50', 'p95', 'mean'],
      ['A: write round trip', ms(roundTrip.p50), ms(roundTrip.p95), ms(roundTrip.mean)],
      ['B: change event', ms(event.p50), ms(event.p95), ms(event.mean)],
      ['B: event after A’s answer', ms(after.p50), ms(after.p95), ms(after.mean)]
    ])
    console.log(`\nA: write round trip = POST /api/patients.create sent → its JSON answer parsed (the baseline: the write alone)`)
    console.log(`B: change event = the same POST sent → a second signed-in session reading GET /api/events parses the change event naming the new patient (goal < 100 ms: ${event.p95 < 100 ? 'met at p95' : event.p50 < 100 ? 'met at p50 only' : 'NOT met'})`)
    console.log(`B: event after A’s answer = event time − round trip (negative: B heard before A had its answer)`)
    console.log(`${EVENTS} writes one after another after ${WARM_UP} warm-up; hub, both clients and the core share one process`)
  } finally {
    for (const close of closers.reverse()) await close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  journalBench().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
