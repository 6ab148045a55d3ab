import { Badge, Button, Group, Modal, Paper, Stack, Table, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArrowBackUp } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import type { PatientMerge, PatientSummary } from '../../../../../shared/api'
import { useApi, useSession } from '../../../api/context'
import { useApiQuery } from '../../../api/queries'
import { showError } from '../../../lib/errors'
import { formatInstant } from '../../patients/format'
import { describeError } from './errors'

const MOVED_NAMES: Record<string, [string, string]> = {
  appointments: ['appointment', 'appointments'],
  visits: ['visit', 'visits'],
  medical_records: ['medical record', 'medical records'],
  records: ['medical record', 'medical records'],
  invoices: ['bill', 'bills'],
  payments: ['payment', 'payments'],
  feedback: ['feedback entry', 'feedback entries']
}

function movedText(moved: Record<string, number>): string {
  const parts = Object.entries(moved)
    .filter(([, n]) => n > 0)
    .map(([table, n]) => {
      const [one, many] = MOVED_NAMES[table] ?? [table.replace(/_/g, ' '), table.replace(/_/g, ' ')]
      return `${n} ${n === 1 ? one : many}`
    })
  return parts.length ? parts.join(', ') : 'No appointments, visits, records or bills'
}


function Who({ patient }: { patient: PatientSummary }) {
  return (
    <Stack gap={0}>
      <Text size="sm" fw={500}>
        {patient.name}
      </Text>
      <Text size="xs" c="dimmed">
        {patient.number}
      </Text>
    </Stack>
  )
}

/** The merge log, newest first, with undo for merges that still stand. */
export function RecentMerges() {
  const { settings } = useSession()
  const when = (iso: string) => formatInstant(iso, settings?.timeZone)
  const api = useApi()
  const log = useApiQuery('patients.merges', {}, { shows: ['patient_merges'] })
  const merges: PatientMerge[] | null = log.data ?? null
  const [undoing, setUndoing] = useState<PatientMerge | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => void (log.error && showError(log.error, undefined, 'Could not load recent merges')), [log.error])

  const undo = async () => {
    if (!undoing) return
    setBusy(true)
    try {
      await api.call('patients.unmerge', { mergeId: undoing.id })
      notifications.show({
        color: 'teal',
        title: 'Merge undone',
        message: `${undoing.merged.number} ${undoing.merged.name} is a separate record again; its own appointments, visits, records and bills went back to it.`
      })
      setUndoing(null)
    } catch (error) {
      notifications.show({ color: 'red', title: 'Merge not undone', message: describeError(error), autoClose: 10_000 })
    } finally {
      setBusy(false)
    }
  }

  return (
    <Paper withBorder p="lg" component="section" aria-label="Recent merges">
      <Stack>
        <div>
          <Title order={4}>Recent merges</Title>
          <Text size="sm" c="dimmed">
            Every merge is recorded. Undo brings the merged record back with everything it had.
          </Text>
        </div>
        {merges === null ? (
          <Text c="dimmed">Loading…</Text>
        ) : merges.length === 0 ? (
          <Text c="dimmed" size="sm">
            No patients have been merged yet.
          </Text>
        ) : (
          <Table striped verticalSpacing="xs" aria-label="Recent merges list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Kept</Table.Th>
                <Table.Th>Merged into it</Table.Th>
                <Table.Th>Moved</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th w={150} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {merges.map((m) => (
                <Table.Tr key={m.id} data-merge-id={m.id}>
                  <Table.Td>{when(m.at)}</Table.Td>
                  <Table.Td>
                    <Who patient={m.survivor} />
                  </Table.Td>
                  <Table.Td>
                    <Who patient={m.merged} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{movedText(m.moved)}</Text>
                  </Table.Td>
                  <Table.Td>{m.byName ?? '—'}</Table.Td>
                  <Table.Td>
                    {m.undoneAt ? (
                      <Badge color="gray" variant="light" tt="none" style={{ whiteSpace: 'normal', height: 'auto' }} py={2} title={`Undone ${when(m.undoneAt)}`}>
                        Undone {when(m.undoneAt)}
                      </Badge>
                    ) : (
                      <Button size="xs" variant="light" color="orange" leftSection={<IconArrowBackUp size={14} />} onClick={() => setUndoing(m)}>
                        Undo
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <Modal opened={undoing !== null} onClose={() => !busy && setUndoing(null)} title="Undo this merge?">
        {undoing && (
          <Stack>
            <Text size="sm">
              <b>
                {undoing.merged.number} {undoing.merged.name}
              </b>{' '}
              becomes a separate, active record again, and the appointments, visits, records and bills it brought move back to it.
            </Text>
            <Text size="sm">
              <b>
                {undoing.survivor.number} {undoing.survivor.name}
              </b>{' '}
              gets back the details the merge changed, unless someone has edited them since — those edits are kept.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setUndoing(null)} disabled={busy}>
                Cancel
              </Button>
              <Button color="orange" onClick={undo} loading={busy}>
                Undo merge
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Paper>
  )
}
