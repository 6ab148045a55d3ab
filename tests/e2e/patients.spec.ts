import { expect, screenshot, seedClinic, signIn, signOut, STAFF, test } from './fixtures'
import { expectProfile, fillPatientForm, pngBuffer } from './patients-helpers'

test.describe.configure({ mode: 'serial' })

let adminToken = ''
let rameshUrl = ''
let rameshNumber = ''
let secondUrl = ''
let secondNumber = ''

test.beforeAll(async ({ hub }) => {
  ;({ adminToken } = await seedClinic(hub))
})

const recentCount = async (hub: { call<T>(m: string, i?: unknown, t?: string): Promise<T> }) => (await hub.call<unknown[]>('patients.recent', { limit: 100 }, adminToken)).length

test('a clinic with no patients invites the receptionist to register the first', async ({ page, hub }) => {
  await page.goto(hub.url)
  await signIn(page, STAFF.receptionist)
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Patients' }).click()
  await expect(page.getByRole('heading', { name: 'No patients yet' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Register the first patient' })).toBeVisible()
  await screenshot(page, 'patients-01-empty-list')
})

test('a receptionist registers a patient, and a look-alike is flagged before saving', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/patients`)
  await signIn(page, STAFF.receptionist)
  await page.getByRole('button', { name: 'Register the first patient' }).click()
  await fillPatientForm(page, { name: 'Ramesh Kumar', phone: '98765 43210', dob: '12/03/1985', gender: 'Male', city: 'Kochi', allergies: 'Penicillin (rash), peanuts' })
  // The date typed day-first is read back, with the age, so a swapped day/month is noticed.
  await expect(page.getByText('12 Mar 1985')).toBeVisible()
  await expect(page.getByTestId('duplicate-warning')).toHaveCount(0)
  await page.getByRole('button', { name: 'Register patient' }).click()

  rameshNumber = await expectProfile(page, 'Ramesh Kumar')
  expect(rameshNumber).toMatch(/\d/)
  rameshUrl = page.url()
  await expect(page.getByText(`Registered ${rameshNumber}`)).toBeVisible()
  await expect(page.getByText('98765 43210').first()).toBeVisible()

  // Same name and date of birth: the warning names the first record before anything is saved.
  await page.goto(`${hub.url}/#/patients/new`)
  await fillPatientForm(page, { name: 'Ramesh Kumar', dob: '12/03/1985' })
  const warning = page.getByTestId('duplicate-warning')
  await expect(warning).toBeVisible()
  await expect(warning).toContainText('Ramesh Kumar')
  await expect(warning).toContainText(rameshNumber)
  await expect(warning).toContainText('Same name and date of birth')
  await expect(warning.getByRole('link', { name: `Open Ramesh Kumar ${rameshNumber}` })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Register patient' })).toHaveCount(0)
  await screenshot(page, 'patients-02-duplicate-warning')
  expect(await recentCount(hub)).toBe(1)

  // A different person with the same name and birthday: one click saves anyway.
  await page.getByRole('button', { name: 'Save anyway' }).click()
  const second = await expectProfile(page, 'Ramesh Kumar')
  expect(second).not.toBe(rameshNumber)
  secondUrl = page.url()
  secondNumber = second
  expect(await recentCount(hub)).toBe(2)

  // Both are on the list, newest first.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Patients' }).click()
  const list = page.getByRole('table', { name: 'All patients' })
  await expect(list.getByRole('row')).toHaveCount(3)
  await expect(list.getByRole('row').nth(1)).toContainText(second)
  await expect(list.getByRole('row').nth(2)).toContainText(rameshNumber)
  await screenshot(page, 'patients-07-list')
})

test('the header search finds a patient by part of the phone, keyboard only, and an edit shows in history', async ({ page, hub }) => {
  await page.goto(hub.url)
  await signIn(page, STAFF.receptionist)
  await expect(page.getByRole('heading', { name: 'Reception' })).toBeVisible()

  await page.keyboard.press('Control+k')
  const search = page.getByRole('combobox', { name: 'Search patients' })
  await expect(search).toBeFocused()
  await page.keyboard.type('43210')
  const option = page.getByRole('option', { name: new RegExp(`Ramesh Kumar, ${rameshNumber}`) })
  await expect(option).toBeVisible()
  await expect(option).toContainText('98765 43210')
  await expect(option).toContainText('12 Mar 1985')
  await expect(option).toContainText('Phone') // why it matched
  await page.keyboard.press('ArrowDown')
  await expect(option).toHaveAttribute('data-combobox-selected', 'true')
  await screenshot(page, 'patients-03-search-dropdown')
  await page.keyboard.press('Enter')
  await expectProfile(page, 'Ramesh Kumar')
  expect(page.url()).toBe(rameshUrl)
  await expect(search).toHaveValue('')

  await page.getByRole('button', { name: 'Edit' }).click()
  const form = page.getByRole('form', { name: 'Edit patient' })
  await expect(form.getByRole('textbox', { name: 'City', exact: true })).toHaveValue('Kochi')
  await form.getByRole('textbox', { name: 'City', exact: true }).fill('Ernakulam')
  await form.getByRole('button', { name: 'Save changes' }).click()
  await expectProfile(page, 'Ramesh Kumar')
  const contact = page.getByRole('region', { name: 'Contact and address' })
  await expect(contact).toContainText('Ernakulam')
  // Changing one field leaves the others as they were.
  await expect(contact).toContainText('98765 43210')
  await expect(page.getByTestId('allergies')).toContainText('Penicillin (rash), peanuts')
  await expect(page.getByText('born 12 Mar 1985', { exact: false })).toBeVisible()

  await page.getByRole('tab', { name: 'History' }).click()
  const latest = page.getByTestId('history-entry').first()
  await expect(latest).toContainText('Details changed')
  await expect(latest).toContainText('Ravi Kumar')
  await expect(latest).toContainText('City')
  await expect(latest).toContainText('Kochi')
  await expect(latest).toContainText('Ernakulam')
  // Only what changed is listed, field by field.
  await expect(latest.getByRole('row')).toHaveCount(1)
  await expect(page.getByTestId('history-entry').last()).toContainText('Registered')
  await screenshot(page, 'patients-08-history')
})

test('a typo in the name still finds the patient; no match offers registration prefilled', async ({ page, hub }) => {
  await page.goto(hub.url)
  await signIn(page, STAFF.receptionist)
  const search = page.getByRole('combobox', { name: 'Search patients' })
  await page.keyboard.press('/')
  await expect(search).toBeFocused()
  await page.keyboard.type('Rmesh')
  await expect(page.getByRole('option', { name: new RegExp(`Ramesh Kumar, ${rameshNumber}`) })).toBeVisible()

  await search.fill('Lakshmi Nair')
  await expect(page.getByText('No patient matches “Lakshmi Nair”')).toBeVisible()
  await expect(page.getByRole('option', { name: 'Register new patient' })).toBeVisible()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: 'Register patient' })).toBeVisible()
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('Lakshmi Nair')

  // Escape closes the results.
  await page.keyboard.press('Control+k')
  await page.keyboard.type('ramesh')
  await expect(page.getByRole('option').first()).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('option')).toHaveCount(0)
})

