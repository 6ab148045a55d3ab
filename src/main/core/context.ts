import type { OutboxSender } from './messaging/outbox'
import type { Kysely } from 'kysely'
import type { LoginThrottle } from './auth/throttle'
import type { SecretBox } from './secrets'
import type { Api, Connection, MethodName, OutputOf, ParsedInputOf, Role, StaffUser } from '../../shared/api'
import type { Clock } from './clock'
import type { ReadDb } from './db/read-only'
import type { Database } from './db/schema'
import type { FileStore } from './files/store'

export interface Session {
  user: StaffUser
  tokenHash: string
  expiresAt: string
  /** With one of the clinic's own roles: the methods it may call (read afresh on every call). */
  permissions: string[] | null
}

/**
 * A committed write, derived from its journal entry: which rows of which tables changed.
 * Published to listeners (SSE, IPC) only after the transaction commits.
 */
export interface ChangeEvent {
  seq: number
  method: MethodName
  at: string
  by: string | null
  /** table → the ids of the rows changed. Rows that name a patient also list it under `patients`. */
  changed: Record<string, string[]>
  /** Tables with too many changed rows to list (an import): refresh all of them. */
  all: string[]
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
  readDb: ReadDb
  files: FileStore
  loginThrottle: LoginThrottle
  /** Seals and opens the secrets the data holds (see secrets.ts). */
  secrets: SecretBox
  /** How clients reach this core (told by the shell that starts it). */
  connection: Connection
  clock: Clock
  dataDir: string
  version: string
  schemaVersion: string
  /** The outbox's sender (messaging/outbox.ts), set once the dispatcher exists. */
  outbox?: OutboxSender
}

/** Who a journal entry says made the change. */
export interface Actor {
  userId: string | null
  role: Role | null
  /** A background job's name, when the core itself acts. */
  job: string | null
}

interface BaseContext {
  session: Session | null
  /** The session's user, for methods whose roles exclude 'public' and 'system'. */
  user: StaffUser
  role: Role | null
  /** The call's time: every time a handler stores comes from here. */
  now: Date
  /** The caller's network address, when a transport knows it (for sign-in throttling). */
  address: string | null
  /** The key a PC got at an earlier sign-in (for sign-in throttling); a secret, never journaled. */
  deviceKey: string | null
  services: Services
  progress(event: ProgressEvent): void
}

/** What a write handler has: its transaction, and ids and numbers that the journal records. */
export interface WriteContext extends BaseContext {
  db: Kysely<Database>
  /** A new row id (UUIDv7), recorded in the call's journal entry. */
  newId(): string
  /** The next running number of a kind ('patient', …) from the counters table, inside this transaction. */
  nextNumber(kind: string): Promise<number>
  /** The call signs someone in: the journal entry names them as its actor. */
  actingAs(user: StaffUser): void
}

export interface ReadContext extends BaseContext {
  db: ReadDb
}

/**
 * An ownTransaction handler works outside any transaction (slow CPU work first) and then
 * opens the call's one journaled transaction with `write`. Before it, `db` only reads.
 */
export interface OwnTransactionContext extends BaseContext {
  db: ReadDb
  write<T>(work: (ctx: WriteContext) => Promise<T>): Promise<T>
  actingAs(user: StaffUser): void
}

type ContextFor<M extends MethodName> = Api[M]['writes'] extends true ? WriteContext : ReadContext

export type Handler<M extends MethodName> = ((ctx: ContextFor<M>, input: ParsedInputOf<M>) => Promise<OutputOf<M>>) & { ownTransaction?: boolean }

/**
 * For handlers with slow work that needs no database (password hashing, image resizing):
 * they run without a transaction and open the call's one journaled transaction for the
 * writes, so the database is not held while the CPU works and other desks wait.
 */
export function ownTransaction<M extends MethodName>(handler: (ctx: OwnTransactionContext, input: ParsedInputOf<M>) => Promise<OutputOf<M>>): Handler<M> {
  // The dispatcher sees the flag and passes an OwnTransactionContext instead.
  return Object.assign(handler, { ownTransaction: true }) as unknown as Handler<M>
}

export type Handlers = { [M in MethodName]: Handler<M> }
export type HandlerGroup = Partial<Handlers>
