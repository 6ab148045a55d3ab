import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { PDFArray, PDFDocument, PDFRawStream, decodePDFRawStream, type PDFPage } from 'pdf-lib'
import { describe, expect, it } from 'vitest'
import type { DaySummary } from '../../../shared/api'
import { daySummaryPdf, printable, printableName, tokenSlipPdf, type TokenSlip } from './pdf'

const MM = 72 / 25.4

const slip = (over: Partial<TokenSlip> = {}): TokenSlip => ({
  clinicName: 'Sunrise Family Clinic',
  clinicPhone: '+91 80 4123 4567',
  token: 42,
  doctorName: 'Dr Meera Iyer',
  patientNumber: 'P-000317',
  patientName: 'Ravi Kumar',
  issuedAt: 'Mon 23 Nov 2026, 09:41',
  appointmentTime: null,
  ahead: 3,
  ...over
})

const clinic = { name: 'Sunrise Family Clinic', timeZone: 'Asia/Kolkata', printedAt: 'Mon 23 Nov 2026, 18:07' }

const waiting = (n: number): DaySummary['waiting'] =>
  Array.from({ length: n }, (_, i) => ({
    token: i + 1,
    doctorName: i % 2 ? 'Dr Meera Iyer' : 'Dr Arjun Rao',
    patientNumber: `P-${String(1000 + i).padStart(6, '0')}`,
    patientName: ['Ravi Kumar', 'Anjali Menon', 'José Müller', 'रवि कुमार', 'Śrīnivās Ł.'][i % 5],
    arrivedAt: `2026-11-23T${String(4 + Math.floor(i / 6)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}:00Z`
  }))

const summary = (over: Partial<DaySummary> = {}): DaySummary => ({
  date: '2026-11-23',
  closed: { at: '2026-11-23T12:35:00Z', byName: 'Ravi Kumar' },
  totals: { seen: 57, noShows: 4, walkIns: 31, booked: 30, stillWaiting: 3, left: 2, averageWaitMinutes: 23.4 },
  doctors: [
    { doctorId: 'd1', name: 'Dr Meera Iyer', seen: 30, noShows: 1, walkIns: 18, booked: 14, left: 1, stillWaiting: 2, averageWaitMinutes: 19.6 },
    { doctorId: 'd2', name: 'Dr Arjun Rao', seen: 27, noShows: 3, walkIns: 13, booked: 17, left: 0, stillWaiting: 1, averageWaitMinutes: null }
  ],
  waiting: waiting(3),
  ...over
})

/** Every string shown by Tj/TJ on the page, decoded from pdf-lib's hex strings (WinAnsi; ASCII is all we look for). */
function pageText(page: PDFPage): string {
  const contents = page.node.Contents()
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => page.doc.context.lookup(ref)) : [contents]
  let text = ''
  for (const stream of streams) {
    if (!(stream instanceof PDFRawStream)) throw new Error(`unexpected content stream ${stream?.constructor.name}`)
    const ops = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1')
    for (const m of ops.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) text += Buffer.from(m[1], 'hex').toString('latin1') + '\n'
  }
  return text
}

async function load(bytes: Uint8Array) {
  const doc = await PDFDocument.load(bytes)
  return { doc, pages: doc.getPages() }
}

/** Renders to /tmp/pdf-look/<name>.png when pdftoppm is there, to look at by eye; the tests do not depend on it. */
function look(name: string, bytes: Uint8Array): void {
  const dir = '/tmp/pdf-look'
  mkdirSync(dir, { recursive: true })
  writeFileSync(`${dir}/${name}.pdf`, bytes)
  try {
    execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', `${dir}/${name}.pdf`, `${dir}/${name}`], { stdio: 'ignore' })
  } catch {
    // no poppler here
  }
}

describe('printable', () => {
  it('keeps what WinAnsi has, strips accents it lacks, and marks the rest', () => {
    expect(printable('José Müller — 10:30 …')).toBe('José Müller — 10:30 …')
    expect(printable('Śrīnivās Łukasz')).toBe('Srinivas Lukasz')
    expect(printable('Ravi\u202F(रवि)')).toBe('Ravi (??)') // र, व; the vowel sign is a mark, dropped
    expect(printable('tab\there\nnew')).toBe('tab here new')
    expect(printable(printable('कुमार 😀'))).toBe(printable('कुमार 😀'))
  })

  it('gives up on a name that is mostly unprintable', () => {
    expect(printableName('रवि कुमार')).toBeNull()
    expect(printableName('Anjali (अंजलि)')).toBe('Anjali (???)')
    expect(printableName('  Ravi   Kumar ')).toBe('Ravi Kumar')
  })
})

