import type { OutboxMessage } from '../../../../shared/api'
import { addDays, clinicClock, clinicDate, dayLabel } from '../../lib/clinic-time'

/** What the desk calls a message's state: "retrying" is a pending one that has already failed at least once. */
export type DeliveryState = 'sent' | 'pending' | 'sending' | 'retrying' | 'failed' | 'skipped' | 'cancelled'

export function deliveryState(m: Pick<OutboxMessage, 'status' | 'attempts'>): DeliveryState {
  if (m.status === 'pending' && m.attempts > 0) return 'retrying'
  return m.status
}

export const STATE_LABEL: Record<DeliveryState, string> = {
  sent: 'Sent',
  pending: 'Pending',
  sending: 'Sending',
  retrying: 'Retrying',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled'
}

export const STATE_COLOR: Record<DeliveryState, string> = {
  sent: 'teal',
  pending: 'blue',
  sending: 'blue',
  retrying: 'orange',
  failed: 'red',
  skipped: 'gray',
  cancelled: 'gray'
}

/** "10:15" today, "Tomorrow 09:00", "Yesterday 18:30", else "Tue 11 Mar 10:15" — all in clinic time. */
export function clinicWhen(instant: string, timeZone: string, today: string): string {
  const date = clinicDate(instant, timeZone)
  const time = clinicClock(instant, timeZone)
  if (date === today) return `Today ${time}`
  if (date === addDays(today, 1)) return `Tomorrow ${time}`
  if (date === addDays(today, -1)) return `Yesterday ${time}`
  return `${dayLabel(date)} ${time}`
}

/**
 * A failure as the desk can act on it. The server's own words stay beside this (they are what
 * the clinic's IT person or mail provider will ask for); this says what they mean.
 */
export function failureInWords(error: string, channel: 'email' | 'sms' = 'email'): string | null {
  const e = error.toLowerCase()
  const server = channel === 'email' ? 'the mail server' : 'the SMS provider'
  if (e.includes('not set up')) return null
  if (e.includes('econnrefused')) return `DocSpot could not reach ${server}: nothing answered at that address and port.`
  if (e.includes('enotfound') || e.includes('eai_again')) return `The name of ${server} could not be found: check its address, and that this PC is online.`
  if (e.includes('etimedout') || e.includes('timeout')) return `${capital(server)} did not answer in time: check the address, the port and the network.`
  if (channel === 'sms') {
    if (/\b401\b|unauthori[sz]ed|authenticat/.test(e)) return 'The SMS provider refused the account SID or token.'
    return null
  }
  if (/^535\b|authentication|invalid login/.test(e)) return 'The mail server refused the user name or password.'
  if (/^55[0-4]\b/.test(e)) return 'The mail server refused this address.'
  if (e.includes('certificate') || e.includes('wrong version number') || e.includes('starttls')) return 'The secure connection to the mail server failed: check the security setting (TLS, STARTTLS or none) and the port.'
  return null
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
