// Waiting-room screens. The admin adds one and gets a 6-digit code, good for 15 minutes; the
// screen (a TV's browser at the hub's /display) pairs with it and keeps a long random token.
// The screen needs no staff sign-in, and what it can read shows token numbers, never names.
import { randomBytes, randomInt } from 'node:crypto'
import { hashToken } from '../auth/sessions'
import type { Selectable } from 'kysely'
import { ApiError, type Display, type DisplayBoard } from '../../../shared/api'
import type { WriteContext } from '../context'
import type { ReadDb } from '../db/read-only'
import type { DisplaysTable } from '../db/schema'
import { requireSettings } from '../settings/settings'
import { clinicToday, loadQueues } from './queue'
import { DateTime } from 'luxon'

export const PAIRING_MINUTES = 15
/** Wrong codes tried from one address before it must wait: 6 digits are guessable only with many tries. */
const MAX_WRONG_CODES = 10


export function toDisplay(r: Selectable<DisplaysTable>, now: Date): Display {
  const paired = r.token_hash !== null && r.revoked_at === null
  return {
    id: r.id,
    name: r.name,
    paired,
    pairedAt: r.paired_at,
    codeExpiresAt: !paired && r.revoked_at === null && r.code_expires_at && r.code_expires_at > now.toISOString() ? r.code_expires_at : null,
    chime: r.chime === 1,
    revoked: r.revoked_at !== null,
    createdAt: r.created_at
  }
}

async function getDisplay(db: ReadDb, id: string) {
  const row = await db.selectFrom('displays').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new ApiError('NOT_FOUND', `id: no waiting-room screen with id ${id}`, { id: `is not a known screen (${id})` })
  return row
}

/** A fresh code, unlike any other screen's live code. The old code and any pairing stop working. */
export async function newPairingCode(tx: WriteContext, id: string): Promise<{ display: Display; pairingCode: string }> {
  const row = await getDisplay(tx.db, id)
  if (row.revoked_at) throw new ApiError('CONFLICT', `${row.name} was unpaired for good; add a new screen instead`)
  let code = ''
  for (let tries = 0; tries < 20 && !code; tries++) {
    const candidate = String(randomInt(0, 1_000_000)).padStart(6, '0')
    const taken = await tx.db.selectFrom('displays').select('id').where('code_hash', '=', hashToken(candidate)).where('code_expires_at', '>', tx.now.toISOString()).executeTakeFirst()
    if (!taken) code = candidate
  }
  if (!code) throw new ApiError('UNAVAILABLE', 'Could not make a pairing code; try again')
  const expires = new Date(tx.now.getTime() + PAIRING_MINUTES * 60_000).toISOString()
  await tx.db.updateTable('displays').set({ code_hash: hashToken(code), code_expires_at: expires, token_hash: null, paired_at: null }).where('id', '=', id).execute()
  return { display: toDisplay(await getDisplay(tx.db, id), tx.now), pairingCode: code }
}

const wrongCodes = new Map<string, { count: number; since: number }>()

export async function pair(tx: WriteContext, pairingCode: string): Promise<{ displayToken: string; name: string }> {
  const key = tx.address ?? 'unknown'
  const tried = wrongCodes.get(key)
  if (tried && tx.now.getTime() - tried.since > PAIRING_MINUTES * 60_000) wrongCodes.delete(key)
  if ((wrongCodes.get(key)?.count ?? 0) >= MAX_WRONG_CODES) throw new ApiError('FORBIDDEN', `Too many wrong codes from this screen: wait ${PAIRING_MINUTES} minutes, then try again`)
  // The latest to expire first: a live code may be the same as another screen's lapsed one.
  const row = await tx.db
    .selectFrom('displays')
    .selectAll()
    .where('code_hash', '=', hashToken(pairingCode))
    .where('revoked_at', 'is', null)
    .orderBy('code_expires_at', 'desc')
    .executeTakeFirst()
  if (!row || !row.code_expires_at || row.code_expires_at <= tx.now.toISOString()) {
    const entry = wrongCodes.get(key) ?? { count: 0, since: tx.now.getTime() }
    wrongCodes.set(key, { ...entry, count: entry.count + 1 })
    const expired = row ? 'has expired' : 'is not a current pairing code'
    throw ApiError.field('pairingCode', `${expired}: ask the admin for a new code (Admin → Waiting room)`)
  }
  wrongCodes.delete(key)
  const displayToken = randomBytes(32).toString('base64url')
  await tx.db.updateTable('displays').set({ token_hash: hashToken(displayToken), paired_at: tx.now.toISOString(), code_hash: null, code_expires_at: null }).where('id', '=', row.id).execute()
  return { displayToken, name: row.name }
}

/** The board a paired screen shows: now serving and the next few tokens per doctor. */
export async function board(db: ReadDb, displayToken: string, now: Date): Promise<DisplayBoard> {
  const row = await db.selectFrom('displays').selectAll().where('token_hash', '=', hashToken(displayToken)).where('revoked_at', 'is', null).executeTakeFirst()
  if (!row) throw new ApiError('UNAUTHENTICATED', 'This screen is not paired (or was unpaired): pair it again with a new code from the admin')
  const settings = await requireSettings(db)
  const date = clinicToday(now, settings.timeZone)
  const queues = await loadQueues(db, settings, date)
  return {
    clinicName: settings.clinicName,
    date,
    time: DateTime.fromJSDate(now, { zone: settings.timeZone }).toFormat('HH:mm'),
    displayName: row.name,
    chime: row.chime === 1,
    // Doctors working today or with anyone in their queue; tokens only.
    doctors: queues
      .filter((q) => q.working || q.nowServing || q.waiting.length > 0)
      .map((q) => ({
        doctorId: q.doctor.id,
        name: q.doctor.name,
        colour: q.doctor.colour,
        nowServing: q.nowServing?.token ?? null,
        calledAt: q.nowServing?.calledAt ?? null,
        next: q.waiting.slice(0, 5).map((w) => w.token)
      }))
  }
}

export async function listDisplays(db: ReadDb, now: Date): Promise<Display[]> {
  const rows = await db.selectFrom('displays').selectAll().where('revoked_at', 'is', null).orderBy('created_at').execute()
  return rows.map((r) => toDisplay(r, now))
}

export async function createDisplay(tx: WriteContext, input: { name: string; chime: boolean }) {
  const id = tx.newId()
  await tx.db.insertInto('displays').values({ id, name: input.name, chime: input.chime ? 1 : 0, created_by: tx.user.id, created_at: tx.now.toISOString() }).execute()
  return newPairingCode(tx, id)
}

export async function updateDisplay(tx: WriteContext, input: { id: string; name?: string; chime?: boolean }): Promise<Display> {
  const row = await getDisplay(tx.db, input.id)
  if (row.revoked_at) throw new ApiError('CONFLICT', `${row.name} was unpaired for good`)
  await tx.db
    .updateTable('displays')
    .set({ ...(input.name !== undefined ? { name: input.name } : {}), ...(input.chime !== undefined ? { chime: input.chime ? 1 : 0 } : {}) })
    .where('id', '=', input.id)
    .execute()
  return toDisplay(await getDisplay(tx.db, input.id), tx.now)
}

export async function revokeDisplay(tx: WriteContext, id: string): Promise<Display> {
  const row = await getDisplay(tx.db, id)
  if (!row.revoked_at) await tx.db.updateTable('displays').set({ revoked_at: tx.now.toISOString(), token_hash: null, code_hash: null, code_expires_at: null }).where('id', '=', id).execute()
  return toDisplay(await getDisplay(tx.db, id), tx.now)
}
