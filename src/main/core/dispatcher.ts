import { twoFactorRequired } from './auth/two-factor'
import { EventEmitter } from 'node:events'
import type { z } from 'zod'
import { ApiError, allows, api, isMethodName, type ApiErrorBody, type ApiResult, type MethodName, type MethodSpec, type StaffUser } from '../../shared/api'
import { findSession } from './auth/sessions'
import { readSnapshot } from './db/connection'
import type { Actor, ChangeEvent, HandlerGroup, Handlers, OwnTransactionContext, ProgressEvent, ReadContext, Services, Session, WriteContext } from './context'
import type { Kysely } from 'kysely'
import type { ReadDb } from './db/read-only'
import type { Database } from './db/schema'
import { newId } from './ids'
import { changeEvent, openEntry, sealEntry, takeNumber, type JournalCursor } from './journal/journal'
import type { ReaderPool, ReaderReply } from './readers/pool'
import { readSettings } from './settings/settings'

export interface CallOptions {
  /** The caller's session token, if any. */
  token?: string | null
  /** Which PC or window the call came from, as the transport knows it; kept in the journal. */
  device?: string | null
  /** Set only by this core's job host: the call is a background job acting as the system. */
  job?: string
  /** The client's network address, as the transport sees it. */
  address?: string | null
  /** The device key the client got at an earlier sign-in, if it sends one. */
  deviceKey?: string | null
}

export type Dispatch = (method: string, input: unknown, options?: CallOptions) => Promise<ApiResult<unknown>>

/** Whether this caller may call this method at all (session and role), or why not. Reads no input. */
export type Admit = (method: string, token: string | null | undefined) => Promise<ApiErrorBody | null>

/** Joins handler groups into the one table; a method handled twice, or not at all, stops start-up. */
export function joinHandlers(...groups: HandlerGroup[]): Handlers {
  const joined: Record<string, unknown> = {}
  for (const group of groups) {
    for (const [name, handler] of Object.entries(group)) {
      if (name in joined) throw new Error(`Two handlers for API method ${name}`)
      joined[name] = handler
    }
  }
  const missing = Object.keys(api).filter((name) => !(name in joined))
  if (missing.length) throw new Error(`No handler for API methods: ${missing.join(', ')}`)
  return joined as Handlers
}

/** zod issues → `{ "admin.email": "must be a valid email address" }`. */
/**
 * zod issues → `{ "admin.email": "must be a valid email address" }`. A field of the wrong type
 * is told so ("must be a number"); only an absent one "is required".
 */
export function fieldErrors(error: z.ZodError, input?: unknown): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] ??= 'is not a known field'
      continue
    }
    const path = issue.path.join('.') || '(input)'
    let message = issue.message
    if (issue.code === 'invalid_type') {
      const given = valueAt(input, issue.path)
      message = given === undefined ? 'is required' : `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describe(given)}`
    }
    fields[path] ??= message
  }
  return fields
}

