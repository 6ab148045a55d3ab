import { chooseCsv, openAdminTab, writeCsv } from './admin-patients-helpers'
import { expect, screenshot, seedClinic, test } from './fixtures'

test.describe.configure({ mode: 'serial' })
// The reception PCs these clinics buy: a 1366×768 laptop screen.
test.use({ viewport: { width: 1366, height: 768 } })

let adminToken = ''

test.beforeAll(async ({ hub }) => {
  ;({ adminToken } = await seedClinic(hub))
})

interface Found {
  items: Array<{ id: string; name: string; phone: string }>
}

test('an admin imports a file with columns DocSpot does not recognise, choosing a field for each in the check', async ({ page, hub }) => {
  const lines = [
    'Patient Name,Mobile (WhatsApp),Ref No,Referred By,Gender (M/F)',
    'Ila Chatterjee,98300 20001,RF-501,Dr Sen,F',
    'Jatin Malhotra,98300 20002,RF-502,,M',
    'Kiran Bedi,98300 20003,RF-503,Dr Ghosh,F'
  ]
  await openAdminTab(page, hub.url, 'Import patients')
  await chooseCsv(page, writeCsv('referral-register.csv', lines))

  // Three columns are not recognised; their choices are open from the start, with a few values each.
  await expect(page.getByLabel('Patients in file: 3')).toBeVisible()
  await expect(page.getByText('Not recognised, so not imported unless you choose a field for them: “Mobile (WhatsApp)”, “Ref No”, “Referred By”')).toBeVisible()
  const choices = page.getByRole('group', { name: 'Where each column goes' })
  const column = (header: string) => choices.getByRole('combobox', { name: new RegExp(`^${header.replace(/[()]/g, '\\$&')}`) })
  await expect(column('Patient Name')).toHaveValue('Name')
  await expect(column('Ref No')).toHaveValue('Don’t import')
  await expect(choices).toContainText('e.g. RF-501 · RF-502 · RF-503')
  await screenshot(page, 'import-columns-01-unrecognised')

  // With the keyboard: the WhatsApp number is the patient's phone.
  await column('Mobile (WhatsApp)').focus()
  await page.keyboard.press('ArrowDown') // opens the list on "Don’t import"
  for (const option of ['Name', 'First name', 'Last name', 'Phone']) {
    await page.keyboard.press('ArrowDown')
    await expect(page.getByRole('option', { name: new RegExp(`^${option}`) })).toHaveAttribute('data-combobox-selected', 'true')
  }
  await page.keyboard.press('Enter')
  await expect(column('Mobile (WhatsApp)')).toHaveValue('Phone')
  await expect(page.getByLabel('Recognised columns')).toContainText('Mobile (WhatsApp) → Phone')

  // The reference number is the previous file number; the referring doctor goes into the notes.
  await column('Ref No').click()
  await expect(page.getByRole('option', { name: /^Phone now from “Mobile \(WhatsApp\)”/ })).toBeVisible()
  await screenshot(page, 'import-columns-02-field-list')
  await page.getByRole('option', { name: 'Previous file no.' }).click()
  await expect(page.getByLabel('Recognised columns')).toContainText('Ref No → Previous file no.')
  await column('Referred By').click()
  await page.getByRole('option', { name: /^Add to notes/ }).click()
  await expect(page.getByLabel('Recognised columns')).toContainText('Referred By → Add to notes')

  // A wrong choice is caught by the check: gender values in the phone field are not phone numbers.
  await column('Gender (M/F)').click()
  await page.getByRole('option', { name: 'Phone' }).click()
  await expect(choices.getByText('Phone is chosen for both "Mobile (WhatsApp)" and "Gender (M/F)"').first()).toBeVisible()
  await expect(page.getByRole('button', { name: /^Import \d+ patients?$/ })).toBeDisabled()
  await column('Gender (M/F)').click()
  await page.getByRole('option', { name: 'Gender' }).click()
  await expect(page.getByLabel('Valid rows: 3')).toBeVisible()
  await expect(page.getByText('Not recognised, so not imported')).toHaveCount(0)
  await expect(page.getByText('Checking the file again…')).toHaveCount(0)
  await page.evaluate('window.scrollTo(0, 0)')
  await screenshot(page, 'import-columns-03-chosen')

  await page.getByRole('button', { name: 'Import 3 patients' }).click()
  await expect(page.getByText('Imported 3 patients')).toBeVisible()

  // The patient is found by the old reference number and has the WhatsApp number as phone.
  const { items } = await hub.call<Found>('patients.search', { q: 'RF-501' }, adminToken)
  expect(items.map((p) => p.name)).toEqual(['Ila Chatterjee'])
  await page.goto(`${hub.url}/#/patients/${items[0].id}`)
  await expect(page.getByText('RF-501')).toBeVisible()
  await expect(page.getByText('Referred By: Dr Sen')).toBeVisible()
  await expect(page.getByText(/98300\s?20001/).first()).toBeVisible()
  await screenshot(page, 'import-columns-04-patient')
})
