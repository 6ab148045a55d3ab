import { readFileSync } from 'node:fs'
import { chooseCsv, openAdminTab, writeCsv } from './admin-patients-helpers'
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

  // Registration dates are typed day first, as the desk reads them, and shown unmistakably.
  const registeredTo = page.getByRole('textbox', { name: 'Registered to' })
  await registeredTo.fill('03/02/2020')
  await registeredTo.press('Tab')
  await expect(registeredTo).toHaveValue('3 Feb 2020')
  await expect(page.getByRole('heading', { name: 'No patient matches these filters' })).toBeVisible()
  await page.getByRole('button', { name: 'Clear filters' }).first().click()
  await expect(page.getByText('1,000 patients', { exact: true })).toBeVisible()
  await expect(registeredTo).toHaveValue('')
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

test('an Indian clinic file with four bad rows: the good rows come in, the bad ones come back as a CSV saying what is wrong', async ({ page, hub }) => {
  const lines = [
    "Patient's Name,Mobile No.,Email ID,D.O.B,Age,Gender (M/F),UHID",
    'Asha Kulkarni,98220 10001,asha.k@example.com,14/08/1979,,F,OPD-2001',
    'Bhavesh Shah,98220 10002,,,54,M,OPD-2002',
    'Chandni Gupta,98220 10003,chandni@example.com,02/11/1990,,F,OPD-2003',
    'Dinesh Yadav,98220 10004,,31/02/1985,,M,OPD-2004', // no 31 February
    'Esha Menon,12345,,,30,F,OPD-2005', // not a phone number
    'Farhan Ali,98220 10006,farhan@,,41,M,OPD-2006', // not an email
    'Gita Bose,98220 10007,,,38,Q,OPD-2007', // not a gender
    'Hari Prasad,98220 10008,,05/05/1965,,M,OPD-2008'
  ]
  await openAdminTab(page, hub.url, 'Import patients')
  await chooseCsv(page, writeCsv('old-clinic.csv', lines))
  await expect(page.getByLabel('With errors: 4')).toBeVisible()
  const columns = page.getByLabel('Recognised columns')
  for (const mapped of ['Email ID → Email', 'UHID → Previous file no.', 'D.O.B → Date of birth']) await expect(columns).toContainText(mapped)
  await page.getByRole('checkbox', { name: /Import the valid rows, and download the 4 with errors/ }).check()
  await screenshot(page, 'patients-list-05-import-partial')
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Import 4 patients' }).click()
  const file = await download
  expect(file.suggestedFilename()).toBe('old-clinic-errors.csv')
  const rejected = readFileSync((await file.path())!, 'utf8').trim().split(/\r?\n/)
  expect(rejected[0]).toBe("Patient's Name,Mobile No.,Email ID,D.O.B,Age,Gender (M/F),UHID,Errors")
  expect(rejected.slice(1).map((l) => l.split(',')[0])).toEqual(['Dinesh Yadav', 'Esha Menon', 'Farhan Ali', 'Gita Bose'])
  expect(rejected[1]).toContain('Line 5: Date of birth')
  await expect(page.getByText('Imported 4 patients')).toBeVisible()
  // The good rows kept what the old system knew: email, age, file number.
  const [bhavesh] = (await hub.call<{ items: Array<{ name: string; dateOfBirthEstimated: boolean }> }>('patients.search', { q: 'OPD-2002' }, adminToken)).items
  expect(bhavesh).toMatchObject({ name: 'Bhavesh Shah', dateOfBirthEstimated: true })
})

test('the desk takes a patient’s photo with the PC’s camera', async ({ page, hub }) => {
  const { patient } = await hub.call<{ patient: { id: string } }>('patients.create', { name: 'Camera Kumar', phone: '9845098450' }, adminToken)
  await page.goto(`${hub.url}/#/patients/${patient.id}`)
  await signIn(page, STAFF.receptionist)
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'Take a photo with the camera' }).click()
  const dialog = page.getByRole('dialog', { name: 'Take a photo' })
  await expect(dialog.getByRole('button', { name: 'Take photo' })).toBeEnabled()
  await screenshot(page, 'patients-list-06-camera')
  await dialog.getByRole('button', { name: 'Take photo' }).click()
  await expect(page.getByText('Photo saved')).toBeVisible()
  await expect(page.getByRole('img', { name: 'Photo of Camera Kumar' })).toBeVisible()
  expect((await hub.call<{ hasPhoto: boolean }>('patients.get', { id: patient.id }, adminToken)).hasPhoto).toBe(true)
})
