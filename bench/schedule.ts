// Scheduling at clinic scale: 30 doctors, 5 years of appointment history, the next 60 days
// mostly booked. Next free slot, the day view and booking, each through the dispatcher beside
// a raw-SQL baseline of the same work measured in the same run (compare ratios, not ms).
// Run alone with `tsx bench/schedule.ts`, or as part of `npm run bench`.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import SQLite from 'better-sqlite3'
import { DateTime } from 'luxon'
import type { AppointmentType, DaySchedule, Doctor, FreeSlot, StaffUser } from '../src/shared/api'
import { createCore, type Core } from '../src/main/core/create-core'
import { DB_FILE } from '../src/main/core/db/connection'
import type { ReadDb } from '../src/main/core/db/read-only'
import { newId } from '../src/main/core/ids'
import { dayBounds } from '../src/main/core/schedule/views'
import { generatePatients, generatedPatientId, insertPatients, openBulkEntry, rawWriter, rng, sealBulkEntry } from './generate'
import { elapsed, ms, printTable, type Stats, stats } from './journal'

const APPOINTMENTS = Number(process.env.BENCH_APPOINTMENTS ?? 1_000_000)
const PATIENTS = Number(process.env.BENCH_SCHEDULE_PATIENTS ?? 5_000)
/** Timed repetitions of each operation (the same variable as the patient search's queries per kind). */
const REPS = Number(process.env.BENCH_QUERIES ?? 200)
const WARM_UP = Math.min(20, REPS)

const DOCTORS = 30
const YEARS = 5
/** Clinic dates searched ahead, today included (schedule.nextFree's `days`). */
const AHEAD = 60
/** The first week ahead is fully booked, so the next free slot has to be searched for. */
const FULL_DAYS = 7
const DAY_VIEW_DOCTORS = 20
const TIME_ZONE = 'Asia/Kolkata'
const SESSIONS = [
  { start: '09:00', end: '13:00' },
  { start: '17:00', end: '20:00' }
]
const SLOT_MINUTES = 15
const SLOT_MS = SLOT_MINUTES * 60_000
const CELL_MS = 5 * 60_000
const DAY_MS = 86_400_000
/** Bookings alternate between the write paths in blocks of this many. */
const BLOCK = 25

const DOCTOR_NAMES = [
  'Meera Iyer', 'Arjun Rao', 'Sara Khan', 'Vikram Nair', 'Lakshmi Menon', 'Rohan Mehta', 'Divya Pillai', 'Imran Qureshi', 'Neha Kulkarni', 'Sanjay Reddy',
  'Priya Banerjee', 'Thomas Varghese', 'Kavya Hegde', 'Gurpreet Sandhu', 'Ananya Bose', 'Rahul Joshi', 'Fatima Sheikh', 'Nikhil Patil', 'Sneha Das', 'Harish Krishnan',
  'Pooja Agarwal', 'Joseph Kurian', 'Uma Subramanian', 'Deepak Saxena', 'Asha Shetty', 'Varun Gill', 'Nandini Ghosh', 'Manish Tiwari', 'Zoya Ahmed', 'Ravi Kamath'
]
const SPECIALITIES = ['General practice', 'Paediatrics', 'Dermatology', 'Orthopaedics', 'ENT', 'Gynaecology']
const REASONS = ['', '', '', '', 'Follow-up', 'Fever', 'Back pain', 'Routine check-up', 'Blood pressure review', 'Cough and cold', 'Diabetes review', 'Skin rash']

const seconds = (start: bigint) => elapsed(start) / 1000
const iso = (at: number) => new Date(at).toISOString()
const pct = (part: number, whole: number) => `${Math.round((100 * part) / Math.max(1, whole))}%`
const thousands = (n: number) => n.toLocaleString('en')

// ---------------------------------------------------------------------------------------------
// The generated history.

interface WorkingDay {
  date: string
  /** Days from today: 0 today, negative in the past. */
  index: number
  /** Slot start instants (epoch ms), the same for every doctor. */
  starts: number[]
}

