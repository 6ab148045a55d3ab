import { DateTime } from 'luxon'
import { ApiError, CHANNELS, LANGUAGES, PLACEHOLDERS, TEMPLATE_KINDS, type Channel, type Language, type MessageTemplate, type TemplateKind } from '../../../shared/api'
import type { HandlerGroup } from '../context'
import type { ReadDb } from '../db/read-only'
import { requireSettings } from '../settings/settings'

/**
 * Message templates: DocSpot's own wording for every kind, language and channel, and the
 * clinic's edits of it (a row in message_templates; no row = DocSpot's). A template says
 * {{patientName}}, {{date}} and so on; rendering fills them in, HTML-escaped in the HTML body.
 */

/** What a template's placeholders are filled with: every text already formatted for the patient. */
export interface MessageContext {
  patientName: string
  doctorName: string
  /** The appointment's date and time in the clinic's time zone, written in the message's language. */
  date: string
  time: string
  clinicName: string
  clinicAddress: string
  clinicPhone: string
  typeName: string
  /** A verification code, for that kind only. */
  code?: string
}

export interface RenderedMessage {
  subject: string
  text: string
  html: string
}

type Placeholder = (typeof PLACEHOLDERS)[number]

// ---------------------------------------------------------------------------------------------
// DocSpot's own wording

/**
 * One kind's message in one language. The email is a greeting, the body paragraphs, then (for
 * appointments) the date, time, doctor and visit as a small table, or the verification code
 * set large, then the closing paragraphs and the clinic's signature. The SMS is one short text.
 */
interface Wording {
  subject: string
  lead: string[]
  show?: 'appointment' | 'code'
  close: string[]
  sms: string
}

interface Words {
  greeting: string
  date: string
  time: string
  doctor: string
  visit: string
  regards: string
  phone: string
  wordings: Record<TemplateKind, Wording>
}

