import { Alert, Button, Code, Group, Loader, Paper, Select, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { IconDownload, IconShieldCheck, IconShieldX } from '@tabler/icons-react'
import { useState } from 'react'
import { api as API, type MethodSpec, type ChainCheck, type JournalEntry, type JournalFilter, type PatientSummary } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { describeError } from './merge/errors'
import { saveFile } from '../../lib/files'
import { formatInstant } from '../patients/format'
import { PatientPicker } from './merge/PatientPicker'
import { DateField } from '../../shell/DateField'

const ROLE = { admin: 'Admin', receptionist: 'Receptionist', doctor: 'Doctor' } as const

/** The journaled methods (writes, and reads of a patient's record), by what they do, for the filter. */
const METHODS = Object.entries(API)
  .filter(([, spec]) => spec.writes || (spec as MethodSpec).auditRead)
  .map(([name, spec]) => ({ value: name, label: spec.summary.replace(/\s*\(.*\)$/, '') }))
  .sort((a, b) => a.label.localeCompare(b.label))

const PAGE = 50

/** Admin → Journal: who changed what, when, from which PC; filtered, exported, and checked end to end. */
export function JournalScreen() {
  const api = useApi()
  const { settings } = useSession()
  const tz = settings?.timeZone
  const [userId, setUserId] = useState<string | null>(null)
  const [patient, setPatient] = useState<PatientSummary | null>(null)
  const [method, setMethod] = useState<string | null>(null)
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [limit, setLimit] = useState(PAGE)
  const [check, setCheck] = useState<ChainCheck | { failed: string } | null>(null)
  const [checking, setChecking] = useState(false)
  const [exporting, setExporting] = useState(false)

  const filter: JournalFilter = {
    ...(userId ? { userId } : {}),
    ...(patient ? { patientId: patient.id } : {}),
    ...(method ? { method } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {})
  }
  const staff = useApiQuery('users.list', {}, { shows: ['users'] })
  // Every write adds an entry, so the list follows every change.
  const journal = useApiQuery('audit.journal', { ...filter, limit }, { shows: ['*'] })
  const filtered = Object.keys(filter).length > 0

  const verify = async () => {
    setChecking(true)
    try {
      setCheck(await api.call('audit.verify'))
    } catch (error) {
      setCheck({ failed: describeError(error) })
    } finally {
      setChecking(false)
    }
  }

  const exportCsv = async () => {
    setExporting(true)
    try {
      saveFile(await api.call('audit.exportJournal', filter), 'docspot-journal.csv')
    } catch (error) {
      setCheck({ failed: `The export did not work: ${describeError(error)}` })
    } finally {
      setExporting(false)
    }
  }

  const clear = () => {
    setUserId(null)
    setPatient(null)
    setMethod(null)
    setFrom('')
    setTo('')
    setLimit(PAGE)
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={4}>Change journal</Title>
          <Text size="sm" c="dimmed">
            Every change anyone made, and every opening of a patient’s record, in order. Each entry is sealed with a hash of the one before it, so a removed or altered entry shows.
          </Text>
        </div>
        <Group gap="xs">
          <Button variant="default" leftSection={<IconShieldCheck size={16} />} loading={checking} onClick={verify}>
            Check the chain
          </Button>
          <Button variant="default" leftSection={<IconDownload size={16} />} loading={exporting} onClick={exportCsv}>
            Export CSV
          </Button>
        </Group>
      </Group>

      {check && <ChainResult check={check} />}

      <Paper withBorder p="sm">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            label="Who"
            placeholder="Anyone"
            clearable
            searchable
            w={180}
            data={(staff.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
            value={userId}
            onChange={(v) => (setUserId(v), setLimit(PAGE))}
          />
          <div style={{ width: 260 }}>
            <PatientPicker label="Patient" includeArchived value={patient} onChange={(p) => (setPatient(p), setLimit(PAGE))} />
          </div>
          <Select label="What" placeholder="Any change" clearable searchable w={240} data={METHODS} value={method} onChange={(v) => (setMethod(v), setLimit(PAGE))} />
          <DateField label="From" w={140} value={from} onChange={(v) => (setFrom(v), setLimit(PAGE))} />
          <DateField label="To" w={140} value={to} onChange={(v) => (setTo(v), setLimit(PAGE))} />
          {filtered && (
            <Button variant="subtle" onClick={clear}>
              Clear filters
            </Button>
          )}
        </Group>
      </Paper>

      {journal.error ? (
        <Alert color="red" title="Could not load the journal">
          {journal.error.message}
        </Alert>
      ) : !journal.data ? (
        <Group justify="center" py="xl">
          <Loader size="sm" aria-label="Loading the journal" />
        </Group>
      ) : journal.data.items.length === 0 ? (
        <Paper withBorder p="xl">
          <Text ta="center" c="dimmed">
            {filtered ? 'No change matches these filters.' : 'Nothing has been changed yet.'}
          </Text>
        </Paper>
      ) : (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="xs" striped aria-label="Change journal" stickyHeader>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>Entry</Table.Th>
                  <Table.Th w={150}>When ({tz})</Table.Th>
                  <Table.Th w={180}>Who</Table.Th>
                  <Table.Th>What changed</Table.Th>
                  <Table.Th w={170}>From</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {journal.data.items.map((entry) => (
                  <EntryRow key={entry.seq} entry={entry} timeZone={tz} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {journal.data.hasMore && (
            <Group justify="center" p="sm">
              {limit < 200 ? (
                <Button variant="subtle" onClick={() => setLimit((l) => Math.min(200, l + PAGE))} loading={journal.isFetching}>
                  Show older entries
                </Button>
              ) : (
                <Text size="sm" c="dimmed">
                  Showing the newest 200. Narrow the filters, or export CSV for the whole journal.
                </Text>
              )}
            </Group>
          )}
        </Paper>
      )}
    </Stack>
  )
}

function EntryRow({ entry, timeZone }: { entry: JournalEntry; timeZone?: string }) {
  const who = entry.actor.job ? (
    <Text size="sm" c="dimmed">
      DocSpot ({entry.actor.job.replace(/-/g, ' ')})
    </Text>
  ) : entry.actor.name ? (
    <div>
      <Text size="sm">{entry.actor.name}</Text>
      {entry.actor.role && (
        <Text size="xs" c="dimmed">
          {ROLE[entry.actor.role]}
        </Text>
      )}
    </div>
  ) : (
    <Text size="sm" c="dimmed">
      —
    </Text>
  )
  const more = entry.rowCount - entry.changes.length
  return (
    <Table.Tr data-testid="journal-entry">
      <Table.Td>
        <Tooltip label={`Hash ${entry.hash.slice(0, 16)}…`} withArrow>
          <Text size="sm" ff="monospace">
            #{entry.seq}
          </Text>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatInstant(entry.at, timeZone)}</Text>
      </Table.Td>
      <Table.Td>{who}</Table.Td>
      <Table.Td>
        <Text size="sm" fw={600}>
          {entry.action}
        </Text>
        {entry.changes.map((c, i) => (
          <Text key={i} size="sm" c="dimmed" lineClamp={1}>
            {c.words}
          </Text>
        ))}
        {more > 0 && (
          <Text size="sm" c="dimmed">
            and {more.toLocaleString()} more rows
          </Text>
        )}
        {entry.rowCount === 0 && entry.changes.length === 0 && (
          <Text size="sm" c="dimmed">
            No clinic records changed
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" c="dimmed">
          {entry.device ?? '—'}
        </Text>
      </Table.Td>
    </Table.Tr>
  )
}

function ChainResult({ check }: { check: ChainCheck | { failed: string } }) {
  if ('failed' in check)
    return (
      <Alert color="red" title="Not checked" role="alert">
        {check.failed}
      </Alert>
    )
  if (check.ok)
    return (
      <Alert color="teal" icon={<IconShieldCheck size={18} />} title="The journal is intact" role="status">
        All {check.entries.toLocaleString()} entries follow one another unchanged, up to entry #{check.lastSeq} (<Code>{check.lastHash?.slice(0, 16)}…</Code>).
      </Alert>
    )
  return (
    <Alert color="red" icon={<IconShieldX size={18} />} title={`The chain is broken at entry #${check.broken!.seq}`} role="alert">
      Entry #{check.broken!.seq} {check.broken!.reason}. The {check.entries.toLocaleString()} entries before it are intact. Keep this database as it is and tell whoever looks after the clinic’s data.
    </Alert>
  )
}
