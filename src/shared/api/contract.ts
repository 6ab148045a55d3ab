import type { z } from 'zod'
import { auditMethods } from './audit'
import { authMethods } from './auth'
import { idSchema, ROLES } from './common'
import { joinMethods, type Caller, type MethodSpec } from './method'
import { patientsMethods } from './patients'
import { everyoneMay, rolesMethods } from './roles'
import { scheduleMethods } from './schedule'
import { frontDeskMethods } from './frontdesk'
import { messagingMethods } from './messaging'
import { clinicalMethods } from './clinical'
import { settingsMethods } from './settings'
import { systemMethods } from './system'
import { usersMethods } from './users'

/**
 * The API table: every operation DocSpot can do, its input schema, who may call it and
 * whether it writes. Each domain declares its methods in its own file; they are joined
 * here. Both transports (IPC, HTTP) and the OpenAPI document derive from it; the core
 * supplies exactly one handler per entry.
 */
export const api = joinMethods(systemMethods, authMethods, settingsMethods, usersMethods, rolesMethods, patientsMethods, scheduleMethods, frontDeskMethods, messagingMethods, clinicalMethods, auditMethods)

export type Api = typeof api
export type MethodName = keyof Api
export type WriteMethodName = { [M in MethodName]: Api[M]['writes'] extends true ? M : never }[MethodName]
export type InputOf<M extends MethodName> = z.input<Api[M]['input']>
export type ParsedInputOf<M extends MethodName> = z.output<Api[M]['input']>
export type OutputOf<M extends MethodName> = Exclude<Api[M]['__output'], undefined>

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(api, name)
}

/**
 * Whether someone with this role may call the method (the dispatcher enforces the same). With
 * one of the clinic's own roles, its method list decides, beyond what every role may do.
 */
export function allows(name: MethodName, caller: Caller | null, custom?: { methods: readonly string[] } | null): boolean {
  const spec = api[name] as MethodSpec
  if (spec.roles === 'public') return true
  if (caller === null) return false
  if (custom && caller !== 'system') return everyoneMay(name, spec, ROLES) || custom.methods.includes(name)
  return spec.roles.includes(caller)
}

/**
 * What one of the clinic's own roles can be given: whatever some built-in role may do, beyond
 * what every role may; but never changing staff accounts, roles or clinic settings, which stay
 * with full admins (a role that could would make itself admin).
 */
export function grantableMethods(): MethodName[] {
  return (Object.keys(api) as MethodName[]).filter((name) => {
    const spec = api[name] as MethodSpec
    const guarded = spec.writes && (name.startsWith('users.') || name.startsWith('roles.') || name === 'settings.update')
    return spec.roles !== 'public' && spec.roles.some((r) => r !== 'system') && !everyoneMay(name, spec, ROLES) && !guarded
  })
}

export { idSchema }
export type { MethodSpec }
