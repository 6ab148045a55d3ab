import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'

/** The Electron binary, if one is installed. Resolved by hand: requiring 'electron' would try to download it. */
function electronBinary(): string | null {
  const pkg = join('node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron'
  const candidate = process.env.ELECTRON_OVERRIDE_DIST_PATH ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name) : join(pkg, 'dist', name)
  return existsSync(candidate) ? candidate : null
}

const binary = electronBinary()

const WHY_SKIPPED = 'No Electron binary installed: this machine cannot download it (run `npx install-electron` where it can, or set ELECTRON_OVERRIDE_DIST_PATH).'

test('the desktop window opens on the first-run wizard', async () => {
  // The list reporter shows a skip without its reason: say it where the run's output shows it.
  if (!binary) console.log(`electron-smoke skipped: ${WHY_SKIPPED}`)
  test.skip(!binary, WHY_SKIPPED)
  const app = await electron.launch({
    executablePath: binary!,
    args: ['out/main/index.js', '--no-sandbox'],
    env: { ...process.env, DOCSPOT_DATA: mkdtempSync(join(tmpdir(), 'docspot-electron-')) }
  })
  const page = await app.firstWindow()
  await expect(page.getByRole('heading', { name: 'Welcome to DocSpot' })).toBeVisible()
  // The page has the narrow bridge and nothing of Node.
  expect(await page.evaluate(() => { const g = globalThis as { docspot?: { invoke?: unknown }; require?: unknown }; return [typeof g.docspot?.invoke, typeof g.require] })).toEqual(['function', 'undefined'])
  await app.close()
})
