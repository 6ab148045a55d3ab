import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { isIP, type AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { HTTP_STATUS, api, isMethodName, type ApiErrorBody, type ApiResult, type FileOutput, type MethodSpec } from '../../../shared/api'
import type { Core } from '../../core/create-core'
import { openApiDocument } from './openapi'

export const DEFAULT_MAX_BODY = 1024 * 1024

export interface HubOptions {
  core: Core
  port: number
  host?: string
  /** The built renderer (out/renderer); served at `/`. */
  rendererDir?: string
  /** How often an open event stream re-checks its session (default EVENT_SESSION_CHECK_MS). */
  eventSessionCheckMs?: number
  /** Serve HTTPS with this certificate and key (see tls.ts); plain HTTP without. */
  tls?: { cert: string; key: string }
}

export interface Hub {
  server: Server
  url: string
  close(): Promise<void>
}

const CSP = [
  "default-src 'self'",
  // WebAssembly may compile (not JS eval): pdf.js decodes faxed and JPEG 2000 scans in a record with it.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'", // Mantine sets inline styles
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'"
].join('; ')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
  res.end(text)
}

function sendError(res: ServerResponse, error: ApiErrorBody): void {
  send(res, HTTP_STATUS[error.code], { ok: false, error } satisfies ApiResult<never>)
}

class BodyTooLarge extends Error {}

/**
 * Refuses requests addressed to an outside domain name: a web page elsewhere could point
 * such a name at 127.0.0.1 or a clinic PC (DNS rebinding) and use the hub from a browser.
 * IP addresses, single-label PC names and local suffixes pass; DOCSPOT_HOSTS adds names.
 */
