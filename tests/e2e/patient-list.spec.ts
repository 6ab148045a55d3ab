import { expect, screenshot, seedClinic, signIn, STAFF, test } from './fixtures'

test.describe.configure({ mode: 'serial' })

const SURNAMES = ['Sharma', 'Iyer', 'Khan', 'Reddy', 'Das', 'Nair', 'Patel', 'Singh']
let adminToken = ''

test.beforeAll(async ({ hub }) => {
  ;({ adminToken } = await seedClinic(hub))
  // A thousand patients, registered through the API twenty at a time.
  for (let batch = 0; batch < 50; batch++) {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const n = batch * 20 + i + 1
        const name = `Patient${String(n).padStart(4, '0')} ${SURNAMES[n % SURNAMES.length]}`
        return hub.call('patients.create', { name, phone: `98${String(40_000_000 + n).padStart(8, '0')}`, gender: n % 2 ? 'female' : 'male', allowDuplicate: true }, adminToken)
      })
    )
  }
})

test('the desk pages through a thousand patients, sorts them by name and filters them', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/patients`)
  await signIn(page, STAFF.receptionist)
  await expect(page.getByText('1,000 patients', { exact: true })).toBeVisible()
  const table = page.getByRole('table', { name: 'All patients' })
  await expect(table.getByRole('row')).toHaveCount(51)
  // Newest first: the thousandth is at the top.
  await expect(table.getByRole('row').nth(1)).toContainText('Patient1000')
  await expect(page.getByText('1–50 of 1,000')).toBeVisible()
  await screenshot(page, 'patients-list-01-first-page')

  await page.getByRole('button', { name: 'Page 20' }).click()
  await expect(page.getByText('951–1,000 of 1,000')).toBeVisible()
  await expect(table.getByRole('row').nth(50)).toContainText('Patient0001')

  await page.getByLabel('Sort by', { exact: true }).first().click()
  await page.getByRole('option', { name: 'Name, A to Z' }).click()
  await expect(page.getByText('1–50 of 1,000')).toBeVisible()
  await expect(table.getByRole('row').nth(1)).toContainText('Patient0001')
  await page.getByRole('button', { name: 'Page 2', exact: true }).click()
  await expect(table.getByRole('row').nth(1)).toContainText('Patient0051')

  await page.getByLabel('Sex', { exact: true }).first().click()
  await page.getByRole('option', { name: 'Female' }).click()
  await expect(page.getByText('500 patients match the filters')).toBeVisible()
  await page.setViewportSize({ width: 1366, height: 768 })
  await screenshot(page, 'patients-list-02-filtered-1366')
})

test('an archived patient is found on request, shows why it was archived, and is restored', async ({ page, hub }) => {
  const { patient: target } = await hub.call<{ patient: { id: string; name: string } }>('patients.create', { name: 'Lalitha Venkatesh', phone: '9123456780', gender: 'female' }, adminToken)
  await hub.call('patients.archive', { id: target.id, reason: 'Duplicate paper file' }, adminToken)

  await page.goto(`${hub.url}/#/patients`)
  await signIn(page, STAFF.receptionist)
  await page.getByRole('textbox', { name: 'Filter patients' }).fill('Lalitha Venkatesh')
  await expect(page.getByText('No active patient matches “Lalitha Venkatesh”')).toBeVisible()
  await page.getByRole('button', { name: 'Show archived matches' }).click()
  const results = page.getByRole('table', { name: 'Search results' })
  const row = results.getByRole('row', { name: new RegExp(target.name) })
  await expect(row).toContainText('Archived')
  await screenshot(page, 'patients-list-03-archived-result')
  await row.getByRole('link', { name: target.name }).click()
  await expect(page.getByText('Reason: Duplicate paper file')).toBeVisible()
  await page.getByRole('button', { name: 'Restore', exact: true }).click()
  await expect(page.getByText('Reason: Duplicate paper file')).toBeHidden()
  await expect((await hub.call<{ items: unknown[] }>('patients.search', { q: 'Lalitha Venkatesh' }, adminToken)).items).toHaveLength(1)
})

test('a patient who knows only their age is registered in seconds, shown as about that age', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/patients/new`)
  await signIn(page, STAFF.receptionist)
  const form = page.getByRole('form', { name: 'Register patient' })
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Kamala Bai')
  await form.getByRole('textbox', { name: 'Phone' }).fill('98450 12345')
  await form.getByRole('textbox', { name: 'Date of birth' }).fill('62')
  const born = new Date().getFullYear() - 62
  await expect(form.getByText(`From the age: born about ${born}`)).toBeVisible()
  await screenshot(page, 'patients-list-04-register-by-age')
  await form.getByRole('button', { name: 'Register patient' }).click()
  await expect(page.getByRole('heading', { name: 'Kamala Bai' })).toBeVisible()
  await expect(page.getByText('≈62 y (from the age given)')).toBeVisible()
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Patients' }).click()
  await expect(page.getByRole('table', { name: 'All patients' }).getByRole('row', { name: /Kamala Bai/ })).toContainText('≈62 y')
})
