import { afterEach, describe, expect, it } from 'vitest'
import { CHANNELS, LANGUAGES, PLACEHOLDERS, TEMPLATE_KINDS, type MessageTemplate, type Settings } from '../../../shared/api'
import { addStaff, CLINIC, call, callError, openTestCore, setUpClinic, type TestCore } from '../testing'
import { appointmentContext, renderMessage, type MessageContext } from './templates'

// The test clinic is in Europe/London; the clock starts Monday 10 March 2025, 09:00.

let open: TestCore[] = []
afterEach(async () => {
  for (const t of open) await t.close()
  open = []
})

async function clinic() {
  const t = await openTestCore()
  open.push(t)
  const token = await setUpClinic(t.core)
  const templates = () => call<MessageTemplate[]>(t.core, 'messaging.templates', {}, token)
  const find = async (kind: string, language: string, channel: string) => (await templates()).find((m) => m.kind === kind && m.language === language && m.channel === channel)!
  const rows = () => t.core.services.db.selectFrom('message_templates').selectAll().execute()
  return { t, token, templates, find, rows, db: t.core.services.readDb }
}

const edit = (change: Record<string, string> = {}) => ({ kind: 'confirmation', language: 'en', channel: 'email', subject: '', text: '', html: '', ...change })

const APPOINTMENT = { start: '2025-03-11T10:30:00.000Z', doctorName: 'Dr. Meera Iyer', typeName: 'Consultation', patient: { name: 'Anita Desai' } }
const context = (change: Partial<MessageContext> = {}): MessageContext => ({ ...appointmentContext(APPOINTMENT, CLINIC, 'en'), ...change })
const placeholdersIn = (template: string) => [...template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[1])
const DEVANAGARI = /[\u0900-\u097f]/

