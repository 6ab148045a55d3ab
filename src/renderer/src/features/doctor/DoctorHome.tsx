import { SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { IconClipboardList, IconListNumbers } from '@tabler/icons-react'
import { EmptyState } from '../../shell/EmptyState'

export function DoctorHome() {
  return (
    <Stack>
      <div>
        <Title order={2}>Doctor</Title>
        <Text c="dimmed">The consulting room: today's list, the queue and patient charts.</Text>
      </div>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <EmptyState icon={IconListNumbers} title="Today's queue">
          Your appointments and walk-ins, in order, with a button to call the next patient, will appear here.
        </EmptyState>
        <EmptyState icon={IconClipboardList} title="Charts, notes and prescriptions">
          Open a patient to see visits, notes, prescriptions and reports, and to write today's.
        </EmptyState>
      </SimpleGrid>
    </Stack>
  )
}