const WORDS: Record<Language, Words> = {
  en: {
    greeting: 'Dear {{patientName}},',
    date: 'Date',
    time: 'Time',
    doctor: 'Doctor',
    visit: 'Visit',
    regards: 'Kind regards,',
    phone: 'Phone',
    wordings: {
      confirmation: {
        subject: 'Your appointment at {{clinicName}} is confirmed',
        lead: ['Your appointment with {{doctorName}} at {{clinicName}} is confirmed for {{date}} at {{time}}.'],
        show: 'appointment',
        close: ['If you cannot come, please call us on {{clinicPhone}} so that we can offer the time to another patient.', 'We look forward to seeing you.'],
        sms: '{{clinicName}}: Hello {{patientName}}, your appointment with {{doctorName}} is confirmed for {{date}} at {{time}}. To change it, call {{clinicPhone}}.'
      },
      reschedule: {
        subject: 'Your appointment at {{clinicName}} has a new time',
        lead: ['Your appointment with {{doctorName}} has been moved. Your new time is {{date}} at {{time}}.'],
        show: 'appointment',
        close: ['If the new time does not suit you, please call us on {{clinicPhone}} and we will find another.'],
        sms: '{{clinicName}}: Hello {{patientName}}, your appointment with {{doctorName}} has moved to {{date}} at {{time}}. Questions? Call {{clinicPhone}}.'
      },
      cancellation: {
        subject: 'Your appointment at {{clinicName}} has been cancelled',
        lead: ['Your appointment with {{doctorName}} on {{date}} at {{time}} has been cancelled.'],
        close: ['To book a new appointment, please call us on {{clinicPhone}}. We will be glad to find you another time.'],
        sms: '{{clinicName}}: Hello {{patientName}}, your appointment with {{doctorName}} on {{date}} at {{time}} has been cancelled. To rebook, call {{clinicPhone}}.'
      },
      reminder: {
        subject: 'Reminder: your appointment on {{date}} at {{time}}',
        lead: ['This is a reminder of your appointment with {{doctorName}} at {{clinicName}} on {{date}} at {{time}}.'],
        show: 'appointment',
        close: ['Please arrive a few minutes early. If you cannot come, please call us on {{clinicPhone}}.'],
        sms: '{{clinicName}}: Reminder for {{patientName}}: your appointment with {{doctorName}} is on {{date}} at {{time}}. Cannot come? Call {{clinicPhone}}.'
      },
      follow_up: {
        subject: 'Time to book your follow-up visit at {{clinicName}}',
        lead: ['Your follow-up visit with {{doctorName}} is now due.'],
        close: ['Please call us on {{clinicPhone}} to book a time that suits you.', 'We look forward to seeing you.'],
        sms: '{{clinicName}}: Hello {{patientName}}, your follow-up visit with {{doctorName}} is due. Please call {{clinicPhone}} to book a time.'
      },
      verification: {
        subject: 'Your verification code for {{clinicName}}',
        lead: ['Your code to verify this email address with {{clinicName}} is:'],
        show: 'code',
        close: ['The code expires in 30 minutes. If you did not ask for it, you can ignore this email.'],
        sms: '{{clinicName}}: your verification code is {{code}}. It expires in 30 minutes.'
      }
    }
  },
  hi: {
    greeting: 'नमस्ते {{patientName}},',
    date: 'तारीख़',
    time: 'समय',
    doctor: 'डॉक्टर',
    visit: 'अपॉइंटमेंट',
    regards: 'धन्यवाद,',
    phone: 'फ़ोन',
    wordings: {
      confirmation: {
        subject: '{{clinicName}} में आपका अपॉइंटमेंट तय हो गया है',
        lead: ['{{clinicName}} में {{doctorName}} के साथ आपका अपॉइंटमेंट {{date}} को {{time}} बजे तय हो गया है।'],
        show: 'appointment',
        close: ['अगर आप नहीं आ सकते, तो कृपया हमें {{clinicPhone}} पर फ़ोन करें, ताकि यह समय किसी और मरीज़ को दिया जा सके।', 'हम आपसे मिलने की प्रतीक्षा करेंगे।'],
        sms: '{{clinicName}}: नमस्ते {{patientName}}, {{doctorName}} के साथ आपका अपॉइंटमेंट {{date}} को {{time}} बजे तय हो गया है। बदलने के लिए {{clinicPhone}} पर फ़ोन करें।'
      },
      reschedule: {
        subject: '{{clinicName}} में आपके अपॉइंटमेंट का समय बदल गया है',
        lead: ['{{doctorName}} के साथ आपके अपॉइंटमेंट का समय बदल गया है। अब आपका अपॉइंटमेंट {{date}} को {{time}} बजे है।'],
        show: 'appointment',
        close: ['अगर नया समय आपके लिए ठीक नहीं है, तो कृपया हमें {{clinicPhone}} पर फ़ोन करें, हम दूसरा समय ढूँढ देंगे।'],
        sms: '{{clinicName}}: नमस्ते {{patientName}}, {{doctorName}} के साथ आपका अपॉइंटमेंट अब {{date}} को {{time}} बजे है। कोई सवाल हो तो {{clinicPhone}} पर फ़ोन करें।'
      },
      cancellation: {
        subject: '{{clinicName}} में आपका अपॉइंटमेंट रद्द कर दिया गया है',
        lead: ['{{date}} को {{time}} बजे {{doctorName}} के साथ आपका अपॉइंटमेंट रद्द कर दिया गया है।'],
        close: ['नया अपॉइंटमेंट लेने के लिए कृपया हमें {{clinicPhone}} पर फ़ोन करें। हमें आपके लिए दूसरा समय ढूँढकर ख़ुशी होगी।'],
        sms: '{{clinicName}}: नमस्ते {{patientName}}, {{date}} को {{time}} बजे {{doctorName}} के साथ आपका अपॉइंटमेंट रद्द कर दिया गया है। फिर से बुक करने के लिए {{clinicPhone}} पर फ़ोन करें।'
      },
      reminder: {
        subject: 'याद दिला दें: आपका अपॉइंटमेंट {{date}} को {{time}} बजे है',
        lead: ['याद दिला दें कि {{clinicName}} में {{doctorName}} के साथ आपका अपॉइंटमेंट {{date}} को {{time}} बजे है।'],
        show: 'appointment',
        close: ['कृपया कुछ मिनट पहले पहुँचें। अगर आप नहीं आ सकते, तो कृपया हमें {{clinicPhone}} पर फ़ोन करें।'],
        sms: '{{clinicName}}: नमस्ते {{patientName}}, याद दिला दें कि {{doctorName}} के साथ आपका अपॉइंटमेंट {{date}} को {{time}} बजे है। न आ सकें तो {{clinicPhone}} पर फ़ोन करें।'
      },
      follow_up: {
        subject: '{{clinicName}} में अपनी फ़ॉलो-अप जाँच का समय बुक करें',
        lead: ['{{doctorName}} के साथ आपकी फ़ॉलो-अप जाँच का समय हो गया है।'],
        close: ['अपनी सुविधा का समय बुक करने के लिए कृपया हमें {{clinicPhone}} पर फ़ोन करें।', 'हम आपसे मिलने की प्रतीक्षा करेंगे।'],
        sms: '{{clinicName}}: नमस्ते {{patientName}}, {{doctorName}} के साथ आपकी फ़ॉलो-अप जाँच का समय हो गया है। समय बुक करने के लिए {{clinicPhone}} पर फ़ोन करें।'
      },
      verification: {
        subject: '{{clinicName}} के लिए आपका सत्यापन कोड',
        lead: ['{{clinicName}} में अपना ईमेल पता सत्यापित करने के लिए आपका कोड है:'],
        show: 'code',
        close: ['यह कोड 30 मिनट में समाप्त हो जाएगा। अगर आपने यह कोड नहीं माँगा था, तो इस ईमेल को अनदेखा कर दें।'],
        sms: '{{clinicName}}: आपका सत्यापन कोड {{code}} है। यह 30 मिनट में समाप्त हो जाएगा।'
      }
    }
  }
}

