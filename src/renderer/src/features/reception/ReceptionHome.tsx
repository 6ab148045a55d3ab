import { SimpleGrid, Stack, Title, Text } from '@mantine/core'
import { IconCalendarTime, IconCash, IconUsers } from '@tabler/icons-react'
import { EmptyState } from '../../shell/EmptyState'

export function ReceptionHome() {
  return (
    <Stack>
      <div>
        <Title order={2}>Reception</Title>
        <Text c="dimmed">The front desk: patients, today's appointments, walk-ins and payments.</Text>
      </div>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <EmptyState icon={IconUsers} title="Patients">
          Patient search, registration and profiles will appear here.
        </EmptyState>
        <EmptyState icon={IconCalendarTime} title="Today's appointments">
          A column per doctor with free slots, bookings and walk-in tokens will appear here once doctors' schedules are set up.
        </EmptyState>
        <EmptyState icon={IconCash} title="Payments">
          Invoices, receipts and the day's cash report will appear here.
        </EmptyState>
      </SimpleGrid>
    </Stack>
  )
}
