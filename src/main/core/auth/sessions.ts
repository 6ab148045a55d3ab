import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { SessionInfo, StaffUser } from '../../../shared/api'
import { precompiled } from '../db/precompiled'
import type { ReadDb } from '../db/read-only'
import type { Database, UsersTable } from '../db/schema'
import type { Session } from '../context'

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** What toStaffUser reads, from users left-joined to roles: one list for every query that shows a staff account. */
export const STAFF_USER_COLUMNS = [
  'users.id',
  'users.name',
  'users.email',
  'users.role',
  'users.active',
  'users.phone',
  'users.must_change_password',
  'users.totp_enrolled_at',
  'users.custom_role_id',
  'roles.name as custom_role_name',
  'users.created_at'
] as const

export function toStaffUser(
  row: Pick<UsersTable, 'id' | 'name' | 'email' | 'role' | 'created_at'> & {
    active: number
    phone?: string
    must_change_password?: number
    totp_enrolled_at?: string | null
    custom_role_id?: string | null
    custom_role_name?: string | null
  }
): StaffUser {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    active: row.active === 1,
    phone: row.phone ?? '',
    mustChangePassword: row.must_change_password === 1,
    twoFactor: !!row.totp_enrolled_at,
    customRole: row.custom_role_id ? { id: row.custom_role_id, name: row.custom_role_name ?? '' } : null,
    createdAt: row.created_at
  }
}

/** Stores only the token's hash: a copied database file holds no usable session. */
export async function openSession(db: Kysely<Database>, user: StaffUser, now: Date, hours: number): Promise<SessionInfo> {
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now.getTime() + hours * 3_600_000).toISOString()
  await db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), user_id: user.id, created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: expiresAt })
    .execute()
  return { user, expiresAt, token }
}

/**
 * The live session for a token, or null. A session ends at its expiry, or after
 * `idleMinutes` without a request (the clinic's auto-logout), or when its user is deactivated.
 * Reads on `readDb`; its bookkeeping writes are not awaited, so a request never waits for a
 * long write elsewhere just to be let in.
 */
/**
 * Every call reads its session: three single-row lookups, each built once. (One query joining
 * sessions, users and roles cost about 40 µs in SQLite itself, the three about 5 µs each.)
 */
const sessionByToken = precompiled((db, tokenHash: string) => db.selectFrom('sessions').select(['expires_at', 'last_seen_at', 'user_id']).where('token_hash', '=', tokenHash))
const userById = precompiled((db, id: string) =>
  db.selectFrom('users').select(['id', 'name', 'email', 'role', 'active', 'phone', 'must_change_password', 'totp_enrolled_at', 'custom_role_id', 'created_at']).where('id', '=', id)
)
const roleById = precompiled((db, id: string) => db.selectFrom('roles').select(['name', 'methods']).where('id', '=', id))

/** The hashes of tokens seen lately: every call hashes its token, which costs as much as a read. */
const recentHashes = new Map<string, string>()

export async function findSession(
  { db, readDb }: { db: Kysely<Database>; readDb: ReadDb },
  token: string,
  now: Date,
  idleMinutes: number,
  log: (message: string, error?: unknown) => void
): Promise<Session | null> {
  const tokenHash = recentHashes.get(token) ?? hashToken(token)
  if (recentHashes.size >= 1_000) recentHashes.clear()
  recentHashes.set(token, tokenHash)
  const [session] = await sessionByToken(readDb, tokenHash)
  const [user] = session ? await userById(readDb, session.user_id) : []
  if (!session || !user || user.active !== 1) return null
  const [role] = user.custom_role_id ? await roleById(readDb, user.custom_role_id) : []
  const idleSince = now.getTime() - Date.parse(session.last_seen_at)
  const write = (query: { execute(): Promise<unknown> }) => void query.execute().catch((error) => log('session bookkeeping failed', error))
  if (Date.parse(session.expires_at) <= now.getTime() || idleSince > idleMinutes * 60_000) {
    write(db.deleteFrom('sessions').where('token_hash', '=', tokenHash))
    return null
  }
  // Touch at most once a minute (sooner for a short auto sign-out, which a once-a-minute touch
  // would trip while the user is busy): keeps the idle timer honest without a write per request.
  if (idleSince > Math.min(60_000, (idleMinutes * 60_000) / 4)) write(db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('token_hash', '=', tokenHash))
  // A custom role gone between the lookups allows nothing, rather than its base role's all.
  const permissions = user.custom_role_id ? (role?.methods ? (JSON.parse(role.methods) as string[]) : []) : null
  return { user: toStaffUser({ ...user, custom_role_name: role?.name ?? null }), tokenHash, expiresAt: session.expires_at, permissions }
}
