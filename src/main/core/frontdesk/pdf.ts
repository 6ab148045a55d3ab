import { DateTime } from 'luxon'
import { PDFDocument, StandardFontEmbedder, StandardFonts, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib'
import type { DaySummary } from '../../../shared/api'

/** What a token slip shows. */
export interface TokenSlip {
  clinicName: string
  clinicPhone: string
  token: number
  doctorName: string
  patientNumber: string
  patientName: string
  /** Clinic wall time of issue, already formatted ("Mon 23 Nov 2026, 09:41"). */
  issuedAt: string
  /** Booked patients: their appointment time, formatted; null for a walk-in. */
  appointmentTime: string | null
  /** How many are ahead of this patient in the doctor's queue when the slip was printed. */
  ahead: number
}

// ---------------------------------------------------------------------------
// Text the standard fonts can show
//
// The PDFs use pdf-lib's built-in Helvetica so that printing needs no font file and
// every PC prints the same. Those fonts encode only WinAnsi (Latin-1 plus a few
// typographic marks), and pdf-lib throws on anything else — a Devanagari or Tamil
// name would otherwise stop the desk from printing a token. So every string drawn
// goes through printable(): characters WinAnsi has are kept as they are (José,
// Müller); accented letters it lacks lose their accents (Śrī → Sri, via NFKD and
// dropping the combining marks); whatever is left becomes '?'. A name that comes
// out mostly '?' tells the patient nothing, so there we print the patient number
// alone (it is on every slip and list anyway). Embedding a Unicode font with
// fontkit would print the names properly; it needs font files for each script
// in resources/ and is left for when a clinic asks.
// ---------------------------------------------------------------------------

// pdf-lib's StandardFonts and the embedder's FontNames are the same strings in two enums.
type FontName = Parameters<typeof StandardFontEmbedder.for>[0]
const WIN_ANSI = new Set(StandardFontEmbedder.for(StandardFonts.Helvetica as string as FontName).encoding.supportedCodePoints)

/** Letters NFKD does not take apart but that have an obvious Latin-1 reading. */
const LOOKALIKE: Record<string, string> = {
  Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i', Ŧ: 'T', ŧ: 't',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2212': '-', '\u2032': "'", '\u2033': '"', '\u2044': '/'
}

/** One character as WinAnsi text: itself, a transliteration, '' for invisible ones, or null if it cannot be shown. */
function printableChar(ch: string): string | null {
  if (/[\t\n\r\p{Zs}\p{Zl}\p{Zp}]/u.test(ch)) return ' '
  if (/[\p{Cc}\p{Cf}\p{M}]/u.test(ch)) return '' // controls, joiners, stray marks
  if (WIN_ANSI.has(ch.codePointAt(0)!)) return ch
  if (LOOKALIKE[ch]) return LOOKALIKE[ch]
  const bare = ch.normalize('NFKD').replace(/\p{M}/gu, '')
  if (bare && Array.from(bare).every((c) => WIN_ANSI.has(c.codePointAt(0)!))) return bare
  return null
}

/** The text as Helvetica can draw it: see the note above. Idempotent. */
export function printable(text: string): string {
  let out = ''
  for (const ch of text) out += printableChar(ch) ?? '?'
  return out
}

/** The patient's name as it can be printed, or null when too little of it survives to be worth showing. */
export function printableName(name: string): string | null {
  let shown = 0
  let lost = 0
  for (const ch of name) {
    const c = printableChar(ch)
    if (c === null) lost++
    else if (c.trim()) shown++
  }
  const text = printable(name).replace(/\s+/g, ' ').trim()
  return text && lost <= shown ? text : null
}

// ---------------------------------------------------------------------------
// Measuring and drawing
// ---------------------------------------------------------------------------

const MM = 72 / 25.4
const BLACK = rgb(0, 0, 0)
const GREY = rgb(0.35, 0.35, 0.35)
const LIGHT = rgb(0.8, 0.8, 0.8)
const SHADE = rgb(0.93, 0.93, 0.93)

/** Helvetica's ascender and descender, per point of size (from its AFM: 718 and -207). */
const ASCENT = 0.718
const DESCENT = 0.207

/** Cuts the text to the width, ending it with an ellipsis when anything was cut. */
function clip(text: string, font: PDFFont, size: number, max: number): string {
  let t = printable(text)
  if (font.widthOfTextAtSize(t, size) <= max) return t
  while (t && font.widthOfTextAtSize(t + '…', size) > max) t = t.slice(0, -1)
  return t.trimEnd() + '…'
}

/** Word-wraps the text to the width; a word wider than the width is broken where it must be. */
function wrap(text: string, font: PDFFont, size: number, max: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of printable(text).split(/\s+/).filter(Boolean)) {
    const joined = line ? `${line} ${word}` : word
    if (font.widthOfTextAtSize(joined, size) <= max) {
      line = joined
      continue
    }
    if (line) lines.push(line)
    let rest = word
    while (font.widthOfTextAtSize(rest, size) > max) {
      let n = rest.length - 1
      while (n > 1 && font.widthOfTextAtSize(rest.slice(0, n), size) > max) n--
      lines.push(rest.slice(0, n))
      rest = rest.slice(n)
    }
    line = rest
  }
  if (line) lines.push(line)
  return lines
}

