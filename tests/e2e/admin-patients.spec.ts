import type { Page } from '@playwright/test'
import { expect, screenshot, seedClinic, STAFF, startHubProcess, test, type HubProcess } from './fixtures'
import { chooseCsv, IMPORT_HEADER, importRows, openAdminTab, rawCall, writeCsv } from './admin-patients-helpers'

test.describe.configure({ mode: 'serial' })

interface Patient {
  id: string
  number: string
  name: string
  phone: string
  email: string
  allergies: string
  archivedAt: string | null
  mergedInto: string | null
}

// A hub of this file's own: the `hub` fixture is worker-scoped, so a clinic seeded on it would
// still be there when foundation.spec.ts (run next in the same worker) expects a first run.
let hub: HubProcess & { stop(): Promise<void> }
let adminToken = ''
let kept: Patient
let duplicate: Patient

test.beforeAll(async () => {
  hub = await startHubProcess()
  ;({ adminToken } = await seedClinic(hub))
  ;({ patient: kept } = await hub.call<{ patient: Patient }>(
    'patients.create',
    { name: 'Lakshmi Narayanan', phone: '+91 98765 43210', dateOfBirth: '1984-03-12', gender: 'female', city: 'Kochi', allergies: 'Penicillin' },
    adminToken
  ))
  ;({ patient: duplicate } = await hub.call<{ patient: Patient }>(
    'patients.create',
    {
      name: 'Lakshmi Narayan',
      phone: '+91 98765 43211',
      email: 'lakshmi.n@example.com',
      dateOfBirth: '1984-03-12',
      gender: 'female',
      city: 'Kochi',
      allergies: 'Sulfa drugs',
      allowDuplicate: true
    },
    adminToken
  ))
})

/** Full-page screenshots draw the fixed header where the page was scrolled to; start at the top. */
test.afterAll(async () => {
  await hub?.stop()
})

async function screenshotFromTop(page: Page, name: string) {
  await page.evaluate('window.scrollTo(0, 0)')
  await screenshot(page, name)
}

async function pickPatient(page: Page, picker: RegExp, query: string, number: string) {
  const box = page.getByRole('combobox', { name: picker })
  await box.click()
  await box.fill(query)
  await page.getByRole('option', { name: new RegExp(number) }).click()
}

