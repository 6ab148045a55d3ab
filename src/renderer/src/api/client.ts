import { ApiError, api, type ApiResult, type InputOf, type MethodName, type MethodSpec, type OutputOf } from '../../../shared/api'

export type Connection = 'online' | 'offline' | 'connecting'

/** A committed write, as the core announces it: the exact rows of each table it changed. */
export interface ChangeEvent {
  seq: number
  method: string
  at: string
  by: string | null
  changed: Record<string, string[]>
  /** Tables with too many rows changed to list (an import): everything of theirs is stale. */
  all: string[]
}
export interface ProgressEvent {
  jobId: string | null
  done: number
  total: number
}

/** What the UI talks to. Two implementations: IPC (desktop window) and HTTP (browser, other PCs). */
export interface ApiClient {
  readonly transport: 'ipc' | 'http'
  // Input may be left out when the method has no required field.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  call<M extends MethodName>(method: M, ...input: {} extends InputOf<M> ? [InputOf<M>?] : [InputOf<M>]): Promise<OutputOf<M>>
  /** Committed changes from the core. Returns unsubscribe. */
  onChange(listener: (change: ChangeEvent) => void): () => void
  /** Progress of long writes (imports) while they run. */
  onProgress(listener: (progress: ProgressEvent) => void): () => void
  onConnection(listener: (state: Connection) => void): () => void
  /** HTTP keeps the session token itself; IPC leaves it in the main process. */
  setToken(token: string | null): void
  /** The core said the session has ended (expired, idle, signed out elsewhere). */
  onSessionEnded(listener: () => void): () => void
}

function listeners<T>() {
  const set = new Set<(value: T) => void>()
  return {
    add(fn: (value: T) => void) {
      set.add(fn)
      return () => void set.delete(fn)
    },
    emit: (value: T) => set.forEach((fn) => fn(value))
  }
}

const sessionEnded = listeners<void>()

function unwrap<T>(method: MethodName, result: ApiResult<T>): T {
  if (result.ok) return result.value
  if (result.error.code === 'UNAUTHENTICATED' && api[method].roles !== 'public') sessionEnded.emit()
  throw new ApiError(result.error.code, result.error.message, result.error.fields)
}


export function ipcClient(bridge: NonNullable<Window['docspot']>): ApiClient {
  return {
    transport: 'ipc',
    call: async (method, ...[input]) => unwrap(method, (await bridge.invoke(method, input ?? {})) as ApiResult<never>),
    onSessionEnded: sessionEnded.add,
    onChange: (listener) => bridge.on('change', (payload) => listener(payload as ChangeEvent)),
    onProgress: (listener) => bridge.on('progress', (payload) => listener(payload as ProgressEvent)),
    onConnection: (listener) => {
      listener('online') // the core is in this PC's main process
      return () => {}
    },
    setToken: () => {}
  }
}

const TOKEN_KEY = 'docspot.session'
const DEVICE_NAME_STORE = 'docspot.device'
const DEVICE_KEY_STORE = 'docspot.deviceKey'

/** This browser's name in the journal ("browser 3f9a"), kept across sessions on this PC. */
function deviceName(): string {
  let name = localStorage.getItem(DEVICE_NAME_STORE)
  if (!name) localStorage.setItem(DEVICE_NAME_STORE, (name = `browser ${crypto.getRandomValues(new Uint16Array(1))[0].toString(16).padStart(4, '0')}`))
  return name
}

