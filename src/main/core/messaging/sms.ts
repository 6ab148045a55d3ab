/**
 * Sending one SMS through a provider. The outbox decides when and whether to send; a provider
 * only sends, and says plainly when it could not: whether trying later may work, and what the
 * provider itself said, for the delivery screen.
 */

export interface SmsMessage {
  /** E.164: a plus and the digits, such as +919812345678. */
  to: string
  body: string
}

export interface SmsProvider {
  /** Sends one message; resolves when the provider accepted it, with its id and its own words. */
  send(message: SmsMessage): Promise<{ providerId: string; response: string }>
}

export class SmsError extends Error {
  override readonly name = 'SmsError'
  /** Whether trying again later may work (network down, 429, 5xx) or not (bad number, bad credentials, 4xx). */
  readonly retryable: boolean
  /**
   * The provider's own error code ("21211"), or "HTTP 500" when it answered without one; null
   * when it never answered (network, timeout) or the message was refused before sending.
   */
  readonly providerCode: string | null

  constructor(message: string, details: { retryable: boolean; providerCode?: string | null; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.retryable = details.retryable
    this.providerCode = details.providerCode ?? null
  }
}

const E164 = /^\+[1-9]\d{1,14}$/

export interface TwilioConfig {
  /** https://api.twilio.com, or a Twilio-compatible provider's address. */
  baseUrl: string
  accountSid: string
  token: string
  fromNumber: string
  /** How long to wait for the whole answer; 15 s unless told. */
  timeoutMs?: number
}

/**
 * Twilio's Messages resource: POST {baseUrl}/2010-04-01/Accounts/{sid}/Messages.json with Basic
 * auth and a form body; 201 with the message's sid, or a JSON error {code, message, status}.
 * The token goes only into the Authorization header, never into a message or an error.
 */
export function twilioProvider(config: TwilioConfig): SmsProvider {
  const timeoutMs = config.timeoutMs ?? 15_000
  const path = `/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`
  const url = URL.canParse(config.baseUrl) ? new URL(config.baseUrl.replace(/\/+$/, '') + path) : null
  const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.token}`).toString('base64')}`

  return {
    async send({ to, body }) {
      if (!E164.test(to)) throw new SmsError(`"${to}" is not an international phone number (a plus and the digits, such as +919812345678)`, { retryable: false })
      if (!url) throw new SmsError(`The SMS provider's address "${config.baseUrl}" is not a web address`, { retryable: false })

      let status: number
      let statusText: string
      let text: string
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { authorization, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: to, From: config.fromNumber, Body: body }),
          // A redirect is not Twilio's answer: report it rather than replay the POST elsewhere.
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs)
        })
        ;({ status, statusText } = res)
        text = await res.text()
      } catch (err) {
        // Twilio may have accepted a message whose answer timed out; the outbox owns that risk.
        if (err instanceof Error && err.name === 'TimeoutError') {
          throw new SmsError(`Twilio did not answer within ${timeoutMs / 1000} s`, { retryable: true, cause: err })
        }
        const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code
        const why = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err)
        throw new SmsError(`Could not reach Twilio at ${url.host}: ${why}`, { retryable: true, cause: err })
      }

      const json = parseObject(text)
      if (status >= 200 && status < 300) {
        // Accepted but unreadable: sending again could send twice, so this is not retryable.
        if (typeof json?.sid !== 'string') throw new SmsError(`Twilio answered ${status} without a message id`, { retryable: false, providerCode: `HTTP ${status}` })
        return { providerId: json.sid, response: `${status} ${typeof json.status === 'string' ? json.status : statusText}`.trim() }
      }

      const retryable = status === 408 || status === 429 || status >= 500
      if (json && (typeof json.code === 'number' || typeof json.code === 'string') && typeof json.message === 'string') {
        throw new SmsError(`Twilio ${json.code}: ${json.message}`, { retryable, providerCode: String(json.code) })
      }
      throw new SmsError(`Twilio HTTP ${status}${statusText ? `: ${statusText}` : ''}`, { retryable, providerCode: `HTTP ${status}` })
    }
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}
