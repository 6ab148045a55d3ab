import { Button, Group, Kbd, Paper, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { Link } from 'react-router'
import { IconCalendarTime, IconCash, IconListNumbers, IconUserPlus, IconUsers } from '@tabler/icons-react'
import { useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { clinicToday } from '../../lib/clinic-time'
import { EmptyState } from '../../shell/EmptyState'
import { FailedMessagesAlert } from '../messages/failures'
import { AppointmentList, ListPanel } from '../schedule/AppointmentList'

/** Who is due today and who is waiting, with one click to check them in. */
function TodayAtTheDesk() {
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const today = clinicToday(tz)
  const day = useApiQuery('schedule.day', { date: today }, { shows: ['appointments', 'doctors'] })
  const list = (day.data?.appointments ?? []).filter((a) => a.status !== 'cancelled')
  const due = list.filter((a) => a.status === 'booked' || a.status === 'confirmed')
  const waiting = list.filter((a) => a.status === 'arrived')
  return (
    <Stack gap="sm" style={{ gridColumn: 'span 2' }}>
      <ListPanel
        title={`Booked and waiting (${waiting.length})`}
        empty="No booked patient is waiting."
        count={waiting.length}
        extra={
          <Button component={Link} to="/queue" size="xs" variant="light" leftSection={<IconListNumbers size={14} />}>
            Queues and walk-in tokens
          </Button>
        }
      >
        <AppointmentList label="Waiting" appointments={waiting} actions={{}} />
      </ListPanel>
      <ListPanel
        title={`Due today (${due.length})`}
        empty="No more appointments due today."
        count={due.length}
        extra={
          <Button component={Link} to="/calendar" size="xs" variant="light" leftSection={<IconCalendarTime size={14} />}>
            Open the calendar
          </Button>
        }
      >
        <AppointmentList label="Due today" appointments={due} actions={{ booked: { to: 'arrived', label: 'Arrived' }, confirmed: { to: 'arrived', label: 'Arrived' } }} />
      </ListPanel>
    </Stack>
  )
}

export function ReceptionHome() {
  return (
    <Stack>
      <div>
        <Title order={2}>Reception</Title>
        <Text c="dimmed">The front desk: patients, today's appointments, walk-ins and payments.</Text>
      </div>
      <FailedMessagesAlert />
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
        <TodayAtTheDesk />
      </SimpleGrid>
      <EmptyState icon={IconCash} title="Payments">
        Invoices, receipts and the day's cash report will appear here.
      </EmptyState>
    </Stack>
  )
}
