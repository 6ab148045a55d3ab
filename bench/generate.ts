import SQLite from 'better-sqlite3'
import { GENESIS_HASH, entryHash, type HashedEntry, type HashedRow } from '../src/main/core/journal/chain'
import { nameKey } from '../src/main/core/patients/text'
import { isEmail } from '../src/shared/lib/patient-rules'
import { normalisePhone } from '../src/shared/lib/phone'

// Names as an Indian city clinic sees them, with a share of international patients.
const INDIAN_FIRST = ['Aarav', 'Aditi', 'Aditya', 'Akash', 'Amit', 'Ananya', 'Anil', 'Anjali', 'Arjun', 'Asha', 'Deepa', 'Deepak', 'Divya', 'Gaurav', 'Geeta', 'Harish', 'Ishaan', 'Kavya', 'Kiran', 'Krishna', 'Lakshmi', 'Manish', 'Meera', 'Mohan', 'Nandini', 'Neha', 'Nikhil', 'Pooja', 'Prakash', 'Priya', 'Rahul', 'Rajesh', 'Ramesh', 'Ravi', 'Rekha', 'Rohan', 'Sanjay', 'Sarita', 'Shreya', 'Sita', 'Sneha', 'Sunil', 'Suresh', 'Tanvi', 'Uma', 'Varun', 'Vijay', 'Vikram', 'Vinod', 'Zoya', 'Farhan', 'Ayesha', 'Imran', 'Fatima', 'Gurpreet', 'Harpreet', 'Jaspreet', 'Manpreet', 'Thomas', 'Mary', 'Joseph', 'Anitha', 'Bindu', 'Chitra', 'Dinesh', 'Ganesh', 'Hemant', 'Jyoti', 'Kamala', 'Latha', 'Madhavi', 'Naveen', 'Padma', 'Raghav', 'Sandhya', 'Tejas', 'Usha', 'Vasanth', 'Yamini', 'Abdul', 'Salma']
const INDIAN_LAST = ['Sharma', 'Verma', 'Gupta', 'Kumar', 'Singh', 'Patel', 'Shah', 'Mehta', 'Iyer', 'Iyengar', 'Nair', 'Menon', 'Pillai', 'Reddy', 'Rao', 'Naidu', 'Das', 'Banerjee', 'Chatterjee', 'Mukherjee', 'Bose', 'Ghosh', 'Sen', 'Joshi', 'Kulkarni', 'Deshpande', 'Patil', 'Jadhav', 'Khan', 'Ahmed', 'Sheikh', 'Qureshi', 'Fernandes', 'DSouza', 'Pereira', 'Thomas', 'Varghese', 'Kurian', 'Gill', 'Sandhu', 'Dhillon', 'Bhat', 'Hegde', 'Shetty', 'Kamath', 'Agarwal', 'Bansal', 'Goyal', 'Mishra', 'Tiwari', 'Pandey', 'Dubey', 'Yadav', 'Chauhan', 'Rathore', 'Thakur', 'Saxena', 'Srivastava', 'Krishnan', 'Subramanian']
const WORLD_FIRST = ['James', 'Olivia', 'Noah', 'Emma', 'Liam', 'Sophia', 'Lucas', 'Mia', 'Mateo', 'Isabella', 'Chen', 'Wei', 'Yuki', 'Hiro', 'Ahmed', 'Omar', 'Layla', 'Fatima', 'José', 'María', 'François', 'Zoë', 'Björn', 'Søren', 'Chloé', 'Kwame', 'Amara', 'Nia', 'Dmitri', 'Olga']
const WORLD_LAST = ['Smith', 'Johnson', 'Brown', 'Williams', 'García', 'Martínez', 'Müller', 'Schmidt', 'Rossi', 'Dubois', 'Wang', 'Li', 'Zhang', 'Tanaka', 'Suzuki', 'Kim', 'Park', 'Nguyen', 'Hassan', 'Ali', 'Okafor', 'Mensah', 'Ivanov', 'Petrova', "O'Brien", 'Lindqvist', 'Jensen', 'Kowalski', 'Silva', 'Santos']

/** A repeatable pseudo-random source, so every run measures the same data. */
export function rng(seed = 42): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface GeneratedPatient {
  seq: number
  number: string
  name: string
  phone: string
  email: string
  dob: string
}

/**
 * Patients as a clinic registers them, every one passing DocSpot's own checks (the phone a
 * real number of its country, the email an address): a number drawn that the phone rules
 * refuse is drawn again, and an email is made of plain letters.
 */
export function generatePatients(count: number, random = rng()): GeneratedPatient[] {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]
  const ascii = (word: string) => nameKey(word).normalize('NFKD').replace(/[^a-z0-9]/g, '')
  const out: GeneratedPatient[] = []
  for (let seq = 1; seq <= count; seq++) {
    const world = random() < 0.15
    const first = pick(world ? WORLD_FIRST : INDIAN_FIRST)
    const middle = !world && random() < 0.25 ? ` ${pick(INDIAN_FIRST)}` : ''
    const last = pick(world ? WORLD_LAST : INDIAN_LAST)
    const name = `${first}${middle} ${last}`
    let phone: string | null = null
    while (!phone) {
      const drawn = world ? `+447${String(Math.floor(random() * 1e9)).padStart(9, '0')}` : `+91${6 + Math.floor(random() * 4)}${String(Math.floor(random() * 1e9)).padStart(9, '0')}`
      phone = normalisePhone(drawn, 'IN')
    }
    const email = random() < 0.4 ? `${ascii(first) || 'patient'}.${ascii(last) || 'patient'}${seq}@example.com` : ''
    if (email && !isEmail(email)) throw new Error(`The generator made an email DocSpot refuses: ${email}`)
    const year = 1940 + Math.floor(random() * 85)
    const month = 1 + Math.floor(random() * 12)
    const day = 1 + Math.floor(random() * 28)
    const dob = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
    out.push({ seq, number: `P-${String(seq).padStart(6, '0')}`, name, phone, email, dob })
  }
  return out
}

