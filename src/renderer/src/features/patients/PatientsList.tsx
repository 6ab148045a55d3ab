import { Anchor, Badge, Button, Group, Loader, Pagination, Paper, SegmentedControl, Select, Stack, Switch, Table, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { IconArchive, IconFilter, IconSearch, IconUserPlus, IconUsers } from '@tabler/icons-react'
import { memo, useEffect, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { GENDERS, type Gender, type PatientSummary } from '../../../../shared/api'
import { formatPhone } from '../../../../shared/lib/phone'
import { useSession } from '../../api/context'
import { useApiQuery, useCan } from '../../api/queries'
import { showError } from '../../lib/errors'
import { EmptyState } from '../../shell/EmptyState'
import { dobText, GENDER_LABEL, MATCHED_ON_LABEL } from './format'
import { prefillFor, registerPath, usePatientSearch } from './usePatientSearch'
import { DateField } from '../../shell/DateField'

export function PatientsList() {
  const [params] = useSearchParams()
  const q = params.get('q') ?? ''
  return <PatientsListPage key={q} initialQuery={q} />
}

const PAGE = 50
const SORTS = [
  { value: 'registered:desc', label: 'Newest registered first' },
  { value: 'registered:asc', label: 'Oldest registered first' },
  { value: 'name:asc', label: 'Name, A to Z' },
  { value: 'name:desc', label: 'Name, Z to A' },
  { value: 'number:asc', label: 'Patient number' }
]
const AGE_BANDS = [
  { value: '', label: 'Any age' },
  { value: '0-12', label: 'Children (0–12)' },
  { value: '13-17', label: 'Teenagers (13–17)' },
  { value: '18-39', label: '18–39' },
  { value: '40-59', label: '40–59' },
  { value: '60-130', label: '60 and over' }
]

interface ListFilters {
  sort: string
  status: 'active' | 'archived' | 'all'
  gender: string
  age: string
  registeredFrom: string
  registeredTo: string
}
const NO_FILTERS: ListFilters = { sort: 'registered:desc', status: 'active', gender: '', age: '', registeredFrom: '', registeredTo: '' }

function PatientsListPage({ initialQuery }: { initialQuery: string }) {
  const navigate = useNavigate()
  const can = useCan()
  const canRegister = can('patients.create')
  const [query, setQuery] = useState(initialQuery)
  const [withArchived, setWithArchived] = useState(false)
  const { result, loading, failed, search } = usePatientSearch(50)
  const [filters, setFilters] = useState<ListFilters>(NO_FILTERS)
  const [page, setPage] = useState(1)
  const [sort, direction] = filters.sort.split(':') as ['registered' | 'name' | 'number', 'asc' | 'desc']
  const [ageFrom, ageTo] = filters.age ? filters.age.split('-').map(Number) : []
  const listQuery = useApiQuery(
    'patients.list',
    {
      sort,
      direction,
      status: filters.status,
      ...(filters.gender ? { gender: filters.gender as Gender } : {}),
      ...(filters.age ? { ageFrom, ageTo } : {}),
      ...(filters.registeredFrom ? { registeredFrom: filters.registeredFrom } : {}),
      ...(filters.registeredTo ? { registeredTo: filters.registeredTo } : {}),
      limit: PAGE,
      offset: (page - 1) * PAGE
    },
    { shows: ['patients'] }
  )
  const list = listQuery.data ?? null
  useEffect(() => void (listQuery.error && showError(listQuery.error, undefined, 'Could not load patients')), [listQuery.error])
  useEffect(() => {
    if (!initialQuery) return
    const timer = setTimeout(() => search(initialQuery), 0)
    return () => clearTimeout(timer)
  }, [initialQuery, search])
  const setFilter = (change: Partial<ListFilters>) => {
    setFilters((f) => ({ ...f, ...change }))
    setPage(1)
  }

  const searching = query.trim() !== ''
  const rows = searching ? (result?.items ?? null) : (list?.items ?? null)
  const filtered = JSON.stringify({ ...filters, sort: '' }) !== JSON.stringify({ ...NO_FILTERS, sort: '' })
  // A new clinic: nothing to filter, one clear way forward.
  const noPatients = !searching && !filtered && list?.total === 0
  const pages = list ? Math.max(1, Math.ceil(list.total / PAGE)) : 1
  const answered = result?.q === query.trim() && !loading
  const prefill = prefillFor(query)

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Patients</Title>
          <Text c="dimmed" size="sm" aria-live="polite">
            {searching
              ? `Search results${result?.includeArchived ? ', archived records included' : ''}`
              : list
                ? `${list.total.toLocaleString('en-IN')} ${filters.status === 'archived' ? 'archived ' : ''}patient${list.total === 1 ? '' : 's'}${filtered ? ' match the filters' : ''}`
                : 'Loading…'}
          </Text>
        </div>
        {canRegister && !noPatients && (
          <Button leftSection={<IconUserPlus size={16} />} onClick={() => navigate(registerPath(query))}>
            Register patient
          </Button>
        )}
      </Group>
      {!noPatients && (
        <Group align="flex-end" gap="sm">
          <TextInput
            aria-label="Filter patients"
            placeholder="Name, phone, patient number, date of birth or email"
            leftSection={loading ? <Loader size={14} /> : <IconSearch size={16} />}
            value={query}
            autoComplete="off"
            spellCheck={false}
            style={{ flex: 1 }}
            maw={560}
            onChange={(event) => {
              setQuery(event.currentTarget.value)
              search(event.currentTarget.value, withArchived)
            }}
          />
          {searching && (
            <Switch
              label="Include archived"
              checked={withArchived}
              onChange={(event) => {
                setWithArchived(event.currentTarget.checked)
                search(query, event.currentTarget.checked)
              }}
            />
          )}
        </Group>
      )}
      {!searching && !noPatients && (
        <Group gap="sm" align="center" aria-label="List filters" role="group">
          <SegmentedControl
            aria-label="Which records"
            value={filters.status}
            onChange={(v) => setFilter({ status: v as ListFilters['status'] })}
            data={[
              { value: 'active', label: 'Active' },
              { value: 'archived', label: 'Archived' },
              { value: 'all', label: 'All' }
            ]}
          />
          <Select aria-label="Sort by" data={SORTS} value={filters.sort} onChange={(v) => v && setFilter({ sort: v })} allowDeselect={false} w={210} />
          <Select
            aria-label="Sex"
            data={[{ value: '', label: 'Any sex' }, ...GENDERS.filter((g) => g !== 'unknown').map((g) => ({ value: g, label: GENDER_LABEL[g] }))]}
            value={filters.gender}
            onChange={(v) => setFilter({ gender: v ?? '' })}
            allowDeselect={false}
            w={130}
          />
          <Select aria-label="Age" data={AGE_BANDS} value={filters.age} onChange={(v) => setFilter({ age: v ?? '' })} allowDeselect={false} w={170} />
          <Group gap={6} wrap="nowrap">
            <Text size="sm" c="dimmed">
              Registered
            </Text>
            <DateField aria-label="Registered from" value={filters.registeredFrom} onChange={(v) => setFilter({ registeredFrom: v })} w={150} />
            <Text size="sm" c="dimmed">
              to
            </Text>
            <DateField aria-label="Registered to" value={filters.registeredTo} onChange={(v) => setFilter({ registeredTo: v })} w={150} />
          </Group>
          {filtered && (
            <Button variant="subtle" size="xs" onClick={() => setFilter({ ...NO_FILTERS, sort: filters.sort })}>
              Clear filters
            </Button>
          )}
        </Group>
      )}
      {failed && (
        <Text c="red" size="sm" role="alert">
          Search failed: {failed}
        </Text>
      )}
      {rows === null ? (
        <Loader size="sm" aria-label="Loading patients" />
      ) : rows.length === 0 ? (
        searching ? (
          answered && (
            <EmptyState icon={IconSearch} title={`No ${result?.includeArchived ? '' : 'active '}patient matches “${query.trim()}”`}>
              Check the spelling, or search by phone digits, patient number or date of birth (DD/MM/YYYY).
              {!result?.includeArchived && (
                <>
                  <br />
                  <Button
                    mt="md"
                    variant="default"
                    leftSection={<IconArchive size={16} />}
                    onClick={() => {
                      setWithArchived(true)
                      search(query, true)
                    }}
                  >
                    Show archived matches
                  </Button>
                </>
              )}
              {canRegister && (
                <>
                  <br />
                  <Button mt="md" variant="light" leftSection={<IconUserPlus size={16} />} onClick={() => navigate(registerPath(query))}>
                    {prefill.name ? `Register “${prefill.name}” as a new patient` : prefill.phone ? `Register a new patient with phone ${prefill.phone}` : 'Register a new patient'}
                  </Button>
                </>
              )}
            </EmptyState>
          )
        ) : filtered ? (
          <EmptyState icon={IconFilter} title="No patient matches these filters">
            <Button mt="md" variant="light" onClick={() => setFilter({ ...NO_FILTERS, sort: filters.sort })}>
              Clear filters
            </Button>
          </EmptyState>
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
          <Table highlightOnHover verticalSpacing={6} aria-label={searching ? 'Search results' : 'All patients'}>
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
          {!searching && list && pages > 1 && (
            <Group justify="space-between" p="sm">
              <Text size="xs" c="dimmed">
                {((page - 1) * PAGE + 1).toLocaleString('en-IN')}–{Math.min(page * PAGE, list.total).toLocaleString('en-IN')} of {list.total.toLocaleString('en-IN')}
              </Text>
              <Pagination total={pages} value={page} onChange={setPage} size="sm" siblings={1} boundaries={1} getItemProps={(n) => ({ 'aria-label': `Page ${n}` })} />
            </Group>
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
            <Tooltip label={p.archivedReason ?? 'Archived'} withArrow>
              <Badge size="xs" color="gray" variant="light">
                Archived
              </Badge>
            </Tooltip>
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
        <Text size="sm" title={p.dateOfBirthEstimated ? 'Worked out from the age the patient gave' : undefined}>
          {dobText(p, settings?.timeZone) || '—'}
        </Text>
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
