import { Alert, Anchor, Badge, Button, Code, Group, Loader, Paper, SegmentedControl, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconMail, IconMailForward, IconMessage2 } from '@tabler/icons-react'
import { useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { MESSAGE_KIND_LABEL, type InputOf, type OutboxMessage } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery, useCan } from '../../api/queries'
import { addDays, clinicToday } from '../../lib/clinic-time'
import { showError } from '../../lib/errors'
import { EmptyState } from '../../shell/EmptyState'
import { clinicWhen, deliveryState, failureInWords, STATE_COLOR, STATE_LABEL, type DeliveryState } from './format'

type Show = 'upcoming' | 'today' | 'failed' | 'all'
const SHOWS: Array<{ value: Show; label: string }> = [
  { value: 'upcoming', label: 'Upcoming' },
  { value: 'today', label: 'Today' },
  { value: 'failed', label: 'Failed' },
  { value: 'all', label: 'All' }
]
const ALL_DAYS_BACK = 30

function listInput(show: Show, today: string): InputOf<'outbox.list'> {
  if (show === 'today') return { from: today, to: today }
  if (show === 'failed') return { status: 'failed' }
  if (show === 'all') return { from: addDays(today, -ALL_DAYS_BACK) }
  return { from: today }
}

const SHOW_HINT: Record<Show, string> = {
  upcoming: 'Due today and later: confirmations go within seconds of a booking, reminders at their time.',
  today: 'Everything due today.',
  failed: 'Every message that failed and has not been sent again, whatever its date.',
  all: `Everything from ${ALL_DAYS_BACK} days ago on.`
}