describe('message templates', () => {
  it('has DocSpot’s own template for every kind, language and channel, using only known placeholders', async () => {
    const { templates } = await clinic()
    const all = await templates()
    expect(all).toHaveLength(TEMPLATE_KINDS.length * LANGUAGES.length * CHANNELS.length)
    for (const kind of TEMPLATE_KINDS)
      for (const language of LANGUAGES)
        for (const channel of CHANNELS) {
          const m = all.find((x) => x.kind === kind && x.language === language && x.channel === channel)
          expect(m, `${kind} ${language} ${channel}`).toBeDefined()
          expect(m!.isDefault).toBe(true)
          expect(m!.text).not.toBe('')
          if (channel === 'email') {
            expect(m!.subject).not.toBe('')
            expect(m!.html).toMatch(/^<div[^>]*>[\s\S]*<\/div>$/)
          } else {
            expect(m).toMatchObject({ subject: '', html: '' })
            expect(m!.text.length).toBeLessThanOrEqual(200)
          }
          if (language === 'hi') expect(m!.text).toMatch(DEVANAGARI)
          for (const name of placeholdersIn(m!.subject + m!.text + m!.html)) expect(PLACEHOLDERS).toContain(name)
        }
    const text = (kind: string, language = 'en', channel = 'email') => all.find((m) => m.kind === kind && m.language === language && m.channel === channel)!.text
    expect(text('verification')).toMatch(/\{\{code\}\}[\s\S]*30 minutes/)
    expect(text('verification', 'hi', 'sms')).toMatch(/\{\{code\}\}.*30 मिनट/)
    expect(text('cancellation')).toMatch(/cancelled[\s\S]*\{\{clinicPhone\}\}/)
    expect(text('reschedule', 'en', 'sms')).toMatch(/\{\{date\}\} at \{\{time\}\}/)
    expect(text('confirmation', 'hi', 'sms')).toContain('{{doctorName}} के साथ आपका अपॉइंटमेंट {{date}} को {{time}} बजे तय हो गया है।')
  })

  it('fills the placeholders, escaping the values in HTML only', async () => {
    const { db } = await clinic()
    const filled = await renderMessage(db, 'confirmation', 'en', 'email', context())
    expect(filled.subject).toBe('Your appointment at Sunrise Family Clinic is confirmed')
    expect(filled.text).toContain('Dear Anita Desai,')
    expect(filled.text).toContain('with Dr. Meera Iyer at Sunrise Family Clinic is confirmed for Tuesday 11 March 2025 at 10:30.')
    expect(filled.text).toContain('12 High Street, Leeds, West Yorkshire, LS1 4AB, United Kingdom')
    expect(filled.html).toContain('<strong>Tuesday 11 March 2025</strong>')
    for (const part of [filled.subject, filled.text, filled.html]) expect(part).not.toContain('{{')

    const evil = await renderMessage(db, 'reminder', 'en', 'email', context({ patientName: '<script>alert("x")</script> & Co' }))
    expect(evil.html).toContain('Dear &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co,')
    expect(evil.html).not.toContain('<script>')
    expect(evil.text).toContain('Dear <script>alert("x")</script> & Co,')

    const sms = await renderMessage(db, 'verification', 'hi', 'sms', context({ code: '482913' }))
    expect(sms).toEqual({ subject: '', text: 'Sunrise Family Clinic: आपका सत्यापन कोड 482913 है। यह 30 मिनट में समाप्त हो जाएगा।', html: '' })
  })

  it('writes the date in Hindi with Devanagari day and month names', () => {
    const hindi = appointmentContext(APPOINTMENT, CLINIC, 'hi')
    expect(hindi).toMatchObject({ date: 'मंगलवार 11 मार्च 2025', time: '10:30', patientName: 'Anita Desai', clinicPhone: CLINIC.clinicPhone })
    expect(appointmentContext(APPOINTMENT, CLINIC, 'en')).toMatchObject({ date: 'Tuesday 11 March 2025', time: '10:30' })
  })

  it('gives the time in the clinic’s zone, across the clock change', async () => {
    const { t, token, db } = await clinic()
    const appointment = { ...APPOINTMENT, start: '2025-03-30T09:00:00.000Z' }
    // London went onto summer time at 01:00 that morning.
    const london = await call<Settings>(t.core, 'settings.get', {}, token)
    expect(appointmentContext(appointment, london, 'en')).toMatchObject({ date: 'Sunday 30 March 2025', time: '10:00' })
    expect(appointmentContext({ ...appointment, start: '2025-03-29T09:00:00.000Z' }, london, 'en')).toMatchObject({ date: 'Saturday 29 March 2025', time: '09:00' })
    const kolkata = await call<Settings>(t.core, 'settings.update', { timeZone: 'Asia/Kolkata' }, token)
    const there = appointmentContext(appointment, kolkata, 'hi')
    expect(there).toMatchObject({ date: 'रविवार 30 मार्च 2025', time: '14:30' })
    expect((await renderMessage(db, 'reminder', 'hi', 'sms', there)).text).toContain('रविवार 30 मार्च 2025 को 14:30 बजे है')
  })

  it('saves a clinic’s own template, lists it as not DocSpot’s, and renders it', async () => {
    const { t, token, find, rows, db } = await clinic()
    const saved = await call<MessageTemplate>(
      t.core,
      'messaging.saveTemplate',
      edit({ subject: 'See you {{ date }}, {{patientName}}', text: 'Hello {{patientName}}, see you at {{time}}.', html: '<p>Hello <b>{{patientName}}</b></p>' }),
      token
    )
    expect(saved).toMatchObject({ kind: 'confirmation', language: 'en', channel: 'email', isDefault: false, text: 'Hello {{patientName}}, see you at {{time}}.' })
    expect(await find('confirmation', 'en', 'email')).toEqual(saved)
    expect((await find('confirmation', 'hi', 'email')).isDefault).toBe(true)
    expect(await renderMessage(db, 'confirmation', 'en', 'email', context({ patientName: 'Ravi & Sons' }))).toEqual({
      subject: 'See you Tuesday 11 March 2025, Ravi & Sons',
      text: 'Hello Ravi & Sons, see you at 10:30.',
      html: '<p>Hello <b>Ravi &amp; Sons</b></p>'
    })

    // Saving again changes the one row; an SMS keeps only its text.
    await call(t.core, 'messaging.saveTemplate', edit({ subject: 'Booked', text: 'Booked for {{date}}.' }), token)
    const sms = await call<MessageTemplate>(t.core, 'messaging.saveTemplate', edit({ channel: 'sms', subject: 'ignored', text: '{{clinicName}}: booked {{time}}', html: '<b>ignored</b>' }), token)
    expect(sms).toMatchObject({ subject: '', html: '', text: '{{clinicName}}: booked {{time}}', isDefault: false })
    expect((await rows()).map((r) => [r.channel, r.subject, r.text_body, r.html_body]).sort()).toEqual([
      ['email', 'Booked', 'Booked for {{date}}.', ''],
      ['sms', '', '{{clinicName}}: booked {{time}}', '']
    ])
    // An email saved without HTML sends its text as HTML.
    expect((await renderMessage(db, 'confirmation', 'en', 'email', context())).html).toContain('<p>Booked for Tuesday 11 March 2025.</p>')
  })

  it('refuses a placeholder it cannot fill, naming the field and the placeholder', async () => {
    const { t, token, rows } = await clinic()
    const inText = await callError(t.core, 'messaging.saveTemplate', edit({ subject: 'Hi', text: 'Dear {{patientname}}, see you {{date}}' }), token)
    expect(inText.code).toBe('VALIDATION')
    expect(inText.message).toMatch(/^text: \{\{patientname\}\} is not a placeholder/)
    expect(Object.keys(inText.fields!)).toEqual(['text'])
    expect(inText.fields!.text).toContain('{{patientName}}')

    const inHtml = await callError(t.core, 'messaging.saveTemplate', edit({ subject: 'Hi {{ward}}', text: 'Hi', html: '<p>{{room}} {{ room }}</p>' }), token)
    expect(inHtml.fields).toMatchObject({ subject: expect.stringMatching(/^\{\{ward\}\} is not/), html: expect.stringMatching(/^\{\{room\}\} is not/) })

    const inPreview = await callError(t.core, 'messaging.preview', edit({ channel: 'sms', text: 'Code {{otp}}' }), token)
    expect(inPreview.fields).toEqual({ text: expect.stringContaining('{{otp}}') })

    const noSubject = await callError(t.core, 'messaging.saveTemplate', edit({ text: 'Hello' }), token)
    expect(noSubject.fields).toEqual({ subject: expect.stringContaining('must not be empty') })
    expect(await rows()).toEqual([])
  })

  it('goes back to DocSpot’s own when saved empty, or saved as DocSpot’s own word for word', async () => {
    const { t, token, find, rows } = await clinic()
    const ours = await find('reminder', 'hi', 'email')
    await call(t.core, 'messaging.saveTemplate', edit({ kind: 'reminder', language: 'hi', subject: 'याद दिला दें', text: 'नमस्ते {{patientName}}' }), token)
    expect((await find('reminder', 'hi', 'email')).isDefault).toBe(false)
    const restored = await call<MessageTemplate>(t.core, 'messaging.saveTemplate', edit({ kind: 'reminder', language: 'hi' }), token)
    expect(restored).toEqual(ours)
    expect(await find('reminder', 'hi', 'email')).toEqual(ours)
    expect(await rows()).toEqual([])

    const unchanged = await call<MessageTemplate>(t.core, 'messaging.saveTemplate', edit({ kind: 'reminder', language: 'hi', subject: ours.subject, text: ours.text, html: ours.html }), token)
    expect(unchanged.isDefault).toBe(true)
    expect(await rows()).toEqual([])
  })

  it('previews an unsaved template with a sample appointment tomorrow at 10:30, for the desk; only an admin saves', async () => {
    const { t, token, rows } = await clinic()
    const { token: desk } = await addStaff(t.core, token, 'receptionist')
    const preview = await call<{ subject: string; text: string; html: string }>(
      t.core,
      'messaging.preview',
      edit({ kind: 'verification', subject: 'Code for {{patientName}}', text: '{{clinicName}}, {{clinicAddress}}, {{clinicPhone}}: {{date}} {{time}} with {{doctorName}}. Code {{code}}.', html: '<i>{{patientName}}</i>' }),
      desk
    )
    expect(preview).toEqual({
      subject: 'Code for Anita Desai',
      text: 'Sunrise Family Clinic, 12 High Street, Leeds, West Yorkshire, LS1 4AB, United Kingdom, +44 113 496 0100: Tuesday 11 March 2025 10:30 with Dr. Meera Iyer. Code 123456.',
      html: '<i>Anita Desai</i>'
    })
    // Empty previews DocSpot's own, in the language asked for.
    const hindi = await call<{ subject: string; text: string; html: string }>(t.core, 'messaging.preview', edit({ language: 'hi' }), desk)
    expect(hindi.text).toContain('नमस्ते Anita Desai,')
    expect(hindi.text).toContain('Sunrise Family Clinic में Dr. Meera Iyer के साथ आपका अपॉइंटमेंट मंगलवार 11 मार्च 2025 को 10:30 बजे तय हो गया है।')

    expect((await call<MessageTemplate[]>(t.core, 'messaging.templates', {}, desk)).length).toBe(24)
    const refused = await callError(t.core, 'messaging.saveTemplate', edit({ subject: 'Hi', text: 'Hi' }), desk)
    expect(refused.code).toBe('FORBIDDEN')
    expect(await rows()).toEqual([])
  })
})