test('an admin merges a duplicate patient, choosing field by field, then undoes it', async ({ page }) => {
  await openAdminTab(page, hub.url, 'Merge patients')
  await expect(page.getByText('Choose two records')).toBeVisible()

  await pickPatient(page, /Keep this record/, 'Lakshmi', kept.number)
  await pickPatient(page, /Merge this record into A/, '98765 43211', duplicate.number)

  const table = page.getByRole('table', { name: 'Compare the two records' })
  await expect(table).toBeVisible()
  // The swap button turns the direction round, and back.
  const keepHeader = table.getByRole('columnheader', { name: /^Keep/ })
  await expect(keepHeader).toContainText(kept.number)
  await page.getByRole('button', { name: 'Swap which record is kept' }).click()
  await expect(keepHeader).toContainText(duplicate.number)
  await expect(page.getByRole('button', { name: `Merge ${kept.number} into ${duplicate.number}` })).toBeVisible()
  await page.getByRole('button', { name: 'Swap which record is kept' }).click()
  await expect(keepHeader).toContainText(kept.number)
  // Same date of birth: shown once, nothing to choose.
  await expect(table.getByRole('row', { name: /Date of birth/ })).toContainText('same in both')
  // The kept record has no email: the other one's is chosen by default.
  await expect(table.getByRole('radio', { name: `Email: lakshmi.n@example.com (from ${duplicate.number})` })).toBeChecked()
  // Phone: the kept record's own by default; the admin takes the other record's number.
  await expect(table.getByRole('radio', { name: `Phone: +91 98765 43210 (from ${kept.number})` })).toBeChecked()
  await table.getByRole('radio', { name: `Phone: +91 98765 43211 (from ${duplicate.number})` }).check()
  await table.getByRole('radio', { name: 'Allergies: keep both' }).check()
  await expect(table.getByRole('row', { name: /Allergies/ })).toContainText('Penicillin\nSulfa drugs')
  await screenshotFromTop(page, 'admin-merge-side-by-side')

  await page.getByRole('button', { name: `Merge ${duplicate.number} into ${kept.number}` }).click()
  const confirm = page.getByRole('dialog', { name: 'Merge these records?' })
  await expect(confirm).toContainText('is archived and points to')
  await confirm.getByRole('button', { name: 'Merge patients' }).click()
  await expect(page.getByText('Patients merged')).toBeVisible()

  const survivor = await hub.call<Patient>('patients.get', { id: kept.id }, adminToken)
  expect(survivor.phone).toBe('+919876543211')
  expect(survivor.email).toBe('lakshmi.n@example.com')
  expect(survivor.allergies).toBe('Penicillin\nSulfa drugs')
  const merged = await hub.call<Patient>('patients.get', { id: duplicate.id }, adminToken)
  expect(merged.mergedInto).toBe(kept.id)
  expect(merged.archivedAt).not.toBeNull()

  // The merged record no longer turns up in search.
  const mergePicker = page.getByRole('combobox', { name: /Merge this record into A/ })
  await mergePicker.click()
  await mergePicker.fill(duplicate.number)
  await expect(page.getByText('No patient matches')).toBeVisible()
  await page.keyboard.press('Escape')

  const log = page.getByRole('table', { name: 'Recent merges list' })
  const row = log.getByRole('row').filter({ hasText: duplicate.number })
  await expect(row).toContainText(kept.number)
  await expect(row).toContainText('Asha Menon')
  await screenshotFromTop(page, 'admin-merge-recent')

  await row.getByRole('button', { name: 'Undo' }).click()
  const undo = page.getByRole('dialog', { name: 'Undo this merge?' })
  await undo.getByRole('button', { name: 'Undo merge' }).click()
  await expect(page.getByText('Merge undone')).toBeVisible()
  await expect(row).toContainText('Undone')
  await expect(row.getByRole('button', { name: 'Undo' })).toHaveCount(0)

  const keptAgain = await hub.call<Patient>('patients.get', { id: kept.id }, adminToken)
  expect(keptAgain.phone).toBe('+919876543210')
  expect(keptAgain.email).toBe('')
  expect(keptAgain.allergies).toBe('Penicillin')
  const separate = await hub.call<Patient>('patients.get', { id: duplicate.id }, adminToken)
  expect(separate.mergedInto).toBeNull()
  expect(separate.archivedAt).toBeNull()
  expect(separate.phone).toBe('+919876543211')
  const found = await hub.call<{ items: Patient[] }>('patients.search', { q: duplicate.number }, adminToken)
  expect(found.items.map((p) => p.id)).toContain(duplicate.id)
})

test('a receptionist cannot merge patients, even by calling the hub directly', async () => {
  const session = await hub.call<{ token: string }>('auth.login', STAFF.receptionist)
  const merge = await rawCall(hub, 'patients.merge', { survivorId: kept.id, mergedId: duplicate.id }, session.token)
  expect(merge.ok).toBe(false)
  expect(merge.error?.code).toBe('FORBIDDEN')
  const imported = await rawCall(hub, 'patients.importCommit', { csv: `Name\nSomeone` }, session.token)
  expect(imported.error?.code).toBe('FORBIDDEN')
  const stillSeparate = await hub.call<Patient>('patients.get', { id: duplicate.id }, adminToken)
  expect(stillSeparate.mergedInto).toBeNull()
})

