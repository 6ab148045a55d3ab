import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { SessionInfo, Settings } from '../../../shared/api'
import type { ApiClient, Connection } from './client'
import { touches, type Shows } from './shows'

interface SessionState {
  session: SessionInfo | null
  settings: Settings | null
  signedIn(session: SessionInfo): Promise<void>
  signOut(reason?: string): Promise<void>
  reloadSettings(): Promise<void>
  /** Why the last session ended, shown on the login screen. */
  signOutReason: string | null
  /** The screen is locked: the app stays as it was underneath, until its user unlocks it. */
  locked: boolean
  lock(): void
  /** Unlocks with the user's password: signs them in afresh (the hub's session may have ended meanwhile). */
  unlock(password: string, totpCode?: string): Promise<void>
}

const ApiContext = createContext<ApiClient | null>(null)
const SessionContext = createContext<SessionState | null>(null)

export function useApi(): ApiClient {
  const api = useContext(ApiContext)
  if (!api) throw new Error('useApi outside ApiProvider')
  return api
}

export function useSession(): SessionState {
  const state = useContext(SessionContext)
  if (!state) throw new Error('useSession outside SessionProvider')
  return state
}

export function useConnection(): Connection {
  const api = useApi()
  const [state, setState] = useState<Connection>('connecting')
  useEffect(() => api.onConnection(setState), [api])
  return state
}

export function ApiProvider({ client, initialSession, children }: { client: ApiClient; initialSession: SessionInfo | null; children: ReactNode }) {
  const [queries] = useState(
    () =>
      new QueryClient({
        // Fresh until a change event says otherwise: the core announces every committed write.
        defaultOptions: { queries: { staleTime: Infinity, retry: false, refetchOnWindowFocus: false } }
      })
  )
  useLiveQueries(client, queries)
  const [session, setSession] = useState<SessionInfo | null>(initialSession)
  const [settings, setSettings] = useState<Settings | null>(null)
  const [signOutReason, setSignOutReason] = useState<string | null>(null)

  const reloadSettings = useCallback(async () => setSettings(await client.call('settings.get')), [client])

  // A session that ended on the core's side (expired, idle) takes the screen back to sign-in.
  const signedInRef = useRef(initialSession !== null)
  const [locked, setLocked] = useState(false)
  const lockedRef = useRef(false)
  useEffect(() => {
    lockedRef.current = locked
  }, [locked])
  useEffect(() => {
    signedInRef.current = session !== null
  }, [session])
  useEffect(
    () =>
      client.onSessionEnded(() => {
        if (!signedInRef.current) return // already signed out; keep the reason shown
        // Locked: the idle limit ended the hub's session too. Keep the screen as it was; the
        // unlock signs in afresh.
        if (lockedRef.current) return client.setToken(null)
        signedInRef.current = false
        client.setToken(null)
        setSignOutReason('Your session has ended. Please sign in again.')
        setSession(null)
        setSettings(null)
        queries.clear()
      }),
    [client, queries]
  )

  useEffect(() => {
    if (!session) return
    let live = true
    const load = () => client.call('settings.get').then((next) => live && setSettings(next), () => undefined)
    void load()
    // Another admin changed a setting (the time zone, the number format): follow it.
    const off = client.onChange((event) => void (event.changed.settings || event.all.includes('settings') ? load() : undefined))
    return () => {
      live = false
      off()
    }
  }, [client, session])

  const state = useMemo<SessionState>(
    () => ({
      session,
      settings,
      signOutReason,
      reloadSettings,
      locked,
      lock: () => setLocked(true),
      async unlock(password, totpCode) {
        const next = await client.call('auth.login', { email: session!.user.email, password, ...(totpCode ? { totpCode } : {}) })
        if (next.user.id !== session!.user.id) throw new Error('Another account signed in')
        if (next.token) client.setToken(next.token)
        setLocked(false)
      },
      async signedIn(next) {
        if (next.token) client.setToken(next.token)
        setSignOutReason(null)
        setSession({ user: next.user, expiresAt: next.expiresAt, mustEnrolTwoFactor: next.mustEnrolTwoFactor, permissions: next.permissions ?? null })
      },
      async signOut(reason) {
        signedInRef.current = false
        await client.call('auth.logout').catch(() => undefined)
        client.setToken(null)
        setSignOutReason(reason ?? null)
        setSession(null)
        setSettings(null)
        setLocked(false)
        // The next user of this PC must not see the last one's cached screens.
        queries.clear()
      }
    }),
    [client, queries, session, settings, signOutReason, reloadSettings, locked]
  )

  return (
    <ApiContext.Provider value={client}>
      <QueryClientProvider client={queries}>
        <SessionContext.Provider value={state}>{children}</SessionContext.Provider>
      </QueryClientProvider>
    </ApiContext.Provider>
  )
}

/** Refreshes the queries a committed change touches; everything after the connection comes back. */
function useLiveQueries(client: ApiClient, queries: QueryClient): void {
  useEffect(
    () =>
      client.onChange((event) => {
        void queries.invalidateQueries({ predicate: (q) => touches((q.meta?.shows as Shows[] | undefined) ?? [], event) })
      }),
    [client, queries]
  )
  useEffect(() => {
    let wasOffline = false
    return client.onConnection((state) => {
      // Changes made while we could not hear them: refresh everything shown.
      if (state === 'online' && wasOffline) void queries.invalidateQueries()
      wasOffline = state === 'offline'
    })
  }, [client, queries])
}
