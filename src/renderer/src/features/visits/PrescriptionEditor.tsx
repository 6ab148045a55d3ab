import { ActionIcon, Alert, Autocomplete, Button, Group, Paper, SimpleGrid, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconPlus, IconRepeat, IconStar, IconStarFilled, IconTrash } from '@tabler/icons-react'
import { useState } from 'react'
import type { AllergyWarning, DrugLine, DrugSuggestion } from '../../../../shared/api'
import { frequencyMeaning } from '../../../../shared/lib/frequency'
import { useApi } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { showError } from '../../lib/errors'
import { formatDate } from './format'

export const EMPTY_LINE: DrugLine = { drugName: '', strength: '', form: '', dose: '', frequency: '', duration: '', route: '', instructions: '' }

const FREQUENCIES = ['1-0-1', '1-1-1', '1-0-0', '0-0-1', '0-1-0', '1-1-1-1', 'OD', 'BD', 'TDS', 'QID', 'HS', 'SOS', 'STAT']
const FORMS = ['tablet', 'capsule', 'syrup', 'suspension', 'drops', 'ointment', 'cream', 'gel', 'inhaler', 'injection', 'sachet', 'spray']
const ROUTES = ['oral', 'topical', 'inhaled', 'nasal', 'eye', 'ear', 'IM', 'IV', 'SC', 'sublingual', 'rectal']

export interface ItemWarning extends AllergyWarning {
  confirmed: boolean
}

/**
 * The prescription as the doctor writes it: one card per drug, the drug name offering their
 * favourites and recent drugs, the frequency taking the desk's shorthand (its meaning shown
 * under it), and any allergy match in red beside the drug, with the confirmation it needs.
 */
export function PrescriptionEditor(props: {
  patientId: string
  items: DrugLine[]
  onChange: (items: DrugLine[]) => void
  warnings: ItemWarning[]
  onConfirm: (warning: AllergyWarning) => void
  errors: Record<string, string>
}) {
  const api = useApi()
  const { items, onChange, warnings } = props
  const set = (index: number, patch: Partial<DrugLine>) => onChange(items.map((item, i) => (i === index ? { ...item, ...patch } : item)))
  const [repeating, setRepeating] = useState(false)

  const repeatLast = async () => {
    setRepeating(true)
    try {
      const last = await api.call('prescriptions.last', { patientId: props.patientId })
      if (!last) {
        notifications.show({ color: 'gray', title: 'Nothing to repeat', message: 'This patient has no earlier signed prescription.' })
        return
      }
      const kept = items.filter((i) => i.drugName.trim() !== '')
      onChange([...kept, ...last.items])
      notifications.show({ color: 'teal', title: 'Prescription repeated', message: `${last.items.length} drug${last.items.length === 1 ? '' : 's'} from ${formatDate(last.date)} added: check each one.` })
    } catch (error) {
      showError(error, undefined, 'Could not repeat the prescription')
    } finally {
      setRepeating(false)
    }
  }

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Prescription">
      <Group justify="space-between" mb="sm">
        <Title order={4}>℞ Prescription</Title>
        <Group gap="xs">
          <Button size="xs" variant="default" leftSection={<IconRepeat size={14} />} loading={repeating} onClick={() => void repeatLast()}>
            Repeat last prescription
          </Button>
          <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => onChange([...items, { ...EMPTY_LINE }])}>
            Add drug
          </Button>
        </Group>
      </Group>
      <Stack gap="sm">
        {items.length === 0 && (
          <Text c="dimmed" size="sm">
            No drugs yet. Add one, or repeat the last prescription.
          </Text>
        )}
        {items.map((item, index) => (
          <DrugCard
            key={index}
            index={index}
            item={item}
            onChange={(patch) => set(index, patch)}
            onRemove={() => onChange(items.filter((_, i) => i !== index))}
            warning={warnings.find((w) => w.index === index)}
            onConfirm={props.onConfirm}
            error={props.errors[`items.${index}.drugName`]}
          />
        ))}
      </Stack>
    </Paper>
  )
}

