import { Alert, Button, Drawer, Group, SegmentedControl, Select, Stack, Text, TextInput, Textarea } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconUserPlus } from '@tabler/icons-react'
import { useState } from 'react'
import { ApiError, type AppointmentType, type Doctor, type PatientSummary } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { clinicClock, dayLabel } from '../../lib/clinic-time'
import { PatientPicker } from '../admin/merge/PatientPicker'
import { describeError } from '../admin/merge/errors'
import { MODE_LABEL } from './status'

export interface BookingRequest {
  doctor: Doctor
  /** Clinic date and the instant picked (a free slot). */
  date: string
  start: string
}

/** The booking drawer: who, what, when, why and how; a conflict offers an overbook with a reason. */
export function BookingDrawer({ request, types, onClose }: { request: BookingRequest | null; types: AppointmentType[]; onClose: () => void }) {
  return (
    <Drawer opened={request !== null} onClose={onClose} position="right" size="md" title={request ? `Book with ${request.doctor.name}` : ''}>
      {request && <BookingForm key={`${request.doctor.id}${request.start}`} request={request} types={types} onDone={onClose} />}
    </Drawer>
  )
}

function BookingForm({ request, types, onDone }: { request: BookingRequest; types: AppointmentType[]; onDone: () => void }) {
  const api = useApi()
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
  const [problem, setProblem] = useState<{ message: string; conflict: boolean; fields?: Record<string, string> } | null>(null)
  const [overbook, setOverbook] = useState('')
  const slots = useApiQuery('schedule.freeSlots', { typeId: typeId ?? '', doctorId: request.doctor.id, from: request.date, to: request.date }, { shows: ['appointments', 'doctor_sessions', 'availability_exceptions'], enabled: typeId !== null })
  const times = [...new Set([request.start, ...(slots.data ?? []).map((s) => s.start)])].sort()

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

  return (
    <Stack component="form" aria-label="Book appointment" onSubmit={(e) => (e.preventDefault(), void book())}>
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
      <Textarea label="Reason or symptoms" autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
      <div>
        <Text size="sm" fw={500} mb={4}>
          How
        </Text>
        <SegmentedControl value={mode} onChange={(v) => setMode(v as typeof mode)} data={Object.entries(MODE_LABEL).map(([value, label]) => ({ value, label }))} />
      </div>
      {problem && (
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
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" loading={busy} disabled={!typeId || (!patient && !newPatient?.name.trim())}>
          Book
        </Button>
      </Group>
    </Stack>
  )
}
