import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../../../shared/api'
import { ADMIN, CLINIC, addStaff, openTestCore, removeDir, setUpClinic, tempDir, type TestCore } from '../../core/testing'
import { startHub, type Hub } from './server'

const INDEX_HTML = '<!doctype html><html><head><title>DocSpot test shell</title></head><body><div id="root"></div></body></html>'
const SECRET = '{ "name": "not-for-browsers", "secret": "s3cr3t-outside-the-renderer" }'

let t: TestCore
let hub: Hub
let bareHub: Hub
let siteDir: string
let adminToken: string
let receptionistToken: string

beforeAll(async () => {
  t = await openTestCore()
  adminToken = await setUpClinic(t.core)
  receptionistToken = (await addStaff(t.core, adminToken, 'receptionist')).token

  // <siteDir>/package.json sits just outside the renderer folder the hub serves.
  siteDir = tempDir()
  const rendererDir = join(siteDir, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), INDEX_HTML)
  writeFileSync(join(rendererDir, 'assets', 'app-1a2b3c.js'), 'console.log("docspot")')
  writeFileSync(join(siteDir, 'package.json'), SECRET)

  hub = await startHub({ core: t.core, port: 0, rendererDir })
  bareHub = await startHub({ core: t.core, port: 0 })
})

afterAll(async () => {
  await hub?.close()
  await bareHub?.close()
  await t?.close()
  if (siteDir) removeDir(siteDir)
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON a client would see, checked by the assertions
type Json = any

async function json(res: Response): Promise<Json> {
  return res.json()
}

interface Reply {
  status: number
  headers: Headers
  body: Json
}

async function post(method: string, body: unknown, token?: string): Promise<Reply> {
  return postRaw(method, JSON.stringify(body), token ? { Authorization: `Bearer ${token}` } : {})
}

async function postRaw(method: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${hub.url}/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body })
  return { status: res.status, headers: res.headers, body: await json(res) }
}

