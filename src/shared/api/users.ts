import { z } from 'zod'
import { emailSchema, idSchema, nameSchema, passwordSchema, roleSchema } from './common'
import type { StaffUser } from './auth'
import { ADMIN, method, none } from './method'

const phone = z.string().trim().max(40, 'must be at most 40 characters')

export const usersMethods = {
  'users.list': method<StaffUser[]>()({ summary: 'All staff accounts', input: none, roles: ADMIN, writes: false }),
  'users.create': method<StaffUser>()({
    summary: 'Create a staff account',
    input: z.object({ name: nameSchema(120), email: emailSchema, role: roleSchema, customRoleId: idSchema.nullable().default(null), password: passwordSchema, phone: phone.default('') }).strict(),
    roles: ADMIN,
    writes: true
  }),
  'users.update': method<StaffUser>()({
    summary: 'Change a staff account’s name, email, phone or role',
    input: z
      .object({ id: idSchema, fields: z.object({ name: nameSchema(120), email: emailSchema, phone, role: roleSchema, customRoleId: idSchema.nullable() }).partial().strict() })
      .strict(),
    roles: ADMIN,
    writes: true
  }),
  'users.setActive': method<StaffUser>()({
    summary: 'Deactivate a staff account (its sessions end at once) or bring it back',
    input: z.object({ id: idSchema, active: z.boolean() }).strict(),
    roles: ADMIN,
    writes: true
  }),
  'users.resetTwoFactor': method<StaffUser>()({
    summary: "Remove someone's lost second factor, so they sign in with their password and enrol again",
    input: z.object({ id: idSchema }).strict(),
    roles: ADMIN,
    writes: true
  }),
  'users.resetPassword': method<StaffUser>()({
    summary: 'Set a temporary password that must be changed at the next sign-in',
    input: z.object({ id: idSchema, password: passwordSchema }).strict(),
    roles: ADMIN,
    writes: true
  })
}
