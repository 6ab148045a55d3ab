import { Anchor, Badge, Button, Group, Modal, Stack, Text, TextInput, Tooltip } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconCircleCheck, IconMailCheck } from '@tabler/icons-react'
import { useState } from 'react'
import { ApiError, type Patient } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useCan } from '../../api/queries'
import { clinicClock } from '../../lib/clinic-time'
import { capitalise, showError } from '../../lib/errors'
import { formatInstant } from '../patients/format'

/**
 * Beside a patient's email: "verified", or a way to verify it — DocSpot mails a 6-digit code,
 * the patient reads it out, the desk types it in.
 */
export function EmailVerification({ patient: p }: { patient: Pick<Patient, 'id' | 'name' | 'email' | 'emailVerifiedAt' | 'archivedAt'> }) {
  const { settings } = useSession()
  const can = useCan()
  const [sent, setSent] = useState<{ sentTo: string; expiresAt: string } | null>(null)
  const [sending, setSending] = useState(false)
  const api = useApi()
  if (!p.email) return null
  if (p.emailVerifiedAt)
    return (
      <Tooltip label={`Verified on ${formatInstant(p.emailVerifiedAt, settings?.timeZone)}: the patient entered the code mailed to this address`}>
        <Badge color="teal" variant="light" size="sm" leftSection={<IconCircleCheck size={12} />} data-testid="email-verified">
          verified
        </Badge>
      </Tooltip>
    )
  const send = async () => {
    setSending(true)
    try {
      setSent(await api.call('patients.sendEmailCode', { patientId: p.id }))
    } catch (error) {
      showError(error, undefined, 'Code not sent')
    } finally {
      setSending(false)
    }
  }
  return (
    <>
      <Badge color="gray" variant="light" size="sm" data-testid="email-not-verified">
        not verified
      </Badge>
      {can('patients.sendEmailCode') && !p.archivedAt && (
        <Button size="compact-xs" variant="subtle" leftSection={<IconMailCheck size={14} />} loading={sending} onClick={() => void send()}>
          Send code
        </Button>
      )}
      <Modal opened={sent !== null} onClose={() => setSent(null)} title="Verify the email address">
        {sent && <CodeForm patient={p} sent={sent} onResend={send} resending={sending} onDone={() => setSent(null)} />}
      </Modal>
    </>
  )
}

function CodeForm({
  patient: p,
  sent,
  onResend,
  resending,
  onDone
}: {
  patient: Pick<Patient, 'id' | 'name'>
  sent: { sentTo: string; expiresAt: string }
  onResend(): Promise<void>
  resending: boolean
  onDone(): void
}) {
  const api = useApi()
  const { settings } = useSession()
  const [code, setCode] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event: React.FormEvent) => {
    event.preventDefault()
    const digits = code.replace(/\s+/g, '')
    if (!/^\d{6}$/.test(digits)) return setError('Type the 6 digits from the email')
    setBusy(true)
    try {
      await api.call('patients.verifyEmail', { patientId: p.id, code: digits })
      notifications.show({ color: 'teal', title: 'Email verified', message: `${sent.sentTo} belongs to ${p.name}` })
      onDone()
    } catch (e) {
      if (e instanceof ApiError && e.fields?.code) setError(`The code ${e.fields.code}`)
      else if (e instanceof ApiError && e.fields) setError(capitalise(Object.values(e.fields)[0] ?? e.message))
      else showError(e, undefined, 'Not verified')
    } finally {
      setBusy(false)
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack>
        <Text size="sm">
          DocSpot has emailed a 6-digit code to <b>{sent.sentTo}</b>. Ask {p.name} to read it out from the email. It works until {clinicClock(sent.expiresAt, settings?.timeZone ?? 'UTC')}.
        </Text>
        <TextInput
          label="Code from the email"
          data-autofocus
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          styles={{ input: { width: 180, letterSpacing: 4, fontSize: 20, fontFamily: 'monospace' } }}
          value={code}
          error={error}
          onChange={(e) => (setCode(e.currentTarget.value), setError(null))}
        />
        <Group justify="space-between">
          <Anchor component="button" type="button" size="sm" onClick={() => void onResend().then(() => (setCode(''), setError(null)))} disabled={resending}>
            Send a new code
          </Anchor>
          <Group>
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Verify
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  )
}