/** A GET with the path sent exactly as written: fetch would tidy `/../` away before sending. */
function rawGet(baseUrl: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the HTTP API', () => {
  it('answers a malformed JSON body with 400 VALIDATION', async () => {
    const reply = await postRaw('auth.login', '{"email": "asha@sunrise.example", ')
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'The request body is not valid JSON' } })
  })

  it('passes field errors through to the client with 400', async () => {
    const reply = await post('users.create', { name: 'Nina', email: 'nina@sunrise.example', role: 'nurse', password: 'long enough pw' }, adminToken)
    expect(reply.status).toBe(400)
    expect(reply.body.error.code).toBe('VALIDATION')
    expect(Object.keys(reply.body.error.fields)).toEqual(['role'])
  })

  it('answers an unknown method with 404 NOT_FOUND', async () => {
    const reply = await post('patients.teleport', {}, adminToken)
    expect(reply.status).toBe(404)
    expect(reply.body.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('patients.teleport') })
  })

  it('answers a protected method without a token with 401', async () => {
    const reply = await post('settings.get', {})
    expect(reply.status).toBe(401)
    expect(reply.body.error.code).toBe('UNAUTHENTICATED')
  })

  it('answers a token it never issued, or a non-Bearer credential, with 401', async () => {
    const bad = await post('settings.get', {}, 'not-a-real-session-token')
    expect(bad.status).toBe(401)
    expect(bad.body.error.code).toBe('UNAUTHENTICATED')
    const basic = await postRaw('settings.get', '{}', { Authorization: `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}` })
    expect(basic.status).toBe(401)
  })

  it('answers a method the caller’s role may not use with 403', async () => {
    const reply = await post('settings.update', { clinicName: 'Front Desk Clinic' }, receptionistToken)
    expect(reply.status).toBe(403)
    expect(reply.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/receptionist/) })
  })

  it('answers a conflicting write with 409', async () => {
    const reply = await post('setup.createClinic', { clinic: CLINIC, admin: ADMIN })
    expect(reply.status).toBe(409)
    expect(reply.body.error.code).toBe('CONFLICT')
  })

  it('refuses a body over 1 MiB with 413 PAYLOAD_TOO_LARGE, and keeps serving', async () => {
    const huge = JSON.stringify({ email: ADMIN.email, password: 'x'.repeat(1024 * 1024) })
    const reply = await postRaw('auth.login', huge)
    expect(reply.status).toBe(413)
    expect(reply.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('1024 KiB') })
    expect((await post('system.health', {})).status).toBe(200)
  })

  it('refuses an over-size body sent without a Content-Length, too', async () => {
    const chunk = new Uint8Array(256 * 1024).fill(0x20)
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk)
        else controller.close()
      }
    })
    const res = await fetch(`${hub.url}/api/auth.login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(413)
    expect((await json(res)).error.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('refuses GET on an API method, pointing at POST', async () => {
    const res = await fetch(`${hub.url}/api/settings.get`, { headers: { Authorization: `Bearer ${adminToken}` } })
    expect(res.status).toBe(400)
    expect(res.headers.get('allow')).toBe('POST')
    expect((await json(res)).error).toEqual({ code: 'VALIDATION', message: 'Use POST for /api/settings.get' })
  })

  it('signs in over HTTP and then serves Bearer calls for that session', async () => {
    const login = await post('auth.login', { email: ADMIN.email, password: ADMIN.password })
    expect(login.status).toBe(200)
    expect(login.body.ok).toBe(true)
    const token = login.body.value.token as string
    expect(token).toEqual(expect.any(String))

    const settings = await post('settings.get', {}, token)
    expect(settings.status).toBe(200)
    expect(settings.body).toMatchObject({ ok: true, value: { clinicName: CLINIC.clinicName, timeZone: CLINIC.timeZone } })
    expect(settings.headers.get('cache-control')).toBe('no-store')
  })

  it('accepts an empty body for a method without input', async () => {
    const res = await fetch(`${hub.url}/api/system.health`, { method: 'POST' })
    expect(res.status).toBe(200)
    expect((await json(res)).value).toMatchObject({ status: 'ok', version: '1.2.3-test' })
  })
})

describe('the OpenAPI document', () => {
  it('lists every API method at /api/<name> with its summary', async () => {
    const res = await fetch(`${hub.url}/api/openapi.json`)
    expect(res.status).toBe(200)
    const doc = await json(res)
    expect(doc.openapi).toMatch(/^3\./)
    // Background jobs' methods are the core's own and not listed.
    const callable = Object.entries(api).filter(([, spec]) => spec.roles === 'public' || !spec.roles.every((r) => r === 'system'))
    expect(Object.keys(doc.paths).sort()).toEqual(callable.map(([name]) => `/api/${name}`).sort())
    expect(doc.paths['/api/auth.purgeSessions']).toBeUndefined()
    expect(doc.paths['/api/patients.setPhoto'].post.requestBody.content['application/octet-stream']).toBeDefined()
    for (const [name, spec] of callable) {
      expect(doc.paths[`/api/${name}`].post, name).toMatchObject({ operationId: name, summary: spec.summary })
    }
  })

  it('says which methods need a session and describes their input', async () => {
    const doc = await json(await fetch(`${hub.url}/api/openapi.json`))
    expect(doc.components.securitySchemes.session).toEqual({ type: 'http', scheme: 'bearer' })
    expect(doc.paths['/api/auth.login'].post.security).toEqual([])
    expect(doc.paths['/api/users.create'].post.security).toEqual([{ session: [] }])
    const schema = doc.paths['/api/users.create'].post.requestBody.content['application/json'].schema
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'email', 'role', 'password']))
    expect(schema.properties.role.enum).toEqual(['admin', 'receptionist', 'doctor'])
  })
})

describe('what a web page on another site cannot do', () => {
  it('refuses setup and sign-in from a foreign Origin, and text/plain bodies, with 403 and a reason', async () => {
    const fresh = await openTestCore()
    const freshHub = await startHub({ core: fresh.core, port: 0 })
    try {
      const setup = JSON.stringify({ clinic: CLINIC, admin: ADMIN })
      const evil = await fetch(`${freshHub.url}/api/setup.createClinic`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' }, body: setup })
      expect(evil.status).toBe(403)
      expect((await json(evil)).error.message).toMatch(/does not accept calls from the page at https:\/\/evil\.example/)
      const plain = await fetch(`${freshHub.url}/api/setup.createClinic`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: setup })
      expect(plain.status).toBe(403)
      expect((await json(plain)).error.message).toMatch(/Content-Type: application\/json/)
      // Nothing was set up by either.
      expect((await json(await fetch(`${freshHub.url}/api/setup.status`, { method: 'POST' }))).value.needsSetup).toBe(true)
      const login = await fetch(`${freshHub.url}/api/auth.login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'http://192.168.1.66:8080' }, body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }) })
      expect(login.status).toBe(403)
      // The hub's own page, same origin, is fine.
      const own = await fetch(`${freshHub.url}/api/setup.createClinic`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: freshHub.url }, body: setup })
      expect(own.status).toBe(200)
      expect(own.headers.get('x-content-type-options')).toBe('nosniff')
    } finally {
      await freshHub.close()
      await fresh.close()
    }
  })

  it('takes a lowercase bearer scheme, and names a wrong-typed field as wrong, not missing', async () => {
    const res = await fetch(`${hub.url}/api/patients.recent`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `bearer ${adminToken}` }, body: JSON.stringify({ limit: '5' }) })
    expect(res.status).toBe(400)
    expect((await json(res)).error.fields).toEqual({ limit: 'must be a number, not the text "5"' })
    const nul = await post('patients.create', { name: 'Ramesh\u0000Kumar' }, adminToken)
    expect(nul.status).toBe(400)
    expect(nul.body.error.fields.name).toMatch(/control characters/)
  })
})

