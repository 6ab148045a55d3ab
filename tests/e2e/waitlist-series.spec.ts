import { mkdirSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import { ist, kolkataDate, seedSchedule } from './calendar-helpers'
import { expect, seedClinic, signIn, STAFF, test } from './fixtures'

test.describe.configure({ mode: 'serial' })

// Tomorrow in the clinic's zone: always in the future, whatever time the suite runs.
const today = kolkataDate(0)
const day = kolkataDate(1)
/** The clinic date n weeks after `day` (IST has no daylight saving: 7 days are 7 × 24 h). */
const weeksLater = (n: number) => kolkataDate(1 + 7 * n)

interface Appointment {
  id: string
  start: string
  status: string
  seriesId: string | null
  patient: { name: string }
}

let token = ''
let seeded: Awaited<ReturnType<typeof seedSchedule>>
const patientId = (name: string) => seeded.patients.find((p) => p.name === name)!.id
const doctorId = (name: string) => seeded.doctors.find((d) => d.name === name)!.id

test.beforeAll(async ({ hub }) => {
  ;({ adminToken: token } = await seedClinic(hub))
  seeded = await seedSchedule(hub, token, day, { doctors: 2, book: false })
})

const column = (page: Page, doctor: string) => page.getByTestId(`column-${doctor}`)

// A screen that throws leaves a blank page behind a passing click: every test fails on one.
let pageErrors: string[] = []
test.beforeEach(({ page }) => {
  pageErrors = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
})
test.afterEach(() => expect(pageErrors).toEqual([]))

/**
 * The screen as the desk sees it, at both sizes its PCs come in, under test-results/screens/:
 * the viewport (a drawer or a dialog covers only that), once the passing notifications are gone,
 * with `focus` scrolled into view.
 */
async function screens(page: Page, name: string, focus?: Locator) {
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0, { timeout: 10_000 })
  mkdirSync('test-results/screens', { recursive: true })
  for (const [width, height] of [
    [1366, 768],
    [1920, 1080]
  ]) {
    await page.setViewportSize({ width, height })
    if (focus) await focus.scrollIntoViewIfNeeded()
    await page.screenshot({ path: `test-results/screens/${name}-${width}.png`, animations: 'disabled' })
  }
  await page.setViewportSize({ width: 1366, height: 768 })
}

