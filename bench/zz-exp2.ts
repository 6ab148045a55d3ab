import { createCore } from '../src/main/core/create-core'
import { DateTime } from 'luxon'
const dataDir = process.argv[2]
const core = await createCore({ dataDir, log: () => {}, schedules: false })
const login = await core.dispatch('auth.login', { email: 'bench@example.com', password: 'benchmark password' })
if (!login.ok) throw new Error(login.error.message)
const token = (login.value as any).token
const call = async (m: string, i: unknown) => { const r = await core.dispatch(m, i, { token }); if (!r.ok) throw new Error(r.error.message); return r.value as any }
const types = await call('appointmentTypes.list', {})
const doctors = await call('doctors.list', {})
async function time(label: string, fn: () => Promise<unknown>, n = 100) {
  for (let i = 0; i < 10; i++) await fn()
  const t: number[] = []
  for (let i = 0; i < n; i++) { const s = performance.now(); await fn(); t.push(performance.now() - s) }
  t.sort((a, b) => a - b)
  console.log(label.padEnd(40), t[n >> 1].toFixed(2), t[Math.floor(n * 0.95)].toFixed(2))
}
console.log(JSON.stringify(await call('schedule.nextFree', { typeId: types[0].id, days: 60 })))
const today = DateTime.now().setZone('Asia/Kolkata').toISODate()!
const ids = doctors.slice(0, 20).map((d: any) => d.id)
await time('settings.get', () => call('settings.get', {}))
await time('nextFree', () => call('schedule.nextFree', { typeId: types[0].id, days: 60 }))
// await time('day', () => call('schedule.day', { date: DateTime.fromISO(today).plus({ days: 1 }).toISODate(), doctorIds: ids }))
await core.close()
