import { Alert, Badge, Button, Center, Chip, Grid, Group, Loader, Paper, SimpleGrid, Stack, Text, Timeline, Title } from '@mantine/core'
import { IconCalendarEvent, IconFileText, IconNotes, IconPencil, IconPlayerPlay, IconStethoscope } from '@tabler/icons-react'
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { RECORD_TYPE_NAMES, type Chart, type TimelineItem, type VitalsPoint } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { showError } from '../../lib/errors'
import { RecordsPanel } from '../records/RecordsPanel'
import { ChartHeader } from './ChartHeader'
import { useClinicalAccess } from './clinical-access'
import { formatDate, formatWhen } from './format'
import { VitalsTrends } from './VitalsTrends'

const KINDS = [
  { value: 'visit', label: 'Visits' },
  { value: 'appointment', label: 'Appointments' },
  { value: 'record', label: 'Records' },
  { value: 'amendment', label: 'Amendments' }
] as const

const STATUS_COLOUR: Record<string, string> = { no_show: 'red', cancelled: 'gray', completed: 'teal', booked: 'blue', confirmed: 'blue', arrived: 'violet', in_consultation: 'violet' }

/** The patient chart: one screen a doctor reads in seconds. */
export function ChartPage() {
  const { id = '' } = useParams()
  const chart = useApiQuery('chart.get', { patientId: id }, { shows: [['patients', id], 'visits', 'appointments', 'medical_records'] })
  if (chart.isPending)
    return (
      <Center py="xl">
        <Loader size="sm" aria-label="Loading the chart" />
      </Center>
    )
  if (!chart.data)
    return (
      <Alert color="red" title="Could not open the chart">
        {chart.error?.message}
      </Alert>
    )
  return <ChartView chart={chart.data} />
}

