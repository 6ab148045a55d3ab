import { X509Certificate, createPrivateKey } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { hostname, networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { createSecureContext } from 'node:tls'
import { generate } from 'selfsigned'

/** What the hub serves HTTPS with. */
export interface HubTls {
  cert: string
  key: string
  /** SHA-256 of the certificate ("AB:CD:…"), for staff to compare with what their browser shows. */
  fingerprint: string
  /** Made by the hub itself (not the clinic's own certificate). */
  generated: boolean
}

/** The hub's own certificate, kept in the data folder. */
export const TLS_FOLDER = 'tls'

export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name)
}

/**
 * The clinic's certificate and key (PEM files), checked to belong together; or, with neither
 * given, the hub's own: made on first start for this PC's name and addresses and kept in
 * `<data>/tls` (readable by the service user only), so its fingerprint stays the same.
 */
export async function hubTls(options: { dataDir: string; certFile?: string; keyFile?: string }): Promise<HubTls> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) throw new Error('--tls-cert and --tls-key go together: give both files')
    const cert = readPem(options.certFile, '--tls-cert')
    const key = readPem(options.keyFile, '--tls-key')
    return { ...check(cert, key, `--tls-cert ${options.certFile}`, `--tls-key ${options.keyFile}`), generated: false }
  }
  const folder = join(options.dataDir, TLS_FOLDER)
  const certFile = join(folder, 'hub-cert.pem')
  const keyFile = join(folder, 'hub-key.pem')
  if (existsSync(certFile) && existsSync(keyFile)) {
    return { ...check(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'), certFile, keyFile), generated: true }
  }
  const made = await generate([{ name: 'commonName', value: `DocSpot hub on ${hostname()}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 5 * 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: hostname() }, { type: 2, value: 'localhost' }, ...addresses().map((ip) => ({ type: 7 as const, ip }))] }
    ]
  })
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  for (const [file, text] of [
    [keyFile, made.private],
    [certFile, made.cert]
  ]) {
    writeFileSync(`${file}.tmp`, text, { mode: 0o600 })
    renameSync(`${file}.tmp`, file)
  }
  return { ...check(made.cert, made.private, certFile, keyFile), generated: true }
}

function readPem(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error })
  }
}

function check(cert: string, key: string, certName: string, keyName: string): Omit<HubTls, 'generated'> {
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(cert)
  } catch {
    throw new Error(`${certName} is not a PEM certificate`)
  }
  try {
    createPrivateKey(key)
  } catch {
    throw new Error(`${keyName} is not a PEM private key (or it needs a passphrase, which the hub cannot ask for)`)
  }
  if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error(`${keyName} is not the key of the certificate in ${certName}`)
  createSecureContext({ cert, key })
  return { cert, key, fingerprint: x509.fingerprint256 }
}

/** This PC's own IP addresses, for the certificate's names. */
function addresses(): string[] {
  const out = new Set(['127.0.0.1', '::1'])
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (!a.internal) out.add(a.address.replace(/%.*$/, ''))
  return [...out]
}

/**
 * HTTP or HTTPS for a hub on `host`: HTTPS whenever certificate files are given or the hub
 * listens beyond this PC; plain HTTP beyond it only when the admin insists (--insecure), and
 * then the app shows everyone a red banner.
 */
export function servingPlan(host: string, flags: { tlsCert?: string; tlsKey?: string; insecure?: boolean }): { https: boolean; insecure: boolean } {
  if (flags.tlsCert || flags.tlsKey) {
    if (flags.insecure) throw new Error('--insecure cannot go with --tls-cert/--tls-key: choose HTTPS or plain HTTP')
    return { https: true, insecure: false }
  }
  if (isLoopback(host)) return { https: false, insecure: false }
  return flags.insecure ? { https: false, insecure: true } : { https: true, insecure: false }
}
