import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ADMIN, expect, screenshot, signIn, startHubProcess, test } from './fixtures'

// These start hubs of their own, listening beyond this PC, as a clinic would run one.

test('a hub on the clinic network serves HTTPS with its own certificate, whose fingerprint the admin screen shows', async ({ browser }) => {
  const hub = await startHubProcess(['--host', '0.0.0.0'])
  try {
    expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const fingerprint = new X509Certificate(readFileSync(join(hub.dataDir, 'tls', 'hub-cert.pem'))).fingerprint256
    expect(hub.output()).toContain(`SHA-256 fingerprint ${fingerprint}`)
    // A browser that has been told to trust it (as staff do after comparing the fingerprint).
    const context = await browser.newContext({ ignoreHTTPSErrors: true })
    const setup = await context.request.post(`${hub.url}/api/setup.createClinic`, {
      data: { clinic: { clinicName: 'Sunrise Family Clinic', timeZone: 'Asia/Kolkata', currency: 'INR', defaultCountry: 'IN' }, admin: ADMIN }
    })
    expect((await setup.json()).ok).toBe(true)
    // Plain HTTP to the same port is not answered as a page.
    await expect(context.request.get(hub.url.replace('https:', 'http:'))).rejects.toThrow()
    const page = await context.newPage()
    await page.goto(`${hub.url}/#/admin`)
    await signIn(page, ADMIN)
    const panel = page.getByRole('region', { name: 'Connection' })
    await expect(panel.getByTestId('certificate-fingerprint')).toHaveText(fingerprint)
    await expect(page.getByText('Not encrypted')).toHaveCount(0)
    await panel.scrollIntoViewIfNeeded()
    await screenshot(page, 'hub-01-https-fingerprint')
    await context.close()
  } finally {
    await hub.stop()
  }
})

test('a hub started with --insecure shows every screen a red warning, sign-in included', async ({ page }) => {
  const hub = await startHubProcess(['--host', '0.0.0.0', '--insecure'])
  try {
    expect(hub.url).toMatch(/^http:\/\//)
    expect(hub.output()).toContain('WARNING: --insecure')
    await hub.call('setup.createClinic', { clinic: { clinicName: 'Sunrise Family Clinic', timeZone: 'Asia/Kolkata', currency: 'INR', defaultCountry: 'IN' }, admin: ADMIN })
    await page.setViewportSize({ width: 1366, height: 768 })
    await page.goto(hub.url)
    const banner = page.getByRole('alert').filter({ hasText: 'Not encrypted' })
    await expect(banner).toContainText('plain HTTP')
    await screenshot(page, 'hub-02-insecure-sign-in')
    await signIn(page, ADMIN)
    await page.goto(`${hub.url}/#/admin`)
    await expect(banner).toBeVisible()
    await expect(page.getByRole('region', { name: 'Connection' })).toContainText('started with --insecure')
  } finally {
    await hub.stop()
  }
})
