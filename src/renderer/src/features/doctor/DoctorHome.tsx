import { Alert, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { IconClipboardList, IconStethoscope } from '@tabler/icons-react'
import { useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { clinicToday, dayLabel } from '../../lib/clinic-time'
import { EmptyState } from '../../shell/EmptyState'
import { AppointmentList, ListPanel } from '../schedule/AppointmentList'
import { DoctorQueuePanel } from '../queue/DoctorQueuePanel'

const WAITING = new Set(['arrived'])

/** The consulting room: the queue (call next, complete), and the day's bookings in time order. */
export function DoctorHome() {
  const { settings, session } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const today = clinicToday(tz)
  const isDoctor = session?.user.role === 'doctor'
  // A doctor's account made under Staff accounts has no schedule until an admin links one to it.
  const profiles = useApiQuery('doctors.list', {}, { shows: ['doctors'], enabled: isDoctor })
  const unlinked = isDoctor && !!profiles.data && !profiles.data.some((d) => d.userId === session?.user.id)
  const mine = useApiQuery('appointments.doctorDay', { date: today }, { shows: ['appointments'], enabled: isDoctor && !!profiles.data && !unlinked })
  const list = (mine.data ?? []).filter((a) => a.status !== 'cancelled')
  const current = list.find((a) => a.status === 'in_consultation')
  const next = list.find((a) => WAITING.has(a.status)) ?? list.find((a) => a.status === 'booked' || a.status === 'confirmed')
  return (
    <Stack>
      <div>
        <Title order={2}>Doctor</Title>
        <Text c="dimmed">
          {dayLabel(today)} · today&apos;s list in order, in clinic time
        </Text>
      </div>
      {unlinked ? (
        <EmptyState icon={IconStethoscope} title="Your account has no doctor’s schedule yet">
          Your queue and today&apos;s appointments show here once an admin links a schedule to your sign-in ({session?.user.email}): Admin → Doctors and types → Add doctor →
          Existing doctor account. Until then, find patients and open their charts from Patients.
        </EmptyState>
      ) : (
        <DoctorQueuePanel />
      )}
      {mine.error && (
        <Alert color="gray" title="No list for this account">
          {mine.error.message}
        </Alert>
      )}
      {isDoctor && !unlinked && !mine.error && (
        <>
          <ListPanel title={`Booked today (${list.length})`} empty="No appointments today." count={list.length}>
            <AppointmentList
              label="Today's appointments"
              appointments={list}
              showDoctor={false}
              highlight={current?.id ?? next?.id}
              actions={{ arrived: { to: 'in_consultation', label: 'Start' }, in_consultation: { to: 'completed', label: 'Complete' } }}
            />
          </ListPanel>
        </>
      )}
      {!unlinked && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <EmptyState icon={IconClipboardList} title="Charts, notes and prescriptions">
            Call the next patient and choose Open visit (Alt+O) to write today&apos;s note and prescription. Any patient&apos;s chart opens from Patients.
          </EmptyState>
        </SimpleGrid>
      )}
    </Stack>
  )
}
