import { Alert, Badge, Button, Checkbox, Group, List, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { IconAlertTriangle, IconFileImport, IconFileSpreadsheet } from '@tabler/icons-react'
import type { ImportColumn, ImportPreview } from '../../../../../shared/api'
import { COLUMN_LABELS, rowProblem, sizeText, type ChosenFile } from './csv-file'

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
  onChooseAnother
}: {
  file: ChosenFile
  preview: ImportPreview
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
  const columns = Object.entries(preview.columns) as Array<[ImportColumn, string]>

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

      <Paper withBorder p="md">
        <Stack gap="xs">
          <Text size="sm" fw={600}>
            Columns
          </Text>
          <Group gap={6} aria-label="Recognised columns">
            {columns.map(([column, header]) => (
              <Badge key={column} variant="light" color="teal" tt="none" size="lg" fw={500}>
                {header === COLUMN_LABELS[column] ? header : `${header} → ${COLUMN_LABELS[column]}`}
              </Badge>
            ))}
          </Group>
          {preview.unmappedHeaders.length > 0 && (
            <Text size="sm" c="dimmed">
              Not imported (DocSpot has no field for them): {preview.unmappedHeaders.map((h) => `“${h}”`).join(', ')}
            </Text>
          )}
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
        {blocked && !skipInvalid ? (
          <Text size="sm" c="red">
            Fix the errors and choose the file again to import.
          </Text>
        ) : count === 0 ? (
          <Text size="sm" c="dimmed">
            Every row looks like an existing patient; nothing new to import.
          </Text>
        ) : null}
        <Button leftSection={<IconFileImport size={16} />} disabled={(blocked && !skipInvalid) || count === 0} onClick={onImport}>
          Import {count.toLocaleString('en-IN')} {count === 1 ? 'patient' : 'patients'}
        </Button>
      </Group>
    </Stack>
  )
}
