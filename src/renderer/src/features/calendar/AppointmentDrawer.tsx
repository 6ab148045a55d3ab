import { Alert, Anchor, Badge, Button, Drawer, Group, Radio, Stack, Text, TextInput, Timeline, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconRepeat } from '@tabler/icons-react'
import { useState } from 'react'
import { Link } from 'react-router'
import { TRANSITIONS, type Appointment, type AppointmentStatus } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery, useCan } from '../../api/queries'
import { clinicClock, clinicDate, dayLabel } from '../../lib/clinic-time'
import { describeError } from '../admin/merge/errors'
import { formatInstant } from '../patients/format'
import type { FreedSlot } from '../waitlist/FreedSlots'
import { SeriesMove } from './SeriesMove'
import { MODE_LABEL, STATUS_COLOUR, STATUS_LABEL } from './status'

const ACTION: Partial<Record<AppointmentStatus, string>> = {
  confirmed: 'Confirm',
  arrived: 'Mark arrived',
  in_consultation: 'Start consultation',
  completed: 'Complete',
  no_show: 'No-show'
}

const MOVABLE = new Set<AppointmentStatus>(['booked', 'confirmed'])
const slotOf = (a: Appointment): FreedSlot => ({ doctorId: a.doctorId, start: a.start, end: a.end })

/**
 * One appointment: its details, what can happen to it next, and its history. One of a series
 * can also be cancelled or moved with every later one. `onFreed` hears of the times a cancel or
 * a move gave up (the waitlist may fit them).
 */
export function AppointmentDrawer({ id, onClose, onFreed }: { id: string | null; onClose: () => void; onFreed?: (slots: FreedSlot[]) => void }) {
  return (
    <Drawer opened={id !== null} onClose={onClose} position="right" size="md" title="Appointment">
      {id && <Details key={id} id={id} onClose={onClose} onFreed={onFreed ?? (() => undefined)} />}
    </Drawer>
  )
}

function Details({ id, onClose, onFreed }: { id: string; onClose: () => void; onFreed: (slots: FreedSlot[]) => void }) {
  const api = useApi()
  const can = useCan()
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const appointment = useApiQuery('appointments.get', { id }, { shows: [['appointments', id]] })
  const history = useApiQuery('appointments.history', { id }, { shows: [['appointments', id]] })
  const [cancelling, setCancelling] = useState(false)
  const [scope, setScope] = useState<'one' | 'later'>('one')
  const [moving, setMoving] = useState(false)
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
  const inSeries = Boolean(a.seriesId) && MOVABLE.has(a.status)

  const cancel = async () => {
    if (scope === 'one' || !inSeries) {
      await act('cancel', async () => {
        const cancelled = await api.call('appointments.cancel', { id, reason: reason.trim() })
        onFreed([slotOf(a)])
        return cancelled
      })
      return
    }
    setBusy('cancel')
    setProblem(null)
    try {
      const { cancelled } = await api.call('series.cancel', { appointmentId: id, reason: reason.trim() })
      notifications.show({ color: 'teal', title: `Cancelled ${cancelled.length} ${cancelled.length === 1 ? 'appointment' : 'appointments'}`, message: `${a.patient.name}: this one and every later one of the series` })
      onClose()
      onFreed(cancelled.map(slotOf))
    } catch (error) {
      setProblem(describeError(error))
    } finally {
      setBusy(null)
    }
  }

  return (
    <Stack>
      <div>
        <Group gap="xs">
          <Title order={3}>{a.patient.name}</Title>
          <Badge color={STATUS_COLOUR[a.status]}>{STATUS_LABEL[a.status]}</Badge>
          {a.overbooked && <Badge color="orange" variant="outline">Overbooked</Badge>}
          {a.seriesId && (
            <Badge color="gray" variant="light" leftSection={<IconRepeat size={12} />}>
              Recurring
            </Badge>
          )}
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
          <Button size="xs" variant="default" onClick={() => (setCancelling(true), setMoving(false))}>
            Cancel appointment…
          </Button>
        )}
        {inSeries && can('series.move') && (
          <Button size="xs" variant="default" leftSection={<IconRepeat size={14} />} onClick={() => (setMoving(true), setCancelling(false))}>
            Move this and all later ones…
          </Button>
        )}
      </Group>
      {moving && (
        <SeriesMove
          appointment={a}
          timeZone={tz}
          onCancel={() => setMoving(false)}
          onMoved={(moved, shiftMs) => {
            setMoving(false)
            // The times they left: each moved by the same shift.
            const back = (iso: string) => new Date(Date.parse(iso) - shiftMs).toISOString()
            onFreed(moved.map((m) => ({ doctorId: a.doctorId, start: back(m.start), end: back(m.end) })))
          }}
        />
      )}
      {cancelling && (
        <Stack gap="xs" component="form" aria-label="Cancel appointment" onSubmit={(e) => (e.preventDefault(), reason.trim() && void cancel())}>
          {inSeries && can('series.cancel') && (
            <Radio.Group label="Which appointments?" value={scope} onChange={(v) => setScope(v as 'one' | 'later')}>
              <Stack gap={6} mt={6}>
                <Radio value="one" label="Cancel this one only" />
                <Radio value="later" label="Cancel this and all later ones in the series" />
              </Stack>
            </Radio.Group>
          )}
          <TextInput label="Reason for cancelling" required data-autofocus autoFocus value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          <Group gap="xs">
            <Button size="xs" color="red" type="submit" disabled={!reason.trim()} loading={busy === 'cancel'}>
              {scope === 'later' && inSeries ? 'Cancel this and all later ones' : 'Cancel appointment'}
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