const STYLE = {
  body: 'font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #222222;',
  label: 'padding: 2px 16px 2px 0; color: #666666;',
  code: 'font-size: 26px; font-weight: bold; letter-spacing: 4px;',
  signature: 'color: #555555;'
}

/** DocSpot's own template for one kind, language and channel. */
export function defaultTemplate(kind: TemplateKind, language: Language, channel: Channel): RenderedMessage {
  const words = WORDS[language]
  const w = words.wordings[kind]
  if (channel === 'sms') return { subject: '', text: w.sms, html: '' }

  const details: [string, string][] = [
    [words.date, '{{date}}'],
    [words.time, '{{time}}'],
    [words.doctor, '{{doctorName}}'],
    [words.visit, '{{typeName}}']
  ]
  const signature = [words.regards, '{{clinicName}}', '{{clinicAddress}}', `${words.phone}: {{clinicPhone}}`]

  const textShown = w.show === 'appointment' ? [details.map(([label, value]) => `${label}: ${value}`).join('\n')] : w.show === 'code' ? ['{{code}}'] : []
  const text = [words.greeting, ...w.lead, ...textShown, ...w.close, signature.join('\n')].join('\n\n')

  const p = (line: string, style = '') => `<p${style ? ` style="${style}"` : ''}>${escapeHtml(line)}</p>`
  const rows = details.map(([label, value]) => `<tr><td style="${STYLE.label}">${escapeHtml(label)}</td><td><strong>${value}</strong></td></tr>`)
  const htmlShown = w.show === 'appointment' ? [`<table style="border-collapse: collapse; margin: 8px 0 16px;">${rows.join('')}</table>`] : w.show === 'code' ? [p('{{code}}', STYLE.code)] : []
  const html = [
    `<div style="${STYLE.body}">`,
    p(words.greeting),
    ...w.lead.map((line) => p(line)),
    ...htmlShown,
    ...w.close.map((line) => p(line)),
    `<p style="${STYLE.signature}">${signature.map(escapeHtml).join('<br>')}</p>`,
    '</div>'
  ].join('\n')

  return { subject: w.subject, text, html }
}

// ---------------------------------------------------------------------------------------------
// Placeholders and rendering

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g
const isPlaceholder = (name: string): name is Placeholder => (PLACEHOLDERS as readonly string[]).includes(name)

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** The placeholders a template uses that are not PLACEHOLDERS. */
function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((name) => !isPlaceholder(name))
}

