import { Alert, Button, Divider, Drawer, Group, SegmentedControl, Select, Stack, Switch, Text, TextInput, Textarea, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconHourglass, IconUserPlus } from '@tabler/icons-react'
import { useEffect, useRef, useState } from 'react'
import { ApiError, type AppointmentType, type Doctor, type PatientSummary, type SeriesPreview } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery, useCan } from '../../api/queries'
import { clinicClock, clinicDate, dayLabel } from '../../lib/clinic-time'
import { PatientPicker } from '../admin/merge/PatientPicker'
import { describeError } from '../admin/merge/errors'
import { capitalise } from '../../lib/errors'
import { WaitlistForm } from '../waitlist/WaitlistForm'
import { defaultRepeat, RepeatFields, SeriesPreviewTable, toRepeat, type Choices, type RepeatDraft } from './Repeat'
import classes from './Calendar.module.css'
import { MODE_LABEL } from './status'

export interface BookingRequest {
  doctor: Doctor
  /** Clinic date and the instant picked (a free slot). */
  date: string
  start: string
}

/**
 * The booking drawer: who, what, when, why and how; a conflict offers an overbook with a reason.
 * "Repeat" books a recurring series instead, checked date by date first; when no time suits the
 * patient, they can be put on the waitlist from here.
 */
export function BookingDrawer({ request, types, onClose }: { request: BookingRequest | null; types: AppointmentType[]; onClose: () => void }) {
  // A series' dates and their alternatives need the room.
  const [wide, setWide] = useState(false)
  const close = () => (setWide(false), onClose())
  return (
    <Drawer opened={request !== null} onClose={close} position="right" size={wide ? 'lg' : 'md'} title={request ? `Book with ${request.doctor.name}` : ''}>
      {request && <BookingForm key={`${request.doctor.id}${request.start}`} request={request} types={types} onDone={close} onWide={setWide} />}
    </Drawer>
  )
}

type Problem = { message: string; conflict: boolean; fields?: Record<string, string> }

