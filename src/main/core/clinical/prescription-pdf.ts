// The printed prescription: an A4 page a pharmacy can dispense from, laid out by pdfmake.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resourcePath } from '../resources'

export interface PrescriptionItemLine {
  drugName: string
  strength: string
  form: string
  dose: string
  frequency: string
  /** e.g. "morning and night" for 1-0-1, '' if none */
  frequencyMeaning: string
  duration: string
  route: string
  instructions: string
}

export interface PrescriptionDocument {
  clinic: { name: string; addressLines: string[]; phone: string; /** PNG or JPEG bytes, or null */ logo: Uint8Array | null }
  doctor: { name: string; qualifications: string; registrationNumber: string }
  patient: { name: string; number: string; /** already formatted, e.g. "34 y" or "8 mo" */ age: string; /** e.g. "Female" */ sex: string }
  /** already formatted in the clinic's time zone, e.g. "Mon 23 Nov 2026" */
  date: string
  chiefComplaint: string
  diagnoses: string[]
  items: PrescriptionItemLine[]
  advice: string
  /** already formatted, or null */
  followUp: string | null
}

export interface PrescriptionPdfOptions {
  /**
   * The PDF's creation date (its metadata, and the seed of its file identifier). A handler passes
   * ctx.now, so the same prescription printed at the same instant gives the same bytes; without
   * it pdfkit takes the clock.
   */
  createdAt?: Date
}

// pdfmake 0.3's Node entry (js/index.js) is CommonJS ending in `module.exports = new pdfmake()`,
// which Node's ESM loader can only offer as a default export, while its types declare named
// exports. Requiring it sidesteps that mismatch in every runtime we have: vitest, tsx, and the
// electron-vite bundle, where dependencies stay external and load from node_modules (or app.asar).
// `require` also picks package.json's "main", never the "browser" build.
const requireCommonJs = createRequire(import.meta.url)

// The part of pdfmake's document definition this file uses. @types/pdfmake would describe all
// of it, but it carries `/// <reference lib="dom" />`, which would put the browser's globals
// (and its Buffer-less fetch body types) into the type check of the whole main process.
type Margin = [number, number, number, number]
interface Style {
  fontSize?: number
  color?: string
  characterSpacing?: number
  alignment?: 'left' | 'right' | 'center'
  margin?: Margin
  lineHeight?: number
  font?: string
}
type Inline = string | (Style & { text: string })
type Sized = { width?: number | '*' | 'auto' }
type Content =
  | (Style & Sized & { text: string | Inline[] })
  | (Style & Sized & { stack: Content[]; unbreakable?: boolean })
  | (Style & { columns: Content[]; columnGap?: number })
  | { canvas: { type: 'line'; x1: number; y1: number; x2: number; y2: number; lineWidth: number; lineColor: string }[]; margin?: Margin }
  | (Sized & { image: string; fit: [number, number] })
  | { table: Table; layout: TableLayout }
interface Table {
  widths: (number | '*' | 'auto')[]
  body: Content[][]
  headerRows?: number
  dontBreakRows?: boolean
}
type Lines = (index: number, node: { table: Table }) => number
interface TableLayout {
  fillColor?: () => string
  hLineWidth?: Lines
  hLineColor?: (index: number) => string
  vLineWidth?: Lines
  paddingLeft?: Lines
  paddingRight?: Lines
  paddingTop?: Lines
  paddingBottom?: Lines
}
interface DocumentDefinition {
  pageSize: 'A4'
  pageOrientation: 'portrait'
  pageMargins: Margin
  info: { title: string; author: string; subject: string; creator: string; producer: string; creationDate?: Date }
  images: Record<string, string>
  defaultStyle: Style
  header: (page: number, pages: number) => Content | null
  footer: (page: number, pages: number) => Content | null
  content: Content[]
}
interface PdfMake {
  /** The in-memory files that font descriptors may name instead of paths on disk. */
  virtualfs: { writeFileSync(name: string, content: Buffer): void }
  setFonts(fonts: Record<string, { normal: string; bold: string; italics: string; bolditalics: string }>): void
  setUrlAccessPolicy(allow: (url: string) => boolean): void
  setLocalAccessPolicy(allow: (path: string) => boolean): void
  createPdf(definition: DocumentDefinition): { getBuffer(): Promise<Buffer> }
}

