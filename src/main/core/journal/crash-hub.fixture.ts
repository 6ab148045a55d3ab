// A child process for crash.test.ts: a core and its HTTP hub on the data folder given as the
// first argument, on a free port. Prints `listening <url>` once it answers, then runs until
// the test kills it (SIGKILL: no shutdown, no cleanup, like a power cut of the process).
// Run with: node --import tsx crash-hub.fixture.ts <dataDir>
import { createCore } from '../create-core'
import { startHub } from '../../transports/http/server'

async function main(): Promise<void> {
  const dataDir = process.argv[2]
  if (!dataDir) throw new Error('usage: crash-hub.fixture.ts <dataDir>')
  const log = (message: string, error?: unknown) => console.error(`[crash-hub] ${message}`, error ?? '')
  const core = await createCore({ dataDir, log, schedules: false })
  const hub = await startHub({ core, port: 0 })
  process.stdout.write(`listening ${hub.url}\n`)
}

main().catch((error) => {
  console.error(`crash-hub could not start: ${(error as Error)?.stack ?? error}`)
  process.exit(1)
})