function BookingForm({ request, types, onDone, onWide }: { request: BookingRequest; types: AppointmentType[]; onDone: () => void; onWide: (wide: boolean) => void }) {
  const api = useApi()
  const can = useCan()
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const offered = types.filter((t) => t.active && (t.doctorIds.length === 0 || t.doctorIds.includes(request.doctor.id)))
  const [patient, setPatient] = useState<PatientSummary | null>(null)
  const [newPatient, setNewPatient] = useState<{ name: string; phone: string } | null>(null)
  const [typeId, setTypeId] = useState<string | null>(offered[0]?.id ?? null)
  const [start, setStart] = useState(request.start)
  const [reason, setReason] = useState('')
  const [mode, setMode] = useState<'in_person' | 'phone' | 'video'>('in_person')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [overbook, setOverbook] = useState('')
  const [repeating, setRepeating] = useState(false)
  const [draft, setDraft] = useState<RepeatDraft>(() => defaultRepeat(request.date))
  const [preview, setPreview] = useState<{ key: string; value: SeriesPreview } | null>(null)
  const [choices, setChoices] = useState<Choices>({})
  const [waitlisting, setWaitlisting] = useState(false)
  const previewTop = useRef<HTMLDivElement>(null)
  // Checked dates come into view at once: the options above them have been seen.
  useEffect(() => {
    previewTop.current?.scrollIntoView({ block: 'start', behavior: 'smooth' })
  }, [preview])
  const slots = useApiQuery('schedule.freeSlots', { typeId: typeId ?? '', doctorId: request.doctor.id, from: request.date, to: request.date }, { shows: ['appointments', 'doctor_sessions', 'availability_exceptions'], enabled: typeId !== null })
  const times = [...new Set([request.start, ...(slots.data ?? []).map((s) => s.start)])].sort()

  const seriesFields = (patientId: string) => ({ patientId, doctorId: request.doctor.id, typeId: typeId ?? '', start, repeat: toRepeat(draft), reason })
  // What the dates depend on (the reason does not): a change makes the checked dates stale.
  const keyOf = ({ reason: _reason, ...rest }: ReturnType<typeof seriesFields>) => JSON.stringify(rest)
  const seriesKey = keyOf(seriesFields(patient?.id ?? ''))
  const current = preview !== null && preview.key === seriesKey
  const unresolved = current ? preview.value.occurrences.filter((o) => !o.ok && !(o.start in choices)).length : 0
  const toBook = current ? preview.value.occurrences.filter((o) => (o.ok ? true : choices[o.start] != null)).length : 0

  /** The patient chosen, or the new one registered now (a series is checked against a real record). */
  const patientId = async (): Promise<string | null> => {
    if (patient) return patient.id
    if (!newPatient) return null
    const created = await api.call('patients.create', { name: newPatient.name, phone: newPatient.phone })
    setPatient(created.patient)
    setNewPatient(null)
    return created.patient.id
  }

  const seriesFailed = (error: unknown) => {
    // The repeat's own fields stand alone under their controls; the others read after the field's name, as a single booking's do.
    const fields = error instanceof ApiError && error.fields ? Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, /^(repeat|replacements)/.test(k) ? capitalise(v) : v])) : undefined
    // Fields this form shows by the control; anything else is said in words.
    const shown = (k: string) => /^(patientId|typeId|start|name|phone|repeat(\..*)?|replacements\..*)$/.test(k)
    const unshown = fields ? Object.keys(fields).filter((k) => !shown(k)) : []
    setProblem({ message: !fields || unshown.length ? describeError(error) : '', conflict: false, fields })
  }

  const checkDates = async () => {
    if (!typeId) return
    setBusy(true)
    setProblem(null)
    try {
      const id = await patientId()
      if (!id) {
        setProblem({ message: '', conflict: false, fields: { patientId: 'is required' } })
        return
      }
      const input = seriesFields(id)
      const value = await api.call('series.preview', input)
      setPreview({ key: keyOf(input), value })
      setChoices({})
    } catch (error) {
      seriesFailed(error)
    } finally {
      setBusy(false)
    }
  }

  const bookSeries = async () => {
    if (!current || !patient) return
    setBusy(true)
    setProblem(null)
    try {
      const replacements = Object.fromEntries(Object.entries(choices))
      const booked = await api.call('series.book', { ...seriesFields(patient.id), replacements })
      const first = booked.appointments[0]
      notifications.show({
        color: 'teal',
        title: `Booked ${booked.appointments.length} appointments`,
        message: `${patient.name} with ${request.doctor.name}, ${preview.value.description.toLowerCase()}${first ? `, from ${dayLabel(clinicDate(first.start, tz))} ${clinicClock(first.start, tz)}` : ''}`
      })
      onDone()
    } catch (error) {
      seriesFailed(error)
      // The dates may have changed under us: the next Enter checks them again.
      if (error instanceof ApiError && error.code === 'CONFLICT') setPreview(null)
    } finally {
      setBusy(false)
    }
  }

  const submit = () => {
    if (!repeating) return void book()
    if (current) {
      if (unresolved === 0) void bookSeries()
      return
    }
    void checkDates()
  }

  const book = async (overbookReason?: string) => {
    if (!typeId) return
    setBusy(true)
    setProblem(null)
    try {
      let patientId = patient?.id
      if (!patientId && newPatient) {
        const created = await api.call('patients.create', { name: newPatient.name, phone: newPatient.phone })
        patientId = created.patient.id
      }
      if (!patientId) {
        setProblem({ message: 'Choose the patient, or register a new one.', conflict: false, fields: { patientId: 'is required' } })
        return
      }
      const booked = await api.call('appointments.book', { patientId, doctorId: request.doctor.id, typeId, start, reason, mode, ...(overbookReason ? { overbookReason } : {}) })
      notifications.show({ color: 'teal', title: overbookReason ? 'Overbooked' : 'Booked', message: `${booked.patient.name} with ${booked.doctorName}, ${dayLabel(request.date)} ${clinicClock(booked.start, tz)}` })
      onDone()
    } catch (error) {
      setProblem({ message: describeError(error), conflict: error instanceof ApiError && error.code === 'CONFLICT', fields: error instanceof ApiError ? error.fields : undefined })
    } finally {
      setBusy(false)
    }
  }

  if (waitlisting) {
    return (
      <Stack>
        <div>
          <Title order={4}>Put on the waitlist</Title>
          <Text size="sm" c="dimmed">
            They are offered the first freed slot that fits, when an appointment is cancelled or moved.
          </Text>
        </div>
        <WaitlistForm prefill={{ patient, doctorId: request.doctor.id, typeId, fromDate: request.date }} onDone={onDone} onCancel={() => setWaitlisting(false)} />
      </Stack>
    )
  }

  return (
    <Stack component="form" aria-label="Book appointment" onSubmit={(e) => (e.preventDefault(), submit())}>
      {newPatient ? (
        <Stack gap="xs">
          <TextInput label="New patient's name" required data-autofocus value={newPatient.name} onChange={(e) => setNewPatient({ ...newPatient, name: e.currentTarget.value })} error={problem?.fields?.name} />
          <TextInput label="Phone" value={newPatient.phone} onChange={(e) => setNewPatient({ ...newPatient, phone: e.currentTarget.value })} error={problem?.fields?.phone} />
          <Button variant="subtle" size="xs" onClick={() => setNewPatient(null)} style={{ alignSelf: 'flex-start' }}>
            Find an existing patient instead
          </Button>
        </Stack>
      ) : (
        <Stack gap={4}>
          <PatientPicker label="Patient" value={patient} onChange={setPatient} />
          {problem?.fields?.patientId && (
            <Text size="xs" c="red">
              Patient {problem.fields.patientId}
            </Text>
          )}
          <Button variant="subtle" size="xs" leftSection={<IconUserPlus size={14} />} onClick={() => setNewPatient({ name: '', phone: '' })} style={{ alignSelf: 'flex-start' }}>
            New patient
          </Button>
        </Stack>
      )}
      <Select label="Type" data={offered.map((t) => ({ value: t.id, label: `${t.name} · ${t.durationMinutes} min` }))} value={typeId} onChange={setTypeId} allowDeselect={false} error={problem?.fields?.typeId} />
      <Select
        label={`Time on ${dayLabel(request.date)}`}
        data={times.map((t) => ({ value: t, label: clinicClock(t, tz) }))}
        value={start}
        onChange={(v) => v && setStart(v)}
        allowDeselect={false}
        searchable
        error={problem?.fields?.start}
        description={slots.data ? `${slots.data.length} free slots for this type that day` : undefined}
      />
      {can('waitlist.add') && (
        <Button variant="subtle" size="xs" leftSection={<IconHourglass size={14} />} onClick={() => setWaitlisting(true)} style={{ alignSelf: 'flex-start' }}>
          No good slot? Put on the waitlist
        </Button>
      )}
      <Textarea label="Reason or symptoms" autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
      {repeating ? (
        <Text size="xs" c="dimmed">
          Recurring appointments are booked in person.
        </Text>
      ) : (
        <div>
          <Text size="sm" fw={500} mb={4}>
            How
          </Text>
          <SegmentedControl aria-label="How" value={mode} onChange={(v) => setMode(v as typeof mode)} data={Object.entries(MODE_LABEL).map(([value, label]) => ({ value, label }))} />
        </div>
      )}
      {can('series.book') && (
        <>
          <Divider />
          <Switch
            label="Repeat"
            description="Book a recurring appointment: the same time every day, week or month"
            checked={repeating}
            onChange={(e) => {
              const on = e.currentTarget.checked
              setRepeating(on)
              onWide(on)
              setProblem(null)
            }}
          />
        </>
      )}
      {repeating && <RepeatFields draft={draft} onChange={setDraft} errors={problem?.fields ?? {}} />}
      {repeating && preview && (
        <>
          <div ref={previewTop} style={{ scrollMarginTop: 8 }} />
          <SeriesPreviewTable preview={preview.value} choices={choices} onChoose={(at, to) => setChoices((c) => ({ ...c, [at]: to }))} errors={problem?.fields ?? {}} stale={!current} />
          {!current && (
            <Text size="sm" c="orange">
              The details changed since these dates were checked: check them again.
            </Text>
          )}
        </>
      )}
      {repeating && problem?.message && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Not booked" role="alert">
          {problem.message}
        </Alert>
      )}
      {!repeating && problem && (
        <Alert color={problem.conflict ? 'orange' : 'red'} icon={<IconAlertTriangle size={18} />} title={problem.conflict ? 'That time is taken' : 'Not booked'} role="alert">
          <Stack gap="xs">
            <Text size="sm">{problem.message}</Text>
            {problem.conflict && (
              <>
                <TextInput label="Overbook anyway: why?" placeholder="e.g. urgent, the doctor agreed" value={overbook} onChange={(e) => setOverbook(e.currentTarget.value)} />
                <Button color="orange" variant="light" disabled={overbook.trim().length < 3} loading={busy} onClick={() => void book(overbook.trim())}>
                  Overbook with this reason
                </Button>
              </>
            )}
          </Stack>
        </Alert>
      )}
      {/* A series' dates make the drawer long: its actions stay in view. */}
      <Group justify="flex-end" className={classes.drawerFooter}>
        {repeating && current && unresolved > 0 && (
          <Text size="xs" c="red" mr="auto">
            {unresolved} {unresolved === 1 ? 'date needs' : 'dates need'} another time or “Leave out”
          </Text>
        )}
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" loading={busy} disabled={!typeId || (!patient && !newPatient?.name.trim()) || (repeating && current && (unresolved > 0 || toBook === 0))}>
          {!repeating ? 'Book' : current ? `Book ${toBook} ${toBook === 1 ? 'appointment' : 'appointments'}` : 'Check dates'}
        </Button>
      </Group>
    </Stack>
  )
}
