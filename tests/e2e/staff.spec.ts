import { Secret, TOTP } from 'otpauth'
import type { Page } from '@playwright/test'
import { expect, screenshot, seedClinic, signIn, signOut, STAFF, test } from './fixtures'

/** The code an authenticator app shows for this key, `ahead` steps of 30 seconds from now. */
const codeFor = (key: string, ahead = 0) => new TOTP({ secret: Secret.fromBase32(key.replace(/\s/g, '')), digits: 6, period: 30 }).generate({ timestamp: Date.now() + ahead * 30_000 })

/** Sets up two-factor sign-in in the open dialog or screen, as a person with the app would; gives the key and recovery codes. */
async function enrolTotp(page: Page, password: string) {
  const form = page.getByRole('form', { name: 'Set up two-factor sign-in' })
  await expect(form.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible()
  const key = (await form.getByTestId('totp-key').textContent())!
  await form.getByLabel('Code from the app').fill(codeFor(key))
  await form.getByLabel('Your password').fill(password)
  await form.getByRole('button', { name: 'Turn on' }).click()
  const codes = page.getByRole('region', { name: 'Recovery codes' }).or(page.locator('[aria-label="Recovery codes"]'))
  await expect(codes.getByText('Two-factor sign-in is on')).toBeVisible()
  const recovery = await codes.locator('code').allTextContents()
  expect(recovery).toHaveLength(10)
  return { key, recovery, done: () => codes.getByRole('button', { name: 'I have kept them' }).click() }
}

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

test('the receptionist turns on two-factor sign-in: the password alone no longer opens the account, the app\'s code does, and the admin can reset it', async ({ page, browser, hub }) => {
  await page.goto(hub.url)
  await signIn(page, STAFF.receptionist)
  await page.getByRole('button', { name: 'Account menu' }).click()
  await page.getByRole('menuitem', { name: /Two-factor sign-in/ }).click()
  await expect(page.getByRole('form', { name: 'Set up two-factor sign-in' })).toBeVisible()
  await screenshot(page, 'staff-04-two-factor-setup')
  const { key, recovery, done } = await enrolTotp(page, STAFF.receptionist.password)
  await screenshot(page, 'staff-05-recovery-codes')
  await done()
  await signOut(page)

  // Password alone: asked for the code. A wrong code is refused by name; the next step's code signs in.
  await page.getByLabel('Email').fill(STAFF.receptionist.email)
  await page.getByLabel('Password', { exact: true }).fill(STAFF.receptionist.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  const code = page.getByLabel('Authenticator code')
  await expect(code).toBeFocused()
  await code.fill(String((Number(codeFor(key, 1)) + 1) % 1_000_000).padStart(6, '0'))
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page.getByText('That code is not right, or was used already')).toBeVisible()
  await screenshot(page, 'staff-06-wrong-code')
  await code.fill(codeFor(key, 1))
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible()
  await signOut(page)

  // A recovery code instead of the phone.
  await page.getByLabel('Email').fill(STAFF.receptionist.email)
  await page.getByLabel('Password', { exact: true }).fill(STAFF.receptionist.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click()
  await page.getByLabel('Recovery code').fill(recovery[0])
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible()

  // The phone is lost: the admin resets it, and the reset is in the journal.
  const admin = await (await browser.newContext()).newPage()
  await admin.goto(`${hub.url}/#/admin`)
  await signIn(admin, STAFF.admin)
  await admin.getByRole('tab', { name: 'Staff accounts' }).click()
  const row = admin.getByRole('row', { name: /Ravi Kumar/ })
  await expect(row).toContainText('Two-factor')
  await row.getByRole('button', { name: 'Manage' }).click()
  await admin.getByRole('dialog', { name: 'Manage Ravi Kumar' }).getByRole('button', { name: 'Reset two-factor' }).click()
  await expect(row).not.toContainText('Two-factor')
  await admin.keyboard.press('Escape')
  await admin.getByRole('tab', { name: 'Journal' }).click()
  await expect(admin.getByText(/lost second factor/i).first()).toBeVisible()
  await admin.context().close()
  await signOut(page)
  await signIn(page, STAFF.receptionist)
})

test('a clinic that requires two-factor sign-in for everyone sends a doctor without it to set it up first', async ({ page, hub }) => {
  // The admin enrols first (the hub is shared with later files: the setting is put back after).
  const { secret } = await hub.call<{ secret: string }>('auth.twoFactorSetup', {}, adminToken)
  await hub.call('auth.twoFactorEnable', { secret, totpCode: codeFor(secret), password: STAFF.admin.password }, adminToken)
  await hub.call('settings.update', { twoFactorRequired: 'everyone' }, adminToken)
  try {
    await page.setViewportSize({ width: 1366, height: 768 })
    await page.goto(hub.url)
    await page.getByLabel('Email').fill(STAFF.doctor.email)
    await page.getByLabel('Password', { exact: true }).fill(STAFF.doctor.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('heading', { name: 'Set up two-factor sign-in' })).toBeVisible()
    await screenshot(page, 'staff-07-required-setup')
    const { done } = await enrolTotp(page, STAFF.doctor.password)
    await done()
    await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible()
  } finally {
    await hub.call('settings.update', { twoFactorRequired: 'nobody' }, adminToken)
    await hub.call('auth.twoFactorDisable', { password: STAFF.admin.password }, adminToken)
  }
})

test("the admin builds the clinic's own role, a billing clerk who may find patients but not register them, and the core holds them to it", async ({ page, browser, hub }) => {
  await page.goto(`${hub.url}/#/admin`)
  await signIn(page, STAFF.admin)
  await page.getByRole('tab', { name: 'Who can do what' }).click()
  await page.getByRole('button', { name: 'New role' }).click()
  const editor = page.getByRole('form', { name: 'Role' })
  await editor.getByRole('textbox', { name: 'Name', exact: true }).fill('Billing clerk')
  // Starting from a receptionist ticks what a receptionist may do; untick registering patients.
  await expect(editor.getByRole('checkbox', { name: 'Register a patient' })).toBeChecked()
  await editor.getByRole('checkbox', { name: 'Register a patient' }).uncheck()
  await screenshot(page, 'staff-08-role-editor')
  await editor.getByRole('button', { name: 'Save role' }).click()
  const table = page.getByRole('table', { name: 'Who can do what' })
  await expect(table.getByRole('columnheader', { name: 'Billing clerk' })).toBeVisible()
  const register = table.getByRole('row', { name: /^Register a patient/ })
  await expect(register.getByRole('cell', { name: 'Billing clerk: not allowed' })).toBeVisible()
  await expect(table.getByRole('row', { name: /^Find patients/ }).getByRole('cell', { name: 'Billing clerk: allowed' })).toBeVisible()
  await screenshot(page, 'staff-09-permissions-with-role')

  await page.getByRole('tab', { name: 'Staff accounts' }).click()
  await page.getByRole('button', { name: 'Add staff account' }).click()
  const form = page.getByRole('form', { name: 'New staff account' })
  await form.getByLabel('Name').fill('Kiran Shah')
  await form.getByLabel('Email').fill('kiran@sunrise.example')
  await form.getByLabel('Role', { exact: true }).click()
  await page.getByRole('option', { name: 'Billing clerk' }).click()
  await form.getByLabel('First password').fill('billing desk password')
  await form.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByRole('row', { name: /Kiran Shah/ })).toContainText('Billing clerk')

  const clerk = await (await browser.newContext()).newPage()
  await clerk.goto(`${hub.url}/#/patients`)
  await signIn(clerk, { email: 'kiran@sunrise.example', password: 'billing desk password' })
  await expect(clerk.getByRole('heading', { name: 'Patients', exact: true })).toBeVisible()
  await expect(clerk.getByRole('button', { name: /Register patient/ })).toHaveCount(0)
  // Not just a hidden button: the hub refuses the call itself.
  const session = await hub.call<{ token: string }>('auth.login', { email: 'kiran@sunrise.example', password: 'billing desk password' })
  await expect(hub.call('patients.create', { name: 'Someone New', phone: '9876543210' }, session.token)).rejects.toThrow(/Billing clerk may not do this/)
  await clerk.context().close()
})
