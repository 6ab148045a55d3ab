import type { Page } from '@playwright/test'
import { expect, screenshot, signIn, STAFF, test, type HubProcess } from './fixtures'
import { bookSoon, seedMessagingClinic, type MessagingClinic } from './messages-helpers'
import { startMailServer, type MailServer } from './messages-mail'

test.describe.configure({ mode: 'serial' })

let mail: MailServer
let clinic: MessagingClinic

test.beforeAll(async () => {
  mail = await startMailServer()
})
test.afterAll(async () => {
  await mail?.close()
})

/** A full-page screenshot from the top (a scrolled page would draw the fixed header mid-page). */
async function shot(page: Page, name: string) {
  await page.evaluate('window.scrollTo(0, 0)')
  await screenshot(page, name)
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main navigation' })

async function openMessagingAdmin(page: Page) {
  await nav(page).getByRole('link', { name: 'Admin' }).click()
  await page.getByRole('tab', { name: 'Messages' }).click()
  await expect(page.getByRole('form', { name: 'Email (SMTP)' })).toBeVisible()
}

test('an admin sets up the mail server, sees its own answer to a test email, and sets the reminder times', async ({ page, hub }) => {
  clinic = await seedMessagingClinic(hub)
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(hub.url)
  await signIn(page, STAFF.admin)
  await openMessagingAdmin(page)

  // The hub claimed the sending when it started: it says so.
  await expect(page.getByTestId('sender-status')).toContainText('This DocSpot sends the clinic’s messages')
  await expect(page.getByTestId('sender-status')).not.toContainText('Send from here')

  const email = page.getByRole('form', { name: 'Email (SMTP)' })
  await expect(email.getByTestId('password-state')).toHaveText('Not set')
  // Switched on without a server: the field says what is missing.
  await email.getByLabel('Send email').check()
  await email.getByRole('button', { name: 'Save email settings' }).click()
  await expect(email.getByLabel('Mail server')).toHaveAttribute('aria-invalid', 'true')
  await expect(email).toContainText('Is required to send email')

  await email.getByLabel('Mail server').fill('127.0.0.1')
  await email.getByRole('combobox', { name: 'Security' }).click()
  await page.getByRole('option', { name: /None — not encrypted/ }).click()
  await email.getByLabel('Port').fill(String(mail.port))
  await email.getByLabel('User name').fill('appointments@sunrise.example')
  await email.getByLabel('Password', { exact: true }).fill('mailbox password')
  await email.getByLabel('From name').fill('Sunrise Family Clinic')
  await email.getByLabel('From address').fill('not an address')
  await email.getByRole('button', { name: 'Save email settings' }).click()
  await expect(email.getByLabel('From address')).toHaveAttribute('aria-invalid', 'true')
  await email.getByLabel('From address').fill('appointments@sunrise.example')
  await email.getByRole('button', { name: 'Save email settings' }).click()
  await expect(page.getByText('DocSpot sends the clinic’s email with these settings.')).toBeVisible()
  // The password is never shown again, only that it is set; empty keeps it.
  await expect(email.getByTestId('password-state')).toHaveText('Set')
  await expect(email.getByLabel('Password', { exact: true })).toHaveValue('')

  // The provider refuses the login: the admin reads the server's own words.
  mail.refuseLogins(true)
  const testEmail = email.getByRole('region', { name: 'Test email' })
  await expect(testEmail.getByLabel('Send a test email to')).toHaveValue(STAFF.admin.email)
  await testEmail.getByRole('button', { name: 'Send a test email' }).click()
  const result = email.getByTestId('test-email-result')
  await expect(result).toContainText('The mail server did not accept the test email')
  await expect(result).toContainText('refused the user name or password')
  await expect(result.getByTestId('server-answer')).toContainText('535')
  await expect(result.getByTestId('server-answer')).toContainText('the password for this mailbox was changed')

  mail.refuseLogins(false)
  await testEmail.getByLabel('Send a test email to').fill('owner@sunrise.example')
  await testEmail.getByRole('button', { name: 'Send a test email' }).click()
  await expect(result).toContainText('The mail server accepted the test email to owner@sunrise.example')
  await expect(result.getByTestId('server-answer')).toContainText('250')
  const testMail = await mail.waitFor('owner@sunrise.example')
  expect(testMail.subject).toBe('DocSpot test email from Sunrise Family Clinic')

  // Reminder times: 24 h and 2 h to begin with; one added and taken away again; too short is refused on the field.
  const reminders = page.getByRole('region', { name: 'Reminder times' })
  await expect(reminders.getByTestId('reminder-times')).toHaveText(/24 h before\s*2 h before/)
  await reminders.getByLabel('Reminder time before the appointment').fill('2')
  await reminders.getByRole('combobox', { name: 'Unit' }).click()
  await page.getByRole('option', { name: 'minutes' }).click()
  await reminders.getByRole('button', { name: 'Add reminder' }).click()
  await expect(reminders).toContainText('Reminder time must be at least 5 minutes')
  await reminders.getByLabel('Reminder time before the appointment').fill('30')
  await reminders.getByRole('button', { name: 'Add reminder' }).click()
  await expect(reminders.getByTestId('reminder-times')).toHaveText(/24 h before\s*2 h before\s*30 min before/)
  await expect(reminders).toContainText('Patients get a reminder 24 h, 2 h and 30 min before each appointment.')
  await shot(page, 'messages-01-admin-settings-1366')
  await page.setViewportSize({ width: 1920, height: 1080 })
  await shot(page, 'messages-02-admin-settings-1920')
  await reminders.getByRole('button', { name: 'Remove the reminder 30 min before' }).click()
  await expect(reminders.getByTestId('reminder-times')).toHaveText(/^24 h before\s*2 h before$/)
})

test('the admin edits a message’s wording with a live preview, in English and Hindi, and restores DocSpot’s own', async ({ page, hub }) => {
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(hub.url)
  await signIn(page, STAFF.admin)
  await openMessagingAdmin(page)
  await page.getByRole('tab', { name: 'Message wording' }).click()

  const editor = page.getByRole('region', { name: 'Edit the wording' })
  const preview = page.getByTestId('template-preview')
  const html = page.frameLocator('iframe[title="Email preview"]')
  await expect(preview.getByTestId('preview-subject')).toHaveText('Your appointment at Sunrise Family Clinic is confirmed')
  await expect(html.getByText('Dear Anita Desai,')).toBeVisible()
  await expect(html.getByText('Dr. Meera Iyer').first()).toBeVisible()
  await expect(preview.getByTestId('preview-text')).toContainText('If you cannot come, please call us on +91 80 4123 4567')
  await expect(editor.getByTestId('template-origin')).toHaveText('DocSpot’s wording')

  // Live: the preview follows the subject as it is typed; an unknown placeholder is named on its field.
  const subject = editor.getByLabel('Subject')
  await subject.fill('Booked: {{doctor}} on {{date}}')
  await expect(editor).toContainText('{{doctor}} is not a placeholder')
  await subject.fill('Booked with ')
  await editor.getByRole('button', { name: /^Insert \{\{doctorName\}\}/ }).click()
  await expect(subject).toHaveValue('Booked with {{doctorName}}')
  await subject.press('End')
  await subject.pressSequentially(' at {{time}}')
  await expect(preview.getByTestId('preview-subject')).toHaveText('Booked with Dr. Meera Iyer at 10:30')
  await editor.getByRole('button', { name: 'Save wording' }).click()
  await expect(editor.getByTestId('template-origin')).toHaveText('The clinic’s own wording')

  // Hindi: the reminder as a Hindi-reading patient gets it, by email and by SMS.
  await editor.getByRole('combobox', { name: 'Message' }).click()
  await page.getByRole('option', { name: 'Reminder' }).click()
  await editor.getByText('हिन्दी', { exact: true }).click()
  await expect(preview.getByTestId('preview-subject')).toContainText('याद दिला दें: आपका अपॉइंटमेंट')
  await expect(preview.getByTestId('preview-subject')).toContainText('10:30 बजे है')
  await expect(html.getByText('नमस्ते Anita Desai,')).toBeVisible()
  await shot(page, 'messages-03-template-hindi-1366')
  await page.setViewportSize({ width: 1920, height: 1080 })
  await shot(page, 'messages-04-template-hindi-1920')
  await editor.getByText('SMS', { exact: true }).click()
  await expect(preview.getByTestId('preview-text')).toContainText('Sunrise Family Clinic: नमस्ते Anita Desai')
  await expect(preview).toContainText('(Hindi letters: 70 characters each)')
  await shot(page, 'messages-05-template-hindi-sms-1920')

  // Back to the English confirmation: the clinic's wording is there; restoring brings DocSpot's back.
  await editor.getByText('English', { exact: true }).click()
  await editor.getByText('Email', { exact: true }).click()
  await editor.getByRole('combobox', { name: 'Message' }).click()
  await page.getByRole('option', { name: 'Booking confirmation' }).click()
  await expect(subject).toHaveValue('Booked with {{doctorName}} at {{time}}')
  await expect(html.getByText('Dear Anita Desai,')).toBeVisible()
  await page.setViewportSize({ width: 1366, height: 768 })
  await shot(page, 'messages-06-template-edited-1366')
  await editor.getByRole('button', { name: 'Restore DocSpot’s wording' }).click()
  await expect(editor.getByTestId('template-origin')).toHaveText('DocSpot’s wording')
  await expect(subject).toHaveValue('Your appointment at {{clinicName}} is confirmed')
  await expect(preview.getByTestId('preview-subject')).toHaveText('Your appointment at Sunrise Family Clinic is confirmed')
})

test('the desk books: the confirmation goes within seconds with a calendar invitation, and shows as Sent on Messages', async ({ page, hub }) => {
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(hub.url)
  await signIn(page, STAFF.receptionist)
  await nav(page).getByRole('link', { name: 'Messages' }).click()
  await expect(page.getByRole('heading', { name: 'Messages', exact: true })).toBeVisible()

  const booked = await bookSoon(hub, clinic, clinic.anita.id)
  const confirmation = await mail.waitFor('anita.desai@example.in', { subject: /confirmed/, ms: 10_000 })
  expect(confirmation.subject).toBe('Your appointment at Sunrise Family Clinic is confirmed')
  expect(confirmation.text).toContain('Dear Anita Desai,')
  expect(confirmation.calendar, 'the confirmation carries an .ics invitation').not.toBeNull()
  const ics = confirmation.calendar!.content.toString('utf8')
  expect(ics).toContain('BEGIN:VEVENT')
  expect(ics).toContain(`appointment-${booked.id}@docspot`)
  expect(ics).toMatch(/METHOD:REQUEST/)

  // The screen follows by itself: the confirmation Sent, the two reminders Pending for later.
  const rows = page.getByTestId('message-row')
  const confirmationRow = rows.filter({ hasText: 'Booking confirmation' }).filter({ hasText: 'Anita Desai' })
  await expect(confirmationRow.getByTestId('message-status')).toHaveText('Sent')
  await expect(confirmationRow).toContainText('anita.desai@example.in')
  await expect(confirmationRow).toContainText('Accepted by the mail server at')
  await expect(rows.filter({ hasText: 'Reminder' }).filter({ hasText: 'Anita Desai' })).toHaveCount(2)
  await expect(rows.filter({ hasText: 'Reminder' }).first().getByTestId('message-status')).toHaveText('Pending')
})

test('a mail server that refuses: the desk is told within a second, sees the server’s words, and Resend delivers once it accepts again', async ({ page, hub }) => {
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(hub.url)
  await signIn(page, STAFF.receptionist)
  await expect(page.getByRole('heading', { name: 'Reception' })).toBeVisible()
  await expect(page.getByTestId('failed-messages-alert')).toHaveCount(0)

  // The clinic's mailbox password was changed at the provider: every send is refused with 535.
  mail.refuseLogins(true)
  await bookSoon(hub, clinic, clinic.ramesh.id)
  await waitForFailures(hub, clinic.deskToken, 1)
  // Within a second of the failure being recorded, wherever the desk is.
  const notice = page.locator('.mantine-Notification-root').filter({ hasText: 'A message failed to send' })
  await expect(notice).toBeVisible({ timeout: 1_000 })
  await expect(notice).toContainText('Booking confirmation to Ramesh Kumar')
  await expect(notice).toContainText('The mail server refused the user name or password.')
  await expect(page.getByTestId('failed-messages-alert')).toContainText('1 message failed today')
  await expect(nav(page).getByTestId('nav-failed-count')).toHaveText('1')
  await shot(page, 'messages-07-reception-failure-1366')

  await notice.getByRole('button', { name: 'Open Messages' }).click()
  await expect(page.getByRole('heading', { name: 'Messages', exact: true })).toBeVisible()
  await expect(page.getByRole('radio', { name: 'Failed' })).toBeChecked()
  const failed = page.getByTestId('message-row').filter({ hasText: 'Ramesh Kumar' })
  await expect(failed).toHaveCount(1)
  await expect(failed.getByTestId('message-status')).toHaveText('Failed')
  await expect(failed).toContainText('The mail server refused the user name or password.')
  await expect(failed.getByTestId('server-words')).toContainText('535')
  await expect(failed.getByTestId('server-words')).toContainText('the password for this mailbox was changed')

  // All of today and ahead: Anita's Sent, Ramesh's Failed, reminders Pending.
  await page.getByText('Upcoming', { exact: true }).click()
  await expect(page.getByTestId('message-row').filter({ hasText: 'Anita Desai' }).filter({ hasText: 'Booking confirmation' }).getByTestId('message-status')).toHaveText('Sent')
  await expect(page.getByTestId('message-row').filter({ hasText: 'Ramesh Kumar' }).filter({ hasText: 'Booking confirmation' }).getByTestId('message-status')).toHaveText('Failed')
  await shot(page, 'messages-08-delivery-1366')
  await page.setViewportSize({ width: 1920, height: 1080 })
  await shot(page, 'messages-09-delivery-1920')

  // The mailbox works again: Resend delivers, in Ramesh's language, and the row turns Sent.
  mail.refuseLogins(false)
  const row = page.getByTestId('message-row').filter({ hasText: 'Ramesh Kumar' }).filter({ hasText: 'Booking confirmation' })
  await row.getByRole('button', { name: /^Resend/ }).click()
  const resent = await mail.waitFor('ramesh.kumar@example.in', { ms: 10_000 })
  expect(resent.subject).toBe('Sunrise Family Clinic में आपका अपॉइंटमेंट तय हो गया है')
  expect(resent.calendar).not.toBeNull()
  await expect(row.getByTestId('message-status')).toHaveText('Sent')
  await expect(nav(page).getByTestId('nav-failed-count')).toHaveCount(0)
  await nav(page).getByRole('link', { name: 'Reception' }).click()
  await expect(page.getByRole('heading', { name: 'Reception' })).toBeVisible()
  await expect(page.getByTestId('failed-messages-alert')).toHaveCount(0)
})

test('the desk verifies a patient’s email with the code mailed to it', async ({ page, hub }) => {
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(`${hub.url}/#/patients/${clinic.farhan.id}`)
  await signIn(page, STAFF.receptionist)
  await expect(page.getByRole('heading', { name: 'Farhan Sheikh' })).toBeVisible()
  await expect(page.getByTestId('email-not-verified')).toBeVisible()
  await shot(page, 'messages-10-patient-email-not-verified-1366')
  await page.getByRole('button', { name: 'Send code' }).click()
  const dialog = page.getByRole('dialog', { name: 'Verify the email address' })
  await expect(dialog).toContainText('farhan@example.in')
  const codeMail = await mail.waitFor('farhan@example.in', { subject: /verification code/ })
  const code = codeMail.text.match(/is:\s*(\d{6})\b/)![1]

  const wrong = code === '000000' ? '111111' : '000000'
  await dialog.getByLabel('Code from the email').fill(wrong)
  await dialog.getByRole('button', { name: 'Verify' }).click()
  await expect(dialog.getByLabel('Code from the email')).toHaveAttribute('aria-invalid', 'true')
  await expect(dialog).toContainText('The code is not the code that was sent (4 tries left)')
  await shot(page, 'messages-11-verify-email-code-1366')
  await dialog.getByLabel('Code from the email').fill(code)
  await dialog.getByRole('button', { name: 'Verify' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('email-verified')).toHaveText('verified')
  await shot(page, 'messages-12-patient-email-verified-1366')
})

async function waitForFailures(hub: HubProcess, token: string, today: number): Promise<void> {
  await expect
    .poll(async () => (await hub.call<{ today: number }>('outbox.failures', {}, token)).today, { timeout: 15_000, intervals: [100] })
    .toBeGreaterThanOrEqual(today)
}
