import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Every time the interface shows is in the clinic's time zone, through the formatters in these
 * files. A screen that formats a date or reads a clock on its own would show the PC's or the
 * browser's time instead: this test names it.
 */
const FORMATTERS = ['src/renderer/src/lib/clinic-time.ts', 'src/renderer/src/features/patients/format.ts', 'src/renderer/src/lib/locale.ts']

const ROGUE: Array<[RegExp, string]> = [
  [/\.toLocale(Date|Time)String\(/, 'toLocaleDateString/toLocaleTimeString'],
  [/new Date\([^)]*\)\.toLocaleString\(/, 'Date#toLocaleString'],
  [/\bIntl\.DateTimeFormat\(/, 'Intl.DateTimeFormat'],
  [/\.get(Hours|Minutes|Date|Day|Month|FullYear)\(\)/, 'a Date getter in the PC’s zone'],
  [/\bdayjs\(\)(?!\.tz)/, 'dayjs() without .tz()'],
  [/\bnew Date\(\)\.to(String|DateString|TimeString)\(/, 'Date#toString']
]

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : []
  })
}

describe('clinic time on every screen', () => {
  it('formats dates and times only through the clinic-time formatters', () => {
    const root = join(import.meta.dirname, '../..')
    const offenders: string[] = []
    for (const file of files(join(root, 'src/renderer/src'))) {
      const name = relative(root, file)
      if (FORMATTERS.includes(name)) continue
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [pattern, what] of ROGUE) if (pattern.test(line)) offenders.push(`${name}:${i + 1} uses ${what}`)
        })
    }
    expect(offenders).toEqual([])
  })

  it('catches a screen that formats a time in the browser’s zone', () => {
    const line = "  return new Date(iso).toLocaleString('en-GB', { hour: '2-digit' })"
    expect(ROGUE.some(([pattern]) => pattern.test(line))).toBe(true)
    expect(ROGUE.some(([pattern]) => pattern.test("count.toLocaleString('en-IN')"))).toBe(false)
  })
})
