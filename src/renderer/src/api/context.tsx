import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { SessionInfo, Settings } from '../../../shared/api'
import type { ApiClient, Connection } from './client'

interface SessionState {
  session: SessionInfo | null
  settings: Settings | null
  signedIn(session: SessionInfo): Promise<void>
  signOut(reason?: string): Promise<void>
  reloadSettings(): Promise<void>
  /** Why the last session ended, shown on the login screen. */
  signOutReason: string | null
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

/** Re-runs `load` whenever the core reports a change to one of `entities` (or any change). */
export function useOnChange(entities: string[] | null, load: () => void): void {
  const api = useApi()
  const key = entities?.join(',') ?? '*'
  useEffect(
    () => api.onChange((change) => (entities === null || (change.entity && entities.includes(change.entity)) ? load() : undefined)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, key, load]
  )
}

export function ApiProvider({ client, initialSession, children }: { client: ApiClient; initialSession: SessionInfo | null; children: ReactNode }) {
  const [session, setSession] = useState<SessionInfo | null>(initialSession)
  const [settings, setSettings] = useState<Settings | null>(null)
  const [signOutReason, setSignOutReason] = useState<string | null>(null)

  const reloadSettings = useCallback(async () => setSettings(await client.call('settings.get')), [client])

  // A session that ended on the core's side (expired, idle) takes the screen back to sign-in.
  const signedInRef = useRef(initialSession !== null)
  useEffect(() => {
    signedInRef.current = session !== null
  }, [session])
  useEffect(
    () =>
      client.onSessionEnded(() => {
        if (!signedInRef.current) return // already signed out; keep the reason shown
        signedInRef.current = false
        client.setToken(null)
        setSignOutReason('Your session has ended. Please sign in again.')
        setSession(null)
        setSettings(null)
      }),
    [client]
  )

  useEffect(() => {
    if (!session) return
    let live = true
    client.call('settings.get').then((next) => live && setSettings(next), () => undefined)
    return () => void (live = false)
  }, [client, session])

  const state = useMemo<SessionState>(
    () => ({
      session,
      settings,
      signOutReason,
      reloadSettings,
      async signedIn(next) {
        if (next.token) client.setToken(next.token)
        setSignOutReason(null)
        setSession({ user: next.user, expiresAt: next.expiresAt })
      },
      async signOut(reason) {
        signedInRef.current = false
        await client.call('auth.logout').catch(() => undefined)
        client.setToken(null)
        setSignOutReason(reason ?? null)
        setSession(null)
        setSettings(null)
      }
    }),
    [client, session, settings, signOutReason, reloadSettings]
  )

  return (
    <ApiContext.Provider value={client}>
      <SessionContext.Provider value={state}>{children}</SessionContext.Provider>
    </ApiContext.Provider>
  )
}
