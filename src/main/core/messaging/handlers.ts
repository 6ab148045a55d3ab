import { randomInt } from 'node:crypto'
import { hashToken } from '../auth/sessions'
import { DateTime } from 'luxon'
import { ApiError, type OutboxMessage } from '../../../shared/api'
import { ownTransaction, type HandlerGroup } from '../context'
import { requireSettings } from '../settings/settings'
import { insertMessage, messagesQuery, optedOut, resendPayload, toMessage, transports } from './outbox'
import { messagingView, readMessaging, thisInstance, writeMessaging, type StoredMessaging } from './settings'
import { renderMessage, templateHandlers } from './templates'

const CODE_MINUTES = 30
const CODE_ATTEMPTS = 5

async function getMessage(db: Parameters<typeof messagesQuery>[0], id: string): Promise<OutboxMessage> {
  const row = await messagesQuery(db).where('o.id', '=', id).executeTakeFirst()
  if (!row) throw noMessage(id)
  return toMessage(row)
}

const noMessage = (id: string) => new ApiError('NOT_FOUND', `id: no message with id ${id}`, { id: `is not a known message (${id})` })

export const messagingHandlers: HandlerGroup = {
  'messaging.settings': async (ctx) => messagingView(await readMessaging(ctx.db), ctx.services.connection.kind),

  'messaging.saveSettings': async (tx, input) => {
    const stored = await readMessaging(tx.db)
    const next: Partial<StoredMessaging> = {}
    if (input.email) {
      const { password, ...email } = input.email
      if (email.enabled && !email.host) throw ApiError.field('email.host', 'is required to send email')
      if (email.enabled && !email.fromAddress) throw ApiError.field('email.fromAddress', 'is required to send email')
      // No password sent: the stored one stays. '' removes it.
      const passwordSealed = password === undefined ? stored.email.passwordSealed : password === '' ? null : tx.services.secrets.seal(password)
      next.email = { ...email, passwordSealed }
    }
    if (input.sms) {
      const { token, ...sms } = input.sms
      if (sms.enabled && !sms.accountSid) throw ApiError.field('sms.accountSid', 'is required to send SMS')
      if (sms.enabled && !/^\+\d{6,15}$/.test(sms.fromNumber)) throw ApiError.field('sms.fromNumber', 'must be the sending number in international form, e.g. +14155550100')
      next.sms = { ...sms, tokenSealed: token === undefined ? stored.sms.tokenSealed : token === '' ? null : tx.services.secrets.seal(token) }
    }
    if (input.reminderLeadMinutes) next.reminderLeadMinutes = [...new Set(input.reminderLeadMinutes)].sort((a, b) => b - a)
    if (input.sendFromHere) next.sender = thisInstance(tx.services.connection.kind)
    await writeMessaging(tx.db, next, tx.now)
    return messagingView(await readMessaging(tx.db), tx.services.connection.kind)
  },

  'messaging.testEmail': async (ctx, { to }) => {
    const stored = await readMessaging(ctx.db)
    if (!stored.email.host) throw ApiError.field('email.host', 'is not set: save the mail server first')
    const settings = await requireSettings(ctx.db)
    const send = transports(stored, ctx.services)
    try {
      const when = DateTime.fromJSDate(ctx.now, { zone: settings.timeZone }).toFormat('d LLL yyyy, HH:mm')
      const outcome = await send.email({ recipient: to, message_id: `<test-${ctx.now.getTime()}@docspot>` } as never, {
        subject: `DocSpot test email from ${settings.clinicName}`,
        text: `This is a test email from DocSpot at ${settings.clinicName}, sent ${when} (clinic time). If you can read it, the clinic's email settings work.`,
        html: ''
      })
      return outcome.ok ? { accepted: true, response: outcome.response } : { accepted: false, response: outcome.error }
    } finally {
      send.close()
    }
  },

  'outbox.list': async (ctx, input) => {
    const settings = await requireSettings(ctx.db)
    const bound = (date: string, end: boolean) => DateTime.fromISO(date, { zone: settings.timeZone }).plus({ days: end ? 1 : 0 }).toUTC().toISO()!
    const rows = await messagesQuery(ctx.db)
      .$if(input.from !== undefined, (q) => q.where('o.due_at', '>=', bound(input.from!, false)))
      .$if(input.to !== undefined, (q) => q.where('o.due_at', '<', bound(input.to!, true)))
      .$if(input.status !== undefined, (q) => q.where('o.status', '=', input.status!))
      .$if(input.appointmentId !== undefined, (q) => q.where('o.appointment_id', '=', input.appointmentId!))
      .orderBy('o.due_at')
      .limit(1000)
      .execute()
    return rows.map(toMessage)
  },

  'outbox.resend': async (tx, { id }) => {
    const row = await tx.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw noMessage(id)
    if (row.status !== 'failed' && row.status !== 'skipped') throw new ApiError('CONFLICT', `This message is ${row.status}; only a failed or skipped one is sent again`)
    // To the address on the record now: the desk may have just added or corrected it.
    const patient = row.patient_id ? await tx.db.selectFrom('patients').select(['email', 'phone', 'email_opt_out', 'sms_opt_out']).where('id', '=', row.patient_id).executeTakeFirst() : undefined
    const recipient = patient ? (row.channel === 'email' ? patient.email : patient.phone) : row.recipient
    if (!recipient || recipient === '—') throw new ApiError('CONFLICT', `There is no address to send it to: add the patient's ${row.channel === 'email' ? 'email' : 'mobile number'} first`)
    const refused = patient && optedOut(patient, row.channel)
    if (refused) throw new ApiError('CONFLICT', `${refused}: this is sent again only once their record allows it`)
    const payload = await resendPayload(tx, row, recipient)
    await tx.db
      .updateTable('outbox')
      .set({ recipient, payload: JSON.stringify(payload), status: 'pending', attempts: 0, next_attempt_at: null, last_error: null, skip_reason: null, due_at: tx.now.toISOString(), updated_at: tx.now.toISOString() })
      .where('id', '=', id)
      .execute()
    return getMessage(tx.db, id)
  },

  'outbox.failures': async (ctx) => {
    const settings = await requireSettings(ctx.db)
    const today = DateTime.fromJSDate(ctx.now, { zone: settings.timeZone }).startOf('day')
    const count = async (from?: string, to?: string) =>
      Number(
        (
          await ctx.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('status', '=', 'failed')
            .$if(from !== undefined, (q) => q.where('updated_at', '>=', from!).where('updated_at', '<', to!))
            .executeTakeFirstOrThrow()
        ).n
      )
    return { today: await count(today.toUTC().toISO()!, today.plus({ days: 1 }).toUTC().toISO()!), all: await count() }
  },

  // The sender journals its own writes as it goes (rows taken, then each one marked): it runs
  // outside any snapshot, so other screens' reads do not wait while it talks to the server.
  'outbox.sendDue': ownTransaction<'outbox.sendDue'>(async (ctx) => {
    if (!ctx.services.outbox) throw new ApiError('UNAVAILABLE', 'The sender is not running')
    return ctx.services.outbox.tick()
  }),

  'patients.sendEmailCode': async (tx, { patientId }) => {
    const patient = await tx.db.selectFrom('patients').select(['id', 'name', 'email', 'preferred_language']).where('id', '=', patientId).executeTakeFirst()
    if (!patient) throw ApiError.field('patientId', `is not a known patient (${patientId})`)
    if (!patient.email) throw ApiError.field('patientId', `${patient.name} has no email address to verify`)
    const messaging = await readMessaging(tx.db)
    if (!messaging.email.enabled) throw new ApiError('CONFLICT', 'Email is not set up: an admin sets the mail server under Admin → Messages')
    const settings = await requireSettings(tx.db)
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    const expiresAt = new Date(tx.now.getTime() + CODE_MINUTES * 60_000).toISOString()
    const id = tx.newId()
    await tx.db.insertInto('email_verifications').values({ id, patient_id: patient.id, email: patient.email, code_hash: hashToken(code), expires_at: expiresAt, attempts: 0, verified_at: null, created_at: tx.now.toISOString() }).execute()
    const address = [settings.clinicAddress.line, settings.clinicAddress.city].filter(Boolean).join(', ')
    const context = { patientName: patient.name, doctorName: '', date: '', time: '', clinicName: settings.clinicName, clinicAddress: address, clinicPhone: settings.clinicPhone, typeName: '', code }
    const rendered = await renderMessage(tx.db, 'verification', patient.preferred_language, 'email', context)
    await insertMessage(tx, { channel: 'email', kind: 'verification', appointmentId: null, patientId: patient.id, dedupeKey: `verification:${id}`, recipient: patient.email, payload: rendered, due: tx.now.toISOString(), skip: null })
    return { sentTo: patient.email, expiresAt }
  },

  // A wrong code is counted even though the call fails, so the count is written in a
  // transaction of its own before the refusal; five wrong codes end the code.
  'patients.verifyEmail': ownTransaction<'patients.verifyEmail'>(async (ctx, { patientId, code }) => {
    const patient = await ctx.db.selectFrom('patients').select(['id', 'email']).where('id', '=', patientId).executeTakeFirst()
    if (!patient) throw ApiError.field('patientId', `is not a known patient (${patientId})`)
    const pending = await ctx.db.selectFrom('email_verifications').selectAll().where('patient_id', '=', patientId).where('verified_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst()
    if (!pending || pending.email !== patient.email) throw ApiError.field('code', 'has not been sent to this address: send a new code')
    if (pending.expires_at <= ctx.now.toISOString()) throw ApiError.field('code', `has expired (codes last ${CODE_MINUTES} minutes): send a new code`)
    if (pending.attempts >= CODE_ATTEMPTS) throw ApiError.field('code', `was entered wrongly ${CODE_ATTEMPTS} times: send a new code`)
    if (hashToken(code) !== pending.code_hash) {
      await ctx.write((tx) => tx.db.updateTable('email_verifications').set({ attempts: pending.attempts + 1 }).where('id', '=', pending.id).execute())
      const left = CODE_ATTEMPTS - pending.attempts - 1
      throw ApiError.field('code', left > 0 ? `is not the code that was sent (${left} ${left === 1 ? 'try' : 'tries'} left)` : `is not the code that was sent; that was the last try: send a new code`)
    }
    return ctx.write(async (tx) => {
      const at = tx.now.toISOString()
      await tx.db.updateTable('email_verifications').set({ verified_at: at }).where('id', '=', pending.id).execute()
      await tx.db.updateTable('patients').set({ email_verified_at: at, updated_at: at }).where('id', '=', patientId).execute()
      return { verifiedAt: at }
    })
  }),

  ...templateHandlers
}
