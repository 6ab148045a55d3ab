import { beforeAll, describe, expect, it } from 'vitest'
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords'

const PASSWORD = 'correct horse battery'

describe('passwords', () => {
  let stored: string
  beforeAll(async () => {
    stored = await hashPassword(PASSWORD)
  })

  it('verifies the password it hashed', async () => {
    expect(await verifyPassword(PASSWORD, stored)).toBe(true)
  })

  it('rejects a wrong password, including one that differs only in case or a trailing space', async () => {
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(false)
    expect(await verifyPassword('Correct horse battery', stored)).toBe(false)
    expect(await verifyPassword(`${PASSWORD} `, stored)).toBe(false)
  })

  it('salts every hash: the same password hashes differently each time, and both verify', async () => {
    const again = await hashPassword(PASSWORD)
    expect(again).not.toBe(stored)
    expect(await verifyPassword(PASSWORD, again)).toBe(true)
  })

  it('stores neither the password nor any readable part of it', () => {
    expect(stored).not.toContain(PASSWORD)
    expect(stored).not.toContain('horse')
    expect(stored).not.toContain(Buffer.from(PASSWORD).toString('base64'))
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
  })

  it('accepts the same password typed in another Unicode form', async () => {
    const composed = 'Café au lait 2025' // é as one code point
    const decomposed = composed.normalize('NFD') // e + combining accent, as some keyboards send it
    expect(decomposed).not.toBe(composed)
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true)
  })

  it('never matches the stand-in hash used for unknown emails, nor a damaged stored value', async () => {
    expect(await verifyPassword('', DUMMY_HASH)).toBe(false)
    expect(await verifyPassword(PASSWORD, DUMMY_HASH)).toBe(false)
    expect(await verifyPassword(PASSWORD, 'plain-text-password')).toBe(false)
    expect(await verifyPassword(PASSWORD, stored.split('$').slice(0, 5).join('$'))).toBe(false)
  })
})
