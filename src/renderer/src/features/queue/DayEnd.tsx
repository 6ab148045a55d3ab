import { Alert, Button, Group, Modal, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core'
import { IconLock, IconPrinter } from '@tabler/icons-react'
import { useState } from 'react'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { clinicClock, dayLabel } from '../../lib/clinic-time'
import { describeError } from '../admin/merge/errors'
import { openFile } from '../../lib/files'

const minutes = (m: number | null) => (m === null ? '—' : `${m} min`)

/** The desk's day-end: the day's figures, the one-page PDF, and closing the day. */
export function DayEnd({ opened, date, onClose }: { opened: boolean; date: string; onClose: () => void }) {
  const api = useApi()
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const summary = useApiQuery('day.summary', { date }, { shows: ['queue_entries', 'appointments', 'day_closings'], enabled: opened })
  const [confirming, setConfirming] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const s = summary.data
  const act = async (work: () => Promise<unknown>) => {
    setBusy(true)
    setProblem(null)
    try {
      await work()
      setConfirming(false)
    } catch (error) {
      setProblem(describeError(error))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title={`Day-end · ${dayLabel(date)}`} size="xl" centered>
      {!s ? (
        <Text c="dimmed">{summary.error ? summary.error.message : 'Loading…'}</Text>
      ) : (
        <Stack>
          {s.closed ? (
            <Alert color="teal" icon={<IconLock size={18} />} title="This day is closed">
              Closed at {clinicClock(s.closed.at, tz)}
              {s.closed.byName ? ` by ${s.closed.byName}` : ''}. The figures are as they stood then.
            </Alert>
          ) : null}
          <SimpleGrid cols={{ base: 3, sm: 7 }} spacing="xs">
            {(
              [
                ['Seen', s.totals.seen],
                ['Walk-ins', s.totals.walkIns],
                ['Booked', s.totals.booked],
                ['No-shows', s.totals.noShows],
                ['Left', s.totals.left],
                ['Still waiting', s.totals.stillWaiting],
                ['Average wait', minutes(s.totals.averageWaitMinutes)]
              ] as const
            ).map(([label, value]) => (
              <Paper key={label} withBorder p="xs" ta="center" aria-label={`${label}: ${value}`}>
                <Text size="xs" c="dimmed">
                  {label}
                </Text>
                <Text fw={700} fz={22}>
                  {value}
                </Text>
              </Paper>
            ))}
          </SimpleGrid>
          {s.doctors.length > 0 && (
            <Table striped withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Doctor</Table.Th>
                  <Table.Th ta="right">Seen</Table.Th>
                  <Table.Th ta="right">Walk-ins</Table.Th>
                  <Table.Th ta="right">Booked</Table.Th>
                  <Table.Th ta="right">No-shows</Table.Th>
                  <Table.Th ta="right">Still waiting</Table.Th>
                  <Table.Th ta="right">Average wait</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.doctors.map((d) => (
                  <Table.Tr key={d.doctorId}>
                    <Table.Td>{d.name}</Table.Td>
                    <Table.Td ta="right">{d.seen}</Table.Td>
                    <Table.Td ta="right">{d.walkIns}</Table.Td>
                    <Table.Td ta="right">{d.booked}</Table.Td>
                    <Table.Td ta="right">{d.noShows}</Table.Td>
                    <Table.Td ta="right">{d.stillWaiting}</Table.Td>
                    <Table.Td ta="right">{minutes(d.averageWaitMinutes)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {s.waiting.length > 0 && (
            <Text size="sm">
              Still waiting: {s.waiting.map((w) => `token ${w.token} (${w.patientName}, ${w.doctorName})`).join('; ')}.
            </Text>
          )}
          {problem && (
            <Alert color="red" role="alert">
              {problem}
            </Alert>
          )}
          {confirming && (
            <Alert color="orange" title="Close the day?">
              Booked patients who never came become no-shows; {s.totals.stillWaiting > 0 ? `the ${s.totals.stillWaiting} still waiting are marked as left` : 'nobody is still waiting'}. The summary is kept as it stands now.
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" leftSection={<IconPrinter size={16} />} onClick={() => void act(async () => openFile(await api.call('day.summaryPdf', { date })))} loading={busy && !confirming}>
              Print summary (PDF)
            </Button>
            {!s.closed &&
              (confirming ? (
                <>
                  <Button variant="default" onClick={() => setConfirming(false)}>
                    Not yet
                  </Button>
                  <Button color="orange" leftSection={<IconLock size={16} />} loading={busy} onClick={() => void act(() => api.call('day.close', { date }))}>
                    Close the day
                  </Button>
                </>
              ) : (
                <Button leftSection={<IconLock size={16} />} onClick={() => setConfirming(true)}>
                  Close the day…
                </Button>
              ))}
          </Group>
        </Stack>
      )}
    </Modal>
  )
}
