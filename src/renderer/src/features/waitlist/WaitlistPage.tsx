import { Alert, Button, Group, Loader, Modal, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconHourglass, IconPlus } from '@tabler/icons-react'
import { useState } from 'react'
import type { WaitlistEntry } from '../../../../shared/api'
import { formatPhone } from '../../../../shared/lib/phone'
import { useApi, useSession } from '../../api/context'
import { useApiQuery, useCan } from '../../api/queries'
import { EmptyState } from '../../shell/EmptyState'
import { formatInstant } from '../patients/format'
import { dateRange, TIME_OF_DAY_LABEL } from './format'
import { WaitlistForm } from './WaitlistForm'

type Status = WaitlistEntry['status']
const STATUS_TABS: Array<{ value: Status; label: string }> = [
  { value: 'waiting', label: 'Waiting' },
  { value: 'booked', label: 'Booked' },
  { value: 'removed', label: 'Removed' }
]

/** Patients waiting for an earlier slot, first come first served; the desk adds and removes them. */
export function WaitlistPage() {
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const can = useCan()
  const canAdd = can('waitlist.add')
  const canRemove = can('waitlist.remove')
  const [status, setStatus] = useState<Status>('waiting')
  const [adding, setAdding] = useState(false)
  const [removing, setRemoving] = useState<WaitlistEntry | null>(null)
  const list = useApiQuery('waitlist.list', { status }, { shows: ['waitlist', 'patients', 'doctors', 'appointment_types'] })
  const entries = list.data ?? []

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Waitlist</Title>
          <Text c="dimmed">Patients who want an earlier appointment, first come first served.{canAdd ? '' : ' The front desk adds and books them.'}</Text>
        </div>
        {canAdd && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            Add to waitlist
          </Button>
        )}
      </Group>
      <SegmentedControl aria-label="Show" value={status} onChange={(v) => setStatus(v as Status)} data={STATUS_TABS} style={{ alignSelf: 'flex-start' }} />

      {list.error ? (
        <Alert color="red" title="Could not load the waitlist">
          {list.error.message}
        </Alert>
      ) : !list.data ? (
        <Loader size="sm" aria-label="Loading the waitlist" />
      ) : entries.length === 0 ? (
        status === 'waiting' ? (
          <EmptyState icon={IconHourglass} title="Nobody is waiting">
            The waitlist is for patients who want an earlier slot than the one they could get. When an appointment is cancelled or moved, DocSpot shows who on the list fits the freed
            time, first come first served, and books them in one click.{canAdd ? ' Add a patient with “Add to waitlist”, or from the booking drawer when no slot suits them.' : ''}
          </EmptyState>
        ) : (
          <Text c="dimmed">{status === 'booked' ? 'Nobody has been booked from the waitlist yet.' : 'Nobody has been taken off the waitlist.'}</Text>
        )
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="sm" highlightOnHover aria-label={status === 'waiting' ? 'Waiting patients' : `${status === 'booked' ? 'Booked' : 'Removed'} waitlist entries`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={40}>#</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>Doctor</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Wants a slot</Table.Th>
                  <Table.Th>Note</Table.Th>
                  <Table.Th>Added</Table.Th>
                  {status === 'waiting' && canRemove && <Table.Th w={100}>{''}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((e, i) => (
                  <Table.Tr key={e.id} data-testid="waitlist-row">
                    <Table.Td c="dimmed">{i + 1}</Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {e.patient.name}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {[e.patient.number, formatPhone(e.patient.phone)].filter(Boolean).join(' · ')}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {e.doctorName ?? (
                        <Text size="sm" c="dimmed" fs="italic">
                          Any doctor
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{e.typeName}</Table.Td>
                    <Table.Td>
                      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                        {dateRange(e.fromDate, e.toDate)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {TIME_OF_DAY_LABEL[e.timeOfDay]}
                      </Text>
                    </Table.Td>
                    <Table.Td miw={170} maw={280}>
                      <Text size="sm" lineClamp={2} title={e.note}>
                        {e.note || '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td miw={110}>
                      <Text size="sm">{formatInstant(e.createdAt, tz)}</Text>
                    </Table.Td>
                    {status === 'waiting' && canRemove && (
                      <Table.Td>
                        <Button size="xs" variant="default" color="red" aria-label={`Remove ${e.patient.name} from the waitlist`} onClick={() => setRemoving(e)}>
                          Remove
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}

      <Modal opened={adding} onClose={() => setAdding(false)} title="Add to waitlist" size="lg">
        {adding && <WaitlistForm onDone={() => setAdding(false)} onCancel={() => setAdding(false)} />}
      </Modal>
      <RemoveConfirm entry={removing} onClose={() => setRemoving(null)} />
    </Stack>
  )
}

function RemoveConfirm({ entry, onClose }: { entry: WaitlistEntry | null; onClose(): void }) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const close = () => (setProblem(null), onClose())
  const remove = async () => {
    if (!entry) return
    setBusy(true)
    try {
      await api.call('waitlist.remove', { id: entry.id })
      notifications.show({ color: 'teal', title: 'Taken off the waitlist', message: `${entry.patient.name} (${entry.typeName})` })
      close()
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened={entry !== null} onClose={close} title="Take off the waitlist?">
      {entry && (
        <Stack>
          <Text size="sm">
            <b>{entry.patient.name}</b> ({entry.patient.number}) will no longer be offered freed slots for {entry.typeName} with {entry.doctorName ?? 'any doctor'}.
          </Text>
          {problem && (
            <Alert color="red" role="alert" title="Not removed">
              {problem}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Keep waiting
            </Button>
            <Button color="red" loading={busy} data-autofocus onClick={() => void remove()}>
              Remove
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
