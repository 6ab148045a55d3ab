import { ActionIcon, Alert, Badge, Button, Card, Group, Menu, Modal, NumberInput, Paper, Select, SimpleGrid, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArrowUp, IconDots, IconDoorExit, IconPlayerSkipForward, IconPrinter, IconReceipt, IconRotate, IconTicket, IconUserCheck, IconUserPlus } from '@tabler/icons-react'
import { useState } from 'react'
import { Link } from 'react-router'
import { ApiError, type DoctorQueue, type PatientSummary, type QueueEntry } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { clinicClock, clinicToday, dayLabel } from '../../lib/clinic-time'
import { capitalise, showError } from '../../lib/errors'
import { PatientPicker } from '../admin/merge/PatientPicker'
import { describeError } from '../admin/merge/errors'
import { DayEnd } from './DayEnd'
import { QueueRow, Token, printSlip, useNow } from './QueueParts'

/** What a queue screen refreshes on. */
export const QUEUE_SHOWS = ['queue_entries', 'appointments', 'doctors', 'doctor_sessions', 'availability_exceptions', 'day_closings', 'settings'] as const

/** The desk's day: a token for whoever walks in, every doctor's queue at once, and the day-end. */
export function QueuePage() {
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const today = clinicToday(tz)
  const board = useApiQuery('queue.board', { date: today }, { shows: QUEUE_SHOWS })
  const [issued, setIssued] = useState<QueueEntry | null>(null)
  const [dayEnd, setDayEnd] = useState(false)
  const now = useNow()
  const queues = board.data ?? []
  const waiting = queues.reduce((n, q) => n + q.waiting.length, 0)
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Queue</Title>
          <Text c="dimmed">
            {dayLabel(today)} · {waiting} waiting · tokens {settings?.tokenNumbering === 'clinic' ? 'count across the clinic' : 'count per doctor'}
          </Text>
        </div>
        <Button variant="default" leftSection={<IconReceipt size={16} />} onClick={() => setDayEnd(true)}>
          Day-end
        </Button>
      </Group>
      <IssueToken queues={queues} onIssued={setIssued} />
      {board.isLoading ? (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} h={240} radius="md" />
          ))}
        </SimpleGrid>
      ) : board.error ? (
        <Alert color="red" title="The queues could not be loaded">
          {board.error.message}
        </Alert>
      ) : queues.length === 0 ? (
        <Alert color="gray" title="No doctors yet">
          An admin adds doctors and their hours under Admin → Doctors; their queues appear here.
        </Alert>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, xl: 3 }} spacing="md">
          {queues.map((q) => (
            <DeskQueue key={q.doctor.id} queue={q} now={now} tz={tz} />
          ))}
        </SimpleGrid>
      )}
      <IssuedModal entry={issued} queues={queues} onClose={() => setIssued(null)} />
      <DayEnd opened={dayEnd} date={today} onClose={() => setDayEnd(false)} />
    </Stack>
  )
}

