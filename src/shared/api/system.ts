import { method, none } from './method'

/** How this DocSpot is reached: its own window, or a hub over the network. */
export interface Connection {
  kind: 'desktop' | 'hub'
  https: boolean
  /** The hub's certificate's SHA-256 fingerprint, for staff to compare with what the browser shows. */
  fingerprint: string | null
  /** A hub serving the LAN over plain HTTP because its admin said --insecure. */
  insecure: boolean
}

export interface Health {
  status: 'ok'
  version: string
  schemaVersion: string
  time: string
  connection: Connection
}

export const systemMethods = {
  'system.health': method<Health>()({ summary: 'Is the core up; version and schema version', input: none, roles: 'public', writes: false })
}
