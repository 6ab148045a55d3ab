import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import type { SessionInfo } from '../../../shared/api'
import { fixedClock } from '../clock'
import { createCore, type Core } from '../create-core'
import { ADMIN, CLINIC, call, removeDir, setUpClinic, tempDir } from '../testing'
import { DB_FILE, DataFolderInUseError, createKysely, migrate, openSqlite, readSnapshot } from './connection'
import { migrations } from '../../../../migrations'

const quiet = { log: () => {}, clock: fixedClock('2025-03-10T09:00:00.000Z') }

let dirs: string[] = []
let cores: Core[] = []
let connections: SQLite.Database[] = []

function newDataDir(): string {
  const dir = tempDir()
  dirs.push(dir)
  return dir
}

async function open(dataDir: string): Promise<Core> {
  const core = await createCore({ dataDir, ...quiet })
  cores.push(core)
  return core
}

async function closeCore(core: Core): Promise<void> {
  cores = cores.filter((c) => c !== core)
  await core.close()
}

/** A second, independent connection to the database file, as another tool would open it. */
function peek(dataDir: string): SQLite.Database {
  const db = new SQLite(join(dataDir, DB_FILE), { readonly: true })
  connections.push(db)
  return db
}

afterEach(async () => {
  for (const db of connections) db.close()
  for (const core of cores) await core.close()
  for (const dir of dirs) removeDir(dir)
  connections = []
  cores = []
  dirs = []
})

describe('the data folder', () => {
  it('refuses a second core on a folder that is already open, naming the folder, and leaves the first one working', async () => {
    const dataDir = newDataDir()
    const first = await open(dataDir)

    const second = createCore({ dataDir, ...quiet })

    await expect(second).rejects.toBeInstanceOf(DataFolderInUseError)
    await expect(second).rejects.toThrow(dataDir)
    expect(await call(first, 'setup.status')).toEqual({ needsSetup: true, clinicName: null })
  })

  it('opens again once the first core has closed', async () => {
    const dataDir = newDataDir()
    await closeCore(await open(dataDir))
    const again = await open(dataDir)
    expect(await call(again, 'system.health')).toMatchObject({ status: 'ok' })
  })

  it('keeps the clinic, its staff and settings across close and reopen', async () => {
    const dataDir = newDataDir()
    const first = await open(dataDir)
    const token = await setUpClinic(first)
    await call(first, 'settings.update', { patientNumberPrefix: 'LDS-' }, token)
    await closeCore(first)

    const reopened = await open(dataDir)
    expect(await call(reopened, 'setup.status')).toEqual({ needsSetup: false, clinicName: CLINIC.clinicName })
    const session = await call<SessionInfo>(reopened, 'auth.login', { email: ADMIN.email, password: ADMIN.password })
    expect(await call(reopened, 'settings.get', {}, session.token)).toMatchObject({ patientNumberPrefix: 'LDS-' })
  })

  it('releases the folder when the database in it cannot be opened, so the real problem is reported each time', async () => {
    const dataDir = newDataDir()
    writeFileSync(join(dataDir, DB_FILE), 'this is not a SQLite database, just a stray text file '.repeat(100))

    await expect(createCore({ dataDir, ...quiet })).rejects.toThrow(/not a database/)
    // Retrying in the same process must not claim another DocSpot has the folder.
    const retry = createCore({ dataDir, ...quiet })
    await expect(retry).rejects.not.toBeInstanceOf(DataFolderInUseError)
    await expect(retry).rejects.toThrow(/not a database/)
  })
})

describe('the database file', () => {
  it('is in WAL mode, as another connection sees it', async () => {
    const dataDir = newDataDir()
    await open(dataDir)
    expect(peek(dataDir).pragma('journal_mode', { simple: true })).toBe('wal')
  })

  it('enforces foreign keys: a session for an account that does not exist is refused', async () => {
    const core = await open(newDataDir())
    const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(core.services.db)
    expect(rows).toEqual([{ foreign_keys: 1 }])
    const orphan = core.services.db
      .insertInto('sessions')
      .values({ token_hash: 'h', user_id: 'no-such-user', created_at: 'x', last_seen_at: 'x', expires_at: 'x' })
      .execute()
    await expect(orphan).rejects.toThrow(/FOREIGN KEY constraint failed/)
  })

  it('lets another connection read what the core committed', async () => {
    const dataDir = newDataDir()
    const core = await open(dataDir)
    await setUpClinic(core)
    const row = peek(dataDir).prepare(`select value from settings where key = 'clinicName'`).get() as { value: string }
    expect(JSON.parse(row.value)).toBe(CLINIC.clinicName)
  })
})

