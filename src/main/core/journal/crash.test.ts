// Crash durability: a hub killed with SIGKILL while writes are in flight must keep every write
// it acknowledged (with its sealed journal entry), and leave a chain and a file that check out.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import SQLite from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import type { ChainCheck, SessionInfo } from '../../../shared/api'
import { DB_FILE } from '../db/connection'
import { createCore, type Core } from '../create-core'
import { ADMIN, call, removeDir, setUpClinic, tempDir } from '../testing'

const FIXTURE = fileURLToPath(new URL('./crash-hub.fixture.ts', import.meta.url))
const REPO = fileURLToPath(new URL('../../../../', import.meta.url))

const ROUNDS = 20
const IN_FLIGHT = 4
const KILL_AFTER_MS = { min: 50, max: 400 }

const children = new Set<ChildProcess>()
const dirs: string[] = []

afterAll(async () => {
  for (const child of children) await killHard(child)
  for (const dir of dirs) removeDir(dir)
})

interface HubChild {
  child: ChildProcess
  url: string
  output: () => string
}

/** Starts the fixture hub on `dataDir` and waits for its `listening <url>` line. */
function startHubChild(dataDir: string): Promise<HubChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void killHard(child)
      reject(new Error(`the hub child did not start within 20 s:\n${output}`))
    }, 20_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = output.match(/listening (http:\/\/\S+)/)
      if (match) {
        clearTimeout(timer)
        resolve({ child, url: match[1], output: () => output })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`the hub child exited (${code ?? signal}) before listening:\n${output}`))
    })
  })
}

/** SIGKILL, then wait until the OS has reaped the process (and so dropped its folder lock). */
function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

type Reply = { acked: true; value: unknown } | { acked: false; why: string }

/** One POST /api/<method>; acknowledged only by a complete HTTP 200 with `{ ok: true }`. */
async function post(url: string, method: string, input: unknown, token?: string): Promise<Reply> {
  try {
    const res = await fetch(`${url}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input)
    })
    const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } }
    if (res.status === 200 && body.ok === true) return { acked: true, value: body.value }
    return { acked: false, why: `HTTP ${res.status} ${body.error?.code ?? ''} ${body.error?.message ?? ''}` }
  } catch (error) {
    return { acked: false, why: `connection: ${(error as Error).message}` }
  }
}

const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1))

interface Acked {
  round: number
  name: string
  id: string
  number: number
}

describe('the journal across a killed hub', () => {
  it(
    'keeps every acknowledged write, sealed in the journal, after 20 SIGKILLs mid-write',
    async () => {
      const dataDir = tempDir()
      dirs.push(dataDir)

      // The clinic, set up once in-process; the core is closed (folder released) before any child starts.
      const setup = await createCore({ dataDir, log: () => {}, schedules: false })
      await setUpClinic(setup)
      await setup.close()

      const acked: Acked[] = []
      const attemptedNames = new Set<string>()
      const refusals: string[] = []
      let attempted = 0
      let cutOff = 0

      for (let round = 1; round <= ROUNDS; round++) {
        const hub = await startHubChild(dataDir)
        try {
          const login = await post(hub.url, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
          if (!login.acked) throw new Error(`round ${round}: sign-in failed: ${login.why}\n${hub.output()}`)
          const token = (login.value as SessionInfo).token!

          let dead = false
          let serial = 0
          const writer = async (lane: number) => {
            while (!dead) {
              const name = `Crash Test R${round} L${lane} N${serial++}`
              attemptedNames.add(name)
              attempted++
              const reply = await post(hub.url, 'patients.create', { name, allowDuplicate: true }, token)
              if (reply.acked) {
                const { patient } = reply.value as { patient: { id: string; number: number } }
                acked.push({ round, name, id: patient.id, number: patient.number })
              } else if (reply.why.startsWith('connection:')) {
                cutOff++
                return // the hub is gone
              } else {
                refusals.push(`round ${round} ${name}: ${reply.why}`)
              }
            }
          }
          const lanes = Array.from({ length: IN_FLIGHT }, (_, lane) => writer(lane))
          await new Promise((resolve) => setTimeout(resolve, randomInt(KILL_AFTER_MS.min, KILL_AFTER_MS.max)))
          dead = true // writers stop starting new calls; the ones in flight are cut off by the kill
          await killHard(hub.child)
          await Promise.all(lanes)
        } finally {
          await killHard(hub.child)
        }
      }

      console.log(
        `[crash] ${ROUNDS} rounds: ${acked.length} writes acknowledged of ${attempted} attempted; ` +
          `${cutOff} cut off by the kill; ${refusals.length} refused`
      )
      // A write the hub refused (rather than lost) is a different failure: say which.
      expect(refusals).toEqual([])
      expect(acked.length).toBeGreaterThan(0)

      // Open the folder again, as the next start of the hub would.
      let core: Core | null = null
      let raw: SQLite.Database | null = null
      try {
        core = await createCore({ dataDir, log: () => {}, schedules: false })
        raw = new SQLite(join(dataDir, DB_FILE), { readonly: true })

        const ids = new Set(raw.prepare('select id from patients').pluck().all() as string[])
        const missingPatients = acked.filter((a) => !ids.has(a.id))
        expect(missingPatients, 'acknowledged patients missing from the patients table').toEqual([])

        const journaled = new Map<string, { seq: number; method: string; hash: string | null }>()
        const rows = raw
          .prepare(
            `select jr.row_key, jr.seq, j.method, j.hash
               from journal_rows jr left join journal j on j.seq = jr.seq
              where jr.tbl = 'patients' and jr.op = 'insert'`
          )
          .all() as Array<{ row_key: string; seq: number; method: string | null; hash: string | null }>
        for (const row of rows) journaled.set(row.row_key, { seq: row.seq, method: row.method ?? '(no journal entry)', hash: row.hash })
        const notJournaled = acked.filter((a) => {
          const entry = journaled.get(a.id)
          return !entry || entry.method !== 'patients.create' || !entry.hash
        })
        expect(
          notJournaled.map((a) => ({ ...a, entry: journaled.get(a.id) ?? null })),
          'acknowledged patients without a sealed patients.create journal entry'
        ).toEqual([])

        // Patient numbers handed out are never handed out twice, even across crashes.
        const numbers = raw.prepare('select number from patients').pluck().all() as number[]
        expect(new Set(numbers).size).toBe(numbers.length)

        // Writes that committed but whose answer the kill cut off: allowed, only reported.
        const ours = raw.prepare(`select name from patients where name like 'Crash Test R%'`).pluck().all() as string[]
        const unacknowledgedButKept = ours.filter((n) => attemptedNames.has(n)).length - acked.length
        console.log(`[crash] ${ours.length} of our patients are in the database; ${unacknowledgedButKept} committed without an answer reaching the client`)

        expect(raw.prepare('select count(*) from journal where hash is null').pluck().get()).toBe(0)
        expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')

        const session = await call<SessionInfo>(core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
        const check = await call<ChainCheck>(core, 'audit.verify', {}, session.token!)
        expect(check.broken).toBeNull()
        expect(check.ok).toBe(true)
        expect(check.lastSeq).toBe(raw.prepare('select max(seq) from journal').pluck().get())
      } finally {
        raw?.close()
        await core?.close()
      }
    },
    120_000
  )
})
