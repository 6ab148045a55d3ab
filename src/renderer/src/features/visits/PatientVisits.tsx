import { Badge, Button, Group, Modal, Paper, Stack, Text, Textarea } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconPencil, IconStethoscope } from '@tabler/icons-react'
import { useState } from 'react'
import { Link } from 'react-router'
import type { Patient } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { showError } from '../../lib/errors'
import { EmptyState } from '../../shell/EmptyState'
import { formatDate } from './format'

/** The profile's Visits tab, for those who may read notes: each visit in a line, opening in full. */
export function PatientVisits({ id }: { id: string }) {
  const chart = useApiQuery('chart.get', { patientId: id }, { shows: [['patients', id], 'visits'] })
  const visits = (chart.data?.timeline ?? []).flatMap((t) => (t.kind === 'visit' ? [t.visit] : []))
  if (chart.isPending) return <Text c="dimmed">Loading…</Text>
  if (chart.error) return <Text c="red">{chart.error.message}</Text>
  if (visits.length === 0)
    return (
      <EmptyState icon={IconStethoscope} title="No visits yet">
        A visit starts from the queue, an appointment, or the chart.
      </EmptyState>
    )
  return (
    <Stack gap="xs">
      {visits.map((v) => (
        <Paper key={v.id} withBorder radius="sm" p="sm" component={Link} to={`/patients/${id}/visits/${v.id}`} style={{ textDecoration: 'none', color: 'inherit' }}>
          <Group justify="space-between">
            <Text fw={600}>
              {formatDate(v.date)} · {v.doctorName}
            </Text>
            <Badge color={v.status === 'signed' ? 'teal' : 'blue'} variant="light">
              {v.status === 'signed' ? 'Signed' : 'Open'}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {[v.chiefComplaint, v.diagnoses.join('; '), v.drugs.length ? `℞ ${v.drugs.join(', ')}` : ''].filter(Boolean).join(' · ') || 'No note yet'}
          </Text>
        </Paper>
      ))}
    </Stack>
  )
}

/** Allergies, medical history and chronic conditions: recorded by doctors as well as the desk. */
export function MedicalEdit({ patient }: { patient: Patient }) {
  const api = useApi()
  const [opened, { open, close }] = useDisclosure(false)
  const [values, setValues] = useState({ allergies: patient.allergies, medicalHistory: patient.medicalHistory, chronicConditions: patient.chronicConditions })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState(false)
  const start = () => {
    setValues({ allergies: patient.allergies, medicalHistory: patient.medicalHistory, chronicConditions: patient.chronicConditions })
    setErrors({})
    open()
  }
  const save = async () => {
    setSaving(true)
    try {
      await api.call('patients.updateMedical', { id: patient.id, ...values })
      notifications.show({ color: 'teal', title: 'Saved', message: `${patient.name}'s allergies and history are up to date.` })
      close()
    } catch (error) {
      showError(error, setErrors)
    } finally {
      setSaving(false)
    }
  }
  return (
    <>
      <Button size="compact-sm" variant="subtle" leftSection={<IconPencil size={14} />} onClick={start}>
        Edit allergies and history
      </Button>
      <Modal opened={opened} onClose={close} title={`Allergies and history · ${patient.name}`} size="lg">
        <Stack>
          <Textarea label="Allergies" description="Separate with commas or new lines; doctors see each in red, and prescriptions are checked against them" autosize minRows={2} value={values.allergies} onChange={(e) => setValues({ ...values, allergies: e.currentTarget.value })} error={errors.allergies} data-autofocus />
          <Textarea label="Chronic conditions" autosize minRows={1} value={values.chronicConditions} onChange={(e) => setValues({ ...values, chronicConditions: e.currentTarget.value })} error={errors.chronicConditions} />
          <Textarea label="Medical history" autosize minRows={3} value={values.medicalHistory} onChange={(e) => setValues({ ...values, medicalHistory: e.currentTarget.value })} error={errors.medicalHistory} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={() => void save()} loading={saving}>
              Save
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  )
}