/**
 * The text at the largest size from max down to min that fits on one line; if even
 * min is too wide, wrapped at min onto at most maxLines lines, the last one clipped.
 */
function fit(text: string, font: PDFFont, o: { max: number; min: number; width: number; maxLines: number }): { lines: string[]; size: number } {
  const t = printable(text).replace(/\s+/g, ' ').trim()
  for (let size = o.max; size >= o.min; size -= 0.5) {
    if (font.widthOfTextAtSize(t, size) <= o.width) return { lines: [t], size }
  }
  const lines = wrap(t, font, o.min, o.width)
  if (lines.length > o.maxLines) {
    const kept = lines.slice(0, o.maxLines)
    kept[o.maxLines - 1] = clip(lines.slice(o.maxLines - 1).join(' ') + ' …', font, o.min, o.width)
    return { lines: kept, size: o.min }
  }
  return { lines, size: o.min }
}

function draw(page: PDFPage, text: string, x: number, baseline: number, font: PDFFont, size: number, color: RGB = BLACK): void {
  page.drawText(printable(text), { x, y: baseline, font, size, color })
}

// ---------------------------------------------------------------------------
// Token slip: 80 mm thermal roll, as tall as its content
// ---------------------------------------------------------------------------

const SLIP_WIDTH = 80 * MM
const SLIP_MARGIN = 4 * MM
const SLIP_INNER = SLIP_WIDTH - 2 * SLIP_MARGIN

/** A strip of the slip: its height, and how to draw it given the y of its top edge. */
interface Strip {
  height: number
  draw(page: PDFPage, top: number): void
}

const gap = (height: number): Strip => ({ height, draw: () => {} })

const rule = (): Strip => ({
  height: 8,
  draw: (page, top) => page.drawLine({ start: { x: SLIP_MARGIN, y: top - 4 }, end: { x: SLIP_WIDTH - SLIP_MARGIN, y: top - 4 }, thickness: 0.8, color: BLACK })
})

/** Centred lines; leading is the line height as a multiple of the size. */
function centred(text: string, font: PDFFont, o: { max: number; min?: number; maxLines?: number; leading?: number }): Strip {
  const { lines, size } = fit(text, font, { max: o.max, min: o.min ?? o.max, width: SLIP_INNER, maxLines: o.maxLines ?? 1 })
  const lineHeight = size * (o.leading ?? 1.25)
  const pad = (lineHeight - (ASCENT + DESCENT) * size) / 2
  return {
    height: lines.length * lineHeight,
    draw(page, top) {
      lines.forEach((line, i) => {
        const baseline = top - i * lineHeight - pad - ASCENT * size
        draw(page, line, (SLIP_WIDTH - font.widthOfTextAtSize(line, size)) / 2, baseline, font, size)
      })
    }
  }
}

