import { Badge, Button, Group, Paper, Stack, Table, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { Link } from 'react-router'
import type { Appointment, AppointmentStatus } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { clinicClock, clinicDate, dayLabel } from '../../lib/clinic-time'
import { describeError } from '../admin/merge/errors'
import { MODE_LABEL, STATUS_COLOUR, STATUS_LABEL } from '../calendar/status'

/** A list of appointments in time order, each with the one next step that fits who is looking. */
export function AppointmentList({
  appointments,
  actions,
  showDate = false,
  showDoctor = true,
  label,
  highlight
}: {
  appointments: Appointment[]
  actions: Partial<Record<AppointmentStatus, { to: 'confirmed' | 'arrived' | 'in_consultation' | 'completed' | 'no_show'; label: string }>>
  showDate?: boolean
  showDoctor?: boolean
  label: string
  highlight?: string | null
}) {
  const api = useApi()
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const act = (a: Appointment, to: 'confirmed' | 'arrived' | 'in_consultation' | 'completed' | 'no_show') =>
    api.call('appointments.setStatus', { id: a.id, status: to }).then(
      (next) => notifications.show({ color: 'teal', title: STATUS_LABEL[next.status], message: `${next.patient.name}, ${clinicClock(next.start, tz)}` }),
      (error) => notifications.show({ color: 'red', title: 'Not changed', message: describeError(error) })
    )
  return (
    <Table aria-label={label} verticalSpacing="xs" highlightOnHover>
      <Table.Tbody>
        {appointments.map((a) => {
          const action = actions[a.status]
          return (
            <Table.Tr key={a.id} data-testid="appointment-row" bg={highlight === a.id ? 'var(--mantine-color-teal-light)' : undefined}>
              <Table.Td w={showDate ? 150 : 70}>
                <Text size="sm" fw={600} ff="monospace">
                  {showDate ? `${dayLabel(clinicDate(a.start, tz))} ` : ''}
                  {clinicClock(a.start, tz)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" component={Link} to={`/patients/${a.patient.id}`} fw={500} c="inherit">
                  {a.patient.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {a.patient.number} · {a.typeName}
                  {showDoctor ? ` · ${a.doctorName}` : ''}
                  {a.mode !== 'in_person' ? ` · ${MODE_LABEL[a.mode]}` : ''}
                  {a.reason ? ` · ${a.reason}` : ''}
                </Text>
              </Table.Td>
              <Table.Td w={140}>
                <Badge color={STATUS_COLOUR[a.status]} variant="light">
                  {STATUS_LABEL[a.status]}
                </Badge>
              </Table.Td>
              <Table.Td w={170} ta="right">
                {action && (
                  <Button size="xs" variant="light" onClick={() => void act(a, action.to)}>
                    {action.label}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          )
        })}
      </Table.Tbody>
    </Table>
  )
}

export function ListPanel({ title, empty, children, count, extra }: { title: string; empty: string; children: React.ReactNode; count: number; extra?: React.ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>{title}</Text>
        {extra}
      </Group>
      {count === 0 ? (
        <Text c="dimmed" size="sm">
          {empty}
        </Text>
      ) : (
        <Stack gap={0}>{children}</Stack>
      )}
    </Paper>
  )
}