/** Search or register the patient, pick the doctor, and give the next token. */
function IssueToken({ queues, onIssued }: { queues: DoctorQueue[]; onIssued: (entry: QueueEntry) => void }) {
  const api = useApi()
  const [patient, setPatient] = useState<PatientSummary | null>(null)
  const [newPatient, setNewPatient] = useState<{ name: string; phone: string } | null>(null)
  const [doctorId, setDoctorId] = useState<string | null>(null)
  const [offDayReason, setOffDayReason] = useState<string | null>(null)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const active = queues.filter((q) => q.doctor.active)
  const chosen = active.find((q) => q.doctor.id === doctorId)

  const issue = async () => {
    setErrors({})
    if (!doctorId) return setErrors({ doctorId: 'Choose the doctor' })
    setBusy(true)
    try {
      let patientId = patient?.id
      if (!patientId && newPatient) patientId = (await api.call('patients.create', { name: newPatient.name, phone: newPatient.phone })).patient.id
      if (!patientId) return setErrors({ patientId: 'Find the patient, or register a new one' })
      const { entry, warning } = await api.call('queue.issueToken', { patientId, doctorId, ...(offDayReason ? { offDayReason } : {}) })
      if (warning) notifications.show({ color: 'yellow', title: 'Token issued on a day off', message: warning })
      onIssued(entry)
      setPatient(null)
      setNewPatient(null)
      setOffDayReason(null)
    } catch (error) {
      if (error instanceof ApiError && error.fields?.offDayReason) {
        setOffDayReason('')
        setErrors({ offDayReason: capitalise(error.fields.offDayReason) })
      } else if (error instanceof ApiError && error.fields) setErrors(Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, capitalise(v)])))
      else setErrors({ form: describeError(error) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <Paper withBorder p="md" radius="md" component="form" aria-label="Issue a token" onSubmit={(e) => (e.preventDefault(), void issue())}>
      <Group align="flex-start" gap="md" wrap="wrap">
        <IconTicket size={28} style={{ marginTop: 26 }} aria-hidden />
        <Stack gap={4} style={{ flex: '2 1 260px' }}>
          {newPatient ? (
            <Group gap="xs" grow align="flex-start">
              <TextInput label="New patient's name" required data-autofocus value={newPatient.name} onChange={(e) => setNewPatient({ ...newPatient, name: e.currentTarget.value })} error={errors.name} />
              <TextInput label="Phone" value={newPatient.phone} onChange={(e) => setNewPatient({ ...newPatient, phone: e.currentTarget.value })} error={errors.phone} />
            </Group>
          ) : (
            <PatientPicker label="Walk-in patient" value={patient} onChange={setPatient} />
          )}
          {errors.patientId && (
            <Text size="xs" c="red">
              {errors.patientId}
            </Text>
          )}
          <Button variant="subtle" size="compact-xs" leftSection={<IconUserPlus size={14} />} onClick={() => setNewPatient(newPatient ? null : { name: '', phone: '' })} style={{ alignSelf: 'flex-start' }}>
            {newPatient ? 'Find an existing patient instead' : 'New patient (quick register)'}
          </Button>
        </Stack>
        <Select
          label="Doctor"
          placeholder="Choose"
          style={{ flex: '1 1 200px' }}
          data={active.map((q) => ({ value: q.doctor.id, label: `${q.doctor.name} · ${q.waiting.length} waiting${q.working ? '' : ' · not working today'}` }))}
          value={doctorId}
          onChange={(v) => {
            setDoctorId(v)
            setOffDayReason(null)
          }}
          error={errors.doctorId}
          allowDeselect={false}
          searchable
        />
        {offDayReason !== null && (
          <TextInput
            label="Reason (the doctor is not working today)"
            style={{ flex: '1 1 220px' }}
            value={offDayReason}
            onChange={(e) => setOffDayReason(e.currentTarget.value)}
            error={errors.offDayReason}
            placeholder="e.g. Seeing urgent cases this morning"
            data-autofocus
          />
        )}
        <Button type="submit" mt={25} loading={busy} leftSection={<IconTicket size={16} />}>
          Issue token
        </Button>
      </Group>
      {chosen && !chosen.working && offDayReason === null && (
        <Text size="xs" c="orange" mt={6}>
          {chosen.doctor.name} is not working today: a token needs a reason.
        </Text>
      )}
      {errors.form && (
        <Alert color="red" mt="sm" role="alert">
          {errors.form}
        </Alert>
      )}
    </Paper>
  )
}

