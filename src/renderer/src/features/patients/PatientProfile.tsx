import { Alert, Anchor, Avatar, Badge, Button, Center, FileButton, Grid, Group, Loader, Menu, Modal, Paper, Stack, Table, Tabs, Text, Textarea, Timeline, Title } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import {
  IconAlertTriangle,
  IconArchive,
  IconArrowBackUp,
  IconCalendarEvent,
  IconCamera,
  IconChevronDown,
  IconNotes,
  IconGitMerge,
  IconPencil,
  IconReceipt,
  IconStethoscope,
  IconTrash,
  IconUserQuestion
} from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { ApiError, MAX_PHOTO_BYTES, type Patient, type PatientChange } from '../../../../shared/api'
import { formatPhone } from '../../../../shared/lib/phone'
import { useApi, useSession } from '../../api/context'
import { useFileUrl } from '../../api/files'
import { useApiQuery, useCan } from '../../api/queries'
import { AppointmentList, ListPanel } from '../schedule/AppointmentList'
import { EmailVerification } from '../messages/EmailVerification'
import { showError } from '../../lib/errors'
import { EmptyState } from '../../shell/EmptyState'
import { CameraCapture } from './CameraCapture'
import { RecordFeedbackButton } from '../feedback/RecordFeedback'
import { RecordsPanel } from '../records/RecordsPanel'
import { useClinicalAccess } from '../visits/clinical-access'
import { MedicalEdit, PatientVisits } from '../visits/PatientVisits'
import { ageOf, FIELD_LABEL, formatDob, formatInstant, GENDER_LABEL, initials } from './format'

export function PatientProfile() {
  const { id = '' } = useParams()
  return <Profile key={id} id={id} />
}

