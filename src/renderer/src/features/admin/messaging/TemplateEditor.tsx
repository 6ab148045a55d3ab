import { Alert, Badge, Box, Button, Grid, Group, Loader, Paper, SegmentedControl, Select, Stack, Text, Textarea, TextInput, Title, Tooltip, UnstyledButton } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconArrowBackUp, IconDeviceFloppy } from '@tabler/icons-react'
import { useEffect, useRef, useState } from 'react'
import {
  ApiError,
  MESSAGE_KIND_LABEL,
  PLACEHOLDERS,
  TEMPLATE_KINDS,
  type Channel,
  type InputOf,
  type Language,
  type MessageTemplate,
  type TemplateKind
} from '../../../../../shared/api'
import { useApi } from '../../../api/context'
import { useApiQuery, useCan } from '../../../api/queries'
import { capitalise, showError } from '../../../lib/errors'

type Part = 'subject' | 'text' | 'html'
type Wording = Record<Part, string>

const PLACEHOLDER_HELP: Record<(typeof PLACEHOLDERS)[number], string> = {
  patientName: 'The patient’s name',
  doctorName: 'The doctor’s name',
  date: 'The appointment’s date, in the patient’s language',
  time: 'The appointment’s time (clinic time)',
  clinicName: 'The clinic’s name',
  clinicAddress: 'The clinic’s address, on one line',
  clinicPhone: 'The clinic’s phone number',
  typeName: 'The kind of visit (e.g. Consultation)',
  code: 'The 6-digit code (verification messages only)'
}

const LANGUAGE_OPTIONS: Array<{ value: Language; label: string }> = [
  { value: 'en', label: 'English' },
  { value: 'hi', label: 'हिन्दी' }
]
const CHANNEL_OPTIONS: Array<{ value: Channel; label: string }> = [
  { value: 'email', label: 'Email' },
  { value: 'sms', label: 'SMS' }
]

/** The placeholders a kind of message can fill: a verification code has no appointment, an appointment no code. */
const placeholdersFor = (kind: TemplateKind) =>
  PLACEHOLDERS.filter((name) => (kind === 'verification' ? !['doctorName', 'date', 'time', 'typeName'].includes(name) : name !== 'code'))

const keyOf = (kind: TemplateKind, language: Language, channel: Channel) => `${kind} ${language} ${channel}`
const same = (a: Wording, b: Wording) => a.subject === b.subject && a.text === b.text && a.html === b.html
const wordingOf = (t: MessageTemplate): Wording => ({ subject: t.subject, text: t.text, html: t.html })

/**
 * The wording of every message patients get, per kind, language and channel, with a live
 * preview filled in from a sample appointment. Unsaved edits are kept per template while the
 * admin looks at another.
 */
