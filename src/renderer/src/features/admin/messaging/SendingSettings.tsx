import { Alert, Anchor, Badge, Button, CloseButton, Code, Grid, Group, Loader, NumberInput, Paper, PasswordInput, Select, SimpleGrid, Stack, Switch, Text, TextInput, ThemeIcon, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconCircleCheck, IconCircleX, IconSend, IconServer } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { ApiError, SMTP_SECURITY, type MessagingSettings } from '../../../../../shared/api'
import { useApi, useSession } from '../../../api/context'
import { useApiQuery } from '../../../api/queries'
import { showError } from '../../../lib/errors'
import { failureInWords } from '../../messages/format'
import { fieldErrorsFor, leadLabel, leadList } from './fields'

const SHOWS = ['messaging_settings']

/** How the clinic sends: which DocSpot sends, the mail server (and a test), SMS, and when reminders go. */
export function SendingSettings() {
  const query = useApiQuery('messaging.settings', {}, { shows: SHOWS })
  if (query.error)
    return (
      <Alert color="red" title="Could not load the messaging settings">
        {query.error.message}
      </Alert>
    )
  if (!query.data) return <Loader size="sm" aria-label="Loading the messaging settings" />
  const settings = query.data
  return (
    <Stack>
      <SenderStatus settings={settings} />
      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <EmailSettings settings={settings} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack>
            <ReminderTimes settings={settings} />
            <SmsSettings settings={settings} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

function SenderStatus({ settings }: { settings: MessagingSettings }) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const { sends, why } = settings.thisInstance
  const takeOver = async () => {
    setBusy(true)
    try {
      await api.call('messaging.saveSettings', { sendFromHere: true })
      notifications.show({ color: 'teal', title: 'This DocSpot sends now', message: 'The clinic’s messages go from this PC; the other one stops sending them.' })
    } catch (error) {
      showError(error)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label="Which DocSpot sends" data-testid="sender-status">
      <Group justify="space-between" wrap="nowrap" align="center">
        <Group wrap="nowrap" gap="sm" align="flex-start">
          <ThemeIcon variant="light" color={sends ? 'teal' : 'orange'} size={36} radius="xl" aria-hidden>
            {sends ? <IconServer size={20} /> : <IconAlertTriangle size={20} />}
          </ThemeIcon>
          <div>
            <Text fw={600}>{sends ? 'This DocSpot sends the clinic’s messages' : 'Another DocSpot sends the clinic’s messages'}</Text>
            <Text size="sm" c="dimmed">
              {why.replace(/\.$/, '')}. Only one PC sends, so no patient gets a message twice.
            </Text>
          </div>
        </Group>
        {!sends && (
          <Button variant="light" color="orange" loading={busy} onClick={() => void takeOver()} style={{ flexShrink: 0 }}>
            Send from here
          </Button>
        )}
      </Group>
    </Paper>
  )
}

type EmailValues = Omit<MessagingSettings['email'], 'passwordSet' | 'port'> & { port: number | string; password: string; removePassword: boolean }

const SECURITY_OPTIONS: Array<{ value: (typeof SMTP_SECURITY)[number]; label: string; port: number }> = [
  { value: 'starttls', label: 'STARTTLS (usually port 587)', port: 587 },
  { value: 'tls', label: 'TLS from the start (usually port 465)', port: 465 },
  { value: 'none', label: 'None — not encrypted (port 25, local servers only)', port: 25 }
]

const emailValues = (s: MessagingSettings): EmailValues => {
  const { passwordSet: _set, ...email } = s.email
  return { ...email, password: '', removePassword: false }
}

function EmailSettings({ settings }: { settings: MessagingSettings }) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const form = useForm<EmailValues>({
    initialValues: emailValues(settings),
    validate: {
      port: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535 ? null : 'Port must be a number from 1 to 65535')
    }
  })

  useEffect(() => {
    if (!form.isDirty()) {
      form.setValues(emailValues(settings))
      form.resetDirty(emailValues(settings))
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settings])

  const save = form.onSubmit(async ({ password, removePassword, port, ...values }) => {
    setBusy(true)
    try {
      const saved = await api.call('messaging.saveSettings', {
        email: { ...values, port: Number(port), ...(removePassword ? { password: '' } : password !== '' ? { password } : {}) }
      })
      form.setValues(emailValues(saved))
      form.resetDirty(emailValues(saved))
      notifications.show({ color: 'teal', title: 'Saved', message: values.enabled ? 'DocSpot sends the clinic’s email with these settings.' : 'Email settings saved. Sending email is off.' })
    } catch (error) {
      const fields = fieldErrorsFor(error, 'email')
      if (fields) form.setErrors(fields)
      else showError(error)
    } finally {
      setBusy(false)
    }
  })

  const changeSecurity = (value: string | null) => {
    const next = SECURITY_OPTIONS.find((o) => o.value === value)
    if (!next) return
    // A standard port follows the security chosen; a port the admin typed stays.
    if (SECURITY_OPTIONS.some((o) => o.port === form.values.port)) form.setFieldValue('port', next.port)
    form.setFieldValue('security', next.value)
  }

  const passwordHelp = form.values.removePassword ? (
    <>
      The saved password will be removed when you save.{' '}
      <Anchor component="button" type="button" size="xs" onClick={() => form.setFieldValue('removePassword', false)}>
        Keep it
      </Anchor>
    </>
  ) : settings.email.passwordSet ? (
    <>
      <Text span size="xs" fw={700} c="teal.8" data-testid="password-state">
        Set
      </Text>{' '}
      — empty keeps it.{' '}
      <Anchor component="button" type="button" size="xs" onClick={() => form.setValues({ removePassword: true, password: '' })}>
        Remove it
      </Anchor>
    </>
  ) : (
    <>
      <Text span size="xs" fw={700} data-testid="password-state">
        Not set
      </Text>{' '}
      — used without a password
    </>
  )

  return (
    <Paper withBorder p="lg" radius="md" component="form" onSubmit={save} aria-label="Email (SMTP)" noValidate>
      <Stack>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <Title order={4}>Email</Title>
            <Text size="sm" c="dimmed">
              The clinic’s mail server (SMTP): your email provider gives these details.
            </Text>
          </div>
          <Switch label="Send email" style={{ flexShrink: 0 }} {...form.getInputProps('enabled', { type: 'checkbox' })} />
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label="Mail server" placeholder="smtp.example.com" style={{ gridColumn: 'span 2' }} {...form.getInputProps('host')} />
          <NumberInput label="Port" min={1} max={65535} clampBehavior="none" allowDecimal={false} hideControls {...form.getInputProps('port')} />
        </SimpleGrid>
        <Select label="Security" allowDeselect={false} data={SECURITY_OPTIONS} value={form.values.security} onChange={changeSecurity} error={form.errors.security} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="User name" description="Often the sending address itself" autoComplete="off" {...form.getInputProps('user')} />
          <PasswordInput
            label="Password"
            description={passwordHelp}
            placeholder={settings.email.passwordSet && !form.values.removePassword ? '•••••••• (saved)' : ''}
            autoComplete="new-password"
            disabled={form.values.removePassword}
            {...form.getInputProps('password')}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="From name" description="What patients see as the sender" placeholder="Sunrise Family Clinic" {...form.getInputProps('fromName')} />
          <TextInput label="From address" description="The address messages come from" placeholder="appointments@clinic.example" {...form.getInputProps('fromAddress')} />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" disabled={!form.isDirty()} onClick={() => (form.setValues(emailValues(settings)), form.clearErrors())}>
            Discard changes
          </Button>
          <Button type="submit" loading={busy} disabled={!form.isDirty()}>
            Save email settings
          </Button>
        </Group>
        <TestEmail saved={settings} dirty={form.isDirty()} />
      </Stack>
    </Paper>
  )
}

/** Sends a test with the saved settings and shows the mail server's own answer. */
function TestEmail({ saved, dirty }: { saved: MessagingSettings; dirty: boolean }) {
  const api = useApi()
  const { session } = useSession()
  const [to, setTo] = useState(session?.user.email ?? '')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ accepted: boolean; response: string; to: string } | null>(null)
  const send = async () => {
    setBusy(true)
    setError(null)
    setResult(null)
    try {
      const answer = await api.call('messaging.testEmail', { to: to.trim() })
      setResult({ ...answer, to: to.trim() })
    } catch (e) {
      if (e instanceof ApiError && e.fields?.to) setError(`Address ${e.fields.to}`)
      else if (e instanceof ApiError && e.fields?.['email.host']) setError(`The mail server ${e.fields['email.host']}`)
      else showError(e, undefined, 'Test not sent')
    } finally {
      setBusy(false)
    }
  }
  const meaning = result && !result.accepted ? failureInWords(result.response) : null
  return (
    <Stack gap="xs" pt="md" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }} component="section" aria-label="Test email">
      <Title order={5}>Send a test email</Title>
      <Group align="flex-start" wrap="nowrap">
        <TextInput
          aria-label="Send a test email to"
          placeholder="someone@example.com"
          style={{ flex: 1 }}
          value={to}
          error={error}
          onChange={(e) => (setTo(e.currentTarget.value), setError(null))}
          onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), void send())}
        />
        <Button variant="light" leftSection={<IconSend size={16} />} loading={busy} disabled={dirty || !saved.email.host || !to.trim()} onClick={() => void send()}>
          Send a test email
        </Button>
      </Group>
      {(dirty || !saved.email.host) && (
        <Text size="xs" c="dimmed">
          {dirty ? 'Save your changes first: the test uses the saved settings.' : 'Save the mail server first.'}
        </Text>
      )}
      {result && (
        <Alert
          color={result.accepted ? 'teal' : 'red'}
          icon={result.accepted ? <IconCircleCheck size={20} /> : <IconCircleX size={20} />}
          title={result.accepted ? `The mail server accepted the test email to ${result.to}` : 'The mail server did not accept the test email'}
          data-testid="test-email-result"
          role="status"
        >
          <Stack gap={4}>
            {meaning && <Text size="sm">{meaning}</Text>}
            <Text size="sm">
              {result.accepted ? 'Its answer:' : 'Its words:'}{' '}
              <Code fz="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="server-answer">
                {result.response}
              </Code>
            </Text>
            {result.accepted && (
              <Text size="xs" c="dimmed">
                Accepted means the server took it to deliver; if it does not arrive, look in the spam folder.
              </Text>
            )}
          </Stack>
        </Alert>
      )}
    </Stack>
  )
}

