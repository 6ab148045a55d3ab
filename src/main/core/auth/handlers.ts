import { ApiError, DEFAULT_SETTINGS } from '../../../shared/api'
import type { HandlerGroup } from '../context'
import { requireSettings, readSettings, writeSettings } from '../settings/settings'
import { newId } from '../ids'
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords'
import { openSession, toStaffUser } from './sessions'

export const authHandlers: HandlerGroup = {
  'setup.status': async (ctx) => {
    const settings = await readSettings(ctx.db)
    return { needsSetup: settings === null, clinicName: settings?.clinicName ?? null }
  },

  'setup.createClinic': async (ctx, { clinic, admin }) => {
    // Checked inside the transaction, so two first-run wizards racing cannot both win.
    if (await readSettings(ctx.db)) throw new ApiError('CONFLICT', 'This clinic is already set up; sign in instead')
    await writeSettings(ctx.db, { ...DEFAULT_SETTINGS, ...clinic }, ctx.now)
    const now = ctx.now.toISOString()
    const row = {
      id: newId(ctx.now.getTime()),
      name: admin.name,
      email: admin.email,
      role: 'admin' as const,
      password_hash: await hashPassword(admin.password),
      active: 1,
      created_at: now,
      updated_at: now
    }
    await ctx.db.insertInto('users').values(row).execute()
    ctx.changed('settings')
    return openSession(ctx.db, toStaffUser(row), ctx.now, DEFAULT_SETTINGS.sessionHours)
  },

  'auth.login': async (ctx, { email, password }) => {
    const settings = await requireSettings(ctx.db)
    const row = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH)
    if (!row || !ok) throw new ApiError('UNAUTHENTICATED', 'Email or password is incorrect')
    if (row.active !== 1) throw new ApiError('FORBIDDEN', 'This account is deactivated; ask the clinic admin')
    return openSession(ctx.db, toStaffUser(row), ctx.now, settings.sessionHours)
  },

  'auth.logout': async (ctx) => {
    await ctx.db.deleteFrom('sessions').where('token_hash', '=', ctx.session!.tokenHash).execute()
    return { signedOut: true }
  },

  'auth.session': async (ctx) => ({ user: ctx.user, expiresAt: ctx.session!.expiresAt })
}
