import { Alert, Anchor, Badge, Group, Loader, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { IconCalendarOff, IconMessageStar } from '@tabler/icons-react'
import dayjs from 'dayjs'
import { useState } from 'react'
import { Link } from 'react-router'
import { FEEDBACK_TYPE_NAMES, type Feedback, type FeedbackSummary } from '../../../../shared/api'
import { useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { addDays, clinicToday, toWall } from '../../lib/clinic-time'
import { EmptyState } from '../../shell/EmptyState'
import { FEEDBACK_COLOURS, RATING_WORDS, Stars } from './format'
import { DateField } from '../../shell/DateField'

type Preset = '30' | '90' | 'year' | 'all' | 'custom'

const PRESETS: Array<{ value: Exclude<Preset, 'custom'>; label: string }> = [
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
  { value: 'year', label: 'This year' },
  { value: 'all', label: 'All time' }
]

/** A preset's dates, inclusive, in clinic days ('' = open-ended). */
function presetRange(preset: Exclude<Preset, 'custom'>, today: string): { from: string; to: string } {
  if (preset === '30') return { from: addDays(today, -29), to: today }
  if (preset === '90') return { from: addDays(today, -89), to: today }
  if (preset === 'year') return { from: `${today.slice(0, 4)}-01-01`, to: today }
  return { from: '', to: '' }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** Admin → Feedback: what patients said, per doctor, and the latest comments. */
export function FeedbackReport() {
  const { settings } = useSession()
  const timeZone = settings?.timeZone ?? 'UTC'
  const today = clinicToday(timeZone)
  const [preset, setPreset] = useState<Preset>('30')
  const [range, setRange] = useState(() => presetRange('30', today))

  const from = ISO_DATE.test(range.from) ? range.from : undefined
  const to = ISO_DATE.test(range.to) ? range.to : undefined
  const backwards = !!from && !!to && from > to
  const limited = !!from || !!to
  const summary = useApiQuery('feedback.summary', { ...(from ? { from } : {}), ...(to ? { to } : {}) }, { shows: ['feedback', 'doctors', 'patients'], enabled: !backwards })
  // Nothing in these dates: is there nothing at all yet, or only nothing lately? Cached apart from
  // "All time" (its own version), as this one is only kept fresh while it is enabled.
  const emptyHere = limited && summary.data?.overall.count === 0
  const ever = useApiQuery('feedback.summary', {}, { shows: ['feedback'], enabled: emptyHere, version: 'any-at-all' })

  const choose = (value: string) => {
    setPreset(value as Preset)
    if (value !== 'custom') setRange(presetRange(value as Exclude<Preset, 'custom'>, today))
  }
  const setDate = (key: 'from' | 'to', value: string) => {
    setPreset('custom')
    setRange((r) => ({ ...r, [key]: value }))
  }

  return (
    <Stack gap="md">
      <div>
        <Title order={4}>Patient feedback</Title>
        <Text size="sm" c="dimmed">
          What patients told the front desk: ratings per doctor, complaints, and the latest comments. Dates are clinic days ({timeZone}).
        </Text>
      </div>

      <Paper withBorder p="sm">
        <Group align="flex-end" gap="md" wrap="wrap">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="feedback-period">
              Period
            </Text>
            <SegmentedControl aria-labelledby="feedback-period" data={preset === 'custom' ? [...PRESETS, { value: 'custom', label: 'Chosen dates' }] : PRESETS} value={preset} onChange={choose} />
          </Stack>
          <DateField label="From" w={150} value={range.from} max={range.to} onChange={(v) => setDate('from', v)} />
          <DateField label="To" w={150} value={range.to} min={range.from} onChange={(v) => setDate('to', v)} error={backwards ? 'Before “From”' : undefined} />
        </Group>
      </Paper>

      {summary.error ? (
        <Alert color="red" title="Could not load the feedback">
          {summary.error.message}
        </Alert>
      ) : backwards ? null : !summary.data || (emptyHere && !ever.data && !ever.error) ? (
        <Group justify="center" py="xl">
          <Loader size="sm" aria-label="Loading the feedback" />
        </Group>
      ) : summary.data.overall.count === 0 ? (
        <NoFeedback none={!limited || ever.data?.overall.count === 0} onAllTime={() => choose('all')} />
      ) : (
        <Report data={summary.data} timeZone={timeZone} />
      )}
    </Stack>
  )
}

/** `none`: no feedback was ever recorded; otherwise only none between the dates chosen. */
function NoFeedback({ none, onAllTime }: { none: boolean; onAllTime(): void }) {
  return none ? (
    <EmptyState icon={IconMessageStar} title="No feedback yet">
      When a patient praises, suggests or complains, the front desk records it from the patient’s profile with “Record feedback”. It shows here, per doctor.
    </EmptyState>
  ) : (
    <EmptyState icon={IconCalendarOff} title="No feedback in these dates">
      Nobody recorded feedback between these dates.{' '}
      <Anchor component="button" type="button" onClick={onAllTime} inherit>
        Show all time
      </Anchor>
    </EmptyState>
  )
}

function Report({ data, timeZone }: { data: FeedbackSummary; timeZone: string }) {
  const complaints = data.doctors.reduce((n, d) => n + d.complaints, 0)
  const doctors = [...data.doctors].sort((a, b) => b.count - a.count || a.doctorName.localeCompare(b.doctorName))
  const average = data.overall.average
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
        <Paper withBorder p="md" aria-label="Overall rating" component="section">
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            Overall rating
          </Text>
          {average !== null ? (
            <Group gap="xs" mt={6} align="center">
              <Stars value={average} size="md" />
              <Text size="sm" c="dimmed">
                {RATING_WORDS[Math.round(average)]}
              </Text>
            </Group>
          ) : (
            <Text mt={6}>—</Text>
          )}
        </Paper>
        <Paper withBorder p="md" aria-label="Feedback recorded" component="section">
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            Feedback recorded
          </Text>
          <Text size="xl" fw={700} mt={2} data-testid="feedback-count">
            {data.overall.count}
          </Text>
        </Paper>
        <Paper withBorder p="md" aria-label="Complaints" component="section">
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            Complaints
          </Text>
          <Text size="xl" fw={700} mt={2} c={complaints > 0 ? 'red' : undefined}>
            {complaints}
          </Text>
        </Paper>
      </SimpleGrid>

      <Paper withBorder>
        <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Feedback per doctor" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Doctor</Table.Th>
              <Table.Th w={120} ta="right">
                Feedback
              </Table.Th>
              <Table.Th w={220}>Average rating</Table.Th>
              <Table.Th w={130} ta="right">
                Complaints
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {doctors.map((d) => (
              <Table.Tr key={d.doctorId ?? 'clinic'}>
                <Table.Td>
                  <Text size="sm" fw={500} c={d.doctorId ? undefined : 'dimmed'}>
                    {d.doctorId ? d.doctorName : 'The clinic in general'}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {d.count}
                </Table.Td>
                <Table.Td>
                  <Stars value={d.average} />
                </Table.Td>
                <Table.Td ta="right">
                  {d.complaints > 0 ? (
                    <Badge color="red" variant="filled" aria-label={`${d.complaints} complaint${d.complaints === 1 ? '' : 's'}`}>
                      {d.complaints}
                    </Badge>
                  ) : (
                    <Text size="sm" c="dimmed">
                      0
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>

      <section aria-labelledby="feedback-recent">
        <Group justify="space-between" align="baseline" mb="xs">
          <Title order={5} id="feedback-recent">
            Recent comments
          </Title>
          {data.overall.count > data.recent.length && (
            <Text size="xs" c="dimmed">
              The newest {data.recent.length} of {data.overall.count}
            </Text>
          )}
        </Group>
        <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {data.recent.map((f) => (
            <FeedbackItem key={f.id} feedback={f} timeZone={timeZone} />
          ))}
        </Stack>
      </section>
    </Stack>
  )
}

function FeedbackItem({ feedback: f, timeZone }: { feedback: Feedback; timeZone: string }) {
  const when = dayjs(toWall(f.recordedAt, timeZone)).format('ddd D MMM YYYY, HH:mm')
  return (
    <Paper withBorder p="sm" component="li" aria-label={`${FEEDBACK_TYPE_NAMES[f.type]} from ${f.patientName}`}>
      <Stack gap={6}>
        <Group gap="sm" wrap="nowrap" justify="space-between" align="flex-start">
          <Group gap="sm">
            <Badge color={FEEDBACK_COLOURS[f.type]} variant="light">
              {FEEDBACK_TYPE_NAMES[f.type]}
            </Badge>
            <Stars value={f.rating} size="xs" showNumber={false} />
            <Text size="xs" c="dimmed">
              {f.rating} – {RATING_WORDS[f.rating]}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            {when}
          </Text>
        </Group>
        {f.comment ? (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {f.comment}
          </Text>
        ) : (
          <Text size="sm" c="dimmed" fs="italic">
            No comment
          </Text>
        )}
        <Text size="xs" c="dimmed">
          <Anchor component={Link} to={`/patients/${f.patientId}`} size="xs" fw={500}>
            {f.patientName}
          </Anchor>{' '}
          ({f.patientNumber}) · {f.doctorName ?? 'The clinic in general'} · recorded by {f.recordedByName}
        </Text>
      </Stack>
    </Paper>
  )
}
