import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { PDFDocument } from 'pdf-lib'
import { expect, screenshot, seedClinic, signIn, signOut, STAFF, test } from './fixtures'
import type { HubProcess } from './fixtures'

test.describe.configure({ mode: 'serial' })

const PATIENT = 'अनिता शर्मा'

/** A lab report as a real two-page PDF, as a lab would send it. */
async function labReport(): Promise<Buffer> {
  const pdf = await PDFDocument.create()
  for (const line of ['Complete blood count: Hb 12.9 g/dL', 'Page two: platelets 2.4 lakh']) {
    const page = pdf.addPage([420, 595])
    page.drawText(line, { x: 40, y: 520, size: 14 })
  }
  return Buffer.from(await pdf.save())
}

/** What the user sees: the window, not the whole scrolled page (whose fixed header would land mid-page). */
async function view(page: import('@playwright/test').Page, name: string): Promise<void> {
  mkdirSync('test-results/screens', { recursive: true })
  await page.screenshot({ path: `test-results/screens/${name}.png`, animations: 'disabled' })
}

let seeded: { adminToken: string; patientId: string; deskToken: string } | null = null

async function seed(hub: HubProcess) {
  if (seeded) return seeded
  const { adminToken } = await seedClinic(hub)
  await hub.call('settings.update', { clinicPhone: '+91 80 4123 4567', clinicAddress: { line: '12 MG Road', city: 'Bengaluru', state: 'Karnataka', postalCode: '560001', country: 'India' } }, adminToken)
  const users = await hub.call<Array<{ id: string; email: string }>>('users.list', {}, adminToken)
  const doctor = await hub.call<{ id: string }>(
    'doctors.create',
    { name: 'Dr. Meera Iyer', specialization: 'General practice', qualifications: 'MBBS, MD (General Medicine)', registrationNumber: 'KMC 54321', userId: users.find((u) => u.email === STAFF.doctor.email)!.id },
    adminToken
  )
  // Hours all day, every day, so a walk-in's token and a follow-up always find the doctor in.
  await hub.call('availability.setWeekly', { doctorId: doctor.id, sessions: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:55', slotMinutes: 15 })) }, adminToken)
  await hub.call('appointmentTypes.save', { name: 'Consultation', durationMinutes: 15 }, adminToken)
  const { patient } = await hub.call<{ patient: { id: string } }>('patients.create', { name: PATIENT, gender: 'female', dateOfBirth: '1988-04-12', phone: '+919812345678', allergies: 'Penicillin (rash)' }, adminToken)
  // An earlier consultation, so the chart has a trend and a prescription to repeat.
  const doctorSession = await hub.call<{ token: string }>('auth.login', STAFF.doctor)
  const earlier = await hub.call<{ id: string; version: number }>('visits.open', { patientId: patient.id }, doctorSession.token)
  const saved = await hub.call<{ version: number }>(
    'visits.save',
    { id: earlier.id, version: earlier.version, chiefComplaint: 'Follow-up of blood sugar', vitals: { weightKg: 64, heightCm: 160, bpSystolic: 132, bpDiastolic: 86, sugarMgDl: 126, sugarContext: 'fasting' }, items: [{ drugName: 'Metformin', strength: '500 mg', form: 'tablet', frequency: '1-0-1', duration: '30 days' }] },
    doctorSession.token
  )
  await hub.call('visits.sign', { id: earlier.id, version: saved.version }, doctorSession.token)
  const desk = await hub.call<{ token: string }>('auth.login', STAFF.receptionist)
  await hub.call('queue.issueToken', { patientId: patient.id, doctorId: doctor.id }, desk.token)
  seeded = { adminToken, patientId: patient.id, deskToken: desk.token }
  return seeded
}

test('a doctor sees the first patient of the day from the queue to a signed note, a printed prescription and a previewed lab report', async ({ page, hub }) => {
  await seed(hub)
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(hub.url)
  await signIn(page, STAFF.doctor)
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Doctor' }).click()
  const queue = page.getByRole('region', { name: 'Your queue' })
  await expect(queue.getByTestId('now-serving')).toContainText(`Next: token 1, ${PATIENT}`)
  await queue.getByRole('button', { name: 'Call next' }).click()
  await queue.getByRole('button', { name: 'Open visit' }).click()

  // The visit: the allergy is in red at the top before anything is typed.
  await expect(page.getByLabel('Allergies').getByText('Penicillin (rash)')).toBeVisible()
  await page.getByLabel('Chief complaint').fill('Sore throat and fever for 3 days')
  const vitals = page.getByRole('region', { name: 'Vitals' })
  await vitals.getByLabel('Weight (kg)').fill('62.5')
  await vitals.getByLabel('Height (cm)').fill('160')
  await expect(vitals.getByText('BMI 24.4')).toBeVisible()
  await vitals.getByLabel('Pulse (/min)').fill('400')
  await expect(vitals.getByText('Must be between 20 and 250 /min')).toBeVisible()
  await vitals.getByLabel('Pulse (/min)').fill('96')
  await vitals.getByLabel('BP (mmHg)').fill('118')
  await vitals.getByLabel('BP diastolic (mmHg)').fill('76')
  await vitals.getByLabel('Temperature (°C)').fill('38.4')
  await page.getByLabel('Subjective').fill('Painful swallowing, no cough.')
  await page.getByLabel('Objective').fill('Tonsils enlarged with exudate. No rash.')
  await page.getByLabel('Assessment').fill('Acute bacterial tonsillitis')
  await page.getByLabel('Plan').fill('Antibiotic for 5 days, paracetamol as needed.')
  await page.getByRole('button', { name: 'Add diagnosis' }).click()
  await page.getByLabel('Diagnosis 1', { exact: true }).fill('Acute tonsillitis')
  await page.getByLabel('Code 1', { exact: true }).fill('J03.9')

  // Two drugs; the first matches the recorded allergy.
  const rx = page.getByRole('region', { name: 'Prescription' })
  await rx.getByRole('button', { name: 'Add drug', exact: true }).click()
  await rx.getByLabel('Drug 1', { exact: true }).fill('Amoxicillin')
  await rx.getByLabel('Strength 1', { exact: true }).fill('500 mg')
  await rx.getByLabel('Form 1', { exact: true }).fill('capsule')
  await rx.getByLabel('Dose 1', { exact: true }).fill('1 capsule')
  await rx.getByLabel('Frequency 1', { exact: true }).fill('1-0-1')
  await expect(rx.getByText('morning and night')).toBeVisible()
  await rx.getByLabel('Duration 1', { exact: true }).fill('5 days')
  await expect(rx.getByRole('alert')).toContainText('Amoxicillin matches the allergy “Penicillin (rash)”')
  await rx.getByRole('button', { name: 'Add drug', exact: true }).click()
  await rx.getByLabel('Drug 2', { exact: true }).fill('Paracetamol')
  await rx.getByLabel('Strength 2', { exact: true }).fill('650 mg')
  await rx.getByLabel('Frequency 2', { exact: true }).fill('SOS')
  await rx.getByLabel('Instructions 2', { exact: true }).fill('For fever above 38.5 °C, at most 4 a day')
  // Her usual drug, from the last signed prescription, in one action.
  await rx.getByRole('button', { name: 'Repeat last prescription' }).click()
  await expect(rx.getByLabel('Drug 3', { exact: true })).toHaveValue('Metformin')
  await expect(rx.getByLabel('Frequency 3', { exact: true })).toHaveValue('1-0-1')
  await page.getByRole('textbox', { name: 'Advice' }).fill('Warm saline gargles. Plenty of fluids.')
  await page.getByRole('button', { name: '1 week' }).click()
  await view(page, 'clinical-01-visit-allergy-warning')

  // Saving asks about the allergy; the doctor confirms and the confirmation is kept.
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Allergy warning' })
  await expect(dialog).toContainText('Amoxicillin matches the allergy “Penicillin (rash)”')
  await dialog.getByRole('button', { name: 'Prescribe anyway' }).click()
  await expect(page.getByText(/^Saved \d\d:\d\d$/)).toBeVisible()
  await expect(rx.getByText('Prescribed despite an allergy (confirmed)')).toBeVisible()

  // The prescription PDF: saved, read back, and looked at.
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download prescription PDF' }).click()
  mkdirSync('test-results/screens', { recursive: true })
  const pdfPath = 'test-results/screens/clinical-prescription.pdf'
  await (await download).saveAs(pdfPath)
  const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' })
  expect(text).toContain('Sunrise Family Clinic')
  expect(text).toContain('12 MG Road')
  expect(text).toContain('KMC 54321')
  expect(text).toContain('Amoxicillin')
  expect(text).toContain('Paracetamol')
  expect(text).toContain('Metformin')
  expect(text).toContain('Warm saline gargles')
  // The Devanagari name is real text (its letters, in whatever order the shaping left them).
  for (const letter of ['अ', 'न', 'त', 'श', 'म']) expect(text).toContain(letter)
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdfPath, 'test-results/screens/clinical-03-prescription'])
  expect(readFileSync('test-results/screens/clinical-03-prescription.png').length).toBeGreaterThan(10_000)

  // A lab report: dropped in, previewed page by page.
  const records = page.getByRole('region', { name: 'Medical records' })
  await records.locator('input[type="file"]').setInputFiles({ name: 'cbc-report.pdf', mimeType: 'application/pdf', buffer: await labReport() })
  const add = page.getByRole('dialog', { name: 'Add a medical record' })
  await add.getByLabel('Name').fill('CBC report')
  await add.getByLabel('Type').click()
  await page.getByRole('option', { name: 'Lab report' }).click()
  await add.getByLabel('Hospital or lab').fill('City Diagnostics')
  await add.getByRole('button', { name: /upload|add record|save/i }).last().click()
  await expect(records.getByText('CBC report')).toBeVisible()
  await records.getByRole('button', { name: /preview/i }).first().click()
  const preview = page.getByRole('dialog', { name: /CBC report/ })
  await expect(preview.getByText('Page 1 of 2')).toBeVisible()
  await expect(preview.locator('canvas')).toBeVisible()
  await preview.getByRole('button', { name: /next/i }).click()
  await expect(preview.getByText('Page 2 of 2')).toBeVisible()
  await view(page, 'clinical-04-record-preview')
  await page.keyboard.press('Escape')

  // An executable renamed .pdf is refused, by its content.
  await records.locator('input[type="file"]').setInputFiles({ name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(2000, 1)]) })
  const second = page.getByRole('dialog', { name: 'Add a medical record' })
  await second.getByRole('button', { name: /upload|add record|save/i }).last().click()
  await expect(second.getByText(/must be a PDF, JPEG or PNG/)).toBeVisible()
  await page.keyboard.press('Escape')

  // Sign and complete: the queue is done with her, the note is closed.
  await page.evaluate('window.scrollTo(0, 0)')
  await view(page, 'clinical-02-visit')
  await screenshot(page, 'clinical-02-visit-whole')
  await page.getByRole('button', { name: 'Sign and complete' }).click()
  await page.getByRole('dialog', { name: 'Sign and complete this visit?' }).getByRole('button', { name: 'Sign and complete' }).click()
  await expect(page.getByText('Signed', { exact: true })).toBeVisible()
  await page.getByLabel('Add an amendment').fill('Throat swab sent; result to follow.')
  await page.getByRole('button', { name: 'Add amendment' }).click()
  await expect(page.getByRole('region', { name: 'Amendments' })).toContainText('Throat swab sent')
  await expect(page.getByRole('region', { name: 'Prescription' })).toContainText('confirmed by Dr. Meera Iyer')

  // The chart: allergies in red, the visit, the record, the vitals.
  await page.getByRole('link', { name: 'Chart' }).click()
  const timeline = page.getByRole('region', { name: 'Timeline' })
  await expect(timeline).toContainText('Acute tonsillitis')
  await expect(timeline).toContainText('CBC report')
  await expect(page.getByRole('region', { name: 'Latest vitals' })).toContainText('118/76')
  await expect(page.getByRole('figure', { name: 'Weight (kg) across visits' }).locator('.recharts-line')).toHaveCount(1)
  await view(page, 'clinical-05-chart')
  await page.setViewportSize({ width: 1920, height: 1080 })
  await view(page, 'clinical-05-chart-large')
  await page.goBack()
  await expect(page.getByText('Signed', { exact: true })).toBeVisible()
  await view(page, 'clinical-07-signed-visit-large')
  await page.setViewportSize({ width: 1366, height: 768 })

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Doctor' }).click()
  await expect(queue.getByTestId('now-serving')).toContainText('Nobody is waiting.')
  await signOut(page)
})

