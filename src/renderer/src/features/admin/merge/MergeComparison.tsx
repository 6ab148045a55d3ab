import { Badge, Group, Radio, Table, Text } from '@mantine/core'
import type { Patient } from '../../../../../shared/api'
import { MERGE_FIELDS, canCombine, isEmpty, displayValue, effectiveChoice, finalFields, sameValue, type Choice, type FieldKey } from './fields'

const cellText = { whiteSpace: 'pre-wrap', wordBreak: 'break-word' } as const

function Value({ text }: { text: string }) {
  return text ? (
    <Text size="sm" style={cellText}>
      {text}
    </Text>
  ) : (
    <Text size="sm" c="dimmed" fs="italic">
      empty
    </Text>
  )
}

/**
 * Both records side by side, one row per field. A radio on each side picks the value the
 * kept record ends up with; the last column shows that result.
 */
export function MergeComparison({
  keep,
  merge,
  overrides,
  onChoose
}: {
  keep: Patient
  merge: Patient
  overrides: Partial<Record<FieldKey, Choice>>
  onChoose: (key: FieldKey, choice: Choice) => void
}) {
  const result = finalFields(keep, merge, overrides)
  const resultPatient = { ...keep, ...result }

  return (
    <Table withTableBorder withColumnBorders verticalSpacing="sm" layout="fixed" aria-label="Compare the two records">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={150}>Field</Table.Th>
          <Table.Th>
            <Group gap={6}>
              <Badge color="teal" variant="light">
                Keep
              </Badge>
              <Text size="sm" fw={600}>
                {keep.number}
              </Text>
            </Group>
          </Table.Th>
          <Table.Th>
            <Group gap={6}>
              <Badge color="orange" variant="light">
                Merge
              </Badge>
              <Text size="sm" fw={600}>
                {merge.number}
              </Text>
            </Group>
          </Table.Th>
          <Table.Th>
            <Text size="sm" fw={600}>
              {keep.number} after the merge
            </Text>
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {MERGE_FIELDS.map((field) => {
          const { key, label } = field
          const same = sameValue(keep, merge, key)
          const choice = effectiveChoice(keep, merge, key, overrides)
          const name = `merge-field-${key}`
          return (
            <Table.Tr key={key} data-field={key}>
              <Table.Th scope="row" fw={500}>
                {label}
              </Table.Th>
              {same ? (
                <Table.Td colSpan={2}>
                  <Group gap="xs" wrap="nowrap" justify="space-between">
                    {isEmpty(keep, key) ? <span /> : <Value text={displayValue(keep, key)} />}
                    <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
                      {isEmpty(keep, key) ? 'empty in both' : 'same in both'}
                    </Text>
                  </Group>
                </Table.Td>
              ) : (
                (['keep', 'merge'] as const).map((side) => {
                  const patient = side === 'keep' ? keep : merge
                  const text = displayValue(patient, key)
                  return (
                    <Table.Td key={side} bg={choice === side ? 'var(--mantine-color-teal-light)' : undefined}>
                      <Radio
                        name={name}
                        value={side}
                        checked={choice === side}
                        onChange={() => onChoose(key, side)}
                        label={text || 'empty'}
                        aria-label={`${label}: ${text || 'empty'} (from ${patient.number})`}
                        styles={{ label: { ...cellText, fontStyle: text ? undefined : 'italic' } }}
                      />
                    </Table.Td>
                  )
                })
              )}
              <Table.Td>
                {canCombine(field, keep, merge) && (
                  <Radio
                    mb={6}
                    size="xs"
                    name={name}
                    value="both"
                    checked={choice === 'both'}
                    onChange={() => onChoose(key, 'both')}
                    label="Keep both, one after the other"
                    aria-label={`${label}: keep both`}
                  />
                )}
                <Value text={displayValue(resultPatient, key)} />
              </Table.Td>
            </Table.Tr>
          )
        })}
      </Table.Tbody>
    </Table>
  )
}