/** The desk's view of what patients are sent: due, sent, retrying, failed or skipped, and why; failed ones sent again in one click. */
export function MessagesPage() {
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const today = clinicToday(tz)
  const [params, setParams] = useSearchParams()
  const show = (SHOWS.some((s) => s.value === params.get('show')) ? params.get('show') : 'upcoming') as Show
  const list = useApiQuery('outbox.list', listInput(show, today), { shows: ['outbox', 'patients'] })
  // When the list was read: a pending message due by then is going out now.
  const now = new Date(list.dataUpdatedAt || 0).toISOString()
  const rows = list.data ?? []
  const counts = rows.reduce<Partial<Record<DeliveryState, number>>>((acc, m) => ({ ...acc, [deliveryState(m)]: (acc[deliveryState(m)] ?? 0) + 1 }), {})

  return (
    <Stack>
      <div>
        <Title order={2}>Messages</Title>
        <Text c="dimmed">Confirmations, reminders and notices sent to patients by email and SMS. Times are clinic time ({tz}).</Text>
      </div>
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <SegmentedControl aria-label="Show" value={show} onChange={(v) => setParams(v === 'upcoming' ? {} : { show: v }, { replace: true })} data={SHOWS} style={{ alignSelf: 'flex-start' }} />
          <Text size="xs" c="dimmed">
            {SHOW_HINT[show]}
          </Text>
        </Stack>
        {rows.length > 0 && (
          <Group gap={6} aria-label="Counts" data-testid="message-counts">
            {(['sent', 'pending', 'sending', 'retrying', 'failed', 'skipped', 'cancelled'] as const)
              .filter((s) => counts[s])
              .map((s) => (
                <Badge key={s} color={STATE_COLOR[s]} variant="light" size="lg">
                  {counts[s]} {STATE_LABEL[s].toLowerCase()}
                </Badge>
              ))}
          </Group>
        )}
      </Group>

      {list.error ? (
        <Alert color="red" title="Could not load the messages">
          {list.error.message}
        </Alert>
      ) : !list.data ? (
        <Loader size="sm" aria-label="Loading messages" />
      ) : rows.length === 0 ? (
        show === 'failed' ? (
          <EmptyState icon={IconMail} title="No failed messages">
            Every message has been sent, is on its way, or was skipped for a reason shown in the list.
          </EmptyState>
        ) : (
          <EmptyState icon={IconMail} title="No messages here">
            Booking, moving or cancelling an appointment queues a message to the patient, and reminders before it, when the clinic sends email or SMS (Admin → Messages).
          </EmptyState>
        )
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={960}>
            <Table verticalSpacing="sm" highlightOnHover aria-label="Messages">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={130}>Due</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>Message and recipient</Table.Th>
                  <Table.Th miw={100}>Status</Table.Th>
                  <Table.Th>What happened</Table.Th>
                  <Table.Th w={110}>{''}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((m) => (
                  <MessageRow key={m.id} message={m} tz={tz} today={today} now={now} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </Stack>
  )
}

function MessageRow({ message: m, tz, today, now }: { message: OutboxMessage; tz: string; today: string; now: string }) {
  const state = deliveryState(m)
  const can = useCan()
  const ChannelIcon = m.channel === 'email' ? IconMail : IconMessage2
  return (
    <Table.Tr data-testid="message-row" data-state={state}>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{clinicWhen(m.dueAt, tz, today)}</Table.Td>
      <Table.Td>
        {m.patient ? (
          <>
            <Anchor component={Link} to={`/patients/${m.patient.id}`} size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
              {m.patient.name}
            </Anchor>
            <Text size="xs" c="dimmed">
              {m.patient.number}
            </Text>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td maw={300}>
        <Text size="sm" style={{ whiteSpace: 'nowrap' }} title={m.subject || undefined}>
          {MESSAGE_KIND_LABEL[m.kind]}
        </Text>
        <Group gap={4} c="dimmed" wrap="nowrap" title={`${m.channel === 'email' ? 'Email' : 'SMS'} to ${m.recipient}`}>
          <ChannelIcon size={14} style={{ flexShrink: 0 }} aria-label={m.channel === 'email' ? 'Email' : 'SMS'} />
          <Text size="xs" truncate="end" data-testid="message-recipient">
            {m.recipient === '—' || m.recipient === '' ? 'no address' : m.recipient}
          </Text>
        </Group>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Badge color={STATE_COLOR[state]} variant={state === 'failed' ? 'filled' : 'light'} data-testid="message-status">
          {STATE_LABEL[state]}
        </Badge>
      </Table.Td>
      <Table.Td miw={260}>
        <WhatHappened message={m} state={state} tz={tz} today={today} now={now} />
      </Table.Td>
      <Table.Td>{(state === 'failed' || state === 'skipped') && can('outbox.resend') && <ResendButton message={m} />}</Table.Td>
    </Table.Tr>
  )
}

function WhatHappened({ message: m, state, tz, today, now }: { message: OutboxMessage; state: DeliveryState; tz: string; today: string; now: string }) {
  const when = (instant: string) => clinicWhen(instant, tz, today).replace(/^Today /, '')
  switch (state) {
    case 'sent':
      return <Text size="sm">{m.sentAt ? `Accepted by the ${m.channel === 'email' ? 'mail server' : 'SMS provider'} at ${when(m.sentAt)}` : 'Sent'}</Text>
    case 'pending':
      return (
        <Text size="sm" c="dimmed">
          {m.dueAt <= now ? 'Going out now' : 'Waits for its time'}
        </Text>
      )
    case 'sending':
      return <Text size="sm">Being sent now</Text>
    case 'retrying':
      return (
        <Stack gap={2}>
          <Text size="sm">
            Try {m.attempts} failed{m.nextAttemptAt ? `; DocSpot tries again at ${when(m.nextAttemptAt)}` : ''}. {m.lastError ? failureInWords(m.lastError, m.channel) : ''}
          </Text>
          {m.lastError && <ServerWords words={m.lastError} />}
        </Stack>
      )
    case 'failed': {
      const meaning = m.lastError ? failureInWords(m.lastError, m.channel) : null
      return (
        <Stack gap={2}>
          <Text size="sm" c="red.8" fw={600}>
            {meaning ?? `Not sent after ${m.attempts} ${m.attempts === 1 ? 'try' : 'tries'}.`}
          </Text>
          {m.lastError && <ServerWords words={m.lastError} />}
        </Stack>
      )
    }
    case 'skipped':
    case 'cancelled':
      return (
        <Text size="sm" c="dimmed">
          {m.skipReason ?? (state === 'skipped' ? 'Not sent' : 'Cancelled')}
        </Text>
      )
  }
}

function ServerWords({ words }: { words: string }) {
  return (
    <Text size="xs" c="dimmed" data-testid="server-words">
      The server said:{' '}
      <Code fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {words}
      </Code>
    </Text>
  )
}

function ResendButton({ message: m }: { message: OutboxMessage }) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const resend = async () => {
    setBusy(true)
    try {
      const again = await api.call('outbox.resend', { id: m.id })
      notifications.show({ color: 'teal', title: 'Sending again', message: `${MESSAGE_KIND_LABEL[m.kind]} to ${again.recipient}` })
    } catch (error) {
      showError(error, undefined, 'Not sent again')
    } finally {
      setBusy(false)
    }
  }
  return (
    <Tooltip label={`Send to the ${m.channel === 'email' ? 'email address' : 'mobile number'} on the patient’s record now`} withinPortal>
      <Button size="xs" variant="light" leftSection={<IconMailForward size={14} />} loading={busy} onClick={() => void resend()} aria-label={`Resend ${MESSAGE_KIND_LABEL[m.kind].toLowerCase()} to ${m.patient?.name ?? m.recipient}`}>
        Resend
      </Button>
    </Tooltip>
  )
}