describe('token slip', () => {
  it('is one page 80 mm wide and about 90–120 mm tall, showing the token and the clinic', async () => {
    const bytes = await tokenSlipPdf(slip())
    look('slip', bytes)
    const { pages } = await load(bytes)
    expect(pages).toHaveLength(1)
    const { width, height } = pages[0].getSize()
    expect(Math.abs(width - 80 * MM)).toBeLessThanOrEqual(0.5)
    expect(height / MM).toBeGreaterThan(85)
    expect(height / MM).toBeLessThan(125)
    const text = pageText(pages[0])
    expect(text.split('\n')).toContain('42')
    expect(text).toContain('Sunrise Family Clinic')
    expect(text).toContain('3 ahead of you')
    expect(text).toContain('Walk-in')
    expect(text).toContain('P-000317 · Ravi Kumar'.replace('·', '\xB7'))
  })

  it('says "You are next" and the appointment time for a booked patient', async () => {
    const text = pageText((await load(await tokenSlipPdf(slip({ ahead: 0, appointmentTime: '10:30', token: 7 })))).pages[0])
    expect(text).toContain('You are next')
    expect(text).toContain('Appointment 10:30')
    expect(text.split('\n')).toContain('7')
  })

  it('prints a Devanagari name as the patient number alone', async () => {
    const bytes = await tokenSlipPdf(slip({ patientName: 'रवि कुमार', doctorName: 'डॉ. मीरा अय्यर', clinicName: 'सूर्योदय Clinic' }))
    look('slip-devanagari', bytes)
    const text = pageText((await load(bytes)).pages[0])
    expect(text.split('\n')).toContain('P-000317')
    expect(text).toContain('Clinic')
    expect(text).not.toMatch(/\?\. \?\?/) // the doctor's name, all '?', is left out
  })

  it('keeps a 200-character name and a long clinic name inside the 72 mm', async () => {
    const longName = Array.from({ length: 20 }, (_, i) => `Name${i}abcd`).join(' ').slice(0, 200)
    const bytes = await tokenSlipPdf(
      slip({ patientName: longName, clinicName: 'The Very Long Named Multispeciality Family Health and Wellness Clinic of Greater Bengaluru', doctorName: 'Dr ' + 'Venkataraghavan '.repeat(5), token: 12345 })
    )
    look('slip-long', bytes)
    const { pages } = await load(bytes)
    expect(pages).toHaveLength(1)
    expect(pages[0].getHeight() / MM).toBeLessThan(140)
    expect(pageText(pages[0]).split('\n')).toContain('12345')
  })
})

describe('day-end summary', () => {
  it('is one A4 page with the clinic, the day and who closed it', async () => {
    const bytes = await daySummaryPdf(summary(), clinic)
    look('summary', bytes)
    const { pages } = await load(bytes)
    expect(pages).toHaveLength(1)
    const { width, height } = pages[0].getSize()
    expect(width).toBeCloseTo(595.28, 1)
    expect(height).toBeCloseTo(841.89, 1)
    const text = pageText(pages[0])
    expect(text).toContain('Sunrise Family Clinic')
    expect(text).toContain('Monday 23 November 2026')
    expect(text).toContain('Closed at 18:05 by Ravi Kumar') // 12:35Z in Kolkata
    expect(text).toContain('23 min')
    expect(text).toContain('Dr Arjun Rao')
  })

  it('fits 40 still waiting on the one page, saying how many more there are', async () => {
    const bytes = await daySummaryPdf(summary({ closed: null, waiting: waiting(40), totals: { ...summary().totals, stillWaiting: 40, averageWaitMinutes: null } }), clinic)
    look('summary-40', bytes)
    const { pages } = await load(bytes)
    expect(pages).toHaveLength(1)
    const text = pageText(pages[0])
    expect(text).toContain('Not closed yet \x97 printed at Mon 23 Nov 2026, 18:07')
    expect(text).toMatch(/and \d+ more still waiting/)
    expect(text).toContain('(name not printable)')
  })

  it('copes with an empty day and with names it cannot encode', async () => {
    const empty = summary({ closed: null, doctors: [], waiting: [], totals: { seen: 0, noShows: 0, walkIns: 0, booked: 0, stillWaiting: 0, left: 0, averageWaitMinutes: null } })
    const bytes = await daySummaryPdf(empty, { ...clinic, name: 'सूर्योदय क्लिनिक' })
    look('summary-empty', bytes)
    const { pages } = await load(bytes)
    expect(pages).toHaveLength(1)
    expect(pageText(pages[0])).not.toContain('??')
    expect(pageText(pages[0])).toContain('Nobody is still waiting.')
    const many = summary({ doctors: Array.from({ length: 60 }, (_, i) => ({ ...summary().doctors[0], doctorId: `d${i}`, name: `Dr ${'x'.repeat(200)} ${i}` })), waiting: waiting(200) })
    const crowded = await daySummaryPdf(many, clinic)
    look('summary-crowded', crowded)
    const text = pageText((await load(crowded)).pages[0])
    expect(text).toMatch(/and \d+ more doctors/)
    expect(text).toMatch(/and \d+ more still waiting/)
  })
})
