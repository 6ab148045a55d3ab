import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, screenshot, seedClinic, signIn, STAFF, test, type HubProcess } from './fixtures'

/** A free TCP port on loopback, so a restarted hub comes back at the same address. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The hub on a given data folder and port; resolves once it listens. */
async function runHub(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['out/main/server.js', '--data', dataDir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${output}`)), 15_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (/listening on/.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
  })
  return child
}

const stop = (child: ChildProcess) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')))

test('the waiting-room screen reconnects by itself when the hub restarts, and shows the truth again', async ({ browser }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'docspot-e2e-restart-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let hub = await runHub(dataDir, port)
  try {
    const api: HubProcess = {
      url,
      dataDir,
      async call<T>(method: string, input: unknown = {}, token?: string) {
        const res = await fetch(`${url}/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(input) })
        const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } }
        if (!body.ok) throw new Error(`${method}: ${body.error?.message}`)
        return body.value as T
      }
    }
    const { adminToken } = await seedClinic(api)
    const doctor = await api.call<{ id: string }>('doctors.create', { name: 'Dr. Sara Khan', login: { email: 'sara@sunrise.example', password: 'consulting room password' } }, adminToken)
    await api.call('availability.setWeekly', { doctorId: doctor.id, sessions: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:55', slotMinutes: 5 })) }, adminToken)
    const { pairingCode } = await api.call<{ pairingCode: string }>('displays.create', { name: 'Lobby screen' }, adminToken)

    const tv = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage()
    await tv.goto(`${url}/display`)
    await tv.getByRole('textbox').first().click()
    await tv.keyboard.type(pairingCode)
    const sara = tv.getByRole('region', { name: 'Dr. Sara Khan' })
    await expect(sara.getByTestId('next-tokens')).toHaveText('–')

    await stop(hub)
    await expect(tv.getByRole('status')).toHaveText('Reconnecting…')
    // The last board stays up while the hub is away.
    await expect(sara).toBeVisible()
    hub = await runHub(dataDir, port)
    const { token } = await api.call<{ token: string }>('auth.login', { email: STAFF.receptionist.email, password: STAFF.receptionist.password })
    const { patient } = await api.call<{ patient: { id: string } }>('patients.create', { name: 'Uma Krishnan' }, token)
    await api.call('queue.issueToken', { patientId: patient.id, doctorId: doctor.id }, token)
    // Back within the reconnect delay (at most 5 s), with the token issued after the restart.
    await expect(sara.getByTestId('next-tokens')).toHaveText('1', { timeout: 8_000 })
    await expect(tv.getByRole('status')).toHaveCount(0)

    // Unpaired by the admin: the screen says so and asks for a new code.
    const [display] = await api.call<Array<{ id: string }>>('displays.list', {}, (await api.call<{ token: string }>('auth.login', { email: STAFF.admin.email, password: STAFF.admin.password })).token)
    await api.call('displays.revoke', { id: display.id }, (await api.call<{ token: string }>('auth.login', { email: STAFF.admin.email, password: STAFF.admin.password })).token)
    await expect(tv.getByText('This screen was unpaired')).toBeVisible({ timeout: 8_000 })
  } finally {
    await stop(hub)
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('the admin adds a waiting-room screen and sees its pairing code and address', async ({ page, hub }) => {
  await seedClinic(hub)
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(hub.url)
  await signIn(page, STAFF.admin)
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Admin' }).click()
  await page.getByRole('tab', { name: 'Waiting room' }).click()
  await expect(page.getByTestId('display-address')).toHaveText(`${hub.url}/display`)
  await page.getByLabel('Screen name').fill('Ground floor TV')
  await page.getByRole('button', { name: 'Add a screen' }).click()
  const dialog = page.getByRole('dialog', { name: 'Pair Ground floor TV' })
  await expect(dialog.getByTestId('pairing-code')).toHaveText(/^\d{6}$/)
  await screenshot(page, 'waiting-room-01-pairing-code')
  await dialog.getByRole('button', { name: 'Done' }).click()
  const row = page.getByRole('table', { name: 'Screens' }).getByRole('row', { name: /Ground floor TV/ })
  await expect(row).toContainText('Code valid until')
  // (The switch's input is drawn over by its track: click what the admin sees.)
  await row.locator('.mantine-Switch-track').click()
  await expect(row.getByRole('switch', { name: 'Chime on Ground floor TV' })).not.toBeChecked()
  await screenshot(page, 'waiting-room-02-screens')
})
