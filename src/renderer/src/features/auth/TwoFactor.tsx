import { Alert, Button, Center, Code, Group, Image, List, Loader, Modal, PasswordInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import QRCode from 'qrcode'
import { useEffect, useState } from 'react'
import { ApiError, type TwoFactorSetup } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { saveFile } from '../../lib/files'
import { describeError } from '../admin/merge/errors'
import { ForcedStep } from './Account'

/**
 * Turning on two-factor sign-in: scan the QR code (or type the key) into an authenticator app,
 * confirm with the code it shows and your password, then keep the recovery codes.
 */
export function TwoFactorEnrol({ onDone }: { onDone: () => void }) {
  const api = useApi()
  const { signedIn, session } = useSession()
  const [setup, setSetup] = useState<(TwoFactorSetup & { qr: string }) | null>(null)
  const [code, setCode] = useState('')
  const [password, setPassword] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const [codes, setCodes] = useState<string[] | null>(null)

  useEffect(() => {
    let live = true
    api
      .call('auth.twoFactorSetup')
      .then(async (s) => live && setSetup({ ...s, qr: await QRCode.toDataURL(s.uri, { margin: 1, width: 200 }) }))
      .catch((error) => live && setErrors({ form: describeError(error) }))
    return () => {
      live = false
    }
  }, [api])

  const confirm = async () => {
    if (!setup) return
    setBusy(true)
    setErrors({})
    try {
      const { recoveryCodes } = await api.call('auth.twoFactorEnable', { secret: setup.secret, totpCode: code.replace(/\s/g, ''), password })
      setCodes(recoveryCodes)
    } catch (error) {
      setErrors(error instanceof ApiError && error.fields ? error.fields : { form: describeError(error) })
    } finally {
      setBusy(false)
    }
  }

  const finish = async () => {
    await signedIn(await api.call('auth.session'))
    notifications.show({ color: 'teal', title: 'Two-factor sign-in is on', message: 'Next time, DocSpot asks for the code your app shows.' })
    onDone()
  }

  if (codes) {
    return (
      <Stack aria-label="Recovery codes">
        <Alert color="teal" title="Two-factor sign-in is on">
          Keep these recovery codes somewhere safe, away from your phone. Each one signs you in once if the phone is lost.
        </Alert>
        <SimpleGrid cols={2} spacing="xs">
          {codes.map((c) => (
            <Code key={c} fz="md" ta="center" p="xs">
              {c}
            </Code>
          ))}
        </SimpleGrid>
        <Group justify="space-between">
          <Button variant="default" onClick={() => saveFile({ type: 'text/plain', bytes: new TextEncoder().encode(`DocSpot recovery codes for ${session?.user.email}\n\n${codes.join('\n')}\n`), name: 'docspot-recovery-codes.txt' })}>
            Save as a text file
          </Button>
          <Button onClick={() => void finish()}>I have kept them</Button>
        </Group>
      </Stack>
    )
  }

  return (
    <Stack component="form" aria-label="Set up two-factor sign-in" onSubmit={(e) => (e.preventDefault(), void confirm())}>
      <List type="ordered" size="sm" spacing={4}>
        <List.Item>Open an authenticator app on your phone (Google Authenticator, Microsoft Authenticator, 2FAS, …).</List.Item>
        <List.Item>Scan this code with it, or type the key below.</List.Item>
        <List.Item>Enter the 6-digit code the app now shows, and your password.</List.Item>
      </List>
      <Center>{setup ? <Image src={setup.qr} w={200} h={200} alt="QR code for your authenticator app" /> : <Loader aria-label="Preparing a key" />}</Center>
      {setup && (
        <Text size="sm" ta="center">
          Key: <Code data-testid="totp-key">{setup.secret.replace(/(.{4})/g, '$1 ').trim()}</Code>
        </Text>
      )}
      <SimpleGrid cols={2}>
        <TextInput
          label="Code from the app"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          required
          data-autofocus
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          error={errors.totpCode}
        />
        <PasswordInput label="Your password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errors.password} />
      </SimpleGrid>
      {errors.form && <Alert color="red">{errors.form}</Alert>}
      <Group justify="flex-end">
        <Button type="submit" loading={busy} disabled={!setup}>
          Turn on
        </Button>
      </Group>
    </Stack>
  )
}

/** The account menu's two-factor dialog: set it up, or see that it is on and turn it off. */
export function TwoFactorDialog({ onClose }: { onClose: () => void }) {
  const api = useApi()
  const { session, settings, signedIn } = useSession()
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const on = session?.user.twoFactor ?? false
  const required = settings?.twoFactorRequired === 'everyone' || (settings?.twoFactorRequired === 'admins' && session?.user.role === 'admin')
  const turnOff = async () => {
    setError(null)
    try {
      await api.call('auth.twoFactorDisable', { password })
      await signedIn(await api.call('auth.session'))
      notifications.show({ color: 'teal', title: 'Two-factor sign-in is off', message: 'Your password alone signs you in now.' })
      onClose()
    } catch (e) {
      setError(e instanceof ApiError && e.fields?.password ? e.fields.password : describeError(e))
    }
  }
  return (
    <Modal opened onClose={onClose} title="Two-factor sign-in" size="lg">
      {on ? (
        <Stack component="form" aria-label="Turn off two-factor sign-in" onSubmit={(e) => (e.preventDefault(), void turnOff())}>
          <Alert color="teal">Two-factor sign-in is on: signing in needs your password and the code your authenticator app shows.</Alert>
          {required ? (
            <Text size="sm" c="dimmed">
              The clinic requires it for your account. If your phone is lost, an admin can reset it (Admin → Staff accounts → Manage).
            </Text>
          ) : (
            <Group align="flex-end">
              <PasswordInput label="Your password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={error} style={{ flex: 1 }} />
              <Button type="submit" color="red" variant="light">
                Turn off
              </Button>
            </Group>
          )}
        </Stack>
      ) : (
        <TwoFactorEnrol onDone={onClose} />
      )}
    </Modal>
  )
}

/** Shown instead of the app when the clinic requires a second factor this user has not set up. */
export function ForcedTwoFactor() {
  const { session } = useSession()
  return (
    <ForcedStep
      title="Set up two-factor sign-in"
      width={520}
      explanation={`The clinic requires a second step at sign-in for ${session?.user.email}: a code from an app on your phone. It takes a minute.`}
    >
      <TwoFactorEnrol onDone={() => undefined} />
    </ForcedStep>
  )
}
