import { expect, screenshot, seedClinic, signIn, STAFF, test } from './fixtures'

test.describe.configure({ mode: 'serial' })

test.beforeAll(async ({ hub }) => {
  await seedClinic(hub)
})

test('the admin resets a password: the receptionist must choose a new one before anything else', async ({ page, browser, hub }) => {
  const admin = await (await browser.newContext()).newPage()
  await admin.goto(`${hub.url}/#/admin`)
  await signIn(admin, STAFF.admin)
  await admin.getByRole('tab', { name: 'Staff accounts' }).click()
  await admin.getByRole('row', { name: /Ravi Kumar/ }).getByRole('button', { name: 'Manage' }).click()
  const manage = admin.getByRole('dialog', { name: 'Manage Ravi Kumar' })
  await manage.getByLabel('Temporary password').fill('temporary front desk')
  await manage.getByRole('button', { name: 'Reset password' }).click()
  await expect(admin.getByRole('row', { name: /Ravi Kumar/ })).toContainText('Password reset')
  await screenshot(admin, 'staff-01-manage')

  await page.goto(hub.url)
  await signIn(page, { email: STAFF.receptionist.email, password: 'temporary front desk' }).catch(() => undefined)
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible()
  await page.getByLabel('Current password').fill('temporary front desk')
  await page.getByLabel('New password').fill(STAFF.receptionist.password)
  await page.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByRole('heading', { name: 'Reception' })).toBeVisible()
  await admin.context().close()
})

test('deactivating a receptionist signs their open window out within a second', async ({ page, browser, hub }) => {
  await page.goto(`${hub.url}/#/patients`)
  await signIn(page, STAFF.receptionist)
  const admin = await (await browser.newContext()).newPage()
  await admin.goto(`${hub.url}/#/admin`)
  await signIn(admin, STAFF.admin)
  await admin.getByRole('tab', { name: 'Staff accounts' }).click()
  await admin.getByRole('row', { name: /Ravi Kumar/ }).getByRole('button', { name: 'Manage' }).click()
  await admin.getByRole('dialog', { name: 'Manage Ravi Kumar' }).getByRole('button', { name: 'Deactivate' }).click()
  await expect(admin.getByRole('row', { name: /Ravi Kumar/ })).toContainText('Deactivated')
  // The receptionist's screen goes back to sign-in by itself.
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible({ timeout: 1500 })
  await expect(page.getByText('Your session has ended')).toBeVisible()
  await admin.context().close()
})
