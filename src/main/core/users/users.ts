import { ApiError, type Role } from '../../../shared/api'
import { hashPassword } from '../auth/passwords'
import { STAFF_USER_COLUMNS, toStaffUser } from '../auth/sessions'
import { ownTransaction, type HandlerGroup, type WriteContext } from '../context'
import type { ReadDb } from '../db/read-only'

const users = (db: ReadDb) => db.selectFrom('users').leftJoin('roles', 'roles.id', 'users.custom_role_id').select(STAFF_USER_COLUMNS)

async function getUser(db: ReadDb, id: string) {
  const row = await users(db).where('users.id', '=', id).executeTakeFirst()
  if (!row) throw ApiError.field('id', `is not a known staff account (${id})`)
  return row
}

/** One of the clinic's own roles for an account, by id; null clears it. */
async function customRole(db: ReadDb, id: string | null | undefined, field: string) {
  if (!id) return null
  const role = await db.selectFrom('roles').select(['id', 'base_role']).where('id', '=', id).executeTakeFirst()
  if (!role) throw ApiError.field(field, `is not a known role (${id})`)
  return role
}

/**
 * The clinic always keeps one active admin with the full admin role (not one of the clinic's
 * own roles): nobody can deactivate or demote the last.
 */
async function keepAnAdmin(tx: WriteContext, id: string, next: { role?: Role; active?: boolean; customRoleId?: string | null }) {
  const user = await getUser(tx.db, id)
  const fullAdmin = user.role === 'admin' && user.custom_role_id === null && user.active === 1
  const losesAdmin = fullAdmin && ((next.role !== undefined && next.role !== 'admin') || next.active === false || !!next.customRoleId)
  if (!losesAdmin) return
  const others = await tx.db.selectFrom('users').select('id').where('role', '=', 'admin').where('custom_role_id', 'is', null).where('active', '=', 1).where('id', '!=', id).executeTakeFirst()
  if (!others) throw new ApiError('CONFLICT', `${user.name} is the last active admin; make someone else an admin first`)
}

/** Ends every session of a user: a deactivated or reset account is signed out everywhere at once. */
async function endSessions(tx: WriteContext, userId: string) {
  await tx.db.deleteFrom('sessions').where('user_id', '=', userId).execute()
}

export const usersHandlers: HandlerGroup = {
  'users.list': async (ctx) => {
    const rows = await users(ctx.db).orderBy('users.active', 'desc').orderBy('users.name').execute()
    return rows.map(toStaffUser)
  },

  'users.create': ownTransaction<'users.create'>(async (ctx, input) => {
    const passwordHash = await hashPassword(input.password)
    return ctx.write(async (tx) => {
      const taken = await tx.db.selectFrom('users').select('id').where('email', '=', input.email).executeTakeFirst()
      if (taken) throw new ApiError('CONFLICT', 'email: another staff account already uses this email', { email: 'another staff account already uses this email' })
      const now = tx.now.toISOString()
      // One of the clinic's own roles brings its built-in role with it.
      const custom = await customRole(tx.db, input.customRoleId, 'customRoleId')
      const row = {
        id: tx.newId(),
        name: input.name,
        email: input.email,
        role: custom?.base_role ?? input.role,
        custom_role_id: custom?.id ?? null,
        phone: input.phone,
        password_hash: passwordHash,
        active: 1,
        must_change_password: 0,
        created_at: now,
        updated_at: now
      }
      await tx.db.insertInto('users').values(row).execute()
      return toStaffUser(await getUser(tx.db, row.id))
    })
  }),

  'users.update': async (ctx, { id, fields: input }) => {
    const { customRoleId, ...fields } = input
    const custom = await customRole(ctx.db, customRoleId, 'fields.customRoleId')
    // A built-in role given alone replaces one of the clinic's own; one of those brings its built-in role.
    const clearsCustom = customRoleId === null || (customRoleId === undefined && fields.role !== undefined)
    const changes = { ...fields, ...(clearsCustom ? { custom_role_id: null } : {}), ...(custom ? { custom_role_id: custom.id, role: custom.base_role } : {}) }
    await keepAnAdmin(ctx, id, { role: changes.role, customRoleId: custom?.id })
    if (fields.email) {
      const taken = await ctx.db.selectFrom('users').select('id').where('email', '=', fields.email).where('id', '!=', id).executeTakeFirst()
      if (taken) throw ApiError.field('fields.email', 'another staff account already uses this email')
    }
    if (Object.keys(changes).length) await ctx.db.updateTable('users').set({ ...changes, updated_at: ctx.now.toISOString() }).where('id', '=', id).execute()
    // A doctor's profile carries the name too.
    if (fields.name) await ctx.db.updateTable('doctors').set({ name: fields.name, updated_at: ctx.now.toISOString() }).where('user_id', '=', id).execute()
    return toStaffUser(await getUser(ctx.db, id))
  },

  'users.setActive': async (ctx, { id, active }) => {
    await keepAnAdmin(ctx, id, { active })
    await ctx.db.updateTable('users').set({ active: active ? 1 : 0, updated_at: ctx.now.toISOString() }).where('id', '=', id).execute()
    if (!active) await endSessions(ctx, id)
    return toStaffUser(await getUser(ctx.db, id))
  },

  // Recorded like every write: the journal names the admin, the account and the time.
  'users.resetTwoFactor': async (ctx, { id }) => {
    const user = await getUser(ctx.db, id)
    if (!user.totp_enrolled_at) throw ApiError.field('id', `${user.name} has no second factor to remove`)
    await ctx.db.updateTable('users').set({ totp_secret: null, totp_enrolled_at: null, totp_last_step: null, recovery_codes: null, updated_at: ctx.now.toISOString() }).where('id', '=', id).execute()
    ctx.services.loginThrottle.clearCodes(user.email, ctx.now)
    return toStaffUser(await getUser(ctx.db, id))
  },

  'users.resetPassword': ownTransaction<'users.resetPassword'>(async (ctx, { id, password }) => {
    await getUser(ctx.db, id)
    const passwordHash = await hashPassword(password)
    return ctx.write(async (tx) => {
      await tx.db.updateTable('users').set({ password_hash: passwordHash, must_change_password: 1, updated_at: tx.now.toISOString() }).where('id', '=', id).execute()
      await endSessions(tx, id)
      return toStaffUser(await getUser(tx.db, id))
    })
  })
}
