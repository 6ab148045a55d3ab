import type { Page } from '@playwright/test'
import { kolkataDate, seedSchedule } from './calendar-helpers'
import { expect, screenshot, seedClinic, signIn, STAFF, test } from './fixtures'

test.describe.configure({ mode: 'serial' })

// Tomorrow in the clinic's zone: always in the future, whatever time the suite runs.
const day = kolkataDate(1)
let adminToken = ''

test.beforeAll(async ({ hub }) => {
  ;({ adminToken } = await seedClinic(hub))
  await seedSchedule(hub, adminToken, day)
})

const column = (page: Page, doctor: string) => page.getByTestId(`column-${doctor}`)

test('the receptionist sees the day: a column per doctor, bookings coloured by type, free slots', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/calendar?date=${day}`)
  await signIn(page, STAFF.receptionist)
  await expect(page.getByRole('heading', { name: 'Calendar' })).toBeVisible()
  await expect(page.getByTestId('day-columns').locator('[data-testid^="column-"]')).toHaveCount(8)
  const meera = column(page, 'Dr. Meera Iyer')
  await expect(meera).toContainText('09:00–13:00, 16:00–19:00')
  await expect(meera.getByRole('button', { name: 'Book Dr. Meera Iyer at 09:15' })).toBeVisible()
  // Times are the clinic's: a 09:30 IST booking sits in the 09:30 row whatever the PC's zone.
  await expect(meera.locator('[data-event-id]').first()).toBeVisible()
  await page.getByRole('button', { name: 'Book Dr. Meera Iyer at 09:15' }).scrollIntoViewIfNeeded()
  await screenshot(page, 'calendar-01-day-8-doctors')
  await page.setViewportSize({ width: 1366, height: 768 })
  await screenshot(page, 'calendar-02-day-1366')
})

test('books by click and by keyboard; another desk sees it appear', async ({ page, hub, browser }) => {
  const other = await (await browser.newContext()).newPage()
  await other.goto(`${hub.url}/#/calendar?date=${day}`)
  await signIn(other, STAFF.admin)
  await expect(column(other, 'Dr. Arjun Rao')).toBeVisible()

  await page.goto(`${hub.url}/#/calendar?date=${day}`)
  await signIn(page, STAFF.receptionist)
  await page.getByRole('button', { name: 'Book Dr. Arjun Rao at 12:30' }).click()
  const drawer = page.getByRole('dialog', { name: 'Book with Dr. Arjun Rao' })
  await expect(drawer).toBeVisible()
  await drawer.getByRole('combobox', { name: 'Patient', exact: true }).fill('Kavya')
  await page.getByRole('option', { name: /Kavya Reddy/ }).click()
  await drawer.getByLabel('Reason or symptoms').fill('Rash on both arms')
  await screenshot(page, 'calendar-03-booking-drawer')
  await drawer.getByRole('button', { name: 'Book', exact: true }).click()
  await expect(drawer).toBeHidden()
  await expect(column(page, 'Dr. Arjun Rao').getByRole('button', { name: /Kavya Reddy/ })).toBeVisible()
  // The other desk's open calendar shows it without a reload.
  await expect(column(other, 'Dr. Arjun Rao').getByRole('button', { name: /Kavya Reddy/ })).toBeVisible()

  // Keyboard: from a slot, → moves to the same time with the next doctor, Enter opens the drawer,
  // and a new patient is registered on the way.
  await page.getByRole('button', { name: 'Book Dr. Rahul Gupta at 12:45' }).focus()
  await page.keyboard.press('ArrowLeft')
  await expect(page.getByRole('button', { name: 'Book Dr. Priya Menon at 12:45' })).toBeFocused()
  await page.getByRole('button', { name: 'Book Dr. Sara Khan at 12:45' }).focus()
  await page.keyboard.press('Enter')
  const slot = page.getByRole('button', { name: 'Book Dr. Sara Khan at 12:45' })
  await expect(slot).toBeVisible()
  const second = page.getByRole('dialog', { name: 'Book with Dr. Sara Khan' })
  await second.getByRole('button', { name: 'New patient' }).click()
  await second.getByLabel("New patient's name").fill('Walkin Varma')
  await second.getByRole('textbox', { name: 'Phone', exact: true }).fill('98450 11223')
  await second.getByRole('button', { name: 'Book', exact: true }).click()
  await expect(second).toBeHidden()
  await expect(column(other, 'Dr. Sara Khan').getByRole('button', { name: /Walkin Varma/ })).toBeVisible()
  await other.context().close()
})

