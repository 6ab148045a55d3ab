import { EventEmitter } from 'node:events'
import type { z } from 'zod'
import { ApiError, api, isMethodName, type ApiErrorBody, type ApiResult, type MethodName, type MethodSpec } from '../../shared/api'
import { findSession } from './auth/sessions'
import type { ChangeEvent, Handler, HandlerGroup, Handlers, HandlerContext, ProgressEvent, Services } from './context'
import { readSettings } from './settings/settings'

export interface CallOptions {
  /** The caller's session token, if any. */
  token?: string | null
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
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] ??= 'is not a known field'
      continue
    }
    const path = issue.path.join('.') || '(input)'
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message
    fields[path] ??= message
  }
  return fields
}

function validationError(fields: Record<string, string>): ApiError {
  const summary = Object.entries(fields)
    .map(([field, message]) => `${field} ${message}`)
    .join('; ')
  return new ApiError('VALIDATION', `Please correct: ${summary}`, fields)
}

const ROLE_NAMES = { admin: 'An admin', receptionist: 'A receptionist', doctor: 'A doctor' } as const

export function createDispatcher(
  services: Services,
  handlers: Handlers,
  events: EventEmitter,
  log: (message: string, error?: unknown) => void
): { dispatch: Dispatch; admit: Admit } {
  /** The session for a call to `spec`, checked against its roles; null for a public method. */
  async function authorise(spec: MethodSpec, token: string | null | undefined, now: Date): Promise<HandlerContext['session']> {
    if (spec.roles === 'public') return null
    if (!token) throw new ApiError('UNAUTHENTICATED', 'Please sign in first')
    const settings = await readSettings(services.readDb)
    const session = await findSession(services, token, now, settings?.autoLogoutMinutes ?? 30, log)
    if (!session) throw new ApiError('UNAUTHENTICATED', 'Your session has ended; please sign in again')
    if (!spec.roles.includes(session.user.role)) {
      throw new ApiError('FORBIDDEN', `${ROLE_NAMES[session.user.role]} may not do this: ${spec.summary.toLowerCase()}`)
    }
    return session
  }

  async function admit(method: string, token: string | null | undefined): Promise<ApiErrorBody | null> {
    try {
      assertMethod(method)
      await authorise(api[method] as MethodSpec, token, services.clock.now())
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
      const session = await authorise(spec, options.token, now)

      const parsed = spec.input.safeParse(rawInput ?? {})
      if (!parsed.success) throw validationError(fieldErrors(parsed.error))

      const changes: ChangeEvent[] = []
      const handler = handlers[method] as Handler<MethodName>
      const run = (db: HandlerContext['db']) =>
        handler(
          {
            db,
            session,
            user: session?.user as HandlerContext['user'],
            role: session?.user.role ?? null,
            now,
            services,
            changed: (entity, id) => void changes.push({ method, entity, id, at: now.toISOString() }),
            progress: (event) => publish('progress', [event])
          },
          parsed.data as never
        )
      // Reads run on their own connection, so a long write does not hold up searches.
      const db = spec.writes ? services.db : services.readDb
      const value = handler.ownTransaction ? await run(db) : await db.transaction().execute(run)
      // Published only now that the transaction has committed.
      if (spec.writes && changes.length === 0) changes.push({ method, at: now.toISOString() })
      publish('change', changes)
      return { ok: true, value }
    } catch (error) {
      return { ok: false, error: toErrorBody(error, method, log) }
    }
  }

  /** A failing listener must not make a saved write look unsaved, nor roll back a running one. */
  function publish(name: 'change' | 'progress', payloads: Array<ChangeEvent | ProgressEvent>): void {
    for (const payload of payloads) {
      for (const listener of events.listeners(name)) {
        try {
          listener(payload)
        } catch (error) {
          log(`${name} listener failed`, error)
        }
      }
    }
  }

  return { dispatch, admit }
}

function assertMethod(method: string): asserts method is MethodName {
  if (!isMethodName(method)) throw new ApiError('NOT_FOUND', `Unknown API method "${method}"`)
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
