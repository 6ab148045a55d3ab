// Desks searching at once, from a process of their own (so their work does not share the hub's
// threads): `clients` loops each send the next query to patients.search over HTTP, for `seconds`.
// Prints one JSON line: requests answered, the time taken, and the latency p50/p95 (ms).
import { readFileSync } from 'node:fs'

async function main(): Promise<void> {
  const [url, token, clientsText, secondsText, queriesFile] = process.argv.slice(2)
  const queries = JSON.parse(readFileSync(queriesFile, 'utf8')) as string[]
  const clients = Number(clientsText)
  const until = Date.now() + Number(secondsText) * 1000
  let next = 0
  const latencies: number[] = []
  const started = process.hrtime.bigint()
  const desk = async () => {
    while (Date.now() < until) {
      const q = queries[next++ % queries.length]
      const sent = process.hrtime.bigint()
      const response = await fetch(`${url}/api/patients.search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ q, limit: 20 })
      })
      if (!response.ok) throw new Error(`${q}: HTTP ${response.status} ${await response.text()}`)
      await response.json()
      latencies.push(Number(process.hrtime.bigint() - sent) / 1e6)
    }
  }
  await Promise.all(Array.from({ length: clients }, desk))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  latencies.sort((a, b) => a - b)
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]
  console.log(JSON.stringify({ requests: latencies.length, seconds, p50: at(0.5), p95: at(0.95) }))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
