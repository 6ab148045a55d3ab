import { Paper, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core'
import { IconCheck } from '@tabler/icons-react'
import { api, ROLES, type MethodSpec } from '../../../../shared/api'

const ROLE_LABEL = { admin: 'Admin', receptionist: 'Receptionist', doctor: 'Doctor' } as const
const AREA: Record<string, string> = {
  system: 'System',
  setup: 'First run',
  auth: 'Signing in',
  settings: 'Clinic settings',
  users: 'Staff accounts',
  patients: 'Patients',
  doctors: 'Doctors',
  rooms: 'Rooms',
  appointmentTypes: 'Appointment types',
  availability: 'Hours and leave',
  schedule: 'Calendar',
  appointments: 'Appointments',
  audit: 'Journal'
}

/** Who can do what, in words: generated from the same API table the core enforces. */
export function Permissions() {
  const rows = Object.entries(api)
    .map(([name, raw]) => ({ name, spec: raw as MethodSpec, area: name.split('.')[0] }))
    // Background jobs' methods are the core's own; public ones need no role.
    .filter(({ spec }) => spec.roles !== 'public' && !spec.roles.every((r) => r === 'system'))
  const areas = [...new Set(rows.map((r) => r.area))]
  return (
    <Paper withBorder p="lg" maw={980}>
      <Stack>
        <div>
          <Title order={4}>Who can do what</Title>
          <Text size="sm" c="dimmed">
            Generated from the rules the DocSpot core enforces on every call, whichever PC it comes from; hiding a button is never the only check.
          </Text>
        </div>
        <Table aria-label="Who can do what" striped stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>What</Table.Th>
              {ROLES.map((r) => (
                <Table.Th key={r} ta="center" w={120}>
                  {ROLE_LABEL[r]}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {areas.flatMap((area) => [
              <Table.Tr key={area}>
                <Table.Td colSpan={ROLES.length + 1}>
                  <Text fw={700} size="sm">
                    {AREA[area] ?? area}
                  </Text>
                </Table.Td>
              </Table.Tr>,
              ...rows
                .filter((r) => r.area === area)
                .map(({ name, spec }) => (
                  <Table.Tr key={name}>
                    <Table.Td>
                      <Text size="sm">{spec.summary.replace(/\s*\(.*\)$/, '')}</Text>
                    </Table.Td>
                    {ROLES.map((role) => (
                      <Table.Td key={role} ta="center" aria-label={`${ROLE_LABEL[role]}: ${(spec.roles as readonly string[]).includes(role) ? 'allowed' : 'not allowed'}`}>
                        {(spec.roles as readonly string[]).includes(role) && (
                          <ThemeIcon size="sm" radius="xl" variant="light" color="teal" aria-hidden>
                            <IconCheck size={12} />
                          </ThemeIcon>
                        )}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))
            ])}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  )
}
