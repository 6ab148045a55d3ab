import { Alert, Badge, Button, Center, Group, Modal, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState, type ReactNode } from 'react'
import { ApiError } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { describeError } from '../admin/merge/errors'
import { formatInstant } from '../patients/format'

/** Change your own password; after an admin's reset, the only thing a user can do. */
export function ChangePasswordForm({ onDone }: { onDone?: () => void }) {
  const api = useApi()
  const { signedIn } = useSession()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const save = async () => {
    setBusy(true)
    setErrors({})
    try {
      await api.call('auth.changePassword', { currentPassword: current, newPassword: next })
      notifications.show({ color: 'teal', title: 'Password changed', message: 'Your other sessions were signed out.' })
      await signedIn(await api.call('auth.session'))
      onDone?.()
    } catch (error) {
      setErrors(error instanceof ApiError && error.fields ? error.fields : { form: describeError(error) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <Stack component="form" aria-label="Change password" onSubmit={(e) => (e.preventDefault(), void save())}>
      <PasswordInput label="Current password" required data-autofocus value={current} onChange={(e) => setCurrent(e.currentTarget.value)} error={errors.currentPassword} />
      <PasswordInput label="New password" description="At least 12 characters" required value={next} onChange={(e) => setNext(e.currentTarget.value)} error={errors.newPassword} />
      {errors.form && <Alert color="red">{errors.form}</Alert>}
      <Group justify="flex-end">
        <Button type="submit" loading={busy}>
          Change password
        </Button>
      </Group>
    </Stack>
  )
}

/** A step shown instead of the app until the user has done it, with a way to sign out instead. */
export function ForcedStep({ title, explanation, width, children }: { title: string; explanation: ReactNode; width: number; children: ReactNode }) {
  const { signOut } = useSession()
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" w={width}>
        <Stack>
          <Title order={3}>{title}</Title>
          <Text size="sm" c="dimmed">
            {explanation}
          </Text>
          {children}
          <Button variant="subtle" onClick={() => void signOut()}>
            Sign out instead
          </Button>
        </Stack>
      </Paper>
    </Center>
  )
}

/** Shown instead of the app after an admin reset this user's password. */
export function ForcedPasswordChange() {
  const { session } = useSession()
  return (
    <ForcedStep title="Choose a new password" width={420} explanation={`An admin reset the password of ${session?.user.email}. Choose your own before you continue.`}>
      <ChangePasswordForm />
    </ForcedStep>
  )
}

/** Your open sessions, with a way to sign out any other. */
export function SessionsDialog({ onClose }: { onClose: () => void }) {
  const api = useApi()
  const { settings } = useSession()
  const sessions = useApiQuery('auth.sessions', {}, { shows: ['*'] })
  return (
    <Modal opened onClose={onClose} title="Your sessions" size="lg">
      <Table aria-label="Your sessions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Signed in</Table.Th>
            <Table.Th>Last active</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(sessions.data ?? []).map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>{formatInstant(s.createdAt, settings?.timeZone)}</Table.Td>
              <Table.Td>{formatInstant(s.lastSeenAt, settings?.timeZone)}</Table.Td>
              <Table.Td ta="right">
                {s.current ? (
                  <Badge variant="light">This window</Badge>
                ) : (
                  <Button size="xs" variant="light" color="red" onClick={() => void api.call('auth.endSession', { id: s.id }).then(() => sessions.refetch(), (e) => notifications.show({ color: 'red', title: 'Not signed out', message: describeError(e) }))}>
                    Sign out
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  )
}

/**
 * Covers the whole window while its user is away. Everything underneath stays as it was (a
 * half-typed form included); the user's password opens it again.
 */
export function LockScreen() {
  const { session, unlock, signOut } = useSession()
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const twoFactor = session?.user.twoFactor ?? false
  const submit = async () => {
    setBusy(true)
    setProblem(null)
    try {
      await unlock(password, twoFactor ? code.replace(/\s/g, '') : undefined)
      setPassword('')
      setCode('')
    } catch (error) {
      setProblem(describeError(error))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened onClose={() => undefined} fullScreen withCloseButton={false} closeOnEscape={false} closeOnClickOutside={false} transitionProps={{ duration: 0 }} title={null}>
      <Center h="80vh">
        <Paper withBorder p="xl" w={380}>
          <Stack component="form" aria-label="Unlock the screen" onSubmit={(e) => (e.preventDefault(), void submit())}>
            <Title order={3}>Locked</Title>
            <Text size="sm" c="dimmed">
              {session?.user.name} ({session?.user.email}). Enter your password to carry on where you left off.
            </Text>
            <PasswordInput label="Password" data-autofocus required value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={twoFactor ? undefined : problem} />
            {twoFactor && <TextInput label="Authenticator code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} required value={code} onChange={(e) => setCode(e.currentTarget.value)} error={problem} />}
            <Button type="submit" loading={busy}>
              Unlock
            </Button>
            <Button variant="subtle" onClick={() => void signOut()}>
              Sign out instead
            </Button>
          </Stack>
        </Paper>
      </Center>
    </Modal>
  )
}