test('a receptionist sees the record’s metadata but cannot open the note or the prescription', async ({ page, hub }) => {
  const { patientId, deskToken } = await seed(hub)
  const doctor = await hub.call<{ token: string }>('auth.login', STAFF.doctor)
  const chart = await hub.call<{ timeline: Array<{ kind: string; visit?: { id: string } }> }>('chart.get', { patientId }, doctor.token)
  const visitId = chart.timeline.find((t) => t.kind === 'visit')!.visit!.id
  // Over HTTP, the dispatcher refuses: the UI's hiding is not the guard.
  const res = await fetch(`${hub.url}/api/visits.get`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${deskToken}` }, body: JSON.stringify({ id: visitId }) })
  expect(res.status).toBe(403)
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN')

  await page.goto(`${hub.url}/#/patients/${patientId}/visits/${visitId}`)
  await signIn(page, STAFF.receptionist)
  await page.goto(`${hub.url}/#/patients/${patientId}/visits/${visitId}`)
  // The profile is shown instead, and the note is not.
  await expect(page.getByTestId('patient-number')).toBeVisible()
  await expect(page.getByText('Sore throat and fever')).toHaveCount(0)
  await page.getByRole('tab', { name: 'Visits' }).click()
  await expect(page.getByText('Visit notes are for doctors')).toBeVisible()
  await page.getByRole('tab', { name: 'Medical records' }).click()
  const records = page.getByRole('region', { name: 'Medical records' })
  await expect(records.getByText('CBC report')).toBeVisible()
  await expect(records.getByRole('button', { name: /preview/i })).toHaveCount(0)
  await screenshot(page, 'clinical-06-desk-records')
})

test('a screenshot pasted on the chart becomes a record, and one removed with a reason stays listed as removed', async ({ page, hub }) => {
  const { patientId } = await seed(hub)
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(hub.url)
  await signIn(page, STAFF.doctor)
  await page.goto(`${hub.url}/#/patients/${patientId}/chart`)
  const records = page.getByRole('region', { name: 'Medical records' })
  await expect(records).toBeVisible()
  const before = await records.getByRole('button', { name: /preview/i }).count()
  // What Ctrl+V of a screenshot delivers: a paste event carrying a PNG file.
  const png = (await import('sharp')).default({ create: { width: 120, height: 80, channels: 3, background: '#3a7' } }).png()
  const base64 = (await png.toBuffer()).toString('base64')
  // Run in the page (a string, as these tests are compiled without the DOM's types).
  await page.evaluate(`(() => {
    const bytes = Uint8Array.from(atob('${base64}'), (c) => c.charCodeAt(0))
    const transfer = new DataTransfer()
    transfer.items.add(new File([bytes], 'image.png', { type: 'image/png' }))
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true }))
  })()`)
  const add = page.getByRole('dialog', { name: 'Add a medical record' })
  await expect(add.getByLabel('Name')).toHaveValue(/^Pasted image/)
  await add.getByLabel('Name').fill('Rash photo from the patient')
  await add.getByLabel('Type').click()
  await page.getByRole('option', { name: 'Other' }).click()
  await add.getByRole('button', { name: /upload|add record|save/i }).last().click()
  await expect(records.getByText('Rash photo from the patient')).toBeVisible()
  await expect(records.getByRole('button', { name: /preview/i })).toHaveCount(before + 1)

  // Removed with a reason: gone from the list, kept under "Show removed".
  await records.getByRole('button', { name: /remove/i }).first().click()
  const remove = page.getByRole('dialog', { name: /remove/i })
  await remove.getByRole('textbox').fill('Wrong patient')
  await remove.getByRole('button', { name: /remove/i }).last().click()
  await expect(records.getByText('Rash photo from the patient')).toHaveCount(0)
  await expect(remove).toBeHidden()
  const showRemoved = records.getByRole('switch', { name: /show removed/i })
  await expect(showRemoved).toBeEnabled()
  await showRemoved.click({ force: true })
  await expect(showRemoved).toBeChecked()
  await expect(records.getByText('Rash photo from the patient')).toBeVisible()
  await expect(records.getByText(/Wrong patient/)).toBeVisible()
})
