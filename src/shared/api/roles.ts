import { z } from 'zod'
import { idSchema, nameSchema, roleSchema, type Role } from './common'
import { ADMIN, method, type MethodSpec } from './method'

/**
 * A clinic's own role ("Billing clerk", "Senior doctor"): a built-in role it starts from (which
 * decides the home screens and what the person is, such as a doctor with a schedule) and the
 * exact list of API methods it may call. The dispatcher checks the list on every call, as it
 * checks the built-in roles.
 */
export interface CustomRole {
  id: string
  name: string
  baseRole: Role
  methods: string[]
  /** Active staff accounts that have it. */
  users: number
}

export const rolesMethods = {
  'roles.list': method<CustomRole[]>()({ summary: "The clinic's own roles", input: z.object({}).strict(), roles: ADMIN, writes: false }),
  'roles.save': method<CustomRole>()({
    summary: 'Create or change one of the clinic’s own roles: its name, the role it starts from, and what it may do',
    input: z
      .object({
        id: idSchema.optional(),
        name: nameSchema(60),
        baseRole: roleSchema,
        methods: z.array(z.string().max(80)).max(500)
      })
      .strict(),
    roles: ADMIN,
    writes: true
  }),
  'roles.remove': method<{ removed: true }>()({
    summary: 'Remove one of the clinic’s own roles that nobody has',
    input: z.object({ id: idSchema }).strict(),
    roles: ADMIN,
    writes: true
  })
}

/** The areas of a person's own account and the clinic's settings: what every role may do there, every custom role may too. */
const BASICS = ['auth', 'settings', 'system']

/** A basic every signed-in person needs (their own session, password, second factor, the clinic's settings): every custom role has it. */
export function everyoneMay(name: string, spec: MethodSpec, roles: readonly Role[]): boolean {
  return BASICS.includes(name.split('.')[0]) && spec.roles !== 'public' && roles.every((r) => (spec.roles as readonly string[]).includes(r))
}
