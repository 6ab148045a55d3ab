// A child process for outbox.test.ts: a core on the data folder given as the first argument, on
// a clock stopped at the second, that runs the sender once. The test's mail server hangs before
// answering, and the test kills this process then (SIGKILL: no shutdown, like a power cut).
// Run with: node --import tsx send-once.fixture.ts <dataDir> <clock ISO>
import { fixedClock } from '../clock'
import { createCore } from '../create-core'

async function main(): Promise<void> {
  const [dataDir, at] = process.argv.slice(2)
  if (!dataDir || !at) throw new Error('usage: send-once.fixture.ts <dataDir> <clock ISO>')
  const log = (message: string, error?: unknown) => console.error(`[send-once] ${message}`, error ?? '')
  const core = await createCore({ dataDir, clock: fixedClock(at), log, schedules: false })
  process.stdout.write('sending\n')
  const result = await core.jobs.run('send-messages')
  process.stdout.write(`sent ${JSON.stringify(result)}\n`)
  await core.close()
}

main().catch((error) => {
  console.error(`send-once failed: ${(error as Error)?.stack ?? error}`)
  process.exit(1)
})
