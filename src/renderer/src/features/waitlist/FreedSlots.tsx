import { Alert, Button, Divider, Group, Modal, Stack, Table, Text, ThemeIcon } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconCheck } from '@tabler/icons-react'
import { useCallback, useState, type ReactNode } from 'react'
import type { WaitlistEntry, WaitlistFit } from '../../../../shared/api'
import { formatPhone } from '../../../../shared/lib/phone'
import { useApi, useSession } from '../../api/context'
import { useCan } from '../../api/queries'
import { clinicClock, clinicDate, dayLabel } from '../../lib/clinic-time'
import { dateRange, TIME_OF_DAY_SHORT } from './format'

/** A time an appointment no longer holds: its doctor and its old start and end. */
export interface FreedSlot {
  doctorId: string
  start: string
  end: string
}

/** A series may free many slots; the nearest this many are offered. */
const MOST_SLOTS = 12

interface Offer {
  fit: WaitlistFit
  /** Who took the slot from this dialog, once someone has. */
  booked: { entry: WaitlistEntry; start: string } | null
}

/**
 * After an appointment is cancelled or moved: asks who on the waitlist fits the freed time and,
 * when anyone does, offers them, first come first served, each with one-click booking.
 * Nothing is shown when nobody fits.
 */
export function useFreedSlots(): { offer(slots: FreedSlot[]): void; dialog: ReactNode } {
  const api = useApi()
  const can = useCan()
  const mayBook = can('waitlist.book')
  const [offers, setOffers] = useState<Offer[]>([])

  const offer = useCallback(
    (slots: FreedSlot[]) => {
      if (!mayBook || slots.length === 0) return
      const now = Date.now()
      const upcoming = slots.filter((s) => Date.parse(s.start) > now).sort((a, b) => Date.parse(a.start) - Date.parse(b.start)).slice(0, MOST_SLOTS)
      // Advice, not a step of the cancel: a failed look-up shows nothing.
      void Promise.allSettled(upcoming.map((s) => api.call('waitlist.fits', s))).then((answers) => {
        const fitting = answers.flatMap((a) => (a.status === 'fulfilled' && a.value.entries.length ? [{ fit: a.value, booked: null }] : []))
        if (fitting.length) setOffers(fitting)
      })
    },
    [api, mayBook]
  )

  const booked = (slotStart: string, entry: WaitlistEntry, start: string) =>
    setOffers((list) =>
      list.map((o) =>
        o.fit.slot.start === slotStart && o.booked === null
          ? { ...o, booked: { entry, start } }
          : // Booked once is enough: nobody is offered the same patient's entry again.
            { ...o, fit: { ...o.fit, entries: o.fit.entries.filter((e) => e.id !== entry.id) } }
      )
    )

  const open = offers.some((o) => o.booked || o.fit.entries.length)
  const settled = offers.every((o) => o.booked || o.fit.entries.length === 0)
  const dialog = (
    <Modal opened={open} onClose={() => setOffers([])} title={offers.length > 1 ? 'Freed slots fit patients on the waitlist' : 'A freed slot fits patients on the waitlist'} size={880}>
      <Stack>
        {offers.map((o, i) => (
          <Stack key={`${o.fit.slot.doctorId}${o.fit.slot.start}`} gap="xs">
            {i > 0 && <Divider />}
            <FitSection offer={o} onBooked={booked} />
          </Stack>
        ))}
        <Group justify="flex-end">
          <Button variant={settled ? 'filled' : 'default'} onClick={() => setOffers([])} data-autofocus={settled || undefined}>
            {settled ? 'Done' : 'Not now'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
  return { offer, dialog }
}

function FitSection({ offer, onBooked }: { offer: Offer; onBooked(slotStart: string, entry: WaitlistEntry, start: string): void }) {
  const api = useApi()
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const { slot, entries } = offer.fit
  const [busy, setBusy] = useState<string | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const time = clinicClock(slot.start, tz)
  const when = `${dayLabel(clinicDate(slot.start, tz))}, ${time}–${clinicClock(slot.end, tz)}`

  if (offer.booked) {
    return (
      <Group gap="sm" wrap="nowrap" role="status">
        <ThemeIcon color="teal" radius="xl" size="md" aria-hidden>
          <IconCheck size={16} />
        </ThemeIcon>
        <Text size="sm">
          Booked <b>{offer.booked.entry.patient.name}</b> into the freed {clinicClock(offer.booked.start, tz)} slot with {slot.doctorName} ({when}).
        </Text>
      </Group>
    )
  }
  if (entries.length === 0) return null

  const book = async (entry: WaitlistEntry) => {
    setBusy(entry.id)
    setProblem(null)
    try {
      const { appointment } = await api.call('waitlist.book', { id: entry.id, doctorId: slot.doctorId, start: slot.start })
      notifications.show({ color: 'teal', title: 'Booked from the waitlist', message: `${appointment.patient.name} with ${appointment.doctorName}, ${dayLabel(clinicDate(appointment.start, tz))} ${clinicClock(appointment.start, tz)}` })
      onBooked(slot.start, entry, appointment.start)
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error))
    } finally {
      setBusy(null)
    }
  }

  return (
    <Stack gap="xs">
      <div>
        <Text fw={600}>
          The freed {time} slot with {slot.doctorName} fits {entries.length} on the waitlist
        </Text>
        <Text size="sm" c="dimmed">
          {when}. First come first served: the first on the list has waited longest.
        </Text>
      </div>
      {problem && (
        <Alert color="red" role="alert" title="Not booked">
          {problem}
        </Alert>
      )}
      <Table verticalSpacing="xs" aria-label={`Waitlist patients who fit ${time} with ${slot.doctorName}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={32}>#</Table.Th>
            <Table.Th>Patient</Table.Th>
            <Table.Th>Wants</Table.Th>
            <Table.Th>Note</Table.Th>
            <Table.Th w={90}>{''}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((e, i) => (
            <Table.Tr key={e.id}>
              <Table.Td c="dimmed">{i + 1}</Table.Td>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {e.patient.name}
                </Text>
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  {[e.patient.number, formatPhone(e.patient.phone)].filter(Boolean).join(' · ')}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {e.typeName} · <span style={{ whiteSpace: 'nowrap' }}>{e.doctorName ?? 'any doctor'}</span>
                </Text>
                <Text size="xs" c="dimmed">
                  {dateRange(e.fromDate, e.toDate)} · {TIME_OF_DAY_SHORT[e.timeOfDay].toLowerCase()}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={2}>
                  {e.note || '—'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Button size="xs" loading={busy === e.id} disabled={busy !== null && busy !== e.id} aria-label={`Book ${e.patient.name} at ${time}`} onClick={() => void book(e)}>
                  Book
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  )
}
