import { Button, Group, Kbd, Paper, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { Link } from 'react-router'
import { IconCalendarTime, IconCash, IconUserPlus, IconUsers } from '@tabler/icons-react'
import { EmptyState } from '../../shell/EmptyState'

export function ReceptionHome() {
  return (
    <Stack>
      <div>
        <Title order={2}>Reception</Title>
        <Text c="dimmed">The front desk: patients, today's appointments, walk-ins and payments.</Text>
      </div>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Paper withBorder p="xl" radius="md">
          <Stack align="center" gap="xs" py="lg">
            <ThemeIcon size={48} radius="xl" variant="light" aria-hidden>
              <IconUsers size={26} />
            </ThemeIcon>
            <Title order={4}>Patients</Title>
            <Text c="dimmed" ta="center">
              Find anyone by name, phone, number or date of birth: press <Kbd>Ctrl</Kbd> + <Kbd>K</Kbd> or <Kbd>/</Kbd> from any screen.
            </Text>
            <Group mt="xs">
              <Button component={Link} to="/patients/new" leftSection={<IconUserPlus size={16} />}>
                Register patient
              </Button>
              <Button component={Link} to="/patients" variant="default">
                All patients
              </Button>
            </Group>
          </Stack>
        </Paper>
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
