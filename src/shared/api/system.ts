import { method, none } from './method'

export interface Health {
  status: 'ok'
  version: string
  schemaVersion: string
  time: string
}

export const systemMethods = {
  'system.health': method<Health>()({ summary: 'Is the core up; version and schema version', input: none, roles: 'public', writes: false })
}
