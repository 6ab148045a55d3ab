import type { Kysely } from 'kysely'
import { ApiError, DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../../shared/api'
import { precompiled } from '../db/precompiled'
import type { ReadDb } from '../db/read-only'
import type { Database } from '../db/schema'
import sharp from 'sharp'
import { ownTransaction, type HandlerGroup } from '../context'
import { documentType } from '../patients/photo'

/**
 * The last settings read, by their stored rows: every call reads the few rows (another process
 * may have changed them), but they are parsed and checked again only when one differs.
 */
let lastRead: { rows: Array<{ key: string; value: string }>; settings: Readonly<Settings> } | null = null

const settingsRows = precompiled((db) => db.selectFrom('settings').select(['key', 'value']).orderBy('key'))

const sameRows = (a: Array<{ key: string; value: string }>, b: Array<{ key: string; value: string }>) => a.length === b.length && a.every((row, i) => row.key === b[i].key && row.value === b[i].value)

export async function readSettings(db: ReadDb): Promise<Readonly<Settings> | null> {
  const rows = await settingsRows(db)
  if (rows.length === 0) return null
  if (lastRead && sameRows(rows, lastRead.rows)) return lastRead.settings
  const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]))
  const parsed = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...stored })
  if (!parsed.success) throw new ApiError('INTERNAL', `Stored settings are invalid: ${parsed.error.issues[0]?.path.join('.')}`)
  lastRead = { rows, settings: deepFreeze(parsed.data) }
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
  },
  'settings.setLogo': ownTransaction<'settings.setLogo'>(async (ctx, { file }) => {
    const sha = ctx.services.files.put(await prepareLogo(file))
    return ctx.write(async (tx) => {
      await requireSettings(tx.db)
      await writeSettings(tx.db, { clinicLogo: sha }, tx.now)
      return requireSettings(tx.db)
    })
  }),
  'settings.removeLogo': async (ctx) => {
    await requireSettings(ctx.db)
    await writeSettings(ctx.db, { clinicLogo: null }, ctx.now)
    return requireSettings(ctx.db)
  },
  'settings.logo': async (ctx) => {
    const settings = await requireSettings(ctx.db)
    const bytes = settings.clinicLogo ? ctx.services.files.get(settings.clinicLogo) : null
    return bytes ? { type: 'image/png', bytes } : null
  }
}

/** A letterhead logo: checked from its bytes, kept as a PNG no larger than print needs (transparency kept). */
async function prepareLogo(file: Uint8Array): Promise<Buffer> {
  const type = documentType(file)
  if (type !== 'image/png' && type !== 'image/jpeg') throw ApiError.field('file', 'must be a PNG or JPEG image (checked from its content, not its name)')
  try {
    return await sharp(file, { limitInputPixels: 50_000_000 }).rotate().resize(600, 600, { fit: 'inside', withoutEnlargement: true }).png().toBuffer()
  } catch {
    throw ApiError.field('file', 'could not be read as an image; it may be damaged')
  }
}
