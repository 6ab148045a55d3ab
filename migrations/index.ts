import type { Migration } from 'kysely/migration'
import * as m0001 from './0001_foundation'
import * as m0002 from './0002_patients'
import * as m0003 from './0003_journal'
import * as m0004 from './0004_scheduling'
import * as m0005 from './0005_staff'
import * as m0006 from './0006_cell_hours'
import * as m0007 from './0007_two_factor'
import * as m0008 from './0008_custom_roles'
import * as m0009 from './0009_patient_list'
import * as m0010 from './0010_estimated_dob'
import * as m0011 from './0011_previous_number'
import * as m0012 from './0012_front_desk'
import * as m0013 from './0013_messaging'
import * as m0014 from './0014_clinical'

/** Every migration, in order. Imported statically: a packaged app cannot scan a folder. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_patients': m0002,
  '0003_journal': m0003,
  '0004_scheduling': m0004,
  '0005_staff': m0005,
  '0006_cell_hours': m0006,
  '0007_two_factor': m0007,
  '0008_custom_roles': m0008,
  '0009_patient_list': m0009,
  '0010_estimated_dob': m0010,
  '0011_previous_number': m0011,
  '0012_front_desk': m0012,
  '0013_messaging': m0013,
  '0014_clinical': m0014
}