/** The token just given, large, with its slip to print. */
function IssuedModal({ entry, queues, onClose }: { entry: QueueEntry | null; queues: DoctorQueue[]; onClose: () => void }) {
  const api = useApi()
  const doctor = queues.find((q) => q.doctor.id === entry?.doctorId)?.doctor
  return (
    <Modal opened={entry !== null} onClose={onClose} title="Token issued" centered>
      {entry && (
        <Stack align="center" gap="sm">
          <Text c="dimmed">{entry.patient.name}</Text>
          <Token value={entry.token} size="xl" />
          <Text fw={600}>{doctor?.name}</Text>
          <Text size="sm" c="dimmed" ta="center">
            {entry.position === 1 ? 'Next in line.' : `Place ${entry.position} in the queue.`} {entry.placement}.
          </Text>
          <Group>
            <Button data-autofocus leftSection={<IconPrinter size={16} />} onClick={() => void printSlip(api, entry.id).catch((e) => showError(e, undefined, 'Slip not printed'))}>
              Print slip
            </Button>
            <Button variant="default" onClick={onClose}>
              Done
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}

/** One doctor's queue at the desk: who is in, who waits (and how long), who was skipped, who is due. */
function DeskQueue({ queue, now, tz }: { queue: DoctorQueue; now: number; tz: string }) {
  const api = useApi()
  const [moving, setMoving] = useState<QueueEntry | null>(null)
  const [leaving, setLeaving] = useState<QueueEntry | null>(null)
  const run = (work: Promise<unknown>, title: string) => void work.catch((e) => showError(e, undefined, title))
  return (
    <Card component="section" withBorder radius="md" padding="md" style={{ borderTop: `4px solid var(--mantine-color-${queue.doctor.colour}-6, ${queue.doctor.colour})` }} aria-label={`Queue of ${queue.doctor.name}`}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Text fw={700} truncate>
          {queue.doctor.name}
        </Text>
        <Group gap={4} wrap="nowrap">
          {!queue.working && (
            <Badge color="gray" variant="light">
              Not working today
            </Badge>
          )}
          <Badge variant="light">{queue.waiting.length} waiting</Badge>
        </Group>
      </Group>
      <Paper bg="var(--mantine-color-default-hover)" p="xs" radius="sm" mb="sm">
        {queue.nowServing ? (
          <Group gap="sm" wrap="nowrap">
            <Token value={queue.nowServing.token} />
            <div style={{ minWidth: 0 }}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                With the doctor since {clinicClock(queue.nowServing.calledAt!, tz)}
              </Text>
              <Text fw={600} truncate>
                {queue.nowServing.patient.name}
              </Text>
            </div>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Nobody with the doctor now.
          </Text>
        )}
      </Paper>
      <Stack gap={6}>
        {queue.waiting.length === 0 && (
          <Text size="sm" c="dimmed">
            Nobody waiting.
          </Text>
        )}
        {queue.waiting.map((entry) => (
          <QueueRow
            key={entry.id}
            entry={entry}
            now={now}
            tz={tz}
            actions={
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <ActionIcon variant="subtle" aria-label={`Actions for token ${entry.token}`}>
                    <IconDots size={18} />
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item leftSection={<IconArrowUp size={16} />} onClick={() => setMoving(entry)}>
                    Move in the queue…
                  </Menu.Item>
                  <Menu.Item leftSection={<IconPlayerSkipForward size={16} />} onClick={() => run(api.call('queue.skip', { entryId: entry.id, reason: 'Not here when called' }), 'Not skipped')}>
                    Skip (not here)
                  </Menu.Item>
                  <Menu.Item leftSection={<IconPrinter size={16} />} onClick={() => run(printSlip(api, entry.id), 'Slip not printed')}>
                    Print slip
                  </Menu.Item>
                  <Menu.Divider />
                  <Menu.Item color="red" leftSection={<IconDoorExit size={16} />} onClick={() => setLeaving(entry)}>
                    Left without being seen…
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            }
          />
        ))}
      </Stack>
      {queue.skipped.length > 0 && (
        <Stack gap={4} mt="sm">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Skipped
          </Text>
          {queue.skipped.map((entry) => (
            <Group key={entry.id} gap="xs" wrap="nowrap">
              <Token value={entry.token} size="md" />
              <Text size="sm" style={{ flex: 1 }} truncate>
                {entry.patient.name}
              </Text>
              <Button size="compact-xs" variant="light" leftSection={<IconRotate size={14} />} onClick={() => run(api.call('queue.recall', { entryId: entry.id }), 'Not recalled')}>
                Recall
              </Button>
            </Group>
          ))}
        </Stack>
      )}
      {queue.expected.length > 0 && (
        <Stack gap={4} mt="sm">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Booked, not arrived ({queue.expected.length})
          </Text>
          {queue.expected.map((a) => (
            <Group key={a.id} gap="xs" wrap="nowrap">
              <Text size="sm" fw={600} w={44}>
                {clinicClock(a.start, tz)}
              </Text>
              <Text size="sm" style={{ flex: 1 }} truncate>
                {a.patient.name}
              </Text>
              <Button
                size="compact-xs"
                variant="light"
                color="teal"
                leftSection={<IconUserCheck size={14} />}
                aria-label={`${a.patient.name} arrived`}
                onClick={() => run(api.call('queue.arrive', { appointmentId: a.id }), 'Not marked arrived')}
              >
                Arrived
              </Button>
            </Group>
          ))}
        </Stack>
      )}
      {queue.done.length > 0 && (
        <Text size="xs" c="dimmed" mt="sm">
          Seen today: {queue.done.filter((d) => d.status === 'completed').length}
          {queue.done.some((d) => d.status === 'left') ? ` · left unseen: ${queue.done.filter((d) => d.status === 'left').length}` : ''}
        </Text>
      )}
      <MoveDialog entry={moving} count={queue.waiting.length} onClose={() => setMoving(null)} />
      <LeaveDialog entry={leaving} onClose={() => setLeaving(null)} />
    </Card>
  )
}

function MoveDialog({ entry, count, onClose }: { entry: QueueEntry | null; count: number; onClose: () => void }) {
  const api = useApi()
  const [position, setPosition] = useState<number | string>(1)
  const [reason, setReason] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const save = async () => {
    if (!entry) return
    try {
      await api.call('queue.move', { entryId: entry.id, position: Number(position), reason })
      setReason('')
      setErrors({})
      onClose()
    } catch (error) {
      showError(error, setErrors)
    }
  }
  return (
    <Modal opened={entry !== null} onClose={onClose} title={entry ? `Move token ${entry.token} (${entry.patient.name})` : ''} centered>
      <Stack component="form" onSubmit={(e) => (e.preventDefault(), void save())}>
        <NumberInput label={`New place (1 to ${count})`} min={1} max={count} value={position} onChange={setPosition} error={errors.position} />
        <TextInput label="Reason" description="Shown beside the patient, so the queue stays explainable" placeholder="e.g. Emergency: chest pain" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} data-autofocus />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit">Move</Button>
        </Group>
      </Stack>
    </Modal>
  )
}

function LeaveDialog({ entry, onClose }: { entry: QueueEntry | null; onClose: () => void }) {
  const api = useApi()
  const [reason, setReason] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const save = async () => {
    if (!entry) return
    try {
      await api.call('queue.leave', { entryId: entry.id, reason })
      setReason('')
      setErrors({})
      onClose()
    } catch (error) {
      showError(error, setErrors)
    }
  }
  return (
    <Modal opened={entry !== null} onClose={onClose} title={entry ? `Token ${entry.token} (${entry.patient.name}) left` : ''} centered>
      <Stack component="form" onSubmit={(e) => (e.preventDefault(), void save())}>
        <TextInput label="Reason" placeholder="e.g. Could not wait any longer" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} data-autofocus />
        <Text size="xs" c="dimmed">
          A booked patient&apos;s appointment is cancelled with this reason. <Link to="/calendar">The calendar</Link> keeps the history.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep waiting
          </Button>
          <Button type="submit" color="red">
            Take out of the queue
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
