import { Alert, Button, Group, Input, Modal, Rating, SegmentedControl, Select, Stack, Text, Textarea } from '@mantine/core'
import { useForm } from '@mantine/form'
import { getHotkeyHandler, useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconMessageStar } from '@tabler/icons-react'
import { useId, useState } from 'react'
import { ApiError, FEEDBACK_TYPE_NAMES, type Feedback } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { useApiQuery, useCan } from '../../api/queries'
import { capitalise, showError } from '../../lib/errors'
import { RATING_WORDS, ratingLabel } from './format'

type FeedbackType = Feedback['type']

/** The clinic as a whole, not one doctor: a Select needs a value for it. */
const CLINIC = 'clinic'

interface Values {
  type: FeedbackType
  /** 0 until the desk picks one. */
  rating: number
  doctor: string
  comment: string
}

const TYPE_OPTIONS: Array<{ value: FeedbackType; label: string }> = [
  { value: 'good', label: FEEDBACK_TYPE_NAMES.good },
  { value: 'suggestion', label: FEEDBACK_TYPE_NAMES.suggestion },
  { value: 'complaint', label: FEEDBACK_TYPE_NAMES.complaint }
]

/** What the core's field names are called on this form, for its messages ("Comment is required…"). */
const FIELD_LABELS: Record<string, string> = { rating: 'Rating', comment: 'Comment', doctorId: 'Doctor', type: 'Type' }
const FORM_FIELD: Record<string, keyof Values> = { rating: 'rating', comment: 'comment', doctorId: 'doctor', type: 'type' }

export interface RecordFeedbackProps {
  patientId: string
  patientName: string
  /** The visit the feedback is about: its doctor is taken unless another is chosen. */
  visitId?: string | null
  doctorId?: string | null
}

/** "Record feedback": the desk notes what a patient said about the clinic or a doctor. Shown only to those who may (admins, receptionists). */
export function RecordFeedbackButton(props: RecordFeedbackProps) {
  const [opened, { open, close }] = useDisclosure(false)
  const can = useCan()
  if (!can('feedback.record')) return null
  return (
    <>
      <Button variant="default" leftSection={<IconMessageStar size={16} />} onClick={open}>
        Record feedback
      </Button>
      {/* Mounted only while open: each opening starts from a clean form. */}
      {opened && <RecordFeedbackModal {...props} onClose={close} />}
    </>
  )
}