describe('files as bytes', () => {
  const png = () => sharp({ create: { width: 300, height: 200, channels: 3, background: '#c33' } }).png().toBuffer()
  const upload = (method: string, fields: unknown, body: Buffer, token: string | null, extra: Record<string, string> = {}) =>
    fetch(`${hub.url}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'DocSpot-Input': encodeURIComponent(JSON.stringify(fields)), ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra },
      body
    })

  it('takes a photo as the raw request body and serves it back as image bytes, journaling only its hash', async () => {
    const created = await json(await fetch(`${hub.url}/api/patients.create`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Photo Person' }) }))
    const id = created.value.patient.id as string
    const image = await png()
    const res = await upload('patients.setPhoto', { id }, image, adminToken, { 'DocSpot-Device': 'Reception PC 1' })
    expect(res.status).toBe(200)
    expect((await json(res)).value.hasPhoto).toBe(true)

    const photo = await fetch(`${hub.url}/api/patients.photo`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ id }) })
    expect(photo.status).toBe(200)
    expect(photo.headers.get('content-type')).toBe('image/jpeg')
    const bytes = Buffer.from(await photo.arrayBuffer())
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'jpeg', width: 512, height: 512 })

    const entry = await t.core.services.db.selectFrom('journal').selectAll().where('method', '=', 'patients.setPhoto').orderBy('seq', 'desc').executeTakeFirstOrThrow()
    expect(JSON.parse(entry.input)).toEqual({ id, file: { sha256: createHash('sha256').update(image).digest('hex'), bytes: image.length } })
    expect(entry.device).toMatch(/^Reception PC 1 \(127\.0\.0\.1\)$/)
  })

  it('answers 204 for a patient without a photo', async () => {
    const created = await json(await fetch(`${hub.url}/api/patients.create`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'No Photo Person' }) }))
    const res = await fetch(`${hub.url}/api/patients.photo`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ id: created.value.patient.id }) })
    expect(res.status).toBe(204)
  })

  it('refuses an upload without a session before reading it, a text file named as an image, and one too large', async () => {
    const image = await png()
    expect((await upload('patients.setPhoto', { id: '01957f00-0000-7000-8000-000000000001' }, image, null)).status).toBe(401)
    const created = await json(await fetch(`${hub.url}/api/patients.create`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Upload Checks' }) }))
    const id = created.value.patient.id as string
    const text = await upload('patients.setPhoto', { id }, Buffer.from('not an image at all'), adminToken)
    expect(text.status).toBe(400)
    expect((await json(text)).error.fields.file).toMatch(/JPEG, PNG or WebP/)
    const big = await upload('patients.setPhoto', { id }, Buffer.concat([image, Buffer.alloc(25 * 1024 * 1024)]), adminToken)
    expect(big.status).toBe(413)
    expect((await json(big)).error.fields.file).toMatch(/25 MB/)
    const badHeader = await fetch(`${hub.url}/api/patients.setPhoto`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'DocSpot-Input': '{not json' }, body: image })
    expect(badHeader.status).toBe(400)
  })

  it('never lets a transport run a background job’s method', async () => {
    const res = await post('auth.purgeSessions', {}, adminToken)
    expect(res.status).toBe(403)
  })
})

describe('the change stream', () => {
  it('refuses a listener without a session', async () => {
    const res = await fetch(`${hub.url}/api/events`)
    expect(res.status).toBe(401)
    expect((await json(res)).error.code).toBe('UNAUTHENTICATED')
  })

  it('sends a change event to a signed-in listener after a write', async () => {
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(new Error('no change event within 5 s')), 5_000)
    try {
      const res = await fetch(`${hub.url}/api/events`, { headers: { Authorization: `Bearer ${adminToken}` }, signal: abort.signal })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/event-stream')
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
      let received = ''
      const readUntil = async (marker: string) => {
        while (!received.includes(marker)) {
          const { value, done } = await reader.read()
          if (done) throw new Error(`stream ended before "${marker}"; got:\n${received}`)
          received += value
        }
      }

      await readUntil('event: ready')
      const update = await post('settings.update', { clinicPhone: '+44 113 496 0999' }, adminToken)
      expect(update.status).toBe(200)
      await readUntil('event: change')
      await readUntil('\n\n')

      const changeBlock = received.slice(received.indexOf('event: change')).split('\n\n')[0]
      const data = JSON.parse(changeBlock.split('\n').find((line) => line.startsWith('data: '))!.slice(6))
      expect(data).toMatchObject({ method: 'settings.update', changed: { settings: ['clinicPhone'] }, at: t.clock.now().toISOString() })
    } finally {
      clearTimeout(timer)
      abort.abort()
    }
  })
})

describe('the renderer', () => {
  it('explains that the interface must be built when the hub has none', async () => {
    const res = await fetch(`${bareHub.url}/`)
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('npm run build')
  })

  it('serves index.html at / with a strict content security policy', async () => {
    const res = await fetch(`${hub.url}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(await res.text()).toBe(INDEX_HTML)
  })

  it('serves index.html for client-side routes, and built assets as long-lived files', async () => {
    const route = await fetch(`${hub.url}/reception/today`)
    expect(await route.text()).toBe(INDEX_HTML)
    const asset = await fetch(`${hub.url}/assets/app-1a2b3c.js`)
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(asset.headers.get('cache-control')).toContain('immutable')
    expect(await asset.text()).toBe('console.log("docspot")')
  })

  it('never serves a file from outside the renderer folder', async () => {
    const plain = await rawGet(hub.url, '/../package.json')
    expect(plain.status).toBe(200)
    expect(plain.body).toBe(INDEX_HTML)

    for (const path of ['/%2e%2e/package.json', '/..%2fpackage.json', '/assets/..%2f..%2fpackage.json', '/..%5cpackage.json']) {
      const reply = await rawGet(hub.url, path)
      expect(reply.body, path).not.toContain('s3cr3t')
    }
  })

  it('answers a malformed address with a client error, not a server error', async () => {
    const reply = await rawGet(hub.url, '/%E0%A4%A')
    expect(reply.status).toBeGreaterThanOrEqual(400)
    expect(reply.status).toBeLessThan(500)
  })
})