test('an admin imports patients from a CSV: errors block the import until the file is fixed', async ({ page }) => {
  const rows = importRows(300)
  // Line 42 of the file (the header is line 1) has a date that does not exist.
  const broken = [...rows]
  broken[40] = broken[40].replace(/,\d{2}\/\d{2}\/\d{4},/, ',31/02/1990,')
  // One row is the patient already registered: a likely duplicate, skipped by default.
  const existing = `Lakshmi Narayanan,+91 98765 43210,,12/03/1984,F,,Kochi,Kerala,682016,,L-1`

  await openAdminTab(page, hub.url, 'Import patients')
  await expect(page.getByRole('button', { name: 'Download the template CSV' })).toBeVisible()
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the template CSV' }).click()])
  expect(download.suggestedFilename()).toBe('docspot-patients-template.csv')

  await chooseCsv(page, writeCsv('patients-from-old-system.csv', [IMPORT_HEADER, ...broken, existing]))

  const errors = page.getByRole('table', { name: 'Rows with errors' })
  await expect(errors).toBeVisible()
  await expect(page.getByLabel('Patients in file: 301')).toBeVisible()
  await expect(page.getByLabel('With errors: 1')).toBeVisible()
  await expect(page.getByLabel('Look like existing: 1')).toBeVisible()
  const badRow = errors.getByRole('row').filter({ hasText: '31/02/1990' })
  await expect(badRow).toContainText('42')
  await expect(badRow).toContainText('Date of birth')
  await expect(page.getByText('rows have errors — nothing can be imported yet').or(page.getByText('row has errors — nothing can be imported yet'))).toBeVisible()
  await expect(page.getByRole('button', { name: /^Import \d+ patients$/ })).toBeDisabled()
  // The old system's number is kept, as the previous file number.
  await expect(page.getByLabel('Recognised columns')).toContainText('Legacy ID → Previous file no.')
  await expect(page.getByText('Not imported (DocSpot has no field for them)')).toHaveCount(0)
  await expect(page.getByRole('table', { name: 'Likely duplicates' })).toContainText(kept.number)
  await screenshotFromTop(page, 'admin-import-preview-errors')

  // Nothing was written by the check.
  const before = await hub.call<{ items: Patient[] }>('patients.search', { q: 'Kavya' }, adminToken)
  expect(before.items).toHaveLength(0)

  await page.getByRole('button', { name: 'Choose another file' }).click()
  await chooseCsv(page, writeCsv('patients-fixed.csv', [IMPORT_HEADER, ...rows, existing]))

  await expect(page.getByLabel('With errors: 0')).toBeVisible()
  await expect(page.getByRole('table', { name: 'Rows with errors' })).toHaveCount(0)
  const importButton = page.getByRole('button', { name: 'Import 300 patients' })
  await expect(importButton).toBeEnabled()
  await importButton.click()

  await expect(page.getByText('Imported 300 patients')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByText('Skipped 1 row that looks like an existing patient.')).toBeVisible()
  await expect(page.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('aria-valuenow', '100')
  await screenshotFromTop(page, 'admin-import-done')

  const found = await hub.call<{ items: Patient[] }>('patients.search', { q: 'Kavya Sharma' }, adminToken)
  expect(found.items.map((p) => p.name)).toContain('Kavya Sharma')
  const byPhone = await hub.call<{ items: Patient[] }>('patients.search', { q: '+91 91234 10299' }, adminToken)
  expect(byPhone.items).toHaveLength(1)
  // The existing patient was not registered a second time.
  const lakshmi = await hub.call<{ items: Patient[] }>('patients.search', { q: '+91 98765 43210' }, adminToken)
  expect(lakshmi.items).toHaveLength(1)
})

test('a file that cannot be imported is refused with a message saying why', async ({ page }) => {
  await openAdminTab(page, hub.url, 'Import patients')
  const choose = async (file: { name: string; mimeType: string; buffer: Buffer }) => {
    await chooseCsv(page, file)
  }
  const problem = page.getByRole('alert').filter({ hasText: 'This file cannot be imported' })

  // Over 20 MB: refused before anything is sent to the hub.
  await choose({ name: 'everyone.csv', mimeType: 'text/csv', buffer: Buffer.alloc(21 * 1024 * 1024, 'a') })
  await expect(problem).toContainText('DocSpot imports at most 20 MB at a time')

  await choose({ name: 'patients.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK') })
  await expect(problem).toContainText('patients.xlsx is not a CSV file')

  // The hub reads it but finds no column it can take a name from.
  await choose({ name: 'no-names.csv', mimeType: 'text/csv', buffer: Buffer.from('Mobile,City\n+91 98765 40000,Kochi\n') })
  await expect(problem).toContainText('The file has no name column')
})