/** Refuses a template that uses a placeholder DocSpot cannot fill, naming the field and the placeholder. */
function checkPlaceholders(template: { subject: string; text: string; html: string }): void {
  const fields: Record<string, string> = {}
  for (const field of ['subject', 'text', 'html'] as const) {
    const unknown = [...new Set(unknownPlaceholders(template[field]))]
    if (unknown.length > 0) fields[field] = `${unknown.map((name) => `{{${name}}}`).join(', ')} ${unknown.length === 1 ? 'is not a placeholder' : 'are not placeholders'}; use ${PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ')}`
  }
  const [first] = Object.entries(fields)
  if (first) throw new ApiError('VALIDATION', `${first[0]}: ${first[1]}`, fields)
}

function fill(template: string, context: MessageContext, escape: (value: string) => string): string {
  // An unknown name is left as written (saved and previewed templates are checked for them first).
  return template.replace(PLACEHOLDER, (whole, name: string) => (isPlaceholder(name) ? escape(context[name] ?? '') : whole))
}

/** A template filled in: the subject on one line (it is a mail header); an email without its own HTML gets its text as HTML, line for line. */
function render(template: RenderedMessage, channel: Channel, context: MessageContext): RenderedMessage {
  const plain = (value: string) => value
  if (channel === 'sms') return { subject: '', text: fill(template.text, context, plain), html: '' }
  const html = template.html !== '' ? fill(template.html, context, escapeHtml) : textAsHtml(fill(template.text, context, plain))
  return { subject: fill(template.subject, context, plain).replace(/\s+/g, ' ').trim(), text: fill(template.text, context, plain), html }
}

function textAsHtml(text: string): string {
  const paragraphs = text.split(/\n\s*\n/).map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
  return `<div style="${STYLE.body}">\n${paragraphs.join('\n')}\n</div>`
}

const rowFor = (db: ReadDb, kind: TemplateKind, language: Language, channel: Channel) =>
  db.selectFrom('message_templates').select(['id', 'subject', 'text_body', 'html_body']).where('kind', '=', kind).where('language', '=', language).where('channel', '=', channel).executeTakeFirst()

/** The clinic's template for this kind, language and channel if it has saved one, else DocSpot's; filled in. */
export async function renderMessage(db: ReadDb, kind: TemplateKind, language: Language, channel: Channel, context: MessageContext): Promise<RenderedMessage> {
  const row = await rowFor(db, kind, language, channel)
  const template = row ? { subject: row.subject, text: row.text_body, html: row.html_body } : defaultTemplate(kind, language, channel)
  return render(template, channel, context)
}

// ---------------------------------------------------------------------------------------------
// The values

/** Luxon's locale per language. For 'hi' it gives Devanagari day and month names ("मंगलवार 11 मार्च 2025"); digits stay Latin, as phone numbers and codes are. */
const LOCALE: Record<Language, string> = { en: 'en-GB', hi: 'hi' }

/** An instant as the clinic's date and time, in the language: "Tuesday 11 March 2025" and "10:30". */
export function clinicDateTime(instant: string, timeZone: string, language: Language): { date: string; time: string } {
  const at = DateTime.fromISO(instant, { zone: 'utc' }).setZone(timeZone).reconfigure({ locale: LOCALE[language], numberingSystem: 'latn' })
  if (!at.isValid) throw new ApiError('INTERNAL', `Cannot show ${instant} in the time zone ${timeZone}: ${at.invalidExplanation ?? at.invalidReason}`)
  return { date: at.toFormat('cccc d LLLL yyyy'), time: at.toFormat('HH:mm') }
}

/** The address as one line, from the parts that are set. */
export function addressLine(address: { line: string; city: string; state: string; postalCode: string; country: string }): string {
  return [address.line, address.city, address.state, address.postalCode, address.country]
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(', ')
}

/** The placeholders' values for an appointment, formatted in the clinic's zone and the patient's language. */
export function appointmentContext(
  appointment: { start: string; doctorName: string; typeName: string; patient: { name: string } },
  clinic: { clinicName: string; clinicPhone: string; clinicAddress: { line: string; city: string; state: string; postalCode: string; country: string }; timeZone: string },
  language: Language
): MessageContext {
  return {
    patientName: appointment.patient.name,
    doctorName: appointment.doctorName,
    ...clinicDateTime(appointment.start, clinic.timeZone, language),
    clinicName: clinic.clinicName,
    clinicAddress: addressLine(clinic.clinicAddress),
    clinicPhone: clinic.clinicPhone,
    typeName: appointment.typeName
  }
}

