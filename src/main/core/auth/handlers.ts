import { ApiError, DEFAULT_SETTINGS } from '../../../shared/api'
import { ownTransaction, type HandlerGroup } from '../context'
import { requireSettings, readSettings, writeSettings } from '../settings/settings'
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords'
import { openSession, toStaffUser } from './sessions'

export const authHandlers: HandlerGroup = {
  'setup.status': async (ctx) => {
    const settings = await readSettings(ctx.db)
    return { needsSetup: settings === null, clinicName: settings?.clinicName ?? null }
  },

  'setup.createClinic': ownTransaction<'setup.createClinic'>(async (ctx, { clinic, admin }) => {
    const passwordHash = await hashPassword(admin.password)
    return ctx.write(async (tx) => {
      // Checked inside the transaction, so two first-run wizards racing cannot both win.
      if (await readSettings(tx.db)) throw new ApiError('CONFLICT', 'This clinic is already set up; sign in instead')
      await writeSettings(tx.db, { ...DEFAULT_SETTINGS, ...clinic }, tx.now)
      const now = tx.now.toISOString()
      const row = {
        id: tx.newId(),
        name: admin.name,
        email: admin.email,
        role: 'admin' as const,
        password_hash: passwordHash,
        active: 1,
        created_at: now,
        updated_at: now
      }
      await tx.db.insertInto('users').values(row).execute()
      const user = toStaffUser(row)
      tx.actingAs(user)
      return openSession(tx.db, user, tx.now, DEFAULT_SETTINGS.sessionHours)
    })
  }),

  // Password checks run with no transaction open: ~100 ms of scrypt must not hold every desk.
  'auth.login': ownTransaction<'auth.login'>(async (ctx, { email, password }) => {
    const settings = await requireSettings(ctx.db)
    const throttle = ctx.services.loginThrottle
    const wait = throttle.waitMinutes(email, ctx.now)
    if (wait > 0) throw new ApiError('UNAUTHENTICATED', `Too many failed sign-ins for this email. Try again in ${wait} minute${wait === 1 ? '' : 's'}, or ask the clinic admin.`)
    const row = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH)
    if (!row || !ok) {
      throttle.failed(email, ctx.now)
      throw new ApiError('UNAUTHENTICATED', 'Email or password is incorrect')
    }
    if (row.active !== 1) throw new ApiError('FORBIDDEN', 'This account is deactivated; ask the clinic admin')
    throttle.succeeded(email)
    const user = toStaffUser(row)
    return ctx.write(async (tx) => {
      tx.actingAs(user)
      return openSession(tx.db, user, tx.now, settings.sessionHours)
    })
  }),

  'auth.logout': async (ctx) => {
    await ctx.db.deleteFrom('sessions').where('token_hash', '=', ctx.session!.tokenHash).execute()
    return { signedOut: true as const }
  },

  'auth.session': async (ctx) => ({ user: ctx.user, expiresAt: ctx.session!.expiresAt }),

  'auth.purgeSessions': async (ctx) => {
    const result = await ctx.db.deleteFrom('sessions').where('expires_at', '<=', ctx.now.toISOString()).executeTakeFirst()
    return { removed: Number(result.numDeletedRows) }
  }
}