test('bad input is marked on each field and nothing is saved', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/patients/new`)
  await signIn(page, STAFF.receptionist)
  await fillPatientForm(page, { name: '', phone: '12345', email: 'ramesh@', dob: '01/01/2099' })
  await page.getByRole('button', { name: 'Register patient' }).click()
  const form = page.getByRole('form', { name: 'Register patient' })
  await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toHaveAttribute('aria-invalid', 'true')
  await expect(form.getByText('Enter the patient’s name')).toBeVisible()
  await expect(form.getByText(/Not a valid phone number for India/)).toBeVisible()
  await expect(form.getByText('Enter a valid email address, like name@example.com')).toBeVisible()
  await expect(form.getByText('Date of birth cannot be in the future')).toBeVisible()
  await screenshot(page, 'patients-04-field-errors')
  await expect(page).toHaveURL(/#\/patients\/new$/)
  expect(await recentCount(hub)).toBe(2)

  // An impossible date is named as such.
  await form.getByRole('textbox', { name: 'Date of birth', exact: true }).fill('31/02/1990')
  await form.getByRole('textbox', { name: 'Date of birth', exact: true }).blur()
  await expect(form.getByText('Enter a real date as DD/MM/YYYY')).toBeVisible()
})

test('a photo can be added; a file that is not an image is refused with a message', async ({ page }) => {
  await page.goto(rameshUrl)
  await signIn(page, STAFF.receptionist)
  await expectProfile(page, 'Ramesh Kumar')
  const file = page.locator('input[type=file]')

  await file.setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are not image bytes\n') })
  await expect(page.getByRole('alert').filter({ hasText: 'Photo not saved' })).toContainText('must be a JPEG, PNG or WebP image')
  await expect(page.getByRole('img', { name: 'Photo of Ramesh Kumar' })).toHaveCount(0)

  await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') })
  await expect(page.getByRole('alert').filter({ hasText: 'notes.txt' })).toContainText('is not a JPEG, PNG or WebP image')

  await file.setInputFiles({ name: 'ramesh.png', mimeType: 'image/png', buffer: pngBuffer() })
  await expect(page.getByRole('img', { name: 'Photo of Ramesh Kumar' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Change photo' })).toBeVisible()
  await expect(page.getByRole('alert').filter({ hasText: 'Photo not saved' })).toHaveCount(0)

  const allergies = page.getByTestId('allergies')
  await expect(allergies).toContainText('Penicillin (rash), peanuts')
  await screenshot(page, 'patients-05-profile-allergies')
})

test('archiving needs a reason, hides the patient from search, and can be undone', async ({ page, hub }) => {
  await page.goto(secondUrl)
  await signIn(page, STAFF.receptionist)
  await expectProfile(page, 'Ramesh Kumar')
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'Archive patient…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Archive Ramesh Kumar?' })
  await dialog.getByRole('button', { name: 'Archive patient' }).click()
  await expect(dialog.getByText('Say why this record is being archived')).toBeVisible()
  await dialog.getByRole('textbox', { name: 'Reason' }).fill('Registered twice by mistake')
  await dialog.getByRole('button', { name: 'Archive patient' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByText(/^Archived on /)).toBeVisible()
  await expect(page.getByRole('button', { name: 'Edit' })).toHaveCount(0)

  await page.keyboard.press('Control+k')
  await page.keyboard.type('Ramesh')
  await expect(page.getByRole('option', { name: new RegExp(rameshNumber) })).toBeVisible()
  await expect(page.getByRole('option', { name: new RegExp(secondNumber) })).toHaveCount(0)
  await page.keyboard.press('Escape')

  await page.getByRole('button', { name: 'Restore', exact: true }).click()
  await expect(page.getByText(/^Archived on /)).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Edit' })).toBeVisible()
  await page.getByRole('tab', { name: 'History' }).click()
  await expect(page.getByTestId('history-entry').first()).toContainText('Restored')
  await expect(page.getByTestId('history-entry').nth(1)).toContainText('Registered twice by mistake')
  expect(await recentCount(hub)).toBe(2)
})

test('a look-alike registered meanwhile at another desk is caught on save', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/patients/new`)
  await signIn(page, STAFF.receptionist)
  await fillPatientForm(page, { name: 'Anita Desai', phone: '91234 56789' })
  await page.waitForTimeout(700) // the live check has run and found nobody
  await expect(page.getByTestId('duplicate-warning')).toHaveCount(0)
  await hub.call('patients.create', { name: 'Anita Desai', phone: '+919123456789' }, adminToken)

  await page.getByRole('button', { name: 'Register patient' }).click()
  const warning = page.getByTestId('duplicate-warning')
  await expect(warning).toContainText('Anita Desai')
  await expect(warning).toContainText('Same phone')
  await expect(page).toHaveURL(/#\/patients\/new$/)
  await expect(page.getByRole('button', { name: 'Save anyway' })).toBeVisible()
})

