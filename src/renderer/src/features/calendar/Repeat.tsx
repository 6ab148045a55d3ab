import { Badge, Button, Chip, Group, NumberInput, Radio, SegmentedControl, Stack, Table, Text } from '@mantine/core'
import { DatePickerInput } from '@mantine/dates'
import { IconCheck } from '@tabler/icons-react'
import { useId } from 'react'
import type { Repeat, SeriesOccurrence, SeriesPreview } from '../../../../shared/api'
import { addDays, dayLabel } from '../../lib/clinic-time'

export interface RepeatDraft {
  frequency: 'weekly' | 'daily' | 'monthly'
  interval: number
  /** ISO weekdays, 1 = Monday. */
  weekdays: number[]
  ends: 'count' | 'until'
  count: number
  until: string | null
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
const UNIT = { daily: ['day', 'days'], weekly: ['week', 'weeks'], monthly: ['month', 'months'] } as const

/** The ISO weekday (1 = Monday) of a clinic date: a calendar date, so read in UTC, never the PC's zone. */
export function isoWeekday(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1
}

export function defaultRepeat(date: string): RepeatDraft {
  return { frequency: 'weekly', interval: 1, weekdays: [isoWeekday(date)], ends: 'count', count: 6, until: addDays(date, 7 * 6) }
}

/** The draft as series.* take it. */
export function toRepeat(draft: RepeatDraft): Repeat {
  return {
    frequency: draft.frequency,
    interval: draft.interval,
    weekdays: draft.frequency === 'weekly' ? [...draft.weekdays].sort() : [],
    ...(draft.ends === 'count' ? { count: draft.count } : { until: draft.until ?? '' })
  }
}

/** How often, on which weekdays, and until when. Errors come by the API's field names ("repeat.count"). */
export function RepeatFields({ draft, onChange, errors }: { draft: RepeatDraft; onChange(next: RepeatDraft): void; errors: Record<string, string> }) {
  const set = (patch: Partial<RepeatDraft>) => onChange({ ...draft, ...patch })
  const weekdaysLabel = useId()
  const unit = UNIT[draft.frequency][draft.interval === 1 ? 0 : 1]
  return (
    <Stack gap="xs">
      <Group gap="sm" align="flex-end" wrap="nowrap">
        <div style={{ flex: 1 }}>
          <Text size="sm" fw={500} mb={4}>
            Frequency
          </Text>
          <SegmentedControl
            aria-label="Frequency"
            fullWidth
            value={draft.frequency}
            onChange={(v) => set({ frequency: v as RepeatDraft['frequency'] })}
            data={[
              { value: 'weekly', label: 'Weekly' },
              { value: 'daily', label: 'Daily' },
              { value: 'monthly', label: 'Monthly' }
            ]}
          />
        </div>
        <NumberInput
          label="Every"
          aria-label={`Every how many ${UNIT[draft.frequency][1]}`}
          value={draft.interval}
          onChange={(v) => set({ interval: typeof v === 'number' ? v : Number(v) || 1 })}
          min={1}
          max={12}
          clampBehavior="strict"
          allowDecimal={false}
          rightSection={
            <Text size="xs" c="dimmed">
              {unit}
            </Text>
          }
          rightSectionWidth={60}
          rightSectionPointerEvents="none"
          w={130}
          error={errors['repeat.interval']}
        />
      </Group>
      {draft.frequency === 'weekly' && (
        <div role="group" aria-labelledby={weekdaysLabel}>
          <Text size="sm" fw={500} mb={4} id={weekdaysLabel}>
            On
          </Text>
          <Chip.Group multiple value={draft.weekdays.map(String)} onChange={(v) => set({ weekdays: v.map(Number) })}>
            <Group gap={6}>
              {WEEKDAYS.map((name, i) => (
                <Chip key={name} value={String(i + 1)} size="sm">
                  {name}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          {errors['repeat.weekdays'] && (
            <Text size="xs" c="red" mt={4}>
              {errors['repeat.weekdays']}
            </Text>
          )}
        </div>
      )}
      <Group gap="lg" align="flex-start" wrap="nowrap">
        <Radio.Group label="Ends" value={draft.ends} onChange={(v) => set({ ends: v as RepeatDraft['ends'] })}>
          <Stack gap={6} mt={6}>
            <Radio value="count" label="After a number of times" />
            <Radio value="until" label="On a date" />
          </Stack>
        </Radio.Group>
        {draft.ends === 'count' ? (
          <NumberInput
            label="Number of appointments"
            description="The first one included"
            value={draft.count}
            onChange={(v) => set({ count: typeof v === 'number' ? v : Number(v) || 1 })}
            min={1}
            max={366}
            clampBehavior="strict"
            allowDecimal={false}
            w={200}
            error={errors['repeat.count']}
          />
        ) : (
          <DatePickerInput label="Last date" description="None after this day" value={draft.until} onChange={(v) => set({ until: v })} valueFormat="ddd D MMM YYYY" w={200} error={errors['repeat.until']} />
        )}
      </Group>
      {errors.repeat && (
        <Text size="xs" c="red">
          {errors.repeat}
        </Text>
      )}
    </Stack>
  )
}

/** For a conflicting occurrence: the start of the free slot chosen instead, null to leave it out, undefined while undecided. */
export type Choices = Record<string, string | null>

/** Every occurrence: its date and time, OK or why not; a conflict offers nearby free slots or leaving it out. */
export function SeriesPreviewTable({ preview, choices, onChoose, errors, stale }: { preview: SeriesPreview; choices: Choices; onChoose(occurrence: string, to: string | null): void; errors: Record<string, string>; stale: boolean }) {
  const problems = preview.occurrences.filter((o) => !o.ok).length
  return (
    <Stack gap={6} style={stale ? { opacity: 0.5 } : undefined} data-testid="series-preview">
      <Text size="sm" fw={600}>
        {preview.description}: {preview.occurrences.length} {preview.occurrences.length === 1 ? 'date' : 'dates'}
        {problems ? (
          <Text span c="red" fw={600} inherit>
            , {problems} with a problem
          </Text>
        ) : (
          ', all free'
        )}
      </Text>
      <Table verticalSpacing={6} horizontalSpacing="xs" aria-label="Series dates">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={28}>#</Table.Th>
            <Table.Th w={110}>Date</Table.Th>
            <Table.Th w={56}>Time</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {preview.occurrences.map((o, i) => (
            <Table.Tr key={o.start} data-testid="series-occurrence">
              <Table.Td c="dimmed">{i + 1}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{dayLabel(o.date)}</Table.Td>
              <Table.Td>{o.time}</Table.Td>
              <Table.Td>{o.ok ? <Badge color="teal" variant="light">OK</Badge> : <Problem occurrence={o} choice={choices[o.start]} onChoose={(to) => onChoose(o.start, to)} error={errors[`replacements.${o.start}`]} />}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  )
}

function Problem({ occurrence: o, choice, onChoose, error }: { occurrence: SeriesOccurrence; choice: string | null | undefined; onChoose(to: string | null): void; error?: string }) {
  const label = (date: string, time: string) => (date === o.date ? time : `${dayLabel(date)} ${time}`)
  return (
    <Stack gap={4}>
      <Text size="sm" c="red">
        {o.problem}
      </Text>
      <Group gap={4} role="group" aria-label={`Instead of ${dayLabel(o.date)} ${o.time}`}>
        {o.alternatives.map((slot) => {
          const chosen = choice === slot.start
          return (
            <Button
              key={slot.start}
              size="compact-sm"
              variant={chosen ? 'filled' : 'light'}
              leftSection={chosen ? <IconCheck size={12} /> : undefined}
              aria-pressed={chosen}
              onClick={() => onChoose(slot.start)}
            >
              {label(slot.date, slot.time)}
            </Button>
          )
        })}
        <Button size="compact-sm" variant={choice === null ? 'filled' : 'default'} color={choice === null ? 'gray' : undefined} leftSection={choice === null ? <IconCheck size={12} /> : undefined} aria-pressed={choice === null} onClick={() => onChoose(null)}>
          Leave out
        </Button>
      </Group>
      {o.alternatives.length === 0 && (
        <Text size="xs" c="dimmed">
          No free time nearby: leave this one out.
        </Text>
      )}
      {error && (
        <Text size="xs" c="red">
          {error}
        </Text>
      )}
    </Stack>
  )
}