export function TemplateEditor() {
  const api = useApi()
  const can = useCan()
  const canSave = can('messaging.saveTemplate')
  const templates = useApiQuery('messaging.templates', {}, { shows: ['message_templates'] })
  const [kind, setKind] = useState<TemplateKind>('confirmation')
  const [language, setLanguage] = useState<Language>('en')
  const [channel, setChannel] = useState<Channel>('email')
  const [drafts, setDrafts] = useState<Record<string, Wording>>({})
  const [errors, setErrors] = useState<Partial<Record<Part, string>>>({})
  const [busy, setBusy] = useState<'save' | 'restore' | null>(null)
  const [focused, setFocused] = useState<Part>('text')
  const subjectRef = useRef<HTMLInputElement>(null)
  const textRef = useRef<HTMLTextAreaElement>(null)
  const htmlRef = useRef<HTMLTextAreaElement>(null)

  const key = keyOf(kind, language, channel)
  const saved = templates.data?.find((t) => t.kind === kind && t.language === language && t.channel === channel)
  const savedWording = saved ? wordingOf(saved) : null
  const wording = drafts[key] ?? savedWording
  const dirty = wording !== null && savedWording !== null && !same(wording, savedWording)
  const unsaved = Object.entries(drafts).filter(([k, d]) => {
    const t = templates.data?.find((x) => keyOf(x.kind, x.language, x.channel) === k)
    return t && !same(d, wordingOf(t))
  }).length

  const edit = (part: Part, value: string) => {
    if (!wording) return
    setDrafts((all) => ({ ...all, [key]: { ...wording, [part]: value } }))
    setErrors((e) => ({ ...e, [part]: undefined }))
  }

  const insert = (name: string) => {
    const part = channel === 'sms' ? 'text' : focused
    const el = part === 'subject' ? subjectRef.current : part === 'text' ? textRef.current : htmlRef.current
    if (!wording || !el) return
    const token = `{{${name}}}`
    const at = el.selectionStart ?? wording[part].length
    const end = el.selectionEnd ?? at
    edit(part, wording[part].slice(0, at) + token + wording[part].slice(end))
    requestAnimationFrame(() => {
      el.focus()
      el.setSelectionRange(at + token.length, at + token.length)
    })
  }

  const select = (next: { kind?: TemplateKind; language?: Language; channel?: Channel }) => {
    setErrors({})
    if (next.kind) setKind(next.kind)
    if (next.language) setLanguage(next.language)
    if (next.channel) {
      setChannel(next.channel)
      if (next.channel === 'sms') setFocused('text')
    }
  }

  const done = (template: MessageTemplate, title: string) => {
    setDrafts((all) => {
      const { [key]: _done, ...rest } = all
      return rest
    })
    notifications.show({ color: 'teal', title, message: `${MESSAGE_KIND_LABEL[kind]}, ${LANGUAGE_OPTIONS.find((l) => l.value === language)!.label}, ${channel === 'email' ? 'email' : 'SMS'}${template.isDefault ? ' — DocSpot’s wording' : ''}` })
  }

  const save = async () => {
    if (!wording) return
    setBusy('save')
    try {
      done(await api.call('messaging.saveTemplate', { kind, language, channel, ...wording }), 'Wording saved')
    } catch (error) {
      if (error instanceof ApiError && error.fields) setErrors(Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, capitalise(v)])))
      else showError(error)
    } finally {
      setBusy(null)
    }
  }

  const restore = async () => {
    setBusy('restore')
    try {
      setErrors({})
      done(await api.call('messaging.saveTemplate', { kind, language, channel, subject: '', text: '', html: '' }), 'DocSpot’s wording restored')
    } catch (error) {
      showError(error, undefined, 'Not restored')
    } finally {
      setBusy(null)
    }
  }

  if (templates.error)
    return (
      <Alert color="red" title="Could not load the message wording">
        {templates.error.message}
      </Alert>
    )
  if (!wording || !saved) return <Loader size="sm" aria-label="Loading the message wording" />

  const email = channel === 'email'
  return (
    <Grid gap="md" align="flex-start">
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Paper withBorder p="lg" radius="md" component="section" aria-label="Edit the wording">
          <Stack gap="sm">
            <Group gap="sm" align="flex-end" wrap="wrap">
              <Select
                label="Message"
                allowDeselect={false}
                data={TEMPLATE_KINDS.map((k) => ({ value: k, label: MESSAGE_KIND_LABEL[k] }))}
                value={kind}
                onChange={(v) => v && select({ kind: v as TemplateKind })}
                w={230}
              />
              <SegmentedControl aria-label="Language" data={LANGUAGE_OPTIONS} value={language} onChange={(v) => select({ language: v as Language })} />
              <SegmentedControl aria-label="Channel" data={CHANNEL_OPTIONS} value={channel} onChange={(v) => select({ channel: v as Channel })} />
            </Group>
            <Group gap="xs">
              {saved.isDefault ? (
                <Badge variant="light" color="gray" data-testid="template-origin">
                  DocSpot’s wording
                </Badge>
              ) : (
                <Badge variant="light" color="blue" data-testid="template-origin">
                  The clinic’s own wording
                </Badge>
              )}
              {dirty && (
                <Badge variant="light" color="orange">
                  Not saved
                </Badge>
              )}
              {unsaved > (dirty ? 1 : 0) && (
                <Text size="xs" c="dimmed">
                  {unsaved - (dirty ? 1 : 0)} other template{unsaved - (dirty ? 1 : 0) === 1 ? '' : 's'} changed and not saved
                </Text>
              )}
            </Group>
            {email && (
              <TextInput
                ref={subjectRef}
                label="Subject"
                value={wording.subject}
                error={errors.subject}
                readOnly={!canSave}
                onFocus={() => setFocused('subject')}
                onChange={(e) => edit('subject', e.currentTarget.value)}
              />
            )}
            <Textarea
              ref={textRef}
              label={email ? 'Text' : 'SMS text'}
              description={email ? 'For email apps that do not show HTML, and the base of the HTML if that is left empty' : 'Keep it short: every 160 characters (70 in Hindi) is another SMS'}
              autosize
              minRows={email ? 6 : 4}
              maxRows={14}
              value={wording.text}
              error={errors.text}
              readOnly={!canSave}
              onFocus={() => setFocused('text')}
              onChange={(e) => edit('text', e.currentTarget.value)}
            />
            {email && (
              <Textarea
                ref={htmlRef}
                label="HTML"
                description="What most email apps show. Edit it as well as the text, or empty it to send the text as simple HTML."
                autosize
                minRows={5}
                maxRows={12}
                value={wording.html}
                error={errors.html}
                readOnly={!canSave}
                onFocus={() => setFocused('html')}
                onChange={(e) => edit('html', e.currentTarget.value)}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
              />
            )}
            <Box component="section" aria-label="Placeholders">
              <Text size="sm" fw={500}>
                Placeholders
              </Text>
              <Text size="xs" c="dimmed" mb={6}>
                Filled in for each patient. Click one to put it where the cursor is{email ? ` (in the ${focused === 'html' ? 'HTML' : focused})` : ''}.
              </Text>
              <Group gap={6}>
                {placeholdersFor(kind).map((name) => (
                  <Tooltip key={name} label={PLACEHOLDER_HELP[name]} withinPortal>
                    <UnstyledButton
                      onMouseDown={(e) => e.preventDefault()}
                      onClick={() => insert(name)}
                      disabled={!canSave}
                      aria-label={`Insert {{${name}}}: ${PLACEHOLDER_HELP[name]}`}
                      style={{ borderRadius: 4 }}
                    >
                      <Badge variant="default" tt="none" ff="monospace" fw={500} style={{ cursor: 'pointer' }}>
                        {`{{${name}}}`}
                      </Badge>
                    </UnstyledButton>
                  </Tooltip>
                ))}
              </Group>
            </Box>
            {canSave && (
              <Group justify="space-between" mt="xs">
                <Button variant="subtle" color="gray" leftSection={<IconArrowBackUp size={16} />} loading={busy === 'restore'} disabled={saved.isDefault && !dirty} onClick={() => void restore()}>
                  Restore DocSpot’s wording
                </Button>
                <Group gap="xs">
                  <Button
                    variant="default"
                    disabled={!dirty}
                    onClick={() => {
                      setErrors({})
                      setDrafts(({ [key]: _dropped, ...rest }) => rest)
                    }}
                  >
                    Discard changes
                  </Button>
                  <Button leftSection={<IconDeviceFloppy size={16} />} loading={busy === 'save'} disabled={!dirty} onClick={() => void save()}>
                    Save wording
                  </Button>
                </Group>
              </Group>
            )}
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Preview kind={kind} language={language} channel={channel} wording={wording} onErrors={setErrors} />
      </Grid.Col>
    </Grid>
  )
}

