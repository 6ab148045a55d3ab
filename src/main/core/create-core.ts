import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import { DB_FILE, createKysely, lockDataFolder, migrate, openSqlite } from './db/connection'
import { systemClock, type Clock } from './clock'
import type { ChangeEvent, ProgressEvent, Services } from './context'
import { fileStore } from './files/store'
import { LoginThrottle } from './auth/throttle'
import { patientsHandlers } from './patients/handlers'
import { createDispatcher, joinHandlers, type Admit, type Dispatch } from './dispatcher'
import { authHandlers } from './auth/handlers'
import { settingsHandlers } from './settings/settings'
import { systemHandlers } from './system/system'
import { usersHandlers } from './users/users'

export interface CoreOptions {
  dataDir: string
  clock?: Clock
  version?: string
  log?: (message: string, error?: unknown) => void
}

export interface Core {
  dispatch: Dispatch
  /** Checks session and role for a method without its input: lets a transport refuse early. */
  admit: Admit
  /** Subscribe to committed changes; returns the unsubscribe function. */
  onChange(listener: (change: ChangeEvent) => void): () => void
  /** Progress of long writes (imports) while they run. */
  onProgress(listener: (progress: ProgressEvent) => void): () => void
  services: Services
  close(): Promise<void>
}

const defaultLog = (message: string, error?: unknown) => console.error(`[docspot] ${message}`, error ?? '')

/** The composition root: claims the data folder, opens and migrates the database, wires the services. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const lock = lockDataFolder(options.dataDir)
  let db: ReturnType<typeof createKysely> | null = null
  let readDb: ReturnType<typeof createKysely> | null = null
  try {
    db = createKysely(openSqlite(join(options.dataDir, DB_FILE)))
    const schemaVersion = await migrate(db)
    readDb = createKysely(openSqlite(join(options.dataDir, DB_FILE), { readonly: true }))
    const services: Services = { db, readDb, files: fileStore(options.dataDir), loginThrottle: new LoginThrottle(), clock: options.clock ?? systemClock, dataDir: options.dataDir, version: options.version ?? '0.0.0-dev', schemaVersion }
    const events = new EventEmitter()
    events.setMaxListeners(0)
    const handlers = joinHandlers(systemHandlers, authHandlers, settingsHandlers, usersHandlers, patientsHandlers)
    const { dispatch, admit } = createDispatcher(services, handlers, events, options.log ?? defaultLog)
    return {
      dispatch,
      admit,
      services,
      onChange(listener) {
        events.on('change', listener)
        return () => events.off('change', listener)
      },
      onProgress(listener) {
        events.on('progress', listener)
        return () => events.off('progress', listener)
      },
      async close() {
        events.removeAllListeners()
        await services.readDb.destroy()
        await services.db.destroy()
        lock.release()
      }
    }
  } catch (error) {
    await readDb?.destroy()
    await db?.destroy()
    lock.release()
    throw error
  }
}
