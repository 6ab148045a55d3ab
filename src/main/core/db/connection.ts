import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { CompiledQuery, Kysely, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteDialectConfig } from 'kysely'
import { Migrator, type Migration } from 'kysely/migration'
import type { Database } from './schema'
import type { ReadDb } from './read-only'
import { migrations as allMigrations } from '../../../../migrations'

export const DB_FILE = 'docspot.sqlite'
const LOCK_FILE = 'docspot.lock'

export class DataFolderInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(`The data folder ${dataDir} is already in use by another DocSpot instance. Close it first, or start this one with another data folder.`)
    this.name = 'DataFolderInUseError'
  }
}

/**
 * Claims the data folder for this process. The claim is an exclusive SQLite lock on a
 * side file: the operating system drops it when the process dies, so a crash never
 * leaves a stale lock behind, and a second instance is refused at once.
 */
export function lockDataFolder(dataDir: string): { release(): void } {
  privateFolder(dataDir)
  privateFile(join(dataDir, LOCK_FILE))
  const lock = new SQLite(join(dataDir, LOCK_FILE))
  try {
    lock.pragma('busy_timeout = 0')
    lock.pragma('locking_mode = EXCLUSIVE')
    lock.exec('create table if not exists owner (pid integer)')
    lock.exec('begin exclusive')
  } catch (error) {
    lock.close()
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DataFolderInUseError(dataDir)
    throw error
  }
  return { release: () => lock.close() }
}

/**
 * Patient data is for this PC's DocSpot user only: the folder is 0700 and the database 0600
 * (SQLite gives its -wal and -shm files the database file's mode). Windows protects the
 * user's profile folder instead, so there these are no-ops.
 */
export function privateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (process.platform !== 'win32') chmodSync(dir, 0o700)
}

export function privateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600))
  if (process.platform !== 'win32') chmodSync(file, 0o600)
}

export function openSqlite(file: string, options: { readonly?: boolean } = {}): SQLite.Database {
  if (!options.readonly) privateFile(file)
  const sqlite = new SQLite(file, { readonly: options.readonly ?? false })
  if (options.readonly) {
    // Readers see the last committed state (WAL) and never wait for a writer.
    sqlite.pragma('busy_timeout = 5000')
    return sqlite
  }
  sqlite.pragma('journal_mode = WAL')
  // FULL: a commit the user saw succeed survives a power cut (NORMAL could roll it back).
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return sqlite
}

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it cannot, so its Migrator
 * would leave a migration that fails halfway half-applied. Saying so lets every migration
 * run commit whole or not at all.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true
  }
}

/**
 * The writer's transactions take the write lock when they begin (BEGIN IMMEDIATE). A deferred
 * BEGIN reads first and upgrades later, and when another process committed in between, SQLite
 * refuses the upgrade (SQLITE_BUSY_SNAPSHOT) instead of waiting: two PCs or processes booking
 * the same slot would get "busy" rather than one booking and one clear conflict.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

class DocSpotSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig
  readonly #immediate: boolean
  constructor(config: SqliteDialectConfig, immediate: boolean) {
    super(config)
    this.#config = config
    this.#immediate = immediate
  }
  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter()
  }
  override createDriver(): Driver {
    return this.#immediate ? new ImmediateSqliteDriver(this.#config) : super.createDriver()
  }
}

export function createKysely(sqlite: SQLite.Database): Kysely<Database> {
  const database = withStatementCache(sqlite)
  const kysely = new Kysely<Database>({ dialect: new DocSpotSqliteDialect({ database }, !sqlite.readonly) })
  if (sqlite.readonly) {
    directReaders.set(kysely, database)
    // The query builder a snapshot's reads go through: the same connection, without Kysely's
    // connection lock (the snapshot is the lock; see readSnapshot).
    const held = new Kysely<Database>({ dialect: new HeldConnectionDialect({ database }) })
    directReaders.set(held, database)
    snapshots.set(kysely, { sqlite, database, held, busy: false, waiting: [] })
  }
  return kysely
}

/** Read-only connections, by their Kysely and by their snapshots' query builder: see directReader. */
const directReaders = new WeakMap<object, SqliteDatabase>()