type SmsValues = Omit<MessagingSettings['sms'], 'tokenSet'> & { token: string; removeToken: boolean }
const smsValues = (s: MessagingSettings): SmsValues => {
  const { tokenSet: _set, ...sms } = s.sms
  return { ...sms, token: '', removeToken: false }
}

function SmsSettings({ settings }: { settings: MessagingSettings }) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const form = useForm<SmsValues>({ initialValues: smsValues(settings) })

  useEffect(() => {
    if (!form.isDirty()) {
      form.setValues(smsValues(settings))
      form.resetDirty(smsValues(settings))
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settings])

  const save = form.onSubmit(async ({ token, removeToken, ...values }) => {
    setBusy(true)
    try {
      const saved = await api.call('messaging.saveSettings', { sms: { ...values, ...(removeToken ? { token: '' } : token !== '' ? { token } : {}) } })
      form.setValues(smsValues(saved))
      form.resetDirty(smsValues(saved))
      notifications.show({ color: 'teal', title: 'Saved', message: values.enabled ? 'DocSpot sends SMS with these settings.' : 'SMS settings saved. Sending SMS is off.' })
    } catch (error) {
      const fields = fieldErrorsFor(error, 'sms')
      if (fields) form.setErrors(fields)
      else showError(error)
    } finally {
      setBusy(false)
    }
  })

  const tokenHelp = form.values.removeToken ? (
    <>
      The saved token will be removed when you save.{' '}
      <Anchor component="button" type="button" size="xs" onClick={() => form.setFieldValue('removeToken', false)}>
        Keep it
      </Anchor>
    </>
  ) : settings.sms.tokenSet ? (
    <>
      <Text span size="xs" fw={700} c="teal.8">
        Set
      </Text>{' '}
      — empty keeps it.{' '}
      <Anchor component="button" type="button" size="xs" onClick={() => form.setValues({ removeToken: true, token: '' })}>
        Remove it
      </Anchor>
    </>
  ) : (
    <Text span size="xs" fw={700}>
      Not set
    </Text>
  )

  return (
    <Paper withBorder p="lg" radius="md" component="form" onSubmit={save} aria-label="SMS" noValidate>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <Title order={4}>SMS</Title>
            <Text size="sm" c="dimmed">
              A Twilio-compatible SMS provider.
            </Text>
          </div>
          <Switch label="Send SMS" style={{ flexShrink: 0 }} {...form.getInputProps('enabled', { type: 'checkbox' })} />
        </Group>
        <TextInput label="Provider address" placeholder="https://api.twilio.com" {...form.getInputProps('baseUrl')} />
        <SimpleGrid cols={2}>
          <TextInput label="Account SID" description="From the provider’s console" autoComplete="off" {...form.getInputProps('accountSid')} />
          <PasswordInput
            label="Auth token"
            description={tokenHelp}
            placeholder={settings.sms.tokenSet && !form.values.removeToken ? '•••••••• (saved)' : ''}
            autoComplete="new-password"
            disabled={form.values.removeToken}
            {...form.getInputProps('token')}
          />
        </SimpleGrid>
        <TextInput label="From number" description="International form, e.g. +14155550100" {...form.getInputProps('fromNumber')} />
        <Group justify="flex-end">
          <Button variant="default" disabled={!form.isDirty()} onClick={() => (form.setValues(smsValues(settings)), form.clearErrors())}>
            Discard
          </Button>
          <Button type="submit" loading={busy} disabled={!form.isDirty()}>
            Save SMS settings
          </Button>
        </Group>
      </Stack>
    </Paper>
  )
}

