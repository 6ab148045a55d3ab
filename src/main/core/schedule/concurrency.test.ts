// Double booking under real concurrency: many desks (HTTP) and two processes (one database
// file) asking for the same slot at the same moment. Exactly one booking per slot, every other
// desk a clear CONFLICT naming the doctor, never a 500 or "the database is busy".
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import SQLite from 'better-sqlite3'
import { DateTime } from 'luxon'
import { afterAll, describe, expect, it } from 'vitest'
import type { ChainCheck, SessionInfo } from '../../../shared/api'
import { startHub, type Hub } from '../../transports/http/server'
import { DB_FILE } from '../db/connection'
import { createCore, type Core } from '../create-core'
import { ADMIN, CLINIC, call, openTestCore, removeDir, setUpClinic, tempDir, type TestCore } from '../testing'
import { setUpPractice } from './fixtures'

const FIXTURE = fileURLToPath(new URL('./book-once.fixture.ts', import.meta.url))
const REPO = fileURLToPath(new URL('../../../../', import.meta.url))

const ROUNDS = 50
const DESKS = 20
const DOCTOR = 'Dr. Meera Iyer'

const children = new Set<ChildProcess>()
const dirs: string[] = []
let t: TestCore | null = null
let hub: Hub | null = null

afterAll(async () => {
  await hub?.close()
  await t?.close()
  for (const child of children) await killHard(child)
  for (const dir of dirs) removeDir(dir)
})

/**
 * The next `count` 15-minute slots of the test doctors (Monday to Saturday, 09:00–12:45 clinic
 * time), from the clinic day `firstDay` on, as UTC instants.
 */
function slotsFrom(firstDay: DateTime, count: number): string[] {
  const slots: string[] = []
  for (let day = firstDay.setZone(CLINIC.timeZone).startOf('day'); slots.length < count; day = day.plus({ days: 1 })) {
    if (day.weekday === 7) continue
    for (let i = 0; i < 16 && slots.length < count; i++) slots.push(day.set({ hour: 9, minute: 15 * i }).toUTC().toISO()!)
  }
  return slots
}

interface Answer {
  status: number
  body: { ok: boolean; value?: { id: string; start: string }; error?: { code: string; message: string } }
}

async function post(url: string, method: string, input: unknown, token?: string): Promise<Answer> {
  const res = await fetch(`${url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input)
  })
  const text = await res.text()
  try {
    return { status: res.status, body: JSON.parse(text) }
  } catch {
    return { status: res.status, body: { ok: false, error: { code: `(not JSON)`, message: text.slice(0, 300) } } }
  }
}

/** SIGKILL, then wait until the OS has reaped the process. */
function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

interface Desk {
  child: ChildProcess
  send(line: string): void
  /** The child's next stdout line. */
  next(what: string, timeoutMs?: number): Promise<string>
  output(): string
}

/** A book-once.fixture.ts child on `dataDir`, driven line by line. */
function startDesk(name: string, dataDir: string, booking: { doctorId: string; typeId: string; patientIds: string[] }): Desk {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir, JSON.stringify(booking)], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] })
  children.add(child)
  let stderr = ''
  let pending = ''
  const lines: string[] = []
  const waiters: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = []
  let exited: string | null = null
  const output = () => `--- ${name} stderr ---\n${stderr}`
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString()
    let cut: number
    while ((cut = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, cut)
      pending = pending.slice(cut + 1)
      const waiter = waiters.shift()
      if (waiter) waiter.resolve(line)
      else lines.push(line)
    }
  })
  child.stdin!.on('error', () => {}) // a dead child's pipe: reported through `exit`
  child.once('exit', (code, signal) => {
    children.delete(child)
    exited = `${name} exited (${code ?? signal})`
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`${exited}\n${output()}`))
  })
  return {
    child,
    output,
    send: (line) => void child.stdin!.write(`${line}\n`),
    next(what, timeoutMs = 20_000) {
      const line = lines.shift()
      if (line !== undefined) return Promise.resolve(line)
      if (exited) return Promise.reject(new Error(`${exited} while waiting for ${what}\n${output()}`))
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no ${what} within ${timeoutMs} ms\n${output()}`)), timeoutMs)
        waiters.push({
          resolve: (l) => (clearTimeout(timer), resolve(l)),
          reject: (e) => (clearTimeout(timer), reject(e))
        })
      })
    }
  }
}

