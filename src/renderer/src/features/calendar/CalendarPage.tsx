import { ActionIcon, Alert, Avatar, Badge, Button, Group, Kbd, Loader, Modal, MultiSelect, SegmentedControl, Select, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { DatePickerInput } from '@mantine/dates'
import { useHotkeys } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { DayView, WeekView, type ScheduleEventData } from '@mantine/schedule'
import { IconCalendarTime, IconChevronLeft, IconChevronRight, IconKeyboard } from '@tabler/icons-react'
import { useMemo, useState } from 'react'
import { useSearchParams } from 'react-router'
import type { Appointment, DaySchedule, Doctor, FreeSlot } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useFileUrl } from '../../api/files'
import { useApiQuery, useCan } from '../../api/queries'
import { addDays, clinicClock, clinicDate, clinicNowWall, clinicToday, dayLabel, toWall, wallToInstant, weekStart } from '../../lib/clinic-time'
import { describeError } from '../admin/merge/errors'
import { EmptyState } from '../../shell/EmptyState'
import { useFreedSlots } from '../waitlist/FreedSlots'
import { AppointmentDrawer } from './AppointmentDrawer'
import { BookingDrawer, type BookingRequest } from './BookingDrawer'
import classes from './Calendar.module.css'
import { STATUS_LABEL } from './status'

const SHOWS = ['appointments', 'doctors', 'doctor_sessions', 'availability_exceptions', 'appointment_types', 'settings'] as const
const MOVABLE = new Set(['booked', 'confirmed'])

interface Move {
  appointment: Appointment
  start: string
  doctor: Doctor
}

