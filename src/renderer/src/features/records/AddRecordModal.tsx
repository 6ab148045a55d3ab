import { Alert, Autocomplete, Button, Group, Image, Modal, Paper, Select, Stack, Text, TextInput, Textarea, ThemeIcon } from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconFileTypePdf, IconLink, IconPhoto } from '@tabler/icons-react'
import { useEffect, useRef, useState } from 'react'
import { ApiError, RECORD_TYPE_NAMES, RECORD_TYPES, type MedicalRecord, type RecordType } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { clinicToday } from '../../lib/clinic-time'
import { showError } from '../../lib/errors'
import { useObjectUrl } from './useObjectUrl'
import { fileProblem, formatRecordDate, formatSize, guessType, lowerFirst, nameFromFile } from './format'
import { DateField } from '../../shell/DateField'

export interface QueuedFile {
  id: number
  file: File
}

interface Values {
  name: string
  type: RecordType | null
  recordDate: string
  hospital: string
  doctorName: string
  description: string
}

/** The fields the form shows: the core's errors on anything else go to a notification. */
const SHOWN = new Set(['file', 'name', 'type', 'recordDate', 'hospital', 'doctorName', 'description'])

const TYPE_OPTIONS = RECORD_TYPES.map((value) => ({ value, label: RECORD_TYPE_NAMES[value] }))

/**
 * Describes each queued file and uploads it, one at a time: the first of `queue` is the one
 * shown. `onDone` takes it off the queue (added, or skipped); `onClose` drops the whole queue.
 */
export function AddRecordModal(props: {
  queue: QueuedFile[]
  patientId: string
  visitId: string | null
  /** Earlier records' hospitals and doctors, offered as the reader types. */
  hospitals: string[]
  doctors: string[]
  onDone: (id: number) => void
  onClose: () => void
}) {
  const current = props.queue[0] ?? null
  const [busy, setBusy] = useState(false)
  return (
    <Modal
      opened={current !== null}
      onClose={() => !busy && props.onClose()}
      title="Add a medical record"
      size="lg"
      closeButtonProps={{ 'aria-label': 'Cancel adding records' }}
      attributes={{ content: { 'data-records-upload': '' } }}
    >
      {current && <RecordForm key={current.id} {...props} entry={current} busy={busy} setBusy={setBusy} />}
    </Modal>
  )
}

