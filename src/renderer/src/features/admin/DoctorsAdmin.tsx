import { ActionIcon, Alert, Badge, Button, ColorInput, Group, Modal, MultiSelect, NumberInput, Paper, PasswordInput, SegmentedControl, Select, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconClockHour4, IconPlus, IconTrash, IconUserPlus } from '@tabler/icons-react'
import { useState } from 'react'
import { ApiError, type AppointmentType, type Doctor, type WeeklySessionView } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { clinicToday, dateLabel } from '../../lib/clinic-time'
import { useApiQuery } from '../../api/queries'
import { DoctorProfile } from './DoctorProfile'
import { describeError } from './merge/errors'
import { DateField } from '../../shell/DateField'

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

/** Admin → Doctors: profiles linked to sign-ins, their weekly hours, and the appointment types. */
export function DoctorsAdmin() {
  const api = useApi()
  const doctors = useApiQuery('doctors.list', { includeInactive: true }, { shows: ['doctors'] })
  const types = useApiQuery('appointmentTypes.list', { includeInactive: true }, { shows: ['appointment_types', 'appointment_type_doctors'] })
  const [adding, setAdding] = useState(false)
  const [hoursOf, setHoursOf] = useState<Doctor | null>(null)
  const [profileOf, setProfileOf] = useState<Doctor | null>(null)
  const [typeOpen, setTypeOpen] = useState(false)
  return (
    <Stack maw={980}>
      <Paper withBorder p="lg">
        <Group justify="space-between" mb="sm">
          <Title order={4}>Doctors</Title>
          <Button leftSection={<IconUserPlus size={16} />} onClick={() => setAdding(true)}>
            Add doctor
          </Button>
        </Group>
        {doctors.data?.length === 0 ? (
          <Text c="dimmed">No doctors yet. Add one, then set their weekly hours.</Text>
        ) : (
          <Table aria-label="Doctors" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Specialization</Table.Th>
                <Table.Th>Daily limit</Table.Th>
                <Table.Th>Taking appointments</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(doctors.data ?? []).map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>{d.name}</Table.Td>
                  <Table.Td>{d.specialization || '—'}</Table.Td>
                  <Table.Td>{d.dailyCap ?? 'none'}</Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={`${d.name} takes appointments`}
                      checked={d.active}
                      onChange={(e) => void api.call('doctors.setActive', { id: d.id, active: e.currentTarget.checked }).catch((err) => notifications.show({ color: 'red', title: 'Not changed', message: describeError(err) }))}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="light" leftSection={<IconClockHour4 size={14} />} onClick={() => setHoursOf(d)}>
                        Hours and leave
                      </Button>
                      <Button size="xs" variant="default" onClick={() => setProfileOf(d)}>
                        Profile
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      <Paper withBorder p="lg">
        <Group justify="space-between" mb="sm">
          <Title order={4}>Appointment types</Title>
          <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setTypeOpen(true)}>
            Add type
          </Button>
        </Group>
        <Table aria-label="Appointment types" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Length</Table.Th>
              <Table.Th>Buffer after</Table.Th>
              <Table.Th>Price</Table.Th>
              <Table.Th>Walk-in</Table.Th>
              <Table.Th>Offered by</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(types.data ?? []).map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>
                  <Badge color={t.colour} variant="light">
                    {t.name}
                  </Badge>
                </Table.Td>
                <Table.Td>{t.durationMinutes} min</Table.Td>
                <Table.Td>{t.bufferMinutes ? `${t.bufferMinutes} min` : '—'}</Table.Td>
                <Table.Td>{(t.priceMinor / 100).toFixed(2)}</Table.Td>
                <Table.Td>{t.walkIn ? 'Yes' : 'No'}</Table.Td>
                <Table.Td>{t.doctorIds.length ? t.doctorIds.map((id) => (doctors.data ?? []).find((d) => d.id === id)?.name ?? '?').join(', ') : 'Every doctor'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <AddDoctor opened={adding} onClose={() => setAdding(false)} linked={(doctors.data ?? []).map((d) => d.userId)} />
      {hoursOf && <HoursEditor doctor={hoursOf} onClose={() => setHoursOf(null)} />}
      {profileOf && <DoctorProfile doctor={(doctors.data ?? []).find((d) => d.id === profileOf.id) ?? profileOf} onClose={() => setProfileOf(null)} />}
      <ClinicHolidays />
      <AddType opened={typeOpen} onClose={() => setTypeOpen(false)} doctors={doctors.data ?? []} />
    </Stack>
  )
}

/**
 * A doctor's profile, with a new sign-in, or linked to a doctor's staff account that has none yet
 * (an account made under Staff accounts: its doctor sees no queue or day list until linked).
 */
function AddDoctor({ opened, onClose, linked }: { opened: boolean; onClose(): void; linked: string[] }) {
  const api = useApi()
  const staff = useApiQuery('users.list', {}, { shows: ['users'], enabled: opened })
  const unlinked = (staff.data ?? []).filter((u) => u.role === 'doctor' && u.active && !linked.includes(u.id))
  const [signIn, setSignIn] = useState<'new' | 'existing'>('new')
  const [userId, setUserId] = useState<string | null>(null)
  const [form, setForm] = useState({ name: '', specialization: '', registrationNumber: '', email: '', password: '' })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const existing = signIn === 'existing' ? (unlinked.find((u) => u.id === userId) ?? null) : null
  const save = async () => {
    setBusy(true)
    setErrors({})
    try {
      if (signIn === 'existing' && !existing) throw new ApiError('VALIDATION', 'Choose the account', { userId: 'Choose the doctor’s account' })
      const profile = { name: form.name, specialization: form.specialization, registrationNumber: form.registrationNumber }
      const doctor = existing
        ? await api.call('doctors.create', { ...profile, email: existing.email, userId: existing.id })
        : await api.call('doctors.create', { ...profile, email: form.email, login: { email: form.email, password: form.password } })
      notifications.show({ color: 'teal', title: 'Doctor added', message: existing ? `${doctor.name} now has a schedule, linked to ${existing.email}. Set their hours next.` : `${doctor.name} can sign in with ${form.email}. Set their hours next.` })
      setForm({ name: '', specialization: '', registrationNumber: '', email: '', password: '' })
      setUserId(null)
      setSignIn('new')
      onClose()
    } catch (error) {
      setErrors(error instanceof ApiError && error.fields ? error.fields : { form: describeError(error) })
    } finally {
      setBusy(false)
    }
  }
  const field = (key: keyof typeof form) => ({ value: form[key], onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: e.currentTarget.value }) })
  return (
    <Modal opened={opened} onClose={onClose} title="Add doctor">
      <Stack component="form" onSubmit={(e) => (e.preventDefault(), void save())}>
        <TextInput label="Name" required data-autofocus {...field('name')} error={errors.name} />
        <TextInput label="Specialization" {...field('specialization')} error={errors.specialization} />
        <TextInput label="Registration number" {...field('registrationNumber')} error={errors.registrationNumber} />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="doctor-sign-in">
            Sign-in
          </Text>
          <SegmentedControl
            aria-labelledby="doctor-sign-in"
            value={signIn}
            onChange={(v) => setSignIn(v as 'new' | 'existing')}
            data={[
              { value: 'new', label: 'New sign-in' },
              { value: 'existing', label: `Existing doctor account${unlinked.length ? ` (${unlinked.length})` : ''}` }
            ]}
          />
        </Stack>
        {signIn === 'new' ? (
          <>
            <TextInput label="Sign-in email" required {...field('email')} error={errors['login.email'] ?? errors.email} />
            <PasswordInput label="First password" description="At least 12 characters" required {...field('password')} error={errors['login.password']} />
          </>
        ) : (
          <Select
            label="Doctor’s account"
            description="Doctor accounts made under Staff accounts that have no schedule yet"
            placeholder={unlinked.length ? 'Choose' : 'Every doctor account already has a schedule'}
            required
            data={unlinked.map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` }))}
            value={userId}
            onChange={(v) => {
              setUserId(v)
              const chosen = unlinked.find((u) => u.id === v)
              if (chosen && !form.name) setForm({ ...form, name: chosen.name })
            }}
            error={errors.userId}
            comboboxProps={{ withinPortal: true }}
          />
        )}
        {errors.form && <Alert color="red">{errors.form}</Alert>}
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Add doctor
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

type Row = Pick<WeeklySessionView, 'weekday' | 'start' | 'end' | 'slotMinutes' | 'effectiveFrom' | 'effectiveTo'>

function HoursEditor({ doctor, onClose }: { doctor: Doctor; onClose(): void }) {
  const api = useApi()
  const current = useApiQuery('availability.get', { doctorId: doctor.id }, { shows: ['doctor_sessions', 'availability_exceptions'] })
  const [rows, setRows] = useState<Row[] | null>(null)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [outside, setOutside] = useState<string | null>(null)
  const shown = rows ?? current.data?.sessions.map(({ weekday, start, end, slotMinutes, effectiveFrom, effectiveTo }) => ({ weekday, start, end, slotMinutes, effectiveFrom, effectiveTo })) ?? []
  const edit = (i: number, change: Partial<Row>) => setRows(shown.map((r, j) => (j === i ? { ...r, ...change } : r)))
  const save = async (acceptOutside = false) => {
    setErrors({})
    try {
      const result = await api.call('availability.setWeekly', { doctorId: doctor.id, sessions: shown, acceptOutside })
      notifications.show({ color: 'teal', title: 'Hours saved', message: result.outside.length ? `${result.outside.length} booked appointments are now outside ${doctor.name}'s hours: move them from the calendar.` : doctor.name })
      onClose()
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONFLICT') setOutside(error.message)
      else setErrors(error instanceof ApiError && error.fields ? error.fields : { form: describeError(error) })
    }
  }
  return (
    <Modal opened onClose={onClose} title={`${doctor.name}: weekly hours`} size={1060}>
      <Stack>
        <Table aria-label="Weekly hours">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Day</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th>Slot (min)</Table.Th>
              <Table.Th>Applies from – to</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((r, i) => (
              <Table.Tr key={i}>
                <Table.Td>
                  <Select aria-label="Day" data={WEEKDAYS.map((d, n) => ({ value: String(n + 1), label: d }))} value={String(r.weekday)} onChange={(v) => v && edit(i, { weekday: Number(v) })} allowDeselect={false} w={140} error={errors[`sessions.${i}.weekday`]} />
                </Table.Td>
                <Table.Td>
                  <TextInput aria-label="From" type="time" value={r.start} onChange={(e) => edit(i, { start: e.currentTarget.value })} error={errors[`sessions.${i}.start`]} />
                </Table.Td>
                <Table.Td>
                  <TextInput aria-label="To" type="time" value={r.end} onChange={(e) => edit(i, { end: e.currentTarget.value })} error={errors[`sessions.${i}.end`]} />
                </Table.Td>
                <Table.Td>
                  <NumberInput aria-label="Slot minutes" min={5} step={5} value={r.slotMinutes} onChange={(v) => edit(i, { slotMinutes: Number(v) })} w={90} error={errors[`sessions.${i}.slotMinutes`]} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <DateField aria-label="Applies from" size="xs" placeholder="From" value={r.effectiveFrom} onChange={(v) => edit(i, { effectiveFrom: v || null })} error={errors[`sessions.${i}.effectiveFrom`]} w={130} />
                    <DateField aria-label="Applies to" size="xs" placeholder="To" value={r.effectiveTo} onChange={(v) => edit(i, { effectiveTo: v || null })} error={errors[`sessions.${i}.effectiveTo`]} w={130} />
                  </Group>
                </Table.Td>
                <Table.Td>
                  <ActionIcon variant="subtle" color="red" aria-label="Remove session" onClick={() => setRows(shown.filter((_, j) => j !== i))}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed">
          Leave the dates empty for hours that always apply; give dates to change next month’s hours without rewriting this month’s.
        </Text>
        <Button variant="subtle" leftSection={<IconPlus size={14} />} style={{ alignSelf: 'flex-start' }} onClick={() => {
            // The next day, with the same hours as the last row: a week is typed once.
            const last = shown.at(-1)
            setRows([...shown, last ? { ...last, weekday: (last.weekday % 7) + 1 } : { weekday: 1, start: '09:00', end: '13:00', slotMinutes: 15, effectiveFrom: null, effectiveTo: null }])
          }}>
          Add session
        </Button>
        {errors.form && <Alert color="red">{errors.form}</Alert>}
        {outside && (
          <StrandedAlert title="Booked appointments would fall outside" message={outside} action="Save anyway and move them" onConfirm={() => void save(true)} />
        )}
        <Group justify="flex-end">
          <Button onClick={() => void save()}>Save hours</Button>
        </Group>
        <Exceptions doctor={doctor} />
      </Stack>
    </Modal>
  )
}

/** Leave (whole or part of a day) and extra sessions for one doctor. */
function Exceptions({ doctor }: { doctor: Doctor }) {
  const api = useApi()
  const { settings } = useSession()
  const availability = useApiQuery('availability.get', { doctorId: doctor.id }, { shows: ['availability_exceptions'] })
  const today = clinicToday(settings?.timeZone ?? 'UTC')
  const [form, setForm] = useState({ kind: 'leave' as 'leave' | 'extra', date: '', start: '', end: '', slotMinutes: 15, note: '' })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [outside, setOutside] = useState<string | null>(null)
  const add = async (acceptOutside = false) => {
    setErrors({})
    try {
      const { outside: left } = await api.call('availability.addException', {
        doctorId: doctor.id,
        kind: form.kind,
        date: form.date,
        start: form.start || null,
        end: form.end || null,
        slotMinutes: form.kind === 'extra' ? form.slotMinutes : null,
        note: form.note,
        acceptOutside
      })
      setOutside(null)
      notifications.show({ color: 'teal', title: form.kind === 'leave' ? 'Leave added' : 'Extra session added', message: left.length ? `${left.length} booked appointments now fall in it: move them from the calendar.` : `${doctor.name}, ${dateLabel(form.date)}` })
      setForm({ ...form, date: '', start: '', end: '', note: '' })
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONFLICT') setOutside(error.message)
      else setErrors(error instanceof ApiError && error.fields ? error.fields : { form: describeError(error) })
    }
  }
  const upcoming = (availability.data?.exceptions ?? []).filter((e) => e.doctorId === doctor.id && e.date >= today)
  return (
    <Stack gap="xs" mt="md">
      <Title order={5}>Leave and extra sessions</Title>
      {upcoming.length === 0 ? (
        <Text size="sm" c="dimmed">
          None coming up.
        </Text>
      ) : (
        <Table aria-label="Leave and extra sessions">
          <Table.Tbody>
            {upcoming.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>{dateLabel(e.date)}</Table.Td>
                <Table.Td>
                  <Badge color={e.kind === 'extra' ? 'teal' : 'orange'} variant="light">
                    {e.kind === 'extra' ? 'Extra session' : 'Leave'}
                  </Badge>
                </Table.Td>
                <Table.Td>{e.start ? `${e.start}–${e.end}` : 'Whole day'}</Table.Td>
                <Table.Td>{e.note}</Table.Td>
                <Table.Td>
                  <ActionIcon variant="subtle" color="red" aria-label={`Remove ${e.kind} on ${dateLabel(e.date)}`} onClick={() => void api.call('availability.removeException', { id: e.id }).catch((err) => notifications.show({ color: 'red', title: 'Not removed', message: describeError(err) }))}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group align="flex-end" gap="xs" wrap="wrap">
        <Select aria-label="Kind" label="Add" data={[{ value: 'leave', label: 'Leave' }, { value: 'extra', label: 'Extra session' }]} value={form.kind} onChange={(v) => v && setForm({ ...form, kind: v as 'leave' | 'extra' })} allowDeselect={false} w={140} />
        <DateField label="Date" min={today} value={form.date} onChange={(v) => setForm({ ...form, date: v })} error={errors.date} w={150} />
        <TextInput label="From" type="time" value={form.start} onChange={(e) => setForm({ ...form, start: e.currentTarget.value })} error={errors.start} w={110} />
        <TextInput label="To" type="time" value={form.end} onChange={(e) => setForm({ ...form, end: e.currentTarget.value })} error={errors.end} w={110} />
        {form.kind === 'extra' && <NumberInput label="Slot (min)" min={5} step={5} value={form.slotMinutes} onChange={(v) => setForm({ ...form, slotMinutes: Number(v) })} error={errors.slotMinutes} w={90} />}
        <TextInput label="Note" value={form.note} onChange={(e) => setForm({ ...form, note: e.currentTarget.value })} w={160} />
        <Button variant="light" onClick={() => void add()} disabled={!form.date}>
          Add
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        Leave with no times covers the whole day.
      </Text>
      {errors.form && <Alert color="red">{errors.form}</Alert>}
      {outside && (
        <StrandedAlert title="Booked appointments fall in this leave" message={outside} action="Add the leave anyway and move them" onConfirm={() => void add(true)} />
      )}
    </Stack>
  )
}

/** Days the whole clinic is closed. */
function ClinicHolidays() {
  const api = useApi()
  const { settings } = useSession()
  const doctors = useApiQuery('doctors.list', {}, { shows: ['doctors'] })
  const first = doctors.data?.[0]
  const availability = useApiQuery('availability.get', { doctorId: first?.id ?? '' }, { shows: ['availability_exceptions'], enabled: !!first })
  const today = clinicToday(settings?.timeZone ?? 'UTC')
  const [date, setDate] = useState('')
  const [note, setNote] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const holidays = (availability.data?.exceptions ?? []).filter((e) => e.kind === 'holiday' && e.date >= today)
  const add = async (acceptOutside = false) => {
    setProblem(null)
    try {
      await api.call('availability.addException', { doctorId: null, kind: 'holiday', date, note, acceptOutside })
      setDate('')
      setNote('')
    } catch (error) {
      setProblem(describeError(error))
    }
  }
  return (
    <Paper withBorder p="lg">
      <Title order={4} mb="xs">
        Clinic holidays
      </Title>
      {holidays.length === 0 ? (
        <Text size="sm" c="dimmed" mb="xs">
          No holidays coming up.{first ? '' : ' Add a doctor first.'}
        </Text>
      ) : (
        <Group gap="xs" mb="xs">
          {holidays.map((h) => (
            <Badge key={h.id} variant="light" color="gray" rightSection={<IconTrash size={12} style={{ cursor: 'pointer' }} aria-label={`Remove holiday ${dateLabel(h.date)}`} onClick={() => void api.call('availability.removeException', { id: h.id })} />}>
              {dateLabel(h.date)} {h.note}
            </Badge>
          ))}
        </Group>
      )}
      <Group align="flex-end" gap="xs">
        <DateField label="Date" min={today} value={date} onChange={setDate} w={160} />
        <TextInput label="Why" placeholder="e.g. Diwali" value={note} onChange={(e) => setNote(e.currentTarget.value)} w={220} />
        <Button variant="light" disabled={!date || !first} onClick={() => void add()}>
          Close the clinic that day
        </Button>
      </Group>
      {problem && (
        <StrandedAlert message={problem} action="Close it anyway and move them" onConfirm={() => void add(true)} />
      )}
    </Paper>
  )
}

function AddType({ opened, onClose, doctors }: { opened: boolean; onClose(): void; doctors: Doctor[] }) {
  const api = useApi()
  const [form, setForm] = useState({ name: '', durationMinutes: 15, bufferMinutes: 0, price: 0, colour: '#1c7ed6', doctorIds: [] as string[], walkIn: false })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const save = async () => {
    try {
      const saved: AppointmentType = await api.call('appointmentTypes.save', { name: form.name, durationMinutes: form.durationMinutes, bufferMinutes: form.bufferMinutes, priceMinor: Math.round(form.price * 100), colour: form.colour, doctorIds: form.doctorIds, walkIn: form.walkIn })
      notifications.show({ color: 'teal', title: 'Type added', message: saved.name })
      onClose()
    } catch (error) {
      setErrors(error instanceof ApiError && error.fields ? error.fields : { form: describeError(error) })
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Add appointment type">
      <Stack component="form" onSubmit={(e) => (e.preventDefault(), void save())}>
        <TextInput label="Name" required data-autofocus value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} error={errors.name} />
        <NumberInput label="Length (minutes)" min={5} step={5} value={form.durationMinutes} onChange={(v) => setForm({ ...form, durationMinutes: Number(v) })} error={errors.durationMinutes} />
        <NumberInput label="Buffer after (minutes)" min={0} step={5} value={form.bufferMinutes} onChange={(v) => setForm({ ...form, bufferMinutes: Number(v) })} error={errors.bufferMinutes} />
        <NumberInput label="Price" min={0} decimalScale={2} value={form.price} onChange={(v) => setForm({ ...form, price: Number(v) })} error={errors.priceMinor} />
        <ColorInput label="Colour" value={form.colour} onChange={(colour) => setForm({ ...form, colour })} error={errors.colour} />
        <MultiSelect label="Offered by" placeholder="Every doctor" data={doctors.map((d) => ({ value: d.id, label: d.name }))} value={form.doctorIds} onChange={(doctorIds) => setForm({ ...form, doctorIds })} clearable searchable />
        <Switch label="Can be booked as a walk-in" checked={form.walkIn} onChange={(e) => setForm({ ...form, walkIn: e.currentTarget.checked })} />
        {errors.form && <Alert color="red">{errors.form}</Alert>}
        <Group justify="flex-end">
          <Button type="submit">Add type</Button>
        </Group>
      </Stack>
    </Modal>
  )
}

/** The core refused a change of hours that would strand booked appointments: say which, and offer to go ahead. */
function StrandedAlert({ title, message, action, onConfirm }: { title?: string; message: string; action: string; onConfirm(): void }) {
  return (
    <Alert color="orange" mt="xs" title={title} role="alert">
      <Stack gap="xs">
        <Text size="sm">{message}</Text>
        <Button size="xs" color="orange" variant="light" onClick={onConfirm} style={{ alignSelf: 'flex-start' }}>
          {action}
        </Button>
      </Stack>
    </Alert>
  )
}
