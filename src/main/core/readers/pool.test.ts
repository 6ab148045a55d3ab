import { afterEach, describe, expect, it } from 'vitest'
import type { FreeSlot, PatientSummary } from '../../../shared/api'
import { join } from 'node:path'
import { createCore } from '../create-core'
import { DB_FILE } from '../db/connection'
import { ReaderPool } from './pool'
import { setUpPractice } from '../schedule/fixtures'
import { call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'

let open: TestCore[] = []
afterEach(async () => {
  for (const t of open) await t.close()
  open = []
})

const PEOPLE = ['Gaurav Tiwari', 'Gaurav Kumar Tiwari', 'Akash Gaurav Tiwari', 'Priya Sharma', 'Ramesh Sharma', 'Suresh Sharma']

describe('reads on reader threads (the hub)', () => {
  it('answers searches, lists and the calendar exactly as the main thread does, many at once', async () => {
    const logged: string[] = []
    const t = await openTestCore(undefined, { readers: { size: 2 }, log: (message) => logged.push(message) })
    open.push(t)
    const token = await setUpClinic(t.core)
    const { consult } = await setUpPractice(t.core, token, { doctors: 2, patients: 0 })
    for (const [i, name] of PEOPLE.entries()) await call(t.core, 'patients.create', { name, phone: `98220 1432${i}`, dateOfBirth: `19${70 + i}-01-0${i + 1}`, allowDuplicate: true }, token)
    // The same folder opened again, reading on its own thread: the answers to compare with.
    const plain = await createCore({ dataDir: t.dataDir, clock: t.clock, log: () => {}, schedules: false, unclaimedFolder: true })
    try {
      const queries: Array<[string, unknown]> = [
        ['patients.search', { q: 'tiwari, gaurav' }],
        ['patients.search', { q: 'sharma 1975' }],
        ['patients.search', { q: '4321' }],
        ['patients.list', { sort: 'name', direction: 'asc' }],
        ['schedule.nextFree', { typeId: consult.id }],
        ['schedule.day', { date: '2025-03-11' }]
      ]
      // All at once: they spread over both threads and each gets its own answer back.
      const pooled = await Promise.all(queries.flatMap((q) => [q, q]).map(([method, input]) => call(t.core, method, input, token)))
      for (const [i, [method, input]] of queries.entries()) {
        const expected = await call(plain, method, input, token)
        expect(pooled[2 * i], method).toEqual(expected)
        expect(pooled[2 * i + 1], method).toEqual(expected)
      }
      expect((pooled[0] as { items: PatientSummary[] }).items.map((p) => p.name).slice(0, 1)).toEqual(['Gaurav Tiwari'])
      expect((pooled[8] as FreeSlot).date).toBe('2025-03-10')
    } finally {
      await plain.close()
    }
    expect(logged).toEqual([])
  })

  it('gives a reader thread’s refusal back with the field named, and still checks the role first', async () => {
    const t = await openTestCore(undefined, { readers: { size: 1 } })
    open.push(t)
    const token = await setUpClinic(t.core)
    const error = await callError(t.core, 'schedule.nextFree', { typeId: '01957f00-0000-7000-8000-000000000001' }, token)
    expect(error).toMatchObject({ code: 'VALIDATION', fields: { typeId: expect.stringMatching(/not a known appointment type/) } })
    expect(await callError(t.core, 'patients.search', { q: 'sharma' })).toMatchObject({ code: 'UNAUTHENTICATED' })
    expect(await callError(t.core, 'patients.search', { q: 'x'.repeat(500) }, token)).toMatchObject({ code: 'VALIDATION', fields: { q: expect.any(String) } })
  })
})

describe('a reader thread that dies', () => {
  it('fails only the calls it had, and is replaced for the next ones', async () => {
    const t = await openTestCore(undefined, { readers: { size: 1 } })
    open.push(t)
    const token = await setUpClinic(t.core)
    await call(t.core, 'patients.create', { name: 'Gaurav Tiwari', allowDuplicate: true }, token)
    const logged: string[] = []
    const pool = new ReaderPool(join(t.dataDir, DB_FILE), { size: 1 }, (message) => logged.push(message))
    try {
      const session = { user: { id: 'x', role: 'admin' }, tokenHash: '', expiresAt: '', permissions: null } as never
      const ask = () => pool.run({ method: 'patients.search', input: { q: 'tiwari', limit: 20, offset: 0, includeArchived: false }, now: new Date().toISOString(), session })
      expect(await ask()).toMatchObject({ ok: true, value: { items: [{ name: 'Gaurav Tiwari' }] } })
      // The thread is killed while a call waits on it.
      const waiting = ask()
      await (pool as unknown as { readers: Array<{ worker: { terminate(): Promise<number> } }> }).readers[0].worker.terminate()
      // (It may have answered in the instant before it died; if not, its caller hears why.)
      expect(await waiting.then(() => 'answered', (error: Error) => error.message)).toMatch(/^answered$|exited with code/)
      expect(logged).toEqual(['A reader thread stopped; starting another'])
      expect(await ask()).toMatchObject({ ok: true, value: { items: [{ name: 'Gaurav Tiwari' }] } })
    } finally {
      await pool.close()
    }
  })
})