test('the waitlist explains itself when empty; the desk adds a patient, with field errors on the fields', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/waitlist`)
  await signIn(page, STAFF.receptionist)
  await expect(page.getByRole('heading', { name: 'Nobody is waiting' })).toBeVisible()
  await expect(page.getByText('The waitlist is for patients who want an earlier slot')).toBeVisible()

  await page.getByRole('button', { name: 'Add to waitlist' }).click()
  const dialog = page.getByRole('dialog', { name: 'Add to waitlist' })
  // The patient field has the focus; Enter with nothing chosen names the missing fields on them.
  await expect(dialog.getByRole('combobox', { name: 'Patient', exact: true })).toBeFocused()
  await dialog.getByLabel('Note').fill('Can come at short notice')
  await dialog.getByLabel('Note').press('Enter')
  await expect(dialog.getByText('Choose the patient')).toBeVisible()
  await expect(dialog.getByText('Choose the type of appointment')).toBeVisible()
  await screens(page, 'waitlist-00-add-form-errors')

  await dialog.getByRole('combobox', { name: 'Patient', exact: true }).fill('Anita')
  await page.getByRole('option', { name: /Anita Desai/ }).click()
  await dialog.getByRole('combobox', { name: 'Doctor' }).click()
  await page.getByRole('option', { name: 'Dr. Meera Iyer' }).click()
  await dialog.getByRole('combobox', { name: 'Type' }).click()
  await page.getByRole('option', { name: /Consultation/ }).click()
  await dialog.getByRole('combobox', { name: 'Time of day' }).click()
  await page.getByRole('option', { name: /Morning/ }).click()
  await dialog.getByLabel('Note').press('Enter')
  await expect(dialog).toBeHidden()

  // A second patient, added at another desk a moment later, waits behind her for any doctor.
  await hub.call('waitlist.add', { patientId: patientId('Ramesh Kumar'), doctorId: null, typeId: seeded.consult.id, fromDate: today, toDate: kolkataDate(7), note: 'Any doctor will do' }, token)
  const rows = page.getByTestId('waitlist-row')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(0)).toContainText('Anita Desai')
  await expect(rows.nth(0)).toContainText('Dr. Meera Iyer')
  await expect(rows.nth(0)).toContainText('Morning')
  await expect(rows.nth(0)).toContainText('Can come at short notice')
  await expect(rows.nth(1)).toContainText('Ramesh Kumar')
  await expect(rows.nth(1)).toContainText('Any doctor')
  await screens(page, 'waitlist-01-page')

  // Adding the same wish twice is refused in words.
  await page.getByRole('button', { name: 'Add to waitlist' }).click()
  await dialog.getByRole('combobox', { name: 'Patient', exact: true }).fill('Ramesh')
  await page.getByRole('option', { name: /Ramesh Kumar/ }).click()
  await dialog.getByRole('combobox', { name: 'Type' }).click()
  await page.getByRole('option', { name: /Consultation/ }).click()
  await dialog.getByRole('button', { name: 'Add to waitlist' }).click()
  await expect(dialog.getByRole('alert')).toContainText('is already waiting for Consultation with any doctor')
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(rows).toHaveCount(2)
})

test('a doctor sees the waitlist read-only', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/waitlist`)
  await signIn(page, STAFF.doctor)
  await expect(page.getByTestId('waitlist-row')).toHaveCount(2)
  await expect(page.getByRole('button', { name: 'Add to waitlist' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: /^Remove/ })).toHaveCount(0)
})

test('a cancelled appointment frees a slot that fits the waitlist: one click books the first in line', async ({ page, hub }) => {
  await hub.call('appointments.book', { patientId: patientId('Sita Iyer'), doctorId: doctorId('Dr. Meera Iyer'), typeId: seeded.consult.id, start: ist(day, '10:30'), reason: 'Fever' }, token)
  await page.goto(`${hub.url}/#/calendar?date=${day}`)
  await signIn(page, STAFF.receptionist)
  const meera = column(page, 'Dr. Meera Iyer')
  await meera.getByRole('button', { name: /Sita Iyer/ }).click()
  const drawer = page.getByRole('dialog', { name: 'Appointment' })
  await drawer.getByRole('button', { name: 'Cancel appointment…' }).click()
  await drawer.getByLabel('Reason for cancelling').fill('Feeling better')
  await drawer.getByLabel('Reason for cancelling').press('Enter')
  await expect(drawer).toBeHidden()

  const fits = page.getByRole('dialog', { name: /freed slot fits/ })
  await expect(fits).toContainText('The freed 10:30 slot with Dr. Meera Iyer fits 2 on the waitlist')
  const table = fits.getByRole('table')
  await expect(table.getByRole('row').nth(1)).toContainText('Anita Desai')
  await expect(table.getByRole('row').nth(2)).toContainText('Ramesh Kumar')
  await screens(page, 'waitlist-02-fits-dialog')

  await fits.getByRole('button', { name: 'Book Anita Desai at 10:30' }).click()
  await expect(fits.getByRole('status')).toContainText('Booked Anita Desai into the freed 10:30 slot with Dr. Meera Iyer')
  await fits.getByRole('button', { name: 'Done' }).click()
  await expect(fits).toBeHidden()
  await expect(meera.getByRole('button', { name: /Anita Desai/ })).toBeVisible()

  await page.getByRole('link', { name: 'Waitlist' }).click()
  await expect(page.getByTestId('waitlist-row')).toHaveCount(1)
  await expect(page.getByTestId('waitlist-row')).toContainText('Ramesh Kumar')
  await page.locator('label').filter({ hasText: /^Booked$/ }).click()
  await expect(page.getByTestId('waitlist-row')).toContainText('Anita Desai')
})

