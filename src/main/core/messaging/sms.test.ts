import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SmsError, twilioProvider } from './sms'

const SID = 'AC0123456789abcdef0123456789abcdef'
const TOKEN = 'tok-3f9a2c7e5b1d'
const FROM = '+14155550100'

/** How the fake Twilio answers the next request: as Twilio would, or with one of its bad days. */
type Answer = 'twilio' | 'rate-limited' | 'html-500' | 'hang'

interface Received {
  method: string
  path: string
  credentials: string
  contentType: string
  form: Record<string, string>
}

let server: Server
let baseUrl: string
let answer: Answer
let received: Received[]

const twilioError = (res: import('node:http').ServerResponse, status: number, code: number, message: string) => {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }))
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const [scheme, encoded] = (req.headers.authorization ?? '').split(' ')
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        credentials: scheme === 'Basic' ? Buffer.from(encoded, 'base64').toString('utf8') : '',
        contentType: req.headers['content-type'] ?? '',
        form
      })

      if (answer === 'hang') return
      if (answer === 'rate-limited') {
        res.setHeader('retry-after', '1')
        return twilioError(res, 429, 20429, 'Too Many Requests')
      }
      if (answer === 'html-500') {
        res.writeHead(500, { 'content-type': 'text/html' })
        return res.end('<html><body><h1>500 Internal Server Error</h1><p>upstream hiccup</p></body></html>')
      }
      const path = `/2010-04-01/Accounts/${SID}/Messages.json`
      if (req.method !== 'POST' || req.url !== path) return twilioError(res, 404, 20404, `The requested resource ${req.url} was not found`)
      if (received.at(-1)?.credentials !== `${SID}:${TOKEN}`) return twilioError(res, 401, 20003, 'Authenticate')
      if (!/^\+\d{8,15}$/.test(form.To ?? '')) return twilioError(res, 400, 21211, `The 'To' number ${form.To} is not a valid phone number.`)
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ sid: `SM${'7'.repeat(32)}`, account_sid: SID, to: form.To, from: form.From, body: form.Body, status: 'queued', num_segments: '1', error_code: null, error_message: null }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

beforeEach(() => {
  answer = 'twilio'
  received = []
})

const provider = (config: { baseUrl?: string; token?: string; timeoutMs?: number } = {}) =>
  twilioProvider({ baseUrl, accountSid: SID, token: TOKEN, fromNumber: FROM, ...config })

/** The failure as the delivery screen shows it. */
async function failure(sending: Promise<unknown>) {
  const err = await sending.then(
    () => expect.fail('expected the send to fail'),
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(SmsError)
  const { message, retryable, providerCode } = err as SmsError
  return { message, retryable, providerCode }
}

describe('Twilio SMS provider', () => {
  it('posts To, From and Body as a form with Basic auth, and resolves with the message sid and its status', async () => {
    const body = 'नमस्ते Asha: Dr Rao, 12 Mar 10:30 & bring reports (50% = ok?) +more'
    const sent = await provider({ baseUrl: `${baseUrl}/` }).send({ to: '+919812345678', body })
    expect(sent).toEqual({ providerId: `SM${'7'.repeat(32)}`, response: '201 queued' })
    expect(received).toEqual([
      {
        method: 'POST',
        path: `/2010-04-01/Accounts/${SID}/Messages.json`,
        credentials: `${SID}:${TOKEN}`,
        contentType: 'application/x-www-form-urlencoded',
        form: { To: '+919812345678', From: FROM, Body: body }
      }
    ])
  })

  it('reports an invalid number in Twilio words, not to be retried', async () => {
    expect(await failure(provider().send({ to: '+1555', body: 'Hello' }))).toEqual({
      message: "Twilio 21211: The 'To' number +1555 is not a valid phone number.",
      retryable: false,
      providerCode: '21211'
    })
  })

  it('reports bad credentials, not to be retried, and never shows the token', async () => {
    const wrong = 'wrong-token-8c1e'
    const err = await failure(provider({ token: wrong }).send({ to: '+919812345678', body: 'Hello' }))
    expect(err).toEqual({ message: 'Twilio 20003: Authenticate', retryable: false, providerCode: '20003' })
    expect(received[0].credentials).toBe(`${SID}:${wrong}`)
    expect(JSON.stringify(err)).not.toContain(wrong)
  })

  it('reports too many requests as worth retrying', async () => {
    answer = 'rate-limited'
    expect(await failure(provider().send({ to: '+919812345678', body: 'Hello' }))).toEqual({
      message: 'Twilio 20429: Too Many Requests',
      retryable: true,
      providerCode: '20429'
    })
  })

  it('reports a server error with an HTML page by its HTTP status, worth retrying', async () => {
    answer = 'html-500'
    expect(await failure(provider().send({ to: '+919812345678', body: 'Hello' }))).toEqual({
      message: 'Twilio HTTP 500: Internal Server Error',
      retryable: true,
      providerCode: 'HTTP 500'
    })
  })

  it('gives up on a provider that does not answer, worth retrying', async () => {
    answer = 'hang'
    const started = performance.now()
    expect(await failure(provider({ timeoutMs: 200 }).send({ to: '+919812345678', body: 'Hello' }))).toEqual({
      message: 'Twilio did not answer within 0.2 s',
      retryable: true,
      providerCode: null
    })
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(received).toHaveLength(1)
  })

  it('reports a provider it cannot reach, worth retrying', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))

    expect(await failure(provider({ baseUrl: `http://127.0.0.1:${port}` }).send({ to: '+919812345678', body: 'Hello' }))).toEqual({
      message: `Could not reach Twilio at 127.0.0.1:${port}: ECONNREFUSED`,
      retryable: true,
      providerCode: null
    })
  })

  it('refuses a number that is not E.164 without asking the provider', async () => {
    for (const to of ['9812345678', '+91 98123 45678', '+0123456789', '00919812345678', '']) {
      expect(await failure(provider().send({ to, body: 'Hello' }))).toEqual({
        message: `"${to}" is not an international phone number (a plus and the digits, such as +919812345678)`,
        retryable: false,
        providerCode: null
      })
    }
    expect(received).toEqual([])
  })
})