describe('a read call\'s snapshot', () => {
  const clinicName = sql<{ value: string }>`select value from settings where key = 'clinicName'`

  it('sees one committed state from its first read to its last, while the writer commits in between', async () => {
    const dataDir = newDataDir()
    const core = await open(dataDir)
    const token = await setUpClinic(core)
    const reader = createKysely(openSqlite(join(dataDir, DB_FILE), { readonly: true }))
    try {
      const seen = await readSnapshot(reader, async (db) => {
        const before = (await clinicName.execute(db)).rows[0].value
        await call(core, 'settings.update', { clinicName: 'Renamed Clinic' }, token)
        const after = (await clinicName.execute(db)).rows[0].value
        return [before, after]
      })
      expect(seen).toEqual([JSON.stringify(CLINIC.clinicName), JSON.stringify(CLINIC.clinicName)])
      // The next snapshot sees the change.
      expect(await readSnapshot(reader, async (db) => (await clinicName.execute(db)).rows[0].value)).toBe(JSON.stringify('Renamed Clinic'))
    } finally {
      await reader.destroy()
    }
  })

  it('lets calls take turns on one connection: each runs whole, in the order they came, and a failing one frees the next', async () => {
    const dataDir = newDataDir()
    await setUpClinic(await open(dataDir))
    const reader = createKysely(openSqlite(join(dataDir, DB_FILE), { readonly: true }))
    try {
      const order: string[] = []
      const call = (name: string, fail = false) =>
        readSnapshot(reader, async (db) => {
          order.push(`${name} begins`)
          await new Promise((resolve) => setTimeout(resolve, 5))
          await clinicName.execute(db)
          if (fail) throw new Error(`${name} failed`)
          order.push(`${name} ends`)
          return name
        })
      const results = await Promise.allSettled([call('first'), call('second', true), call('third')])
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['first', 'second failed', 'third'])
      expect(order).toEqual(['first begins', 'first ends', 'second begins', 'third begins', 'third ends'])
      // Nothing was left open: another snapshot begins and ends.
      expect(await readSnapshot(reader, async (db) => (await clinicName.execute(db)).rows.length)).toBe(1)
    } finally {
      await reader.destroy()
    }
  })
})

describe('migrations', () => {
  it('reports the latest migration as the schema version', async () => {
    const core = await open(newDataDir())
    expect(core.services.schemaVersion).toBe(Object.keys(migrations).sort().at(-1))
    expect(await call(core, 'system.health')).toMatchObject({ schemaVersion: Object.keys(migrations).sort().at(-1) })
  })

  it('does nothing when run again on a migrated database, and the data stays', async () => {
    const dataDir = newDataDir()
    const core = await open(dataDir)
    await setUpClinic(core)

    expect(await migrate(core.services.db)).toBe(Object.keys(migrations).sort().at(-1))

    const applied = peek(dataDir).prepare('select name from kysely_migration order by name').all()
    expect(applied).toEqual(Object.keys(migrations).sort().map((name) => ({ name })))
    expect(await call(core, 'setup.status')).toEqual({ needsSetup: false, clinicName: CLINIC.clinicName })
  })

  it('names the migration that failed', async () => {
    const dataDir = newDataDir()
    const db = createKysely(openSqlite(join(dataDir, DB_FILE)))
    try {
      const broken = {
        ...migrations,
        '9999_broken': {
          up: async () => {
            throw new Error('disk on fire')
          }
        }
      }
      await expect(migrate(db, undefined, broken)).rejects.toThrow(/9999_broken.*disk on fire/)
    } finally {
      await db.destroy()
    }
  })

  it('leaves the database as it was when a migration fails halfway, so the fixed release can run it again', async () => {
    const dataDir = newDataDir()
    const db = createKysely(openSqlite(join(dataDir, DB_FILE)))
    try {
      await migrate(db)
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take Kysely<any>
      const createPatients = (m: any) => m.schema.createTable('halfway_test').addColumn('id', 'text', (c: any) => c.primaryKey()).execute()
      const halfway = {
        ...migrations,
        '9999_halfway': {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations take Kysely<any>
          up: async (m: any) => {
            await createPatients(m)
            throw new Error('second step failed')
          }
        }
      }
      await expect(migrate(db, undefined, halfway)).rejects.toThrow(/9999_halfway.*second step failed/)

      const fixed = { ...migrations, '9999_halfway': { up: createPatients } }
      await expect(migrate(db, undefined, fixed)).resolves.toBe('9999_halfway')
    } finally {
      await db.destroy()
    }
  })
})

describe('who may read the data folder', () => {
  it.skipIf(process.platform === 'win32')('creates the folder 0700 and the database, its WAL, the lock and stored files 0600', async () => {
    const { statSync, readdirSync } = await import('node:fs')
    const { openTestCore, setUpClinic, call } = await import('../testing')
    const t = await openTestCore()
    try {
      const token = await setUpClinic(t.core)
      const { patient } = await call<{ patient: { id: string } }>(t.core, 'patients.create', { name: 'Mode Check' }, token)
      const sharp = (await import('sharp')).default
      await call(t.core, 'patients.setPhoto', { id: patient.id, file: await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer() }, token)
      const mode = (path: string) => statSync(path).mode & 0o777
      expect(mode(t.dataDir)).toBe(0o700)
      for (const name of ['docspot.sqlite', 'docspot.sqlite-wal', 'docspot.sqlite-shm', 'docspot.lock']) expect(mode(join(t.dataDir, name)), name).toBe(0o600)
      const shard = readdirSync(join(t.dataDir, 'files'))[0]
      expect(mode(join(t.dataDir, 'files', shard))).toBe(0o700)
      expect(mode(join(t.dataDir, 'files', shard, readdirSync(join(t.dataDir, 'files', shard))[0]))).toBe(0o600)
    } finally {
      await t.close()
    }
  })
})
