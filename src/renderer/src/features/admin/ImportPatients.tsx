import { Text } from '@mantine/core'

export function ImportPatients() {
  return <Text c="dimmed">Import is coming.</Text>
}
