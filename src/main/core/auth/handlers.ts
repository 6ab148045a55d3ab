import { createHash, randomBytes } from 'node:crypto'
import { ApiError, DEFAULT_SETTINGS } from '../../../shared/api'
import type { Selectable } from 'kysely'
import { ownTransaction, type HandlerGroup } from '../context'
import type { UsersTable } from '../db/schema'
import type { SecretBox } from '../secrets'
import { requireSettings, readSettings, writeSettings } from '../settings/settings'
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords'
import { openSession, toStaffUser } from './sessions'
import { checkTotp, hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpUri, twoFactorRequired } from './two-factor'

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
  'auth.login': ownTransaction<'auth.login'>(async (ctx, { email, password, totpCode, recoveryCode }) => {
    const settings = await requireSettings(ctx.db)
    // Counted before the password is checked: parallel guesses cannot slip past the limit.
    const throttle = ctx.services.loginThrottle
    const deviceHash = ctx.deviceKey ? createHash('sha256').update(ctx.deviceKey).digest('hex') : null
    const attempt = throttle.begin(email, ctx.address, ctx.now, throttle.isKnownDevice(email, deviceHash))
    if ('wait' in attempt) throw new ApiError('UNAUTHENTICATED', `Too many failed sign-ins. Try again in ${attempt.wait} minute${attempt.wait === 1 ? '' : 's'}, or ask the clinic admin.`)
    // Whatever happens below, the attempt is settled (an unexpected error counts neither way).
    let settled = false
    const finish = (ok: boolean | null) => {
      settled = true
      attempt.finish(ok)
    }
    let row: Selectable<UsersTable> | undefined
    let second: { step: number } | { recoveryCodes: string; previous: string | null } | null = null
    try {
      row = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
      const ok = !!row && (await verifyPassword(password, row?.password_hash ?? DUMMY_HASH))
      // The same answer whether or not the account exists.
      if (!row || !ok) {
        finish(false)
        throw new ApiError('UNAUTHENTICATED', 'Email or password is incorrect')
      }
      // The second factor: a wrong code counts as a failed sign-in; no code yet counts neither way.
      if (row.totp_enrolled_at) {
        if (!totpCode && !recoveryCode) {
          finish(null)
          throw ApiError.field('totpCode', 'is needed: enter the 6-digit code your authenticator app shows')
        }
        if (throttle.codesLocked(email, ctx.now)) {
          finish(false)
          throw new ApiError('UNAUTHENTICATED', 'Too many wrong codes for this account today. Try again tomorrow, or ask the clinic admin to reset your two-factor sign-in.')
        }
        second = secondFactor(ctx.services.secrets, row, ctx.now, totpCode, recoveryCode)
        throttle.codeResult(email, !second, ctx.now)
        if (!second) {
          finish(false)
          throw totpCode ? ApiError.field('totpCode', 'is not the current code (or was used already)') : ApiError.field('recoveryCode', 'is not one of your unused recovery codes')
        }
      }
      finish(true)
    } finally {
      if (!settled) attempt.finish(null)
    }
    if (row.active !== 1) throw new ApiError('FORBIDDEN', 'This account is deactivated; ask the clinic admin')
    const custom = row.custom_role_id ? await ctx.db.selectFrom('roles').select(['name', 'methods']).where('id', '=', row.custom_role_id).executeTakeFirst() : undefined
    const user = toStaffUser({ ...row, custom_role_name: custom?.name })
    const permissions = custom ? (JSON.parse(custom.methods) as string[]) : null
    // This PC is now known for this person: a lock an attacker causes later does not keep them out here.
    const deviceKey = ctx.deviceKey && deviceHash && throttle.isKnownDevice(email, deviceHash) ? ctx.deviceKey : randomBytes(24).toString('base64url')
    throttle.rememberDevice(email, createHash('sha256').update(deviceKey).digest('hex'), ctx.now)
    return ctx.write(async (tx) => {
      tx.actingAs(user)
      // The code is used up in this transaction, only if nobody used it meanwhile (two sign-ins
      // sent at once with one code: the second finds it gone and is refused).
      if (second && 'step' in second) {
        const step = second.step
        const used = await tx.db
          .updateTable('users')
          .set({ totp_last_step: step })
          .where('id', '=', user.id)
          .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
          .executeTakeFirst()
        if (Number(used.numUpdatedRows) === 0) throw ApiError.field('totpCode', 'is not the current code (or was used already)')
      }
      if (second && 'recoveryCodes' in second) {
        const used = await tx.db
          .updateTable('users')
          .set({ recovery_codes: second.recoveryCodes, updated_at: tx.now.toISOString() })
          .where('id', '=', user.id)
          .where('recovery_codes', second.previous === null ? 'is' : '=', second.previous)
          .executeTakeFirst()
        if (Number(used.numUpdatedRows) === 0) throw ApiError.field('recoveryCode', 'is not one of your unused recovery codes')
      }
      const session = await openSession(tx.db, user, tx.now, settings.sessionHours)
      return {
        ...session,
        deviceKey,
        mustEnrolTwoFactor: twoFactorRequired(settings.twoFactorRequired, user.role, permissions) && !user.twoFactor,
        permissions
      }
    })
  }),

  'auth.logout': async (ctx) => {
    await ctx.db.deleteFrom('sessions').where('token_hash', '=', ctx.session!.tokenHash).execute()
    return { signedOut: true as const }
  },

  'auth.session': async (ctx) => {
    const settings = await requireSettings(ctx.db)
    return {
      user: ctx.user,
      expiresAt: ctx.session!.expiresAt,
      mustEnrolTwoFactor: twoFactorRequired(settings.twoFactorRequired, ctx.user.role, ctx.session!.permissions) && !ctx.user.twoFactor,
      permissions: ctx.session!.permissions
    }
  },

  'auth.twoFactorSetup': async (ctx) => {
    const settings = await requireSettings(ctx.db)
    const secret = newTotpSecret()
    return { secret, uri: totpUri(secret, ctx.user.email, settings.clinicName) }
  },

  'auth.twoFactorEnable': ownTransaction<'auth.twoFactorEnable'>(async (ctx, { secret, totpCode, password }) => {
    const row = await ctx.db.selectFrom('users').select(['password_hash', 'totp_enrolled_at']).where('id', '=', ctx.user.id).executeTakeFirstOrThrow()
    if (!(await verifyPassword(password, row.password_hash))) throw ApiError.field('password', 'is not your password')
    if (row.totp_enrolled_at) throw new ApiError('CONFLICT', 'Two-factor sign-in is already on for your account; turn it off first to use a new app')
    const step = checkTotp(secret, totpCode, ctx.now, null)
    if (step === null) throw ApiError.field('totpCode', 'does not match: scan the code again, check the phone\'s clock, and enter the code it shows now')
    const { codes, hashes } = newRecoveryCodes()
    return ctx.write(async (tx) => {
      const secrets = tx.services.secrets
      await tx.db
        .updateTable('users')
        .set({ totp_secret: secrets.seal(secret), totp_enrolled_at: tx.now.toISOString(), totp_last_step: step, recovery_codes: secrets.seal(JSON.stringify(hashes)), updated_at: tx.now.toISOString() })
        .where('id', '=', tx.user.id)
        .execute()
      return { recoveryCodes: codes }
    })
  }),

  'auth.twoFactorDisable': ownTransaction<'auth.twoFactorDisable'>(async (ctx, { password }) => {
    const settings = await requireSettings(ctx.db)
    if (twoFactorRequired(settings.twoFactorRequired, ctx.user.role, ctx.session!.permissions)) throw new ApiError('FORBIDDEN', 'The clinic requires two-factor sign-in for your account; an admin can reset it if your phone is lost')
    const row = await ctx.db.selectFrom('users').select(['password_hash']).where('id', '=', ctx.user.id).executeTakeFirstOrThrow()
    if (!(await verifyPassword(password, row.password_hash))) throw ApiError.field('password', 'is not your password')
    return ctx.write(async (tx) => {
      await tx.db.updateTable('users').set({ totp_secret: null, totp_enrolled_at: null, totp_last_step: null, recovery_codes: null, updated_at: tx.now.toISOString() }).where('id', '=', tx.user.id).execute()
      return { disabled: true as const }
    })
  }),

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

/** Checks a sign-in's code against the account's sealed key, or uses up one recovery code; null when neither is right. */
function secondFactor(
  secrets: SecretBox,
  row: { totp_secret: string | null; totp_last_step: number | null; recovery_codes: string | null },
  now: Date,
  totpCode: string | undefined,
  recoveryCode: string | undefined
): { step: number } | { recoveryCodes: string; previous: string | null } | null {
  if (totpCode) {
    const step = row.totp_secret ? checkTotp(secrets.open(row.totp_secret), totpCode, now, row.totp_last_step) : null
    return step === null ? null : { step }
  }
  const hashes = row.recovery_codes ? (JSON.parse(secrets.open(row.recovery_codes)) as string[]) : []
  const used = hashes.indexOf(hashRecoveryCode(recoveryCode!))
  return used < 0 ? null : { recoveryCodes: secrets.seal(JSON.stringify(hashes.filter((_, i) => i !== used))), previous: row.recovery_codes }
}