const MAX_REMINDERS = 5
const UNITS = [
  { value: '1', label: 'minutes' },
  { value: '60', label: 'hours' },
  { value: '1440', label: 'days' }
]

/** When reminders go before an appointment: each lead time a chip; added or removed at once. */
function ReminderTimes({ settings }: { settings: MessagingSettings }) {
  const api = useApi()
  const [amount, setAmount] = useState<number | string>('')
  const [unit, setUnit] = useState('60')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const leads = settings.reminderLeadMinutes

  const save = async (next: number[], done?: () => void) => {
    setBusy(true)
    setError(null)
    try {
      await api.call('messaging.saveSettings', { reminderLeadMinutes: next })
      done?.()
    } catch (e) {
      const fields = fieldErrorsFor(e, 'reminderLeadMinutes')
      if (fields) setError(`Reminder time ${Object.values(fields)[0]!.replace(/^./, (c) => c.toLowerCase())}`)
      else showError(e)
    } finally {
      setBusy(false)
    }
  }

  const add = () => {
    const minutes = typeof amount === 'number' ? Math.round(amount * Number(unit)) : NaN
    if (!Number.isFinite(minutes) || minutes <= 0) return setError('Type how long before the appointment')
    if (leads.includes(minutes)) return setError(`There is already a reminder ${leadLabel(minutes)} before`)
    void save([...leads, minutes], () => setAmount(''))
  }

  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-label="Reminder times">
      <Stack gap="sm">
        <div>
          <Title order={4}>Reminders</Title>
          <Text size="sm" c="dimmed">
            {leads.length === 0 ? 'No reminders are sent.' : `Patients get a reminder ${leadList(leads)} before each appointment.`} Changes apply to appointments booked from now on.
          </Text>
        </div>
        <Group gap="xs" data-testid="reminder-times" mih={28}>
          {leads.map((minutes) => (
            <Badge
              key={minutes}
              size="xl"
              variant="light"
              tt="none"
              fw={500}
              pr={4}
              rightSection={
                <CloseButton size="sm" radius="xl" disabled={busy} onClick={() => void save(leads.filter((m) => m !== minutes))} aria-label={`Remove the reminder ${leadLabel(minutes)} before`} />
              }
            >
              {leadLabel(minutes)} before
            </Badge>
          ))}
        </Group>
        {leads.length < MAX_REMINDERS ? (
          <Group align="flex-start" gap="xs" wrap="nowrap">
            <NumberInput
              aria-label="Reminder time before the appointment"
              placeholder="e.g. 3"
              min={1}
              allowDecimal={false}
              w={110}
              value={amount}
              error={error}
              onChange={(v) => (setAmount(v), setError(null))}
              onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), add())}
            />
            <Select aria-label="Unit" data={UNITS} value={unit} onChange={(v) => v && setUnit(v)} allowDeselect={false} w={120} />
            <Button variant="light" onClick={add} loading={busy}>
              Add reminder
            </Button>
          </Group>
        ) : (
          <Text size="xs" c="dimmed">
            At most {MAX_REMINDERS} reminders: remove one to add another.
          </Text>
        )}
      </Stack>
    </Paper>
  )
}
