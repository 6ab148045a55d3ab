// A reader thread: its own read-only connection to the clinic's database, running the pooled
// read methods (see pool.ts) in a snapshot transaction each, as the dispatcher would. The
// dispatcher has already checked the session, the role and the input.
import { parentPort, workerData } from 'node:worker_threads'
import { ApiError, type MethodName } from '../../../shared/api'
import type { ReadContext } from '../context'
import { createKysely, openSqlite, readSnapshot } from '../db/connection'
import { patientsHandlers } from '../patients/handlers'
import { scheduleHandlers } from '../schedule/handlers'
import type { ReaderReply, ReaderRequest } from './pool'

const { file } = workerData as { file: string }
const reader = createKysely(openSqlite(file, { readonly: true }))
const handlers: Partial<Record<MethodName, unknown>> = { ...patientsHandlers, ...scheduleHandlers }

parentPort!.on('message', async (request: ReaderRequest | 'close') => {
  if (request === 'close') {
    await reader.destroy()
    process.exit(0)
  }
  const { id, method, input, now, session } = request
  let reply: ReaderReply
  try {
    const handler = handlers[method] as (ctx: ReadContext, input: unknown) => Promise<unknown>
    // No services here: pooled methods read the database and nothing else.
    const base = { session, user: session?.user as ReadContext['user'], role: session?.user.role ?? null, now: new Date(now), address: null, deviceKey: null, services: undefined as never, progress: () => {} }
    const value = await readSnapshot(reader, (db) => handler({ ...base, db }, input))
    reply = { id, ok: true, value }
  } catch (error) {
    reply =
      error instanceof ApiError
        ? { id, ok: false, api: error.toBody() }
        : { id, ok: false, error: { message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined, code: (error as { code?: string }).code } }
  }
  parentPort!.postMessage(reply)
})
