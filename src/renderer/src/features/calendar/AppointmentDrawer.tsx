import { Alert, Anchor, Badge, Button, Drawer, Group, Stack, Text, Textarea, Timeline, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { Link } from 'react-router'
import { TRANSITIONS, type Appointment, type AppointmentStatus } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery, useCan } from '../../api/queries'
import { clinicClock, clinicDate, dayLabel } from '../../lib/clinic-time'
import { describeError } from '../admin/merge/errors'
import { formatInstant } from '../patients/format'
import { MODE_LABEL, STATUS_COLOUR, STATUS_LABEL } from './status'

const ACTION: Partial<Record<AppointmentStatus, string>> = {
  confirmed: 'Confirm',
  arrived: 'Mark arrived',
  in_consultation: 'Start consultation',
  completed: 'Complete',
  no_show: 'No-show'
}

/** One appointment: its details, what can happen to it next, and its history. */
export function AppointmentDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  return (
    <Drawer opened={id !== null} onClose={onClose} position="right" size="md" title="Appointment">
      {id && <Details key={id} id={id} onClose={onClose} />}
    </Drawer>
  )
}

function Details({ id, onClose }: { id: string; onClose: () => void }) {
  const api = useApi()
  const can = useCan()
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const appointment = useApiQuery('appointments.get', { id }, { shows: [['appointments', id]] })
  const history = useApiQuery('appointments.history', { id }, { shows: [['appointments', id]] })
  const [cancelling, setCancelling] = useState(false)
  const [reason, setReason] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const a = appointment.data
  if (!a) return <Text c="dimmed">{appointment.error ? appointment.error.message : 'Loading…'}</Text>

  const act = async (label: string, work: () => Promise<Appointment>) => {
    setBusy(label)
    setProblem(null)
    try {
      const next = await work()
      notifications.show({ color: 'teal', title: STATUS_LABEL[next.status], message: `${next.patient.name}, ${clinicClock(next.start, tz)}` })
      if (next.status === 'cancelled') onClose()
    } catch (error) {
      setProblem(describeError(error))
    } finally {
      setBusy(null)
    }
  }
  const next = TRANSITIONS[a.status].filter((s) => s !== 'cancelled' && ACTION[s])

  return (
    <Stack>
      <div>
        <Group gap="xs">
          <Title order={3}>{a.patient.name}</Title>
          <Badge color={STATUS_COLOUR[a.status]}>{STATUS_LABEL[a.status]}</Badge>
          {a.overbooked && <Badge color="orange" variant="outline">Overbooked</Badge>}
        </Group>
        <Anchor component={Link} to={`/patients/${a.patient.id}`} size="sm">
          {a.patient.number} · open the patient’s record
        </Anchor>
      </div>
      <Text size="sm">
        <b>{a.typeName}</b> with {a.doctorName}
        <br />
        {dayLabel(clinicDate(a.start, tz))}, {clinicClock(a.start, tz)}–{clinicClock(a.end, tz)} · {MODE_LABEL[a.mode]}
      </Text>
      {a.reason && <Text size="sm">Reason: {a.reason}</Text>}
      {a.overbookReason && <Text size="sm" c="orange">Overbooked because: {a.overbookReason}</Text>}
      {a.cancelReason && <Text size="sm">Cancelled because: {a.cancelReason}</Text>}

      {problem && (
        <Alert color="red" role="alert" title="Not changed">
          {problem}
        </Alert>
      )}
      <Group gap="xs">
        {next.map((status) => (
          <Button key={status} size="xs" variant={status === 'no_show' ? 'light' : 'filled'} color={status === 'no_show' ? 'red' : undefined} loading={busy === status} disabled={!can('appointments.setStatus')} onClick={() => void act(status, () => api.call('appointments.setStatus', { id, status: status as 'confirmed' }))}>
            {ACTION[status]}
          </Button>
        ))}
        {TRANSITIONS[a.status].includes('cancelled') && can('appointments.cancel') && (
          <Button size="xs" variant="default" onClick={() => setCancelling(true)}>
            Cancel appointment…
          </Button>
        )}
      </Group>
      {cancelling && (
        <Stack gap="xs">
          <Textarea label="Reason for cancelling" required data-autofocus value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          <Group gap="xs">
            <Button size="xs" color="red" disabled={!reason.trim()} loading={busy === 'cancel'} onClick={() => void act('cancel', () => api.call('appointments.cancel', { id, reason: reason.trim() }))}>
              Cancel appointment
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setCancelling(false)}>
              Keep it
            </Button>
          </Group>
        </Stack>
      )}

      <Title order={5} mt="sm">
        History
      </Title>
      <Timeline bulletSize={12} lineWidth={2} aria-label="Appointment history">
        {(history.data ?? []).map((h) => (
          <Timeline.Item key={h.id} title={`${h.action.replace('_', ' ')}${h.byName ? ` by ${h.byName}` : ''}`}>
            <Text size="xs" c="dimmed">
              {formatInstant(h.at, tz)}
            </Text>
            {h.changes.start && (
              <Text size="xs">
                {clinicClock(String(h.changes.start[0]), tz)} → {clinicClock(String(h.changes.start[1]), tz)}
                {h.changes.doctor ? `, ${String(h.changes.doctor[0])} → ${String(h.changes.doctor[1])}` : ''}
              </Text>
            )}
            {h.reason && <Text size="xs">“{h.reason}”</Text>}
          </Timeline.Item>
        ))}
      </Timeline>
    </Stack>
  )
}
