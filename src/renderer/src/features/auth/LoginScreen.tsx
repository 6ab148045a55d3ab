import { Alert, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core'
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
  // After a right password on an account with two-factor sign-in: the code step.
  const [second, setSecond] = useState<'totp' | 'recovery' | null>(null)
  const form = useForm({
    initialValues: { email: '', password: '', code: '' },
    validate: {
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter your email address'),
      password: (v) => (v ? null : 'Enter your password')
    }
  })

  const submit = form.onSubmit(async (values) => {
    setBusy(true)
    setFailure(null)
    try {
      const code = values.code.trim()
      const factor = second === 'totp' && code ? { totpCode: code.replace(/\s/g, '') } : second === 'recovery' && code ? { recoveryCode: code } : {}
      await signedIn(await api.call('auth.login', { email: values.email, password: values.password, ...factor }))
    } catch (error) {
      const fields = error instanceof ApiError ? error.fields : undefined
      if (fields?.totpCode && !second) {
        // The password was right; the account wants its code.
        setSecond('totp')
      } else if (fields?.totpCode || fields?.recoveryCode) {
        form.setFieldValue('code', '')
        form.setFieldError('code', fields.totpCode ? 'That code is not right, or was used already: enter the one the app shows now' : 'That is not one of your unused recovery codes')
      } else {
        if (error instanceof ApiError && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN')) setFailure(error.message)
        else showError(error, form.setErrors, 'Could not sign in')
        form.setFieldValue('password', '')
        form.setFieldValue('code', '')
        setSecond(null)
      }
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
          {second ? (
            <>
              <Text size="sm">
                {second === 'totp' ? 'Enter the 6-digit code your authenticator app shows for DocSpot.' : 'Enter one of the recovery codes you kept when you set up two-factor sign-in. Each works once.'}
              </Text>
              <TextInput
                key={second}
                label={second === 'totp' ? 'Authenticator code' : 'Recovery code'}
                inputMode={second === 'totp' ? 'numeric' : 'text'}
                autoComplete="one-time-code"
                autoFocus
                maxLength={second === 'totp' ? 7 : 9}
                {...form.getInputProps('code')}
              />
              <Button type="submit" loading={busy} fullWidth>
                Verify
              </Button>
              <Group justify="space-between">
                <Button variant="subtle" size="xs" onClick={() => (form.setFieldValue('code', ''), setSecond(second === 'totp' ? 'recovery' : 'totp'))}>
                  {second === 'totp' ? 'Use a recovery code instead' : 'Use the authenticator app'}
                </Button>
                <Button variant="subtle" size="xs" color="gray" onClick={() => (form.setValues({ password: '', code: '' }), setSecond(null))}>
                  Back
                </Button>
              </Group>
            </>
          ) : (
            <>
              <TextInput label="Email" type="email" autoComplete="username" data-autofocus autoFocus {...form.getInputProps('email')} />
              <PasswordInput label="Password" autoComplete="current-password" {...form.getInputProps('password')} />
              <Button type="submit" loading={busy} fullWidth>
                Sign in
              </Button>
            </>
          )}
        </Stack>
      </Paper>
    </Center>
  )
}
