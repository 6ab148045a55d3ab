import type { Migration } from 'kysely/migration'
import * as m0001 from './0001_foundation'
import * as m0002 from './0002_patients'

/** Every migration, in order. Imported statically: a packaged app cannot scan a folder. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_patients': m0002
}
