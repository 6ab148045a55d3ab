import { ADMIN, expect, screenshot, seedClinic, signIn, signOut, STAFF, startHubProcess, test } from './fixtures'

test.describe.configure({ mode: 'serial' })

test('a new clinic is set up from the first-run wizard and its admin lands in the shell', async ({ page, hub }) => {
  await page.goto(hub.url)
  await expect(page.getByRole('heading', { name: 'Welcome to DocSpot' })).toBeVisible()
  await screenshot(page, 'foundation-01-setup-clinic')

  // Next without a clinic name: the field says what is missing.
  await page.getByRole('button', { name: 'Next' }).click()
  await expect(page.getByText('Enter the clinic name')).toBeVisible()

  await page.getByLabel('Clinic name').fill('Sunrise Family Clinic')
  await page.getByLabel('City').fill('Kochi')
  // This browser runs on a server (UTC): nothing is guessed; the country sets the time zone and currency.
  await expect(page.getByRole('combobox', { name: 'Time zone' })).toHaveValue('')
  await page.getByRole('combobox', { name: 'Country' }).click()
  await page.getByRole('combobox', { name: 'Country' }).fill('India')
  await page.getByRole('option', { name: 'India (IN)' }).click()
  await expect(page.getByRole('combobox', { name: 'Time zone' })).toHaveValue('Asia/Kolkata')
  await expect(page.getByRole('combobox', { name: 'Currency' })).toHaveValue('INR')
  await page.getByRole('button', { name: 'Next' }).click()

  await page.getByLabel('Your name').fill(ADMIN.name)
  await page.getByLabel('Email').fill(ADMIN.email)
  await page.getByLabel(/^Password/).fill('short')
  await page.getByLabel('Repeat password').fill('short')
  await page.getByRole('button', { name: 'Create clinic' }).click()
  await expect(page.getByText('Use at least 12 characters')).toBeVisible()
  await screenshot(page, 'foundation-02-setup-admin-error')

  await page.getByLabel(/^Password/).fill(ADMIN.password)
  await page.getByLabel('Repeat password').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Create clinic' }).click()

  await expect(page.getByTestId('current-role')).toHaveText('Admin')
  await expect(page.getByText('Sunrise Family Clinic')).toBeVisible()
  await expect(page.getByTestId('connection')).toHaveText('Connected')
  const nav = page.getByRole('navigation', { name: 'Main navigation' })
  for (const area of ['Reception', 'Doctor', 'Patients', 'Admin']) await expect(nav.getByRole('link', { name: area })).toBeVisible()
  await screenshot(page, 'foundation-03-admin-shell')
})

test('the admin adds a receptionist and a doctor, then signs out', async ({ page, hub }) => {
  await page.goto(hub.url)
  await signIn(page, STAFF.admin)
  await page.getByRole('link', { name: 'Admin' }).click()
  await page.getByRole('tab', { name: 'Staff accounts' }).click()

  const accounts = [
    { name: 'Ravi Kumar', ...STAFF.receptionist, role: 'Receptionist' },
    { name: 'Dr. Meera Iyer', ...STAFF.doctor, role: 'Doctor' }
  ]
  for (const account of accounts) {
    await page.getByRole('button', { name: 'Add staff account' }).click()
    const form = page.getByRole('dialog', { name: 'Add staff account' })
    await form.getByLabel('Name').fill(account.name)
    await form.getByLabel('Email').fill(account.email)
    await form.getByRole('combobox', { name: 'Role' }).click()
    await page.getByRole('option', { name: account.role }).click()
    await form.getByLabel('First password').fill(account.password)
    await form.getByRole('button', { name: 'Create account' }).click()
    await expect(form).toBeHidden()
    await expect(page.getByRole('row', { name: new RegExp(account.name) })).toContainText(account.role)
  }
  await screenshot(page, 'foundation-04-staff')
  await signOut(page)
})

test('a wrong password is refused with a clear message', async ({ page, hub }) => {
  await page.goto(hub.url)
  await page.getByLabel('Email').fill(STAFF.admin.email)
  await page.getByLabel('Password', { exact: true }).fill('not the password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect')
  await screenshot(page, 'foundation-05-login-error')
})

test('each role sees only its own areas', async ({ page, hub }) => {
  await page.goto(hub.url)
  const nav = page.getByRole('navigation', { name: 'Main navigation' })

  await signIn(page, STAFF.receptionist)
  await expect(page.getByTestId('current-role')).toHaveText('Receptionist')
  await expect(page.getByRole('heading', { name: 'Reception' })).toBeVisible()
  await expect(nav.getByRole('link')).toHaveText(['Reception', 'Queue', 'Calendar', 'Waitlist', 'Messages', 'Patients'])
  // Typing the admin address does not open it either.
  await page.goto(`${hub.url}/#/admin`)
  await expect(page.getByRole('heading', { name: 'Reception' })).toBeVisible()
  await screenshot(page, 'foundation-06-receptionist-shell')
  await signOut(page)

  await signIn(page, STAFF.doctor)
  await expect(page.getByTestId('current-role')).toHaveText('Doctor')
  await expect(nav.getByRole('link')).toHaveText(['Doctor', 'Calendar', 'Waitlist', 'Patients'])
  await expect(page.getByRole('heading', { name: 'Doctor', exact: true })).toBeVisible()
  await screenshot(page, 'foundation-07-doctor-shell')
  await signOut(page)
})

test('the theme toggle switches between light and dark', async ({ page, hub }) => {
  await page.goto(hub.url)
  await signIn(page, STAFF.admin)
  const html = page.locator('html')
  const before = await html.getAttribute('data-mantine-color-scheme')
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click()
  await expect(html).not.toHaveAttribute('data-mantine-color-scheme', before!)
  await screenshot(page, 'foundation-08-dark-theme')
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click()
  await expect(html).toHaveAttribute('data-mantine-color-scheme', before!)
})

test('the connection indicator shows when the hub goes away', async ({ page }) => {
  // A hub of its own, so stopping it does not disturb the other tests.
  const hub = await startHubProcess()
  await seedClinic(hub)
  await page.goto(hub.url)
  await signIn(page, STAFF.admin)
  await expect(page.getByTestId('connection')).toHaveText('Connected')
  await hub.stop()
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await expect(page.getByRole('alert').filter({ hasText: 'Cannot reach the DocSpot hub' })).toContainText('Nothing you change now is being saved')
  await screenshot(page, 'foundation-09-offline')
})
