import { Badge, Button, Group, Modal, Paper, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconUserPlus } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import type { Role, StaffUser } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { showError } from '../../lib/errors'

const ROLE_OPTIONS = [
  { value: 'receptionist', label: 'Receptionist' },
  { value: 'doctor', label: 'Doctor' },
  { value: 'admin', label: 'Admin' }
]

export function StaffAccounts() {
  const [opened, { open, close }] = useDisclosure(false)
  const staff = useApiQuery('users.list', {}, { shows: ['users'] })
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
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>{u.name}</Table.Td>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>{ROLE_OPTIONS.find((r) => r.value === u.role)?.label}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={u.active ? 'teal' : 'gray'}>
                      {u.active ? 'Active' : 'Deactivated'}
                    </Badge>
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
    </Paper>
  )
}

function NewStaffForm({ onCreated }: { onCreated: () => void }) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const form = useForm({
    initialValues: { name: '', email: '', role: 'receptionist' as Role, password: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter a name'),
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email address'),
      password: (v) => (v.length >= 12 ? null : 'Use at least 12 characters')
    }
  })
  const submit = form.onSubmit(async (values) => {
    setBusy(true)
    try {
      const user = await api.call('users.create', values)
      notifications.show({ color: 'teal', title: 'Account created', message: `${user.name} can now sign in as ${user.role}` })
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
      <Select label="Role" data={ROLE_OPTIONS} allowDeselect={false} {...form.getInputProps('role')} />
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
