import { ApiError, grantableMethods, type CustomRole } from '../../../shared/api'
import type { HandlerGroup } from '../context'
import type { ReadDb } from '../db/read-only'

async function listRoles(db: ReadDb, ids?: string[]): Promise<CustomRole[]> {
  const rows = await db
    .selectFrom('roles')
    .selectAll()
    .$if(ids !== undefined, (q) => q.where('id', 'in', ids!.length ? ids! : ['']))
    .orderBy('name')
    .execute()
  const counts = await db
    .selectFrom('users')
    .select(['custom_role_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('active', '=', 1)
    .where('custom_role_id', 'is not', null)
    .groupBy('custom_role_id')
    .execute()
  return rows.map((r) => ({ id: r.id, name: r.name, baseRole: r.base_role, methods: JSON.parse(r.methods) as string[], users: counts.find((c) => c.custom_role_id === r.id)?.n ?? 0 }))
}

export const rolesHandlers: HandlerGroup = {
  'roles.list': async (ctx) => listRoles(ctx.db),

  'roles.save': async (ctx, { id, name, baseRole, methods }) => {
    const grantable = new Set<string>(grantableMethods())
    const unknown = methods.filter((m) => !grantable.has(m))
    if (unknown.length) throw ApiError.field('methods', `cannot include ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}: not something a role can be given`)
    const clash = await ctx.db.selectFrom('roles').select('id').where('name', '=', name).$if(id !== undefined, (q) => q.where('id', '!=', id!)).executeTakeFirst()
    if (clash) throw ApiError.field('name', `is already the name of another role`)
    const now = ctx.now.toISOString()
    const unique = [...new Set(methods)].sort()
    if (id) {
      const found = await ctx.db.selectFrom('roles').select('id').where('id', '=', id).executeTakeFirst()
      if (!found) throw ApiError.field('id', `is not a known role (${id})`)
      await ctx.db.updateTable('roles').set({ name, base_role: baseRole, methods: JSON.stringify(unique), updated_at: now }).where('id', '=', id).execute()
      // Its people keep their built-in role in step with the role they start from.
      await ctx.db.updateTable('users').set({ role: baseRole, updated_at: now }).where('custom_role_id', '=', id).execute()
      return (await listRoles(ctx.db, [id]))[0]
    }
    const newId = ctx.newId()
    await ctx.db.insertInto('roles').values({ id: newId, name, base_role: baseRole, methods: JSON.stringify(unique), created_at: now, updated_at: now }).execute()
    return (await listRoles(ctx.db, [newId]))[0]
  },

  'roles.remove': async (ctx, { id }) => {
    const role = await ctx.db.selectFrom('roles').select(['id', 'name']).where('id', '=', id).executeTakeFirst()
    if (!role) throw ApiError.field('id', `is not a known role (${id})`)
    const holders = await ctx.db.selectFrom('users').select('name').where('custom_role_id', '=', id).execute()
    if (holders.length) throw new ApiError('CONFLICT', `${role.name} is still the role of ${holders.map((h) => h.name).slice(0, 3).join(', ')}${holders.length > 3 ? ' and others' : ''}: give them another role first`)
    await ctx.db.deleteFrom('roles').where('id', '=', id).execute()
    return { removed: true as const }
  }
}
