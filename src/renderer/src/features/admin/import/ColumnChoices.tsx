import { Alert, Badge, Group, Select, SimpleGrid, Text, type ComboboxItem, type ComboboxLikeRenderOptionInput } from '@mantine/core'
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react'
import { IMPORT_TARGET_LABELS, type ImportFileColumn, type ImportTarget } from '../../../../../shared/api'

export type ColumnChoice = ImportTarget | 'ignore'

/** The patient's fields in the order the registration form asks for them, then the parts of some. */
const FIELD_ORDER: ImportTarget[] = ['name', 'firstName', 'lastName', 'phone', 'email', 'dateOfBirth', 'age', 'gender', 'addressLine', 'city', 'state', 'postalCode', 'allergies', 'medicalHistory', 'notes', 'previousNumber']

const HINTS: Partial<Record<ColumnChoice, string>> = {
  age: 'gives an estimated date of birth',
  addToNotes: 'as “Column: value”',
  firstName: 'joined with the last name',
  lastName: 'joined with the first name'
}

const CHOICES = [
  { value: 'ignore', label: 'Don’t import' },
  { group: 'Patient field', items: FIELD_ORDER.map((target) => ({ value: target, label: IMPORT_TARGET_LABELS[target] })) },
  { group: 'Keep as text', items: [{ value: 'addToNotes', label: IMPORT_TARGET_LABELS.addToNotes }] }
]

export const choiceOf = (column: ImportFileColumn): ColumnChoice => column.target ?? 'ignore'

export const hasNameColumn = (columns: ImportFileColumn[]) => columns.some((c) => c.target === 'name' || c.target === 'firstName')

/**
 * Where each column of the file goes, one select per column: the hub's guess from the header,
 * which the admin can correct, and a field (or the notes) for a column it did not recognise.
 * A field can come from one column only; the hub names both columns when two are given it.
 */
export function ColumnChoices({
  columns,
  choices,
  errors,
  onChoose
}: {
  columns: ImportFileColumn[]
  /** The admin's choices not yet reflected in `columns` (a check is running). */
  choices: Record<string, ColumnChoice>
  /** Problems from the hub, by "mapping.<header>", or "mapping" for the whole. */
  errors: Record<string, string>
  onChoose: (header: string, choice: ColumnChoice) => void
}) {
  const current = (column: ImportFileColumn) => choices[column.header] ?? choiceOf(column)
  const from = (target: ColumnChoice, header: string) => (target === 'ignore' || target === 'addToNotes' ? undefined : columns.find((c) => c.header !== header && current(c) === target)?.header)

  return (
    <>
      {!hasNameColumn(columns) && (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="No column gives the patient’s name" role="alert">
          Choose Name (or First name and Last name) for the column that holds it; every row needs a name.
        </Alert>
      )}
      {errors.mapping && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} role="alert">
          {errors.mapping}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3, xl: 4 }} spacing="md" verticalSpacing="sm" role="group" aria-label="Where each column goes">
        {columns.map((column) => {
          const renderOption = ({ option, checked }: ComboboxLikeRenderOptionInput<ComboboxItem>) => {
            const elsewhere = from(option.value as ColumnChoice, column.header)
            const hint = HINTS[option.value as ColumnChoice]
            return (
              <Group gap={6} wrap="nowrap" w="100%">
                {checked ? <IconCheck size={14} aria-hidden /> : <span style={{ width: 14 }} />}
                <Text size="sm">{option.label}</Text>
                {(elsewhere || hint) && (
                  <Text size="xs" c="dimmed" ml="auto" truncate>
                    {elsewhere ? `now from “${elsewhere}”` : hint}
                  </Text>
                )}
              </Group>
            )
          }
          return (
            <Select
              key={column.header}
              label={
                <Group gap={6} wrap="nowrap" component="span">
                  <Text span size="sm" fw={600} truncate title={column.header} miw={0}>
                    {column.header}
                  </Text>
                  {column.mappedBy === null && (
                    <Badge size="xs" color="orange" variant="light" component="span" style={{ flexShrink: 0 }}>
                      Not recognised
                    </Badge>
                  )}
                  {column.mappedBy === 'admin' && (
                    <Badge size="xs" color="blue" variant="light" component="span" style={{ flexShrink: 0 }}>
                      Your choice
                    </Badge>
                  )}
                </Group>
              }
              description={column.samples.length ? `e.g. ${column.samples.join(' · ')}` : 'Empty in every row'}
              data={CHOICES}
              value={current(column)}
              onChange={(value) => value && onChoose(column.header, value as ColumnChoice)}
              allowDeselect={false}
              renderOption={renderOption}
              maxDropdownHeight={320}
              comboboxProps={{ width: 300, position: 'bottom-start' }}
              error={errors[`mapping.${column.header}`]}
              styles={{ label: { display: 'block', width: '100%' }, description: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } }}
            />
          )
        })}
      </SimpleGrid>
      {Object.keys(errors).length === 0 && (
        <Text size="xs" c="dimmed">
          Changing a column checks the file again; nothing is imported until you press Import.
        </Text>
      )}
    </>
  )
}
