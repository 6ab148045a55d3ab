import { expect, screenshot, seedClinic, signIn, STAFF, test } from './fixtures'
import { expectProfile, fillPatientForm } from './patients-helpers'

test.describe.configure({ mode: 'serial' })

test.beforeAll(async ({ hub }) => {
  await seedClinic(hub)
})

test('a registration and an edit at the desk appear on the admin’s open screens without a reload, and in the journal', async ({ browser, hub }) => {
  // Two PCs: the front desk and the back office, each with its own browser and session.
  const desk = await (await browser.newContext()).newPage()
  const office = await (await browser.newContext()).newPage()
  await desk.goto(`${hub.url}/#/patients`)
  await signIn(desk, STAFF.receptionist)
  await office.goto(`${hub.url}/#/patients`)
  await signIn(office, STAFF.admin)
  await expect(office.getByRole('heading', { name: 'No patients yet' })).toBeVisible()

  // The desk registers a patient: the office's list shows it without anyone reloading.
  await desk.getByRole('button', { name: 'Register the first patient' }).click()
  await fillPatientForm(desk, { name: 'Lakshmi Pillai', phone: '98470 12345', dob: '04/07/1979', city: 'Thrissur' })
  await desk.getByRole('button', { name: 'Register patient' }).click()
  const number = await expectProfile(desk, 'Lakshmi Pillai')
  const list = office.getByRole('table', { name: 'All patients' })
  await expect(list.getByRole('row', { name: new RegExp(number) })).toBeVisible()

  // The office opens her record; the desk edits it; the office sees the new city and the history line.
  await list.getByRole('row', { name: new RegExp(number) }).click()
  await expectProfile(office, 'Lakshmi Pillai')
  await expect(office.getByRole('region', { name: 'Contact and address' })).toContainText('Thrissur')
  await desk.getByRole('button', { name: 'Edit' }).click()
  const form = desk.getByRole('form', { name: 'Edit patient' })
  await form.getByRole('textbox', { name: 'City', exact: true }).fill('Kochi')
  await form.getByRole('button', { name: 'Save changes' }).click()
  const contact = (page: typeof desk) => page.getByRole('region', { name: 'Contact and address' })
  await expect(contact(desk)).toContainText('Kochi')
  await expect(contact(office)).toContainText('Kochi')
  await expect(contact(office)).not.toContainText('Thrissur')
  await screenshot(office, 'journal-01-live-profile')

  // The admin's journal says who did what, from which PC, in words.
  await office.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Admin' }).click()
  await office.getByRole('tab', { name: 'Journal' }).click()
  const entries = office.getByTestId('journal-entry')
  const edit = entries.filter({ hasText: 'Change a patient’s details' })
  await expect(edit).toContainText('Ravi Kumar')
  await expect(edit).toContainText(`${number} Lakshmi Pillai: changed city`)
  await expect(edit).toContainText(/browser [0-9a-f]{4} \(127\.0\.0\.1\)/)
  await expect(entries.filter({ hasText: 'Register a patient' })).toContainText(`${number} Lakshmi Pillai: new record`)
  // Opening her record is recorded too: who looked, and from where.
  await expect(entries.filter({ hasText: 'Open a patient’s record' }).filter({ hasText: 'Asha Menon' }).first()).toContainText(`${number} Lakshmi Pillai: viewed`)

  // A change made while the journal is open appears at its top.
  await desk.getByRole('button', { name: 'More actions' }).click()
  await desk.getByRole('menuitem', { name: 'Archive patient…' }).click()
  const dialog = desk.getByRole('dialog', { name: 'Archive Lakshmi Pillai?' })
  await dialog.getByRole('textbox', { name: 'Reason' }).fill('Moved to Dubai')
  await dialog.getByRole('button', { name: 'Archive patient' }).click()
  await expect(entries.filter({ hasText: 'Archive a patient' })).toHaveCount(1)

  // Filter by patient and kind: who looked at her record.
  await office.getByRole('combobox', { name: 'Patient', exact: true }).fill('Lakshmi')
  await office.getByRole('option', { name: /Lakshmi Pillai/ }).click()
  await office.getByRole('textbox', { name: 'What', exact: true }).or(office.getByRole('combobox', { name: 'What', exact: true })).first().click()
  await office.getByRole('option', { name: 'Open a patient’s record' }).click()
  await expect(entries.first()).toContainText('viewed')
  await expect(entries.filter({ hasText: 'Ravi Kumar' }).first()).toBeVisible()
  await expect(entries.filter({ hasText: 'Change a patient’s details' })).toHaveCount(0)
  await screenshot(office, 'journal-04-who-looked')
  await office.getByRole('button', { name: 'Clear filters' }).click()
  await office.getByRole('combobox', { name: 'Patient', exact: true }).fill('Lakshmi')
  await office.getByRole('option', { name: /Lakshmi Pillai/ }).click()

  // The chain checks out.
  await office.getByRole('button', { name: 'Check the chain' }).click()
  await expect(office.getByRole('status').filter({ hasText: 'The journal is intact' })).toBeVisible()
  await screenshot(office, 'journal-02-admin-journal')
  await office.setViewportSize({ width: 1366, height: 768 })
  await screenshot(office, 'journal-03-admin-journal-1366')

  // Export: a CSV file with the same entries.
  const download = office.waitForEvent('download')
  await office.getByRole('button', { name: 'Export CSV' }).click()
  const file = await download
  expect(file.suggestedFilename()).toMatch(/^docspot-journal-\d{4}-\d{2}-\d{2}\.csv$/)
  const csv = await (await import('node:fs/promises')).readFile((await file.path())!, 'utf8')
  expect(csv.split('\r\n').filter(Boolean).length).toBeGreaterThan(4) // header, her three changes, and the looks
  expect(csv).toContain('Archive a patient')
  expect(csv).toContain('Lakshmi Pillai: viewed')
  expect(csv).toContain('Ravi Kumar')
  await desk.context().close()
  await office.context().close()
})

test('a receptionist has no journal screen and the hub refuses the journal to them', async ({ page, hub }) => {
  await page.goto(hub.url)
  await signIn(page, STAFF.receptionist)
  await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Admin' })).toHaveCount(0)
  const session = await hub.call<{ token: string }>('auth.login', STAFF.receptionist)
  await expect(hub.call('audit.journal', {}, session.token)).rejects.toThrow(/receptionist may not do this/)
})
