/**
 * Every table that points at a patient. A merge moves these rows to the surviving record
 * and an unmerge moves the same rows back. Appointments, visits, records and bills add
 * themselves here as they arrive.
 */
export interface PatientReference {
  table: string
  idColumn: string
  patientColumn: string
}

export const PATIENT_REFERENCES: PatientReference[] = [{ table: 'appointments', idColumn: 'id', patientColumn: 'patient_id' }]
