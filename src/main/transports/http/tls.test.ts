import { X509Certificate } from 'node:crypto'
import { statSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import type { TLSSocket } from 'node:tls'
import { join } from 'node:path'
import { generate } from 'selfsigned'
import { afterEach, describe, expect, it } from 'vitest'
import type { Health } from '../../../shared/api'
import { createCore, type Core } from '../../core/create-core'
import { removeDir, tempDir } from '../../core/testing'
import { startHub, type Hub } from './server'
import { TLS_FOLDER, hubTls, servingPlan } from './tls'

let cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const step of cleanup.reverse()) await step()
  cleanup = []
})

function folder() {
  const dir = tempDir()
  cleanup.push(() => removeDir(dir))
  return dir
}

/** A call over HTTPS trusting only `ca`: the hub's certificate must be valid for 127.0.0.1. */
function getTrusting(url: string, ca: string): Promise<{ status: number; body: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8'), fingerprint }))
    })
    req.on('error', reject)
    req.end('{}')
  })
}

describe('HTTP or HTTPS', () => {
  it('serves HTTPS beyond this PC unless the admin insists on plain HTTP, and HTTPS whenever certificates are given', () => {
    expect(servingPlan('127.0.0.1', {})).toEqual({ https: false, insecure: false })
    expect(servingPlan('localhost', {})).toEqual({ https: false, insecure: false })
    expect(servingPlan('0.0.0.0', {})).toEqual({ https: true, insecure: false })
    expect(servingPlan('192.168.1.20', {})).toEqual({ https: true, insecure: false })
    expect(servingPlan('0.0.0.0', { insecure: true })).toEqual({ https: false, insecure: true })
    expect(servingPlan('127.0.0.1', { tlsCert: 'c.pem', tlsKey: 'k.pem' })).toEqual({ https: true, insecure: false })
    expect(() => servingPlan('0.0.0.0', { tlsCert: 'c.pem', tlsKey: 'k.pem', insecure: true })).toThrow(/--insecure cannot go with --tls-cert/)
  })
})

describe("the hub's own certificate", () => {
  it('is made once, kept readable by the service user only, and keeps its fingerprint across restarts', async () => {
    const dataDir = folder()
    const first = await hubTls({ dataDir })
    expect(first.generated).toBe(true)
    expect(first.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(statSync(join(dataDir, TLS_FOLDER, 'hub-key.pem')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dataDir, TLS_FOLDER)).mode & 0o777).toBe(0o700)
    expect((await hubTls({ dataDir })).fingerprint).toBe(first.fingerprint)
    const names = new X509Certificate(first.cert).subjectAltName ?? ''
    expect(names).toContain('IP Address:127.0.0.1')
  })

  it('serves the API over HTTPS that a client trusting that certificate accepts, and the hub says its fingerprint', async () => {
    const dataDir = folder()
    const tls = await hubTls({ dataDir })
    const core: Core = await createCore({ dataDir, log: () => {}, schedules: false, connection: { kind: 'hub', https: true, fingerprint: tls.fingerprint, insecure: false } })
    cleanup.push(() => core.close())
    const hub: Hub = await startHub({ core, port: 0, host: '127.0.0.1', tls })
    cleanup.push(() => hub.close())
    expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const res = await getTrusting(`${hub.url}/api/system.health`, tls.cert)
    expect(res.status).toBe(200)
    expect(res.fingerprint).toBe(tls.fingerprint)
    const health = (JSON.parse(res.body) as { value: Health }).value
    expect(health.connection).toEqual({ kind: 'hub', https: true, fingerprint: tls.fingerprint, insecure: false })
  })
})

describe("the clinic's own certificate", () => {
  it('is used as given, and a key that is not the certificate\'s is refused by name', async () => {
    const dir = folder()
    const a = await generate([{ name: 'commonName', value: 'hub.clinic.lan' }], { keyType: 'ec', curve: 'P-256' })
    const b = await generate([{ name: 'commonName', value: 'other' }], { keyType: 'ec', curve: 'P-256' })
    for (const [name, text] of Object.entries({ 'a.crt': a.cert, 'a.key': a.private, 'b.key': b.private })) writeFileSync(join(dir, name), text)
    const own = await hubTls({ dataDir: dir, certFile: join(dir, 'a.crt'), keyFile: join(dir, 'a.key') })
    expect(own).toMatchObject({ generated: false, fingerprint: new X509Certificate(a.cert).fingerprint256 })
    await expect(hubTls({ dataDir: dir, certFile: join(dir, 'a.crt'), keyFile: join(dir, 'b.key') })).rejects.toThrow(/--tls-key .*b\.key is not the key of the certificate in --tls-cert .*a\.crt/)
    await expect(hubTls({ dataDir: dir, certFile: join(dir, 'a.crt') })).rejects.toThrow(/--tls-cert and --tls-key go together/)
    await expect(hubTls({ dataDir: dir, certFile: join(dir, 'missing.crt'), keyFile: join(dir, 'a.key') })).rejects.toThrow(/--tls-cert: cannot read .*missing\.crt \(ENOENT\)/)
  })
})
