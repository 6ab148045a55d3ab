import { Loader, Select, Stack, Text } from '@mantine/core'
import { IconSearch } from '@tabler/icons-react'
import { useState } from 'react'
import type { PatientSummary } from '../../../../shared/api'
import { formatPhone } from '../../../../shared/lib/phone'
import { usePatientSearch } from '../patients/usePatientSearch'

const labelOf = (p: PatientSummary) => `${p.name} · ${p.number}`

/** A search-as-you-type patient chooser that shows its error on the field (the API names `patientId`). */
export function PatientField({ value, onChange, error, autoFocus }: { value: PatientSummary | null; onChange(p: PatientSummary | null): void; error?: string; autoFocus?: boolean }) {
  const { result, loading, failed, search } = usePatientSearch(12)
  const [query, setQuery] = useState(value ? labelOf(value) : '')
  const pool = new Map<string, PatientSummary>()
  for (const p of result?.items ?? []) pool.set(p.id, p)
  if (value) pool.set(value.id, value)
  const typing = query.trim().length >= 2 && !(value && query === labelOf(value))

  return (
    <Select
      label="Patient"
      withAsterisk
      placeholder="Type a name, phone or patient number"
      searchable
      clearable
      autoFocus={autoFocus}
      data-autofocus={autoFocus || undefined}
      data={[...pool.values()].map((p) => ({ value: p.id, label: labelOf(p) }))}
      value={value?.id ?? null}
      searchValue={query}
      onSearchChange={(q) => {
        setQuery(q)
        // Choosing an option puts its label in the box: that is not a new search.
        if (value && q === labelOf(value)) return
        search(q.trim().length >= 2 ? q : '')
      }}
      onChange={(id) => onChange(id ? (pool.get(id) ?? null) : null)}
      // The hub ranked the matches already; do not filter them again by label.
      filter={({ options }) => options}
      leftSection={<IconSearch size={16} />}
      rightSection={loading ? <Loader size="xs" /> : undefined}
      nothingFoundMessage={failed ?? (typing ? (loading ? 'Searching…' : 'No patient matches') : 'Type at least 2 characters')}
      error={error}
      maxDropdownHeight={320}
      renderOption={({ option }) => {
        const p = pool.get(option.value)
        if (!p) return option.label
        return (
          <Stack gap={0}>
            <Text size="sm" fw={500}>
              {p.name}
            </Text>
            <Text size="xs" c="dimmed">
              {[p.number, formatPhone(p.phone)].filter(Boolean).join(' · ')}
            </Text>
          </Stack>
        )
      }}
    />
  )
}
