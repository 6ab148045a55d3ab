import { Alert, Badge, Button, Checkbox, Group, Modal, Paper, ScrollArea, Select, SimpleGrid, Stack, Table, Text, TextInput, ThemeIcon, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconCheck, IconPlus } from '@tabler/icons-react'
import { useState } from 'react'
import { allows, api, ApiError, grantableMethods, ROLES, type CustomRole, type MethodName, type MethodSpec, type Role } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { describeError } from './merge/errors'

const ROLE_LABEL = { admin: 'Admin', receptionist: 'Receptionist', doctor: 'Doctor' } as const
const AREA: Record<string, string> = {
  system: 'System',
  setup: 'First run',
  auth: 'Signing in',
  settings: 'Clinic settings',
  users: 'Staff accounts',
  roles: "The clinic's own roles",
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
  const custom = useApiQuery('roles.list', {}, { shows: ['roles'] }).data ?? []
  const rows = Object.entries(api)
    .map(([name, raw]) => ({ name, spec: raw as MethodSpec, area: name.split('.')[0] }))
    // Background jobs' methods are the core's own; public ones need no role.
    .filter(({ spec }) => spec.roles !== 'public' && !spec.roles.every((r) => r === 'system'))
  const areas = [...new Set(rows.map((r) => r.area))]
  return (
    <Paper withBorder p="lg" maw={1180}>
      <Stack>
        <ClinicRoles roles={custom} />
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
              {custom.map((r) => (
                <Table.Th key={r.id} ta="center" w={120}>
                  {r.name}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {areas.flatMap((area) => [
              <Table.Tr key={area}>
                <Table.Td colSpan={ROLES.length + custom.length + 1}>
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
                    {custom.map((r) => {
                      const may = allows(name as MethodName, r.baseRole, { methods: r.methods })
                      return (
                        <Table.Td key={r.id} ta="center" aria-label={`${r.name}: ${may ? 'allowed' : 'not allowed'}`}>
                          {may && (
                            <ThemeIcon size="sm" radius="xl" variant="light" color="indigo" aria-hidden>
                              <IconCheck size={12} />
                            </ThemeIcon>
                          )}
                        </Table.Td>
                      )
                    })}
                  </Table.Tr>
                ))
            ])}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  )
}

const BASE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))

/** The clinic's own roles: listed, and made or changed from the same permissions as the built-in ones. */
function ClinicRoles({ roles }: { roles: CustomRole[] }) {
  const client = useApi()
  const [editing, setEditing] = useState<CustomRole | 'new' | null>(null)
  const remove = (role: CustomRole) =>
    client.call('roles.remove', { id: role.id }).then(
      () => notifications.show({ color: 'teal', title: 'Role removed', message: role.name }),
      (error) => notifications.show({ color: 'red', title: 'Not removed', message: describeError(error) })
    )
  return (
    <Stack gap="xs" aria-label="The clinic's own roles" component="section">
      <Group justify="space-between">
        <div>
          <Title order={5}>The clinic&apos;s own roles</Title>
          <Text size="sm" c="dimmed">
            A role such as &quot;Billing clerk&quot; or &quot;Senior doctor&quot;: it starts from a built-in role and may do exactly what you tick. Give it to someone under Staff accounts.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={16} />} variant="light" onClick={() => setEditing('new')}>
          New role
        </Button>
      </Group>
      {roles.length > 0 && (
        <Group gap="xs">
          {roles.map((r) => (
            <Group key={r.id} gap={4} wrap="nowrap">
              <Button size="xs" variant="default" onClick={() => setEditing(r)}>
                {r.name}
              </Button>
              <Badge variant="light" color="gray">
                {r.users} {r.users === 1 ? 'person' : 'people'}
              </Badge>
              {r.users === 0 && (
                <Button size="xs" variant="subtle" color="red" onClick={() => void remove(r)} aria-label={`Remove ${r.name}`}>
                  Remove
                </Button>
              )}
            </Group>
          ))}
        </Group>
      )}
      {editing && <RoleEditor role={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Stack>
  )
}

function RoleEditor({ role, onClose }: { role: CustomRole | null; onClose: () => void }) {
  const client = useApi()
  const grantable = grantableMethods()
  const byBase = (base: Role) => grantable.filter((m) => allows(m, base))
  const [name, setName] = useState(role?.name ?? '')
  const [base, setBase] = useState<Role>(role?.baseRole ?? 'receptionist')
  const [methods, setMethods] = useState<string[]>(role?.methods ?? byBase('receptionist'))
  const [errors, setErrors] = useState<Record<string, string>>({})
  const areas = [...new Set(grantable.map((m) => m.split('.')[0]))]
  const save = async () => {
    setErrors({})
    try {
      await client.call('roles.save', { ...(role ? { id: role.id } : {}), name, baseRole: base, methods })
      notifications.show({ color: 'teal', title: 'Role saved', message: name })
      onClose()
    } catch (error) {
      setErrors(error instanceof ApiError && error.fields ? error.fields : { form: describeError(error) })
    }
  }
  return (
    <Modal opened onClose={onClose} title={role ? `Role: ${role.name}` : 'New role'} size="xl">
      <Stack component="form" aria-label="Role" onSubmit={(e) => (e.preventDefault(), void save())}>
        <SimpleGrid cols={2}>
          <TextInput label="Name" required data-autofocus value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} placeholder="Billing clerk" />
          <Select
            label="Starts from"
            description="Decides their home screens; picking it again ticks what that role may do"
            data={BASE_OPTIONS}
            allowDeselect={false}
            value={base}
            onChange={(v) => {
              if (!v) return
              setBase(v as Role)
              setMethods(byBase(v as Role))
            }}
          />
        </SimpleGrid>
        <Text size="sm" c="dimmed">
          Everyone can also sign in, change their own password and second factor, and see the clinic settings.
        </Text>
        {errors.methods && <Alert color="red">{errors.methods}</Alert>}
        <ScrollArea.Autosize mah={420}>
          <Stack gap="sm">
            {areas.map((area) => (
              <Checkbox.Group key={area} label={AREA[area] ?? area} value={methods} onChange={setMethods}>
                <SimpleGrid cols={2} spacing={4} mt={4}>
                  {grantable
                    .filter((m) => m.split('.')[0] === area)
                    .map((m) => (
                      <Checkbox key={m} value={m} size="xs" label={(api[m] as MethodSpec).summary.replace(/\s*\(.*\)$/, '')} />
                    ))}
                </SimpleGrid>
              </Checkbox.Group>
            ))}
          </Stack>
        </ScrollArea.Autosize>
        {errors.form && <Alert color="red">{errors.form}</Alert>}
        <Group justify="space-between">
          <Text size="sm">{methods.length} of {grantable.length} allowed</Text>
          <Button type="submit">Save role</Button>
        </Group>
      </Stack>
    </Modal>
  )
}

