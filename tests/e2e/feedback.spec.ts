import sharp from 'sharp'
import type { Page } from '@playwright/test'
import { expect, screenshot, seedClinic, signIn, STAFF, test } from './fixtures'
import type { HubProcess } from './fixtures'

test.describe.configure({ mode: 'serial' })

const SWITCH = 'Admins may read clinical notes, prescriptions and record files'
const COMPLAINT = 'Waited 90 minutes past my appointment time and nobody told me why'

let seeded: { adminToken: string; deskToken: string; meera: string; arjun: string; patients: string[] } | null = null

async function seed(hub: HubProcess) {
  if (seeded) return seeded
  const { adminToken } = await seedClinic(hub)
  const users = await hub.call<Array<{ id: string; email: string }>>('users.list', {}, adminToken)
  const meera = await hub.call<{ id: string }>('doctors.create', { name: 'Dr. Meera Iyer', specialization: 'General practice', userId: users.find((u) => u.email === STAFF.doctor.email)!.id }, adminToken)
  const arjun = await hub.call<{ id: string }>('doctors.create', { name: 'Dr. Arjun Rao', specialization: 'Paediatrics', login: { email: 'arjun@sunrise.example', password: 'consulting room password' } }, adminToken)
  const patients: string[] = []
  for (const [name, phone] of [
    ['Anita Sharma', '+919812345678'],
    ['Rahul Verma', '+919812345679']
  ])
    patients.push((await hub.call<{ patient: { id: string } }>('patients.create', { name, phone }, adminToken)).patient.id)
  const desk = await hub.call<{ token: string }>('auth.login', STAFF.receptionist)
  seeded = { adminToken, deskToken: desk.token, meera: meera.id, arjun: arjun.id, patients }
  return seeded
}

/** A letterhead logo as a clinic would have one: a coloured mark and the name, as a PNG. */
async function logoPng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="160">
    <rect width="480" height="160" fill="white"/>
    <circle cx="80" cy="80" r="56" fill="#12b886"/>
    <rect x="70" y="44" width="20" height="72" fill="white"/><rect x="44" y="70" width="72" height="20" fill="white"/>
    <text x="160" y="100" font-family="sans-serif" font-size="44" font-weight="bold" fill="#0b7285">Sunrise</text>
  </svg>`
  return sharp(Buffer.from(svg)).png().toBuffer()
}

async function openAdmin(page: Page, hub: HubProcess, tab: string) {
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(`${hub.url}/#/admin`)
  await signIn(page, STAFF.admin)
  await page.getByRole('tab', { name: tab }).click()
}

test('the admin uploads a letterhead logo and sees it, and lets admins read clinical records', async ({ page, hub }) => {
  const { adminToken } = await seed(hub)
  await openAdmin(page, hub, 'Clinic')
  const section = page.getByRole('region', { name: 'Letterhead logo' })
  await expect(section.getByText('Printed at the top of prescriptions')).toBeVisible()
  await expect(section.getByText('No logo')).toBeVisible()

  // Too large: refused on this PC, before anything is sent.
  let chooser = page.waitForEvent('filechooser')
  await section.getByRole('button', { name: 'Upload logo' }).click()
  await (await chooser).setFiles({ name: 'huge-logo.png', mimeType: 'image/png', buffer: Buffer.alloc(3 * 1024 * 1024, 1) })
  await expect(section.getByRole('alert')).toContainText('huge-logo.png is 3.0 MB; the logo may be at most 2 MB')

  chooser = page.waitForEvent('filechooser')
  await section.getByRole('button', { name: 'Upload logo' }).click()
  await (await chooser).setFiles({ name: 'sunrise-logo.png', mimeType: 'image/png', buffer: await logoPng() })
  const preview = section.getByRole('img', { name: "The clinic's letterhead logo" })
  await expect(preview).toBeVisible()
  expect(await preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0)
  await expect(section.getByRole('alert')).toHaveCount(0)
  await expect(section.getByRole('button', { name: 'Replace logo' })).toBeVisible()
  await expect(section.getByRole('button', { name: 'Remove logo' })).toBeVisible()
  expect((await hub.call<{ clinicLogo: string | null }>('settings.get', {}, adminToken)).clinicLogo).toMatch(/^[0-9a-f]{64}$/)
  // The logo is saved on its own: the settings form has nothing unsaved.
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeDisabled()

  // Clinical access for admins: off by default, saved with the other settings.
  const access = page.getByRole('switch', { name: SWITCH })
  await access.scrollIntoViewIfNeeded()
  await expect(access).not.toBeChecked()
  await access.check()
  await expect(access).toBeChecked()
  await page.getByRole('button', { name: 'Save settings' }).click()
  await expect(page.getByText('Clinic settings updated')).toBeVisible()
  expect((await hub.call<{ adminsSeeClinical: boolean }>('settings.get', {}, adminToken)).adminsSeeClinical).toBe(true)

  await page.reload()
  await expect(page.getByRole('switch', { name: SWITCH })).toBeChecked()
  await expect(page.getByRole('region', { name: 'Letterhead logo' }).getByRole('img', { name: "The clinic's letterhead logo" })).toBeVisible()
  await screenshot(page, 'clinic-logo')

  // Removed, and back again for the prescriptions other specs print.
  await page.getByRole('region', { name: 'Letterhead logo' }).getByRole('button', { name: 'Remove logo' }).click()
  await expect(page.getByRole('region', { name: 'Letterhead logo' }).getByText('No logo')).toBeVisible()
  expect((await hub.call<{ clinicLogo: string | null }>('settings.get', {}, adminToken)).clinicLogo).toBeNull()
})

