import type { z } from 'zod'
import { auditMethods } from './audit'
import { authMethods } from './auth'
import { idSchema } from './common'
import { joinMethods, type Caller, type MethodSpec } from './method'
import { patientsMethods } from './patients'
import { scheduleMethods } from './schedule'
import { settingsMethods } from './settings'
import { systemMethods } from './system'
import { usersMethods } from './users'

/**
 * The API table: every operation DocSpot can do, its input schema, who may call it and
 * whether it writes. Each domain declares its methods in its own file; they are joined
 * here. Both transports (IPC, HTTP) and the OpenAPI document derive from it; the core
 * supplies exactly one handler per entry.
 */
export const api = joinMethods(systemMethods, authMethods, settingsMethods, usersMethods, patientsMethods, scheduleMethods, auditMethods)

export type Api = typeof api
export type MethodName = keyof Api
export type WriteMethodName = { [M in MethodName]: Api[M]['writes'] extends true ? M : never }[MethodName]
export type InputOf<M extends MethodName> = z.input<Api[M]['input']>
export type ParsedInputOf<M extends MethodName> = z.output<Api[M]['input']>
export type OutputOf<M extends MethodName> = Exclude<Api[M]['__output'], undefined>

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(api, name)
}

/** Whether someone with this role may call the method (the dispatcher enforces the same). */
export function allows(name: MethodName, caller: Caller | null): boolean {
  const roles = (api[name] as MethodSpec).roles
  return roles === 'public' || (caller !== null && roles.includes(caller))
}

export { idSchema }
export type { MethodSpec }