/** Every Monday–Saturday from five years back to the end of the 60 days ahead, with its slot starts. */
function workingDays(now: number): WorkingDay[] {
  const today = DateTime.fromMillis(now, { zone: TIME_ZONE }).startOf('day')
  const first = today.minus({ years: YEARS })
  const out: WorkingDay[] = []
  for (let day = first, index = -Math.round(today.diff(first, 'days').days); index < AHEAD; day = day.plus({ days: 1 }), index++) {
    if (day.weekday === 7) continue
    const starts: number[] = []
    for (const session of SESSIONS) {
      const [sh, sm] = session.start.split(':').map(Number)
      const [eh, em] = session.end.split(':').map(Number)
      const end = day.set({ hour: eh, minute: em }).toMillis()
      for (let at = day.set({ hour: sh, minute: sm }).toMillis(); at + SLOT_MS <= end; at += SLOT_MS) starts.push(at)
    }
    out.push({ date: day.toISODate()!, index, starts })
  }
  return out
}

/** Share of a future day's slots taken: all of the first week, then from 90% down to 70% at day 60. */
function fill(index: number): number {
  return index < FULL_DAYS ? 1 : 0.9 - (0.2 * (index - FULL_DAYS)) / (AHEAD - 1 - FULL_DAYS)
}

interface SlotRef {
  doctor: number
  start: number
  index: number
}

interface History {
  appointments: number
  past: number
  pastSlots: number
  pastByStatus: Record<string, number>
  future: number
  futureCancelled: number
  futureSlots: number
  cells: number
  seq: number
  journalRows: number
  times: { insert: number; seal: number; commit: number }
  /** Future slots left free, and future slots taken by a live appointment. */
  free: SlotRef[]
  taken: SlotRef[]
}

/**
 * Loads the appointment history raw, as ONE journal entry (like generate.ts's insertPatients):
 * the capture triggers record every appointment and cell row under it, and it is sealed with
 * the chain's hash. Past slots: exactly enough of them chosen (selection sampling) to make
 * APPOINTMENTS in all, mostly completed. Future slots: taken by `fill(day)`, each live
 * appointment claiming its 5-minute cells as a booking does; some free slots carry a cancelled
 * appointment (no cells), as cancelled bookings leave them.
 */