export function allowedHost(host: string | undefined): boolean {
  if (!host) return false
  const name = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (isIP(name) || !name.includes('.')) return true
  if (/\.(local|lan|home\.arpa|internal|localdomain)$/.test(name)) return true
  return (process.env.DOCSPOT_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).includes(name)
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) return reject(new BodyTooLarge())
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners('data')
        req.resume()
        reject(new BodyTooLarge())
      } else chunks.push(chunk)
    })
    req.on('end', () => resolveBody(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function bearer(req: IncomingMessage): string | null {
  // The scheme is case-insensitive (RFC 9110): "bearer" is as good as "Bearer".
  const match = req.headers.authorization?.match(/^bearer\s+(\S+)\s*$/i)
  return match ? match[1] : null
}

/**
 * Refuses what a web page on another site could send: a cross-origin request, and a "simple"
 * request (text/plain, form) that a browser sends without asking first. JSON calls must say
 * application/json; file uploads must carry the bearer token (a page cannot set it).
 */
function crossSite(req: IncomingMessage, spec: MethodSpec): string | null {
  const origin = req.headers.origin
  if (origin !== undefined) {
    let host: string
    try {
      host = new URL(origin).host
    } catch {
      return `This hub does not accept calls from the page at ${origin}`
    }
    if (host.toLowerCase() !== String(req.headers.host ?? '').toLowerCase()) return `This hub does not accept calls from the page at ${origin}; open DocSpot from the hub's own address`
  }
  // An upload carries no JSON; it is refused below (401) unless it carries the bearer token.
  if (spec.upload) return null
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  if ((spec.writes || hasBody) && type !== 'application/json') return 'Calls must be sent as JSON (Content-Type: application/json)'
  return null
}

/** Which PC a call came from, for the journal: its address, and the name the client gives itself. */
function deviceOf(req: IncomingMessage): string {
  const named = String(req.headers['docspot-device'] ?? '').replace(/[^\w .:@-]/g, '').slice(0, 60)
  const address = addressOf(req) ?? 'unknown'
  return named ? `${named} (${address})` : address
}

/** The client's IP address, IPv4 as such rather than IPv6-mapped. */
function addressOf(req: IncomingMessage): string | null {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '') || null
}

/** The non-file fields of an upload travel in a header, as URI-encoded JSON. */
function uploadFields(req: IncomingMessage): Record<string, unknown> | null {
  const header = req.headers['docspot-input']
  if (header === undefined) return {}
  try {
    const value = JSON.parse(decodeURIComponent(String(header)))
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null
  } catch {
    return null
  }
}

async function handleApi(core: Core, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST')
    return sendError(res, { code: 'VALIDATION', message: `Use POST for /api/${method}` })
  }
  if (!isMethodName(method)) return sendError(res, { code: 'NOT_FOUND', message: `Unknown API method "${method}"` })
  const spec = api[method] as MethodSpec
  const refusedSite = crossSite(req, spec)
  if (refusedSite) {
    res.setHeader('Connection', 'close')
    return sendError(res, { code: 'FORBIDDEN', message: refusedSite })
  }
  const limit = spec.upload ? spec.upload.maxBytes : (spec.maxBodyBytes ?? DEFAULT_MAX_BODY)
  // An upload (or any large body) is accepted only from someone allowed to make it, with the
  // bearer token: checked before reading it.
  if (limit > DEFAULT_MAX_BODY || spec.upload) {
    const refused = await core.admit(method, bearer(req))
    if (refused) {
      res.setHeader('Connection', 'close')
      return sendError(res, refused)
    }
  }
  let body: Buffer
  try {
    body = await readBody(req, limit)
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      res.setHeader('Connection', 'close')
      const what = spec.upload ? `The file is larger than the ${Math.round(limit / 1024 / 1024)} MB allowed` : `The request is larger than the ${Math.round(limit / 1024)} KiB allowed`
      return sendError(res, { code: 'PAYLOAD_TOO_LARGE', message: `${what} for ${method}`, ...(spec.upload ? { fields: { [spec.upload.field]: `must be a file of at most ${Math.round(limit / 1024 / 1024)} MB` } } : {}) })
    }
    throw error
  }
  let input: unknown = {}
  if (spec.upload) {
    // The file travels as the raw body; its type is checked from its content by the core.
    const fields = uploadFields(req)
    if (!fields) return sendError(res, { code: 'VALIDATION', message: 'The DocSpot-Input header is not URI-encoded JSON' })
    input = { ...fields, [spec.upload.field]: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) }
  } else if (body.length > 0) {
    try {
      input = JSON.parse(body.toString('utf8'))
    } catch {
      return sendError(res, { code: 'VALIDATION', message: 'The request body is not valid JSON' })
    }
  }
  const result = await core.dispatch(method, input, { token: bearer(req), device: deviceOf(req), address: addressOf(req), deviceKey: String(req.headers['docspot-device-key'] ?? '').slice(0, 100) || null })
  if (!result.ok) return sendError(res, result.error)
  if (spec.download) return sendFile(res, result.value as FileOutput | null)
  send(res, 200, result)
}

/** A file answer is the bytes themselves; nothing to send is 204. */
function sendFile(res: ServerResponse, file: FileOutput | null): void {
  if (!file) {
    res.writeHead(204, { 'Cache-Control': 'no-store' })
    res.end()
    return
  }
  const headers: Record<string, string | number> = {
    'Content-Type': file.type,
    'Content-Length': file.bytes.byteLength,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff'
  }
  if (file.name) headers['Content-Disposition'] = `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`
  res.writeHead(200, headers)
  res.end(file.bytes)
}

/** Streams end this soon after their session does (logout, expiry, idle, deactivation). */
export const EVENT_SESSION_CHECK_MS = 10_000

/** Server-sent events: one `change` event per committed write, and a heartbeat. */
async function handleEvents(core: Core, req: IncomingMessage, res: ServerResponse, checkMs: number): Promise<void> {
  const token = bearer(req)
  const check = await core.dispatch('auth.session', {}, { token })
  if (!check.ok) return sendError(res, check.error)
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
  res.write('event: ready\ndata: {}\n\n')
  // A change goes out only while the session still holds: a signed-out or deactivated user hears nothing more.
  const offChange = core.onChange((change) => {
    void core.dispatch('auth.session', {}, { token }).then((still) => (still.ok ? res.write(`event: change\ndata: ${JSON.stringify(change)}\n\n`) : res.end()))
  })
  const offProgress = core.onProgress((progress) => res.write(`event: progress\ndata: ${JSON.stringify(progress)}\n\n`))
  const heartbeat = setInterval(() => {
    void core.dispatch('auth.session', {}, { token }).then((still) => (still.ok ? res.write(': heartbeat\n\n') : res.end()))
  }, checkMs)
  req.on('close', () => {
    clearInterval(heartbeat)
    offChange()
    offProgress()
  })
}

