// A child process for concurrency.test.ts: one "desk" in its own process, writing the same
// database file as another such process. Opens the data folder without claiming it, signs in
// as the admin, prints `ready`, then follows the parent line by line on stdin:
//   prepare <start> <patientIndex>  →  `prepared` (the booking is ready to send)
//   go                              →  books it: `ok <id>`, `conflict <message>` or `error <code> <message>`
//   quit                            →  closes the core and exits
// Run with: node --import tsx book-once.fixture.ts <dataDir> <json: { doctorId, typeId, patientIds }>
import { createInterface } from 'node:readline'
import type { Appointment, SessionInfo } from '../../../shared/api'
import { createCore } from '../create-core'
import { ADMIN } from '../testing'

interface Booking {
  doctorId: string
  typeId: string
  patientIds: string[]
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()

async function main(): Promise<void> {
  const [dataDir, json] = process.argv.slice(2)
  if (!dataDir || !json) throw new Error('usage: book-once.fixture.ts <dataDir> <json>')
  const booking = JSON.parse(json) as Booking
  const log = (message: string, error?: unknown) => console.error(`[book-once ${process.pid}] ${message}`, error ?? '')
  const core = await createCore({ dataDir, unclaimedFolder: true, schedules: false, log })
  const login = await core.dispatch('auth.login', { email: ADMIN.email, password: ADMIN.password })
  if (!login.ok) throw new Error(`sign-in failed: ${login.error.code} ${login.error.message}`)
  const token = (login.value as SessionInfo).token!
  const say = (line: string) => process.stdout.write(`${line}\n`)

  let prepared: { start: string; patientId: string } | null = null
  const lines = createInterface({ input: process.stdin })
  say('ready')
  for await (const line of lines) {
    const [command, ...args] = line.trim().split(' ')
    if (command === 'prepare') {
      const patientId = booking.patientIds[Number(args[1])]
      if (!args[0] || !patientId) throw new Error(`bad line: ${line}`)
      prepared = { start: args[0], patientId }
      say('prepared')
    } else if (command === 'go') {
      if (!prepared) throw new Error('go before prepare')
      const { start, patientId } = prepared
      prepared = null
      const result = await core.dispatch('appointments.book', { patientId, doctorId: booking.doctorId, typeId: booking.typeId, start }, { token, device: `desk ${process.pid}` })
      if (result.ok) say(`ok ${(result.value as Appointment).id}`)
      else if (result.error.code === 'CONFLICT') say(`conflict ${oneLine(result.error.message)}`)
      else say(`error ${result.error.code} ${oneLine(result.error.message)}${result.error.fields ? ` ${JSON.stringify(result.error.fields)}` : ''}`)
    } else if (command === 'quit') {
      break
    } else if (command) {
      throw new Error(`unknown command: ${line}`)
    }
  }
  await core.close()
  process.exit(0)
}

main().catch((error) => {
  console.error(`book-once failed: ${(error as Error)?.stack ?? error}`)
  process.exit(1)
})
