import { DateTime } from 'luxon'
import type { HandlerGroup } from '../context'
import { requireSettings } from '../settings/settings'
import { closeDay, daySummary } from './day'
import { board, createDisplay, listDisplays, newPairingCode, pair, revokeDisplay, updateDisplay } from './displays'
import { daySummaryPdf, tokenSlipPdf } from './pdf'
import { arrive, callNext, clinicToday, completeEntry, getEntry, issueToken, leaveQueue, loadQueues, moveEntry, queueDoctor, recallEntry, skipEntry } from './queue'
import { seriesHandlers } from './series'
import { waitlistHandlers } from './waitlist'

const pdf = (bytes: Uint8Array, name: string) => ({ type: 'application/pdf', bytes, name })

export const frontDeskHandlers: HandlerGroup = {
  'queue.board': async (ctx, { date }) => {
    const settings = await requireSettings(ctx.db)
    return loadQueues(ctx.db, settings, date ?? clinicToday(ctx.now, settings.timeZone))
  },
  'queue.forDoctor': async (ctx, { doctorId, date }) => {
    const settings = await requireSettings(ctx.db)
    const doctor = await queueDoctor(ctx, doctorId)
    const [queue] = await loadQueues(ctx.db, settings, date ?? clinicToday(ctx.now, settings.timeZone), [doctor.id])
    return queue
  },
  'queue.issueToken': async (tx, input) => issueToken(tx, input),
  'queue.arrive': async (tx, { appointmentId }) => arrive(tx, appointmentId),
  'queue.move': async (tx, input) => moveEntry(tx, input),
  'queue.skip': async (tx, input) => skipEntry(tx, input),
  'queue.recall': async (tx, { entryId }) => recallEntry(tx, entryId),
  'queue.leave': async (tx, input) => leaveQueue(tx, input),
  'queue.callNext': async (tx, { doctorId }) => callNext(tx, doctorId),
  'queue.complete': async (tx, { entryId }) => completeEntry(tx, entryId),
  'queue.slip': async (ctx, { entryId }) => {
    const settings = await requireSettings(ctx.db)
    const entry = await getEntry(ctx.db, entryId)
    const [queue] = await loadQueues(ctx.db, settings, entry.date, [entry.doctorId])
    const wall = (instant: string, format: string) => DateTime.fromISO(instant, { zone: settings.timeZone }).toFormat(format)
    const bytes = await tokenSlipPdf({
      clinicName: settings.clinicName,
      clinicPhone: settings.clinicPhone,
      token: entry.token,
      doctorName: queue.doctor.name,
      patientNumber: entry.patient.number,
      patientName: entry.patient.name,
      issuedAt: wall(entry.arrivedAt, 'ccc d LLL yyyy, HH:mm'),
      appointmentTime: entry.appointmentStart ? wall(entry.appointmentStart, 'HH:mm') : null,
      ahead: entry.position === null ? 0 : entry.position - 1 + (queue.nowServing ? 1 : 0)
    })
    return pdf(bytes, `token-${entry.token}.pdf`)
  },

  'day.summary': async (ctx, { date }) => {
    const settings = await requireSettings(ctx.db)
    return daySummary(ctx.db, settings, date ?? clinicToday(ctx.now, settings.timeZone))
  },
  'day.summaryPdf': async (ctx, { date }) => {
    const settings = await requireSettings(ctx.db)
    const summary = await daySummary(ctx.db, settings, date ?? clinicToday(ctx.now, settings.timeZone))
    const printedAt = DateTime.fromJSDate(ctx.now, { zone: settings.timeZone }).toFormat('d LLL yyyy, HH:mm')
    return pdf(await daySummaryPdf(summary, { name: settings.clinicName, timeZone: settings.timeZone, printedAt }), `day-end-${summary.date}.pdf`)
  },
  'day.close': async (tx, { date }) => closeDay(tx, await requireSettings(tx.db), date),

  'displays.list': async (ctx) => listDisplays(ctx.db, ctx.now),
  'displays.create': async (tx, input) => createDisplay(tx, input),
  'displays.newCode': async (tx, { id }) => newPairingCode(tx, id),
  'displays.update': async (tx, input) => updateDisplay(tx, input),
  'displays.revoke': async (tx, { id }) => revokeDisplay(tx, id),
  'displays.pair': async (tx, { pairingCode }) => pair(tx, pairingCode),
  'displays.board': async (ctx, { displayToken }) => board(ctx.db, displayToken, ctx.now),

  ...waitlistHandlers,
  ...seriesHandlers
}