const EXPECTED: Record<string, string> = { string: 'text', number: 'a number', boolean: 'true or false', object: 'an object', array: 'a list', int: 'a whole number' }
const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'string' ? `the text "${value.slice(0, 20)}"` : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`)

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[key]
  }
  return value
}

function validationError(fields: Record<string, string>): ApiError {
  const summary = Object.entries(fields)
    .map(([field, message]) => `${field} ${message}`)
    .join('; ')
  return new ApiError('VALIDATION', `Please correct: ${summary}`, fields)
}

/** All a user with a reset password may do: change it, see who they are, sign out. */
const AFTER_RESET = new Set<MethodSpec>([api['auth.changePassword'], api['auth.session'], api['auth.logout'], api['settings.get']])
/** What a user the clinic requires a second factor of may do before enrolling. */
const ENROLMENT = new Set<MethodSpec>([...AFTER_RESET, api['auth.twoFactorSetup'], api['auth.twoFactorEnable']])

const ROLE_NAMES = { admin: 'An admin', receptionist: 'A receptionist', doctor: 'A doctor' } as const

export interface DispatcherParts {
  services: Services
  handlers: Handlers
  /** The read-only connection behind services.readDb: read calls take a snapshot transaction on it. */
  reader: Kysely<Database>
  events: EventEmitter
  /** The writer connection's journal cursor (see registerJournalFunction). */
  cursor: JournalCursor
  /** Reader threads for the heavy reads (the hub); without them every read runs here. */
  readers?: ReaderPool | null
  log: (message: string, error?: unknown) => void
}

export type JournaledWrite = <T>(method: MethodName, user: StaffUser | null, work: (ctx: WriteContext) => Promise<T>) => Promise<T>

export function createDispatcher({ services, handlers, reader, events, cursor, readers, log }: DispatcherParts): { dispatch: Dispatch; admit: Admit; journaledWrite: JournaledWrite } {
  /** The session for a call to `spec`, checked against its roles; null for a public method or a job. */
  async function authorise(name: MethodName, options: CallOptions, now: Date): Promise<Session | null> {
    const spec = api[name] as MethodSpec
    if (options.job !== undefined) {
      if (spec.roles !== 'public' && !spec.roles.includes('system')) throw new ApiError('FORBIDDEN', `A background job may not do this: ${spec.summary.toLowerCase()}`)
      return null
    }
    if (spec.roles === 'public') return null
    if (!options.token) throw new ApiError('UNAUTHENTICATED', 'Please sign in first')
    const settings = await readSettings(services.readDb)
    const session = await findSession(services, options.token, now, settings?.autoLogoutMinutes ?? 30, log)
    if (!session) throw new ApiError('UNAUTHENTICATED', 'Your session has ended; please sign in again')
    if (session.user.mustChangePassword && !AFTER_RESET.has(spec)) {
      throw new ApiError('FORBIDDEN', 'Your password was reset by an admin: choose a new password first')
    }
    if (twoFactorRequired(settings?.twoFactorRequired, session.user.role, session.permissions) && !session.user.twoFactor && !ENROLMENT.has(spec)) {
      throw new ApiError('FORBIDDEN', 'The clinic requires two-factor sign-in for your account: set it up first')
    }
    if (!allows(name, session.user.role, session.permissions ? { methods: session.permissions } : null)) {
      throw new ApiError('FORBIDDEN', `${session.user.customRole?.name ?? ROLE_NAMES[session.user.role]} may not do this: ${spec.summary.toLowerCase()}`)
    }
    // Clinical content is the doctors'; an admin (or a role built on admin) reads it only where the clinic allows.
    if (spec.clinical && session.user.role === 'admin' && !settings?.adminsSeeClinical) {
      throw new ApiError('FORBIDDEN', 'The clinic keeps clinical content (notes, prescriptions, record files) from admins: a doctor can open it, or an admin can allow it in Clinic settings')
    }
    return session
  }

  async function admit(method: string, token: string | null | undefined): Promise<ApiErrorBody | null> {
    try {
      assertMethod(method)
      await authorise(method, { token }, services.clock.now())
      return null
    } catch (error) {
      return toErrorBody(error, method, log)
    }
  }

  async function dispatch(method: string, rawInput: unknown, options: CallOptions = {}): Promise<ApiResult<unknown>> {
    try {
      assertMethod(method)
      const spec = api[method] as MethodSpec
      const now = services.clock.now()
      const session = await authorise(method, options, now)

      const parsed = spec.input.safeParse(rawInput ?? {})
      if (!parsed.success) throw validationError(fieldErrors(parsed.error, rawInput ?? {}))
      const input = parsed.data as never

      const base = {
        session,
        user: session?.user as StaffUser,
        role: session?.user.role ?? null,
        now,
        address: options.address ?? null,
        deviceKey: options.deviceKey ?? null,
        services,
        progress: (event: ProgressEvent) => publish('progress', event)
      }
      const handler = handlers[method] as Handlers[MethodName]

      if (!spec.writes) {
        const read = (db: ReadDb) => (handler as (ctx: ReadContext, input: never) => Promise<unknown>)({ ...base, db }, input)
        const value = readers?.serves(method)
          ? fromReader(await readers.run({ method, input, now: now.toISOString(), session }))
          : handler.ownTransaction
            ? await read(services.readDb)
            : await readSnapshot(reader, read)
        // A read of a patient's record joins the journal: who looked, at whom, when, from where.
        if (spec.auditRead) await journaledCall(method, now, options, session, base, input).write(async () => undefined)
        return { ok: true, value }
      }

      // A write: exactly one journal entry, in the same transaction as the rows it changes.
      const call = journaledCall(method, now, options, session, base, input)

      let value: unknown
      if (handler.ownTransaction) {
        const own = handler as unknown as (ctx: OwnTransactionContext, input: never) => Promise<unknown>
        value = await own({ ...base, db: services.readDb, write: call.write, actingAs: call.actingAs }, input)
        // It changed nothing (a photo set to the one it had): the call is still recorded.
        if (!call.committed()) await call.write(async () => undefined)
      } else {
        value = await call.write((ctx) => (handler as (ctx: WriteContext, input: never) => Promise<unknown>)(ctx, input))
      }
      return { ok: true, value }
    } catch (error) {
      return { ok: false, error: toErrorBody(error, method, log) }
    }
  }

  /**
   * One journaled transaction for a call: opens its entry, gives the work a WriteContext
   * whose ids and numbers the entry records, seals the entry, and publishes the change event
   * once the transaction has committed. A call may write once.
   */
  function journaledCall(method: MethodName, now: Date, options: CallOptions, session: Session | null, base: Omit<WriteContext, 'db' | 'newId' | 'nextNumber' | 'actingAs'>, rawInput: unknown) {
    let actor: Actor = options.job !== undefined ? { userId: null, role: null, job: options.job } : { userId: session?.user.id ?? null, role: session?.user.role ?? null, job: null }
    const actingAs = (user: StaffUser) => void (actor = { userId: user.id, role: user.role, job: null })
    let committed = false
    const write = async <T>(work: (ctx: WriteContext) => Promise<T>): Promise<T> => {
      if (committed) throw new Error(`${method} opened a second write transaction`)
      const result = await services.db.transaction().execute(async (db) => {
        const entry = await openEntry(db, cursor, { at: now.toISOString(), method, actor, device: options.device ?? null, input: rawInput })
        try {
          const value = await work({
            ...base,
            db,
            actingAs,
            newId: () => {
              const id = newId(now.getTime())
              entry.ids.push(id)
              return id
            },
            nextNumber: async (kind) => {
              const value = await takeNumber(db, kind)
              entry.numbers.push({ kind, value })
              return value
            }
          })
          entry.actor = actor
          const rows = await sealEntry(db, cursor, entry)
          return { value, entry, rows }
        } finally {
          cursor.seq = null
        }
      })
      committed = true
      // Published only now that the transaction has committed.
      publish('change', changeEvent(result.entry, result.rows))
      return result.value
    }
    return { write, actingAs, committed: () => committed }
  }

  /** For work inside the core that is not an API call (tests, data upgrades): journaled as `method` by `user`. */
  function journaledWrite<T>(method: MethodName, user: StaffUser | null, work: (ctx: WriteContext) => Promise<T>): Promise<T> {
    const now = services.clock.now()
    const session = user ? { user, tokenHash: '', expiresAt: '', permissions: null } : null
    const base = { session, user: user as StaffUser, role: user?.role ?? null, now, address: null, deviceKey: null, services, progress: (event: ProgressEvent) => publish('progress', event) }
    return journaledCall(method, now, { device: 'core' }, session, base, {}).write(work)
  }

  /** A failing listener must not make a saved write look unsaved, nor roll back a running one. */
  function publish(name: 'change' | 'progress', payload: ChangeEvent | ProgressEvent): void {
    for (const listener of events.listeners(name)) {
      try {
        listener(payload)
      } catch (error) {
        log(`${name} listener failed`, error)
      }
    }
  }

  return { dispatch, admit, journaledWrite }
}
function assertMethod(method: string): asserts method is MethodName {
  if (!isMethodName(method)) throw new ApiError('NOT_FOUND', `Unknown API method "${method}"`)
}

/** A reader thread's answer, as the handler's own would be: its value, or its error thrown here. */
function fromReader(reply: ReaderReply): unknown {
  if (reply.ok) return reply.value
  if ('api' in reply) throw new ApiError(reply.api.code, reply.api.message, reply.api.fields)
  throw Object.assign(new Error(reply.error.message), { stack: reply.error.stack, code: reply.error.code })
}

function toErrorBody(error: unknown, method: string, log: (message: string, error?: unknown) => void): ApiErrorBody {
  if (error instanceof ApiError) return error.toBody()
  const code = (error as { code?: string }).code
  if (code === 'SQLITE_BUSY') return { code: 'UNAVAILABLE', message: 'The database is busy; please try again' }
  if (code?.startsWith('SQLITE_CONSTRAINT')) {
    log(`${method}: constraint failed`, error)
    return { code: 'CONFLICT', message: 'This change conflicts with existing data and was not saved' }
  }
  log(`${method}: unexpected error`, error)
  return { code: 'INTERNAL', message: 'Something went wrong; nothing was saved. The error has been logged.' }
}
