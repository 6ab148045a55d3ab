import '@mantine/dropzone/styles.css'
import { ActionIcon, Alert, Anchor, Badge, Button, Group, Paper, Skeleton, Stack, Switch, Text, ThemeIcon, Title, Tooltip, UnstyledButton } from '@mantine/core'
import { Dropzone, type FileRejection } from '@mantine/dropzone'
import { notifications } from '@mantine/notifications'
import { IconDownload, IconEye, IconFileTypePdf, IconFileUpload, IconLock, IconPhoto, IconPlus, IconTrash, IconUpload, IconX } from '@tabler/icons-react'
import dayjs from 'dayjs'
import { useCallback, useMemo, useRef, useState, type JSX } from 'react'
import { RECORD_TYPE_NAMES, type MedicalRecord } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { clinicNowWall } from '../../lib/clinic-time'
import { showError } from '../../lib/errors'
import { saveFile } from '../../lib/files'
import { AddRecordModal, type QueuedFile } from './AddRecordModal'
import { ACCEPTED_TYPES, formatInstant, formatRecordDate, formatSize, isAcceptedFile, kindOf, RECORD_TYPE_COLOURS } from './format'
import { RecordPreview } from './RecordPreview'
import classes from './RecordsPanel.module.css'
import { RemoveRecordModal } from './RemoveRecordModal'
import { usePastedFile } from './usePastedFile'

const ACCEPT = Object.fromEntries(Object.entries(ACCEPTED_TYPES).map(([type, extensions]) => [type, [...extensions]]))
const PASTE_KEY = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌘V' : 'Ctrl+V'

/**
 * A patient's medical records (lab reports, scans, letters): listed for everyone, opened by
 * those allowed. A file is added by dropping it anywhere on the panel, pasting it (a
 * screenshot), or choosing it with "Add record"; a form then says what it is.
 */
