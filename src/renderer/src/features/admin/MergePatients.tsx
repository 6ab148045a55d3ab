import { Text } from '@mantine/core'

export function MergePatients() {
  return <Text c="dimmed">Merging is coming.</Text>
}