/** The token number: digits have no descenders, so the strip is only as tall as the digits. */
function tokenNumber(token: number, font: PDFFont): Strip {
  const text = String(token)
  let size = 72
  while (size > 24 && font.widthOfTextAtSize(text, size) > SLIP_INNER) size -= 2
  const digitHeight = 0.71 * size
  return {
    height: digitHeight,
    draw: (page, top) => draw(page, text, (SLIP_WIDTH - font.widthOfTextAtSize(text, size)) / 2, top - digitHeight, font, size)
  }
}

export async function tokenSlipPdf(slip: TokenSlip): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  doc.setTitle(printable(`Token ${slip.token} — ${slip.clinicName}`))
  doc.setCreator('DocSpot')
  const regular = await doc.embedFont(StandardFonts.Helvetica)
  const bold = await doc.embedFont(StandardFonts.HelveticaBold)

  const name = printableName(slip.patientName)
  const patient = name ? `${slip.patientNumber} · ${name}` : slip.patientNumber
  const ahead = slip.ahead <= 0 ? 'You are next' : `${slip.ahead} ahead of you`

  // The clinic's and doctor's names follow the patient's rule: a line of '?' helps nobody, so it is left out.
  const clinicName = printableName(slip.clinicName)
  const doctorName = printableName(slip.doctorName)
  const strips: Strip[] = [
    ...(clinicName ? [centred(clinicName, bold, { max: 14, min: 10, maxLines: 2, leading: 1.15 })] : []),
    ...(slip.clinicPhone.trim() ? [centred(slip.clinicPhone, regular, { max: 10, min: 7 })] : []),
    gap(2),
    rule(),
    gap(4),
    centred('TOKEN', bold, { max: 12 }),
    gap(6),
    tokenNumber(slip.token, bold),
    gap(10),
    ...(doctorName ? [centred(doctorName, bold, { max: 13, min: 9, maxLines: 2, leading: 1.15 }), gap(2)] : []),
    centred(patient, regular, { max: 11, min: 8, maxLines: 3, leading: 1.15 }),
    centred(slip.appointmentTime ? `Appointment ${slip.appointmentTime}` : 'Walk-in', regular, { max: 11, min: 8 }),
    centred(`Issued ${slip.issuedAt}`, regular, { max: 9, min: 7 }),
    gap(6),
    centred(ahead, bold, { max: 14 }),
    gap(4),
    rule(),
    gap(2),
    centred('Please wait to be called.', regular, { max: 8.5, min: 7, maxLines: 2, leading: 1.25 }),
    centred('Watch the screen for your number.', regular, { max: 8.5, min: 7, maxLines: 2, leading: 1.25 })
  ]

  const height = 2 * SLIP_MARGIN + strips.reduce((sum, s) => sum + s.height, 0)
  const page = doc.addPage([SLIP_WIDTH, height])
  let top = height - SLIP_MARGIN
  for (const strip of strips) {
    strip.draw(page, top)
    top -= strip.height
  }
  // No object streams: PDF 1.4-style files, which older printer drivers and viewers read.
  return doc.save({ useObjectStreams: false })
}

// ---------------------------------------------------------------------------
// Day-end summary: one A4 page, whatever the day held
// ---------------------------------------------------------------------------

const A4: [number, number] = [595.28, 841.89]
const MARGIN = 15 * MM
const INNER = A4[0] - 2 * MARGIN

interface Column {
  title: string
  /** A share of the table's width. */
  share: number
  align?: 'left' | 'right'
}

interface Table {
  columns: Column[]
  rows: string[][]
  /** Rows drawn bold (a totals row). */
  boldRows?: Set<number>
}

const TABLE_SIZE = 9.5
const ROW = 16

