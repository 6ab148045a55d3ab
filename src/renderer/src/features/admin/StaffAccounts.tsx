import { Alert, Badge, Button, Divider, Group, Modal, Paper, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconUserPlus } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { ApiError, type Role, type StaffUser } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { showError } from '../../lib/errors'
import { describeError } from './merge/errors'

const ROLE_OPTIONS = [
  { value: 'receptionist', label: 'Receptionist' },
  { value: 'doctor', label: 'Doctor' },
  { value: 'admin', label: 'Admin' }
]

/** The built-in roles, then the clinic's own ("custom:<id>"). */
function useRoleOptions() {
  const roles = useApiQuery('roles.list', {}, { shows: ['roles'] })
  return [
    { group: 'Built-in', items: ROLE_OPTIONS },
    ...(roles.data?.length ? [{ group: "The clinic's own", items: roles.data.map((r) => ({ value: `custom:${r.id}`, label: r.name })) }] : [])
  ]
}

/** A picked role as the API takes it. */
const roleFields = (value: string) => (value.startsWith('custom:') ? { customRoleId: value.slice(7) } : { role: value as Role, customRoleId: null })
const roleValue = (user: Pick<StaffUser, 'role' | 'customRole'>) => (user.customRole ? `custom:${user.customRole.id}` : user.role)

