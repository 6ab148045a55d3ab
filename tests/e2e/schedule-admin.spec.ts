import { kolkataDate } from './calendar-helpers'
import { expect, screenshot, seedClinic, signIn, STAFF, test } from './fixtures'

test.describe.configure({ mode: 'serial' })

test('an admin adds a doctor with a sign-in, sets hours and leave, adds a type, and the desk can book them', async ({ page, hub }) => {
  await seedClinic(hub)
  await page.goto(`${hub.url}/#/admin`)
  await signIn(page, STAFF.admin)
  await page.getByRole('tab', { name: 'Doctors and types' }).click()
  await expect(page.getByText('No doctors yet')).toBeVisible()

  await page.getByRole('button', { name: 'Add doctor' }).click()
  const add = page.getByRole('dialog', { name: 'Add doctor' })
  await add.getByLabel('Name').fill('Dr. Kavita Rao')
  await add.getByLabel('Specialization').fill('Paediatrics')
  await add.getByLabel('Sign-in email').fill('kavita@sunrise.example')
  await add.getByLabel('First password').fill('short')
  await add.getByRole('button', { name: 'Add doctor' }).click()
  await expect(add.getByText('must be at least 12 characters')).toBeVisible()
  await add.getByLabel('First password').fill('children first 2026')
  await add.getByRole('button', { name: 'Add doctor' }).click()
  await expect(add).toBeHidden()
  const row = page.getByRole('table', { name: 'Doctors' }).getByRole('row', { name: /Dr\. Kavita Rao/ })
  await expect(row).toContainText('Paediatrics')

  // Hours: every day 10:00–14:00 in 20-minute slots.
  await row.getByRole('button', { name: 'Hours and leave' }).click()
  const hours = page.getByRole('dialog', { name: 'Dr. Kavita Rao: weekly hours' })
  // The first row typed once; each further "Add session" copies it to the next day.
  await hours.getByRole('button', { name: 'Add session' }).click()
  const sessions = hours.getByRole('table', { name: 'Weekly hours' }).getByRole('row')
  await sessions.nth(1).getByLabel('From', { exact: true }).fill('10:00')
  await sessions.nth(1).getByLabel('To', { exact: true }).fill('14:00')
  await sessions.nth(1).getByLabel('Slot minutes').fill('20')
  for (let day = 2; day <= 7; day++) await hours.getByRole('button', { name: 'Add session' }).click()
  await expect(sessions).toHaveCount(8)
  await expect(sessions.nth(7).getByLabel('Day')).toHaveValue('Sunday')
  await expect(sessions.nth(7).getByLabel('To', { exact: true })).toHaveValue('14:00')
  await hours.getByRole('button', { name: 'Save hours' }).click()
  await expect(hours).toBeHidden()
  await row.getByRole('button', { name: 'Hours and leave' }).click()
  await expect(hours.getByRole('table', { name: 'Weekly hours' }).getByRole('row')).toHaveCount(8)
  // Leave the day after tomorrow.
  const leaveDay = kolkataDate(2)
  // A day already gone is not taken, and the field says why.
  const [y, m, d] = kolkataDate(-1).split('-')
  await hours.getByLabel('Date').fill(`${d}/${m}/${y}`)
  await expect(hours.getByText(/^Must be \d{1,2} \w{3} \d{4} or later$/)).toBeVisible()
  await hours.getByLabel('Date').fill(leaveDay)
  await hours.getByLabel('Note').fill('Conference')
  await hours.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(hours.getByRole('table', { name: 'Leave and extra sessions' })).toContainText('Conference')
  await screenshot(page, 'admin-01-doctor-hours')
  await page.keyboard.press('Escape')

  await page.getByRole('button', { name: 'Add type' }).click()
  const type = page.getByRole('dialog', { name: 'Add appointment type' })
  await type.getByLabel('Name').fill('Vaccination')
  await type.getByLabel('Length (minutes)').fill('20')
  await type.getByRole('button', { name: 'Add type' }).click()
  await expect(type).toBeHidden()
  await expect(page.getByRole('table', { name: 'Appointment types' })).toContainText('Vaccination')
  await screenshot(page, 'admin-02-doctors-and-types')

  // The desk sees her column with her hours, and nothing on her leave day.
  await page.goto(`${hub.url}/#/calendar?date=${kolkataDate(1)}`)
  await expect(page.getByTestId('column-Dr. Kavita Rao')).toContainText('10:00–14:00')
  await expect(page.getByRole('button', { name: 'Book Dr. Kavita Rao at 13:40' })).toBeVisible()
  await page.goto(`${hub.url}/#/calendar?date=${leaveDay}`)
  await expect(page.getByTestId('column-Dr. Kavita Rao')).toContainText('not working')
})
