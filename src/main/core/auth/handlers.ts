import { createHash, randomBytes } from 'node:crypto'
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
    // Counted before the password is checked: parallel guesses cannot slip past the limit.
    const throttle = ctx.services.loginThrottle
    const deviceHash = ctx.deviceKey ? createHash('sha256').update(ctx.deviceKey).digest('hex') : null
    const attempt = throttle.begin(email, ctx.address, ctx.now, throttle.isKnownDevice(email, deviceHash))
    if ('wait' in attempt) throw new ApiError('UNAUTHENTICATED', `Too many failed sign-ins. Try again in ${attempt.wait} minute${attempt.wait === 1 ? '' : 's'}, or ask the clinic admin.`)
    const row = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH)
    attempt.finish(!!row && ok)
    // The same answer whether or not the account exists.
    if (!row || !ok) throw new ApiError('UNAUTHENTICATED', 'Email or password is incorrect')
    if (row.active !== 1) throw new ApiError('FORBIDDEN', 'This account is deactivated; ask the clinic admin')
    const user = toStaffUser(row)
    // This PC is now known for this person: a lock an attacker causes later does not keep them out here.
    const deviceKey = ctx.deviceKey && deviceHash && throttle.isKnownDevice(email, deviceHash) ? ctx.deviceKey : randomBytes(24).toString('base64url')
    throttle.rememberDevice(email, createHash('sha256').update(deviceKey).digest('hex'))
    return ctx.write(async (tx) => {
      tx.actingAs(user)
      return { ...(await openSession(tx.db, user, tx.now, settings.sessionHours)), deviceKey }
    })
  }),

  'auth.logout': async (ctx) => {
    await ctx.db.deleteFrom('sessions').where('token_hash', '=', ctx.session!.tokenHash).execute()
    return { signedOut: true as const }
  },

  'auth.session': async (ctx) => ({ user: ctx.user, expiresAt: ctx.session!.expiresAt }),

  // The current password is checked and the new one hashed before the transaction opens.
  'auth.changePassword': ownTransaction<'auth.changePassword'>(async (ctx, { currentPassword, newPassword }) => {
    const row = await ctx.db.selectFrom('users').select(['password_hash']).where('id', '=', ctx.user.id).executeTakeFirstOrThrow()
    if (!(await verifyPassword(currentPassword, row.password_hash))) throw ApiError.field('currentPassword', 'is not your current password')
    if (await verifyPassword(newPassword, row.password_hash)) throw ApiError.field('newPassword', 'must differ from the current password')
    const passwordHash = await hashPassword(newPassword)
    return ctx.write(async (tx) => {
      await tx.db.updateTable('users').set({ password_hash: passwordHash, must_change_password: 0, updated_at: tx.now.toISOString() }).where('id', '=', tx.user.id).execute()
      // Anyone else holding this account's sessions is signed out; this one stays.
      await tx.db.deleteFrom('sessions').where('user_id', '=', tx.user.id).where('token_hash', '!=', tx.session!.tokenHash).execute()
      return { changed: true as const }
    })
  }),

  'auth.sessions': async (ctx) => {
    const rows = await ctx.db.selectFrom('sessions').selectAll().where('user_id', '=', ctx.user.id).where('expires_at', '>', ctx.now.toISOString()).orderBy('last_seen_at', 'desc').execute()
    return rows.map((r) => ({ id: r.token_hash.slice(0, 16), createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, current: r.token_hash === ctx.session!.tokenHash }))
  },

  'auth.endSession': async (ctx, { id }) => {
    const own = await ctx.db.selectFrom('sessions').select('token_hash').where('user_id', '=', ctx.user.id).execute()
    const target = own.find((s) => s.token_hash.startsWith(id))
    if (!target) throw ApiError.field('id', 'is not one of your sessions')
    await ctx.db.deleteFrom('sessions').where('token_hash', '=', target.token_hash).execute()
    return { ended: true as const }
  },

  'auth.purgeSessions': async (ctx) => {
    const result = await ctx.db.deleteFrom('sessions').where('expires_at', '<=', ctx.now.toISOString()).executeTakeFirst()
    return { removed: Number(result.numDeletedRows) }
  }
}
