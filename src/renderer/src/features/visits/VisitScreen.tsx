import { ActionIcon, Alert, Badge, Button, Center, Grid, Group, Loader, Modal, NumberInput, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title, Tooltip } from '@mantine/core'
import { DatePickerInput } from '@mantine/dates'
import { useDebouncedValue, useHotkeys } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconCalendarPlus, IconDownload, IconPlus, IconPrinter, IconSignature, IconTrash } from '@tabler/icons-react'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useParams } from 'react-router'
import { ApiError, bmiOf, VITAL_RANGES, type AllergyWarning, type DrugLine, type Visit, type VisitNoteInput, type VitalKey, type Vitals } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { addDays, clinicClock, clinicToday } from '../../lib/clinic-time'
import { capitalise, showError } from '../../lib/errors'
import { RecordsPanel } from '../records/RecordsPanel'
import { ChartHeader } from './ChartHeader'
import { PrescriptionEditor, type ItemWarning } from './PrescriptionEditor'
import { SignedVisit } from './SignedVisit'
import { formatDate, formatWhen } from './format'
import { usePrescriptionPdf } from './prescription-file'

export function VisitScreen() {
  const { visitId = '' } = useParams()
  const visit = useApiQuery('visits.get', { id: visitId }, { shows: [['visits', visitId]] })
  if (visit.isPending)
    return (
      <Center py="xl">
        <Loader size="sm" aria-label="Loading the visit" />
      </Center>
    )
  if (!visit.data)
    return (
      <Alert color="red" title="Could not open this visit">
        {visit.error?.message}
      </Alert>
    )
  return (
    <Stack gap="md">
      <ChartHeader patientId={visit.data.patientId} visit={visit.data} />
      {visit.data.status === 'signed' ? <SignedVisit visit={visit.data} /> : <VisitEditor key={visit.data.id} visit={visit.data} />}
    </Stack>
  )
}

type Draft = Omit<Required<VisitNoteInput>, 'id' | 'version' | 'allergyConfirmed' | 'vitals' | 'diagnoses' | 'items'> & {
  vitals: Vitals
  diagnoses: Array<{ text: string; code: string }>
  items: DrugLine[]
}

const draftOf = (v: Visit): Draft => ({
  vitals: v.vitals,
  chiefComplaint: v.chiefComplaint,
  noteFormat: v.noteFormat,
  subjective: v.subjective,
  objective: v.objective,
  assessment: v.assessment,
  plan: v.plan,
  freeText: v.freeText,
  diagnoses: v.diagnoses,
  advice: v.advice,
  followUpDate: v.followUpDate,
  items: v.items.map(({ id: _id, frequencyMeaning: _m, allergy: _a, ...line }) => line)
})

/** What goes to the core: empty drug cards and diagnoses are the doctor's scratch, not the note. */
const toInput = (d: Draft) => ({
  ...d,
  diagnoses: d.diagnoses.filter((x) => x.text.trim() !== ''),
  items: d.items.filter((i) => Object.values(i).some((v) => v.trim() !== ''))
})

function vitalErrors(v: Vitals): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const key of Object.keys(VITAL_RANGES) as VitalKey[]) {
    const value = v[key]
    const { min, max, unit } = VITAL_RANGES[key]
    if (value !== null && (value < min || value > max)) errors[`vitals.${key}`] = `Must be between ${min} and ${max} ${unit}`
  }
  if ((v.bpSystolic === null) !== (v.bpDiastolic === null)) errors['vitals.bpSystolic'] = 'Needs both numbers, as 120/80'
  return errors
}

type SaveState = { kind: 'saved'; at: string | null } | { kind: 'dirty' } | { kind: 'saving' } | { kind: 'error'; message: string }

