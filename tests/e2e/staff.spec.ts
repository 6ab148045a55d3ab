import { expect, screenshot, seedClinic, signIn, STAFF, test } from './fixtures'

test.describe.configure({ mode: 'serial' })

let adminToken = ''
test.beforeAll(async ({ hub }) => {
  ;({ adminToken } = await seedClinic(hub))
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

test('the screen locks with Ctrl+L and after the idle limit, and unlocks with the password, the half-typed form intact', async ({ page, hub }) => {
  // Back from the test before, which deactivated them.
  const ravi = (await hub.call<Array<{ id: string; email: string }>>('users.list', {}, adminToken)).find((u) => u.email === STAFF.receptionist.email)!
  await hub.call('users.setActive', { id: ravi.id, active: true }, adminToken)
  await page.clock.install()
  await page.goto(`${hub.url}/#/patients/new`)
  await signIn(page, STAFF.receptionist)
  const form = page.getByRole('form', { name: 'Register patient' })
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Half Typed Person')
  await page.keyboard.press('Control+L')
  const locked = page.getByRole('form', { name: 'Unlock the screen' })
  await expect(locked).toBeVisible()
  await screenshot(page, 'staff-02-locked')
  await locked.locator('input[type="password"]').fill('not my password at all')
  await locked.getByRole('button', { name: 'Unlock' }).click()
  await expect(locked.getByText('Email or password is incorrect')).toBeVisible()
  await locked.locator('input[type="password"]').fill(STAFF.receptionist.password)
  await locked.getByRole('button', { name: 'Unlock' }).click()
  await expect(locked).toBeHidden()
  await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('Half Typed Person')

  // Idle past the clinic's limit (30 minutes by default): it locks by itself, input kept.
  await page.clock.fastForward('31:00')
  await expect(locked).toBeVisible()
  await locked.locator('input[type="password"]').fill(STAFF.receptionist.password)
  await locked.getByRole('button', { name: 'Unlock' }).click()
  await expect(locked).toBeHidden()
  await expect(form.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('Half Typed Person')
})

test('the admin sees who can do what, in words, as the core enforces it', async ({ page, hub }) => {
  await page.goto(`${hub.url}/#/admin`)
  await signIn(page, STAFF.admin)
  await page.getByRole('tab', { name: 'Who can do what' }).click()
  const table = page.getByRole('table', { name: 'Who can do what' })
  const merge = table.getByRole('row', { name: /Merge a duplicate patient record/ })
  await expect(merge.getByRole('cell', { name: 'Admin: allowed' })).toBeVisible()
  await expect(merge.getByRole('cell', { name: 'Receptionist: not allowed' })).toBeVisible()
  const book = table.getByRole('row', { name: /^Book an appointment/ })
  await expect(book.getByRole('cell', { name: 'Receptionist: allowed' })).toBeVisible()
  await expect(book.getByRole('cell', { name: 'Doctor: not allowed' })).toBeVisible()
  await screenshot(page, 'staff-03-permissions')
})
