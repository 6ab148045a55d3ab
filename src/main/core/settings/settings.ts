import type { Kysely } from 'kysely'
import { ApiError, DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../../shared/api'
import { precompiled } from '../db/precompiled'
import type { ReadDb } from '../db/read-only'
import type { Database } from '../db/schema'
import type { HandlerGroup } from '../context'

/**
 * The last settings read, by their stored text: every call reads the few rows (another process
 * may have changed them), but they are parsed and checked again only when they differ.
 */
let lastRead: { text: string; settings: Readonly<Settings> } | null = null

const settingsRows = precompiled((db) => db.selectFrom('settings').select(['key', 'value']).orderBy('key'))

export async function readSettings(db: ReadDb): Promise<Readonly<Settings> | null> {
  const rows = await settingsRows(db)
  if (rows.length === 0) return null
  const text = rows.map((r) => `${r.key}\u0000${r.value}`).join('\u0001')
  if (lastRead?.text === text) return lastRead.settings
  const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]))
  const parsed = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...stored })
  if (!parsed.success) throw new ApiError('INTERNAL', `Stored settings are invalid: ${parsed.error.issues[0]?.path.join('.')}`)
  lastRead = { text, settings: deepFreeze(parsed.data) }
  return lastRead.settings
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') for (const inner of Object.values(value)) deepFreeze(inner)
  return Object.freeze(value)
}

export async function requireSettings(db: ReadDb): Promise<Readonly<Settings>> {
  const settings = await readSettings(db)
  if (!settings) throw new ApiError('CONFLICT', 'The clinic has not been set up yet')
  return settings
}

export async function writeSettings(db: Kysely<Database>, values: Partial<Settings>, now: Date): Promise<void> {
  const entries = Object.entries(values).filter(([, v]) => v !== undefined)
  if (entries.length === 0) return
  await db
    .insertInto('settings')
    .values(entries.map(([key, value]) => ({ key, value: JSON.stringify(value), updated_at: now.toISOString() })))
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })))
    .execute()
}

export const settingsHandlers: HandlerGroup = {
  'settings.get': async (ctx) => requireSettings(ctx.db),
  'settings.update': async (ctx, input) => {
    await requireSettings(ctx.db)
    await writeSettings(ctx.db, input, ctx.now)
    return requireSettings(ctx.db)
  }
}
