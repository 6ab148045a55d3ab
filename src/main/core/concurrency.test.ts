import { afterEach, describe, expect, it } from 'vitest'
import { call, openTestCore, setUpClinic, type TestCore } from './testing'

let t: TestCore
afterEach(async () => t?.close())

describe('several desks at once', () => {
  it('answers a search made while a long import runs before the import finishes', async () => {
    t = await openTestCore()
    const token = await setUpClinic(t.core)
    await call(t.core, 'patients.create', { name: 'Ramesh Kumar', dateOfBirth: '1980-02-03' }, token)
    const rows = Array.from({ length: 3000 }, (_, i) => `Imported Patient ${i},${String(1 + (i % 28)).padStart(2, '0')}/06/1970`)
    const csv = ['Name,DOB', ...rows].join('\n')

    const order: string[] = []
    const importing = t.core.dispatch('patients.importCommit', { file: new TextEncoder().encode(csv) }, { token }).then((r) => {
      order.push('import')
      return r
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const search = await t.core.dispatch('patients.search', { q: 'ramesh' }, { token })
    order.push('search')

    expect(search.ok && (search.value as { items: Array<{ name: string }> }).items.map((p) => p.name)).toEqual(['Ramesh Kumar'])
    expect((await importing).ok).toBe(true)
    expect(order).toEqual(['search', 'import'])
  })
})