/**
 * A paired waiting-room screen's stream: its board (token numbers by doctor, no names) now, and
 * again after every committed write that changes it, within the write's own turn. A check every
 * few seconds refreshes the clock and ends the stream when the screen is unpaired.
 */
async function handleDisplayEvents(core: Core, req: IncomingMessage, res: ServerResponse, checkMs: number): Promise<void> {
  const displayToken = bearer(req) ?? ''
  const read = () => core.dispatch('displays.board', { displayToken })
  const first = await read()
  if (!first.ok) return sendError(res, first.error)
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
  let last = ''
  let pending: Promise<void> = Promise.resolve()
  const push = () => {
    // One board at a time, in order: a quick run of writes never sends an older board last.
    pending = pending.then(async () => {
      const board = await read()
      if (!board.ok) return void res.end()
      const text = JSON.stringify(board.value)
      if (text !== last) res.write(`event: board\ndata: ${(last = text)}\n\n`)
    })
  }
  push()
  const offChange = core.onChange(push)
  const check = setInterval(() => {
    push()
    res.write(': heartbeat\n\n')
  }, Math.min(checkMs, 5_000))
  req.on('close', () => {
    clearInterval(check)
    offChange()
  })
}

function serveStatic(rendererDir: string | undefined, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  if (!rendererDir || !existsSync(rendererDir)) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('The DocSpot interface has not been built. Run `npm run build`, then start the hub again.')
    return
  }
  const root = resolve(rendererDir)
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return sendError(res, { code: 'VALIDATION', message: 'The address is not valid' })
  }
  let file = normalize(join(root, decoded))
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(404).end()
    return
  }
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html') // client-side routes
  const type = TYPES[extname(file)] ?? 'application/octet-stream'
  const immutable = file.includes(`${sep}assets${sep}`)
  res.writeHead(200, {
    'Content-Type': type,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY'
  })
  if (req.method === 'HEAD') res.end()
  else createReadStream(file).pipe(res)
}

/** The hub: the same core, served over HTTP to other clinic PCs, browsers and tests. */
export async function startHub({ core, port, host = '127.0.0.1', rendererDir, eventSessionCheckMs = EVENT_SESSION_CHECK_MS, tls }: HubOptions): Promise<Hub> {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const route = async () => {
      let url: URL
      try {
        url = new URL(req.url ?? '/', 'http://hub')
      } catch {
        return sendError(res, { code: 'VALIDATION', message: 'The address is not valid' })
      }
      if (!allowedHost(req.headers.host)) {
        return sendError(res, { code: 'FORBIDDEN', message: `This hub does not answer to the name "${req.headers.host}"; open it by its IP address or PC name` })
      }
      if (url.pathname === '/api/openapi.json') return send(res, 200, openApiDocument(core.services.version))
      if (url.pathname === '/api/events') return handleEvents(core, req, res, eventSessionCheckMs)
      if (url.pathname === '/api/display-events') return handleDisplayEvents(core, req, res, eventSessionCheckMs)
      if (url.pathname.startsWith('/api/')) return handleApi(core, req, res, url.pathname.slice(5))
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, { code: 'NOT_FOUND', message: 'Not found' })
      return serveStatic(rendererDir, req, res, url.pathname)
    }
    route().catch((error) => {
      console.error('[docspot] request failed', error)
      if (!res.headersSent) sendError(res, { code: 'INTERNAL', message: 'Something went wrong; nothing was saved.' })
      else res.end()
    })
  }
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, handler) : createServer(handler)
  server.headersTimeout = 20_000
  server.requestTimeout = 120_000
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolveListen())
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    server,
    url: `${tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
    close: () =>
      new Promise((resolveClose) => {
        server.closeAllConnections()
        server.close(() => resolveClose())
      })
  }
}
