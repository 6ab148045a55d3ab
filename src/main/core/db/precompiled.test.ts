import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createKysely } from './connection'
import { precompiled } from './precompiled'

describe('a query built once and run with new values', () => {
  it('gives each run its own values, keeps the constants, and refuses a value that is not one parameter', async () => {
    const db = createKysely(new SQLite(':memory:'))
    await sql`create table settings (key text primary key, value text not null, updated_at text not null)`.execute(db)
    await sql`insert into settings values ('a', '1', 'x'), ('b', '2', 'y'), ('c', '3', 'x')`.execute(db)
    const byKey = precompiled((q, key: string, updatedAt: string) => q.selectFrom('settings').select(['key', 'value']).where('key', '=', key).where('updated_at', '=', updatedAt).limit(5))
    expect(await byKey(db, 'a', 'x')).toEqual([{ key: 'a', value: '1' }])
    expect(await byKey(db, 'b', 'y')).toEqual([{ key: 'b', value: '2' }])
    expect(await byKey(db, 'b', 'x')).toEqual([])
    // Inside a transaction, on its connection.
    await db.transaction().execute(async (tx) => expect(await byKey(tx, 'c', 'x')).toEqual([{ key: 'c', value: '3' }]))
    const dropped = precompiled((q, key: string) => q.selectFrom('settings').select('key').where('key', '=', key.toUpperCase()))
    await expect(dropped(db, 'a')).rejects.toThrow(/does not reach the SQL as one parameter/)
    await db.destroy()
  })
})