const FONT_FILE = 'fonts/Lohit-Devanagari.ttf'
const FONT = 'LohitDevanagari'
const FONT_IN_MEMORY = 'docspot/Lohit-Devanagari.ttf'

let printer: PdfMake | null = null

/** pdfmake with our font loaded: the font file is read once per process, on first use. */
function pdfmake(): PdfMake {
  if (printer) return printer
  const loaded = requireCommonJs('pdfmake') as PdfMake
  loaded.virtualfs.writeFileSync(FONT_IN_MEMORY, readFileSync(resourcePath(FONT_FILE)))
  // Lohit Devanagari is one regular weight that covers both Latin and Devanagari, with the
  // OpenType tables fontkit needs to shape conjuncts and matras. pdfmake cannot synthesise bold
  // or italics (it has no stroke or skew for text), so every style maps to the same file and the
  // layout marks emphasis by size and colour instead; a second weight would need a second font
  // with the same Devanagari coverage.
  loaded.setFonts({ [FONT]: { normal: FONT_IN_MEMORY, bold: FONT_IN_MEMORY, italics: FONT_IN_MEMORY, bolditalics: FONT_IN_MEMORY } })
  // A prescription is built from the clinic's data only: it never needs a file or a URL, so a
  // document that names one (say, a logo path typed into settings) fails instead of reading it.
  loaded.setUrlAccessPolicy(() => false)
  loaded.setLocalAccessPolicy(() => false)
  printer = loaded
  return loaded
}

const INK = '#1a1a1a'
const MUTED = '#5f6368'
const ACCENT = '#1d4e89'
const RULE = '#c7ccd1'
const PANEL = '#f1f4f7'

const PAGE_MARGIN_X = 40
const PAGE_WIDTH = 595.28 // A4 in points
const CONTENT_WIDTH = PAGE_WIDTH - 2 * PAGE_MARGIN_X
// The footer holds the signature on the last page, so every page keeps room for it: the
// signature then always sits at the foot of the prescription and can never be pushed off it.
const FOOTER_HEIGHT = 118
const HEADER_HEIGHT = 46

/** The PDF bytes of one prescription. */
export async function prescriptionPdf(doc: PrescriptionDocument, options: PrescriptionPdfOptions = {}): Promise<Uint8Array> {
  const definition = prescriptionDefinition(doc, options)
  const buffer = await pdfmake().createPdf(definition).getBuffer()
  // A copy with an ArrayBuffer of its own: callers may hand `.buffer` on (IPC, HTTP) as it is.
  return new Uint8Array(buffer)
}

function prescriptionDefinition(doc: PrescriptionDocument, options: PrescriptionPdfOptions): DocumentDefinition {
  const logo = doc.clinic.logo ? imageDataUrl(doc.clinic.logo) : null
  const content: Content[] = [
    letterhead(doc, logo !== null),
    rule(ACCENT, 1.5, [0, 8, 0, 10]),
    patientPanel(doc),
    ...consultation(doc),
    // Lohit has no ℞ (U+211E), and another font for one glyph is not worth it: the mark is spelled out.
    { text: 'Rx', fontSize: 24, color: ACCENT, margin: [0, 12, 0, 2] },
    doc.items.length > 0 ? itemsTable(doc.items) : { text: 'No medicines prescribed.', color: MUTED, margin: [0, 4, 0, 0] },
    ...adviceAndFollowUp(doc)
  ]
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [PAGE_MARGIN_X, HEADER_HEIGHT, PAGE_MARGIN_X, FOOTER_HEIGHT],
    info: {
      title: `Prescription – ${doc.patient.name}`,
      author: doc.doctor.name,
      subject: 'Prescription',
      creator: 'DocSpot',
      producer: 'DocSpot',
      creationDate: options.createdAt
    },
    images: logo ? { logo } : {},
    // Lohit's line box is 1.86 em (tall ascent and descent for Devanagari marks, plus a line gap);
    // 0.8 of it still clears a reph above and a u-matra below on the next line.
    defaultStyle: { font: FONT, fontSize: 10, color: INK, lineHeight: 0.8 },
    header: (page) => (page === 1 ? null : continuationHeader(doc)),
    footer: (page, pages) => footer(doc, page, pages),
    content
  }
}