/** The desk's calendar: a column per doctor for a day, or one doctor's week. */
export function CalendarPage() {
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const api = useApi()
  const can = useCan()
  const [params, setParams] = useSearchParams()
  const date = params.get('date') ?? clinicToday(tz)
  const view = params.get('view') === 'week' ? 'week' : 'day'
  const specialization = params.get('spec')
  const set = (next: Record<string, string | null>) =>
    setParams((p) => {
      for (const [k, v] of Object.entries(next)) {
        if (v === null) p.delete(k)
        else p.set(k, v)
      }
      return p
    })
  const [booking, setBooking] = useState<BookingRequest | null>(null)
  const [openId, setOpenId] = useState<string | null>(null)
  const [move, setMove] = useState<Move | null>(null)
  const [help, setHelp] = useState(false)
  // A cancel or a move frees a time: whoever on the waitlist fits it is offered it.
  const freed = useFreedSlots()

  const doctors = useApiQuery('doctors.list', {}, { shows: ['doctors'] })
  const types = useApiQuery('appointmentTypes.list', {}, { shows: ['appointment_types', 'appointment_type_doctors'] })
  const chosen = params.get('doctors')?.split(',').filter(Boolean) ?? []
  const shown = (doctors.data ?? []).filter((d) => (!specialization || d.specialization === specialization) && (chosen.length === 0 || chosen.includes(d.id)))
  const weekDoctor = shown.find((d) => d.id === params.get('doctor')) ?? shown[0]
  const specializations = [...new Set((doctors.data ?? []).map((d) => d.specialization).filter(Boolean))].sort()

  const step = (days: number) => set({ date: addDays(date, view === 'week' ? days * 7 : days) })
  useHotkeys([
    ['alt+ArrowLeft', () => step(-1)],
    ['alt+ArrowRight', () => step(1)],
    ['alt+T', () => set({ date: clinicToday(tz) })],
    ['shift+/', () => setHelp(true)]
  ])

  const canBook = can('appointments.book')
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={2}>Calendar</Title>
          <Text c="dimmed" size="sm">
            {dayLabel(date)} · clinic time ({tz})
          </Text>
        </div>
        <Group gap="xs" wrap="wrap">
          <Button variant="default" onClick={() => set({ date: clinicToday(tz) })}>
            Today
          </Button>
          <ActionIcon variant="default" size="lg" aria-label={view === 'week' ? 'Previous week' : 'Previous day'} onClick={() => step(-1)}>
            <IconChevronLeft size={18} />
          </ActionIcon>
          <ActionIcon variant="default" size="lg" aria-label={view === 'week' ? 'Next week' : 'Next day'} onClick={() => step(1)}>
            <IconChevronRight size={18} />
          </ActionIcon>
          <DatePickerInput aria-label="Date" value={date} onChange={(v) => v && set({ date: v })} valueFormat="ddd D MMM YYYY" w={160} />
          <Select aria-label="Specialization" placeholder="All specializations" clearable data={specializations} value={specialization} onChange={(v) => set({ spec: v })} w={180} />
          {view === 'day' && (
            <MultiSelect
              aria-label="Doctors"
              placeholder={chosen.length ? undefined : 'All doctors'}
              data={(doctors.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
              value={chosen}
              onChange={(ids) => set({ doctors: ids.length ? ids.join(',') : null })}
              clearable
              searchable
              maxDropdownHeight={280}
              w={220}
            />
          )}
          {view === 'week' && (
            <Select aria-label="Doctor" data={shown.map((d) => ({ value: d.id, label: d.name }))} value={weekDoctor?.id ?? null} onChange={(v) => set({ doctor: v })} allowDeselect={false} w={200} />
          )}
          <SegmentedControl aria-label="View" value={view} onChange={(v) => set({ view: v === 'week' ? 'week' : null })} data={[{ value: 'day', label: 'Day' }, { value: 'week', label: 'Week' }]} />
          <Tooltip label="Keyboard shortcuts (?)">
            <ActionIcon variant="subtle" size="lg" aria-label="Keyboard shortcuts" onClick={() => setHelp(true)}>
              <IconKeyboard size={18} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>

      {doctors.data && shown.length === 0 ? (
        <EmptyState icon={IconCalendarTime} title="No doctors to show">{doctors.data.length ? 'No doctor has this specialization.' : 'An admin adds doctors and their hours under Admin → Doctors.'}</EmptyState>
      ) : view === 'day' ? (
        <DayColumns date={date} doctors={shown} timeZone={tz} canBook={canBook} onBook={setBooking} onOpen={setOpenId} onMove={setMove} />
      ) : weekDoctor ? (
        <DoctorWeek date={date} doctor={weekDoctor} timeZone={tz} canBook={canBook} onBook={setBooking} onOpen={setOpenId} onMove={setMove} />
      ) : (
        <Loader size="sm" />
      )}

      <BookingDrawer request={booking} types={types.data ?? []} onClose={() => setBooking(null)} />
      <AppointmentDrawer id={openId} onClose={() => setOpenId(null)} onFreed={freed.offer} />
      <MoveConfirm
        move={move}
        timeZone={tz}
        onClose={() => setMove(null)}
        reschedule={async (m) => {
          const moved = await api.call('appointments.reschedule', { id: m.appointment.id, start: m.start, doctorId: m.doctor.id })
          freed.offer([{ doctorId: m.appointment.doctorId, start: m.appointment.start, end: m.appointment.end }])
          return moved
        }}
      />
      {freed.dialog}
      <Modal opened={help} onClose={() => setHelp(false)} title="Keyboard shortcuts">
        <Table>
          <Table.Tbody>
            {[
              ['↑ / ↓', 'earlier / later slot with the same doctor'],
              ['← / →', 'the same time with the previous / next doctor'],
              ['Enter', 'book the focused free slot, or open the focused appointment'],
              ['Alt + ← / →', view === 'week' ? 'previous / next week' : 'previous / next day'],
              ['Alt + T', 'today'],
              ['Ctrl + K or /', 'find a patient'],
              ['?', 'this list']
            ].map(([keys, what]) => (
              <Table.Tr key={keys}>
                <Table.Td>
                  <Kbd>{keys}</Kbd>
                </Table.Td>
                <Table.Td>{what}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Modal>
    </Stack>
  )
}

interface ViewProps {
  timeZone: string
  canBook: boolean
  onBook(request: BookingRequest): void
  onOpen(id: string): void
  onMove(move: Move): void
}

function toEvent(a: Appointment, timeZone: string): ScheduleEventData<{ appointment: Appointment }> {
  return { id: a.id, title: a.patient.name, start: toWall(a.start, timeZone), end: toWall(a.end, timeZone), color: a.colour, variant: 'light', resourceId: a.doctorId, payload: { appointment: a } }
}

function EventBody({ event }: { event: ScheduleEventData }) {
  const a = (event.payload as { appointment: Appointment }).appointment
  return (
    <Stack gap={0} style={{ overflow: 'hidden' }}>
      <Text size="xs" fw={600} truncate>
        {a.patient.name}
      </Text>
      <Text size="10px" truncate>
        {STATUS_LABEL[a.status]}
        {a.overbooked ? ' · overbooked' : ''} · {a.typeName}
      </Text>
    </Stack>
  )
}

/** The calendar's time span: the doctors' hours with an hour either side, or 08:00–20:00. */
function span(hours: Array<{ start: string; end: string }>): { startTime: string; endTime: string } {
  if (!hours.length) return { startTime: '08:00:00', endTime: '20:00:00' }
  const first = Math.max(0, Math.min(...hours.map((h) => Number(h.start.slice(0, 2)))) - 1)
  const last = Math.min(24, Math.max(...hours.map((h) => Number(h.end.slice(0, 2)) + (h.end.endsWith(':00') ? 0 : 1))) + 1)
  return { startTime: `${String(first).padStart(2, '0')}:00:00`, endTime: last >= 24 ? '23:59:59' : `${String(last).padStart(2, '0')}:00:00` }
}

function DayColumns({ date, doctors, ...props }: ViewProps & { date: string; doctors: Doctor[] }) {
  const ids = doctors.map((d) => d.id)
  const day = useApiQuery('schedule.day', { date, doctorIds: ids }, { shows: SHOWS, enabled: ids.length > 0 })
  if (day.error)
    return (
      <Alert color="red" title="Could not load the day">
        {day.error.message}
      </Alert>
    )
  if (!day.data) return <Loader size="sm" aria-label="Loading the day" />
  const { startTime, endTime } = span(day.data.hours)
  return (
    <div className={classes.columns} style={{ '--doctors': day.data.doctors.length } as React.CSSProperties} data-testid="day-columns" onKeyDown={acrossDoctors}>
      {day.data.doctors.map((doctor) => (
        <DoctorColumn key={doctor.id} doctor={doctor} day={day.data} startTime={startTime} endTime={endTime} doctors={day.data.doctors} {...props} />
      ))}
    </div>
  )
}

/** ← and → move to the same time in the next doctor's column (↑ and ↓ move within one, as the view does). */
function acrossDoctors(event: React.KeyboardEvent<HTMLDivElement>) {
  if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return
  const slot = (event.target as HTMLElement).closest<HTMLElement>('[data-slot-time]')
  const column = slot?.closest<HTMLElement>('[data-testid^="column-"]')
  if (!slot || !column) return
  const next = (event.key === 'ArrowRight' ? column.nextElementSibling : column.previousElementSibling) as HTMLElement | null
  const target = next?.querySelector<HTMLElement>(`[data-slot-time="${slot.dataset.slotTime}"]`)
  if (!target) return
  event.preventDefault()
  event.stopPropagation()
  target.focus()
}

/** The calendar's rows follow the doctor's slot length when it divides an hour (10, 15, 20, 30 minutes); else 5. */
const gridOf = (step: number | undefined) => (step && 60 % step === 0 ? step : 5)

function DoctorColumn({ doctor, day, startTime, endTime, doctors, timeZone, canBook, onBook, onOpen, onMove }: ViewProps & { doctor: Doctor; day: DaySchedule; startTime: string; endTime: string; doctors: Doctor[] }) {
  const grid = gridOf(day.steps[doctor.id])
  const appointments = day.appointments.filter((a) => a.doctorId === doctor.id && a.status !== 'cancelled')
  const events = useMemo(() => appointments.map((a) => toEvent(a, timeZone)), [appointments, timeZone])
  const free = useMemo(() => new Map(day.free.filter((s) => s.doctorId === doctor.id).map((s) => [toWall(s.start, timeZone), s])), [day.free, doctor.id, timeZone])
  const hours = day.hours.filter((h) => h.doctorId === doctor.id)
  const working = (wall: string) => hours.some((h) => wall.slice(11, 16) >= h.start && wall.slice(11, 16) < h.end)
  const book = (slot: FreeSlot) => canBook && onBook({ doctor, date: day.date, start: slot.start })
  return (
    <div className={classes.column} data-testid={`column-${doctor.name}`}>
      <div className={classes.doctorHead}>
        <Group gap={6} wrap="nowrap">
          <DoctorAvatar doctor={doctor} />
          <Text fw={600} size="sm" truncate>
            {doctor.name}
          </Text>
        </Group>
        <Text size="xs" c="dimmed" truncate>
          {doctor.specialization || ' '} · {hours.length ? hours.map((h) => `${h.start}–${h.end}`).join(', ') : 'not working'} · {appointments.length} booked, {free.size} free
        </Text>
      </div>
      <DayView
        date={day.date}
        events={events}
        startTime={startTime}
        endTime={endTime}
        intervalMinutes={grid}
        withHeader={false}
        withAllDaySlot={false}
        slotHeight={120}
        getCurrentTime={() => clinicNowWall(timeZone)}
        renderEventBody={(event) => <EventBody event={event} />}
        getTimeSlotProps={({ start }) => {
          const slot = free.get(start)
          if (slot) return { 'data-slot-time': start, 'data-free': 'true', 'aria-label': `Book ${doctor.name} at ${slot.time}`, title: `Free ${slot.time} with ${doctor.name}: Enter to book` }
          return working(start) ? { 'data-slot-time': start } : { 'data-slot-time': start, 'data-off': 'true' }
        }}
        onTimeSlotClick={({ slotStart }) => {
          const slot = free.get(slotStart)
          if (slot) book(slot)
          else if (!working(slotStart)) notifications.show({ color: 'gray', title: `${doctor.name} is not working then`, message: `${dayLabel(day.date)} ${slotStart.slice(11, 16)}` })
        }}
        onEventClick={(event) => onOpen(String(event.id))}
        withEventsDragAndDrop={canBook}
        canDragEvent={(event) => MOVABLE.has((event.payload as { appointment: Appointment }).appointment.status)}
        eventDragInterval={grid}
        onEventDrop={({ eventId, newStart }) => {
          const appointment = appointments.find((a) => a.id === eventId)
          if (appointment) onMove({ appointment, start: wallToInstant(newStart, timeZone), doctor })
        }}
        onExternalEventDrop={(dataTransfer, dropDateTime) => {
          // An appointment dragged here from another doctor's column.
          try {
            const { eventId } = JSON.parse(dataTransfer.getData('application/json')) as { eventId: string }
            const appointment = day.appointments.find((a) => a.id === eventId)
            if (appointment && doctors.length) onMove({ appointment, start: wallToInstant(dropDateTime, timeZone), doctor })
          } catch {
            // Not an appointment: ignore.
          }
        }}
      />
    </div>
  )
}

function DoctorAvatar({ doctor }: { doctor: Doctor }) {
  const photo = useFileUrl('doctors.photo', doctor.id, doctor.photoVersion)
  return (
    <Avatar src={photo} size={22} radius="xl" color={doctor.colour} alt="">
      {doctor.name.replace(/^Dr\.?\s*/, '').slice(0, 1)}
    </Avatar>
  )
}

function DoctorWeek({ date, doctor, timeZone, canBook, onBook, onOpen, onMove }: ViewProps & { date: string; doctor: Doctor }) {
  const from = weekStart(date)
  const range = useApiQuery('schedule.range', { doctorId: doctor.id, from, to: addDays(from, 6) }, { shows: SHOWS })
  const appointments = (range.data?.appointments ?? []).filter((a) => a.status !== 'cancelled')
  const events = useMemo(() => appointments.map((a) => toEvent(a, timeZone)), [appointments, timeZone])
  if (!range.data) return <Loader size="sm" aria-label="Loading the week" />
  const { startTime, endTime } = span(range.data.hours)
  const working = (wall: string) => range.data.hours.some((h) => h.date === wall.slice(0, 10) && wall.slice(11, 16) >= h.start && wall.slice(11, 16) < h.end)
  return (
    <div data-testid="week-view" className={classes.week}>
      <Group gap="xs" mb="xs">
        <Badge variant="light">{doctor.name}</Badge>
        <Text size="sm" c="dimmed">
          Week of {dayLabel(from)} · {appointments.length} appointments
        </Text>
      </Group>
      <WeekView
        date={from}
        events={events}
        startTime={startTime}
        endTime={endTime}
        intervalMinutes={gridOf(range.data.step)}
        withHeader={false}
        withAllDaySlots={false}
        withWeekNumber={false}
        slotHeight={120}
        firstDayOfWeek={1}
        getCurrentTime={() => clinicNowWall(timeZone)}
        renderEventBody={(event) => <EventBody event={event} />}
        getTimeSlotProps={({ start }) => (working(start) ? undefined : { 'data-off': 'true' })}
        onTimeSlotClick={({ slotStart }) => {
          if (canBook && working(slotStart)) onBook({ doctor, date: slotStart.slice(0, 10), start: wallToInstant(slotStart, timeZone) })
        }}
        onEventClick={(event) => onOpen(String(event.id))}
        withEventsDragAndDrop={canBook}
        canDragEvent={(event) => MOVABLE.has((event.payload as { appointment: Appointment }).appointment.status)}
        onEventDrop={({ eventId, newStart }) => {
          const appointment = appointments.find((a) => a.id === eventId)
          if (appointment) onMove({ appointment, start: wallToInstant(newStart, timeZone), doctor })
        }}
      />
    </div>
  )
}

function MoveConfirm({ move, timeZone, onClose, reschedule }: { move: Move | null; timeZone: string; onClose(): void; reschedule(m: Move): Promise<Appointment> }) {
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const close = () => {
    setProblem(null)
    onClose()
  }
  if (!move) return null
  const a = move.appointment
  const other = move.doctor.id !== a.doctorId
  return (
    <Modal opened onClose={close} title="Move this appointment?">
      <Stack>
        <Text size="sm">
          <b>{a.patient.name}</b> ({a.typeName}) from {dayLabel(clinicDate(a.start, timeZone))} {clinicClock(a.start, timeZone)}
          {other ? ` with ${a.doctorName}` : ''} to <b>{clinicClock(move.start, timeZone)}</b>
          {other ? ` with ${move.doctor.name}` : ''}.
        </Text>
        {problem && (
          <Alert color="red" role="alert" title="Not moved">
            {problem}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Keep it where it was
          </Button>
          <Button
            loading={busy}
            onClick={async () => {
              setBusy(true)
              try {
                const moved = await reschedule(move)
                notifications.show({ color: 'teal', title: 'Moved', message: `${moved.patient.name} now ${clinicClock(moved.start, timeZone)} with ${moved.doctorName}` })
                close()
              } catch (error) {
                setProblem(describeError(error))
              } finally {
                setBusy(false)
              }
            }}
          >
            Move
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