export function httpClient(base = ''): ApiClient {
  // sessionStorage: survives a reload, not a closed tab (clinic PCs are shared).
  let token: string | null = sessionStorage.getItem(TOKEN_KEY)
  const changes = listeners<ChangeEvent>()
  const progress = listeners<ProgressEvent>()
  const connection = listeners<Connection>()
  let state: Connection = 'connecting'
  let stream: AbortController | null = null

  const setState = (next: Connection) => {
    if (next !== state) connection.emit((state = next))
  }

  async function listen(): Promise<void> {
    stream?.abort()
    const controller = (stream = new AbortController())
    let delay = 1000
    while (!controller.signal.aborted) {
      try {
        const res = await fetch(`${base}/api/events`, { headers: token ? { Authorization: `Bearer ${token}` } : {}, signal: controller.signal })
        if (res.status === 401) {
          // The session ended on the hub (signed out elsewhere, deactivated, expired): say so now.
          if (token) sessionEnded.emit()
          return setState('online')
        }
        if (!res.ok || !res.body) throw new Error(String(res.status))
        setState('online')
        delay = 1000
        const opened = Date.now()
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          let end: number
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const data = block.split('\n').find((l) => l.startsWith('data: '))
            if (!data) continue
            if (block.includes('event: change')) changes.emit(JSON.parse(data.slice(6)))
            else if (block.includes('event: progress')) progress.emit(JSON.parse(data.slice(6)))
          }
        }
        // The hub closed a healthy stream (it does when the session ends): ask again at once,
        // unless it closed at once, which a retry loop must not hammer.
        if (Date.now() - opened < 1000) throw new Error('stream ended at once')
      } catch {
        if (controller.signal.aborted) return
        setState('offline')
        await new Promise((r) => setTimeout(r, delay))
        delay = Math.min(delay * 2, 10_000)
      }
    }
  }

  const client: ApiClient = {
    transport: 'http',
    async call(method, ...[input]) {
      if (!token && api[method].roles !== 'public') throw new ApiError('UNAUTHENTICATED', 'Please sign in first')
      const spec = api[method] as MethodSpec
      const headers: Record<string, string> = { 'DocSpot-Device': deviceName(), ...(token ? { Authorization: `Bearer ${token}` } : {}) }
      const deviceKey = localStorage.getItem(DEVICE_KEY_STORE)
      if (method === 'auth.login' && deviceKey) headers['DocSpot-Device-Key'] = deviceKey
      let body: BodyInit
      if (spec.upload) {
        // A file travels as the raw body; the other fields ride in a header.
        const { [spec.upload.field]: file, ...fields } = (input ?? {}) as Record<string, unknown>
        headers['Content-Type'] = 'application/octet-stream'
        headers['DocSpot-Input'] = encodeURIComponent(JSON.stringify(fields))
        body = file as Uint8Array<ArrayBuffer>
      } else {
        headers['Content-Type'] = 'application/json'
        body = JSON.stringify(input ?? {})
      }
      let res: Response
      try {
        res = await fetch(`${base}/api/${method}`, { method: 'POST', headers, body })
      } catch {
        setState('offline')
        throw new ApiError('UNAVAILABLE', 'Cannot reach the DocSpot hub. Check the network connection; nothing was saved.')
      }
      if (state === 'offline') void listen()
      if (spec.download && res.ok) {
        if (res.status === 204) return null as never
        const name = res.headers.get('content-disposition')?.match(/filename="([^"]+)"/)?.[1]
        return { type: res.headers.get('content-type') ?? 'application/octet-stream', bytes: new Uint8Array(await res.arrayBuffer()), ...(name ? { name } : {}) } as never
      }
      const reply = (await res.json().catch(() => null)) as ApiResult<never> | null
      if (!reply) throw new ApiError('INTERNAL', `The hub answered ${res.status} without a readable body`)
      const value = unwrap(method, reply)
      // Kept on this PC: later sign-ins from here are not slowed by someone else's guessing.
      const given = (value as { deviceKey?: unknown } | null)?.deviceKey
      if (method === 'auth.login' && typeof given === 'string') localStorage.setItem(DEVICE_KEY_STORE, given)
      return value
    },
    onChange: changes.add,
    onProgress: progress.add,
    onSessionEnded: sessionEnded.add,
    onConnection(listener) {
      listener(state)
      return connection.add(listener)
    },
    setToken(next) {
      token = next
      if (next) sessionStorage.setItem(TOKEN_KEY, next)
      else sessionStorage.removeItem(TOKEN_KEY)
      void listen()
    }
  }
  void listen()
  return client
}

export function createClient(): ApiClient {
  return window.docspot ? ipcClient(window.docspot) : httpClient()
}