function letterhead(doc: PrescriptionDocument, hasLogo: boolean): Content {
  const { clinic, doctor } = doc
  const clinicLines: Content[] = [{ text: clinic.name, fontSize: 19, color: ACCENT, lineHeight: 1.05 }]
  for (const line of clinic.addressLines.filter(filled)) clinicLines.push({ text: line, fontSize: 9, color: MUTED })
  if (filled(clinic.phone)) clinicLines.push({ text: `Phone: ${clinic.phone}`, fontSize: 9, color: MUTED })
  const doctorLines: Content[] = [{ text: doctor.name, fontSize: 13 }]
  if (filled(doctor.qualifications)) doctorLines.push({ text: doctor.qualifications, fontSize: 9, color: MUTED })
  if (filled(doctor.registrationNumber)) doctorLines.push({ text: `Reg. No. ${doctor.registrationNumber}`, fontSize: 9, color: MUTED })
  return {
    columnGap: 12,
    columns: [
      ...(hasLogo ? [{ image: 'logo', fit: [60, 60] as [number, number], width: 60 }] : []),
      { width: '*', stack: clinicLines },
      { width: 'auto', alignment: 'right', stack: doctorLines, margin: [0, 3, 0, 0] }
    ]
  }
}

function patientPanel(doc: PrescriptionDocument): Content {
  const { patient } = doc
  const ageSex = [patient.age, patient.sex].filter(filled).join(' / ')
  const cell = (label: string, value: string, alignment: 'left' | 'right' = 'left'): Content =>
    filled(value) ? { text: [{ text: `${label}  `, color: MUTED, fontSize: 8.5 }, { text: value }], alignment } : { text: '' }
  return {
    table: {
      widths: ['*', 'auto'],
      body: [
        [cell('Patient', patient.name), cell('Date', doc.date, 'right')],
        [cell('Age / Sex', ageSex), cell('Patient No.', patient.number, 'right')]
      ]
    },
    layout: {
      fillColor: () => PANEL,
      hLineWidth: () => 0,
      vLineWidth: () => 0,
      paddingLeft: () => 8,
      paddingRight: () => 8,
      paddingTop: (row) => (row === 0 ? 6 : 1),
      paddingBottom: (row, node) => (row === node.table.body.length - 1 ? 6 : 1)
    }
  }
}

function consultation(doc: PrescriptionDocument): Content[] {
  const lines: Content[] = []
  const labelled = (label: string, value: string): Content => ({
    text: [{ text: `${label}: `, color: MUTED }, value],
    margin: [0, 6, 0, 0]
  })
  if (filled(doc.chiefComplaint)) lines.push(labelled('Complaint', doc.chiefComplaint))
  const diagnoses = doc.diagnoses.filter(filled)
  if (diagnoses.length > 0) lines.push(labelled(diagnoses.length > 1 ? 'Diagnoses' : 'Diagnosis', diagnoses.join('; ')))
  return lines
}

function itemsTable(items: PrescriptionItemLine[]): Content {
  const head = (text: string): Content => ({ text: text.toUpperCase(), fontSize: 7, characterSpacing: 0.6, color: MUTED })
  const body: Content[][] = [[head('#'), head('Medicine'), head('Dose'), head('When'), head('Duration')]]
  items.forEach((item, index) => {
    const medicine: Content[] = [
      { text: [{ text: item.drugName, fontSize: 11 }, { text: spaced([item.strength, item.form]), color: MUTED }] }
    ]
    const how = [capitalised(item.route), item.instructions].filter(filled).join(' · ')
    if (how) medicine.push({ text: how, fontSize: 9, color: MUTED })
    const when: Content[] = []
    if (filled(item.frequency)) when.push({ text: item.frequency })
    if (filled(item.frequencyMeaning)) when.push({ text: `(${item.frequencyMeaning})`, fontSize: 8.5, color: MUTED })
    body.push([
      { text: `${index + 1}.`, fontSize: 11, color: ACCENT },
      { stack: medicine },
      { text: filledOr(item.dose) },
      when.length > 0 ? { stack: when } : { text: '' },
      { text: filledOr(item.duration) }
    ])
  })
  return {
    table: { headerRows: 1, dontBreakRows: true, widths: [18, '*', 78, 112, 62], body },
    layout: {
      hLineWidth: (row, node) => (row === 0 || row === node.table.body.length ? 0 : row === 1 ? 0.8 : 0.4),
      hLineColor: (row) => (row === 1 ? MUTED : RULE),
      vLineWidth: () => 0,
      paddingLeft: (column) => (column === 0 ? 0 : 6),
      paddingRight: () => 6,
      paddingTop: (row) => (row === 0 ? 0 : 6),
      paddingBottom: (row) => (row === 0 ? 3 : 6)
    }
  }
}