describe('what a LAN client cannot do to the hub', () => {
  it('answers a request target that is not a URL ("//") with 400 and keeps serving', async () => {
    for (const path of ['//', '///', '//a:b']) expect((await rawGet(hub.url, path)).status).toBe(400)
    expect((await post('system.health', {})).status).toBe(200)
  })

  it('refuses a request addressed to an outside domain name (DNS rebinding), but not an IP or a PC name', async () => {
    const { port } = new URL(hub.url)
    const withHost = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/system.health', method: 'POST', headers: { Host: host, 'Content-Type': 'application/json' } }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
        req.on('error', reject)
        req.end('{}')
      })
    expect(await withHost('attacker.example.com:4321')).toBe(403)
    expect(await withHost(`127.0.0.1:${port}`)).toBe(200)
    expect(await withHost(`reception-pc:${port}`)).toBe(200)
    expect(await withHost(`frontdesk.local:${port}`)).toBe(200)
  })

  it('refuses a large upload from someone not signed in before reading it (401, not 413)', async () => {
    const big = 'x'.repeat(21 * 1024 * 1024)
    expect((await postRaw('patients.importCommit', big)).status).toBe(401)
    expect((await postRaw('patients.importCommit', big, { Authorization: `Bearer ${receptionistToken}` })).status).toBe(403)
  })

  it('ends an event stream once its session is signed out', async () => {
    const quickHub = await startHub({ core: t.core, port: 0, eventSessionCheckMs: 100 })
    try {
      const login = await fetch(`${quickHub.url}/api/auth.login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }) })
      const token = ((await login.json()) as Json).value.token as string
      const stream = await fetch(`${quickHub.url}/api/events`, { headers: { Authorization: `Bearer ${token}` } })
      expect(stream.status).toBe(200)
      await fetch(`${quickHub.url}/api/auth.logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' })
      const text = await Promise.race([stream.text(), new Promise<string>((_, reject) => setTimeout(() => reject(new Error('stream still open')), 3000))])
      expect(text).toContain('event: ready')
    } finally {
      await quickHub.close()
    }
  })
})

