import { join } from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createCore } from '../src/main/core/create-core'
import { DB_FILE, createKysely, migrate, openSqlite } from '../src/main/core/db/connection'
import { setUpPractice } from '../src/main/core/schedule/fixtures'
import { call, openTestCore, removeDir, setUpClinic } from '../src/main/core/testing'

const hours = (db: ReturnType<typeof createKysely>) => sql<{ hour: number; doctor_id: string; cells: number }>`select hour, doctor_id, cells from appointment_cell_hours order by hour, doctor_id`.execute(db).then((r) => r.rows)
const counted = (db: ReturnType<typeof createKysely>) =>
  sql<{ hour: number; doctor_id: string; cells: number }>`select cell / 12 as hour, doctor_id, count(*) as cells from appointment_cells group by 1, 2 order by 1, 2`.execute(db).then((r) => r.rows)

describe('migration 0006_cell_hours over a database at 0005 with bookings', () => {
  it('counts the claimed cells already there, then keeps counting', async () => {
    const t = await openTestCore()
    const token = await setUpClinic(t.core)
    const practice = await setUpPractice(t.core, token, { doctors: 2, patients: 3 })
    await practice.book({ start: '2025-03-11T09:00:00Z' })
    await practice.book({ doctor: 1, patient: 1, start: '2025-03-11T11:45:00Z' })
    await t.core.close()

    // Back to 0005: no table, no triggers, no record of 0006.
    const sqlite = openSqlite(join(t.dataDir, DB_FILE))
    for (const name of ['insert', 'delete', 'update']) sqlite.exec(`drop trigger appointment_cell_hours_${name}`)
    sqlite.exec(`drop table appointment_cell_hours; delete from kysely_migration where name = '0006_cell_hours'`)
    const db = createKysely(sqlite)
    await migrate(db)
    expect(await hours(db)).toEqual(await counted(db))
    expect((await hours(db)).map((h) => h.cells)).toEqual([3, 3])
    await db.destroy()

    // Bookings made after the upgrade are counted by the triggers.
    const core = await createCore({ dataDir: t.dataDir, clock: t.clock, log: () => {}, schedules: false })
    try {
      await call(core, 'appointments.book', { patientId: practice.patients[2].id, doctorId: practice.doctors[0].id, typeId: practice.consult.id, start: '2025-03-11T09:15:00Z' }, token)
      const after = await hours(core.services.db)
      expect(after).toEqual(await counted(core.services.db))
      expect(after.map((h) => h.cells)).toEqual([6, 3])
    } finally {
      await core.close()
      removeDir(t.dataDir)
    }
  })
})
