import { Badge, Combobox, Group, Kbd, Loader, Text, TextInput, useCombobox } from '@mantine/core'
import { useHotkeys, useOs } from '@mantine/hooks'
import { IconSearch, IconUserPlus } from '@tabler/icons-react'
import { memo, useRef, useState } from 'react'
import { useNavigate } from 'react-router'
import type { PatientSummary } from '../../../shared/api'
import { formatPhone } from '../../../shared/lib/phone'
import { useSession } from '../api/context'
import { useCan } from '../api/queries'
import { ageOf, formatDob, GENDER_LABEL, MATCHED_ON_LABEL } from '../features/patients/format'
import { prefillFor, registerPath, usePatientSearch } from '../features/patients/usePatientSearch'
import classes from './GlobalSearch.module.css'

const LIMIT = 8
const NEW = '__new__'
const MORE = '__more__'

/** The patient search box in the header, on every screen (Ctrl+K or /). */
export function GlobalSearch() {
  const { settings } = useSession()
  const navigate = useNavigate()
  const os = useOs()
  const input = useRef<HTMLInputElement>(null)
  const [value, setValue] = useState('')
  const { result, loading, failed, search } = usePatientSearch(LIMIT)
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() })
  const canRegister = useCan()('patients.create')

  const focus = () => {
    input.current?.focus()
    input.current?.select()
    if (value.trim()) combobox.openDropdown()
  }
  useHotkeys([['mod+K', focus]], [])
  useHotkeys([['/', focus]])

  const q = value.trim()
  const items = result?.items ?? []
  const current = result?.q === q
  const noMatches = current && !loading && items.length === 0

  const choose = (chosen: string) => {
    if (chosen === NEW) navigate(registerPath(q))
    else if (chosen === MORE) navigate(`/patients?q=${encodeURIComponent(q)}`)
    else navigate(`/patients/${chosen}`)
    setValue('')
    search('')
    combobox.closeDropdown()
    input.current?.blur()
  }

  const options = items.map((p) => (
    <Combobox.Option value={p.id} key={p.id} aria-label={`${p.name}, ${p.number}`}>
      <ResultRow patient={p} timeZone={settings?.timeZone} />
    </Combobox.Option>
  ))

  return (
    <Combobox store={combobox} onOptionSubmit={choose} classNames={{ option: classes.option }} width={560} position="bottom" offset={6} shadow="lg" withinPortal>
      <Combobox.Target withExpandedAttribute>
        <TextInput
          ref={input}
          w={{ base: 220, md: 420, lg: 480 }}
          aria-label="Search patients"
          placeholder="Find patient: name, phone, number, DOB"
          leftSection={loading ? <Loader size={14} /> : <IconSearch size={16} />}
          rightSection={
            value ? null : (
              <Kbd size="xs" visibleFrom="md">
                {os === 'macos' ? '⌘' : 'Ctrl'} K
              </Kbd>
            )
          }
          rightSectionWidth={56}
          rightSectionPointerEvents="none"
          value={value}
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => {
            const next = event.currentTarget.value
            setValue(next)
            search(next)
            combobox.resetSelectedOption()
            if (next.trim()) combobox.openDropdown()
            else combobox.closeDropdown()
          }}
          onFocus={() => q && combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && combobox.getSelectedOptionIndex() === -1 && q) {
              // Enter without choosing: the best match, or registration when nothing matched.
              event.preventDefault()
              if (current && items.length > 0) choose(items[0].id)
              else if (noMatches && canRegister) choose(NEW)
            } else if (event.key === 'Escape' && !combobox.dropdownOpened) {
              setValue('')
              search('')
              input.current?.blur()
            }
          }}
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={!q} aria-label="Patient search results">
        <Combobox.Options mah={520} style={{ overflowY: 'auto' }}>
          {failed ? (
            <Combobox.Empty c="red">Search failed: {failed}</Combobox.Empty>
          ) : !result && loading ? (
            <Combobox.Empty>Searching…</Combobox.Empty>
          ) : noMatches ? (
            <>
              <Text size="sm" c="dimmed" px="sm" py={6}>
                No patient matches “{q}”
              </Text>
              {canRegister && <NewOption q={q} />}
            </>
          ) : (
            <>
              {options}
              {result?.hasMore && current && (
                <Combobox.Option value={MORE}>
                  <Text size="sm" c="dimmed">
                    More matches: show all on the Patients page
                  </Text>
                </Combobox.Option>
              )}
              {canRegister && items.length > 0 && current && <NewOption q={q} subtle />}
            </>
          )}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  )
}

function NewOption({ q, subtle }: { q: string; subtle?: boolean }) {
  const prefill = prefillFor(q)
  return (
    <Combobox.Option value={NEW} aria-label="Register new patient" style={subtle ? { borderTop: '1px solid var(--mantine-color-default-border)' } : undefined}>
      <Group gap="xs" wrap="nowrap">
        <IconUserPlus size={16} color="var(--mantine-color-teal-filled)" />
        <Text size="sm" fw={subtle ? 400 : 600}>
          Register new patient
        </Text>
        <Text size="xs" c="dimmed" truncate>
          {prefill.phone ? `with phone ${prefill.phone}` : prefill.name ? `named “${prefill.name}”` : ''}
        </Text>
      </Group>
    </Combobox.Option>
  )
}

const ResultRow = memo(function ResultRow({ patient: p, timeZone }: { patient: PatientSummary; timeZone?: string }) {
  const age = ageOf(p.dateOfBirth, timeZone)
  const sex = p.gender === 'unknown' ? '' : GENDER_LABEL[p.gender]
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm">
      <div style={{ minWidth: 0 }}>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={600} truncate>
            {p.name}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {p.number}
          </Text>
        </Group>
        <Text size="xs" c="dimmed" truncate>
          {[formatPhone(p.phone), p.dateOfBirth && (p.dateOfBirthEstimated ? `≈${age}` : `${formatDob(p.dateOfBirth)} (${age})`), sex, p.email]
            .filter(Boolean)
            .join('  ·  ') || 'No phone or date of birth on file'}
        </Text>
      </div>
      {p.matchedOn && (
        <Badge size="xs" variant="light" color={p.matchedOn === 'similar name' ? 'yellow' : 'gray'} style={{ flexShrink: 0 }}>
          {MATCHED_ON_LABEL[p.matchedOn]}
        </Badge>
      )}
    </Group>
  )
})