function DrugCard(props: {
  index: number
  item: DrugLine
  onChange: (patch: Partial<DrugLine>) => void
  onRemove: () => void
  warning: ItemWarning | undefined
  onConfirm: (warning: AllergyWarning) => void
  error: string | undefined
}) {
  const api = useApi()
  const { item, index, warning } = props
  const [query] = useDebouncedValue(item.drugName, 150)
  const suggestions = useApiQuery('prescriptions.suggest', { query, limit: 12 }, { shows: ['favourite_drugs', 'prescription_items'] })
  const options = suggestions.data ?? []
  const labelOf = (s: DrugSuggestion) => [s.drugName, s.strength, s.form].filter(Boolean).join(' ')
  const favourite = options.find((s) => s.source === 'favourite' && s.drugName.toLowerCase() === item.drugName.toLowerCase() && s.strength === item.strength && s.form === item.form)
  const meaning = frequencyMeaning(item.frequency)
  const n = index + 1

  const pick = (value: string) => {
    const chosen = options.find((s) => labelOf(s) === value)
    if (chosen) {
      const { source: _source, favouriteId: _id, ...line } = chosen
      props.onChange(line)
    } else props.onChange({ drugName: value })
  }

  const toggleFavourite = async () => {
    try {
      if (favourite?.favouriteId) await api.call('prescriptions.removeFavourite', { id: favourite.favouriteId })
      else await api.call('prescriptions.saveFavourite', item)
    } catch (error) {
      showError(error, undefined, 'Favourites not changed')
    }
  }

  return (
    <Paper withBorder radius="sm" p="sm" bg={warning && !warning.confirmed ? 'red.0' : undefined} style={warning && !warning.confirmed ? { borderColor: 'var(--mantine-color-red-6)' } : undefined}>
      <Group align="flex-start" gap="xs" wrap="nowrap">
        <Text fw={700} mt={26} w={20} ta="right">
          {n}.
        </Text>
        <Stack gap={6} style={{ flex: 1 }}>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
            <Autocomplete
              label="Drug"
              aria-label={`Drug ${n}`}
              placeholder="Type to search your drugs"
              value={item.drugName}
              onChange={pick}
              data={[...new Set(options.map(labelOf))]}
              error={props.error}
              withAsterisk
              autoFocus={item.drugName === '' && index > 0}
              comboboxProps={{ withinPortal: true }}
              filter={({ options: all }) => all}
            />
            <TextInput label="Strength" aria-label={`Strength ${n}`} placeholder="500 mg" value={item.strength} onChange={(e) => props.onChange({ strength: e.currentTarget.value })} />
            <Autocomplete label="Form" aria-label={`Form ${n}`} placeholder="tablet" value={item.form} onChange={(form) => props.onChange({ form })} data={FORMS} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
            <TextInput label="Dose" aria-label={`Dose ${n}`} placeholder="1 tablet" value={item.dose} onChange={(e) => props.onChange({ dose: e.currentTarget.value })} />
            <Autocomplete
              label="Frequency"
              aria-label={`Frequency ${n}`}
              placeholder="1-0-1, BD, SOS"
              value={item.frequency}
              onChange={(frequency) => props.onChange({ frequency })}
              data={FREQUENCIES}
              description={meaning || undefined}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
            />
            <TextInput label="Duration" aria-label={`Duration ${n}`} placeholder="5 days" value={item.duration} onChange={(e) => props.onChange({ duration: e.currentTarget.value })} />
            <Autocomplete label="Route" aria-label={`Route ${n}`} placeholder="oral" value={item.route} onChange={(route) => props.onChange({ route })} data={ROUTES} />
          </SimpleGrid>
          <TextInput label="Instructions" aria-label={`Instructions ${n}`} placeholder="After food" value={item.instructions} onChange={(e) => props.onChange({ instructions: e.currentTarget.value })} />
          {warning && (
            <Alert
              color={warning.confirmed ? 'orange' : 'red'}
              variant={warning.confirmed ? 'light' : 'filled'}
              icon={<IconAlertTriangle size={18} />}
              p="xs"
              title={warning.confirmed ? 'Prescribed despite an allergy (confirmed)' : 'Allergy warning'}
              role="alert"
            >
              <Group justify="space-between" gap="xs">
                <Text size="sm">
                  {warning.drugName} matches the allergy “{warning.allergy}” recorded for this patient.
                </Text>
                {!warning.confirmed && (
                  <Button size="xs" color="dark" variant="white" onClick={() => props.onConfirm(warning)}>
                    Prescribe anyway
                  </Button>
                )}
              </Group>
            </Alert>
          )}
        </Stack>
        <Stack gap={4} mt={24}>
          <Tooltip label={favourite ? 'Remove from your favourites' : 'Keep as one of your favourites'}>
            <ActionIcon variant="subtle" color="yellow" aria-label={favourite ? `Remove drug ${n} from favourites` : `Add drug ${n} to favourites`} disabled={!item.drugName.trim()} onClick={() => void toggleFavourite()}>
              {favourite ? <IconStarFilled size={18} /> : <IconStar size={18} />}
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Remove this drug">
            <ActionIcon variant="subtle" color="red" aria-label={`Remove drug ${n}`} onClick={props.onRemove}>
              <IconTrash size={18} />
            </ActionIcon>
          </Tooltip>
        </Stack>
      </Group>
    </Paper>
  )
}