function ChartView({ chart }: { chart: Chart }) {
  const api = useApi()
  const navigate = useNavigate()
  const access = useClinicalAccess()
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const [kinds, setKinds] = useState<string[]>(KINDS.map((k) => k.value))
  const [starting, setStarting] = useState(false)
  const patientId = chart.patient.id
  const startVisit = async () => {
    setStarting(true)
    try {
      const visit = await api.call('visits.open', { patientId })
      navigate(`/patients/${patientId}/visits/${visit.id}`)
    } catch (error) {
      showError(error, undefined, 'Visit not opened')
    } finally {
      setStarting(false)
    }
  }
  const latest = chart.latestVitals
  const items = chart.timeline.filter((t) => kinds.includes(t.kind))
  return (
    <Stack gap="md">
      <ChartHeader patientId={patientId} chart={chart} />
      <Group justify="space-between">
        <Title order={3}>Chart</Title>
        {access.write &&
          (chart.openVisitId ? (
            <Button component={Link} to={`/patients/${patientId}/visits/${chart.openVisitId}`} leftSection={<IconPencil size={16} />}>
              Continue the open visit
            </Button>
          ) : (
            <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => void startVisit()} loading={starting}>
              Start a visit
            </Button>
          ))}
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Paper withBorder radius="md" p="md" component="section" aria-label="Timeline">
            <Group justify="space-between" mb="sm">
              <Title order={4}>Timeline</Title>
              <Chip.Group multiple value={kinds} onChange={setKinds}>
                <Group gap={6}>
                  {KINDS.map((k) => (
                    <Chip key={k.value} value={k.value} size="xs">
                      {k.label}
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
            </Group>
            {items.length === 0 ? (
              <Text c="dimmed" size="sm">
                {chart.timeline.length === 0 ? 'Nothing yet: no visits, appointments or records.' : 'Nothing of the kinds chosen.'}
              </Text>
            ) : (
              <Timeline bulletSize={26} lineWidth={2}>
                {items.map((item) => (
                  <Timeline.Item key={`${item.kind}:${itemId(item)}`} bullet={bulletOf(item)} title={<TimelineTitle item={item} tz={tz} patientId={patientId} canOpen={access.read} />}>
                    <TimelineBody item={item} />
                  </Timeline.Item>
                ))}
              </Timeline>
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <Paper withBorder radius="md" p="md" component="section" aria-label="Latest vitals">
              <Title order={4} mb="xs">
                Latest vitals {latest && <Text span size="sm" c="dimmed">({formatDate(latest.date)})</Text>}
              </Title>
              {latest ? <LatestVitals v={latest} /> : <Text size="sm" c="dimmed">No vitals recorded yet.</Text>}
            </Paper>
            <VitalsTrends points={chart.vitals} />
            <RecordsPanel patientId={patientId} canOpen={access.read} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

function LatestVitals({ v }: { v: VitalsPoint }) {
  const cells = [
    ['Weight', v.weightKg, 'kg'],
    ['BMI', v.bmi, ''],
    ['BP', v.bpSystolic !== null ? `${v.bpSystolic}/${v.bpDiastolic}` : null, 'mmHg'],
    ['Pulse', v.pulse, '/min'],
    ['Temp.', v.temperatureC, '°C'],
    ['SpO₂', v.spo2, '%'],
    ['Sugar', v.sugarMgDl, 'mg/dL']
  ] as const
  return (
    <SimpleGrid cols={4} spacing="xs">
      {cells.map(([label, value, unit]) => (
        <div key={label}>
          <Text size="xs" c="dimmed">
            {label}
          </Text>
          <Text fw={600}>
            {value ?? '—'}
            {value !== null && unit && (
              <Text span size="xs" c="dimmed">
                {' '}
                {unit}
              </Text>
            )}
          </Text>
        </div>
      ))}
    </SimpleGrid>
  )
}

const itemId = (item: TimelineItem) => (item.kind === 'visit' ? item.visit.id : item.kind === 'appointment' ? item.appointment.id : item.kind === 'record' ? item.record.id : item.amendment.id)

function bulletOf(item: TimelineItem) {
  if (item.kind === 'visit') return <IconStethoscope size={14} />
  if (item.kind === 'appointment') return <IconCalendarEvent size={14} />
  if (item.kind === 'record') return <IconFileText size={14} />
  return <IconNotes size={14} />
}

function TimelineTitle({ item, tz, patientId, canOpen }: { item: TimelineItem; tz: string; patientId: string; canOpen: boolean }) {
  if (item.kind === 'visit')
    return (
      <Group gap="xs">
        {canOpen ? (
          <Text component={Link} to={`/patients/${patientId}/visits/${item.visit.id}`} fw={600} c="blue">
            Visit · {formatDate(item.visit.date)}
          </Text>
        ) : (
          <Text fw={600}>Visit · {formatDate(item.visit.date)}</Text>
        )}
        <Badge size="xs" color={item.visit.status === 'signed' ? 'teal' : 'blue'} variant="light">
          {item.visit.status === 'signed' ? 'Signed' : 'Open'}
        </Badge>
        {item.visit.amendments > 0 && (
          <Badge size="xs" color="yellow" variant="light">
            {item.visit.amendments} amendment{item.visit.amendments > 1 ? 's' : ''}
          </Badge>
        )}
      </Group>
    )
  if (item.kind === 'appointment') {
    const upcoming = item.at > new Date().toISOString() && item.appointment.status !== 'cancelled'
    return (
      <Group gap="xs">
        <Text fw={600}>
          {upcoming ? 'Upcoming' : 'Appointment'} · {formatWhen(item.appointment.start, tz)}
        </Text>
        <Badge size="xs" color={STATUS_COLOUR[item.appointment.status] ?? 'gray'} variant="light">
          {item.appointment.status === 'no_show' ? 'No-show' : item.appointment.status.replace('_', ' ')}
        </Badge>
      </Group>
    )
  }
  if (item.kind === 'record')
    return (
      <Group gap="xs">
        <Text fw={600}>{item.record.name}</Text>
        <Badge size="xs" variant="light">
          {RECORD_TYPE_NAMES[item.record.type]}
        </Badge>
      </Group>
    )
  return <Text fw={600}>Amendment · {formatWhen(item.amendment.at, tz)}</Text>
}

function TimelineBody({ item }: { item: TimelineItem }) {
  if (item.kind === 'visit') {
    const v = item.visit
    return (
      <Stack gap={2}>
        <Text size="sm" c="dimmed">
          {v.doctorName}
          {v.chiefComplaint && ` · ${v.chiefComplaint}`}
        </Text>
        {v.diagnoses.length > 0 && <Text size="sm">Diagnosis: {v.diagnoses.join('; ')}</Text>}
        {v.drugs.length > 0 && <Text size="sm">℞ {v.drugs.join(', ')}</Text>}
      </Stack>
    )
  }
  if (item.kind === 'appointment')
    return (
      <Text size="sm" c="dimmed">
        {item.appointment.typeName} with {item.appointment.doctorName}
        {item.appointment.reason && ` · ${item.appointment.reason}`}
      </Text>
    )
  if (item.kind === 'record')
    return (
      <Text size="sm" c="dimmed">
        {[formatDate(item.record.recordDate), item.record.hospital, item.record.doctorName].filter(Boolean).join(' · ')}
      </Text>
    )
  return (
    <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
      {item.amendment.userName}: {item.amendment.text}
    </Text>
  )
}
