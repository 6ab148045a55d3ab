import type { Kysely } from 'kysely'
import type { LoginThrottle } from './auth/throttle'
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
  /** A second, read-only connection: reads go on while a long write (an import) runs. */
  readDb: Kysely<Database>
  files: FileStore
  loginThrottle: LoginThrottle
  clock: Clock
  dataDir: string
  version: string
  schemaVersion: string
}

export interface HandlerContext {
  /** The handler's transaction; for an ownTransaction handler, the database itself. */
  db: Kysely<Database>
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

export type Handler<M extends MethodName> = ((ctx: HandlerContext, input: ParsedInputOf<M>) => Promise<OutputOf<M>>) & {
  ownTransaction?: boolean
}

/**
 * For handlers with slow work that needs no database (password hashing, image resizing):
 * they run without a transaction and open their own short one for the writes, so the
 * one database connection is not held while the CPU works and other desks wait.
 */
export function ownTransaction<M extends MethodName>(handler: Handler<M>): Handler<M> {
  return Object.assign(handler, { ownTransaction: true })
}
export type Handlers = { [M in MethodName]: Handler<M> }
export type HandlerGroup = Partial<Handlers>
