import { Group, Loader, Select, Stack, Text } from '@mantine/core'
import { useDebouncedCallback } from '@mantine/hooks'
import { IconSearch } from '@tabler/icons-react'
import { useRef, useState, type ReactNode } from 'react'
import type { PatientSummary } from '../../../../../shared/api'
import { formatPhone } from '../../../../../shared/lib/phone'
import { useApi } from '../../../api/context'
import { showError } from '../../../lib/errors'
import { formatDate } from './fields'

export function pickerLabel(p: PatientSummary): string {
  return `${p.name} · ${p.number}`
}

/** A search-as-you-type patient chooser: name, phone, patient number, email or date of birth. */
export function PatientPicker({
  label,
  description,
  value,
  excludeId,
  includeArchived = false,
  onChange
}: {
  label: ReactNode
  description?: ReactNode
  value: PatientSummary | null
  excludeId?: string
  /** Archived records too (the journal: who touched a record now archived). */
  includeArchived?: boolean
  onChange: (patient: PatientSummary | null) => void
}) {
  const api = useApi()
  const [results, setResults] = useState<PatientSummary[]>([])
  const [loading, setLoading] = useState(false)
  const [query, setQuery] = useState('')
  const latest = useRef(0)

  const search = useDebouncedCallback((q: string) => {
    const ticket = ++latest.current
    api.call('patients.search', { q, limit: 12, includeArchived }).then(
      (found) => {
        if (ticket !== latest.current) return
        setResults(found.items)
        setLoading(false)
      },
      (error) => {
        if (ticket !== latest.current) return
        setLoading(false)
        showError(error, undefined, 'Search failed')
      }
    )
  }, 200)

  const onSearchChange = (q: string) => {
    setQuery(q)
    // Choosing an option puts its label in the box; that is not a new search.
    if (value && q === pickerLabel(value)) return
    if (q.trim().length < 2) {
      latest.current++
      setResults([])
      setLoading(false)
      return
    }
    setLoading(true)
    search(q.trim())
  }

  const pool = new Map<string, PatientSummary>()
  for (const p of results) if (p.id !== excludeId) pool.set(p.id, p)
  if (value) pool.set(value.id, value)
  const data = [...pool.values()].map((p) => ({ value: p.id, label: pickerLabel(p) }))
  const searching = query.trim().length >= 2 && !(value && query === pickerLabel(value))

  return (
    <Select
      label={label}
      description={description}
      placeholder="Type a name, phone or patient number"
      searchable
      clearable
      data={data}
      value={value?.id ?? null}
      searchValue={query}
      onSearchChange={onSearchChange}
      onChange={(id) => onChange(id ? (pool.get(id) ?? null) : null)}
      // The hub already ranked the matches; do not filter them again by label.
      filter={({ options }) => options}
      leftSection={<IconSearch size={16} />}
      rightSection={loading ? <Loader size="xs" /> : undefined}
      nothingFoundMessage={searching ? (loading ? 'Searching…' : 'No patient matches') : 'Type at least 2 characters'}
      comboboxProps={{ shadow: 'md' }}
      maxDropdownHeight={360}
      renderOption={({ option }) => {
        const p = pool.get(option.value)
        if (!p) return option.label
        const details = [p.number, formatPhone(p.phone), p.dateOfBirth ? `born ${formatDate(p.dateOfBirth)}` : '', p.email]
        return (
          <Stack gap={0}>
            <Text size="sm" fw={500}>
              {p.name}
            </Text>
            <Group gap="xs">
              <Text size="xs" c="dimmed">
                {details.filter(Boolean).join(' · ')}
              </Text>
            </Group>
          </Stack>
        )
      }}
    />
  )
}
