// Reader threads for the hub. Every request's JavaScript (ranking a search, laying out a day)
// otherwise runs on the one main thread, so eight desks searching at once got no more done than
// one. The heavy reads below go to a few worker threads instead, each with its own read-only
// connection (SQLite in WAL mode lets any number of readers run beside the one writer). Writes,
// sessions and everything else stay on the main thread and its writer.
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ApiErrorBody, MethodName } from '../../../shared/api'
import type { Session } from '../context'

/** The pooled methods: reads of the database alone (no files, no journal entry), heavy or frequent. */
export const POOLED: ReadonlySet<MethodName> = new Set<MethodName>([
  'patients.search',
  'patients.list',
  'patients.recent',
  'patients.findDuplicates',
  'schedule.freeSlots',
  'schedule.nextFree',
  'schedule.day',
  'schedule.range',
  'appointments.forPatient',
  'appointments.doctorDay'
])

export interface ReaderRequest {
  id: number
  method: MethodName
  /** Already checked against the method's schema. */
  input: unknown
  /** The call's time (ISO), from the core's clock. */
  now: string
  session: Session | null
}

export type ReaderReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; api: ApiErrorBody }
  | { id: number; ok: false; error: { message: string; stack?: string; code?: string } }

export interface ReaderOptions {
  /** Threads; readerCount() suits the machine. */
  size: number
  /** The built worker (out/main/reader.js). By default this folder's worker.ts, run through tsx (tests, bench). */
  script?: string
}

/** One thread per core up to four: the main thread keeps HTTP, sessions and writes. */
export function readerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()))
}

interface Reader {
  worker: Worker
  pending: Map<number, { resolve: (reply: ReaderReply) => void; reject: (error: Error) => void }>
}

export class ReaderPool {
  private readonly readers: Reader[] = []
  private nextId = 1
  private turn = 0
  private closing = false

  constructor(
    private readonly file: string,
    private readonly options: ReaderOptions,
    private readonly log: (message: string, error?: unknown) => void
  ) {
    for (let i = 0; i < Math.max(1, options.size); i++) this.readers.push(this.start())
  }

  serves(method: MethodName): boolean {
    return POOLED.has(method)
  }

  /** Runs a pooled read on the least busy thread; resolves with its reply (errors included). */
  run(request: Omit<ReaderRequest, 'id'>): Promise<ReaderReply> {
    if (this.closing) return Promise.reject(new Error('The readers are closing'))
    // The least busy thread; among equals, the next in turn.
    this.turn = (this.turn + 1) % this.readers.length
    let reader = this.readers[this.turn]
    for (const r of this.readers) if (r.pending.size < reader.pending.size) reader = r
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      // A thread with calls to answer keeps the process alive; an idle one does not.
      if (reader.pending.size === 0) reader.worker.ref()
      reader.pending.set(id, { resolve, reject })
      reader.worker.postMessage({ ...request, id } satisfies ReaderRequest)
    })
  }

  async close(): Promise<void> {
    this.closing = true
    await Promise.all(
      this.readers.map(
        (r) =>
          new Promise<void>((resolve) => {
            r.worker.once('exit', () => resolve())
            r.worker.ref() // kept alive until it has closed its connection
            r.worker.postMessage('close')
          })
      )
    )
  }

  private start(): Reader {
    const script = this.options.script ?? fileURLToPath(new URL('./worker.ts', import.meta.url))
    const worker = new Worker(script, { workerData: { file: this.file }, execArgv: script.endsWith('.ts') ? ['--import', 'tsx'] : [] })
    const reader: Reader = { worker, pending: new Map() }
    worker.on('message', (reply: ReaderReply) => {
      const waiting = reader.pending.get(reply.id)
      reader.pending.delete(reply.id)
      if (reader.pending.size === 0) worker.unref()
      waiting?.resolve(reply)
    })
    // A thread that dies fails its calls (the caller sees INTERNAL) and is replaced.
    const failed = (error: Error) => {
      for (const { reject } of reader.pending.values()) reject(error)
      reader.pending.clear()
      if (this.closing) return
      this.log('A reader thread stopped; starting another', error)
      const index = this.readers.indexOf(reader)
      if (index >= 0) this.readers[index] = this.start()
    }
    worker.on('error', failed)
    worker.on('exit', (code) => {
      if (!this.closing && this.readers.includes(reader)) failed(new Error(`reader thread exited with code ${code}`))
    })
    worker.unref()
    return reader
  }
}