type Rendered = { subject: string; text: string; html: string }

/** The template as a patient would get it, filled from a sample appointment; follows the edits a moment after typing stops. */
function Preview({ kind, language, channel, wording, onErrors }: { kind: TemplateKind; language: Language; channel: Channel; wording: Wording; onErrors(errors: Partial<Record<Part, string>>): void }) {
  const api = useApi()
  const [input] = useDebouncedValue(JSON.stringify({ kind, language, channel, ...wording }), 300)
  const [shown, setShown] = useState<{ input: string; rendered: Rendered } | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    api.call('messaging.preview', JSON.parse(input) as InputOf<'messaging.preview'>).then(
      (rendered) => {
        if (!current) return
        setShown({ input, rendered })
        setProblem(null)
      },
      (error: unknown) => {
        if (!current) return
        if (error instanceof ApiError && error.fields) {
          onErrors(Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, capitalise(v)])))
          setProblem('The preview shows the last version DocSpot could fill in: correct the placeholder marked in red.')
        } else setProblem((error as Error).message)
      }
    )
    return () => {
      current = false
    }
    // onErrors is the editor's state setter: stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, input])

  const rendered = shown?.rendered
  const sms = channel === 'sms'
  const parts = rendered ? smsParts(rendered.text) : null
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-label="Preview" data-testid="template-preview">
      <Stack gap="sm">
        <div>
          <Title order={4}>Preview</Title>
          <Text size="xs" c="dimmed">
            As the patient gets it, for a sample appointment tomorrow at 10:30 with the clinic’s own name, address and phone.
          </Text>
        </div>
        {problem && (
          <Alert color="orange" variant="light" p="xs">
            <Text size="sm">{problem}</Text>
          </Alert>
        )}
        {!rendered ? (
          <Loader size="sm" aria-label="Loading the preview" />
        ) : sms ? (
          <>
            <Box
              data-testid="preview-text"
              p="sm"
              maw={360}
              style={{ whiteSpace: 'pre-wrap', borderRadius: 16, background: 'var(--mantine-color-gray-1)', color: 'var(--mantine-color-black)', fontSize: 15, lineHeight: 1.45 }}
            >
              {rendered.text}
            </Box>
            {parts && (
              <Text size="xs" c={parts.count > 2 ? 'orange.8' : 'dimmed'}>
                {parts.length} characters · {parts.count} SMS{parts.unicode ? ' (Hindi letters: 70 characters each)' : ''}
              </Text>
            )}
          </>
        ) : (
          <>
            <Group gap="xs" wrap="nowrap" align="baseline">
              <Text size="sm" c="dimmed" w={60} style={{ flexShrink: 0 }}>
                Subject
              </Text>
              <Text size="sm" fw={600} data-testid="preview-subject">
                {rendered.subject}
              </Text>
            </Group>
            <iframe
              title="Email preview"
              sandbox=""
              srcDoc={`<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:16px;background:#ffffff">${rendered.html}</body></html>`}
              style={{ width: '100%', height: 460, border: '1px solid var(--mantine-color-default-border)', borderRadius: 8, background: '#ffffff' }}
            />
            <Text size="sm" c="dimmed">
              Plain text, for email apps that do not show HTML
            </Text>
            <Box
              component="pre"
              data-testid="preview-text"
              m={0}
              p="sm"
              fz="sm"
              mah={220}
              style={{ whiteSpace: 'pre-wrap', overflowY: 'auto', fontFamily: 'inherit', background: 'var(--mantine-color-default-hover)', borderRadius: 8 }}
            >
              {rendered.text}
            </Box>
          </>
        )}
      </Stack>
    </Paper>
  )
}

/** How many SMS a text takes: GSM letters fit 160 (153 when split), anything else (Hindi) 70 (67). */
function smsParts(text: string): { length: number; count: number; unicode: boolean } {
  // eslint-disable-next-line no-control-regex
  const unicode = /[^\x00-\x7F£¥èéùìòÇØøÅå_ÆæßÉ¡ÄÖÑÜ§¿äöñüà€]/.test(text)
  const length = [...text].length
  const [single, multi] = unicode ? [70, 67] : [160, 153]
  return { length, count: length <= single ? 1 : Math.ceil(length / multi), unicode }
}
