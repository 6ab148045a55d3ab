import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FileChooser, Page } from '@playwright/test'
import { signIn, STAFF, type HubProcess } from './fixtures'

/** Calls the hub and returns its answer as is, so a test can look at an error's code. */
export async function rawCall(hub: HubProcess, method: string, input: unknown, token?: string): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const res = await fetch(`${hub.url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input)
  })
  return (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } }
}

const FIRST = ['Aarav', 'Diya', 'Ishaan', 'Kavya', 'Rohan', 'Sneha', 'Vikram', 'Ananya', 'Arjun', 'Meera', 'Karthik', 'Priya', 'Nikhil', 'Pooja', 'Siddharth']
const LAST = ['Sharma', 'Nair', 'Reddy', 'Iyer', 'Menon', 'Pillai', 'Gupta', 'Das', 'Joshi', 'Kulkarni', 'Bose', 'Rao', 'Verma', 'Shetty', 'Chopra', 'Mehta', 'Kapoor', 'Banerjee', 'Naidu', 'Desai']

export const IMPORT_HEADER = 'Name,Mobile,Email,DOB,Gender,Address,City,State,Pincode,Allergies,Legacy ID'

/** `count` distinct, valid patients as CSV lines (no header): unique names, phones and birthdays. */
export function importRows(count: number): string[] {
  const rows: string[] = []
  for (let i = 0; i < count; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`
    const phone = `+91 91234 ${String(10000 + i).padStart(5, '0')}`
    const day = String((i % 28) + 1).padStart(2, '0')
    const month = String((Math.floor(i / 28) % 12) + 1).padStart(2, '0')
    const year = 1950 + (i % 60)
    const gender = ['F', 'M', 'female', 'male', ''][i % 5]
    rows.push(`${name},${phone},import${i}@example.com,${day}/${month}/${year},${gender},"${i + 1}, MG Road",Kochi,Kerala,6820${String(i % 100).padStart(2, '0')},${i % 7 === 0 ? 'Penicillin' : ''},OLD-${i}`)
  }
  return rows
}

export function writeCsv(name: string, lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'docspot-import-'))
  const path = join(dir, name)
  writeFileSync(path, lines.join('\n') + '\n')
  return path
}

/** Signs the admin in and opens one of the Admin screen's tabs. */
export async function openAdminTab(page: Page, hubUrl: string, tab: 'Merge patients' | 'Import patients'): Promise<void> {
  await page.goto(hubUrl)
  await signIn(page, STAFF.admin)
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Admin' }).click()
  await page.getByRole('tab', { name: tab }).click()
}

/** Chooses a CSV file on the Import patients tab. */
export async function chooseCsv(page: Page, file: Parameters<FileChooser['setFiles']>[0]): Promise<void> {
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Choose CSV file' }).click()
  await (await chooser).setFiles(file)
}
