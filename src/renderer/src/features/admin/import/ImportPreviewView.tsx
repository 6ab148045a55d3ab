import { Alert, Badge, Button, Checkbox, Collapse, Group, List, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { IconAlertTriangle, IconChevronDown, IconChevronUp, IconFileImport, IconFileSpreadsheet } from '@tabler/icons-react'
import { useState } from 'react'
import { IMPORT_TARGET_LABELS, type ImportMapping, type ImportPreview } from '../../../../../shared/api'
import { ColumnChoices, hasNameColumn, type ColumnChoice } from './ColumnChoices'
import { rowProblem, sizeText, type ChosenFile } from './csv-file'

function Stat({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Paper withBorder p="sm" aria-label={`${label}: ${value}`}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} c={value > 0 ? color : undefined}>
        {value.toLocaleString('en-IN')}
      </Text>
    </Paper>
  )
}

export function importCount(preview: ImportPreview, includeDuplicates: boolean): number {
  return includeDuplicates ? preview.valid : preview.valid - preview.duplicates
}

/** Step 2: what the hub made of the file, before anything is written. */
export function ImportPreviewView({
  file,
  preview,
  includeDuplicates,
  skipInvalid,
  onSkipInvalid,
  onIncludeDuplicates,
  onImport,
  onChooseAnother,
  mapping,
  mappingErrors,
  rechecking,
  onChoose
}: {
  file: ChosenFile
  preview: ImportPreview
  /** The admin's column choices, as sent with the check that is running or last ran. */
  mapping: ImportMapping
  mappingErrors: Record<string, string>
  rechecking: boolean
  onChoose: (header: string, choice: ColumnChoice) => void
  includeDuplicates: boolean
  skipInvalid: boolean
  onSkipInvalid: (skip: boolean) => void
  onIncludeDuplicates: (value: boolean) => void
  onImport: () => void
  onChooseAnother: () => void
}) {
  const errorRows = preview.rows.filter((r) => Object.keys(r.errors).length > 0)
  const duplicateRows = preview.rows.filter((r) => Object.keys(r.errors).length === 0 && r.duplicates.length > 0)
  const count = importCount(preview, includeDuplicates)
  const blocked = preview.withErrors > 0
  const imported = preview.fileColumns.filter((c) => c.target !== null)
  const unmapped = preview.fileColumns.filter((c) => c.mappedBy === null)
  const badChoices = Object.keys(mappingErrors).length > 0
  // Open from the start when some column needs a decision; otherwise a click away.
  const [choosing, setChoosing] = useState(unmapped.length > 0 || !hasNameColumn(preview.fileColumns))
  const open = choosing || badChoices

  return (
    <Stack>
      <Group justify="space-between">
        <Group gap="xs">
          <IconFileSpreadsheet size={20} />
          <Text fw={600}>{file.name}</Text>
          <Text size="sm" c="dimmed">
            {sizeText(file.size)}
          </Text>
        </Group>
        <Button variant="default" onClick={onChooseAnother}>
          Choose another file
        </Button>
      </Group>

      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Stat label="Patients in file" value={preview.total} />
        <Stat label="Valid rows" value={preview.valid} color="teal" />
        <Stat label="With errors" value={preview.withErrors} color="red" />
        <Stat label="Look like existing" value={preview.duplicates} color="orange" />
      </SimpleGrid>

      <Paper withBorder p="md" component="section" aria-label="Columns">
        <Stack gap="sm">
          <Group justify="space-between" wrap="nowrap">
            <Group gap="xs">
              <Text size="sm" fw={600}>
                Columns
              </Text>
              <Text size="sm" c="dimmed">
                {imported.length} of {preview.fileColumns.length} imported
              </Text>
              {rechecking && (
                <Group gap={6} role="status">
                  <Loader size={14} />
                  <Text size="sm" c="dimmed">
                    Checking the file again…
                  </Text>
                </Group>
              )}
            </Group>
            <Button
              variant="subtle"
              size="compact-sm"
              onClick={() => setChoosing(!open)}
              disabled={badChoices}
              aria-expanded={open}
              aria-controls="import-column-choices"
              rightSection={open ? <IconChevronUp size={14} /> : <IconChevronDown size={14} />}
            >
              {open ? 'Hide column choices' : 'Change where columns go'}
            </Button>
          </Group>
          {/* What the last good check read; faded while a newer choice is checked or cannot be used. */}
          <Group gap={6} aria-label="Recognised columns" opacity={rechecking || badChoices ? 0.5 : 1}>
            {imported.map(({ header, target }) => (
              <Badge key={header} variant="light" color={target === 'addToNotes' ? 'grape' : 'teal'} tt="none" size="lg" fw={500}>
                {header === IMPORT_TARGET_LABELS[target!] ? header : `${header} → ${IMPORT_TARGET_LABELS[target!]}`}
              </Badge>
            ))}
          </Group>
          {unmapped.length > 0 && (
            <Text size="sm" c="dimmed">
              Not recognised, so not imported unless you choose a field for {unmapped.length === 1 ? 'it' : 'them'}: {unmapped.map((c) => `“${c.header}”`).join(', ')}
            </Text>
          )}
          <Collapse expanded={open} id="import-column-choices">
            <Stack gap="sm" pt="xs">
              <ColumnChoices columns={preview.fileColumns} choices={mapping} errors={mappingErrors} onChoose={onChoose} />
            </Stack>
          </Collapse>
        </Stack>
      </Paper>

      {blocked && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title={`${preview.withErrors} ${preview.withErrors === 1 ? 'row has' : 'rows have'} errors — ${skipInvalid ? `${preview.withErrors === 1 ? 'it' : 'they'} will be left out and downloaded` : 'nothing can be imported yet'}`}>
          <Stack gap="xs">
            <Text size="sm">
              Fix the rows below in the file (line numbers count the header as line 1), save it as CSV and choose it again. Or import the valid rows now and
              get the others back as a CSV file with an Errors column, to fix and import on their own.
            </Text>
            <Checkbox checked={skipInvalid} onChange={(event) => onSkipInvalid(event.currentTarget.checked)} label={`Import the valid rows, and download the ${preview.withErrors} with errors as a CSV`} />
          </Stack>
        </Alert>
      )}

      {errorRows.length > 0 && (
        <Stack gap="xs">
          <Title order={5}>Rows with errors</Title>
          <Table withTableBorder striped verticalSpacing="xs" aria-label="Rows with errors">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={80}>Line</Table.Th>
                <Table.Th w={260}>Name</Table.Th>
                <Table.Th>What to fix</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {errorRows.map((r) => (
                <Table.Tr key={r.line}>
                  <Table.Td>{r.line}</Table.Td>
                  <Table.Td>{r.name || <Text span c="dimmed" fs="italic" size="sm">no name</Text>}</Table.Td>
                  <Table.Td>
                    <List size="sm" spacing={2}>
                      {Object.entries(r.errors).map(([field, message]) => (
                        <List.Item key={field}>{rowProblem(field, message)}</List.Item>
                      ))}
                    </List>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {errorRows.length < preview.withErrors && (
            <Text size="sm" c="dimmed">
              Showing the first {errorRows.length} of {preview.withErrors} rows with errors.
            </Text>
          )}
        </Stack>
      )}

      {duplicateRows.length > 0 && (
        <Stack gap="xs">
          <Title order={5}>Rows that look like existing patients</Title>
          <Table withTableBorder striped verticalSpacing="xs" aria-label="Likely duplicates">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={80}>Line</Table.Th>
                <Table.Th w={260}>Name</Table.Th>
                <Table.Th>Looks like</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {duplicateRows.map((r) => (
                <Table.Tr key={r.line}>
                  <Table.Td>{r.line}</Table.Td>
                  <Table.Td>{r.name}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {r.duplicates.map((d) => (
                        <Badge key={d} variant="outline" color={d.startsWith('line') ? 'gray' : 'orange'} tt="none" fw={500}>
                          {d.startsWith('line') ? `${d} of this file` : `patient ${d}`}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {duplicateRows.length < preview.duplicates && (
            <Text size="sm" c="dimmed">
              Showing the first {duplicateRows.length} of {preview.duplicates} rows.
            </Text>
          )}
        </Stack>
      )}

      {preview.duplicates > 0 && (
        <Checkbox
          checked={includeDuplicates}
          onChange={(event) => onIncludeDuplicates(event.currentTarget.checked)}
          label="Also import rows that look like existing patients"
          description={`Off: ${preview.duplicates === 1 ? 'that row is' : `those ${preview.duplicates} rows are`} skipped, so nobody is registered twice. If you import them, you can merge true duplicates later under Merge patients.`}
        />
      )}

      <Group justify="flex-end" gap="md">
        {badChoices ? (
          <Text size="sm" c="red">
            Fix the column choices above to import.
          </Text>
        ) : blocked && !skipInvalid ? (
          <Text size="sm" c="red">
            Fix the errors and choose the file again to import.
          </Text>
        ) : count === 0 ? (
          <Text size="sm" c="dimmed">
            Every row looks like an existing patient; nothing new to import.
          </Text>
        ) : null}
        <Button leftSection={<IconFileImport size={16} />} disabled={(blocked && !skipInvalid) || count === 0 || badChoices || rechecking} onClick={onImport}>
          Import {count.toLocaleString('en-IN')} {count === 1 ? 'patient' : 'patients'}
        </Button>
      </Group>
    </Stack>
  )
}
