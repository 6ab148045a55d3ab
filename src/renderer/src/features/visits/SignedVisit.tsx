import { Alert, Badge, Button, Grid, Group, Paper, SimpleGrid, Stack, Table, Text, Textarea, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconDownload, IconPrinter, IconSignature } from '@tabler/icons-react'
import { useState } from 'react'
import { VITAL_RANGES, type Visit, type VitalKey } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { showError } from '../../lib/errors'
import { RecordsPanel } from '../records/RecordsPanel'
import { useClinicalAccess } from './clinical-access'
import { formatDate, formatWhen } from './format'
import { usePrescriptionPdf } from './prescription-file'

const SUGAR: Record<string, string> = { fasting: 'fasting', random: 'random', post_meal: 'after a meal' }

/** A signed visit as it was signed, its amendments beside it; the signer may add one. */
export function SignedVisit({ visit }: { visit: Visit }) {
  const api = useApi()
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const access = useClinicalAccess()
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  const amend = async () => {
    setSaving(true)
    setError(null)
    try {
      await api.call('visits.amend', { id: visit.id, text })
      setText('')
      notifications.show({ color: 'teal', title: 'Amendment added', message: 'It is kept beside the signed note.' })
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setSaving(false)
    }
  }
  const prescriptionPdf = usePrescriptionPdf()
  const pdf = async (how: 'print' | 'download') => {
    try {
      await prescriptionPdf(visit.id, how)
    } catch (e) {
      showError(e, undefined, 'No prescription')
    }
  }
  const v = visit.vitals
  const vital = (k: VitalKey) => (v[k] === null ? null : `${v[k]} ${VITAL_RANGES[k].unit}`)
  const vitals = [
    ['Weight', vital('weightKg')],
    ['Height', vital('heightCm')],
    ['BMI', visit.bmi === null ? null : String(visit.bmi)],
    ['BP', v.bpSystolic === null ? null : `${v.bpSystolic}/${v.bpDiastolic} mmHg`],
    ['Pulse', vital('pulse')],
    ['Temperature', vital('temperatureC')],
    ['SpO₂', vital('spo2')],
    ['Blood sugar', v.sugarMgDl === null ? null : `${v.sugarMgDl} mg/dL${v.sugarContext ? ` (${SUGAR[v.sugarContext]})` : ''}`]
  ].filter(([, value]) => value !== null)

  return (
    <>
      <Paper withBorder radius="md" p="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Badge color="teal" leftSection={<IconSignature size={12} />}>
              Signed
            </Badge>
            <Text size="sm">
              {formatDate(visit.date)} · {visit.doctorName} · signed by {visit.signedByName} on {formatWhen(visit.signedAt!, tz)}
            </Text>
          </Group>
          {visit.items.length > 0 && (
            <Group gap="xs">
              <Button variant="default" leftSection={<IconPrinter size={16} />} onClick={() => void pdf('print')}>
                Print prescription
              </Button>
              <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => void pdf('download')}>
                Download PDF
              </Button>
            </Group>
          )}
        </Group>
      </Paper>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, xl: 7 }}>
          <Stack gap="md">
            <Paper withBorder radius="md" p="md" component="section" aria-label="Signed note">
              <Stack gap="sm">
                {visit.chiefComplaint && (
                  <div>
                    <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                      Chief complaint
                    </Text>
                    <Text>{visit.chiefComplaint}</Text>
                  </div>
                )}
                {vitals.length > 0 && (
                  <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
                    {vitals.map(([label, value]) => (
                      <div key={label}>
                        <Text size="xs" c="dimmed">
                          {label}
                        </Text>
                        <Text fw={600}>{value}</Text>
                      </div>
                    ))}
                  </SimpleGrid>
                )}
                {visit.noteFormat === 'soap' ? (
                  (
                    [
                      ['Subjective', visit.subjective],
                      ['Objective', visit.objective],
                      ['Assessment', visit.assessment],
                      ['Plan', visit.plan]
                    ] as const
                  )
                    .filter(([, t]) => t.trim())
                    .map(([label, t]) => (
                      <div key={label}>
                        <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                          {label}
                        </Text>
                        <Text style={{ whiteSpace: 'pre-wrap' }}>{t}</Text>
                      </div>
                    ))
                ) : (
                  <Text style={{ whiteSpace: 'pre-wrap' }}>{visit.freeText}</Text>
                )}
                {visit.diagnoses.length > 0 && (
                  <div>
                    <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                      Diagnoses
                    </Text>
                    {visit.diagnoses.map((d, i) => (
                      <Text key={i}>
                        {d.text} {d.code && <Badge variant="light">{d.code}</Badge>}
                      </Text>
                    ))}
                  </div>
                )}
                {visit.advice && (
                  <div>
                    <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                      Advice
                    </Text>
                    <Text style={{ whiteSpace: 'pre-wrap' }}>{visit.advice}</Text>
                  </div>
                )}
                {(visit.followUp || visit.followUpDate) && (
                  <Text size="sm">
                    Follow-up: {visit.followUp ? `booked for ${formatWhen(visit.followUp.start, tz)}` : `${formatDate(visit.followUpDate!)} (not booked)`}
                  </Text>
                )}
              </Stack>
            </Paper>
            <Paper withBorder radius="md" p="md" component="section" aria-label="Amendments">
              <Title order={4} mb="xs">
                Amendments ({visit.amendments.length})
              </Title>
              <Stack gap="xs">
                {visit.amendments.length === 0 && (
                  <Text size="sm" c="dimmed">
                    None. The signed note stands as written.
                  </Text>
                )}
                {visit.amendments.map((a) => (
                  <Paper key={a.id} withBorder p="xs" radius="sm" bg="yellow.0">
                    <Text size="xs" c="dimmed">
                      {a.userName} · {formatWhen(a.at, tz)}
                    </Text>
                    <Text style={{ whiteSpace: 'pre-wrap' }}>{a.text}</Text>
                  </Paper>
                ))}
                {access.write && (
                  <>
                    <Textarea label="Add an amendment" description="Kept beside the signed note with your name and the time; the note itself never changes." autosize minRows={2} value={text} onChange={(e) => setText(e.currentTarget.value)} error={error} />
                    <Group justify="flex-end">
                      <Button onClick={() => void amend()} loading={saving} disabled={!text.trim()}>
                        Add amendment
                      </Button>
                    </Group>
                  </>
                )}
              </Stack>
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 5 }}>
          <Stack gap="md">
            <Paper withBorder radius="md" p="md" component="section" aria-label="Prescription">
              <Title order={4} mb="xs">
                ℞ Prescription
              </Title>
              {visit.items.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No drugs prescribed.
                </Text>
              ) : (
                <Table>
                  <Table.Tbody>
                    {visit.items.map((item, i) => (
                      <Table.Tr key={item.id}>
                        <Table.Td valign="top">{i + 1}.</Table.Td>
                        <Table.Td>
                          <Text fw={600}>{[item.drugName, item.strength, item.form].filter(Boolean).join(' ')}</Text>
                          <Text size="sm">
                            {[item.dose, item.frequency && `${item.frequency}${item.frequencyMeaning ? ` (${item.frequencyMeaning})` : ''}`, item.duration, item.route].filter(Boolean).join(' · ')}
                          </Text>
                          {item.instructions && (
                            <Text size="sm" c="dimmed">
                              {item.instructions}
                            </Text>
                          )}
                          {item.allergy && (
                            <Alert color="orange" p={4} mt={4} icon={<IconAlertTriangle size={14} />}>
                              <Text size="xs">
                                Matches the allergy “{item.allergy.matched}”: prescribed anyway, confirmed by {item.allergy.confirmedByName} at {formatWhen(item.allergy.confirmedAt, tz)}
                              </Text>
                            </Alert>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Paper>
            <RecordsPanel patientId={visit.patientId} visitId={visit.id} canOpen={access.read} />
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  )
}