/** Generated patients as a CSV a clinic would import (the import's own headers). */
export function patientsCsv(patients: GeneratedPatient[]): string {
  const cell = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text)
  return ['Name,Phone,Email,Date of birth', ...patients.map((p) => [p.name, p.phone, p.email, p.dob].map(cell).join(','))].join('\n') + '\n'
}

/** The method name the bulk load's journal entry carries. */
export const GENERATE_METHOD = 'bench.generate'

/** What docspot_journal_seq() answers on a raw connection: the entry open on it, if any. */
export interface BulkCursor {
  seq: number | null
}

/**
 * A raw writer on the clinic's database, with the core's pragmas and the journal's SQL
 * function registered: the capture triggers accept its writes only while `cursor.seq` names
 * an open entry (see openBulkEntry).
 */
export function rawWriter(file: string): { db: SQLite.Database; cursor: BulkCursor } {
  const db = new SQLite(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  const cursor: BulkCursor = { seq: null }
  db.function('docspot_journal_seq', { deterministic: false }, () => cursor.seq)
  return { db, cursor }
}

const statements = new WeakMap<SQLite.Database, ReturnType<typeof prepareJournal>>()

function prepareJournal(db: SQLite.Database) {
  return {
    last: db.prepare(`select seq, hash from journal order by seq desc limit 1`),
    open: db.prepare(`insert into journal (seq, at, method, allocated, input, prev_hash, hash) values (?, ?, ?, ?, ?, ?, null)`),
    rows: db.prepare(`select tbl, row_key, op, data, patient_id from journal_rows where seq = ? order by id`),
    seal: db.prepare(`update journal set row_count = ?, hash = ? where seq = ?`)
  }
}

/** The journal's statements on this connection, prepared once. */
function journalStatements(db: SQLite.Database): ReturnType<typeof prepareJournal> {
  let prepared = statements.get(db)
  if (!prepared) statements.set(db, (prepared = prepareJournal(db)))
  return prepared
}

/**
 * Opens a journal entry after the last sealed one, as the dispatcher's openEntry does, and
 * points the cursor at it: from here the capture triggers file every changed row under it.
 * Call it inside the transaction that makes the changes (or commit it open and seal it later,
 * with no other write in between).
 */
export function openBulkEntry(db: SQLite.Database, cursor: BulkCursor, at = new Date().toISOString(), method = GENERATE_METHOD): HashedEntry {
  const sql = journalStatements(db)
  const last = sql.last.get() as { seq: number; hash: string | null } | undefined
  if (last && last.hash === null) throw new Error(`journal entry ${last.seq} is still open`)
  const entry: HashedEntry = {
    seq: (last?.seq ?? 0) + 1,
    at,
    method,
    user_id: null,
    role: null,
    job: null,
    device: null,
    allocated: '{}',
    input: '{}',
    prev_hash: last?.hash ?? GENESIS_HASH
  }
  sql.open.run(entry.seq, entry.at, entry.method, entry.allocated, entry.input, entry.prev_hash)
  cursor.seq = entry.seq
  return entry
}

/**
 * Closes the entry exactly as the dispatcher's sealEntry does: counts and hashes the rows
 * captured under it (streamed, so a million-row entry is never held in memory at once).
 * Returns the number of rows.
 */
export function sealBulkEntry(db: SQLite.Database, cursor: BulkCursor, entry: HashedEntry): number {
  cursor.seq = null
  const sql = journalStatements(db)
  let count = 0
  const rows = sql.rows.iterate(entry.seq) as IterableIterator<HashedRow>
  const counted = (function* () {
    for (const row of rows) {
      count++
      yield row
    }
  })()
  const hash = entryHash(entry, counted)
  sql.seal.run(count, hash, entry.seq)
  return count
}

/**
 * Inserts through SQL in one transaction, as one honest journal entry: the same triggers fill
 * the search index as in the app, and the journal's capture triggers record every row under
 * the entry opened here, which is then sealed exactly as the dispatcher's sealEntry does, so
 * the hash chain still verifies. The patient counter is moved past the loaded numbers.
 */
export function insertPatients(file: string, patients: GeneratedPatient[]): { seq: number; rows: number } {
  const { db, cursor } = rawWriter(file)
  try {
    const now = new Date().toISOString()
    const insert = db.prepare(
      `insert into patients (id, seq, number, name, name_key, phone, email, date_of_birth, gender, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'unknown', ?, ?)`
    )
    const highest = patients.reduce((max, p) => Math.max(max, p.seq), 0)
    return db.transaction(() => {
      const entry = openBulkEntry(db, cursor, now)
      try {
        for (const p of patients) insert.run(generatedPatientId(p.seq), p.seq, p.number, p.name, nameKey(p.name), p.phone, p.email, p.dob, now, now)
        // Numbers come from counters, not max(seq) + 1: the next registration follows the load.
        db.prepare(`insert into counters (kind, value) values ('patient', ?) on conflict (kind) do update set value = max(value, excluded.value)`).run(highest)
      } finally {
        cursor.seq = null
      }
      return { seq: entry.seq, rows: sealBulkEntry(db, cursor, entry) }
    })()
  } finally {
    db.close()
  }
}

/** The id insertPatients gives the generated patient with this seq. */
export function generatedPatientId(seq: number): string {
  return `00000000-0000-7000-8000-${String(seq).padStart(12, '0')}`
}
