import type { Kysely, Transaction } from 'kysely'
import type { MethodName, OutputOf, ParsedInputOf, Role, StaffUser } from '../../shared/api'
import type { Clock } from './clock'
import type { Database } from './db/schema'
import type { FileStore } from './files/store'

export interface Session {
  user: StaffUser
  tokenHash: string
  expiresAt: string
}

/** A change a write made, published to listeners (SSE, IPC) only after its transaction commits. */
export interface ChangeEvent {
  method: MethodName
  entity?: string
  id?: string
  at: string
}

/** Progress of a long write, shown while it runs (not a committed change). */
export interface ProgressEvent {
  jobId: string | null
  done: number
  total: number
}

export interface Services {
  db: Kysely<Database>
  files: FileStore
  clock: Clock
  dataDir: string
  version: string
  schemaVersion: string
}

export interface HandlerContext {
  db: Transaction<Database>
  session: Session | null
  /** The session, for methods whose roles exclude 'public'. */
  user: StaffUser
  role: Role | null
  now: Date
  services: Services
  /** Note a changed entity; published after commit. */
  changed(entity: string, id?: string): void
  progress(event: ProgressEvent): void
}

export type Handler<M extends MethodName> = (ctx: HandlerContext, input: ParsedInputOf<M>) => Promise<OutputOf<M>>
export type Handlers = { [M in MethodName]: Handler<M> }
export type HandlerGroup = Partial<Handlers>