function Profile({ id }: { id: string }) {
  const { settings, session } = useSession()
  const can = useCan()
  const canEdit = can('patients.update')
  const canHistory = can('patients.history')
  const clinical = useClinicalAccess()
  // Refreshed when a write names this patient, and only then.
  const query = useApiQuery('patients.get', { id }, { shows: [['patients', id]] })
  const photoUrl = useFileUrl('patients.photo', id, query.data?.hasPhoto ? query.data.photoVersion : null)
  const photo = { url: photoUrl }
  const state = query.isPending ? null : { patient: query.data ?? null, error: query.error && query.error.code !== 'NOT_FOUND' ? query.error.message : undefined }

  if (!state)
    return (
      <Center py="xl">
        <Loader size="sm" aria-label="Loading patient" />
      </Center>
    )
  if (!state.patient)
    return state.error ? (
      <Alert color="red" title="Could not load this patient">
        {state.error}
      </Alert>
    ) : (
      <NoSuchPatient />
    )
  const p = state.patient
  const tz = settings?.timeZone
  const age = ageOf(p.dateOfBirth, tz)
  const archived = !!p.archivedAt

  return (
    <Stack gap="md">
      {p.mergedInto && (
        <Alert color="blue" icon={<IconGitMerge size={18} />} title="This record was merged">
          This patient’s details and history now live in another record.{' '}
          <Anchor component={Link} to={`/patients/${p.mergedInto}`} fw={600}>
            Open the surviving record
          </Anchor>
        </Alert>
      )}
      {archived && !p.mergedInto && (
        <Alert color="gray" icon={<IconArchive size={18} />} title={`Archived on ${formatInstant(p.archivedAt!, tz)}`}>
          {p.archivedReason && (
            <Text size="sm" fw={600} mb={4}>
              Reason: {p.archivedReason}
            </Text>
          )}
          Archived patients are left out of search unless asked for (Include archived). {canEdit ? 'Restore to use this record again.' : ''}
        </Alert>
      )}

      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Group align="flex-start" wrap="nowrap" gap="md">
            <Avatar src={photo?.url ?? null} size={84} radius="md" color="teal" alt={photo?.url ? `Photo of ${p.name}` : undefined}>
              <Text fz={28} fw={600}>
                {initials(p.name)}
              </Text>
            </Avatar>
            <Stack gap={4}>
              <Group gap="xs">
                <Title order={2}>{p.name}</Title>
                <Badge variant="light" color="gray" size="lg" ff="monospace" data-testid="patient-number">
                  {p.number}
                </Badge>
                {archived && <Badge color="gray">Archived</Badge>}
              </Group>
              <Text size="sm" c="dimmed">
                {[p.dateOfBirth ? (p.dateOfBirthEstimated ? `≈${age} (from the age given)` : `${age} (born ${formatDob(p.dateOfBirth)})`) : 'Date of birth not recorded', p.gender !== 'unknown' && GENDER_LABEL[p.gender]]
                  .filter(Boolean)
                  .join('  ·  ')}
              </Text>
              <Group gap="lg">
                <Text size="sm">
                  <Text span c="dimmed" size="sm">
                    Phone{' '}
                  </Text>
                  {p.phone ? <Anchor href={`tel:${p.phone}`}>{formatPhone(p.phone)}</Anchor> : '—'}
                </Text>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm">
                    <Text span c="dimmed" size="sm">
                      Email{' '}
                    </Text>
                    {p.email ? <Anchor href={`mailto:${p.email}`}>{p.email}</Anchor> : '—'}
                  </Text>
                  <EmailVerification patient={p} />
                </Group>
              </Group>
            </Stack>
          </Group>
          <Group gap="xs" align="flex-start">
            {clinical.read && !p.mergedInto && (
              <Button component={Link} to={`/patients/${p.id}/chart`} leftSection={<IconNotes size={16} />}>
                Open chart
              </Button>
            )}
            {can('feedback.record') && !p.mergedInto && <RecordFeedbackButton patientId={p.id} patientName={p.name} />}
            {canEdit && !p.mergedInto && <Actions patient={p} hasPhoto={!!photo?.url} />}
          </Group>
        </Group>
      </Paper>

      <Allergies text={p.allergies} />

      <Tabs defaultValue="overview" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="appointments">Appointments</Tabs.Tab>
          <Tabs.Tab value="visits">Visits</Tabs.Tab>
          <Tabs.Tab value="records">Medical records</Tabs.Tab>
          <Tabs.Tab value="bills">Bills</Tabs.Tab>
          {canHistory && <Tabs.Tab value="history">History</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 5 }}>
              <Section title="Contact and address">
                <Field label="Phone" value={formatPhone(p.phone)} />
                <Field label="Email" value={p.email} />
                <Field label="Address" value={[p.addressLine, [p.city, p.state].filter(Boolean).join(', '), p.postalCode].filter(Boolean).join('\n')} />
                <Field label="Registered" value={formatInstant(p.createdAt, tz)} />
                {p.previousNumber && <Field label="Previous file no." value={p.previousNumber} />}
              </Section>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Stack gap="md">
                {/* The desk edits allergies and history in the full form; a doctor, who has no such form, here. */}
                <Section title="Medical history" action={can('patients.updateMedical') && !canEdit && !p.mergedInto ? <MedicalEdit patient={p} /> : undefined}>
                  <LongText text={p.medicalHistory} empty="No medical history recorded." />
                  {p.chronicConditions && (
                    <Text size="sm" mt="xs">
                      <Text span fw={600} size="sm">
                        Chronic conditions:{' '}
                      </Text>
                      {p.chronicConditions}
                    </Text>
                  )}
                </Section>
                <Section title="Notes">
                  <LongText text={p.notes} empty="No notes." />
                </Section>
              </Stack>
            </Grid.Col>
          </Grid>
        </Tabs.Panel>
        <Tabs.Panel value="appointments" pt="md">
          <PatientAppointments id={p.id} />
        </Tabs.Panel>
        <Tabs.Panel value="visits" pt="md">
          {clinical.read ? (
            <PatientVisits id={p.id} />
          ) : (
            <EmptyState icon={IconStethoscope} title="Visit notes are for doctors">
              Notes and prescriptions are read in the chart by doctors{session?.user.role === 'admin' ? ', and by admins where Clinic settings allow it' : ''}. Appointments and records are here for the desk.
            </EmptyState>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="records" pt="md">
          <RecordsPanel patientId={p.id} canOpen={clinical.read} />
        </Tabs.Panel>
        <Tabs.Panel value="bills" pt="md">
          <EmptyState icon={IconReceipt} title="Bills">
            Invoices, payments and anything still owed will appear here.
          </EmptyState>
        </Tabs.Panel>
        {canHistory && (
          <Tabs.Panel value="history" pt="md">
            <History id={p.id} />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  )
}

export function NoSuchPatient() {
  return (
    <EmptyState icon={IconUserQuestion} title="No such patient">
      This patient record does not exist. The link may be mistyped or out of date.{' '}
      <Anchor component={Link} to="/patients">
        Back to patients
      </Anchor>
    </EmptyState>
  )
}

function Allergies({ text }: { text: string }) {
  if (!text.trim())
    return (
      <Text size="sm" c="dimmed" data-testid="allergies">
        No allergies recorded.
      </Text>
    )
  return (
    <Alert color="red" variant="filled" icon={<IconAlertTriangle size={20} />} title="Allergies" data-testid="allergies" role="note" aria-label="Allergies">
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} fw={500}>
        {text}
      </Text>
    </Alert>
  )
}

function Section({ title, children, action }: { title: string; children: React.ReactNode; action?: React.ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="xs">
        <Title order={5}>{title}</Title>
        {action}
      </Group>
      <Stack gap={6}>{children}</Stack>
    </Paper>
  )
}

function Field({ label, value }: { label: string; value: string }) {
  return (
    <Group gap="sm" align="flex-start" wrap="nowrap">
      <Text size="sm" c="dimmed" w={90} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {value || '—'}
      </Text>
    </Group>
  )
}

function LongText({ text, empty }: { text: string; empty: string }) {
  return text.trim() ? (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
      {text}
    </Text>
  ) : (
    <Text size="sm" c="dimmed">
      {empty}
    </Text>
  )
}

const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp']

function Actions({ patient: p, hasPhoto }: { patient: Patient; hasPhoto: boolean }) {
  const api = useApi()
  const navigate = useNavigate()
  const [photoError, setPhotoError] = useState<string | null>(null)
  const [uploading, setUploading] = useState(false)
  const [archiveOpen, archive] = useDisclosure(false)
  const [camera, setCamera] = useState(false)

  const upload = async (file: File | null) => {
    // The bytes go as they are; the core checks the type from the content.
    if (!file) return
    setPhotoError(null)
    if (!ACCEPTED.includes(file.type)) return setPhotoError(`“${file.name}” is not a JPEG, PNG or WebP image.`)
    if (file.size > MAX_PHOTO_BYTES)
      return setPhotoError(`“${file.name}” is ${(file.size / 1024 / 1024).toFixed(1)} MB; photos can be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB.`)
    setUploading(true)
    try {
      await api.call('patients.setPhoto', { id: p.id, file: new Uint8Array(await file.arrayBuffer()) })
      notifications.show({ color: 'teal', title: 'Photo saved', message: `New photo for ${p.name}` })
    } catch (error) {
      const reason = error instanceof ApiError && error.fields?.file ? `The file ${error.fields.file}.` : (error as Error).message
      setPhotoError(`Photo not saved. ${reason}`)
    } finally {
      setUploading(false)
    }
  }

  const removePhoto = () =>
    api.call('patients.removePhoto', { id: p.id }).then(
      () => notifications.show({ title: 'Photo removed', message: p.name }),
      (e) => showError(e)
    )

  const restore = () =>
    api.call('patients.restore', { id: p.id }).then(
      () => notifications.show({ color: 'teal', title: 'Restored', message: `${p.name} (${p.number}) is back in search` }),
      (e) => showError(e, undefined, 'Not restored')
    )

  return (
    <Stack gap={6} align="flex-end">
      {camera && (
        <CameraCapture
          onClose={() => setCamera(false)}
          onCapture={(file) => {
            setCamera(false)
            void upload(file)
          }}
        />
      )}
      <Group gap="xs" wrap="nowrap">
        {!p.archivedAt && (
          <Button leftSection={<IconPencil size={16} />} onClick={() => navigate(`/patients/${p.id}/edit`)}>
            Edit
          </Button>
        )}
        <FileButton onChange={(f) => void upload(f)} accept={ACCEPTED.join(',')}>
          {(props) => (
            <Button variant="default" leftSection={<IconCamera size={16} />} loading={uploading} {...props}>
              {hasPhoto ? 'Change photo' : 'Add photo'}
            </Button>
          )}
        </FileButton>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button variant="default" px="xs" aria-label="More actions">
              <IconChevronDown size={16} />
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item leftSection={<IconCamera size={16} />} onClick={() => setCamera(true)}>
              Take a photo with the camera
            </Menu.Item>
            {hasPhoto && (
              <Menu.Item leftSection={<IconTrash size={16} />} onClick={() => void removePhoto()}>
                Remove photo
              </Menu.Item>
            )}
            {p.archivedAt ? (
              <Menu.Item leftSection={<IconArrowBackUp size={16} />} onClick={() => void restore()}>
                Restore patient
              </Menu.Item>
            ) : (
              <Menu.Item color="red" leftSection={<IconArchive size={16} />} onClick={archive.open}>
                Archive patient…
              </Menu.Item>
            )}
          </Menu.Dropdown>
        </Menu>
      </Group>
      {p.archivedAt && (
        <Button variant="light" leftSection={<IconArrowBackUp size={16} />} onClick={() => void restore()}>
          Restore
        </Button>
      )}
      {photoError && (
        <Text size="sm" c="red" role="alert" maw={360} ta="right">
          {photoError}
        </Text>
      )}
      <Modal opened={archiveOpen} onClose={archive.close} title={`Archive ${p.name}?`}>
        <ArchiveForm patient={p} onDone={archive.close} />
      </Modal>
    </Stack>
  )
}

function ArchiveForm({ patient: p, onDone }: { patient: Patient; onDone: () => void }) {
  const api = useApi()
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event: React.FormEvent) => {
    event.preventDefault()
    if (!reason.trim()) return setError('Say why this record is being archived')
    setBusy(true)
    try {
      await api.call('patients.archive', { id: p.id, reason: reason.trim() })
      notifications.show({ title: 'Archived', message: `${p.name} (${p.number}) is hidden from search. Nothing was deleted.` })
      onDone()
    } catch (e) {
      if (e instanceof ApiError && e.fields?.reason) setError(`Reason ${e.fields.reason}`)
      else showError(e, undefined, 'Not archived')
    } finally {
      setBusy(false)
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack>
        <Text size="sm">
          {p.number} will be hidden from search and lists. Nothing is deleted; you can restore it later.
        </Text>
        <Textarea label="Reason" withAsterisk data-autofocus autosize minRows={2} value={reason} error={error} onChange={(e) => (setReason(e.currentTarget.value), setError(null))} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" color="red" loading={busy}>
            Archive patient
          </Button>
        </Group>
      </Stack>
    </form>
  )
}


const ACTION_LABEL: Record<PatientChange['action'], string> = {
  created: 'Registered',
  updated: 'Details changed',
  archived: 'Archived',
  restored: 'Restored',
  merged: 'Merged',
  unmerged: 'Merge undone',
  photo: 'Photo',
  imported: 'Imported'
}

function History({ id }: { id: string }) {
  const { settings } = useSession()
  const history = useApiQuery('patients.history', { id }, { shows: [['patients', id]] })
  useEffect(() => void (history.error && showError(history.error, undefined, 'Could not load history')), [history.error])
  const entries = history.data ? { list: history.data } : null

  if (!entries) return <Loader size="sm" />
  if (entries.list.length === 0) return <Text c="dimmed">No history yet.</Text>
  const show = (field: string, value: unknown) => {
    if (value === null || value === undefined || value === '') return <Text span c="dimmed" size="sm" fs="italic">empty</Text>
    if (field === 'dateOfBirth' && typeof value === 'string') return formatDob(value)
    if (typeof value === 'boolean') return value ? 'yes' : 'no'
    if (field === 'phone' && typeof value === 'string') return formatPhone(value)
    if (field === 'gender' && typeof value === 'string') return GENDER_LABEL[value as keyof typeof GENDER_LABEL] ?? value
    return typeof value === 'string' ? value : JSON.stringify(value)
  }
  return (
    <Paper withBorder p="md" radius="md" aria-label="Change history" component="section">
      <Timeline bulletSize={14} lineWidth={2}>
        {entries.list.map((entry) => {
          const fields = Object.entries(entry.changes)
          return (
            <Timeline.Item key={entry.id} title={ACTION_LABEL[entry.action]} data-testid="history-entry">
              <Text size="xs" c="dimmed">
                {entry.byName ?? 'System'} · {formatInstant(entry.at, settings?.timeZone)}
              </Text>
              {entry.note && <Text size="sm">{entry.note}</Text>}
              {fields.length > 0 && (
                <Table withRowBorders={false} verticalSpacing={2} horizontalSpacing="xs" mt={4} maw={720} fz="sm">
                  <Table.Tbody>
                    {fields.map(([field, [before, after]]) => (
                      <Table.Tr key={field}>
                        <Table.Td c="dimmed" w={130}>
                          {FIELD_LABEL[field] ?? field}
                        </Table.Td>
                        <Table.Td style={{ textDecoration: before ? 'line-through' : undefined, whiteSpace: 'pre-wrap' }} c="dimmed">
                          {show(field, before)}
                        </Table.Td>
                        <Table.Td w={24} c="dimmed">
                          →
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{show(field, after)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Timeline.Item>
          )
        })}
      </Timeline>
    </Paper>
  )
}

function PatientAppointments({ id }: { id: string }) {
  const { settings } = useSession()
  const list = useApiQuery('appointments.forPatient', { patientId: id }, { shows: [['patients', id]] })
  const now = new Date().toISOString()
  const all = list.data ?? []
  const upcoming = all.filter((a) => a.start >= now && (a.status === 'booked' || a.status === 'confirmed')).reverse()
  const past = all.filter((a) => !upcoming.includes(a))
  const missed = all.filter((a) => a.status === 'no_show').length
  const cancelled = all.filter((a) => a.status === 'cancelled').length
  if (list.isPending) return <Loader size="sm" />
  if (all.length === 0) return <EmptyState icon={IconCalendarEvent} title="No appointments yet">Book one from the calendar.</EmptyState>
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {upcoming.length} upcoming · {missed} no-show{missed === 1 ? '' : 's'} · {cancelled} cancelled · times in {settings?.timeZone}
      </Text>
      <ListPanel title="Upcoming" empty="Nothing booked." count={upcoming.length}>
        <AppointmentList label="Upcoming appointments" appointments={upcoming} actions={{}} showDate />
      </ListPanel>
      <ListPanel title="Past and cancelled" empty="None yet." count={past.length}>
        <AppointmentList label="Past appointments" appointments={past} actions={{}} showDate />
      </ListPanel>
    </Stack>
  )
}
