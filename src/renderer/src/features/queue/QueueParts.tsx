import { Badge, Group, Paper, Stack, Text, Tooltip } from '@mantine/core'
import { useEffect, useState, type ReactNode } from 'react'
import type { QueueEntry } from '../../../../shared/api'
import { clinicClock } from '../../lib/clinic-time'
import { openFile } from '../../lib/files'
import type { ApiClient } from '../../api/client'

/** The time now, moving on every 30 s: for waiting times that count up on screen. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000)
    return () => clearInterval(timer)
  }, [])
  return now
}

export const waitedMinutes = (entry: QueueEntry, now: number) => Math.max(0, Math.floor(((entry.calledAt ? Date.parse(entry.calledAt) : now) - Date.parse(entry.arrivedAt)) / 60_000))

export function waitLabel(minutes: number): string {
  if (minutes < 1) return 'just arrived'
  if (minutes < 60) return `${minutes} min`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/** A token number as the desk reads it: large, in a box. */
export function Token({ value, size = 'lg' }: { value: number; size?: 'md' | 'lg' | 'xl' }) {
  const fz = { md: 18, lg: 24, xl: 48 }[size]
  return (
    <Paper withBorder radius="sm" px={size === 'xl' ? 'md' : 8} py={2} miw={size === 'xl' ? 96 : 44} ta="center" aria-label={`Token ${value}`}>
      <Text fw={800} fz={fz} lh={1.3}>
        {value}
      </Text>
    </Paper>
  )
}

/** One waiting patient: token, name, how long they have waited, and why they stand there. */
export function QueueRow({ entry, now, tz, actions, highlight }: { entry: QueueEntry; now: number; tz: string; actions?: ReactNode; highlight?: boolean }) {
  const minutes = waitedMinutes(entry, now)
  return (
    <Paper withBorder={!!highlight} bg={highlight ? 'var(--mantine-color-teal-light)' : undefined} p={6} radius="sm" data-testid="queue-row" aria-label={`Token ${entry.token}, ${entry.patient.name}`}>
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Token value={entry.token} />
        <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
          <Group gap={6} wrap="nowrap">
            <Text fw={600} truncate>
              {entry.patient.name}
            </Text>
            {entry.kind === 'booked' && entry.appointmentStart ? (
              <Badge size="xs" variant="light">
                Booked {clinicClock(entry.appointmentStart, tz)}
              </Badge>
            ) : (
              <Badge size="xs" variant="light" color="grape">
                Walk-in
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {entry.patient.number} · arrived {clinicClock(entry.arrivedAt, tz)} ·{' '}
            <Text span size="xs" c={minutes >= 45 ? 'red' : minutes >= 20 ? 'orange' : 'dimmed'} fw={minutes >= 20 ? 600 : undefined} data-testid="waited">
              {entry.calledAt ? `waited ${waitLabel(minutes)}` : `waiting ${waitLabel(minutes)}`}
            </Text>
          </Text>
          <Tooltip label={entry.placement} multiline maw={360} openDelay={300}>
            <Text size="xs" c="dimmed" fs="italic" lineClamp={1} data-testid="placement">
              {entry.placement}
            </Text>
          </Tooltip>
        </Stack>
        {actions}
      </Group>
    </Paper>
  )
}

/** The token slip, opened for printing. */
export async function printSlip(api: ApiClient, entryId: string): Promise<void> {
  openFile(await api.call('queue.slip', { entryId }))
}
