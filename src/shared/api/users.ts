import { z } from 'zod'
import { emailSchema, nameSchema, passwordSchema, roleSchema } from './common'
import type { StaffUser } from './auth'
import { ADMIN, method, none } from './method'

export const usersMethods = {
  'users.list': method<StaffUser[]>()({ summary: 'All staff accounts', input: none, roles: ADMIN, writes: false }),
  'users.create': method<StaffUser>()({
    summary: 'Create a staff account',
    input: z.object({ name: nameSchema(120), email: emailSchema, role: roleSchema, password: passwordSchema }).strict(),
    roles: ADMIN,
    writes: true
  })
}
