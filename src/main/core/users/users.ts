import { ApiError } from '../../../shared/api'
import { hashPassword } from '../auth/passwords'
import { toStaffUser } from '../auth/sessions'
import { ownTransaction, type HandlerGroup } from '../context'

export const usersHandlers: HandlerGroup = {
  'users.list': async (ctx) => {
    const rows = await ctx.db.selectFrom('users').select(['id', 'name', 'email', 'role', 'active', 'created_at']).orderBy('name').execute()
    return rows.map(toStaffUser)
  },

  'users.create': ownTransaction<'users.create'>(async (ctx, input) => {
    const passwordHash = await hashPassword(input.password)
    return ctx.write(async (tx) => {
      const taken = await tx.db.selectFrom('users').select('id').where('email', '=', input.email).executeTakeFirst()
      if (taken) throw new ApiError('CONFLICT', 'email: another staff account already uses this email', { email: 'another staff account already uses this email' })
      const now = tx.now.toISOString()
      const row = {
        id: tx.newId(),
        name: input.name,
        email: input.email,
        role: input.role,
        password_hash: passwordHash,
        active: 1,
        created_at: now,
        updated_at: now
      }
      await tx.db.insertInto('users').values(row).execute()
      return toStaffUser(row)
    })
  })
}
