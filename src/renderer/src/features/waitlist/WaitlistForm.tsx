import { Alert, Button, Group, Select, SimpleGrid, Stack, TextInput } from '@mantine/core'
import { DatePickerInput } from '@mantine/dates'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle } from '@tabler/icons-react'
import { useState } from 'react'
import { ApiError, TIMES_OF_DAY, TIME_OF_DAY_LABEL, type PatientSummary, type TimeOfDay, type WaitlistEntry } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { addDays, clinicToday } from '../../lib/clinic-time'
import { capitalise } from '../../lib/errors'
import { dateRange } from './format'
import { PatientField } from './PatientField'

export interface WaitlistPrefill {
  patient?: PatientSummary | null
  doctorId?: string | null
  typeId?: string | null
  fromDate?: string
}

const ANY_DOCTOR = 'any'
const FIELD_WORDS: Record<string, string> = { fromDate: '“From”', toDate: '“To”' }

/** The API's field messages in the form's own words ("must not be before “From”"). */
const fieldMessage = (message: string) => capitalise(message.replace(/\b(fromDate|toDate)\b/g, (name) => FIELD_WORDS[name]))

/** Put a patient on the waitlist: who, with whom (or any doctor), what, between which dates and at what time of day. */
export function WaitlistForm({ prefill = {}, onDone, onCancel, submitLabel = 'Add to waitlist' }: { prefill?: WaitlistPrefill; onDone(entry: WaitlistEntry): void; onCancel(): void; submitLabel?: string }) {
  const api = useApi()
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const today = clinicToday(tz)
  const doctors = useApiQuery('doctors.list', {}, { shows: ['doctors'] })
  const types = useApiQuery('appointmentTypes.list', {}, { shows: ['appointment_types', 'appointment_type_doctors'] })
  const [patient, setPatient] = useState<PatientSummary | null>(prefill.patient ?? null)
  const [doctorId, setDoctorId] = useState<string>(prefill.doctorId ?? ANY_DOCTOR)
  const [typeId, setTypeId] = useState<string | null>(prefill.typeId ?? null)
  const from0 = prefill.fromDate && prefill.fromDate > today ? prefill.fromDate : today
  const [fromDate, setFromDate] = useState<string | null>(from0)
  const [toDate, setToDate] = useState<string | null>(addDays(from0, 14))
  const [timeOfDay, setTimeOfDay] = useState<TimeOfDay>('any')
  const [note, setNote] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const offered = (types.data ?? []).filter((t) => t.active && (doctorId === ANY_DOCTOR || t.doctorIds.length === 0 || t.doctorIds.includes(doctorId)))
  const chosenType = offered.some((t) => t.id === typeId) ? typeId : null
  const clear = (field: string) => errors[field] && setErrors(({ [field]: _gone, ...rest }) => rest)

  const submit = async () => {
    const missing: Record<string, string> = {}
    if (!patient) missing.patientId = 'Choose the patient'
    if (!chosenType) missing.typeId = 'Choose the type of appointment'
    if (!fromDate) missing.fromDate = 'Choose the first date'
    if (!toDate) missing.toDate = 'Choose the last date'
    setErrors(missing)
    setProblem(null)
    if (Object.keys(missing).length) return
    setBusy(true)
    try {
      const entry = await api.call('waitlist.add', { patientId: patient!.id, doctorId: doctorId === ANY_DOCTOR ? null : doctorId, typeId: chosenType!, fromDate: fromDate!, toDate: toDate!, timeOfDay, note: note.trim() })
      notifications.show({ color: 'teal', title: 'On the waitlist', message: `${entry.patient.name}: ${entry.typeName} with ${entry.doctorName ?? 'any doctor'}, ${dateRange(entry.fromDate, entry.toDate)}` })
      onDone(entry)
    } catch (error) {
      if (error instanceof ApiError && error.fields && Object.keys(error.fields).length) {
        setErrors(Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, fieldMessage(v)])))
      } else setProblem(error instanceof Error ? error.message : String(error))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Stack component="form" aria-label="Add to waitlist" gap="sm" onSubmit={(e) => (e.preventDefault(), void submit())}>
      <PatientField value={patient} onChange={(p) => (setPatient(p), clear('patientId'))} error={errors.patientId} autoFocus={!prefill.patient} />
      <SimpleGrid cols={2} spacing="sm">
        <Select
          label="Doctor"
          data={[{ value: ANY_DOCTOR, label: 'Any doctor' }, ...(doctors.data ?? []).map((d) => ({ value: d.id, label: d.name }))]}
          value={doctorId}
          onChange={(v) => (setDoctorId(v ?? ANY_DOCTOR), clear('doctorId'))}
          allowDeselect={false}
          searchable
          error={errors.doctorId}
        />
        <Select
          label="Type"
          withAsterisk
          placeholder="Choose"
          data={offered.map((t) => ({ value: t.id, label: `${t.name} · ${t.durationMinutes} min` }))}
          value={chosenType}
          onChange={(v) => (setTypeId(v), clear('typeId'))}
          allowDeselect={false}
          error={errors.typeId}
        />
        <DatePickerInput label="From" withAsterisk autoFocus={!!prefill.patient} data-autofocus={!!prefill.patient || undefined} value={fromDate} onChange={(v) => (setFromDate(v), clear('fromDate'))} minDate={today} valueFormat="ddd D MMM YYYY" error={errors.fromDate} />
        <DatePickerInput label="To" withAsterisk value={toDate} onChange={(v) => (setToDate(v), clear('toDate'))} minDate={fromDate ?? today} valueFormat="ddd D MMM YYYY" error={errors.toDate} />
      </SimpleGrid>
      <Select
        label="Time of day"
        data={TIMES_OF_DAY.map((t) => ({ value: t, label: TIME_OF_DAY_LABEL[t] }))}
        value={timeOfDay}
        onChange={(v) => v && setTimeOfDay(v as TimeOfDay)}
        allowDeselect={false}
        error={errors.timeOfDay}
      />
      <TextInput label="Note" placeholder="e.g. can come at short notice; call after 5 pm" value={note} onChange={(e) => (setNote(e.currentTarget.value), clear('note'))} maxLength={300} error={errors.note} />
      {problem && (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="Not added" role="alert">
          {problem}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" loading={busy}>
          {submitLabel}
        </Button>
      </Group>
    </Stack>
  )
}
