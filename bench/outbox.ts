// The outbox draining 10,000 due messages into a real SMTP server on loopback, beside nodemailer
// sending the same messages straight to the same server in the same run (the baseline: what
// the mailer alone costs, without the outbox's rows, claims and marks).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import { SMTPServer } from 'smtp-server'
import { createCore } from '../src/main/core/create-core'
import { insertMessage, type Payload } from '../src/main/core/messaging/outbox'

const COUNT = Number(process.env.BENCH_MESSAGES ?? 10_000)

export async function outboxBench(): Promise<void> {
  let received = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {})
      stream.on('end', () => {
        received++
        callback()
      })
    }
  })
  // Replies go out at once (no Nagle wait), as a real mail server's do.
  server.server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as { port: number }).port
  const dataDir = mkdtempSync(join(tmpdir(), 'docspot-bench-outbox-'))
  const core = await createCore({ dataDir, log: () => {}, schedules: false })
  try {
    const setup = await core.dispatch('setup.createClinic', {
      clinic: { clinicName: 'Bench Clinic', timeZone: 'Asia/Kolkata', currency: 'INR', defaultCountry: 'IN' },
      admin: { name: 'Bench Admin', email: 'bench@example.com', password: 'benchmark password' }
    })
    if (!setup.ok) throw new Error(setup.error.message)
    const token = (setup.value as { token: string }).token
    const saved = await core.dispatch(
      'messaging.saveSettings',
      { email: { enabled: true, host: '127.0.0.1', port, security: 'none', user: '', fromName: 'Bench Clinic', fromAddress: 'desk@bench.example' } },
      { token }
    )
    if (!saved.ok) throw new Error(saved.error.message)

    const payload = (i: number): Payload => ({
      subject: `Your appointment at Bench Clinic is confirmed (${i})`,
      text: `Hello Patient ${i},\n\nYour appointment with Dr. Meera Iyer is on Tuesday 11 March 2025 at 10:30.\n\nBench Clinic, +91 80 4123 4567`,
      html: `<p>Hello Patient ${i},</p><p>Your appointment with <b>Dr. Meera Iyer</b> is on Tuesday 11 March 2025 at 10:30.</p>`
    })
    const now = new Date().toISOString()
    await core.journaledWrite('outbox.sendDue', null, async (tx) => {
      for (let i = 0; i < COUNT; i++) {
        await insertMessage(tx, { channel: 'email', kind: 'test', appointmentId: null, patientId: null, dedupeKey: `bench:${i}`, recipient: `patient${i}@example.com`, payload: payload(i), due: now, skip: null })
      }
    })

    // The outbox: the sender's job, run until nothing is due.
    const started = performance.now()
    let sent = 0
    for (;;) {
      const run = await core.dispatch('outbox.sendDue', {}, { job: 'bench' })
      if (!run.ok) throw new Error(run.error.message)
      const r = run.value as { sent: number; failed: number; retrying: number }
      if (r.failed || r.retrying) throw new Error(`outbox: ${r.failed} failed, ${r.retrying} retrying`)
      if (r.sent === 0) break
      sent += r.sent
    }
    const outboxSeconds = (performance.now() - started) / 1000
    if (sent !== COUNT || received !== COUNT) throw new Error(`outbox sent ${sent}, server received ${received}, of ${COUNT}`)

    // The baseline: the same messages straight through nodemailer, as the outbox sends them
    // (a pool of 4 connections, 4 in flight), without rows, claims or marks.
    const mailer = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 4 })
    received = 0
    const direct = performance.now()
    let next = 0
    const worker = async () => {
      for (let i = next++; i < COUNT; i = next++) {
        const p = payload(i)
        await mailer.sendMail({ from: { name: 'Bench Clinic', address: 'desk@bench.example' }, to: `patient${i}@example.com`, subject: p.subject, text: p.text, html: p.html, messageId: `<direct-${i}@docspot>` })
      }
    }
    await Promise.all([worker(), worker(), worker(), worker()])
    const directSeconds = (performance.now() - direct) / 1000
    mailer.close()
    if (received !== COUNT) throw new Error(`direct: server received ${received} of ${COUNT}`)

    const rate = (s: number) => `${Math.round(COUNT / s).toLocaleString('en')} messages/s`
    console.log(`\nDocSpot outbox benchmark: ${COUNT.toLocaleString('en')} due messages into a local SMTP server (smtp-server on 127.0.0.1)`)
    console.log(`outbox (take in a write transaction, send, mark each sent, all journaled): ${outboxSeconds.toFixed(1)} s, ${rate(outboxSeconds)}`)
    console.log(`nodemailer straight to the server, same messages, same run:              ${directSeconds.toFixed(1)} s, ${rate(directSeconds)}`)
    console.log(`outbox / direct: ${(directSeconds / outboxSeconds).toFixed(2)} of the direct rate (${(outboxSeconds / directSeconds).toFixed(1)}x the time)`)
  } finally {
    await core.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  outboxBench().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
