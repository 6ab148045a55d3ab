import { sql, type Kysely } from 'kysely'

// Frozen: never edit a landed migration; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table patients (
      id text primary key,
      -- Stable integer key for the search index (an implicit rowid may change on VACUUM).
      seq integer not null unique,
      number text not null,
      name text not null check (length(trim(name)) > 0),
      -- Lower-cased, accents removed: the key for name order and prefix lookups.
      name_key text not null,
      phone text not null default '',
      email text not null default '',
      date_of_birth text check (date_of_birth is null or date_of_birth glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      gender text not null default 'unknown' check (gender in ('female', 'male', 'other', 'unknown')),
      address_line text not null default '',
      city text not null default '',
      state text not null default '',
      postal_code text not null default '',
      allergies text not null default '',
      medical_history text not null default '',
      notes text not null default '',
      photo_sha256 text,
      archived_at text,
      archived_reason text,
      merged_into text references patients (id),
      created_at text not null,
      updated_at text not null,
      created_by text references users (id),
      updated_by text references users (id)
    )`.execute(db)
  await sql`create unique index patients_number on patients (number collate nocase)`.execute(db)
  await sql`create index patients_name_key on patients (name_key)`.execute(db)
  // Plain, not partial: SQLite cannot use a partial index for `phone = ?` with a bound value.
  await sql`create index patients_phone on patients (phone)`.execute(db)
  await sql`create index patients_email on patients (email)`.execute(db)
  await sql`create index patients_dob on patients (date_of_birth) where date_of_birth is not null`.execute(db)
  await sql`create index patients_updated on patients (updated_at)`.execute(db)

  // Substring search over name, phone digits, number and email. Contentless: the table holds
  // the text; the index holds trigrams only. Triggers keep it in step inside the same transaction.
  await sql`
    create virtual table patient_search using fts5(
      name, phone, number, email,
      content = '', contentless_delete = 1,
      tokenize = 'trigram remove_diacritics 1'
    )`.execute(db)
  // Trigram document counts, so typo search can start from the rarest trigrams.
  await sql`create virtual table patient_search_vocab using fts5vocab(patient_search, 'col')`.execute(db)
  // The name is indexed with a space at each end, so every word has boundary trigrams
  // (" sh", "ma "): a typo with two letters swapped still shares some with the real name.
  const row = (p: string) =>
    `${p}.seq, ' ' || ${p}.name_key || ' ', replace(${p}.phone, '+', ''), ${p}.number, ${p}.email`
  await sql
    .raw(
      `create trigger patients_search_insert after insert on patients begin
         insert into patient_search (rowid, name, phone, number, email) values (${row('new')});
       end`
    )
    .execute(db)
  await sql
    .raw(
      `create trigger patients_search_update after update of name_key, phone, number, email on patients begin
         delete from patient_search where rowid = old.seq;
         insert into patient_search (rowid, name, phone, number, email) values (${row('new')});
       end`
    )
    .execute(db)
  await sql.raw(`create trigger patients_search_delete after delete on patients begin delete from patient_search where rowid = old.seq; end`).execute(db)

  await sql`
    create table patient_history (
      id text primary key,
      patient_id text not null references patients (id),
      at text not null,
      user_id text references users (id),
      action text not null check (action in ('created', 'updated', 'archived', 'restored', 'merged', 'unmerged', 'photo', 'imported')),
      changes text not null default '{}',
      note text
    )`.execute(db)
  await sql`create index patient_history_patient on patient_history (patient_id, at)`.execute(db)

  await sql`
    create table patient_merges (
      id text primary key,
      survivor_id text not null references patients (id),
      merged_id text not null references patients (id),
      at text not null,
      user_id text references users (id),
      -- What undo needs: the survivor's fields before, and the rows moved per table.
      survivor_before text not null,
      survivor_after text not null,
      moved text not null,
      -- Whether the merged record was archived before the merge, and why: undo restores it.
      merged_archived_at text,
      merged_archived_reason text,
      undone_at text,
      undone_by text references users (id)
    )`.execute(db)
  await sql`create index patient_merges_survivor on patient_merges (survivor_id)`.execute(db)
  await sql`create index patient_merges_merged on patient_merges (merged_id)`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('DocSpot migrations are forward-only')
}
