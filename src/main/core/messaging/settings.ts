// How the clinic sends: SMTP, the SMS provider, reminder lead times, and which running DocSpot
// sends. One JSON value per key in messaging_settings; the SMTP password and the SMS token are
// stored sealed (secrets.ts), never returned, never journaled in clear.
import { hostname } from 'node:os'
import type { Kysely } from 'kysely'
import type { MessagingSettings } from '../../../shared/api'
import type { ReadDb } from '../db/read-only'
import type { Database } from '../db/schema'
import type { SecretBox } from '../secrets'

export interface StoredMessaging {
  email: { enabled: boolean; host: string; port: number; security: 'tls' | 'starttls' | 'none'; user: string; passwordSealed: string | null; fromName: string; fromAddress: string }
  sms: { enabled: boolean; baseUrl: string; accountSid: string; tokenSealed: string | null; fromNumber: string }
  reminderLeadMinutes: number[]
  sender: { kind: 'desktop' | 'hub' | null; host: string | null }
}

export const MESSAGING_DEFAULTS: StoredMessaging = {
  email: { enabled: false, host: '', port: 587, security: 'starttls', user: '', passwordSealed: null, fromName: '', fromAddress: '' },
  sms: { enabled: false, baseUrl: 'https://api.twilio.com', accountSid: '', tokenSealed: null, fromNumber: '' },
  reminderLeadMinutes: [24 * 60, 120],
  sender: { kind: null, host: null }
}

export async function readMessaging(db: ReadDb): Promise<StoredMessaging> {
  const rows = await db.selectFrom('messaging_settings').select(['key', 'value']).execute()
  const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)])) as Partial<StoredMessaging>
  return {
    email: { ...MESSAGING_DEFAULTS.email, ...stored.email },
    sms: { ...MESSAGING_DEFAULTS.sms, ...stored.sms },
    reminderLeadMinutes: stored.reminderLeadMinutes ?? MESSAGING_DEFAULTS.reminderLeadMinutes,
    sender: { ...MESSAGING_DEFAULTS.sender, ...stored.sender }
  }
}

export async function writeMessaging(db: Kysely<Database>, values: Partial<StoredMessaging>, now: Date): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue
    await db
      .insertInto('messaging_settings')
      .values({ key, value: JSON.stringify(value), updated_at: now.toISOString() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now.toISOString() }))
      .execute()
  }
}

/** This running DocSpot, as the sender setting names one: its kind and its PC. */
export const thisInstance = (kind: 'desktop' | 'hub') => ({ kind, host: hostname() })

/** Whether this instance is the clinic's sender (the first to start claims it), and if not, why. */
export function senderCheck(stored: StoredMessaging, kind: 'desktop' | 'hub'): { sends: boolean; unclaimed: boolean; why: string } {
  const me = thisInstance(kind)
  if (stored.sender.kind === null) return { sends: true, unclaimed: true, why: 'No DocSpot sends yet: this one will, when it starts sending' }
  if (stored.sender.kind === me.kind && stored.sender.host === me.host) return { sends: true, unclaimed: false, why: `This ${me.kind === 'hub' ? 'hub' : 'desktop app'} (${me.host}) sends the clinic's messages` }
  return {
    sends: false,
    unclaimed: false,
    why: `The clinic's messages are sent by the ${stored.sender.kind === 'hub' ? 'hub' : 'desktop app'} on ${stored.sender.host}; this one (${me.host}) does not, so nothing goes twice. An admin can make this one the sender.`
  }
}

export function messagingView(stored: StoredMessaging, kind: 'desktop' | 'hub'): MessagingSettings {
  const { passwordSealed, ...email } = stored.email
  const { tokenSealed, ...sms } = stored.sms
  const check = senderCheck(stored, kind)
  return {
    email: { ...email, passwordSet: passwordSealed !== null },
    sms: { ...sms, tokenSet: tokenSealed !== null },
    reminderLeadMinutes: stored.reminderLeadMinutes,
    sender: stored.sender,
    thisInstance: { sends: check.sends, why: check.why }
  }
}

/** The SMTP password in clear, for the transport only. */
export const smtpPassword = (stored: StoredMessaging, secrets: SecretBox) => (stored.email.passwordSealed ? secrets.open(stored.email.passwordSealed) : '')
export const smsToken = (stored: StoredMessaging, secrets: SecretBox) => (stored.sms.tokenSealed ? secrets.open(stored.sms.tokenSealed) : '')
