import { EventEmitter } from 'node:events'
import type { z } from 'zod'
import { ApiError, api, isMethodName, type ApiErrorBody, type ApiResult, type MethodSpec } from '../../shared/api'
import { findSession } from './auth/sessions'
import type { ChangeEvent, Handler, HandlerGroup, Handlers, HandlerContext, Services } from './context'
import { readSettings } from './settings/settings'

export interface CallOptions {
  /** The caller's session token, if any. */
  token?: string | null
}

export type Dispatch = (method: string, input: unknown, options?: CallOptions) => Promise<ApiResult<unknown>>

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

export function createDispatcher(services: Services, handlers: Handlers, events: EventEmitter, log: (message: string, error?: unknown) => void): Dispatch {
  return async function dispatch(method, rawInput, options = {}) {
    try {
      if (!isMethodName(method)) throw new ApiError('NOT_FOUND', `Unknown API method "${method}"`)
      const spec = api[method] as MethodSpec
      const now = services.clock.now()

      let session: HandlerContext['session'] = null
      if (spec.roles !== 'public') {
        if (!options.token) throw new ApiError('UNAUTHENTICATED', 'Please sign in first')
        const settings = await readSettings(services.readDb)
        session = await findSession(services, options.token, now, settings?.autoLogoutMinutes ?? 30, log)
        if (!session) throw new ApiError('UNAUTHENTICATED', 'Your session has ended; please sign in again')
        if (!spec.roles.includes(session.user.role)) {
          throw new ApiError('FORBIDDEN', `${ROLE_NAMES[session.user.role]} may not do this: ${spec.summary.toLowerCase()}`)
        }
      }

      const parsed = spec.input.safeParse(rawInput ?? {})
      if (!parsed.success) throw validationError(fieldErrors(parsed.error))

      const changes: ChangeEvent[] = []
      const handler = handlers[method] as Handler<typeof method>
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
            progress: (event) => events.emit('progress', event)
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

  /** A failing listener must not make a saved write look unsaved. */
  function publish(name: string, changes: ChangeEvent[]): void {
    for (const change of changes) {
      for (const listener of events.listeners(name)) {
        try {
          listener(change)
        } catch (error) {
          log(`change listener failed for ${change.method}`, error)
        }
      }
    }
  }
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
