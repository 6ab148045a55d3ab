import { join } from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { DB_FILE, createKysely, migrate, openSqlite } from '../src/main/core/db/connection'
import { openEntry, registerJournalFunction, sealEntry, type JournalCursor } from '../src/main/core/journal/journal'
import { removeDir, tempDir } from '../src/main/core/testing'

const AT = '2025-03-10T09:00:00.000Z'
const DOCTOR_A = '01957f00-0000-7000-8000-00000000d001'
const DOCTOR_B = '01957f00-0000-7000-8000-00000000d002'

describe('migration 0006_cell_hours over a database at 0005 with claimed cells', () => {
  it('counts the cells already there per doctor and hour, then the triggers keep counting', async () => {
    const dir = tempDir()
    const sqlite = openSqlite(join(dir, DB_FILE))
    const cursor: JournalCursor = { seq: null }
    registerJournalFunction(sqlite, cursor)
    const db = createKysely(sqlite)
    try {
      await migrate(db, '0005_staff')
      // Only the claims matter to this migration: written raw, without the rows they point at.
      sqlite.pragma('foreign_keys = OFF')
      const claim = async (work: (cells: (doctor: string, cell: number) => Promise<void>) => Promise<void>) =>
        db.transaction().execute(async (tx) => {
          const entry = await openEntry(tx, cursor, { at: AT, method: 'appointments.book', actor: { userId: null, role: null, job: null }, device: null, input: {} })
          await work(async (doctor, cell) => {
            await sql`insert into appointment_cells (id, doctor_id, cell, appointment_id) values (${`${doctor}:${cell}`}, ${doctor}, ${cell}, ${`appt-${doctor}-${cell}`})`.execute(tx)
          })
          await sealEntry(tx, cursor, entry)
        })
      const hour = 483_000 // an hour number (cell / 12)
      await claim(async (cell) => {
        for (const c of [0, 1, 2, 11, 12]) await cell(DOCTOR_A, hour * 12 + c) // 4 in one hour, 1 in the next
        await cell(DOCTOR_B, hour * 12 + 5)
      })
      await migrate(db)
      const hours = () => sql<{ hour: number; doctor_id: string; cells: number }>`select hour, doctor_id, cells from appointment_cell_hours order by hour, doctor_id`.execute(db).then((r) => r.rows)
      expect(await hours()).toEqual([
        { hour, doctor_id: DOCTOR_A, cells: 4 },
        { hour, doctor_id: DOCTOR_B, cells: 1 },
        { hour: hour + 1, doctor_id: DOCTOR_A, cells: 1 }
      ])
      // New claims and freed ones are counted from here on; an hour with none left goes.
      await claim(async (cell) => cell(DOCTOR_B, hour * 12 + 6))
      await db.transaction().execute(async (tx) => {
        const entry = await openEntry(tx, cursor, { at: AT, method: 'appointments.cancel', actor: { userId: null, role: null, job: null }, device: null, input: {} })
        await sql`delete from appointment_cells where doctor_id = ${DOCTOR_A} and cell = ${(hour + 1) * 12}`.execute(tx)
        await sealEntry(tx, cursor, entry)
      })
      expect(await hours()).toEqual([
        { hour, doctor_id: DOCTOR_A, cells: 4 },
        { hour, doctor_id: DOCTOR_B, cells: 2 }
      ])
    } finally {
      await db.destroy()
      removeDir(dir)
    }
  })
})