function adviceAndFollowUp(doc: PrescriptionDocument): Content[] {
  const blocks: Content[] = []
  if (filled(doc.advice)) {
    blocks.push({ text: 'ADVICE', fontSize: 7, characterSpacing: 0.6, color: MUTED, margin: [0, 0, 0, 3] })
    blocks.push({ text: doc.advice.trim() })
  }
  if (doc.followUp !== null && filled(doc.followUp)) {
    blocks.push({ text: [{ text: 'Follow-up: ', color: MUTED }, { text: doc.followUp, color: ACCENT }], margin: [0, blocks.length > 0 ? 10 : 0, 0, 0] })
  }
  // Kept on one page, so the advice never starts at the foot of one sheet and ends on the next.
  return blocks.length > 0 ? [{ unbreakable: true, stack: blocks, margin: [0, 16, 0, 0] }] : []
}

/** Pages after the first carry who the prescription is for, in case the sheets come apart. */
function continuationHeader(doc: PrescriptionDocument): Content {
  const who = [doc.patient.name, doc.patient.number, doc.date].filter(filled).join('  ·  ')
  return {
    margin: [PAGE_MARGIN_X, 18, PAGE_MARGIN_X, 0],
    stack: [
      { columns: [{ text: who, fontSize: 9 }, { text: `${doc.clinic.name} · continued`, fontSize: 8.5, color: MUTED, alignment: 'right', width: 'auto' }] },
      rule(RULE, 0.6, [0, 3, 0, 0])
    ]
  }
}

function footer(doc: PrescriptionDocument, page: number, pages: number): Content {
  const last = page === pages
  const signature: Content = last
    ? {
        margin: [0, 8, 0, 0],
        columns: [
          { width: '*', text: '' },
          {
            width: 190,
            stack: [
              { canvas: [{ type: 'line', x1: 0, y1: 0, x2: 190, y2: 0, lineWidth: 0.8, lineColor: INK }], margin: [0, 32, 0, 3] },
              { text: 'Signature', fontSize: 8, color: MUTED },
              { text: doc.doctor.name, fontSize: 10 },
              ...(filled(doc.doctor.registrationNumber) ? [{ text: `Reg. No. ${doc.doctor.registrationNumber}`, fontSize: 8.5, color: MUTED }] : [])
            ]
          }
        ]
      }
    : { text: 'Continued on the next page', fontSize: 8.5, color: MUTED, alignment: 'right', margin: [0, 60, 0, 0] }
  return {
    margin: [PAGE_MARGIN_X, 0, PAGE_MARGIN_X, 0],
    stack: [
      signature,
      rule(RULE, 0.6, [0, 8, 0, 3]),
      {
        columns: [
          { text: [doc.patient.name, doc.patient.number].filter(filled).join('  ·  '), fontSize: 8, color: MUTED },
          { text: `Page ${page} of ${pages}`, fontSize: 8, color: MUTED, alignment: 'right', width: 'auto' }
        ]
      }
    ]
  }
}

function rule(color: string, width: number, margin: [number, number, number, number]): Content {
  return { canvas: [{ type: 'line', x1: 0, y1: 0, x2: CONTENT_WIDTH, y2: 0, lineWidth: width, lineColor: color }], margin }
}

/** pdfmake takes images by data URL (or path, which the access policy refuses). */
function imageDataUrl(bytes: Uint8Array): string | null {
  const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
  // A logo in another format should not stop the doctor printing a prescription: it is left out.
  if (!png && !jpeg) return null
  return `data:image/${png ? 'png' : 'jpeg'};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`
}

function filled(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== ''
}

function filledOr(value: string): string {
  return filled(value) ? value : ''
}

function spaced(parts: string[]): string {
  const text = parts.filter(filled).join(' ')
  return text ? ` ${text}` : ''
}

function capitalised(value: string): string {
  return filled(value) ? value.charAt(0).toUpperCase() + value.slice(1) : ''
}
