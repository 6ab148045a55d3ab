import { sql, type Kysely } from 'kysely'

// Frozen: never edit a landed migration; add a new one.
//
// How many 5-minute cells each doctor has claimed in each UTC hour, kept by triggers on the
// claims themselves. The next-free-slot search reads these few rows (about 8 a doctor a working
// day) to skip days whose hours are already full, instead of counting the cells. Derived data,
// like the search index: not journaled; replaying the journal's cells rebuilds it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table appointment_cell_hours (
      hour integer not null,
      doctor_id text not null,
      cells integer not null check (cells > 0),
      primary key (hour, doctor_id)
    ) without rowid`.execute(db)
  await sql`
    insert into appointment_cell_hours (hour, doctor_id, cells)
    select cell / 12, doctor_id, count(*) from appointment_cells group by cell / 12, doctor_id`.execute(db)
  await sql`
    create trigger appointment_cell_hours_insert after insert on appointment_cells begin
      insert into appointment_cell_hours (hour, doctor_id, cells) values (new.cell / 12, new.doctor_id, 1)
        on conflict (hour, doctor_id) do update set cells = cells + 1;
    end`.execute(db)
  await sql`
    create trigger appointment_cell_hours_delete after delete on appointment_cells begin
      delete from appointment_cell_hours where hour = old.cell / 12 and doctor_id = old.doctor_id and cells = 1;
      update appointment_cell_hours set cells = cells - 1 where hour = old.cell / 12 and doctor_id = old.doctor_id;
    end`.execute(db)
  await sql`
    create trigger appointment_cell_hours_update after update of cell, doctor_id on appointment_cells begin
      delete from appointment_cell_hours where hour = old.cell / 12 and doctor_id = old.doctor_id and cells = 1;
      update appointment_cell_hours set cells = cells - 1 where hour = old.cell / 12 and doctor_id = old.doctor_id;
      insert into appointment_cell_hours (hour, doctor_id, cells) values (new.cell / 12, new.doctor_id, 1)
        on conflict (hour, doctor_id) do update set cells = cells + 1;
    end`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