test('the desk records feedback and the admin sees averages per doctor and the complaint', async ({ page, hub }) => {
  const { deskToken, meera, arjun, patients } = await seed(hub)
  await openAdmin(page, hub, 'Feedback')
  await expect(page.getByText('No feedback yet')).toBeVisible()

  // A complaint needs a comment.
  await expect(hub.call('feedback.record', { patientId: patients[0], doctorId: meera, type: 'complaint', rating: 1, comment: '' }, deskToken)).rejects.toThrow(/comment/)

  const record = (input: Record<string, unknown>) => hub.call('feedback.record', input, deskToken)
  await record({ patientId: patients[0], doctorId: meera, type: 'good', rating: 5, comment: 'Very kind and explained everything clearly' })
  await record({ patientId: patients[1], doctorId: meera, type: 'good', rating: 4, comment: '' })
  await record({ patientId: patients[1], doctorId: meera, type: 'complaint', rating: 2, comment: COMPLAINT })
  await record({ patientId: patients[0], doctorId: arjun, type: 'suggestion', rating: 4, comment: 'Please keep a few toys in the waiting area for the children' })
  await record({ patientId: patients[0], doctorId: null, type: 'good', rating: 3, comment: 'Clean clinic' })

  // The open report follows the new feedback by itself.
  const table = page.getByRole('table', { name: 'Feedback per doctor' })
  const meeraRow = table.getByRole('row', { name: /Dr\. Meera Iyer/ })
  await expect(meeraRow).toBeVisible()
  await expect(meeraRow.getByRole('cell').nth(1)).toHaveText('3')
  await expect(meeraRow.getByRole('img', { name: '3.7 out of 5' })).toBeVisible()
  await expect(meeraRow.getByLabel('1 complaint')).toBeVisible()
  const arjunRow = table.getByRole('row', { name: /Dr\. Arjun Rao/ })
  await expect(arjunRow.getByRole('cell').nth(1)).toHaveText('1')
  await expect(arjunRow.getByRole('img', { name: '4 out of 5' })).toBeVisible()
  await expect(arjunRow.getByRole('cell').nth(3)).toHaveText('0')
  await expect(table.getByRole('row', { name: /The clinic in general/ }).getByRole('img', { name: '3 out of 5' })).toBeVisible()
  // Sorted by how much feedback each has.
  await expect(table.getByRole('row').nth(1)).toContainText('Dr. Meera Iyer')

  await expect(page.getByRole('region', { name: 'Overall rating' }).getByRole('img', { name: '3.6 out of 5' })).toBeVisible()
  await expect(page.getByTestId('feedback-count')).toHaveText('5')
  await expect(page.getByRole('region', { name: 'Complaints' })).toContainText('1')

  const complaint = page.getByRole('listitem', { name: 'Complaint from Rahul Verma' })
  await expect(complaint).toContainText(COMPLAINT)
  await expect(complaint).toContainText('Dr. Meera Iyer')
  await expect(complaint).toContainText('recorded by Ravi Kumar')
  await expect(page.getByRole('listitem', { name: 'Suggestion from Anita Sharma' })).toContainText('Dr. Arjun Rao')
  await screenshot(page, 'feedback-report')

  // Other presets still include today's feedback.
  await page.getByText('All time', { exact: true }).click()
  await expect(page.getByTestId('feedback-count')).toHaveText('5')
  await page.getByText('This year', { exact: true }).click()
  await expect(page.getByTestId('feedback-count')).toHaveText('5')
  // Dates before any feedback: an empty period, not an empty clinic.
  await page.getByRole('textbox', { name: 'From', exact: true }).fill('01/01/2020')
  await page.getByRole('textbox', { name: 'To', exact: true }).fill('31/01/2020')
  await page.keyboard.press('Tab')
  await expect(page.getByRole('textbox', { name: 'To', exact: true })).toHaveValue('31 Jan 2020')
  await expect(page.getByText('No feedback in these dates')).toBeVisible()
  await page.getByRole('button', { name: 'Show all time' }).click()
  await expect(page.getByTestId('feedback-count')).toHaveText('5')
})

test('a receptionist may record feedback but not read the report', async ({ hub }) => {
  const { deskToken } = await seed(hub)
  const res = await fetch(`${hub.url}/api/feedback.summary`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${deskToken}` },
    body: JSON.stringify({})
  })
  expect(res.status).toBe(403)
  const body = (await res.json()) as { ok: boolean; error: { code: string } }
  expect(body.ok).toBe(false)
  expect(body.error.code).toBe('FORBIDDEN')
})