export function RecordsPanel({
  patientId,
  visitId = null,
  canOpen,
  title = 'Medical records'
}: {
  patientId: string
  /** Records added here are linked to this visit (and marked "This visit" in the list). */
  visitId?: string | null
  /** May open files (doctors; admins where allowed) */
  canOpen: boolean
  title?: string
}): JSX.Element {
  const api = useApi()
  const { settings } = useSession()
  const timeZone = settings?.timeZone ?? 'UTC'
  // Removed ones come too (they are few): the switch then shows them at once.
  const list = useApiQuery('records.list', { patientId, includeDeleted: true }, { shows: [['patients', patientId], 'medical_records'] })
  const [showRemoved, setShowRemoved] = useState(false)
  const [queue, setQueue] = useState<QueuedFile[]>([])
  const [previewing, setPreviewing] = useState<MedicalRecord | null>(null)
  const [removing, setRemoving] = useState<MedicalRecord | null>(null)
  const [downloading, setDownloading] = useState<string | null>(null)
  const [section, setSection] = useState<HTMLElement | null>(null)
  const openRef = useRef<() => void>(null)
  const nextId = useRef(1)

  const records = useMemo(() => list.data ?? [], [list.data])
  const active = records.filter((r) => !r.deletedAt)
  const removedCount = records.length - active.length
  const shown = showRemoved ? records : active
  const suggestions = useMemo(() => {
    const unique = (values: string[]) => [...new Set(values.map((v) => v.trim()).filter(Boolean))].sort((a, b) => a.localeCompare(b))
    return { hospitals: unique(records.map((r) => r.hospital)), doctors: unique(records.map((r) => r.doctorName)) }
  }, [records])

  const enqueue = useCallback((files: File[]) => {
    if (files.length === 0) return
    setQueue((current) => [...current, ...files.map((file) => ({ id: nextId.current++, file }))])
  }, [])

  const rejected = (rejections: FileRejection[]) => {
    const names = rejections.map((r) => `“${r.file.name}”`)
    notifications.show({
      color: 'red',
      title: names.length === 1 ? 'Not a PDF or image' : `${names.length} files are not PDFs or images`,
      message: `${names.join(', ')} cannot be added: records are PDF, JPEG or PNG files. Save ${names.length === 1 ? 'it' : 'them'} as one of those first.`,
      autoClose: 8000
    })
  }

  usePastedFile(section, !previewing && !removing, (file) => {
    void fromClipboard(file, timeZone).then(
      (ready) => enqueue([ready]),
      () => notifications.show({ color: 'red', title: 'Not pasted', message: 'The picture on the clipboard could not be read. Save it as a file and drop it here instead.' })
    )
  })

  const download = async (record: MedicalRecord) => {
    setDownloading(record.id)
    try {
      saveFile(await api.call('records.file', { id: record.id }), record.name)
    } catch (error) {
      showError(error, undefined, 'Not downloaded')
    } finally {
      setDownloading(null)
    }
  }

  return (
    <Paper withBorder radius="md" p={0} component="section" aria-label="Medical records" ref={setSection} tabIndex={-1} style={{ outline: 'none' }}>
      <Dropzone
        onDrop={enqueue}
        onReject={rejected}
        accept={ACCEPT}
        multiple
        activateOnClick={false}
        activateOnKeyboard={false}
        enablePointerEvents
        openRef={openRef}
        classNames={{ root: classes.drop }}
        role="group"
        aria-label="Drop a record file here"
        // The window's paste listener names pasted pictures; the dropzone's own would not.
        onPaste={() => undefined}
      >
        <Dropzone.Accept>
          <div className={`${classes.overlay} ${classes.accept}`}>
            <IconUpload size={36} aria-hidden />
            <Text fw={600}>Drop to add to {title.toLowerCase()}</Text>
          </div>
        </Dropzone.Accept>
        <Dropzone.Reject>
          <div className={`${classes.overlay} ${classes.reject}`}>
            <IconX size={36} aria-hidden />
            <Text fw={600}>Only PDF, JPEG or PNG files</Text>
          </div>
        </Dropzone.Reject>

        <Group justify="space-between" gap="xs" mb="sm">
          <Title order={4}>
            {title}
            {list.data && ` (${active.length})`}
          </Title>
          <Group gap="sm">
            <Switch size="xs" label={removedCount ? `Show removed (${removedCount})` : 'Show removed'} checked={showRemoved} onChange={(e) => setShowRemoved(e.currentTarget.checked)} />
            <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => openRef.current?.()}>
              Add record
            </Button>
          </Group>
        </Group>

        {!canOpen && records.length > 0 && (
          <Group gap={6} mb="xs" c="dimmed">
            <IconLock size={14} aria-hidden />
            <Text size="xs">Only doctors can open record files</Text>
          </Group>
        )}

        {list.isPending ? (
          <Stack gap="sm" aria-label="Loading records" aria-busy>
            {[0, 1, 2].map((i) => (
              <Group key={i} gap="sm" wrap="nowrap">
                <Skeleton h={36} w={36} radius="sm" />
                <Stack gap={6} style={{ flex: 1 }}>
                  <Skeleton h={12} w="45%" />
                  <Skeleton h={10} w="75%" />
                </Stack>
              </Group>
            ))}
          </Stack>
        ) : list.isError ? (
          <Alert color="red" title="The records could not be loaded">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{list.error.message}</Text>
              <Button size="xs" variant="light" color="red" onClick={() => void list.refetch()}>
                Try again
              </Button>
            </Stack>
          </Alert>
        ) : shown.length === 0 ? (
          <Stack align="center" gap={6} py="lg">
            <ThemeIcon size={44} radius="xl" variant="light" aria-hidden>
              <IconFileUpload size={24} />
            </ThemeIcon>
            <Text c="dimmed" ta="center" size="sm" maw={440}>
              {active.length === 0 && removedCount > 0 && !showRemoved
                ? `No records, apart from ${removedCount} removed. Drop a PDF or image here, or paste a screenshot.`
                : 'No records yet. Drop a PDF or image here, or paste a screenshot.'}
            </Text>
            <Anchor component="button" type="button" size="sm" onClick={() => openRef.current?.()}>
              Or choose a file
            </Anchor>
          </Stack>
        ) : (
          <Stack gap={4}>
            {shown.map((record) => (
              <RecordRow
                key={record.id}
                record={record}
                timeZone={timeZone}
                thisVisit={visitId !== null && record.visitId === visitId}
                canOpen={canOpen}
                downloading={downloading === record.id}
                onPreview={() => setPreviewing(record)}
                onDownload={() => void download(record)}
                onRemove={() => setRemoving(record)}
              />
            ))}
            <Text size="xs" c="dimmed" mt="xs">
              Drop a PDF or image anywhere here, or paste a screenshot ({PASTE_KEY}).
            </Text>
          </Stack>
        )}
      </Dropzone>

      {/* Outside the dropzone: a paste into the form must not reach the dropzone's own handlers. */}
      <AddRecordModal
        queue={queue}
        patientId={patientId}
        visitId={visitId}
        hospitals={suggestions.hospitals}
        doctors={suggestions.doctors}
        onDone={(id) => setQueue((current) => current.filter((q) => q.id !== id))}
        onClose={() => setQueue([])}
      />
      <RecordPreview record={previewing} onClose={() => setPreviewing(null)} />
      <RemoveRecordModal
        record={removing}
        onClose={() => setRemoving(null)}
        onRemoved={() => {
          // Its row leaves (or greys, with "Show removed"): the reader goes on from the panel.
          window.setTimeout(() => section?.focus({ preventScroll: true }), 0)
        }}
      />
    </Paper>
  )
}