export function StaffAccounts() {
  const [opened, { open, close }] = useDisclosure(false)
  const [editing, setEditing] = useState<StaffUser | null>(null)
  const staff = useApiQuery('users.list', {}, { shows: ['users', 'roles'] })
  const users: StaffUser[] | null = staff.data ?? null
  useEffect(() => void (staff.error && showError(staff.error, undefined, 'Could not load staff')), [staff.error])

  return (
    <Paper withBorder p="lg" maw={820}>
      <Stack>
        <Group justify="space-between">
          <Title order={4}>Staff accounts</Title>
          <Button leftSection={<IconUserPlus size={16} />} onClick={open}>
            Add staff account
          </Button>
        </Group>
        {users === null ? (
          <Text c="dimmed">Loading…</Text>
        ) : (
          <Table striped highlightOnHover aria-label="Staff accounts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>{u.name}</Table.Td>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>{u.customRole?.name ?? ROLE_OPTIONS.find((r) => r.value === u.role)?.label}</Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      <Badge variant="light" color={u.active ? 'teal' : 'gray'}>
                        {u.active ? (u.mustChangePassword ? 'Password reset' : 'Active') : 'Deactivated'}
                      </Badge>
                      {u.twoFactor && (
                        <Badge variant="outline" color="indigo" title="Signs in with an authenticator code as well">
                          Two-factor
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="default" onClick={() => setEditing(u)}>
                      Manage
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <Modal opened={opened} onClose={close} title="Add staff account">
        <NewStaffForm onCreated={close} />
      </Modal>
      {editing && <ManageStaff user={(users ?? []).find((u) => u.id === editing.id) ?? editing} onClose={() => setEditing(null)} />}
    </Paper>
  )
}

function NewStaffForm({ onCreated }: { onCreated: () => void }) {
  const api = useApi()
  const roleOptions = useRoleOptions()
  const [busy, setBusy] = useState(false)
  const form = useForm({
    initialValues: { name: '', email: '', role: 'receptionist', password: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter a name'),
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email address'),
      password: (v) => (v.length >= 12 ? null : 'Use at least 12 characters')
    }
  })
  const submit = form.onSubmit(async (values) => {
    setBusy(true)
    try {
      const picked = roleFields(values.role)
      const user = await api.call('users.create', { ...values, role: 'role' in picked ? picked.role! : 'receptionist', customRoleId: picked.customRoleId })
      notifications.show({ color: 'teal', title: 'Account created', message: `${user.name} can now sign in as ${user.customRole?.name ?? user.role}` })
      onCreated()
    } catch (error) {
      showError(error, form.setErrors)
    } finally {
      setBusy(false)
    }
  })
  return (
    <form onSubmit={submit} aria-label="New staff account">
      <Stack>
      <TextInput label="Name" withAsterisk data-autofocus {...form.getInputProps('name')} />
      <TextInput label="Email" type="email" withAsterisk {...form.getInputProps('email')} />
      <Select label="Role" data={roleOptions} allowDeselect={false} {...form.getInputProps('role')} />
      <PasswordInput label="First password" description="At least 12 characters; they can change it later" withAsterisk {...form.getInputProps('password')} />
      <Group justify="flex-end">
        <Button type="submit" loading={busy}>
          Create account
        </Button>
      </Group>
      </Stack>
    </form>
  )
}

/** Change a staff member's details and role, reset their password, or deactivate them. */
function ManageStaff({ user, onClose }: { user: StaffUser; onClose: () => void }) {
  const api = useApi()
  const roleOptions = useRoleOptions()
  const [fields, setFields] = useState({ name: user.name, email: user.email, phone: user.phone, role: roleValue(user) })
  const [password, setPassword] = useState('')
  const [problem, setProblem] = useState<{ message: string; fields?: Record<string, string> } | null>(null)
  const run = async (work: () => Promise<unknown>, done: string) => {
    setProblem(null)
    try {
      await work()
      notifications.show({ color: 'teal', title: done, message: user.name })
      return true
    } catch (error) {
      setProblem({ message: describeError(error), fields: error instanceof ApiError ? error.fields : undefined })
      return false
    }
  }
  return (
    <Modal opened onClose={onClose} title={`Manage ${user.name}`}>
      <Stack>
        <TextInput label="Name" value={fields.name} onChange={(e) => setFields({ ...fields, name: e.currentTarget.value })} error={problem?.fields?.['fields.name']} />
        <TextInput label="Email" value={fields.email} onChange={(e) => setFields({ ...fields, email: e.currentTarget.value })} error={problem?.fields?.['fields.email']} />
        <TextInput label="Phone" value={fields.phone} onChange={(e) => setFields({ ...fields, phone: e.currentTarget.value })} error={problem?.fields?.['fields.phone']} />
        <Select label="Role" data={roleOptions} allowDeselect={false} value={fields.role} onChange={(v) => v && setFields({ ...fields, role: v })} error={problem?.fields?.['fields.customRoleId']} />
        <Group justify="flex-end">
          <Button
            onClick={() =>
              void run(() => {
                const { role, ...rest } = fields
                const roleChanged = role !== roleValue(user)
                return api.call('users.update', { id: user.id, fields: { ...rest, ...(roleChanged ? roleFields(role) : {}) } })
              }, 'Saved').then((ok) => ok && onClose())
            }
          >
            Save
          </Button>
        </Group>
        <Divider label="Password" labelPosition="left" />
        <Group align="flex-end">
          <PasswordInput label="Temporary password" description="They must change it when they next sign in" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={problem?.fields?.password} style={{ flex: 1 }} />
          <Button variant="light" disabled={password.length === 0} onClick={() => void run(() => api.call('users.resetPassword', { id: user.id, password }), 'Password reset').then((ok) => ok && setPassword(''))}>
            Reset password
          </Button>
        </Group>
        <Divider label="Two-factor sign-in" labelPosition="left" />
        <Group justify="space-between">
          <Text size="sm" c="dimmed" style={{ flex: 1 }}>
            {user.twoFactor ? 'On. If their phone is lost, reset it: they sign in with the password alone, then set it up again. The journal records the reset.' : 'Not set up.'}
          </Text>
          {user.twoFactor && (
            <Button variant="light" color="orange" onClick={() => void run(() => api.call('users.resetTwoFactor', { id: user.id }), 'Two-factor sign-in reset')}>
              Reset two-factor
            </Button>
          )}
        </Group>
        <Divider label="Access" labelPosition="left" />
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {user.active ? 'Deactivating signs them out everywhere at once. Their history stays.' : 'This account cannot sign in.'}
          </Text>
          <Button color={user.active ? 'red' : 'teal'} variant="light" onClick={() => void run(() => api.call('users.setActive', { id: user.id, active: !user.active }), user.active ? 'Deactivated' : 'Reactivated')}>
            {user.active ? 'Deactivate' : 'Reactivate'}
          </Button>
        </Group>
        {problem && !problem.fields && (
          <Alert color="red" role="alert">
            {problem.message}
          </Alert>
        )}
      </Stack>
    </Modal>
  )
}
