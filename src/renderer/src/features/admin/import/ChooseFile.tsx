import { Alert, Anchor, Button, FileButton, Group, Loader, Paper, Stack, Text, ThemeIcon } from '@mantine/core'
import { IconAlertCircle, IconDownload, IconFileSpreadsheet, IconUpload } from '@tabler/icons-react'
import { useState, type DragEvent } from 'react'
import { MAX_IMPORT_BYTES } from '../../../../../shared/api'
import { downloadTemplate } from './csv-file'

/** Step 1: a drop area and a file button, with the template to start from. */
export function ChooseFile({ onFile, checking, problem }: { onFile: (file: File) => void; checking: string | null; problem: string | null }) {
  const [over, setOver] = useState(false)

  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setOver(false)
    const file = event.dataTransfer.files[0]
    if (file) onFile(file)
  }

  return (
    <Stack>
      {problem && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} title="This file cannot be imported" role="alert">
          {problem}
        </Alert>
      )}
      <Paper
        withBorder
        p="xl"
        onDragOver={(event) => {
          event.preventDefault()
          setOver(true)
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        style={{
          borderStyle: 'dashed',
          borderWidth: 2,
          borderColor: over ? 'var(--mantine-color-teal-filled)' : undefined,
          background: over ? 'var(--mantine-color-teal-light)' : undefined
        }}
        aria-label="Drop a CSV file here"
      >
        <Stack align="center" gap="sm" py="md">
          <ThemeIcon size={52} radius="xl" variant="light" aria-hidden>
            {checking ? <Loader size="sm" /> : <IconFileSpreadsheet size={28} />}
          </ThemeIcon>
          {checking ? (
            <Text fw={500}>Checking {checking}…</Text>
          ) : (
            <>
              <Text fw={500}>Drop a CSV file of patients here, or</Text>
              <FileButton onChange={(file) => file && onFile(file)} accept=".csv,text/csv,.txt">
                {(props) => (
                  <Button {...props} leftSection={<IconUpload size={16} />}>
                    Choose CSV file
                  </Button>
                )}
              </FileButton>
              <Text size="sm" c="dimmed" ta="center" maw={560}>
                One patient per row, with a header row naming the columns. Up to {MAX_IMPORT_BYTES / 1024 / 1024} MB. Nothing is imported until you have seen
                the check and pressed Import.
              </Text>
            </>
          )}
        </Stack>
      </Paper>
      <Group gap="xs">
        <IconDownload size={16} />
        <Text size="sm">
          Starting from scratch or exporting from another system?{' '}
          <Anchor component="button" type="button" size="sm" onClick={downloadTemplate}>
            Download the template CSV
          </Anchor>{' '}
          with the columns DocSpot reads (Name, Mobile, Email, Date of birth, Gender, Address, City, State, Pincode, Allergies, Medical history, Notes).
        </Text>
      </Group>
    </Stack>
  )
}