function VisitEditor({ visit }: { visit: Visit }) {
  const api = useApi()
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const [draft, setDraft] = useState<Draft>(() => draftOf(visit))
  const version = useRef(visit.version)
  const [serverItems, setServerItems] = useState(visit.items)
  const [followUp, setFollowUp] = useState(visit.followUp)
  const [state, setState] = useState<SaveState>({ kind: 'saved', at: visit.updatedAt })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [confirmed, setConfirmed] = useState<string[]>([])
  const [asking, setAsking] = useState<null | { warnings: ItemWarning[]; then: (() => Promise<void>) | null }>(null)
  const [signing, setSigning] = useState(false)
  const [busy, setBusy] = useState<string | null>(null)

  const update = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }))
    setState({ kind: 'dirty' })
  }
  const setVital = (key: keyof Vitals, value: number | string | null) => update({ vitals: { ...draft.vitals, [key]: value === '' || value === null ? null : Number(value) } })

  // Allergy matches, as the doctor types each drug's name.
  const names = useMemo(() => draft.items.map((i) => i.drugName), [draft.items])
  const [debouncedNames] = useDebouncedValue(names, 250)
  const check = useApiQuery('visits.checkAllergies', { patientId: visit.patientId, drugNames: debouncedNames }, { shows: [['patients', visit.patientId]] })
  const key = (w: { drugName: string; allergy: string }) => `${w.drugName.toLowerCase()}|${w.allergy}`
  const warnings: ItemWarning[] = (check.data ?? [])
    .filter((w) => draft.items[w.index]?.drugName === w.drugName)
    .map((w) => ({ ...w, confirmed: confirmed.includes(key(w)) || serverItems.some((i) => i.allergy && i.drugName === w.drugName && i.allergy.matched === w.allergy) }))
  const unconfirmed = warnings.filter((w) => !w.confirmed)

  const clientErrors = vitalErrors(draft.vitals)
  const allErrors = { ...errors, ...clientErrors }

  const save = useCallback(
    async (options: { allergyConfirmed?: boolean; quiet?: boolean } = {}): Promise<boolean> => {
      setState({ kind: 'saving' })
      try {
        const saved = await api.call('visits.save', { id: visit.id, version: version.current, ...toInput(draft), allergyConfirmed: options.allergyConfirmed ?? confirmed.length > 0 })
        version.current = saved.version
        setServerItems(saved.items)
        setFollowUp(saved.followUp)
        setErrors({})
        setState({ kind: 'saved', at: saved.updatedAt })
        return true
      } catch (error) {
        if (error instanceof ApiError && error.code === 'CONFLICT' && error.fields && Object.keys(error.fields).some((f) => f.startsWith('items.'))) {
          setState({ kind: 'dirty' })
          if (!options.quiet) setAsking({ warnings: unconfirmed, then: null })
          return false
        }
        if (error instanceof ApiError && error.fields) setErrors(Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, capitalise(v)])))
        setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) })
        if (!options.quiet) showError(error, undefined, 'The visit was not saved')
        return false
      }
    },
    [api, visit.id, draft, confirmed, unconfirmed]
  )

  // Saved a few seconds after the doctor stops typing; never while an allergy waits for a decision or a vital is out of range.
  useEffect(() => {
    if (state.kind !== 'dirty' || unconfirmed.length > 0 || Object.keys(clientErrors).length > 0) return
    const timer = setTimeout(() => void save({ quiet: true }), 2500)
    return () => clearTimeout(timer)
  })

  /** Saves first (asking about any allergy), then does `work`. */
  const thenDo = async (label: string, work: () => Promise<void>) => {
    if (Object.keys(clientErrors).length > 0) {
      notifications.show({ color: 'red', title: 'Check the vitals', message: Object.values(clientErrors)[0] })
      return
    }
    if (unconfirmed.length > 0) {
      setAsking({ warnings: unconfirmed, then: work })
      return
    }
    setBusy(label)
    try {
      if (state.kind !== 'saved' && !(await save())) return
      await work()
    } catch (error) {
      showError(error, undefined, `${label}: not done`)
    } finally {
      setBusy(null)
    }
  }

  const confirmAll = async () => {
    const pending = asking
    setConfirmed((c) => [...c, ...unconfirmed.map(key)])
    setAsking(null)
    setBusy('Saving')
    try {
      if ((await save({ allergyConfirmed: true })) && pending?.then) await pending.then()
    } catch (error) {
      showError(error)
    } finally {
      setBusy(null)
    }
  }

  const prescriptionPdf = usePrescriptionPdf()
  const pdf = (how: 'print' | 'download') => prescriptionPdf(visit.id, how)

  const sign = async () => {
    setSigning(false)
    await thenDo('Sign', async () => {
      await api.call('visits.sign', { id: visit.id, version: version.current })
      notifications.show({ color: 'teal', title: 'Visit signed and completed', message: `${visit.patientName}'s note is signed. Amendments are kept beside it.` })
    })
  }

  const bookFollowUp = () =>
    thenDo('Book follow-up', async () => {
      const booked = await api.call('visits.bookFollowUp', { id: visit.id })
      version.current = booked.version
      setFollowUp(booked.followUp)
      notifications.show({ color: 'teal', title: 'Follow-up booked', message: `${formatWhen(booked.followUp!.start, tz)} with ${booked.doctorName}` })
    })

  useHotkeys([
    ['mod+S', () => void thenDo('Save', async () => undefined)],
    ['mod+P', () => void thenDo('Print', () => pdf('print'))]
  ])

  const today = clinicToday(tz)
  const bmi = bmiOf(draft.vitals.weightKg, draft.vitals.heightCm)
  const vitalInput = (k: VitalKey, extra: { label?: string; w?: number } = {}) => (
    <NumberInput
      label={extra.label ?? `${VITAL_RANGES[k].label} (${VITAL_RANGES[k].unit})`}
      value={draft.vitals[k] ?? ''}
      onChange={(v) => setVital(k, v)}
      min={VITAL_RANGES[k].min}
      max={VITAL_RANGES[k].max}
      step={VITAL_RANGES[k].step}
      decimalScale={VITAL_RANGES[k].step < 1 ? 1 : 0}
      clampBehavior="none"
      hideControls
      error={allErrors[`vitals.${k}`]}
    />
  )

  return (
    <>
      <Paper withBorder radius="md" p="sm" pos="sticky" style={{ zIndex: 5, top: 'var(--app-shell-header-offset, 56px)' }} bg="var(--mantine-color-body)" shadow="xs">
        <Group justify="space-between">
          <Group gap="xs">
            <Badge color="blue" variant="light">
              Open visit · {formatDate(visit.date)}
            </Badge>
            <Text size="sm" c={state.kind === 'error' ? 'red' : 'dimmed'} aria-live="polite">
              {state.kind === 'saving' ? 'Saving…' : state.kind === 'dirty' ? 'Unsaved changes' : state.kind === 'error' ? `Not saved: ${state.message}` : state.at ? `Saved ${clinicClock(state.at, tz)}` : ''}
            </Text>
          </Group>
          <Group gap="xs">
            <Button variant="default" onClick={() => void thenDo('Save', async () => undefined)} loading={busy === 'Save'}>
              Save
            </Button>
            <Button variant="default" leftSection={<IconPrinter size={16} />} onClick={() => void thenDo('Print', () => pdf('print'))} loading={busy === 'Print'} disabled={draft.items.every((i) => !i.drugName.trim())}>
              Print prescription
            </Button>
            <Tooltip label="Download the prescription PDF">
              <ActionIcon variant="default" size="lg" aria-label="Download prescription PDF" onClick={() => void thenDo('Download', () => pdf('download'))} disabled={draft.items.every((i) => !i.drugName.trim())}>
                <IconDownload size={16} />
              </ActionIcon>
            </Tooltip>
            <Button color="teal" leftSection={<IconSignature size={16} />} onClick={() => setSigning(true)} loading={busy === 'Sign'}>
              Sign and complete
            </Button>
          </Group>
        </Group>
      </Paper>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, xl: 7 }}>
          <Stack gap="md">
            <Paper withBorder radius="md" p="md" component="section" aria-label="Vitals">
              <Group justify="space-between" mb="xs">
                <Title order={4}>Vitals</Title>
                <Text size="sm" c="dimmed">
                  {bmi !== null ? `BMI ${bmi}` : 'BMI from weight and height'}
                </Text>
              </Group>
              <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
                {vitalInput('weightKg')}
                {vitalInput('heightCm')}
                <Group gap={4} align="flex-start" wrap="nowrap">
                  {vitalInput('bpSystolic', { label: 'BP (mmHg)' })}
                  <Text mt={30}>/</Text>
                  <NumberInput
                    label=" "
                    aria-label="BP diastolic (mmHg)"
                    value={draft.vitals.bpDiastolic ?? ''}
                    onChange={(v) => setVital('bpDiastolic', v)}
                    hideControls
                    clampBehavior="none"
                    error={allErrors['vitals.bpDiastolic']}
                  />
                </Group>
                {vitalInput('pulse')}
                {vitalInput('temperatureC')}
                {vitalInput('spo2')}
                {vitalInput('sugarMgDl')}
                <Select
                  label="Sugar taken"
                  data={[
                    { value: 'fasting', label: 'Fasting' },
                    { value: 'random', label: 'Random' },
                    { value: 'post_meal', label: 'After a meal' }
                  ]}
                  value={draft.vitals.sugarContext}
                  onChange={(v) => update({ vitals: { ...draft.vitals, sugarContext: v as Vitals['sugarContext'] } })}
                  clearable
                  disabled={draft.vitals.sugarMgDl === null}
                />
              </SimpleGrid>
            </Paper>

            <Paper withBorder radius="md" p="md" component="section" aria-label="Note">
              <Stack gap="sm">
                <TextInput label="Chief complaint" value={draft.chiefComplaint} onChange={(e) => update({ chiefComplaint: e.currentTarget.value })} error={allErrors.chiefComplaint} autoFocus placeholder="Fever and cough for 3 days" />
                <Group justify="space-between">
                  <Title order={4}>Note</Title>
                  <SegmentedControl
                    size="xs"
                    aria-label="Note format"
                    value={draft.noteFormat}
                    onChange={(v) => update({ noteFormat: v as Draft['noteFormat'] })}
                    data={[
                      { value: 'soap', label: 'SOAP' },
                      { value: 'free', label: 'Free text' }
                    ]}
                  />
                </Group>
                {draft.noteFormat === 'soap' ? (
                  <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                    <Textarea label="Subjective" description="What the patient says" autosize minRows={3} value={draft.subjective} onChange={(e) => update({ subjective: e.currentTarget.value })} />
                    <Textarea label="Objective" description="Examination, findings" autosize minRows={3} value={draft.objective} onChange={(e) => update({ objective: e.currentTarget.value })} />
                    <Textarea label="Assessment" description="Your impression" autosize minRows={3} value={draft.assessment} onChange={(e) => update({ assessment: e.currentTarget.value })} />
                    <Textarea label="Plan" description="Tests, treatment, referral" autosize minRows={3} value={draft.plan} onChange={(e) => update({ plan: e.currentTarget.value })} />
                  </SimpleGrid>
                ) : (
                  <Textarea label="Note" autosize minRows={8} value={draft.freeText} onChange={(e) => update({ freeText: e.currentTarget.value })} />
                )}
              </Stack>
            </Paper>

            <Paper withBorder radius="md" p="md" component="section" aria-label="Diagnoses">
              <Group justify="space-between" mb="xs">
                <Title order={4}>Diagnoses</Title>
                <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => update({ diagnoses: [...draft.diagnoses, { text: '', code: '' }] })}>
                  Add diagnosis
                </Button>
              </Group>
              <Stack gap="xs">
                {draft.diagnoses.length === 0 && (
                  <Text size="sm" c="dimmed">
                    None yet.
                  </Text>
                )}
                {draft.diagnoses.map((d, i) => (
                  <Group key={i} gap="xs" align="flex-start" wrap="nowrap">
                    <TextInput
                      style={{ flex: 1 }}
                      aria-label={`Diagnosis ${i + 1}`}
                      placeholder="Acute pharyngitis"
                      value={d.text}
                      autoFocus={d.text === '' && i === draft.diagnoses.length - 1}
                      error={allErrors[`diagnoses.${i}.text`]}
                      onChange={(e) => update({ diagnoses: draft.diagnoses.map((x, j) => (j === i ? { ...x, text: e.currentTarget.value } : x)) })}
                    />
                    <TextInput w={110} aria-label={`Code ${i + 1}`} placeholder="ICD-10" value={d.code} onChange={(e) => update({ diagnoses: draft.diagnoses.map((x, j) => (j === i ? { ...x, code: e.currentTarget.value } : x)) })} />
                    <ActionIcon variant="subtle" color="red" mt={4} aria-label={`Remove diagnosis ${i + 1}`} onClick={() => update({ diagnoses: draft.diagnoses.filter((_, j) => j !== i) })}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Group>
                ))}
              </Stack>
            </Paper>
          </Stack>
        </Grid.Col>

        <Grid.Col span={{ base: 12, xl: 5 }}>
          <Stack gap="md">
            <PrescriptionEditor
              patientId={visit.patientId}
              items={draft.items.length ? draft.items : []}
              onChange={(items) => update({ items })}
              warnings={warnings}
              onConfirm={(w: AllergyWarning) => {
                setConfirmed((c) => [...c, key(w)])
                setState({ kind: 'dirty' })
              }}
              errors={allErrors}
            />
            <Paper withBorder radius="md" p="md" component="section" aria-label="Advice and follow-up">
              <Stack gap="sm">
                <Textarea label="Advice" autosize minRows={2} placeholder="Plenty of fluids, rest" value={draft.advice} onChange={(e) => update({ advice: e.currentTarget.value })} />
                <Group align="flex-end" gap="xs">
                  <DatePickerInput
                    label="Follow-up"
                    placeholder="No follow-up"
                    clearable
                    value={draft.followUpDate}
                    onChange={(v) => update({ followUpDate: v })}
                    minDate={addDays(today, 1)}
                    valueFormat="ddd D MMM YYYY"
                    error={allErrors.followUpDate}
                    w={200}
                    disabled={!!followUp && followUp.status !== 'cancelled'}
                  />
                  {[7, 14, 30].map((days) => (
                    <Button key={days} size="xs" variant="default" onClick={() => update({ followUpDate: addDays(today, days) })} disabled={!!followUp && followUp.status !== 'cancelled'}>
                      {days === 30 ? '1 month' : `${days / 7} week${days > 7 ? 's' : ''}`}
                    </Button>
                  ))}
                </Group>
                {followUp && followUp.status !== 'cancelled' ? (
                  <Alert color="teal" icon={<IconCalendarPlus size={18} />} p="xs">
                    Follow-up booked for {formatWhen(followUp.start, tz)}. The desk can move it from the calendar.
                  </Alert>
                ) : (
                  draft.followUpDate && (
                    <Group gap="xs">
                      <Button size="xs" leftSection={<IconCalendarPlus size={14} />} onClick={() => void bookFollowUp()} loading={busy === 'Book follow-up'}>
                        Book the first free time that day
                      </Button>
                      <Text size="xs" c="dimmed">
                        Not booked: where messages are set up, the patient is asked to call two days before.
                      </Text>
                    </Group>
                  )
                )}
              </Stack>
            </Paper>
            <RecordsPanel patientId={visit.patientId} visitId={visit.id} canOpen />
          </Stack>
        </Grid.Col>
      </Grid>

      <Modal opened={signing} onClose={() => setSigning(false)} title="Sign and complete this visit?">
        <Stack>
          <Text size="sm">
            Signing closes the note: it can no longer change. A correction later is added as an amendment beside it, with your name and the time. The patient&apos;s visit is marked completed in the queue and
            on the calendar.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setSigning(false)}>
              Not yet
            </Button>
            <Button color="teal" leftSection={<IconSignature size={16} />} onClick={() => void sign()} data-autofocus>
              Sign and complete
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal opened={asking !== null} onClose={() => setAsking(null)} title="Allergy warning" size="lg">
        <Stack>
          {(asking?.warnings.length ? asking.warnings : unconfirmed).map((w) => (
            <Alert key={key(w)} color="red" variant="filled" icon={<IconAlertTriangle size={18} />}>
              {w.drugName} matches the allergy “{w.allergy}” recorded for this patient.
            </Alert>
          ))}
          <Text size="sm">To go on, confirm that you prescribe it knowing this. Your confirmation is recorded with the prescription.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(null)} data-autofocus>
              Change the prescription
            </Button>
            <Button color="red" onClick={() => void confirmAll()}>
              Prescribe anyway
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  )
}