function RecordFeedbackModal({ patientId, patientName, visitId = null, doctorId = null, onClose }: RecordFeedbackProps & { onClose(): void }) {
  const api = useApi()
  const [busy, setBusy] = useState(false)
  const [formError, setFormError] = useState<string | null>(null)
  const ids = useId()
  const doctors = useApiQuery('doctors.list', { includeInactive: true }, { shows: ['doctors'] })

  const form = useForm<Values>({
    initialValues: { type: 'good', rating: 0, doctor: doctorId ?? CLINIC, comment: '' },
    validate: {
      rating: (v) => (v >= 1 && v <= 5 ? null : 'Choose a rating from 1 (very poor) to 5 (excellent)'),
      comment: (v, values) => (values.type === 'complaint' && v.trim().length < 3 ? 'Comment is required for a complaint: write what went wrong' : null)
    }
  })
  const complaint = form.values.type === 'complaint'
  const rate = (value: number) => {
    if (value < 1 || value > 5) return
    form.setFieldValue('rating', value)
    form.clearFieldError('rating')
  }

  const doctorOptions = [
    // With a visit, "no doctor chosen" means the visit's own doctor: the core takes it from the visit.
    { value: CLINIC, label: visitId && !doctorId ? 'The doctor of this visit' : 'The clinic in general' },
    ...(doctors.data ?? []).filter((d) => d.active || d.id === doctorId).map((d) => ({ value: d.id, label: d.specialization ? `${d.name} (${d.specialization})` : d.name }))
  ]

  const save = async (values: Values) => {
    setBusy(true)
    setFormError(null)
    try {
      await api.call('feedback.record', {
        patientId,
        visitId,
        doctorId: values.doctor === CLINIC ? null : values.doctor,
        type: values.type,
        rating: values.rating,
        comment: values.comment.trim()
      })
      notifications.show({ color: 'teal', title: 'Feedback recorded', message: `${FEEDBACK_TYPE_NAMES[values.type]} from ${patientName}, rated ${ratingLabel(values.rating)}` })
      onClose()
    } catch (error) {
      if (error instanceof ApiError && error.fields) {
        const onForm: Record<string, string> = {}
        const elsewhere: string[] = []
        for (const [key, message] of Object.entries(error.fields)) {
          if (FORM_FIELD[key]) onForm[FORM_FIELD[key]] = `${FIELD_LABELS[key]} ${message}`
          else elsewhere.push(capitalise(`${key === 'visitId' ? 'the visit' : key === 'patientId' ? 'the patient' : key} ${message}`))
        }
        form.setErrors(onForm)
        if (elsewhere.length) setFormError(elsewhere.join('. '))
      } else showError(error)
    } finally {
      setBusy(false)
    }
  }
  const submit = form.onSubmit(save)

  return (
    <Modal opened onClose={() => !busy && onClose()} title={`Feedback from ${patientName}`} size="lg">
      <form
        aria-label="Record feedback"
        noValidate
        onSubmit={submit}
        onKeyDown={(event) => getHotkeyHandler([['mod+Enter', () => submit()]])(event)}
      >
        <Stack gap="md">
          <Input.Wrapper label="Type" labelProps={{ id: `${ids}-type` }}>
            <SegmentedControl
              fullWidth
              aria-labelledby={`${ids}-type`}
              data={TYPE_OPTIONS}
              color={form.values.type === 'complaint' ? 'red' : form.values.type === 'good' ? 'teal' : 'blue'}
              {...form.getInputProps('type')}
              onChange={(value) => {
                form.setFieldValue('type', value as FeedbackType)
                // A comment error for a complaint no longer applies to praise.
                if (value !== 'complaint') form.clearFieldError('comment')
              }}
            />
          </Input.Wrapper>

          <Input.Wrapper label="Rating" withAsterisk labelProps={{ id: `${ids}-rating` }} error={form.errors.rating}>
            <Group gap="md" mt={4} align="center">
              {/* Mantine's arrow keys only preview a star until Space or Enter; here they choose it, as in any radio group. */}
              <div
                onChange={(event) => rate(Number((event.target as HTMLInputElement).value))}
              >
                <Rating
                  role="radiogroup"
                  aria-labelledby={`${ids}-rating`}
                  aria-invalid={!!form.errors.rating}
                  aria-required
                  size="lg"
                  value={form.values.rating}
                  onChange={rate}
                  getSymbolLabel={ratingLabel}
                />
              </div>
              <Text size="sm" fw={500} c={form.values.rating ? undefined : 'dimmed'} aria-live="polite" data-testid="rating-words">
                {form.values.rating ? `${form.values.rating} – ${RATING_WORDS[form.values.rating]}` : 'Not rated yet'}
              </Text>
            </Group>
          </Input.Wrapper>

          <Select
            label="Doctor"
            description="Who the feedback is about"
            allowDeselect={false}
            searchable
            data={doctorOptions}
            nothingFoundMessage="No doctor by that name"
            {...form.getInputProps('doctor')}
          />

          <Textarea
            label={complaint ? 'Comment (required for a complaint)' : 'Comment'}
            description={complaint ? 'What went wrong, in the patient’s words' : 'Optional: what the patient said'}
            withAsterisk={complaint}
            autosize
            minRows={3}
            maxRows={8}
            maxLength={2000}
            {...form.getInputProps('comment')}
          />

          {formError && (
            <Alert color="red" title="Not saved">
              {formError}
            </Alert>
          )}

          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              Ctrl+Enter saves
            </Text>
            <Group gap="sm">
              <Button variant="default" onClick={onClose} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Save feedback
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
