import type { Kysely } from 'kysely'
import { ApiError, DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../../shared/api'
import type { ReadDb } from '../db/read-only'
import type { Database } from '../db/schema'
import type { HandlerGroup } from '../context'

export async function readSettings(db: ReadDb): Promise<Settings | null> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).execute()
  if (rows.length === 0) return null
  const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]))
  const parsed = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...stored })
  if (!parsed.success) throw new ApiError('INTERNAL', `Stored settings are invalid: ${parsed.error.issues[0]?.path.join('.')}`)
  return parsed.data
}

export async function requireSettings(db: ReadDb): Promise<Settings> {
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
