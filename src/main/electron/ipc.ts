import { ipcMain, type WebContents, type WebFrameMain } from 'electron'
import type { Core } from '../core/create-core'
import { windowSessions } from '../transports/window/window-sessions'

export const INVOKE_CHANNEL = 'docspot:invoke'
export const EVENT_CHANNEL = 'docspot:event'

/** Only our own page, in the top frame, may call the core. */
function trustedSender(frame: WebFrameMain | null, appOrigin: string): boolean {
  if (!frame || frame.parent) return false
  try {
    const url = new URL(frame.url)
    return url.protocol === 'file:' ? appOrigin === 'file://' : url.origin === appOrigin
  } catch {
    return false
  }
}

export function registerIpc(core: Core, appOrigin: string): { watch(contents: WebContents): void } {
  const sessions = windowSessions(core.dispatch)
  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, input: unknown) => {
    if (!trustedSender(event.senderFrame, appOrigin) || typeof method !== 'string') {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'This window may not call DocSpot' } }
    }
    return sessions.invoke(event.sender.id, method, input)
  })
  return {
    watch(contents) {
      const id = contents.id
      const offChange = core.onChange((change) => contents.send(EVENT_CHANNEL, 'change', change))
      const offProgress = core.onProgress((progress) => contents.send(EVENT_CHANNEL, 'progress', progress))
      contents.once('destroyed', () => {
        offChange()
        offProgress()
        sessions.forget(id)
      })
    }
  }
}
