// A real SMTP server in the test process, on 127.0.0.1: it keeps every message it accepted,
// parsed as a mail program would, and can be told to refuse the clinic's login (535), which
// DocSpot treats as a failure that waiting will not mend.
import { simpleParser, type Attachment, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface Received {
  to: string[]
  subject: string
  text: string
  html: string
  /** The invitation (text/calendar), if the message carries one. */
  calendar: Attachment | null
  parsed: ParsedMail
}

export interface MailServer {
  port: number
  received: Received[]
  /** Refuse every login with "535 Authentication failed" (the clinic's password changed at the provider). */
  refuseLogins(refuse: boolean): void
  /** The first message to `address` (and matching `subject`) the server accepted, waiting for it up to `ms`. */
  waitFor(address: string, options?: { subject?: RegExp; ms?: number }): Promise<Received>
  close(): Promise<void>
}

export async function startMailServer(): Promise<MailServer> {
  const received: Received[] = []
  let refusing = false
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (!refusing) return callback(null, { user: auth.username })
      const error = Object.assign(new Error('Authentication failed: the password for this mailbox was changed'), { responseCode: 535 })
      callback(error)
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            calendar: parsed.attachments.find((a) => a.contentType === 'text/calendar') ?? null,
            parsed
          })
          callback()
        })
        .catch((error: Error) => callback(error))
    }
  })
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port))
  })
  return {
    port,
    received,
    refuseLogins: (refuse) => void (refusing = refuse),
    async waitFor(address, { subject, ms = 15_000 } = {}) {
      const until = Date.now() + ms
      for (;;) {
        const found = received.find((m) => m.to.includes(address) && (!subject || subject.test(m.subject)))
        if (found) return found
        if (Date.now() > until) throw new Error(`no message to ${address}${subject ? ` with a subject like ${subject}` : ''} within ${ms} ms; received: ${received.map((m) => `${m.to.join(',')}: ${m.subject}`).join(' | ') || 'none'}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