test('a taken slot offers an overbook with a reason; a conflict names the doctor and time', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/calendar?date=${day}`)
  await signIn(page, STAFF.receptionist)
  // Somebody else books 12:15 while the drawer is open.
  await page.getByRole('button', { name: 'Book Dr. Vikram Singh at 12:15' }).click()
  const drawer = page.getByRole('dialog', { name: 'Book with Dr. Vikram Singh' })
  await drawer.getByRole('combobox', { name: 'Patient', exact: true }).fill('Mohan')
  await page.getByRole('option', { name: /Mohan Das/ }).click()
  const doctors = await hub.call<Array<{ id: string; name: string }>>('doctors.list', {}, adminToken)
  const types = await hub.call<Array<{ id: string; name: string }>>('appointmentTypes.list', {}, adminToken)
  const patients = await hub.call<{ items: Array<{ id: string }> }>('patients.search', { q: 'Deepa Nair' }, adminToken)
  await hub.call('appointments.book', { patientId: patients.items[0].id, doctorId: doctors.find((d) => d.name === 'Dr. Vikram Singh')!.id, typeId: types.find((t) => t.name === 'Consultation')!.id, start: `${day}T12:15:00+05:30` }, adminToken)
  await drawer.getByRole('button', { name: 'Book', exact: true }).click()
  const alert = drawer.getByRole('alert')
  await expect(alert).toContainText('Dr. Vikram Singh already has')
  await expect(alert).toContainText('12:15–12:30 (clinic time)')
  await drawer.getByLabel('Overbook anyway: why?').fill('Severe pain, doctor agreed')
  await drawer.getByRole('button', { name: 'Overbook with this reason' }).click()
  await expect(drawer).toBeHidden()
  await expect(column(page, 'Dr. Vikram Singh').getByRole('button', { name: /Mohan Das.*overbooked/ })).toBeVisible()
})

test('cancels with a reason, marks a no-show, and moves an appointment by dragging it', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/calendar?date=${day}`)
  await signIn(page, STAFF.receptionist)
  const col = column(page, 'Dr. Meera Iyer')
  const events = col.locator('[data-event-id]')
  await expect(events.first()).toBeVisible()
  const count = await events.count()

  await events.first().click()
  const drawer = page.getByRole('dialog', { name: 'Appointment' })
  const name = (await drawer.getByRole('heading', { level: 3 }).textContent())!
  await drawer.getByRole('button', { name: 'Cancel appointment…' }).click()
  await drawer.getByLabel('Reason for cancelling').fill('Patient is travelling')
  await drawer.getByRole('button', { name: 'Cancel appointment', exact: true }).click()
  await expect(drawer).toBeHidden()
  await expect(events).toHaveCount(count - 1)
  await expect(col.getByRole('button', { name: new RegExp(name) })).toHaveCount(0)

  await events.first().click()
  await drawer.getByRole('button', { name: 'No-show' }).click()
  await expect(drawer.getByText('No-show', { exact: true }).first()).toBeVisible()
  await expect(drawer.getByLabel('Appointment history')).toContainText('no show by Ravi Kumar')
  await page.keyboard.press('Escape')

  // Drag the next booked appointment to a free slot; the move is confirmed first.
  const booked = col.locator('[data-event-id]').filter({ hasText: 'Booked' }).first()
  const who = ((await booked.textContent()) ?? '').replace(/Booked.*/, '').trim()
  await booked.dragTo(col.getByRole('button', { name: 'Book Dr. Meera Iyer at 12:30' }), { targetPosition: { x: 20, y: 3 } })
  const confirm = page.getByRole('dialog', { name: 'Move this appointment?' })
  await expect(confirm).toContainText('to 12:30')
  await confirm.getByRole('button', { name: 'Move', exact: true }).click()
  await expect(confirm).toBeHidden()
  await expect(col.getByRole('button', { name: 'Book Dr. Meera Iyer at 12:30' })).toHaveCount(0)
  await expect(col.locator('[data-event-id]').filter({ hasText: who })).toBeVisible()
})

test('the week view shows one doctor’s week', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/calendar?date=${day}&view=week`)
  await signIn(page, STAFF.receptionist)
  await expect(page.getByTestId('week-view')).toBeVisible()
  await expect(page.getByTestId('week-view').locator('[data-event-id]').first()).toBeVisible()
  await screenshot(page, 'calendar-04-week')
})
