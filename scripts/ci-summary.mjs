// Prints one `N passed, N failed, N skipped` line summed over vitest's and Playwright's JSON reports.
import { existsSync, readFileSync } from 'node:fs'

const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null)
let passed = 0
let failed = 0
let skipped = 0

const vitest = read('test-results/vitest.json')
if (vitest) {
  passed += vitest.numPassedTests
  failed += vitest.numFailedTests
  skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0)
  // A suite that failed to load has no tests to count: count it as a failure.
  failed += vitest.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length
}
const pw = read('test-results/playwright.json')
if (pw) {
  passed += pw.stats.expected + (pw.stats.flaky ?? 0)
  failed += pw.stats.unexpected
  skipped += pw.stats.skipped
}
if (!vitest) console.log('vitest: no report (it did not run, or an earlier step failed)')
if (!pw) console.log('playwright: no report (it did not run, or an earlier step failed)')
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
