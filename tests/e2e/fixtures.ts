import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, expect, type Page } from '@playwright/test'

export interface HubProcess {
  url: string
  dataDir: string
  /** Calls the hub's HTTP API directly, to arrange data a test is not about. */
  call<T = unknown>(method: string, input?: unknown, token?: string): Promise<T>
}

/** Starts `node out/main/server.js` on a fresh data folder and a free port (plus any other options); `output` is what it printed. */
export async function startHubProcess(args: string[] = []): Promise<HubProcess & { stop(): Promise<void>; output(): string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'docspot-e2e-'))
  const child: ChildProcess = spawn(process.execPath, ['out/main/server.js', '--data', dataDir, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${output}`)), 15_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = output.match(/listening on (https?:\/\/\S+)/)
      if (match) {
        clearTimeout(timer)
        // A hub on every address (0.0.0.0) is reached on this PC's loopback.
        resolve(match[1].replace('//0.0.0.0:', '//127.0.0.1:'))
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}:\n${output}`)))
  })
  return {
    url,
    dataDir,
    output: () => output,
    async call<T>(method: string, input: unknown = {}, token?: string) {
      const res = await fetch(`${url}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(input)
      })
      const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } }
      if (!body.ok) throw new Error(`${method}: ${body.error?.message}`)
      return body.value as T
    },
    async stop() {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

export const ADMIN = { name: 'Asha Menon', email: 'asha@sunrise.example', password: 'correct horse battery' }

/** A clinic already set up through the API, with one account per role. */
export async function seedClinic(hub: HubProcess): Promise<{ adminToken: string }> {
  const session = await hub.call<{ token: string }>('setup.createClinic', {
    clinic: { clinicName: 'Sunrise Family Clinic', timeZone: 'Asia/Kolkata', currency: 'INR', defaultCountry: 'IN' },
    admin: ADMIN
  })
  await hub.call('users.create', { name: 'Ravi Kumar', email: 'ravi@sunrise.example', role: 'receptionist', password: 'front desk password' }, session.token)
  await hub.call('users.create', { name: 'Dr. Meera Iyer', email: 'meera@sunrise.example', role: 'doctor', password: 'consulting room 1' }, session.token)
  return { adminToken: session.token }
}

export const STAFF = {
  admin: { email: ADMIN.email, password: ADMIN.password },
  receptionist: { email: 'ravi@sunrise.example', password: 'front desk password' },
  doctor: { email: 'meera@sunrise.example', password: 'consulting room 1' }
}

export async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email').fill(who.email)
  await page.getByLabel('Password', { exact: true }).fill(who.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible()
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Account menu' }).click()
  await page.getByRole('menuitem', { name: 'Sign out' }).click()
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
}

/** Saves a full-page screenshot under test-results/screens/ for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results/screens', { recursive: true })
  // (Transitions finished first: a dialog caught fading in looks broken in the picture.)
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true, animations: 'disabled' })
}

const hubsByFile = new Map<string, Promise<HubProcess & { stop(): Promise<void> }>>()

/**
 * One hub per spec file: a fresh clinic for each file, shared by that file's tests.
 * (A worker-scoped fixture would be shared by every file the worker runs.)
 */
export const test = base.extend<{ hub: HubProcess }, { stopHubs: void }>({
  stopHubs: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture list from this pattern
    async ({}, use) => {
      await use()
      for (const hub of hubsByFile.values()) await (await hub).stop()
      hubsByFile.clear()
    },
    { scope: 'worker', auto: true }
  ],
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture list from this pattern
  hub: async ({}, use, testInfo) => {
    if (!hubsByFile.has(testInfo.file)) hubsByFile.set(testInfo.file, startHubProcess())
    await use(await hubsByFile.get(testInfo.file)!)
  }
})

export { expect }