test('no good slot in the booking drawer: the patient goes on the waitlist from there', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/calendar?date=${day}`)
  await signIn(page, STAFF.receptionist)
  await page.getByRole('button', { name: 'Book Dr. Meera Iyer at 16:00' }).click()
  const drawer = page.getByRole('dialog', { name: 'Book with Dr. Meera Iyer' })
  await drawer.getByRole('combobox', { name: 'Patient', exact: true }).fill('Zoya')
  await page.getByRole('option', { name: /Zoya Khan/ }).click()
  await drawer.getByRole('button', { name: 'No good slot? Put on the waitlist' }).click()
  const form = drawer.getByRole('form', { name: 'Add to waitlist' })
  // What was chosen comes along; the dates are next to set, so they have the focus.
  await expect(form.getByRole('combobox', { name: 'Patient', exact: true })).toHaveValue(/Zoya Khan/)
  await expect(form.getByRole('combobox', { name: 'Doctor' })).toHaveValue('Dr. Meera Iyer')
  await expect(form.getByRole('combobox', { name: 'Type' })).toHaveValue(/Consultation/)
  await expect(form.getByRole('button', { name: 'From' })).toBeFocused()
  await form.getByLabel('Note').fill('Wants an evening after work')
  await form.getByLabel('Note').press('Enter')
  await expect(drawer).toBeHidden()
  await page.getByRole('link', { name: 'Waitlist' }).click()
  await expect(page.getByTestId('waitlist-row').filter({ hasText: 'Zoya Khan' })).toContainText('Dr. Meera Iyer')
})

test('a weekly series of 6: one date clashes, an alternative is picked, and all 6 are booked', async ({ page, hub }) => {
  // Somebody already has Dr. Rao at 11:00 on the third week.
  await hub.call('appointments.book', { patientId: patientId('Joseph Thomas'), doctorId: doctorId('Dr. Arjun Rao'), typeId: seeded.consult.id, start: ist(weeksLater(2), '11:00') }, token)
  await page.goto(`${hub.url}/#/calendar?date=${day}`)
  await signIn(page, STAFF.receptionist)
  await page.getByRole('button', { name: 'Book Dr. Arjun Rao at 11:00' }).click()
  const drawer = page.getByRole('dialog', { name: 'Book with Dr. Arjun Rao' })
  await drawer.getByRole('combobox', { name: 'Patient', exact: true }).fill('Kavya')
  await page.getByRole('option', { name: /Kavya Reddy/ }).click()
  await drawer.getByLabel('Reason or symptoms').fill('Physiotherapy review')
  await drawer.getByRole('switch', { name: 'Repeat' }).check()
  await expect(drawer.getByLabel('Number of appointments')).toHaveValue('6')
  await drawer.getByRole('button', { name: 'Check dates' }).click()

  const dates = drawer.getByTestId('series-occurrence')
  await expect(dates).toHaveCount(6)
  const clash = dates.nth(2)
  await expect(clash).toContainText('Dr. Arjun Rao already has')
  await expect(clash).toContainText('Joseph Thomas')
  for (const i of [0, 1, 3, 4, 5]) await expect(dates.nth(i).getByText('OK', { exact: true })).toBeVisible()
  // Every date must be settled before booking.
  await expect(drawer.getByRole('button', { name: 'Book 5 appointments' })).toBeDisabled()
  await screens(page, 'series-01-preview-conflict', clash)

  const alternatives = clash.getByRole('group', { name: /^Instead of/ }).getByRole('button')
  await expect(alternatives).toHaveCount(4) // three free times and "Leave out"
  const picked = ((await alternatives.first().textContent()) ?? '').trim()
  await alternatives.first().click()
  await expect(alternatives.first()).toHaveAttribute('aria-pressed', 'true')
  await drawer.getByRole('button', { name: 'Book 6 appointments' }).click()
  await expect(drawer).toBeHidden()
  await expect(column(page, 'Dr. Arjun Rao').getByRole('button', { name: /Kavya Reddy/ })).toBeVisible()

  const range = await hub.call<{ appointments: Appointment[] }>('schedule.range', { doctorId: doctorId('Dr. Arjun Rao'), from: day, to: weeksLater(5) }, token)
  const kavya = range.appointments.filter((a) => a.patient.name === 'Kavya Reddy')
  expect(kavya).toHaveLength(6)
  expect(new Set(kavya.map((a) => a.seriesId)).size).toBe(1)
  expect(kavya[0].seriesId).not.toBeNull()

  // The week of the clash shows her at the time picked instead.
  await page.goto(`${hub.url}/#/calendar?date=${weeksLater(2)}&view=week&doctor=${doctorId('Dr. Arjun Rao')}`)
  const week = page.getByTestId('week-view')
  await expect(week.locator('[data-event-id]').filter({ hasText: 'Kavya Reddy' })).toHaveCount(1)
  await expect(week.locator('[data-event-id]').filter({ hasText: 'Joseph Thomas' })).toHaveCount(1)
  expect(picked).toMatch(/\d\d:\d\d$/)
})

