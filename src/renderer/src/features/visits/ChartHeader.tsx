import { Avatar, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { IconAlertTriangle, IconArrowLeft, IconNotes } from '@tabler/icons-react'
import { Link } from 'react-router'
import type { Chart, Visit } from '../../../../shared/api'
import { useSession } from '../../api/context'
import { useFileUrl } from '../../api/files'
import { useApiQuery } from '../../api/queries'
import { allergyItems } from '../../../../shared/lib/allergy-list'
import { ageOf, GENDER_LABEL, initials } from '../patients/format'

/**
 * The top of the chart and of a visit: who the patient is, and what must never be missed:
 * allergies in red, chronic conditions beside them.
 */
export function ChartHeader({ patientId, visit, chart }: { patientId: string; visit?: Visit; chart?: Chart }) {
  const { settings } = useSession()
  const loaded = useApiQuery('chart.get', { patientId }, { shows: [['patients', patientId]], enabled: !chart })
  const data = chart ?? loaded.data
  const p = data?.patient
  const photo = useFileUrl('patients.photo', patientId, p?.hasPhoto ? p.photoVersion : null)
  if (!p) return null
  const age = ageOf(p.dateOfBirth, settings?.timeZone)
  const allergies = allergyItems(p.allergies)
  const conditions = allergyItems(p.chronicConditions)
  return (
    <Paper withBorder radius="md" p="md" component="header" aria-label="Patient">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Group align="flex-start" wrap="nowrap">
          <Avatar src={photo} size={56} radius="xl" color="teal">
            {initials(p.name)}
          </Avatar>
          <Stack gap={4}>
            <Group gap="xs" align="baseline">
              <Title order={2}>{p.name}</Title>
              <Text c="dimmed">
                {[age && `${age}${p.dateOfBirthEstimated ? ' (approx.)' : ''}`, GENDER_LABEL[p.gender as keyof typeof GENDER_LABEL], p.number].filter(Boolean).join(' · ')}
              </Text>
            </Group>
            <Group gap={6} aria-label="Allergies">
              {allergies.length ? (
                allergies.map((a) => (
                  <Badge key={a} color="red" variant="filled" leftSection={<IconAlertTriangle size={12} />}>
                    {a}
                  </Badge>
                ))
              ) : (
                <Text size="sm" c="dimmed">
                  No allergies recorded
                </Text>
              )}
            </Group>
            {conditions.length > 0 && (
              <Group gap={6} aria-label="Chronic conditions">
                {conditions.map((c) => (
                  <Badge key={c} color="orange" variant="light">
                    {c}
                  </Badge>
                ))}
              </Group>
            )}
          </Stack>
        </Group>
        <Group gap="xs" wrap="nowrap">
          {visit ? (
            <Button component={Link} to={`/patients/${patientId}/chart`} variant="default" leftSection={<IconNotes size={16} />}>
              Chart
            </Button>
          ) : (
            <Button component={Link} to={`/patients/${patientId}`} variant="default" leftSection={<IconArrowLeft size={16} />}>
              Profile
            </Button>
          )}
        </Group>
      </Group>
    </Paper>
  )
}