test('a doctor sees the profile, allergies and history, and may edit only allergies and history', async ({ page, hub }) => {
  await page.goto(rameshUrl)
  await signIn(page, STAFF.doctor)
  await expectProfile(page, 'Ramesh Kumar')
  await expect(page.getByTestId('allergies')).toContainText('Penicillin')
  await expect(page.getByRole('img', { name: 'Photo of Ramesh Kumar' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Edit', exact: true })).toHaveCount(0)
  await expect(page.getByRole('button', { name: /photo/i })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'More actions' })).toHaveCount(0)
  // Doctors record allergies and history, and read who changed what (clinical work).
  await expect(page.getByRole('button', { name: 'Edit allergies and history' })).toBeVisible()
  await expect(page.getByRole('tab', { name: 'History' })).toBeVisible()
  await screenshot(page, 'patients-06-doctor-profile')

  // Search works for doctors too, without the register option.
  await page.keyboard.press('Control+k')
  await page.keyboard.type('Nobody Here')
  await expect(page.getByText('No patient matches “Nobody Here”')).toBeVisible()
  await expect(page.getByRole('option', { name: 'Register new patient' })).toHaveCount(0)
  await page.keyboard.press('Escape')

  // Typing the edit address does not open the form either.
  await page.goto(`${rameshUrl}/edit`)
  await expectProfile(page, 'Ramesh Kumar')
  await expect(page.getByRole('form', { name: 'Edit patient' })).toHaveCount(0)

  await page.goto(`${hub.url}/#/patients/0190aaaa-0000-7000-8000-000000000000`)
  await expect(page.getByRole('heading', { name: 'No such patient' })).toBeVisible()
  await signOut(page)

  // The edit address opened before signing in: signing in lands on the profile, not a blank page.
  await page.goto(`${rameshUrl}/edit`)
  await signIn(page, STAFF.doctor)
  await expectProfile(page, 'Ramesh Kumar')
  await expect(page).toHaveURL(/#\/patients\/[^/]+$/)
  await signOut(page)
})

test('namesakes are told apart by a year of birth or phone digits typed after the name', async ({ page, hub }) => {
  const made: Array<{ number: string }> = []
  for (const [phone, dateOfBirth] of [['98220 14321', '1978-05-12'], ['99822 00000', '1985-02-02'], ['90000 12345', '1979-12-01']]) {
    made.push((await hub.call<{ patient: { number: string } }>('patients.create', { name: 'Gaurav Tiwari', phone, dateOfBirth, allowDuplicate: true }, adminToken)).patient)
  }
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(hub.url)
  await signIn(page, STAFF.receptionist)
  const search = page.getByRole('combobox', { name: 'Search patients' })
  await page.keyboard.press('/')
  await page.keyboard.type('gaurav tiwari')
  await expect(page.getByRole('option', { name: /^Gaurav Tiwari, P-/ })).toHaveCount(3)
  await search.fill('gaurav tiwari 1978')
  await expect(page.getByRole('option', { name: new RegExp(`Gaurav Tiwari, ${made[0].number}`) })).toBeVisible()
  await expect(page.getByRole('option', { name: /^Gaurav Tiwari, P-/ })).toHaveCount(1)
  await screenshot(page, 'patients-09-namesake-by-year')
  await search.fill('tiwari 2345')
  await expect(page.getByRole('option', { name: new RegExp(`Gaurav Tiwari, ${made[2].number}`) })).toBeVisible()
  await expect(page.getByRole('option', { name: /^Gaurav Tiwari, P-/ })).toHaveCount(1)
  // Nobody of that name born then: registering takes the name, not the year.
  await search.fill('gaurav tiwari 1960')
  await expect(page.getByText('No patient matches “gaurav tiwari 1960”')).toBeVisible()
  await page.getByRole('option', { name: 'Register new patient' }).click()
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('gaurav tiwari')
})