/**
 * The statements of a read-only connection, for a fixed read (see precompiled): run straight
 * away, without Kysely's connection hand-over, which costs more than the read. For the
 * connection itself (the session and settings every call checks) this is safe because
 * better-sqlite3 runs each statement to completion, and on a read-only connection a statement
 * run while another call's snapshot is open only reads that snapshot. For a snapshot opened by
 * readSnapshot, the snapshot holds the connection, so the statement runs inside it. Null for
 * anything else (the writer and its transactions).
 */
export function directReader(db: object): SqliteDatabase | null {
  return directReaders.get(db) ?? null
}

/** A read-only connection's snapshot state: one snapshot at a time, the rest wait their turn. */
interface SnapshotLock {
  sqlite: SQLite.Database
  database: SqliteDatabase
  held: Kysely<Database>
  busy: boolean
  waiting: Array<() => void>
}
const snapshots = new WeakMap<object, SnapshotLock>()

/** A Kysely dialect for a connection a snapshot already holds: no lock of its own. */
class HeldConnectionDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new (class extends SqliteAdapter {
      override get supportsMultipleConnections(): boolean {
        return true
      }
    })()
  }
}

/**
 * A read call's snapshot: one transaction on the read-only connection `reader`, so every read
 * of the call sees the same committed state. Begun and ended straight on the connection (Kysely's
 * transaction hand-over cost as much as an identifier lookup's own SQL); calls take turns, and
 * the work's queries go through a query builder on the held connection, their fixed reads
 * straight to its statements (see directReader).
 */
export async function readSnapshot<T>(reader: Kysely<Database>, work: (db: ReadDb) => Promise<T>): Promise<T> {
  const lock = snapshots.get(reader)
  if (!lock) return reader.transaction().execute((snapshot) => work(snapshot as ReadDb))
  if (lock.busy) await new Promise<void>((resolve) => lock.waiting.push(resolve))
  else lock.busy = true
  try {
    lock.database.prepare('begin').run([])
    try {
      return await work(lock.held as ReadDb)
    } finally {
      // (A failed statement may already have ended it.)
      if (lock.sqlite.inTransaction) lock.database.prepare('commit').run([])
    }
  } finally {
    const next = lock.waiting.shift()
    if (next) next()
    else lock.busy = false
  }
}

/**
 * Kysely prepares every query anew, and preparing costs about as much as running a small
 * indexed read. Statements are kept by their SQL text (the 500 most recently used), so the
 * reads a screen repeats are prepared once. (SQLite re-prepares a kept statement itself after a
 * schema change; every use runs to completion before the next, as better-sqlite3 is synchronous.)
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const kept = new Map<string, SQLite.Statement>()
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = kept.get(text)
      if (statement) kept.delete(text)
      else statement = sqlite.prepare(text)
      kept.set(text, statement)
      if (kept.size > 500) kept.delete(kept.keys().next().value!)
      return tracer && sqlite.readonly ? traced(statement, text, tracer) : statement
    }
  }
}

type Tracer = (sql: string, parameters: readonly unknown[]) => void
let tracer: Tracer | null = null

/**
 * The benchmark's window on the SQL a call runs: every statement run on a read-only connection
 * of this thread, with its parameters, goes to `trace` until it is set back to null. (The bench
 * replays them raw, as the baseline a call's overhead is measured against.)
 */
export function traceReads(trace: Tracer | null): void {
  tracer = trace
}

function traced(statement: SQLite.Statement, text: string, trace: Tracer): SQLite.Statement {
  const note = <T>(run: (parameters: unknown[]) => T) => (parameters: unknown[]) => {
    trace(text, parameters ?? [])
    return run(parameters)
  }
  // (`reader` and the rest are read through the prototype.)
  return Object.assign(Object.create(statement) as SQLite.Statement, {
    all: note((p) => statement.all(p)),
    run: note((p) => statement.run(p)),
    iterate: note((p) => statement.iterate(p))
  })
}

/** Runs pending migrations (or up to `target`); throws with the failing migration's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed for their own moment, not today's schema
export async function migrate(db: Kysely<any>, target?: string, migrations: Record<string, Migration> = allMigrations): Promise<string> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const { error, results } = target ? await migrator.migrateTo(target) : await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error) throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`)
  return target ?? latestMigration(migrations)
}

export function latestMigration(migrations: Record<string, Migration> = allMigrations): string {
  return Object.keys(migrations).sort().at(-1) ?? 'none'
}
