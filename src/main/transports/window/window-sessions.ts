import { hostname } from 'node:os'
import type { ApiResult, SessionInfo } from '../../../shared/api'
import type { Dispatch } from '../../core/dispatcher'

/**
 * For the desktop window: the session token stays in the main process, keyed by window,
 * so script in the page never holds it. Methods that open a session hand back the
 * session without its token; logout forgets it.
 */
export function windowSessions(dispatch: Dispatch) {
  const tokens = new Map<number, string>()
  return {
    async invoke(windowId: number, method: string, input: unknown): Promise<ApiResult<unknown>> {
      const result = await dispatch(method, input, { token: tokens.get(windowId), device: `${hostname()} window ${windowId}` })
      if (!result.ok) {
        if (result.error.code === 'UNAUTHENTICATED') tokens.delete(windowId)
        return result
      }
      if (method === 'auth.login' || method === 'setup.createClinic') {
        const { token, ...session } = result.value as SessionInfo
        // Signing in again ends the window's previous session rather than leaving it valid.
        const previous = tokens.get(windowId)
        if (previous && previous !== token) await dispatch('auth.logout', {}, { token: previous })
        if (token) tokens.set(windowId, token)
        return { ok: true, value: session }
      }
      if (method === 'auth.logout') tokens.delete(windowId)
      return result
    },
    forget(windowId: number): void {
      tokens.delete(windowId)
    }
  }
}
