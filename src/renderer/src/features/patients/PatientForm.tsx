import { Alert, Anchor, Badge, Button, Checkbox, Group, Input, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { getHotkeyHandler, useDebouncedCallback } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconChevronRight } from '@tabler/icons-react'
import { useEffect, useRef, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import { ApiError, type DuplicateMatch, type Gender, type Patient, type PatientFieldsInput } from '../../../../shared/api'
import { dobProblem, isEmail, readDob } from '../../../../shared/lib/patient-rules'
import { formatPhone, normalisePhone } from '../../../../shared/lib/phone'
import { useApi, useSession } from '../../api/context'
import { showError } from '../../lib/errors'
import { ageOf, dobToInput, FIELD_LABEL, formatDob, GENDER_LABEL, todayIn } from './format'

export interface PatientFormValues {
  name: string
  phone: string
  email: string
  dob: string
  previousNumber: string
  gender: Gender
  addressLine: string
  city: string
  state: string
  postalCode: string
  allergies: string
  medicalHistory: string
  chronicConditions: string
  notes: string
  preferredLanguage: 'en' | 'hi'
  emailOptOut: boolean
  smsOptOut: boolean
}

const GENDER_OPTIONS = (['female', 'male', 'other', 'unknown'] as const).map((g) => ({ value: g, label: GENDER_LABEL[g] }))

function valuesOf(patient: Patient | undefined, country: string | undefined, prefill: { name?: string; phone?: string }, timeZone?: string): PatientFormValues {
  return {
    name: patient?.name ?? prefill.name ?? '',
    phone: patient ? formatPhone(patient.phone) : (prefill.phone ?? ''),
    email: patient?.email ?? '',
    // A date worked out from an age is shown as the age, so it is not mistaken for a real date.
    dob: patient?.dateOfBirthEstimated ? ageOf(patient.dateOfBirth, timeZone).replace(/ (y|m|d)/g, '$1') : dobToInput(patient?.dateOfBirth ?? null),
    gender: patient?.gender ?? 'unknown',
    addressLine: patient?.addressLine ?? '',
    city: patient?.city ?? '',
    state: patient?.state ?? '',
    postalCode: patient?.postalCode ?? '',
    allergies: patient?.allergies ?? '',
    medicalHistory: patient?.medicalHistory ?? '',
    chronicConditions: patient?.chronicConditions ?? '',
    notes: patient?.notes ?? '',
    previousNumber: patient?.previousNumber ?? '',
    preferredLanguage: patient?.preferredLanguage ?? 'en',
    emailOptOut: patient?.emailOptOut ?? false,
    smsOptOut: patient?.smsOptOut ?? false
  }
}

/** Form field for an API field name ("dateOfBirth", or "fields.dateOfBirth" from a zod failure on update). */
const formKey = (apiField: string) => {
  const key = apiField.replace(/^fields\./, '')
  return key === 'dateOfBirth' ? 'dob' : key
}

/** The fields the API takes, from what was typed. */
function toApiFields(values: PatientFormValues, todayIso: string): Required<Omit<PatientFieldsInput, never>> {
  const dob = values.dob.trim() ? readDob(values.dob, todayIso) : null
  return {
    name: values.name.trim(),
    phone: values.phone.trim(),
    email: values.email.trim(),
    dateOfBirth: dob?.iso ?? null,
    dateOfBirthEstimated: dob?.estimated ?? false,
    gender: values.gender,
    addressLine: values.addressLine.trim(),
    city: values.city.trim(),
    state: values.state.trim(),
    postalCode: values.postalCode.trim(),
    allergies: values.allergies.trim(),
    medicalHistory: values.medicalHistory.trim(),
    chronicConditions: values.chronicConditions.trim(),
    notes: values.notes.trim(),
    previousNumber: values.previousNumber.trim(),
    preferredLanguage: values.preferredLanguage,
    emailOptOut: values.emailOptOut,
    smsOptOut: values.smsOptOut
  }
}

interface Props {
  /** Present when editing. */
  patient?: Patient
  prefill?: { name?: string; phone?: string }
  onCancel(): void
}

/** Registration and editing: one form, so both check the same things the same way. */
export function PatientForm({ patient, prefill = {}, onCancel }: Props) {
  const api = useApi()
  const navigate = useNavigate()
  const { settings } = useSession()
  const country = settings?.defaultCountry
  const timeZone = settings?.timeZone
  const editing = !!patient
  const [busy, setBusy] = useState(false)
  const [matches, setMatches] = useState<DuplicateMatch[]>([])
  const [conflict, setConflict] = useState<string | null>(null)
  const ticket = useRef(0)

  const form = useForm<PatientFormValues>({
    initialValues: valuesOf(patient, country, prefill, timeZone),
    validateInputOnBlur: true,
    validate: {
      name: (v) => (v.trim() ? null : 'Enter the patient’s name'),
      phone: (v) => {
        if (!v.trim() || !country) return null
        if (normalisePhone(v, country)) return null
        const where = new Intl.DisplayNames(['en'], { type: 'region' }).of(country) ?? country
        return `Not a valid phone number for ${where}; add the country code (e.g. +44) for a number from elsewhere`
      },
      email: (v) => (!v.trim() || isEmail(v) ? null : 'Enter a valid email address, like name@example.com'),
      dob: (v) => {
        if (!v.trim()) return null
        const dob = readDob(v, todayIn(timeZone))
        if (!dob) return 'Enter a real date as DD/MM/YYYY, or an age such as 45 or 6m'
        const problem = dobProblem(dob.iso, todayIn(timeZone))
        return problem ? `Date of birth ${problem}` : null
      }
    },
    onValuesChange: (values, previous) => {
      if (values.name !== previous.name || values.dob !== previous.dob || values.phone !== previous.phone || values.email !== previous.email) {
        setConflict(null)
        checkDuplicates(values)
      }
    }
  })

  const duplicateQuery = (values: PatientFormValues) => {
    const dob = readDob(values.dob, todayIn(timeZone))
    const dateOfBirth = dob?.iso ?? null
    const phoneDigits = values.phone.replace(/\D/g, '')
    const query = {
      name: values.name.trim(),
      phone: phoneDigits.length >= 7 ? values.phone.trim() : '',
      email: isEmail(values.email) ? values.email.trim() : '',
      dateOfBirth: values.name.trim() ? dateOfBirth : null,
      dateOfBirthEstimated: dob?.estimated ?? false,
      ...(patient ? { excludeId: patient.id } : {})
    }
    return query.phone || query.email || query.dateOfBirth ? query : null
  }

  const lookUp = (query: NonNullable<ReturnType<typeof duplicateQuery>>) => {
    const mine = ++ticket.current
    return api.call('patients.findDuplicates', query).then(
      (found) => {
        if (mine === ticket.current) setMatches(found)
        return found
      },
      () => [] as DuplicateMatch[] // a failed check must not block registering
    )
  }

  // Debounced: a check per pause in typing, not per keystroke.
  const checkDuplicates = useDebouncedCallback((values: PatientFormValues) => {
    const query = duplicateQuery(values)
    if (query) void lookUp(query)
    else {
      ++ticket.current
      setMatches([])
    }
  }, 300)

  // Arriving from the header search with a phone typed: check it straight away.
  const initialQuery = useRef(duplicateQuery(form.getValues()))
  useEffect(() => {
    if (initialQuery.current && !editing) void lookUp(initialQuery.current)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const save = async (values: PatientFormValues) => {
    setBusy(true)
    try {
      const fields = toApiFields(values, todayIn(timeZone))
      if (patient) {
        const initial = toApiFields(form.getInitialValues(), todayIn(timeZone))
        const changed = Object.fromEntries(Object.entries(fields).filter(([k, v]) => v !== initial[k as keyof typeof initial]))
        if (Object.keys(changed).length > 0) {
          // Only what this desk changed, so an edit made elsewhere meanwhile to another field survives.
          await api.call('patients.update', { id: patient.id, fields: changed })
          notifications.show({ color: 'teal', title: 'Saved', message: `${fields.name}: ${Object.keys(changed).map((k) => FIELD_LABEL[k] ?? k).join(', ')} updated` })
        }
        navigate(`/patients/${patient.id}`)
      } else {
        const { patient: created } = await api.call('patients.create', { ...fields, allowDuplicate: matches.length > 0 })
        notifications.show({ color: 'teal', title: `Registered ${created.number}`, message: `${created.name} is now patient ${created.number}` })
        navigate(`/patients/${created.id}`)
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONFLICT' && !patient) {
        // Someone registered a look-alike since the last check: show who, then "Save anyway".
        const query = duplicateQuery(values)
        const found = query ? await lookUp(query) : []
        setConflict(found.length ? null : error.message)
        if (!found.length) setMatches([])
      } else if (error instanceof ApiError && error.fields) {
        form.setErrors(Object.fromEntries(Object.entries(error.fields).map(([k, msg]) => [formKey(k), `${FIELD_LABEL[formKey(k) === 'dob' ? 'dateOfBirth' : formKey(k)] ?? 'This'} ${msg}`])))
      } else showError(error)
    } finally {
      setBusy(false)
    }
  }

  // The first field to fix gets the cursor, scrolled into view.
  const focusFirstError = (errors: Record<string, unknown>) => {
    const first = (['name', 'phone', 'dob', 'email'] as const).find((k) => errors[k])
    if (first) form.getInputNode(first)?.focus()
  }

  const dobRead = readDob(form.values.dob, todayIn(timeZone))
  const dobIso = dobRead?.iso ?? null
  const age = dobIso && dobIso <= todayIn(timeZone) ? ageOf(dobIso, timeZone) : ''
  const warn = matches.length > 0 || !!conflict

  return (
    <form onSubmit={(event) => form.onSubmit(save, focusFirstError)(event)} onKeyDown={(event) => getHotkeyHandler([['mod+Enter', () => form.onSubmit(save, focusFirstError)()]])(event)} aria-label={editing ? 'Edit patient' : 'Register patient'} noValidate>
      <Stack gap="md" maw={920}>
        <Paper withBorder p="md" radius="md">
          <Stack gap="sm">
            <Title order={5}>Patient</Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="xs">
              <TextInput label="Name" withAsterisk data-autofocus autoFocus autoComplete="off" {...form.getInputProps('name')} />
              <TextInput label="Phone" type="tel" autoComplete="off" placeholder={country === 'IN' ? '98765 43210' : undefined} {...form.getInputProps('phone')} />
              <TextInput
                label="Date of birth"
                placeholder="DD/MM/YYYY"
                inputMode="numeric"
                autoComplete="off"
                rightSection={age ? <Text size="xs" c="dimmed">{age}</Text> : null}
                rightSectionWidth={age.length > 4 ? 64 : 44}
                description={dobIso && !form.errors.dob ? (dobRead?.estimated ? `From the age: born about ${dobIso.slice(0, 4)}` : formatDob(dobIso)) : 'Day first (25/12/1985), or an age (45, 6m)'}
                {...form.getInputProps('dob')}
              />
              <TextInput label="Email" type="email" autoComplete="off" {...form.getInputProps('email')} />
              <TextInput label="Previous file no." description="From the clinic's old records or system, if any" autoComplete="off" {...form.getInputProps('previousNumber')} />
            </SimpleGrid>
            <Input.Wrapper label="Gender" id="patient-gender">
              <div>
                <SegmentedControl aria-labelledby="patient-gender-label" data={GENDER_OPTIONS} {...form.getInputProps('gender')} />
              </div>
            </Input.Wrapper>
            <Group gap="lg" align="flex-end">
              <Select
                label="Messages in"
                w={180}
                allowDeselect={false}
                data={[
                  { value: 'en', label: 'English' },
                  { value: 'hi', label: 'हिन्दी (Hindi)' }
                ]}
                {...form.getInputProps('preferredLanguage')}
              />
              <Checkbox label="No email reminders" {...form.getInputProps('emailOptOut', { type: 'checkbox' })} />
              <Checkbox label="No SMS reminders" {...form.getInputProps('smsOptOut', { type: 'checkbox' })} />
            </Group>
          </Stack>
        </Paper>

        {warn && <DuplicateWarning matches={matches} conflict={conflict} editing={editing} />}

        <Paper withBorder p="md" radius="md">
          <Stack gap="sm">
            <Title order={5}>Address</Title>
            <TextInput label="Address line" autoComplete="off" {...form.getInputProps('addressLine')} />
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <TextInput label="City" autoComplete="off" {...form.getInputProps('city')} />
              <TextInput label="State" autoComplete="off" {...form.getInputProps('state')} />
              <TextInput label="Postal code" autoComplete="off" {...form.getInputProps('postalCode')} />
            </SimpleGrid>
          </Stack>
        </Paper>

        <Paper withBorder p="md" radius="md">
          <Stack gap="sm">
            <Title order={5}>Clinical</Title>
            <Textarea label="Allergies" description="Drugs, foods, anything else; doctors see this in red" autosize minRows={2} {...form.getInputProps('allergies')} />
            <Textarea label="Medical history" autosize minRows={2} {...form.getInputProps('medicalHistory')} />
            <Textarea label="Chronic conditions" description="Diabetes, hypertension, asthma: shown at the top of the chart" autosize minRows={1} {...form.getInputProps('chronicConditions')} />
            <Textarea label="Notes" autosize minRows={2} {...form.getInputProps('notes')} />
          </Stack>
        </Paper>

        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            Ctrl+Enter saves
          </Text>
          <Group>
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} color={warn && !editing ? 'orange' : undefined}>
              {editing ? 'Save changes' : warn ? 'Save anyway' : 'Register patient'}
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  )
}

function DuplicateWarning({ matches, conflict, editing }: { matches: DuplicateMatch[]; conflict: string | null; editing: boolean }) {
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={matches.length === 1 ? 'This may be an existing patient' : 'These may be existing patients'} role="alert" data-testid="duplicate-warning">
      <Stack gap={6}>
        {conflict && <Text size="sm">{conflict}</Text>}
        {matches.map(({ patient: p, reasons }) => (
          <Group key={p.id} justify="space-between" wrap="nowrap" gap="sm">
            <div style={{ minWidth: 0 }}>
              <Group gap={6} wrap="nowrap">
                <Text size="sm" fw={600}>
                  {p.name}
                </Text>
                <Text size="xs" c="dimmed" ff="monospace">
                  {p.number}
                </Text>
                {p.archivedAt && (
                  <Badge size="xs" color="gray">
                    Archived
                  </Badge>
                )}
              </Group>
              <Text size="xs" c="dimmed">
                {[formatPhone(p.phone), p.dateOfBirth && (p.dateOfBirthEstimated ? `born about ${p.dateOfBirth.slice(0, 4)}` : formatDob(p.dateOfBirth)), p.email].filter(Boolean).join('  ·  ')}
              </Text>
            </div>
            <Group gap="xs" wrap="nowrap">
              <Text size="xs" c="orange.8">
                Same {reasons.join(', ')}
              </Text>
              <Anchor component={Link} to={`/patients/${p.id}`} size="sm" aria-label={`Open ${p.name} ${p.number}`} onClick={(e) => e.stopPropagation()}>
                <Group gap={2} wrap="nowrap">
                  Open <IconChevronRight size={13} />
                </Group>
              </Anchor>
            </Group>
          </Group>
        ))}
        {!editing && (
          <Text size="xs" c="dimmed">
            Open the record if it is the same person. If not, “Save anyway” registers a new patient.
          </Text>
        )}
      </Stack>
    </Alert>
  )
}
