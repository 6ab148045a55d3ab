import type { Connection } from '../../shared/api'
import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import { DB_FILE, createKysely, lockDataFolder, migrate, openSqlite } from './db/connection'
import { systemClock, type Clock } from './clock'
import type { ChangeEvent, ProgressEvent, Services } from './context'
import { fileStore } from './files/store'
import { LoginThrottle, SIGN_IN_LIMITS_FILE } from './auth/throttle'
import { keyFile, secretBox, type KeyStore } from './secrets'
import { rolesHandlers } from './roles/roles'
import { patientsHandlers } from './patients/handlers'
import { createDispatcher, joinHandlers, type Admit, type Dispatch, type JournaledWrite } from './dispatcher'
import { auditHandlers } from './audit/handlers'
import { authHandlers } from './auth/handlers'
import { createJobHost, type JobHost } from './jobs/host'
import { registerJournalFunction, type JournalCursor } from './journal/journal'
import { scheduleHandlers } from './schedule/handlers'
import { frontDeskHandlers } from './frontdesk/handlers'
import { clinicalHandlers } from './clinical/handlers'
import { messagingHandlers } from './messaging/handlers'
import { createOutboxSender } from './messaging/outbox'
import { readMessaging, senderCheck } from './messaging/settings'
import { ReaderPool, type ReaderOptions } from './readers/pool'
import { readSettings } from './settings/settings'
import { settingsHandlers } from './settings/settings'
import { systemHandlers } from './system/system'
import { usersHandlers } from './users/users'

export interface CoreOptions {
  dataDir: string
  clock?: Clock
  version?: string
  log?: (message: string, error?: unknown) => void
  /** Start the background jobs' schedules (default true). Tests run jobs by hand. */
  schedules?: boolean
  /**
   * Tests only: open the folder without claiming it, so two processes can write one database
   * file at once (the concurrency test). The app always claims its folder.
   */
  unclaimedFolder?: boolean
  /** Where the folder's secret key is kept: the desktop app wraps it with safeStorage; by default a 0600 key file. */
  keyStore?: KeyStore
  /** How clients reach this core (the hub says; default: the desktop window). */
  connection?: Connection
  /**
   * Reader threads for the heavy reads (see readers/pool.ts). The hub, serving several desks,
   * has them; the desktop window, one user, reads on its own thread (the default).
   */
  readers?: ReaderOptions
}

export interface Core {
  dispatch: Dispatch
  /** Checks session and role for a method without its input: lets a transport refuse early. */
  admit: Admit
  /** Subscribe to committed changes; returns the unsubscribe function. */
  onChange(listener: (change: ChangeEvent) => void): () => void
  /** Progress of long writes (imports) while they run. */
  onProgress(listener: (progress: ProgressEvent) => void): () => void
  /** Journaled work inside the core that is not an API call (tests, data upgrades). Transports never use it. */
  journaledWrite: JournaledWrite
  services: Services
  jobs: JobHost
  /** Stops the jobs (waiting for one that runs), then closes the database and frees the folder. */
  close(): Promise<void>
}

const defaultLog = (message: string, error?: unknown) => console.error(`[docspot] ${message}`, error ?? '')

/** The composition root: claims the data folder, opens and migrates the database, wires the services and jobs. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const lock = options.unclaimedFolder ? { release() {} } : lockDataFolder(options.dataDir)
  const log = options.log ?? defaultLog
  let db: ReturnType<typeof createKysely> | null = null
  let reader: ReturnType<typeof createKysely> | null = null
  let readers: ReaderPool | null = null
  try {
    const writer = openSqlite(join(options.dataDir, DB_FILE))
    const cursor: JournalCursor = { seq: null }
    registerJournalFunction(writer, cursor)
    db = createKysely(writer)
    const schemaVersion = await migrate(db)
    reader = createKysely(openSqlite(join(options.dataDir, DB_FILE), { readonly: true }))
    const services: Services = {
      db,
      readDb: reader,
      files: fileStore(options.dataDir),
      loginThrottle: new LoginThrottle(join(options.dataDir, SIGN_IN_LIMITS_FILE)),
      secrets: secretBox(options.keyStore ?? keyFile(options.dataDir)),
      connection: options.connection ?? { kind: 'desktop', https: false, fingerprint: null, insecure: false },
      clock: options.clock ?? systemClock,
      dataDir: options.dataDir,
      version: options.version ?? '0.0.0-dev',
      schemaVersion
    }
    const events = new EventEmitter()
    events.setMaxListeners(0)
    const handlers = joinHandlers(systemHandlers, authHandlers, settingsHandlers, usersHandlers, rolesHandlers, patientsHandlers, scheduleHandlers, frontDeskHandlers, messagingHandlers, clinicalHandlers, auditHandlers)
    readers = options.readers ? new ReaderPool(join(options.dataDir, DB_FILE), options.readers, log) : null
    const { dispatch, admit, journaledWrite } = createDispatcher({ services, handlers, reader, events, cursor, readers, log })

    const settings = await readSettings(reader)
    const jobs = createJobHost(dispatch, { timeZone: () => settings?.timeZone ?? 'UTC', log, scheduled: options.schedules !== false })
    jobs.add({ name: 'purge-expired-sessions', schedule: '*/15 * * * *', method: 'auth.purgeSessions' })
    // Messages: one running DocSpot sends (the setting names it); any other refuses to start the job.
    services.outbox = createOutboxSender({ services, journaledWrite, log })
    let sending = false
    let again = false
    // A run already going sends what was queued meanwhile, or the one after it does.
    const kick = (): void => {
      void jobs.run('send-messages').then((ran) => {
        if (ran === undefined) again = true
        else if (again) {
          again = false
          kick()
        }
      })
    }
    const startSending = async (): Promise<void> => {
      if (sending) return
      const sender = senderCheck(await readMessaging(services.readDb), services.connection.kind)
      if (!sender.sends) return log(sender.why)
      sending = true
      jobs.add({ name: 'send-messages', schedule: '* * * * *', method: 'outbox.sendDue' })
      // Catch up at once on what came due while this PC was off.
      if (options.schedules !== false) kick()
    }
    await startSending()
    events.on('change', (change: ChangeEvent) => {
      // An admin made this DocSpot the sender ("Send from here"): it starts at once.
      if (!sending && change.changed.messaging_settings) void startSending()
      // A message queued now (a confirmation) goes within seconds, not at the next minute.
      else if (sending && options.schedules !== false && change.method !== 'outbox.sendDue' && (change.changed.outbox || change.all.includes('outbox'))) kick()
    })

    const core: Core = {
      dispatch,
      admit,
      journaledWrite,
      services,
      jobs,
      onChange(listener) {
        events.on('change', listener)
        return () => events.off('change', listener)
      },
      onProgress(listener) {
        events.on('progress', listener)
        return () => events.off('progress', listener)
      },
      async close() {
        await jobs.stop()
        events.removeAllListeners()
        await readers?.close()
        await reader!.destroy()
        await db!.destroy()
        lock.release()
      }
    }
    return core
  } catch (error) {
    await readers?.close()
    await reader?.destroy()
    await db?.destroy()
    lock.release()
    throw error
  }
}