// ---------------------------------------------------------------------------------------------
// Handlers

const isEmpty = (t: { subject: string; text: string; html: string }) => t.subject === '' && t.text === '' && t.html === ''
const sameAs = (a: RenderedMessage, b: RenderedMessage) => a.subject === b.subject && a.text === b.text && a.html === b.html

/**
 * What a clinic's template keeps of the input: an SMS has only its text. An email needs a subject
 * and a text (its HTML may be left empty: the text is sent as HTML then).
 */
function clinicTemplate(channel: Channel, input: { subject: string; text: string; html: string }): RenderedMessage {
  const template = channel === 'sms' ? { subject: '', text: input.text, html: '' } : { subject: input.subject, text: input.text, html: input.html }
  checkPlaceholders(template)
  const restore = 'leave every part empty to go back to DocSpot’s own'
  if (template.text === '') throw ApiError.field('text', `must not be empty (${restore})`)
  if (channel === 'email' && template.subject === '') throw ApiError.field('subject', `must not be empty (${restore})`)
  return template
}

/** A sample appointment for previews: tomorrow at 10:30 in the clinic, with the clinic's own details. */
async function sampleContext(db: ReadDb, now: Date, language: Language): Promise<MessageContext> {
  const settings = await requireSettings(db)
  const start = DateTime.fromJSDate(now).setZone(settings.timeZone).plus({ days: 1 }).set({ hour: 10, minute: 30, second: 0, millisecond: 0 })
  const appointment = { start: start.toUTC().toISO()!, doctorName: 'Dr. Meera Iyer', typeName: 'Consultation', patient: { name: 'Anita Desai' } }
  return { ...appointmentContext(appointment, settings, language), code: '123456' }
}

export const templateHandlers: HandlerGroup = {
  'messaging.templates': async (ctx) => {
    const rows = await ctx.db.selectFrom('message_templates').select(['kind', 'language', 'channel', 'subject', 'text_body', 'html_body']).execute()
    const saved = new Map(rows.map((r) => [`${r.kind} ${r.language} ${r.channel}`, r]))
    return TEMPLATE_KINDS.flatMap((kind) =>
      LANGUAGES.flatMap((language) =>
        CHANNELS.map((channel): MessageTemplate => {
          const row = saved.get(`${kind} ${language} ${channel}`)
          if (!row) return { kind, language, channel, ...defaultTemplate(kind, language, channel), isDefault: true }
          return { kind, language, channel, subject: row.subject, text: row.text_body, html: row.html_body, isDefault: false }
        })
      )
    )
  },

  'messaging.saveTemplate': async (ctx, input) => {
    const { kind, language, channel } = input
    const ours = defaultTemplate(kind, language, channel)
    const existing = await rowFor(ctx.db, kind, language, channel)
    // Empty, or DocSpot's own word for word: no row, so the template follows DocSpot's wording.
    const restore = channel === 'sms' ? input.text === '' : isEmpty(input)
    const template = restore ? ours : clinicTemplate(channel, input)
    if (restore || sameAs(template, ours)) {
      if (existing) await ctx.db.deleteFrom('message_templates').where('id', '=', existing.id).execute()
      return { kind, language, channel, ...ours, isDefault: true }
    }
    const values = { subject: template.subject, text_body: template.text, html_body: template.html, updated_at: ctx.now.toISOString() }
    if (existing) await ctx.db.updateTable('message_templates').set(values).where('id', '=', existing.id).execute()
    else await ctx.db.insertInto('message_templates').values({ id: ctx.newId(), kind, language, channel, ...values }).execute()
    return { kind, language, channel, ...template, isDefault: false }
  },

  'messaging.preview': async (ctx, input) => {
    // As it is being edited: empty shows DocSpot's own; a part left empty is shown empty; an unknown placeholder is refused as on saving.
    const { kind, language, channel } = input
    const template = (channel === 'sms' ? input.text === '' : isEmpty(input)) ? defaultTemplate(kind, language, channel) : input
    checkPlaceholders(template)
    return render(template, channel, await sampleContext(ctx.db, ctx.now, language))
  }
}
