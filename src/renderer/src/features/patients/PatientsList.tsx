import { Anchor, Badge, Button, Group, Loader, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { IconSearch, IconUserPlus, IconUsers } from '@tabler/icons-react'
import { memo, useEffect, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import type { PatientSummary } from '../../../../shared/api'
import { formatPhone } from '../../../../shared/lib/phone'
import { useSession } from '../../api/context'
import { useApiQuery, useCan } from '../../api/queries'
import { showError } from '../../lib/errors'
import { EmptyState } from '../../shell/EmptyState'
import { ageOf, formatDob, GENDER_LABEL, MATCHED_ON_LABEL } from './format'
import { registerPath, usePatientSearch } from './usePatientSearch'

export function PatientsList() {
  const [params] = useSearchParams()
  const q = params.get('q') ?? ''
  return <PatientsListPage key={q} initialQuery={q} />
}

function PatientsListPage({ initialQuery }: { initialQuery: string }) {
  const navigate = useNavigate()
  const can = useCan()
  const canRegister = can('patients.create')
  const [query, setQuery] = useState(initialQuery)
  const { result, loading, failed, search } = usePatientSearch(50)
  const recentQuery = useApiQuery('patients.recent', { limit: 30 }, { shows: ['patients'] })
  const recent: PatientSummary[] | null = recentQuery.data ?? null
  useEffect(() => void (recentQuery.error && showError(recentQuery.error, undefined, 'Could not load patients')), [recentQuery.error])
  useEffect(() => {
    if (!initialQuery) return
    const timer = setTimeout(() => search(initialQuery), 0)
    return () => clearTimeout(timer)
  }, [initialQuery, search])

  const searching = query.trim() !== ''
  const rows = searching ? (result?.items ?? null) : recent
  // A new clinic: nothing to filter, one clear way forward.
  const noPatients = !searching && recent?.length === 0

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Patients</Title>
          <Text c="dimmed" size="sm">
            {searching ? 'Search results' : 'Recently registered or changed'}
          </Text>
        </div>
        {canRegister && !noPatients && (
          <Button leftSection={<IconUserPlus size={16} />} onClick={() => navigate(registerPath(query))}>
            Register patient
          </Button>
        )}
      </Group>
      {!noPatients && (
        <TextInput
          aria-label="Filter patients"
          placeholder="Name, phone, patient number, date of birth or email"
          leftSection={loading ? <Loader size={14} /> : <IconSearch size={16} />}
          value={query}
          autoComplete="off"
          spellCheck={false}
          maw={560}
          onChange={(event) => {
            setQuery(event.currentTarget.value)
            search(event.currentTarget.value)
          }}
        />
      )}
      {failed && (
        <Text c="red" size="sm" role="alert">
          Search failed: {failed}
        </Text>
      )}
      {rows === null ? (
        <Loader size="sm" />
      ) : rows.length === 0 ? (
        searching ? (
          result?.q === query.trim() && !loading && (
            <EmptyState icon={IconSearch} title={`No patient matches “${query.trim()}”`}>
              Check the spelling, or search by phone digits, patient number or date of birth (DD/MM/YYYY).
              {canRegister && (
                <>
                  <br />
                  <Button mt="md" variant="light" leftSection={<IconUserPlus size={16} />} onClick={() => navigate(registerPath(query))}>
                    Register “{query.trim()}” as a new patient
                  </Button>
                </>
              )}
            </EmptyState>
          )
        ) : (
          <EmptyState icon={IconUsers} title="No patients yet">
            Patients you register appear here, newest first. Find anyone later from the search box at the top (Ctrl+K).
            {canRegister && (
              <>
                <br />
                <Button mt="md" leftSection={<IconUserPlus size={16} />} onClick={() => navigate('/patients/new')}>
                  Register the first patient
                </Button>
              </>
            )}
          </EmptyState>
        )
      ) : (
        <Paper withBorder radius="md">
          <Table highlightOnHover verticalSpacing={6} aria-label={searching ? 'Search results' : 'Recent patients'}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Patient</Table.Th>
                <Table.Th>No.</Table.Th>
                <Table.Th>Phone</Table.Th>
                <Table.Th>Date of birth</Table.Th>
                <Table.Th>Gender</Table.Th>
                {searching && <Table.Th>Matched on</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((p) => (
                <PatientRow key={p.id} patient={p} showMatch={searching} />
              ))}
            </Table.Tbody>
          </Table>
          {searching && result?.hasMore && (
            <Text size="xs" c="dimmed" p="sm">
              Showing the best {rows.length} matches; type more to narrow down.
            </Text>
          )}
        </Paper>
      )}
    </Stack>
  )
}

const PatientRow = memo(function PatientRow({ patient: p, showMatch }: { patient: PatientSummary; showMatch: boolean }) {
  const navigate = useNavigate()
  const { settings } = useSession()
  return (
    <Table.Tr style={{ cursor: 'pointer' }} onClick={() => navigate(`/patients/${p.id}`)}>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Anchor component={Link} to={`/patients/${p.id}`} fw={600} size="sm" c="var(--mantine-color-text)" onClick={(e) => e.stopPropagation()}>
            {p.name}
          </Anchor>
          {p.archivedAt && (
            <Badge size="xs" color="gray" variant="light">
              Archived
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace" c="dimmed">
          {p.number}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatPhone(p.phone) || '—'}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{p.dateOfBirth ? `${formatDob(p.dateOfBirth)} · ${ageOf(p.dateOfBirth, settings?.timeZone)}` : '—'}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{p.gender === 'unknown' ? '—' : GENDER_LABEL[p.gender]}</Text>
      </Table.Td>
      {showMatch && (
        <Table.Td>
          {p.matchedOn && (
            <Badge size="xs" variant="light" color={p.matchedOn === 'similar name' ? 'yellow' : 'gray'}>
              {MATCHED_ON_LABEL[p.matchedOn]}
            </Badge>
          )}
        </Table.Td>
      )}
    </Table.Tr>
  )
})