function RecordForm({
  entry,
  queue,
  patientId,
  visitId,
  hospitals,
  doctors,
  onDone,
  onClose,
  busy,
  setBusy
}: Parameters<typeof AddRecordModal>[0] & { entry: QueuedFile; busy: boolean; setBusy: (busy: boolean) => void }) {
  const api = useApi()
  const { settings } = useSession()
  const today = clinicToday(settings?.timeZone ?? 'UTC')
  const { file } = entry
  const problem = fileProblem(file)
  const form = useForm<Values>({
    initialValues: { name: nameFromFile(file.name), type: guessType(file.name), recordDate: today, hospital: '', doctorName: '', description: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Give the record a name, as “CBC report” or “Chest X-ray”'),
      type: (v) => (v ? null : 'Choose what kind of record this is'),
      recordDate: (v) => (!v ? 'Give the date on the record (when the test was done or the letter written)' : v > today ? 'Cannot be later than today' : null)
    }
  })

  // The next file of a queue: its form replaces the last one's, and the cursor goes to its name.
  const nameRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    const timer = window.setTimeout(() => document.activeElement !== nameRef.current && nameRef.current?.focus(), 0)
    return () => window.clearTimeout(timer)
  }, [])

  const submit = form.onSubmit(async (values) => {
    if (problem) return
    setBusy(true)
    try {
      const bytes = new Uint8Array(await file.arrayBuffer())
      const record: MedicalRecord = await api.call('records.upload', {
        patientId,
        visitId,
        file: bytes,
        name: values.name.trim(),
        type: values.type!,
        recordDate: values.recordDate,
        hospital: values.hospital.trim(),
        doctorName: values.doctorName.trim(),
        description: values.description.trim()
      })
      notifications.show({
        color: 'green',
        title: 'Record added',
        message: `${record.name}: ${RECORD_TYPE_NAMES[record.type].toLowerCase()} of ${formatRecordDate(record.recordDate)}, ${formatSize(record.byteSize)}`
      })
      onDone(entry.id)
    } catch (error) {
      if (error instanceof ApiError && error.code === 'PAYLOAD_TOO_LARGE') form.setErrors({ file: 'is too large for the hub to take' })
      else if (error instanceof ApiError && error.fields && Object.keys(error.fields).every((k) => SHOWN.has(k))) showError(error, form.setErrors)
      else showError(error, undefined, 'Record not added')
    } finally {
      setBusy(false)
    }
  })

  const fileError = problem ?? (form.errors.file ? `“${file.name}” ${lowerFirst(String(form.errors.file))}` : null)
  const position = queue.length > 1 ? `File 1 of ${queue.length}` : null

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FileSummary file={file} position={position} />
        {fileError && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} title="This file cannot be added" role="alert">
            {fileError}
          </Alert>
        )}
        <TextInput ref={nameRef} label="Name" withAsterisk data-autofocus maxLength={200} {...form.getInputProps('name')} />
        <Group grow align="flex-start">
          <Select label="Type" withAsterisk data={TYPE_OPTIONS} allowDeselect={false} placeholder="Choose" comboboxProps={{ withinPortal: true }} {...form.getInputProps('type')} />
          <DateField label="Date" withAsterisk clearable={false} max={today} description="On the record" value={form.values.recordDate} onChange={(v) => form.setFieldValue('recordDate', v)} error={form.errors.recordDate} />
        </Group>
        <Group grow align="flex-start">
          <Autocomplete label="Hospital or lab" data={hospitals} maxLength={200} {...form.getInputProps('hospital')} />
          <Autocomplete label="Doctor" placeholder="Who signed or referred it" data={doctors} maxLength={120} {...form.getInputProps('doctorName')} />
        </Group>
        <Textarea label="Description" placeholder="What it is about, key findings" autosize minRows={2} maxRows={6} maxLength={2000} {...form.getInputProps('description')} />
        {visitId && (
          <Group gap={6} c="dimmed">
            <IconLink size={14} aria-hidden />
            <Text size="xs">Linked to this visit.</Text>
          </Group>
        )}
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button variant="default" onClick={onClose} disabled={busy}>
            {queue.length > 1 ? 'Cancel all' : 'Cancel'}
          </Button>
          {queue.length > 1 && (
            <Button variant="default" onClick={() => onDone(entry.id)} disabled={busy}>
              Skip this file
            </Button>
          )}
          <Button type="submit" loading={busy} disabled={problem !== null}>
            Upload
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

/** The file being added: a thumbnail if it is a picture (to check it is the right one), its name and size. */
function FileSummary({ file, position }: { file: File; position: string | null }) {
  const image = file.type === 'image/png' || file.type === 'image/jpeg'
  const thumbRef = useObjectUrl<HTMLImageElement>(image ? file : null)
  return (
    <Paper withBorder radius="md" p="xs">
      <Group gap="sm" wrap="nowrap">
        {image ? (
          <Image ref={thumbRef} alt="" w={56} h={56} fit="cover" radius="sm" style={{ flexShrink: 0 }} />
        ) : (
          <ThemeIcon size={56} variant="light" color={image ? 'violet' : 'red'} radius="sm" aria-hidden style={{ flexShrink: 0 }}>
            {image ? <IconPhoto size={28} /> : <IconFileTypePdf size={28} />}
          </ThemeIcon>
        )}
        <Stack gap={0} miw={0}>
          <Text fw={600} style={{ overflowWrap: 'anywhere' }} data-testid="record-file-name">
            {file.name}
          </Text>
          <Text size="sm" c="dimmed">
            {formatSize(file.size)}
            {position && ` · ${position}`}
          </Text>
        </Stack>
      </Group>
    </Paper>
  )
}
