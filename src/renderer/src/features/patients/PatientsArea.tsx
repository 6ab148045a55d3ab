import { Text } from '@mantine/core'

/** Routes under /patients: list and search, /patients/new, /patients/:id. */
export function PatientsArea() {
  return <Text c="dimmed">Patients are coming.</Text>
}