function loadHistory(file: string, now: number, days: WorkingDay[], ids: { doctors: string[]; type: string; admin: string }): History {
  const random = rng(2024)
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]
  const patient = () => generatedPatientId(1 + Math.floor(random() * PATIENTS))
  const mode = () => {
    const r = random()
    return r < 0.9 ? 'in_person' : r < 0.97 ? 'phone' : 'video'
  }
  let made = 0
  /** A UUIDv7 for the time the row was made; the counter in the last group keeps it unique. */
  const idAt = (at: number) => {
    const t = at.toString(16).padStart(12, '0')
    const r = () => Math.floor(random() * 0x1000).toString(16).padStart(3, '0')
    return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r()}-${(8 + Math.floor(random() * 4)).toString(16)}${r()}-${(made++).toString(16).padStart(12, '0')}`
  }

  // The future first (its size decides how much history makes up the total).
  const future: Array<SlotRef & { status: 'booked' | 'confirmed' | 'cancelled' }> = []
  const free: SlotRef[] = []
  const taken: SlotRef[] = []
  let futureSlots = 0
  let pastSlots = 0
  for (const day of days) {
    for (const start of day.starts) {
      if (start < now) {
        pastSlots += DOCTORS
        continue
      }
      for (let doctor = 0; doctor < DOCTORS; doctor++) {
        futureSlots++
        const slot = { doctor, start, index: day.index }
        if (random() < fill(day.index)) {
          future.push({ ...slot, status: random() < 0.85 ? 'booked' : 'confirmed' })
          taken.push(slot)
        } else {
          free.push(slot)
          if (random() < 0.1) future.push({ ...slot, status: 'cancelled' })
        }
      }
    }
  }
  const pastWanted = Math.min(pastSlots, Math.max(0, APPOINTMENTS - future.length))

  const { db, cursor } = rawWriter(file)
  try {
    const insert = db.prepare(
      `insert into appointments (id, patient_id, doctor_id, type_id, start_at, end_at, buffer_minutes, status, reason, mode, overbooked, overbook_reason, cancel_reason, room_id, booked_by, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 0, null, ?, null, ?, ?, ?)`
    )
    const insertCell = db.prepare(`insert into appointment_cells (id, doctor_id, cell, appointment_id) values (?, ?, ?, ?)`)
    const add = (slot: { doctor: number; start: number }, status: string, created: number, updated: number) => {
      const id = idAt(created)
      insert.run(id, patient(), ids.doctors[slot.doctor], ids.type, iso(slot.start), iso(slot.start + SLOT_MS), status, pick(REASONS), mode(), status === 'cancelled' ? 'Patient called to cancel' : null, ids.admin, iso(created), iso(updated))
      return id
    }
    const pastByStatus: Record<string, number> = { completed: 0, cancelled: 0, no_show: 0 }
    let cells = 0
    let seq = 0
    const times = { insert: 0, seal: 0, commit: 0 }
    const started = process.hrtime.bigint()
    db.prepare('begin immediate').run()
    try {
      const entry = openBulkEntry(db, cursor, iso(now))
      seq = entry.seq
      try {
        // Past: selection sampling picks exactly `pastWanted` of the past slots, in time order.
        let needed = pastWanted
        let remaining = pastSlots
        for (const day of days) {
          for (const start of day.starts) {
            if (start >= now) continue
            for (let doctor = 0; doctor < DOCTORS; doctor++, remaining--) {
              if (random() * remaining >= needed) continue
              needed--
              const r = random()
              const status = r < 0.06 ? 'cancelled' : r < 0.1 ? 'no_show' : 'completed'
              pastByStatus[status]++
              const created = start - Math.floor(random() * 14 * DAY_MS)
              add({ doctor, start }, status, created, status === 'cancelled' ? start - Math.floor(random() * DAY_MS) : start + SLOT_MS)
            }
          }
        }
        // Future: live bookings claim their cells; cancelled ones claim none.
        for (const slot of future) {
          const created = now - Math.floor(random() * 30 * DAY_MS)
          const id = add(slot, slot.status, created, slot.status === 'booked' ? created : created + Math.floor((now - created) * random()))
          if (slot.status === 'cancelled') continue
          const first = Math.floor(slot.start / CELL_MS)
          for (let cell = first; cell < Math.ceil((slot.start + SLOT_MS) / CELL_MS); cell++, cells++) insertCell.run(`${ids.doctors[slot.doctor]}:${cell}`, ids.doctors[slot.doctor], cell, id)
        }
      } finally {
        cursor.seq = null
      }
      times.insert = seconds(started)
      const sealing = process.hrtime.bigint()
      const journalRows = sealBulkEntry(db, cursor, entry)
      times.seal = seconds(sealing)
      const committing = process.hrtime.bigint()
      db.prepare('commit').run()
      db.pragma('wal_checkpoint(TRUNCATE)')
      times.commit = seconds(committing)
      const futureCancelled = future.filter((f) => f.status === 'cancelled').length
      return { appointments: pastWanted + future.length, past: pastWanted, pastSlots, pastByStatus, future: future.length - futureCancelled, futureCancelled, futureSlots, cells, seq, journalRows, times, free, taken }
    } catch (error) {
      if (db.inTransaction) db.prepare('rollback').run()
      throw error
    }
  } finally {
    db.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Timing.

/**
 * Times each path `reps` times after a warm-up, alternating between them in blocks and
 * rotating which goes first, so machine noise hits them alike. `open`/`close` run around each
 * block, untimed.
 */
async function compare<K extends string>(
  reps: number,
  paths: Record<K, () => unknown>,
  options: { block?: number; warmUp?: number; open?: (path: K) => void; close?: (path: K) => void } = {}
): Promise<Record<K, Stats>> {
  const names = Object.keys(paths) as K[]
  const block = options.block ?? 1
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>
  const run = async (name: K, count: number, into?: number[]) => {
    options.open?.(name)
    try {
      for (let i = 0; i < count; i++) {
        const start = process.hrtime.bigint()
        await paths[name]()
        into?.push(elapsed(start))
      }
    } finally {
      options.close?.(name)
    }
  }
  for (const name of names) await run(name, options.warmUp ?? WARM_UP)
  for (let done = 0, b = 0; done < reps; done += block, b++) {
    const count = Math.min(block, reps - done)
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + b) % names.length]
      await run(name, count, samples[name])
    }
  }
  return Object.fromEntries(names.map((n) => [n, stats(samples[n])])) as Record<K, Stats>
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`
const goal = (label: string, limit: number, s: Stats) => `${label} < ${limit} ms: ${s.p95 < limit ? 'met' : s.p50 < limit ? 'met at p50 only' : 'NOT met'}`

// ---------------------------------------------------------------------------------------------
// The clinic under test.

