import { describe, expect, it } from 'vitest'
import { idSchema } from '../../shared/api'
import { newId } from './ids'

describe('newId', () => {
  it('makes valid UUIDv7 ids that sort in the order they were made, even within one millisecond', () => {
    const at = Date.parse('2025-03-10T09:00:00.000Z')
    const ids = Array.from({ length: 5000 }, () => newId(at))
    for (const id of ids) expect(idSchema.safeParse(id).success).toBe(true)
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