function drawTable(page: PDFPage, fonts: { regular: PDFFont; bold: PDFFont }, table: Table, top: number): number {
  const total = table.columns.reduce((s, c) => s + c.share, 0)
  const widths = table.columns.map((c) => (c.share / total) * INNER)
  const cellPad = 5
  const baselineIn = (ROW + ASCENT * TABLE_SIZE) / 2 // caps centred in the row

  const row = (cells: string[], y: number, font: PDFFont, color: RGB) => {
    let x = MARGIN
    cells.forEach((cell, i) => {
      const w = widths[i]
      const text = clip(cell, font, TABLE_SIZE, w - 2 * cellPad)
      const tx = table.columns[i].align === 'right' ? x + w - cellPad - font.widthOfTextAtSize(text, TABLE_SIZE) : x + cellPad
      draw(page, text, tx, y - baselineIn, font, TABLE_SIZE, color)
      x += w
    })
  }

  page.drawRectangle({ x: MARGIN, y: top - ROW, width: INNER, height: ROW, color: SHADE })
  row(
    table.columns.map((c) => c.title),
    top,
    fonts.bold,
    GREY
  )
  let y = top - ROW
  table.rows.forEach((cells, i) => {
    row(cells, y, table.boldRows?.has(i) ? fonts.bold : fonts.regular, BLACK)
    y -= ROW
    page.drawLine({ start: { x: MARGIN, y }, end: { x: MARGIN + INNER, y }, thickness: 0.5, color: LIGHT })
  })
  return y
}

const minutes = (m: number | null): string => (m === null ? '—' : `${Math.round(m)} min`)
const nameOrNote = (name: string): string => printableName(name) ?? '(name not printable)'