/** Asks a desk child to finish; SIGKILL if it does not within a few seconds. */
async function stopDesk(desk: Desk): Promise<void> {
  if (desk.child.exitCode !== null || desk.child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => desk.child.once('exit', () => resolve()))
  desk.send('quit')
  const timer = setTimeout(() => void killHard(desk.child), 5_000)
  await gone
  clearTimeout(timer)
}

function countRows(dataDir: string) {
  const raw = new SQLite(join(dataDir, DB_FILE), { readonly: true })
  try {
    return {
      appointments: raw.prepare('select id, start_at from appointments').all() as Array<{ id: string; start_at: string }>,
      cells: raw.prepare('select appointment_id, count(*) as n from appointment_cells group by appointment_id').all() as Array<{ appointment_id: string; n: number }>,
      cellCount: raw.prepare('select count(*) from appointment_cells').pluck().get() as number,
      unsealed: raw.prepare('select count(*) from journal where hash is null').pluck().get() as number
    }
  } finally {
    raw.close()
  }
}

describe('one slot, many desks at the same moment', () => {
  it(
    `${DESKS} desks over HTTP book the same slot at the same moment: exactly one wins, ${ROUNDS} times`,
    async () => {
      t = await openTestCore() // Monday 10 March 2025, 09:00 London
      const adminToken = await setUpClinic(t.core)
      const practice = await setUpPractice(t.core, adminToken, { doctors: 1, patients: DESKS })
      expect(practice.doctors[0].name).toBe(DOCTOR)
      hub = await startHub({ core: t.core, port: 0 })
      const url = hub.url

      // Each desk signs in for itself.
      const tokens: string[] = []
      for (let desk = 0; desk < DESKS; desk++) {
        const login = await post(url, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
        expect(login.status, JSON.stringify(login.body)).toBe(200)
        tokens.push((login.body.value as unknown as SessionInfo).token!)
      }
      expect(new Set(tokens).size).toBe(DESKS)

      const slots = slotsFrom(DateTime.fromISO('2025-03-11'), ROUNDS) // from Tuesday on
      const winners = new Map<string, string>() // slot → appointment id
      const surprises: string[] = []
      const refusalKinds = new Map<string, number>()
      for (const [round, start] of slots.entries()) {
        const answers = await Promise.all(
          tokens.map((token, desk) =>
            post(url, 'appointments.book', { patientId: practice.patients[desk].id, doctorId: practice.doctors[0].id, typeId: practice.consult.id, start }, token)
          )
        )
        const won = answers.filter((a) => a.status === 200 && a.body.ok)
        const refused = answers.filter((a) => a.status === 409 && a.body.error?.code === 'CONFLICT' && a.body.error.message.includes(DOCTOR))
        for (const a of answers) {
          if (!won.includes(a) && !refused.includes(a)) surprises.push(`round ${round} ${start}: HTTP ${a.status} ${JSON.stringify(a.body)}`)
        }
        expect(surprises, `answers other than 200 or 409 CONFLICT naming ${DOCTOR}`).toEqual([])
        expect(won.length, `round ${round} ${start}: bookings that succeeded`).toBe(1)
        expect(refused.length).toBe(DESKS - 1)
        expect(won[0].body.value!.start).toBe(start)
        winners.set(start, won[0].body.value!.id)
        for (const a of refused) {
          const kind = a.body.error!.message.replace(/ at .*/, '')
          refusalKinds.set(kind, (refusalKinds.get(kind) ?? 0) + 1)
        }
      }
      console.log(`[concurrency] ${DESKS} desks over HTTP, ${ROUNDS} rounds; refusals: ${JSON.stringify(Object.fromEntries(refusalKinds))}`)

      const rows = countRows(t.dataDir)
      expect(rows.appointments).toHaveLength(ROUNDS)
      expect(new Set(rows.appointments.map((a) => a.start_at)).size).toBe(ROUNDS)
      expect(new Map(rows.appointments.map((a) => [a.start_at, a.id]))).toEqual(winners)
      expect(rows.cellCount).toBe(3 * ROUNDS)
      expect(rows.cells.every((c) => c.n === 3)).toBe(true)
      expect(rows.unsealed).toBe(0)

      await hub.close()
      hub = null
      await t.close()
      t = null
    },
    40_000
  )

  it(
    `two processes writing one database file book the same slot at the same moment: exactly one wins, ${ROUNDS} times`,
    async () => {
      const dataDir = tempDir()
      dirs.push(dataDir)

      // The clinic, set up in-process on the real clock, closed before the children open it.
      const setup = await createCore({ dataDir, log: () => {}, schedules: false })
      const adminToken = await setUpClinic(setup)
      const practice = await setUpPractice(setup, adminToken, { doctors: 1, patients: 2 })
      await setup.close()
      const booking = { doctorId: practice.doctors[0].id, typeId: practice.consult.id, patientIds: practice.patients.map((p) => p.id) }

      // Clinic days from three days ahead: never in the past, whatever the time of the run.
      const slots = slotsFrom(DateTime.now().setZone(CLINIC.timeZone).plus({ days: 3 }), ROUNDS)

      const desks = [startDesk('desk A', dataDir, booking), startDesk('desk B', dataDir, booking)]
      try {
        const started = await Promise.all(desks.map((d) => d.next('ready', 30_000)))
        expect(started).toEqual(['ready', 'ready'])

        const winners = new Map<string, string>()
        const wins = [0, 0]
        const refusals = new Map<string, number>()
        for (const [round, start] of slots.entries()) {
          desks.forEach((desk, i) => desk.send(`prepare ${start} ${i}`))
          expect(await Promise.all(desks.map((d) => d.next('prepared')))).toEqual(['prepared', 'prepared'])
          // The shared go: written to both pipes in one tick, nothing awaited in between.
          for (const desk of desks) desk.send('go')
          const answers = await Promise.all(desks.map((d) => d.next(`an answer for ${start}`)))

          const context = `round ${round} ${start}: ${JSON.stringify(answers)}`
          expect(answers.filter((a) => !a.startsWith('ok ') && !a.startsWith('conflict ')), context).toEqual([])
          expect(answers.filter((a) => a.startsWith('ok ')), context).toHaveLength(1)
          const conflict = answers.find((a) => a.startsWith('conflict '))!
          expect(conflict, context).toContain(DOCTOR)
          winners.set(start, answers.find((a) => a.startsWith('ok '))!.slice(3))
          wins[answers.findIndex((a) => a.startsWith('ok '))]++
          const kind = conflict.replace(/ at .*/, '')
          refusals.set(kind, (refusals.get(kind) ?? 0) + 1)
        }
        console.log(`[concurrency] two processes, ${ROUNDS} rounds: desk A won ${wins[0]}, desk B won ${wins[1]}; refusals: ${JSON.stringify(Object.fromEntries(refusals))}`)
        await Promise.all(desks.map(stopDesk))
        for (const desk of desks) expect(desk.output(), 'a desk logged an error').not.toMatch(/failed|error/i)

        const rows = countRows(dataDir)
        expect(rows.appointments).toHaveLength(ROUNDS)
        expect(new Set(rows.appointments.map((a) => a.start_at)).size).toBe(ROUNDS)
        expect(new Map(rows.appointments.map((a) => [a.start_at, a.id]))).toEqual(winners)
        expect(rows.cellCount).toBe(3 * ROUNDS)
        expect(rows.unsealed).toBe(0)

        // The folder opens again, as the app would, and the journal chain written by two processes holds.
        let core: Core | null = null
        try {
          core = await createCore({ dataDir, log: () => {}, schedules: false })
          const session = await call<SessionInfo>(core, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
          const check = await call<ChainCheck>(core, 'audit.verify', {}, session.token!)
          expect(check.broken).toBeNull()
          expect(check.ok).toBe(true)
        } finally {
          await core?.close()
        }
      } finally {
        for (const desk of desks) await killHard(desk.child)
      }
    },
    45_000
  )
})
