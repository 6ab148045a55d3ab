import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core'
import { DatePickerInput } from '@mantine/dates'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { ApiError, type Appointment } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { clinicClock, clinicDate, clinicToday, dayLabel, toWall } from '../../lib/clinic-time'
import { capitalise } from '../../lib/errors'

/** Minutes between two clinic wall times ("2025-03-10 09:30:00"), daylight saving aside, as the core shifts a series. */
const wallMinutes = (wall: string) => Date.parse(`${wall.replace(' ', 'T')}Z`) / 60_000

/** "1 day and 30 min later", "2 h earlier". */
export function shiftText(minutes: number): string {
  if (minutes === 0) return 'not at all'
  const total = Math.abs(minutes)
  const days = Math.floor(total / 1440)
  const hours = Math.floor((total % 1440) / 60)
  const mins = total % 60
  const parts = [days ? `${days} ${days === 1 ? 'day' : 'days'}` : '', hours ? `${hours} h` : '', mins ? `${mins} min` : ''].filter(Boolean)
  return `${parts.join(' ')} ${minutes > 0 ? 'later' : 'earlier'}`
}

/** Move this appointment and every later one of its series by the same shift, all or none. */
export function SeriesMove({ appointment: a, timeZone, onMoved, onCancel }: { appointment: Appointment; timeZone: string; onMoved(moved: Appointment[], shiftMs: number): void; onCancel(): void }) {
  const api = useApi()
  const [date, setDate] = useState<string | null>(clinicDate(a.start, timeZone))
  const [start, setStart] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<{ message: string; fields?: Record<string, string> } | null>(null)
  const slots = useApiQuery('schedule.freeSlots', { typeId: a.typeId, doctorId: a.doctorId, from: date ?? '', to: date ?? '' }, { shows: ['appointments', 'doctor_sessions', 'availability_exceptions'], enabled: date !== null })
  const times = slots.data ?? []
  const shift = start ? wallMinutes(toWall(start, timeZone)) - wallMinutes(toWall(a.start, timeZone)) : null

  const submit = async () => {
    if (!start) {
      setProblem({ message: '', fields: { start: 'Choose the new time' } })
      return
    }
    setBusy(true)
    setProblem(null)
    try {
      const { moved } = await api.call('series.move', { appointmentId: a.id, start, reason: reason.trim() })
      notifications.show({ color: 'teal', title: `Moved ${moved.length} ${moved.length === 1 ? 'appointment' : 'appointments'}`, message: `${a.patient.name}: from ${dayLabel(clinicDate(start, timeZone))} ${clinicClock(start, timeZone)} on` })
      onMoved(moved, Date.parse(start) - Date.parse(a.start))
    } catch (error) {
      const fields = error instanceof ApiError && error.fields ? Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, capitalise(v)])) : undefined
      setProblem({ message: fields ? '' : error instanceof Error ? error.message : String(error), fields })
    } finally {
      setBusy(false)
    }
  }

  return (
    <Paper withBorder p="sm" radius="md">
      <Stack gap="xs" component="form" aria-label="Move this and all later ones" onSubmit={(e) => (e.preventDefault(), void submit())}>
        <Text size="sm" fw={600}>
          Move this and all later ones
        </Text>
        <SimpleGrid cols={2} spacing="xs">
          <DatePickerInput label="New date" value={date} onChange={(v) => (setDate(v), setStart(null))} minDate={clinicToday(timeZone)} valueFormat="ddd D MMM YYYY" data-autofocus autoFocus />
          <Select
            label="New time"
            placeholder={slots.isLoading ? 'Loading…' : times.length ? 'Choose' : 'No free time'}
            data={times.map((s) => ({ value: s.start, label: s.time }))}
            value={start}
            onChange={setStart}
            searchable
            allowDeselect={false}
            error={problem?.fields?.start}
            nothingFoundMessage="No free time that day"
          />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          {shift === null
            ? 'Every later booked appointment of the series moves by the same amount, or none does.'
            : `This one and every later one move ${shiftText(shift)} (to ${date ? dayLabel(date) : ''} ${start ? clinicClock(start, timeZone) : ''} for this one). If any cannot move, none does.`}
        </Text>
        <TextInput label="Reason (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={300} error={problem?.fields?.reason} />
        {problem?.message && (
          <Alert color="red" role="alert" title="Not moved">
            {problem.message}
          </Alert>
        )}
        <Group gap="xs">
          <Button size="xs" type="submit" loading={busy}>
            Move this and all later ones
          </Button>
          <Button size="xs" variant="subtle" onClick={onCancel}>
            Keep them
          </Button>
        </Group>
      </Stack>
    </Paper>
  )
}
