import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useState } from 'react'
import { ApiError } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { showError } from '../../lib/errors'
import { Logo } from '../../shell/Logo'

export function LoginScreen({ clinicName }: { clinicName: string | null }) {
  const api = useApi()
  const { signedIn, signOutReason } = useSession()
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter your email address'),
      password: (v) => (v ? null : 'Enter your password')
    }
  })

  const submit = form.onSubmit(async (values) => {
    setBusy(true)
    setFailure(null)
    try {
      await signedIn(await api.call('auth.login', values))
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN')) setFailure(error.message)
      else showError(error, form.setErrors, 'Could not sign in')
      form.setFieldValue('password', '')
    } finally {
      setBusy(false)
    }
  })

  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-body)">
      <Paper withBorder shadow="sm" p="xl" w={400} component="form" onSubmit={submit} aria-label="Sign in">
        <Stack>
          <Logo />
          <div>
            <Title order={2}>Sign in</Title>
            <Text c="dimmed" size="sm">
              {clinicName ?? 'DocSpot'}
            </Text>
          </div>
          {signOutReason && (
            <Alert color="blue" variant="light">
              {signOutReason}
            </Alert>
          )}
          {failure && (
            <Alert color="red" variant="light" role="alert">
              {failure}
            </Alert>
          )}
          <TextInput label="Email" type="email" autoComplete="username" data-autofocus autoFocus {...form.getInputProps('email')} />
          <PasswordInput label="Password" autoComplete="current-password" {...form.getInputProps('password')} />
          <Button type="submit" loading={busy} fullWidth>
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Center>
  )
}