export async function daySummaryPdf(summary: DaySummary, clinic: { name: string; timeZone: string; printedAt: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create()
  doc.setTitle(printable(`Day-end summary ${summary.date} — ${clinic.name}`))
  doc.setCreator('DocSpot')
  const regular = await doc.embedFont(StandardFonts.Helvetica)
  const bold = await doc.embedFont(StandardFonts.HelveticaBold)
  const fonts = { regular, bold }
  const page = doc.addPage(A4)
  const at = (iso: string) => DateTime.fromISO(iso, { zone: clinic.timeZone, locale: 'en-GB' })
  let y = A4[1] - MARGIN

  /** One left-aligned line of the given size, moving y down by its line height. */
  const line = (text: string, font: PDFFont, size: number, color: RGB = BLACK, leading = 1.3) => {
    draw(page, clip(text, font, size, INNER), MARGIN, y - ASCENT * size, font, size, color)
    y -= size * leading
  }

  // Header
  const day = DateTime.fromISO(summary.date, { zone: clinic.timeZone, locale: 'en-GB' })
  const clinicName = printableName(clinic.name)
  if (clinicName) line(clinicName, bold, fit(clinicName, bold, { max: 20, min: 12, width: INNER, maxLines: 1 }).size)
  line('Day-end summary', regular, 13, GREY)
  line(day.isValid ? day.toFormat('cccc d LLLL yyyy') : summary.date, bold, 15)
  if (summary.closed) {
    const closedAt = at(summary.closed.at)
    // Closing after midnight is the next calendar day: say so, or "18:05" misleads.
    const when = closedAt.toISODate() === summary.date ? closedAt.toFormat('HH:mm') : closedAt.toFormat('HH:mm, ccc d LLL')
    line(`Closed at ${when}${summary.closed.byName ? ` by ${summary.closed.byName}` : ''}`, regular, 11)
  } else {
    line(`Not closed yet — printed at ${clinic.printedAt}`, bold, 11)
  }
  y -= 4
  page.drawLine({ start: { x: MARGIN, y }, end: { x: MARGIN + INNER, y }, thickness: 1, color: BLACK })
  y -= 14

  // Totals: a row of labelled figures
  const t = summary.totals
  const figures: Array<[string, string]> = [
    ['Seen', String(t.seen)],
    ['Walk-ins', String(t.walkIns)],
    ['Booked', String(t.booked)],
    ['No-shows', String(t.noShows)],
    ['Left', String(t.left)],
    ['Still waiting', String(t.stillWaiting)],
    ['Average wait', minutes(t.averageWaitMinutes)]
  ]
  const boxGap = 6
  const boxW = (INNER - boxGap * (figures.length - 1)) / figures.length
  const boxH = 46
  figures.forEach(([label, value], i) => {
    const x = MARGIN + i * (boxW + boxGap)
    page.drawRectangle({ x, y: y - boxH, width: boxW, height: boxH, borderColor: LIGHT, borderWidth: 0.8 })
    const l = clip(label, regular, 8.5, boxW - 8)
    draw(page, l, x + (boxW - regular.widthOfTextAtSize(l, 8.5)) / 2, y - 13, regular, 8.5, GREY)
    const { size } = fit(value, bold, { max: 20, min: 10, width: boxW - 14, maxLines: 1 })
    const v = clip(value, bold, size, boxW - 14)
    draw(page, v, x + (boxW - bold.widthOfTextAtSize(v, size)) / 2, y - boxH + 10, bold, size)
  })
  y -= boxH + 22

  const footerTop = MARGIN + 14
  const heading = (text: string) => line(text, bold, 12, BLACK, 1.6)
  const MORE_LINE = 5 + 10 * 1.3
  /** How many rows of a table fit above the bottom limit, keeping room for an "and N more" line. */
  const rowsThatFit = (count: number, bottom: number) => {
    if (count <= Math.floor((y - ROW - bottom) / ROW)) return count
    return Math.max(0, Math.floor((y - ROW - bottom - MORE_LINE) / ROW))
  }
  const more = (n: number, what: string) => {
    y -= 5
    line(`and ${n} more ${what}`, bold, 10)
  }

  // By doctor (DaySummary gives no booked or left counts per doctor, so those columns are absent here)
  heading('By doctor')
  if (summary.doctors.length === 0) {
    line('No doctor had a queue this day.', regular, 10, GREY)
  } else {
    // Leave the waiting list at least a heading and a few rows.
    const shown = rowsThatFit(summary.doctors.length, footerTop + 140)
    y = drawTable(
      page,
      fonts,
      {
        columns: [
          { title: 'Doctor', share: 3 },
          { title: 'Seen', share: 1, align: 'right' },
          { title: 'Walk-ins', share: 1.2, align: 'right' },
          { title: 'Booked', share: 1.1, align: 'right' },
          { title: 'No-shows', share: 1.3, align: 'right' },
          { title: 'Left', share: 0.9, align: 'right' },
          { title: 'Still waiting', share: 1.6, align: 'right' },
          { title: 'Average wait', share: 1.7, align: 'right' }
        ],
        rows: summary.doctors
          .slice(0, shown)
          .map((d) => [nameOrNote(d.name), String(d.seen), String(d.walkIns), String(d.booked), String(d.noShows), String(d.left), String(d.stillWaiting), minutes(d.averageWaitMinutes)])
      },
      y
    )
    if (shown < summary.doctors.length) more(summary.doctors.length - shown, 'doctors')
  }
  y -= 22

  // Still waiting
  heading(summary.waiting.length ? `Still waiting (${summary.waiting.length})` : 'Still waiting')
  if (summary.waiting.length === 0) {
    line('Nobody is still waiting.', regular, 10, GREY)
  } else {
    const shown = rowsThatFit(summary.waiting.length, footerTop + 6)
    y = drawTable(
      page,
      fonts,
      {
        columns: [
          { title: 'Token', share: 0.9, align: 'right' },
          { title: 'Doctor', share: 2.6 },
          { title: 'Patient no.', share: 1.6 },
          { title: 'Patient', share: 3.6 },
          { title: 'Arrived', share: 1.1, align: 'right' }
        ],
        rows: summary.waiting
          .slice(0, shown)
          .map((w) => [String(w.token), nameOrNote(w.doctorName), w.patientNumber, nameOrNote(w.patientName), at(w.arrivedAt).toFormat('HH:mm')])
      },
      y
    )
    if (shown < summary.waiting.length) more(summary.waiting.length - shown, 'still waiting — see the queue screen')
  }

  // Footer
  const footer = `Printed ${clinic.printedAt} · DocSpot`
  draw(page, clip(footer, regular, 8, INNER), MARGIN, MARGIN, regular, 8, GREY)
  return doc.save({ useObjectStreams: false })
}