test('cancels the 4th and every later one of the series; moves the 2nd and the 3rd together', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/calendar?date=${weeksLater(3)}`)
  await signIn(page, STAFF.receptionist)
  await column(page, 'Dr. Arjun Rao').getByRole('button', { name: /Kavya Reddy/ }).click()
  const drawer = page.getByRole('dialog', { name: 'Appointment' })
  await expect(drawer.getByText('Recurring')).toBeVisible()
  await drawer.getByRole('button', { name: 'Cancel appointment…' }).click()
  await drawer.getByRole('radio', { name: 'Cancel this and all later ones in the series' }).check()
  await drawer.getByLabel('Reason for cancelling').fill('Course finished early')
  await drawer.getByRole('button', { name: 'Cancel this and all later ones' }).click()
  await expect(drawer).toBeHidden()
  await expect(page.getByText('Cancelled 3 appointments')).toBeVisible()
  await expect(column(page, 'Dr. Arjun Rao').getByRole('button', { name: /Kavya Reddy/ })).toHaveCount(0)

  const kavya = async () =>
    (await hub.call<{ appointments: Appointment[] }>('schedule.range', { doctorId: doctorId('Dr. Arjun Rao'), from: day, to: weeksLater(5) }, token)).appointments.filter((a) => a.patient.name === 'Kavya Reddy')
  const after = await kavya()
  expect(after.map((a) => a.status)).toEqual(['booked', 'booked', 'booked', 'cancelled', 'cancelled', 'cancelled'])

  // The 2nd and the 3rd move together, half an hour later.
  await page.goto(`${hub.url}/#/calendar?date=${weeksLater(1)}`)
  await column(page, 'Dr. Arjun Rao').getByRole('button', { name: /Kavya Reddy/ }).click()
  await drawer.getByRole('button', { name: 'Move this and all later ones…' }).click()
  const move = drawer.getByRole('form', { name: 'Move this and all later ones' })
  await move.getByRole('combobox', { name: 'New time' }).click()
  await page.getByRole('option', { name: '11:30' }).click()
  await expect(move).toContainText('move 30 min later')
  await move.getByRole('button', { name: 'Move this and all later ones' }).click()
  await expect(page.getByText('Moved 2 appointments')).toBeVisible()
  const moved = (await kavya()).filter((a) => a.status === 'booked')
  expect(moved).toHaveLength(3)
  expect(moved[1].start).toBe(new Date(ist(weeksLater(1), '11:30')).toISOString())
})