function RecordRow({
  record,
  timeZone,
  thisVisit,
  canOpen,
  downloading,
  onPreview,
  onDownload,
  onRemove
}: {
  record: MedicalRecord
  timeZone: string
  thisVisit: boolean
  canOpen: boolean
  downloading: boolean
  onPreview: () => void
  onDownload: () => void
  onRemove: () => void
}) {
  const removed = record.deletedAt !== null
  const pdf = record.contentType === 'application/pdf'
  const where = [record.hospital, record.doctorName].filter(Boolean).join(' · ')
  return (
    <Group gap="sm" wrap="nowrap" align="flex-start" className={`${classes.row} ${removed ? classes.removed : ''}`} data-testid="record-row">
      <ThemeIcon size={36} radius="sm" variant="light" color={RECORD_TYPE_COLOURS[record.type]} aria-hidden style={{ flexShrink: 0 }}>
        {pdf ? <IconFileTypePdf size={20} /> : <IconPhoto size={20} />}
      </ThemeIcon>
      <Stack gap={2} miw={0} style={{ flex: 1 }}>
        <Group gap={6}>
          <Badge size="xs" variant="light" color={RECORD_TYPE_COLOURS[record.type]}>
            {RECORD_TYPE_NAMES[record.type]}
          </Badge>
          {thisVisit && (
            <Badge size="xs" variant="outline" color="teal">
              This visit
            </Badge>
          )}
          {removed && (
            <Badge size="xs" variant="filled" color="gray">
              Removed
            </Badge>
          )}
          <Text size="xs" c="dimmed">
            {formatRecordDate(record.recordDate)}
          </Text>
        </Group>
        {canOpen ? (
          <UnstyledButton onClick={onPreview} className={classes.name} td={removed ? 'line-through' : undefined}>
            <Text fw={600} size="sm" c="blue" component="span">
              {record.name}
            </Text>
          </UnstyledButton>
        ) : (
          <Text fw={600} size="sm" className={classes.name} td={removed ? 'line-through' : undefined}>
            {record.name}
          </Text>
        )}
        {where && (
          <Text size="sm" c="dimmed" className={classes.name}>
            {where}
          </Text>
        )}
        {record.description && (
          <Text size="sm" lineClamp={2} title={record.description}>
            {record.description}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          Added by {record.uploadedByName}, {formatInstant(record.uploadedAt, timeZone)} · {kindOf(record.contentType)}, {formatSize(record.byteSize)}
        </Text>
        {removed && (
          <Text size="xs" c="red.8">
            Removed by {record.deletedByName ?? 'someone'}, {formatInstant(record.deletedAt!, timeZone)}: “{record.deletedReason}”
          </Text>
        )}
      </Stack>
      <Group gap={2} wrap="nowrap" style={{ flexShrink: 0 }}>
        {canOpen && (
          <>
            <Tooltip label="Preview">
              <ActionIcon variant="subtle" aria-label={`Preview ${record.name}`} onClick={onPreview}>
                <IconEye size={18} />
              </ActionIcon>
            </Tooltip>
            <Tooltip label={`Download (${formatSize(record.byteSize)})`}>
              <ActionIcon variant="subtle" aria-label={`Download ${record.name}`} onClick={onDownload} loading={downloading}>
                <IconDownload size={18} />
              </ActionIcon>
            </Tooltip>
          </>
        )}
        {!removed && (
          <Tooltip label="Remove">
            <ActionIcon variant="subtle" color="red" aria-label={`Remove ${record.name}`} onClick={onRemove}>
              <IconTrash size={18} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
    </Group>
  )
}

/**
 * A pasted file, ready to add: a screenshot (which the clipboard calls "image.png") is named
 * for when it was pasted, in clinic time; a picture in a format the core does not keep (a GIF,
 * a WebP) becomes a PNG. A file copied in the file manager keeps its name.
 */
async function fromClipboard(file: File, timeZone: string): Promise<File> {
  const stamp = dayjs(clinicNowWall(timeZone)).format('D MMM YYYY, HH:mm')
  const screenshot = file.type.startsWith('image/') && /^image\.\w+$/i.test(file.name)
  if (isAcceptedFile(file) || !file.type.startsWith('image/')) {
    return screenshot ? new File([file], `Pasted image ${stamp}.${file.type === 'image/jpeg' ? 'jpg' : 'png'}`, { type: file.type }) : file
  }
  const bitmap = await createImageBitmap(file)
  const canvas = document.createElement('canvas')
  canvas.width = bitmap.width
  canvas.height = bitmap.height
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0)
  bitmap.close()
  const png = await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('not converted'))), 'image/png'))
  const name = screenshot ? `Pasted image ${stamp}` : file.name.replace(/\.\w+$/, '')
  return new File([png], `${name}.png`, { type: 'image/png' })
}
