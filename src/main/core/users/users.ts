import { ApiError } from '../../../shared/api'
import { hashPassword } from '../auth/passwords'
import { toStaffUser } from '../auth/sessions'
import type { HandlerGroup } from '../context'
import { newId } from '../ids'

export const usersHandlers: HandlerGroup = {
  'users.list': async (ctx) => {
    const rows = await ctx.db.selectFrom('users').select(['id', 'name', 'email', 'role', 'active', 'created_at']).orderBy('name').execute()
    return rows.map(toStaffUser)
  },

  'users.create': async (ctx, input) => {
    const taken = await ctx.db.selectFrom('users').select('id').where('email', '=', input.email).executeTakeFirst()
    if (taken) throw new ApiError('CONFLICT', 'email: another staff account already uses this email', { email: 'another staff account already uses this email' })
    const now = ctx.now.toISOString()
    const row = {
      id: newId(ctx.now.getTime()),
      name: input.name,
      email: input.email,
      role: input.role,
      password_hash: await hashPassword(input.password),
      active: 1,
      created_at: now,
      updated_at: now
    }
    await ctx.db.insertInto('users').values(row).execute()
    ctx.changed('users', row.id)
    return toStaffUser(row)
  }
}
