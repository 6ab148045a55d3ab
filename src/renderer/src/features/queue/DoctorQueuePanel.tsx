import { Alert, Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core'
import { useHotkeys } from '@mantine/hooks'
import { IconCheck, IconPlayerSkipForward, IconRotate, IconSpeakerphone, IconStethoscope } from '@tabler/icons-react'
import { useNavigate } from 'react-router'
import { useState } from 'react'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { clinicClock, clinicToday } from '../../lib/clinic-time'
import { showError } from '../../lib/errors'
import { QUEUE_SHOWS } from './QueuePage'
import { QueueRow, Token, useNow } from './QueueParts'

/**
 * The consulting room's queue: who is in now, "Call next" (the waiting room sees the token at
 * once), "Complete", and who waits, in order. A doctor sees their own; an admin picks one.
 */
export function DoctorQueuePanel() {
  const api = useApi()
  const navigate = useNavigate()
  const { settings, session } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const isDoctor = session?.user.role === 'doctor'
  const doctors = useApiQuery('doctors.list', {}, { shows: ['doctors'], enabled: !isDoctor })
  const [picked, setPicked] = useState<string | null>(null)
  const doctorId = isDoctor ? undefined : (picked ?? doctors.data?.[0]?.id)
  const today = clinicToday(tz)
  const queue = useApiQuery('queue.forDoctor', { date: today, ...(doctorId ? { doctorId } : {}) }, { shows: QUEUE_SHOWS, enabled: isDoctor || !!doctorId })
  const now = useNow()
  const [busy, setBusy] = useState(false)
  const run = async (work: () => Promise<unknown>, title: string) => {
    setBusy(true)
    try {
      await work()
    } catch (error) {
      showError(error, undefined, title)
    } finally {
      setBusy(false)
    }
  }
  const q = queue.data
  const serving = q?.nowServing ?? null
  const callNext = () => void run(() => api.call('queue.callNext', doctorId ? { doctorId } : {}), 'Nobody called')
  const complete = () => serving && void run(() => api.call('queue.complete', { entryId: serving.id }), 'Not completed')
  const openVisit = (entryId: string) =>
    void run(async () => {
      const visit = await api.call('visits.open', { queueEntryId: entryId })
      navigate(`/patients/${visit.patientId}/visits/${visit.id}`)
    }, 'Visit not opened')
  // The doctor's keys: N calls the next patient, O opens their visit, C completes the one in the room.
  useHotkeys([
    ['alt+N', () => !serving && q?.waiting.length && callNext()],
    ['alt+O', () => isDoctor && serving && openVisit(serving.id)],
    ['alt+C', () => complete()]
  ])

  return (
    <Paper component="section" withBorder radius="md" p="md" aria-label="Your queue">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Queue{q ? ` · ${q.waiting.length} waiting` : ''}</Title>
        {!isDoctor && (
          <Select
            aria-label="Doctor"
            size="xs"
            data={(doctors.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
            value={doctorId ?? null}
            onChange={setPicked}
            allowDeselect={false}
          />
        )}
      </Group>
      {queue.error ? (
        <Alert color="gray">{queue.error.message}</Alert>
      ) : !q ? (
        <Text c="dimmed">Loading…</Text>
      ) : (
        <Stack gap="sm">
          <Paper p="sm" radius="sm" bg={serving ? 'var(--mantine-color-grape-light)' : 'var(--mantine-color-default-hover)'} data-testid="now-serving">
            {serving ? (
              <Group justify="space-between" wrap="wrap">
                <Group gap="md" wrap="nowrap">
                  <Token value={serving.token} size="xl" />
                  <div>
                    <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                      With you since {clinicClock(serving.calledAt!, tz)}
                    </Text>
                    <Text fw={700} fz="lg">
                      {serving.patient.name}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {serving.patient.number}
                      {serving.appointmentStart ? ` · booked ${clinicClock(serving.appointmentStart, tz)}` : ' · walk-in'}
                    </Text>
                  </div>
                </Group>
                <Group>
                  {isDoctor && (
                    <Button leftSection={<IconStethoscope size={16} />} disabled={busy} onClick={() => openVisit(serving.id)}>
                      Open visit
                    </Button>
                  )}
                  <Button variant="default" leftSection={<IconPlayerSkipForward size={16} />} disabled={busy} onClick={() => void run(() => api.call('queue.skip', { entryId: serving.id, reason: 'Not here when called' }), 'Not skipped')}>
                    Not here (skip)
                  </Button>
                  <Button color="teal" variant={isDoctor ? 'light' : 'filled'} leftSection={<IconCheck size={16} />} loading={busy} onClick={complete}>
                    Complete
                  </Button>
                </Group>
              </Group>
            ) : (
              <Group justify="space-between">
                <Text c="dimmed">{q.waiting.length ? `Next: token ${q.waiting[0].token}, ${q.waiting[0].patient.name}` : 'Nobody is waiting.'}</Text>
                <Button leftSection={<IconSpeakerphone size={16} />} onClick={callNext} loading={busy} disabled={q.waiting.length === 0}>
                  Call next
                </Button>
              </Group>
            )}
          </Paper>
          {q.waiting.map((entry) => (
            <QueueRow key={entry.id} entry={entry} now={now} tz={tz} highlight={!serving && entry.position === 1} />
          ))}
          {q.skipped.length > 0 && (
            <Stack gap={4}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                Skipped
              </Text>
              {q.skipped.map((entry) => (
                <Group key={entry.id} gap="xs" wrap="nowrap">
                  <Token value={entry.token} size="md" />
                  <Text size="sm" style={{ flex: 1 }}>
                    {entry.patient.name}
                  </Text>
                  <Button size="compact-xs" variant="light" leftSection={<IconRotate size={14} />} onClick={() => void run(() => api.call('queue.recall', { entryId: entry.id }), 'Not recalled')}>
                    Recall
                  </Button>
                </Group>
              ))}
            </Stack>
          )}
          <Text size="xs" c="dimmed">
            Alt+N calls the next patient; Alt+O opens their visit; Alt+C completes the one with you. The waiting-room screen shows each call at once.
          </Text>
        </Stack>
      )}
    </Paper>
  )
}