describe('password guessing over the LAN', () => {
  it('verifies at most the allowed guesses of 100 fired in parallel, and the right password among them does not get through', async () => {
    const fresh = await openTestCore()
    const freshHub = await startHub({ core: fresh.core, port: 0 })
    try {
      await setUpClinic(fresh.core)
      const guess = (password: string) =>
        fetch(`${freshHub.url}/api/auth.login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: ADMIN.email, password }) }).then(async (r) => ({ status: r.status, body: await json(r) }))
      const guesses = Array.from({ length: 100 }, (_, i) => guess(i === 60 ? ADMIN.password : `wrong guess number ${i}`))
      const results = await Promise.all(guesses)
      const checked = results.filter((r) => /incorrect/.test(r.body.error?.message ?? ''))
      const refused = results.filter((r) => /Too many failed sign-ins/.test(r.body.error?.message ?? ''))
      expect(checked.length).toBeLessThanOrEqual(5)
      expect(refused.length).toBeGreaterThanOrEqual(95 - 1)
      // The 61st guess was the right password: by then the account was already being slowed.
      expect(results[60].status).toBe(401)
      expect(results.filter((r) => r.status === 200)).toHaveLength(0)
      // The error never says whether an account exists.
      const ghost = await fetch(`${freshHub.url}/api/auth.login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'nobody@sunrise.example', password: 'whatever it is' }) })
      expect([(await json(ghost)).error.message]).toEqual([expect.stringMatching(/Email or password is incorrect|Too many failed sign-ins/)])
    } finally {
      await freshHub.close()
      await fresh.close()
    }
  })

  it('slows one PC trying many emails, whatever the emails', async () => {
    const fresh = await openTestCore()
    const freshHub = await startHub({ core: fresh.core, port: 0 })
    try {
      await setUpClinic(fresh.core)
      const results = []
      for (let i = 0; i < 25; i++) {
        const res = await fetch(`${freshHub.url}/api/auth.login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: `person${i}@sunrise.example`, password: 'a guessed password' }) })
        results.push((await json(res)).error.message as string)
      }
      expect(results.slice(0, 20).every((m) => /incorrect/.test(m))).toBe(true)
      expect(results.slice(20).every((m) => /Too many failed sign-ins/.test(m))).toBe(true)
    } finally {
      await freshHub.close()
      await fresh.close()
    }
  })
})

describe('the owner keeps signing in', () => {
  it('from a PC that signed them in before, while guesses from elsewhere are slowed', async () => {
    const fresh = await openTestCore()
    const freshHub = await startHub({ core: fresh.core, port: 0 })
    try {
      await setUpClinic(fresh.core)
      const login = (password: string, key?: string) =>
        fetch(`${freshHub.url}/api/auth.login`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(key ? { 'DocSpot-Device-Key': key } : {}) }, body: JSON.stringify({ email: ADMIN.email, password }) }).then(async (r) => ({ status: r.status, body: await json(r) }))
      const first = await login(ADMIN.password)
      const key = first.body.value.deviceKey as string
      expect(key).toMatch(/^[\w-]{20,}$/)
      for (let i = 0; i < 6; i++) await login(`attacker guess ${i}`)
      expect((await login(ADMIN.password)).body.error.message).toMatch(/Too many failed sign-ins/)
      // The owner's own PC still gets in.
      const owner = await login(ADMIN.password, key)
      expect(owner.status).toBe(200)
      expect(owner.body.value.deviceKey).toBe(key)
      // A made-up key is no better than none.
      expect((await login(ADMIN.password, 'made-up-key-of-the-right-length')).body.error.message).toMatch(/Too many failed sign-ins/)
    } finally {
      await freshHub.close()
      await fresh.close()
    }
  })
})