interface Bench {
  core: Core
  token: string
  admin: StaffUser
  consult: AppointmentType
  /** By name, as the slot search orders them; `ids` likewise. */
  doctors: Doctor[]
  ids: string[]
  file: string
  /** The core's read-only connection (as handlers get it) and a raw read-only one for baselines. */
  readDb: ReadDb
  raw: SQLite.Database
  days: WorkingDay[]
  today: string
  lastDay: string
  history: History
  call<T>(method: string, input: unknown): Promise<T>
}

/** Clinic, doctors with their sign-ins, weekly hours and the one type, all through the API. */
async function setUpClinic(dataDir: string) {
  const core = await createCore({ dataDir, log: () => {}, schedules: false })
  try {
    const setup = await core.dispatch('setup.createClinic', {
      clinic: { clinicName: 'Bench Clinic', timeZone: TIME_ZONE, currency: 'INR', defaultCountry: 'IN' },
      admin: { name: 'Bench Admin', email: 'bench@example.com', password: 'benchmark password' }
    })
    if (!setup.ok) throw new Error(setup.error.message)
    const { token, user: admin } = setup.value as { token: string; user: StaffUser }
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const result = await core.dispatch(method, input, { token })
      if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`)
      return result.value as T
    }
    const weekly = [1, 2, 3, 4, 5, 6].flatMap((weekday) => SESSIONS.map((s) => ({ weekday, start: s.start, end: s.end, slotMinutes: SLOT_MINUTES })))
    for (const [i, name] of DOCTOR_NAMES.slice(0, DOCTORS).entries()) {
      const doctor = await call<Doctor>('doctors.create', { name: `Dr. ${name}`, specialization: SPECIALITIES[i % SPECIALITIES.length], login: { email: `doctor${i + 1}@bench.example`, password: 'benchmark password' } })
      await call('availability.setWeekly', { doctorId: doctor.id, sessions: weekly })
    }
    const consult = await call<AppointmentType>('appointmentTypes.save', { name: 'Consultation', durationMinutes: SLOT_MINUTES, colour: 'teal', priceMinor: 50_000 })
    const doctors = await call<Doctor[]>('doctors.list', {})
    return { core, token, admin, consult, doctors, call }
  } catch (error) {
    await core.close()
    throw error
  }
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ')

// ---------------------------------------------------------------------------------------------
// a. The next free slot.

async function measureNextFree(bench: Bench) {
  const { raw, ids, today, lastDay, consult, history } = bench
  const nextFree = () => bench.call<FreeSlot | null>('schedule.nextFree', { typeId: consult.id, days: AHEAD })

  // Baseline: the reads the handler makes, as prepared statements, with no slot computation:
  // its setup reads, today's claimed cells after now counted, the claimed cells per hour of each
  // later full day and of the day found, then that day's exceptions and its first piece of
  // claimed cells (an hour of every doctor's).
  const settingsRows = raw.prepare(`select key, value from settings order by key`)
  const typeRows = raw.prepare(`select * from appointment_types where active = 1 and id in (?) order by name`)
  const linkRows = raw.prepare(`select type_id, doctor_id from appointment_type_doctors where type_id in (?)`)
  const doctorRows = raw.prepare(`select id, daily_cap from doctors where active = 1 order by name`)
  const sessionRows = raw.prepare(`select * from doctor_sessions where doctor_id in (${marks(ids.length)})`)
  const extraRows = raw.prepare(`select * from availability_exceptions where kind = 'extra' and doctor_id in (${marks(ids.length)}) and date >= ? and date <= ?`)
  const longestBuffer = raw.prepare(`select max(buffer_minutes) as longest from appointment_types`)
  const todayCells = raw.prepare(`select doctor_id, count(*) as cells from appointment_cells where cell >= ? and cell < ? and doctor_id in (${marks(ids.length)}) group by doctor_id`)
  const hourRows = raw.prepare(`select doctor_id, sum(cells) as cells from appointment_cell_hours where hour >= ? and hour < ? and doctor_id in (${marks(ids.length)}) group by doctor_id`)
  const exceptionRows = raw.prepare(`select * from availability_exceptions where date >= ? and date <= ? and (doctor_id in (${marks(ids.length)}) or doctor_id is null)`)
  const cellRows = raw.prepare(`select doctor_id, cell from appointment_cells where cell >= ? and cell < ? and doctor_id in (${marks(ids.length)}) order by cell limit ?`)
  const foundAt = DateTime.fromISO(today).plus({ days: FULL_DAYS }).toISODate()!
  // (Sundays have no hours, so the handler reads nothing for them.)
  const laterDays = Array.from({ length: FULL_DAYS }, (_, i) => DateTime.fromISO(today).plus({ days: i + 1 }))
    .filter((d) => d.weekday !== 7)
    .map((d) => dayBounds(d.toISODate()!, TIME_ZONE))
  const todayEnds = Date.parse(dayBounds(today, TIME_ZONE).to)
  const foundDay = dayBounds(foundAt, TIME_ZONE)
  const reads = () => {
    settingsRows.all()
    typeRows.all(consult.id)
    linkRows.all(consult.id)
    doctorRows.all()
    sessionRows.all(...ids)
    extraRows.all(...ids, today, lastDay)
    longestBuffer.get()
    todayCells.all(Math.ceil(Date.now() / CELL_MS), Math.floor(todayEnds / CELL_MS), ...ids)
    for (const day of laterDays) hourRows.all(Math.ceil(Date.parse(day.from) / 3_600_000), Math.floor(Date.parse(day.to) / 3_600_000), ...ids)
    exceptionRows.all(foundAt, foundAt, ...ids)
    return cellRows.all(Math.floor(Date.parse(foundDay.from) / CELL_MS), Math.ceil(Date.parse(foundDay.to) / CELL_MS) + SLOT_MINUTES / 5, ...ids, ids.length * 12)
  }

  // The answer it must give: the earliest free start from now, with a doctor free then.
  const earliest = Math.min(...history.free.filter((f) => f.start >= Date.now()).map((f) => f.start))
  const found = await nextFree()
  const freeThen = new Set(history.free.filter((f) => f.start === earliest).map((f) => ids[f.doctor]))
  if (!found || Date.parse(found.start) !== earliest || !freeThen.has(found.doctorId)) throw new Error(`schedule.nextFree gave ${JSON.stringify(found)}, expected ${iso(earliest)} with one of ${[...freeThen].join(', ')}`)
  const main = await compare(REPS, { api: nextFree, baseline: reads })
  return { main, found }
}

// ---------------------------------------------------------------------------------------------
// b. The day view.

async function measureDayView(bench: Bench) {
  const { raw, ids } = bench
  const doctorIds = ids.filter((_, i) => i % 3 !== 2).slice(0, DAY_VIEW_DOCTORS)
  // The busiest days ahead: the fully booked first week, then ~90%.
  const days = bench.days.filter((d) => d.index >= 1).slice(0, 10)
  const bounds = new Map(days.map((d) => [d.date, dayBounds(d.date, TIME_ZONE)]))
  const select = raw.prepare(
    `select a.id, a.patient_id, p.number as patientNumber, p.name as patientName, p.phone as patientPhone, a.doctor_id, d.name as doctorName,
            a.type_id, t.name as typeName, t.colour, a.start_at, a.end_at, a.status, a.reason, a.mode, a.overbooked, a.overbook_reason,
            a.cancel_reason, a.room_id, a.booked_by, a.created_at, a.updated_at
     from appointments a join patients p on p.id = a.patient_id join doctors d on d.id = a.doctor_id join appointment_types t on t.id = a.type_id
     where a.doctor_id in (${marks(doctorIds.length)}) and a.start_at >= ? and a.start_at < ? order by a.start_at`
  )
  const dayView = (date: string) => bench.call<DaySchedule>('schedule.day', { date, doctorIds })
  const daySelect = (date: string) => select.all(...doctorIds, bounds.get(date)!.from, bounds.get(date)!.to)
  let appointments = 0
  for (const d of days) {
    const view = await dayView(d.date)
    const rows = daySelect(d.date)
    if (view.appointments.length !== rows.length || view.doctors.length !== doctorIds.length) throw new Error(`schedule.day ${d.date}: ${view.appointments.length} appointments, the raw select ${rows.length}`)
    appointments += rows.length
  }
  const cycle = () => {
    let i = 0
    return () => days[i++ % days.length].date
  }
  const apiDay = cycle()
  const rawDay = cycle()
  const main = await compare(REPS, { api: () => dayView(apiDay()), baseline: () => daySelect(rawDay()) })

  return { main, days: days.length, perDay: Math.round(appointments / days.length) }
}

// ---------------------------------------------------------------------------------------------
// c. Booking, and the double-booking guarantee.

async function measureBooking(bench: Bench) {
  const { core, token, ids, consult, admin, history } = bench
  const writer = rawWriter(bench.file)
  try {
    const random = rng(77)
    const pool = history.free.filter((f) => f.index >= 1)
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[pool[i], pool[j]] = [pool[j], pool[i]]
    }
    const need = 3 * (REPS + WARM_UP)
    if (pool.length < need) throw new Error(`only ${pool.length} free slots ahead for ${need} bookings`)
    const taken = history.taken.filter((t) => t.index >= 1)
    let nextFree = 0
    let nextTaken = 0
    const freeSlot = () => pool[nextFree++]
    const takenSlot = () => taken[nextTaken++ % taken.length]
    const somePatient = () => generatedPatientId(1 + Math.floor(random() * PATIENTS))

    const insertAppointment = writer.db.prepare(
      `insert into appointments (id, patient_id, doctor_id, type_id, start_at, end_at, buffer_minutes, status, reason, mode, overbooked, overbook_reason, cancel_reason, room_id, booked_by, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, 0, 'booked', '', 'in_person', 0, null, null, null, ?, ?, ?)`
    )
    const insertCell = writer.db.prepare(`insert into appointment_cells (id, doctor_id, cell, appointment_id) values (?, ?, ?, ?)`)
    const insertBooking = (slot: SlotRef) => {
      const at = Date.now()
      const id = newId(at)
      const doctorId = ids[slot.doctor]
      insertAppointment.run(id, somePatient(), doctorId, consult.id, iso(slot.start), iso(slot.start + SLOT_MS), admin.id, iso(at), iso(at))
      for (let cell = Math.floor(slot.start / CELL_MS); cell < Math.ceil((slot.start + SLOT_MS) / CELL_MS); cell++) insertCell.run(`${doctorId}:${cell}`, doctorId, cell, id)
    }
    const rawBook = writer.db.transaction(insertBooking)
    const rawBookOwnEntry = writer.db.transaction((slot: SlotRef) => {
      const entry = openBulkEntry(writer.db, writer.cursor)
      try {
        insertBooking(slot)
      } finally {
        writer.cursor.seq = null
      }
      sealBulkEntry(writer.db, writer.cursor, entry)
    })
    // The plain raw path writes under one entry per block, opened and sealed outside the timing.
    let blockEntry: ReturnType<typeof openBulkEntry> | null = null
    const inBlockEntries = (path: string) => ({
      block: BLOCK,
      open: (name: string) => {
        if (name === path) blockEntry = writer.db.transaction(() => openBulkEntry(writer.db, writer.cursor)).immediate()
      },
      close: (name: string) => {
        if (name !== path) return
        writer.db.transaction(() => sealBulkEntry(writer.db, writer.cursor, blockEntry!)).immediate()
        blockEntry = null
      }
    })
    const apiBook = (slot: SlotRef) =>
      core.dispatch('appointments.book', { patientId: somePatient(), doctorId: ids[slot.doctor], typeId: consult.id, start: iso(slot.start), reason: 'Bench booking', mode: 'in_person' }, { token })

    const counts = { api: 0, ownEntry: 0, block: 0, apiRefused: 0, rawRefused: 0 }
    const booked = await compare(
      REPS,
      {
        api: async () => {
          const result = await apiBook(freeSlot())
          if (!result.ok) throw new Error(`appointments.book: ${result.error.code} ${result.error.message}`)
          counts.api++
        },
        ownEntry: () => {
          rawBookOwnEntry.immediate(freeSlot())
          counts.ownEntry++
        },
        block: () => {
          rawBook.immediate(freeSlot())
          counts.block++
        }
      },
      inBlockEntries('block')
    )
    // The guarantee: a slot already taken is refused by both, and nothing is written.
    const refused = await compare(
      REPS,
      {
        api: async () => {
          const result = await apiBook(takenSlot())
          if (result.ok || result.error.code !== 'CONFLICT') throw new Error(`a booking into a taken slot gave ${JSON.stringify(result)}`)
          counts.apiRefused++
        },
        raw: () => {
          try {
            rawBook.immediate(takenSlot())
          } catch (error) {
            if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw error
            counts.rawRefused++
            return
          }
          throw new Error('a raw insert into a taken slot went through')
        }
      },
      inBlockEntries('raw')
    )
    return { booked, refused, counts }
  } finally {
    writer.db.close()
  }
}

// ---------------------------------------------------------------------------------------------

export async function scheduleBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'docspot-bench-schedule-'))
  const closers: Array<() => unknown> = []
  try {
    const setupStarted = process.hrtime.bigint()
    const clinic = await setUpClinic(dataDir)
    closers.push(() => clinic.core.close())
    const setupSeconds = seconds(setupStarted)

    const file = join(dataDir, DB_FILE)
    const patientsStarted = process.hrtime.bigint()
    const patientLoad = insertPatients(file, generatePatients(PATIENTS, rng(5)))
    const patientSeconds = seconds(patientsStarted)

    const now = Date.now()
    const days = workingDays(now)
    const history = loadHistory(file, now, days, { doctors: clinic.doctors.map((d) => d.id), type: clinic.consult.id, admin: clinic.admin.id })
    const loadSeconds = history.times.insert + history.times.seal + history.times.commit
    const size = statSync(file).size

    console.log(`\nDocSpot scheduling benchmark: ${DOCTORS} doctors, ${YEARS} years of history, ${thousands(history.appointments)} appointments, clinic in ${TIME_ZONE}; ${REPS} timed repetitions per operation after ${WARM_UP} warm-up\n`)
    if (history.appointments > APPOINTMENTS) console.log(`(BENCH_APPOINTMENTS=${thousands(APPOINTMENTS)} is fewer than the next ${AHEAD} days alone need; those are loaded in full)`)
    console.log(`setup through the API (clinic, ${DOCTORS} doctors with sign-ins, Mon–Sat ${SESSIONS.map((s) => `${s.start}–${s.end}`).join(' + ')} in ${SLOT_MINUTES}-minute slots, 'Consultation' ${SLOT_MINUTES} min): ${setupSeconds.toFixed(1)} s`)
    console.log(`patients: ${thousands(PATIENTS)} bulk-loaded as journal entry ${patientLoad.seq} (${thousands(patientLoad.rows)} rows captured) in ${patientSeconds.toFixed(1)} s`)
    const p = history.pastByStatus
    console.log(
      `appointments: ${thousands(history.past)} in the past (${pct(history.past, history.pastSlots)} of ${thousands(history.pastSlots)} past slots; ${thousands(p.completed)} completed, ${thousands(p.cancelled)} cancelled, ${thousands(p.no_show)} no-show)` +
        ` + ${thousands(history.future)} booked/confirmed in the next ${AHEAD} days (${pct(history.future, history.futureSlots)} of ${thousands(history.futureSlots)} slots; the first ${FULL_DAYS} days full, then 90% falling to 70%) + ${thousands(history.futureCancelled)} cancelled ahead`
    )
    console.log(
      `bulk load = ONE journal entry ${history.seq}: ${thousands(history.journalRows)} rows captured (${thousands(history.appointments)} appointments + ${thousands(history.cells)} cells, ${SLOT_MINUTES / 5} per live future appointment);` +
        ` ${loadSeconds.toFixed(1)} s = insert with capture ${history.times.insert.toFixed(1)} s (${thousands(Math.round(history.journalRows / history.times.insert))} rows/s) + seal (hash) ${history.times.seal.toFixed(1)} s + commit & checkpoint ${history.times.commit.toFixed(1)} s; database ${(size / 1e6).toFixed(0)} MB\n`
    )

    const raw = new SQLite(file, { readonly: true })
    closers.push(() => raw.close())
    raw.pragma('busy_timeout = 5000')
    const today = DateTime.fromMillis(now, { zone: TIME_ZONE }).toISODate()!
    const bench: Bench = {
      ...clinic,
      ids: clinic.doctors.map((d) => d.id),
      file,
      readDb: clinic.core.services.readDb,
      raw,
      days,
      today,
      lastDay: DateTime.fromISO(today).plus({ days: AHEAD - 1 }).toISODate()!,
      history
    }
    const a = await measureNextFree(bench)
    const b = await measureDayView(bench)
    const c = await measureBooking(bench)

    const f = (s: Stats) => [ms(s.p50), ms(s.p95)]
    const line = (label: string, api: Stats, baseline: Stats) => [label, ...f(api), ...f(baseline), ratio(api.p50, baseline.p50), ratio(api.p95, baseline.p95)]
    printTable([
      ['operation', 'API p50', 'API p95', 'baseline p50', 'baseline p95', 'ratio p50', 'ratio p95'],
      line(`a. next free slot, ${DOCTORS} doctors, ${AHEAD} days`, a.main.api, a.main.baseline),
      line(`b. day view, ${DAY_VIEW_DOCTORS} doctors, busy day`, b.main.api, b.main.baseline),
      line('c. book a free slot (raw: block entry)', c.booked.api, c.booked.block),
      line('   … beside raw with its own entry', c.booked.api, c.booked.ownEntry),
      line('   book a taken slot: refused', c.refused.api, c.refused.raw)
    ])
    const tries = REPS + WARM_UP
    console.log(`\nAPI = core.dispatch through the dispatcher: session check, input validation, a snapshot read transaction (a, b) or one write transaction with its journal entry (c)`)
    console.log(
      `a: schedule.nextFree { typeId, days: ${AHEAD} } (found ${a.found!.date} ${a.found!.time}, after ${FULL_DAYS} full days). Baseline = the reads the handler makes, as prepared statements on a raw read-only connection, with no slot computation: settings, type and its doctor links, active doctors, their weekly hours and extra sessions, the longest buffer, today's claimed cells after now (counted), the claimed cells per hour of each of the ${FULL_DAYS} later days searched, then the found day's exceptions and first piece of claimed cells (an hour of every doctor's) (${goal('goal', 10, a.main.api)})`
    )
    console.log(
      `b: schedule.day { date, doctorIds: ${DAY_VIEW_DOCTORS} } over the next ${b.days} working days in turn (${b.perDay} appointments a day for them on average). Baseline = the raw SELECT of that day's appointments of the ${DAY_VIEW_DOCTORS} doctors joined to patients, doctors and types (no free slots or hours) (${goal('goal', 20, b.main.api)})`
    )
    console.log(
      `c: appointments.book into a free future slot (journaled: entry opened, rows captured, sealed; plus the booking's event row and the appointment read back). Baseline on the same database file (capture triggers in place, docspot_journal_seq registered): BEGIN IMMEDIATE; insert the appointment and its ${SLOT_MINUTES / 5} cells; COMMIT — with prepared statements, under one journal entry per block of ${BLOCK} opened and sealed outside the timing ("block entry"), or opening and sealing (hashing) its own entry inside each transaction ("own entry")`
    )
    console.log(`   taken slot: the same calls into a slot a loaded appointment holds: the API answers CONFLICT (${c.counts.apiRefused}/${tries}), the raw insert fails on the cells' primary key and rolls back (${c.counts.rawRefused}/${tries})`)
    console.log(`p50/p95 = wall time of one call (start to answer, or to COMMIT); ratio = API / baseline; the paths alternate (reads call by call, writes in blocks of ${BLOCK}), synchronous = FULL`)
    console.log(`bookings made: ${c.counts.api} through the API, ${c.counts.ownEntry} raw with own entry, ${c.counts.block} raw in block entries\n`)

    // The chain must still hold after the bulk load, the API's bookings and the raw ones.
    const verifyStarted = process.hrtime.bigint()
    const verified = await clinic.core.dispatch('audit.verify', {}, { token: clinic.token })
    if (!verified.ok) throw new Error(`audit.verify: ${verified.error.message}`)
    const check = verified.value as { ok: boolean; entries: number; broken: { seq: number; reason: string } | null }
    if (!check.ok) throw new Error(`audit.verify: entry ${check.broken?.seq} ${check.broken?.reason}`)
    const total = raw.prepare(`select (select count(*) from appointments) as appointments, (select count(*) from appointment_cells) as cells, (select count(*) from journal_rows) as journalRows`).get() as Record<string, number>
    const expected = history.appointments + c.counts.api + c.counts.ownEntry + c.counts.block
    if (total.appointments !== expected) throw new Error(`${total.appointments} appointments, expected ${expected}`)
    console.log(`\naudit.verify through the core: ok, ${check.entries} entries, ${thousands(total.journalRows)} journal rows, ${seconds(verifyStarted).toFixed(1)} s; ${thousands(total.appointments)} appointments, ${thousands(total.cells)} cells`)
  } finally {
    for (const close of closers.reverse()) await close()
    if (process.env.BENCH_KEEP) console.log(`kept ${dataDir} (BENCH_KEEP)`)
    else rmSync(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  scheduleBench().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
