import { crc32, deflateSync } from 'node:zlib'
import { expect, type Page } from '@playwright/test'

/** A real 24×24 PNG (a teal square), made here so the test needs no fixture files. */
export function pngBuffer(size = 24): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body) >>> 0)
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, Buffer.from([0x12, 0xb8, 0x86]))])
  const pixels = Buffer.concat(Array.from({ length: size }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0))
  ])
}

export interface NewPatient {
  name: string
  phone?: string
  email?: string
  dob?: string
  gender?: 'Female' | 'Male' | 'Other'
  city?: string
  allergies?: string
}

/** Fills the registration form the way a receptionist would. */
export async function fillPatientForm(page: Page, p: NewPatient): Promise<void> {
  const form = page.getByRole('form', { name: 'Register patient' })
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill(p.name)
  if (p.phone !== undefined) await form.getByRole('textbox', { name: 'Phone', exact: true }).fill(p.phone)
  if (p.dob !== undefined) await form.getByRole('textbox', { name: 'Date of birth', exact: true }).fill(p.dob)
  if (p.email !== undefined) await form.getByRole('textbox', { name: 'Email', exact: true }).fill(p.email)
  if (p.gender) await form.getByText(p.gender, { exact: true }).click()
  if (p.city !== undefined) await form.getByRole('textbox', { name: 'City', exact: true }).fill(p.city)
  if (p.allergies !== undefined) await form.getByRole('textbox', { name: 'Allergies', exact: true }).fill(p.allergies)
}

/** The profile of `name` is showing; returns its patient number. */
export async function expectProfile(page: Page, name: string): Promise<string> {
  await expect(page).toHaveURL(/#\/patients\/[0-9a-zA-Z-]+$/)
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible()
  return (await page.getByTestId('patient-number').textContent()) ?? ''
}
