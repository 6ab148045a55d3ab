// `npm run server`: the headless hub. Plain Node, no Electron.
import { homedir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createCore } from './core/create-core'
import { readerCount } from './core/readers/pool'
import { DataFolderInUseError } from './core/db/connection'
import { startHub } from './transports/http/server'
import { hubTls, servingPlan } from './transports/http/tls'
import { version } from '../../package.json'

const USAGE = `Usage: npm run server -- [--data <folder>] [--port <port>] [--host <address>] [--tls-cert <file> --tls-key <file> | --insecure]

  --data       the data folder (default: $DOCSPOT_DATA or ~/.local/share/DocSpot)
  --port       TCP port (default 4321)
  --host       address to listen on (default 127.0.0.1; use 0.0.0.0 to serve the clinic's LAN)
  --tls-cert   the clinic's certificate (PEM) for HTTPS, with --tls-key its private key (PEM).
               Without them, a hub listening beyond this PC makes its own certificate on
               first start (kept in <data>/tls) and shows its fingerprint under Admin → Clinic.
  --insecure   serve the LAN over plain HTTP anyway (every screen then shows a red warning)`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      insecure: { type: 'boolean' },
      help: { type: 'boolean' }
    }
  })
  if (values.help) return void console.log(USAGE)
  const port = Number(values.port ?? 4321)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${values.port}"`)
  const dataDir = values.data ?? process.env.DOCSPOT_DATA ?? join(homedir(), '.local', 'share', 'DocSpot')

  const host = values.host ?? '127.0.0.1'
  const plan = servingPlan(host, { tlsCert: values['tls-cert'], tlsKey: values['tls-key'], insecure: values.insecure })
  const tls = plan.https ? await hubTls({ dataDir, certFile: values['tls-cert'], keyFile: values['tls-key'] }) : null
  // Several desks at once: the heavy reads run on reader threads (the built core/readers/worker.ts).
  const readers = { size: readerCount(), script: fileURLToPath(new URL('./reader.js', import.meta.url)) }
  const core = await createCore({ dataDir, version, readers, connection: { kind: 'hub', https: plan.https, fingerprint: tls?.fingerprint ?? null, insecure: plan.insecure } })
  const hub = await startHub({ core, port, host, rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)), tls: tls ?? undefined })
  if (tls) console.log(`HTTPS with ${tls.generated ? "the hub's own certificate" : "the clinic's certificate"}, SHA-256 fingerprint ${tls.fingerprint}`)
  if (plan.insecure) console.warn('WARNING: --insecure: serving the LAN over plain HTTP. Passwords and patient data cross the network unencrypted.')
  console.log(`DocSpot hub ${version} listening on ${hub.url} (data folder: ${dataDir})`)

  const stop = async () => {
    await hub.close()
    await core.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error) => {
  console.error(error instanceof DataFolderInUseError ? error.message : `DocSpot hub could not start: ${error.message ?? error}`)
  process.exit(1)
})
