import { Alert, Anchor, Badge, Button, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconMailExclamation } from '@tabler/icons-react'
import { useEffect, useRef } from 'react'
import { Link, useNavigate } from 'react-router'
import { MESSAGE_KIND_LABEL, type OutboxMessage } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { useApiQuery, useCan } from '../../api/queries'
import { failureInWords } from './format'

const NOTICE_ID = 'message-failed'

/**
 * How many messages failed: today's, and all that nobody has sent again. Re-read whenever a
 * committed change touches the outbox (the sender marking a message failed is one), so every
 * screen that shows it follows within the change's turn. Only for those who look after messages.
 */
export function useMessageFailures() {
  const can = useCan()
  const looksAfterMessages = can('outbox.list')
  const query = useApiQuery('outbox.failures', {}, { shows: ['outbox'], enabled: looksAfterMessages })
  return looksAfterMessages ? query.data : undefined
}

const messages = (n: number) => `${n} message${n === 1 ? '' : 's'}`

/**
 * Mounted once in the shell: when today's failures go up, a red notification that stays until
 * closed, naming the message and why, with the way to Messages. Failures are never silent. The
 * count already there when the user signs in is shown on the Reception screen and in the menu,
 * not announced again.
 */
export function MessageFailureNotifier() {
  const api = useApi()
  const failures = useMessageFailures()
  const navigate = useNavigate()
  // Today's count and the failed messages as last seen: what is new is what to name.
  const seen = useRef<{ today: number; ids: Set<string> } | null>(null)
  const today = failures?.today
  useEffect(() => {
    if (today === undefined) return
    let current = true
    const before = seen.current
    const announce = (fresh: OutboxMessage[]) => {
      const open = () => {
        notifications.hide(NOTICE_ID)
        void navigate('/messages?show=failed')
      }
      const first = fresh[0]
      const count = before ? today - before.today : 1
      notifications.show({
        id: NOTICE_ID,
        color: 'red',
        icon: <IconMailExclamation size={18} />,
        title: count <= 1 ? 'A message failed to send' : `${messages(count)} failed to send`,
        message: (
          <>
            {first && (
              <Text size="sm" fw={600} c="var(--mantine-color-text)">
                {MESSAGE_KIND_LABEL[first.kind]} to {first.patient?.name ?? first.recipient}
                {fresh.length > 1 ? ` and ${fresh.length - 1} more` : ''}
              </Text>
            )}
            <Text size="sm">
              {first?.lastError ? `${failureInWords(first.lastError, first.channel) ?? first.lastError} ` : ''}The patient has not been told: see why, and send it again.
            </Text>
            <Button size="compact-sm" variant="light" color="red" mt={6} onClick={open}>
              Open Messages
            </Button>
          </>
        ),
        autoClose: false,
        withCloseButton: true
      })
    }
    api.call('outbox.list', { status: 'failed' }).then(
      (failed) => {
        if (!current) return
        seen.current = { today, ids: new Set(failed.map((m) => m.id)) }
        if (before !== null && today > before.today) announce(failed.filter((m) => !before.ids.has(m.id)))
      },
      () => {
        if (!current) return
        // The list could not be read: the count alone still says it.
        seen.current = { today, ids: before?.ids ?? new Set() }
        if (before !== null && today > before.today) announce([])
      }
    )
    return () => {
      current = false
    }
  }, [api, today, navigate])
  return null
}

/** The menu's count: red while any message failed today. */
export function FailedTodayBadge() {
  const today = useMessageFailures()?.today ?? 0
  if (today === 0) return null
  return (
    <Badge color="red" size="sm" circle={today < 10} aria-label={`${messages(today)} failed today`} data-testid="nav-failed-count">
      {today}
    </Badge>
  )
}

/** On the Reception screen: today's failures, with the way to see them. */
export function FailedMessagesAlert() {
  const failures = useMessageFailures()
  if (!failures || failures.today === 0) return null
  return (
    <Alert color="red" variant="light" icon={<IconMailExclamation size={20} />} role="alert" data-testid="failed-messages-alert" title={`${messages(failures.today)} failed today`}>
      {failures.today === 1 ? 'A patient has' : 'Patients have'} not been sent a confirmation, reminder or notice.{' '}
      <Anchor component={Link} to="/messages?show=failed" fw={700} c="red.9" underline="always">
        Open Messages
      </Anchor>{' '}
      to see why and send {failures.today === 1 ? 'it' : 'them'} again.
    </Alert>
  )
}
