// Files shipped under the repo's resources/ folder (fonts for PDFs, …), found at run time.
// The same module runs from three places, each with the files somewhere else:
//   - from source (vitest, tsx): src/main/core/resources.ts, the repo root four levels up;
//   - from the bundle (npm run server, electron-vite preview): out/main/[chunks/]*.js, the root
//     two or three levels up depending on which chunk Vite put this code in;
//   - packaged by electron-builder: code inside app.asar, and the files copied by
//     electron-builder.yml's extraResources to process.resourcesPath (resources/fonts → fonts).
// Walking up from this module covers the first two without knowing the chunk layout.
import { existsSync } from 'node:fs'
import { dirname, join, parse } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The absolute path of `resources/<relative>`, e.g. `resourcePath('fonts/Lohit-Devanagari.ttf')`. */
export function resourcePath(relative: string): string {
  const tried: string[] = []
  // Electron sets resourcesPath in a packaged app and also under `electron .` in development
  // (where it points into node_modules/electron and holds none of our files), so it is only a
  // candidate, not proof of being packaged.
  const packaged = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath
  if (packaged) {
    const candidate = join(packaged, relative)
    if (existsSync(candidate)) return candidate
    tried.push(candidate)
  }
  let dir = dirname(fileURLToPath(import.meta.url))
  const { root } = parse(dir)
  for (;;) {
    const candidate = join(dir, 'resources', relative)
    if (existsSync(candidate)) return candidate
    tried.push(candidate)
    if (dir === root) break
    dir = dirname(dir)
  }
  throw new Error(`The shipped resource file "${relative}" is missing; looked for it at:\n  ${tried.join('\n  ')}`)
}
