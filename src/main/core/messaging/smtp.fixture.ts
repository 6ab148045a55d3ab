// A real SMTP server on 127.0.0.1 for the messaging tests: it keeps every message it answered
// 250 to (parsed as a mail program would), can check a password, and can be told to read a
// message and then not answer (a server that hangs mid-send).
import { createServer } from 'node:net'
import { simpleParser, type AddressObject, type Attachment } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  /** The envelope: who the client said the message was from and to. */
  mailFrom: string
  rcptTo: string[]
  /** As the patient's mail program shows it. */
  from: string
  to: string
  subject: string
  text: string
  html: string
  messageId: string
  /** The text/calendar part (the invitation or its cancellation), if any. */
  calendar: { method: string | null; content: string } | null
  attachments: Attachment[]
}

export interface MailServer {
  port: number
  /** Messages the server accepted (answered 250), in order. */
  accepted: ReceivedMail[]
  /** Messages read in full but never answered (see holdNext). */
  unanswered: number
  /** Read the next message in full and never answer it (a server that hangs mid-send). */
  holdNext(): void
  /** Resolves when the server has read a message it will not answer. */
  nextUnanswered(): Promise<void>
  /** Resolves once `count` messages have been accepted. */
  waitForAccepted(count: number, ms?: number): Promise<void>
  close(): Promise<void>
}

export interface MailServerOptions {
  /** Listen on this port (a restarted server); default any free one. */
  port?: number
  /** Require this login; a wrong one is refused with "535 Authentication failed". */
  login?: { user: string; password: string }
}

export async function startMailServer(options: MailServerOptions = {}): Promise<MailServer> {
  const accepted: ReceivedMail[] = []
  let holding = false
  let unanswered = 0
  const unansweredWaiters: Array<() => void> = []
  const acceptedWaiters: Array<() => void> = []

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: !options.login,
    allowInsecureAuth: true,
    closeTimeout: 100,
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.login && auth.username === options.login.user && auth.password === options.login.password) return callback(null, { user: auth.username })
      // smtp-server answers 535 with this message.
      callback(new Error('Authentication failed'))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (holding) {
          holding = false
          unanswered++
          for (const wake of unansweredWaiters.splice(0)) wake()
          return // never answered: the client waits for its 250
        }
        simpleParser(Buffer.concat(chunks))
          .then((mail) => {
            const calendar = mail.attachments.find((a) => a.contentType === 'text/calendar')
            accepted.push({
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
              from: addressText(mail.from),
              to: addressText(mail.to),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
              calendar: calendar ? { method: calendarMethod(calendar), content: calendar.content.toString('utf8') } : null,
              attachments: mail.attachments
            })
            callback()
            for (const wake of acceptedWaiters.splice(0)) wake()
          })
          .catch((error: Error) => callback(error))
      })
    }
  })

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.server.address() as { port: number }).port)
    })
  })

  return {
    port,
    accepted,
    get unanswered() {
      return unanswered
    },
    holdNext: () => void (holding = true),
    nextUnanswered: () => new Promise<void>((resolve) => unansweredWaiters.push(resolve)),
    async waitForAccepted(count, ms = 10_000) {
      const until = Date.now() + ms
      while (accepted.length < count) {
        if (Date.now() > until) throw new Error(`the mail server accepted ${accepted.length} messages, not ${count}, within ${ms} ms`)
        await new Promise<void>((resolve) => {
          acceptedWaiters.push(resolve)
          setTimeout(resolve, 50)
        })
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/** A port nothing listens on: taken from the OS, then let go. */
export async function closedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as { port: number }).port
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

function addressText(address: AddressObject | AddressObject[] | undefined): string {
  if (!address) return ''
  return (Array.isArray(address) ? address : [address]).map((a) => a.text).join(', ')
}

/** METHOD from the part's Content-Type (nodemailer writes `text/calendar; method=REQUEST`). */
function calendarMethod(part: Attachment): string | null {
  const header = part.headers.get('content-type') as { params?: Record<string, string> } | undefined
  return header?.params?.method?.toUpperCase() ?? null
}
