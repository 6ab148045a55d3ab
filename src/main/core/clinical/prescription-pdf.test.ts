import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PDFDict, PDFDocument, PDFName, PDFStream } from 'pdf-lib'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { resourcePath } from '../resources'
import { prescriptionPdf, type PrescriptionDocument, type PrescriptionItemLine } from './prescription-pdf'

const REPO = fileURLToPath(new URL('../../../../', import.meta.url))
const SCREENS = join(REPO, 'test-results', 'screens')
const PDFTOPPM = '/usr/bin/pdftoppm'
const CREATED_AT = new Date('2026-11-23T05:00:00Z')

const amoxicillin: PrescriptionItemLine = {
  drugName: 'Amoxicillin',
  strength: '500 mg',
  form: 'capsule',
  dose: '1 capsule',
  frequency: '1-0-1',
  frequencyMeaning: 'morning and night',
  duration: '5 days',
  route: 'oral',
  instructions: 'After food'
}
const paracetamol: PrescriptionItemLine = {
  drugName: 'Paracetamol',
  strength: '650 mg',
  form: 'tablet',
  dose: '1 tablet',
  frequency: 'SOS',
  frequencyMeaning: '',
  duration: '3 days',
  route: 'oral',
  instructions: 'Only if the fever is above 100 °F; not more than 4 in a day'
}
const cetirizine: PrescriptionItemLine = {
  drugName: 'Cetirizine',
  strength: '10 mg',
  form: 'tablet',
  dose: '1 tablet',
  frequency: '0-0-1',
  frequencyMeaning: 'at night',
  duration: '7 days',
  route: '',
  instructions: ''
}

function prescription(overrides: Partial<PrescriptionDocument> = {}): PrescriptionDocument {
  return {
    clinic: { name: 'Sunrise Family Clinic', addressLines: ['12, MG Road, Indiranagar', 'Bengaluru 560038'], phone: '+91 80 4123 4567', logo: null },
    doctor: { name: 'Dr. Meera Iyer', qualifications: 'MBBS, MD (General Medicine)', registrationNumber: 'KMC 54321' },
    patient: { name: 'अनिता शर्मा', number: 'P-000123', age: '34 y', sex: 'Female' },
    date: 'Mon 23 Nov 2026',
    chiefComplaint: 'Fever and sore throat for 3 days',
    diagnoses: ['Acute pharyngitis', 'Allergic rhinitis'],
    items: [amoxicillin, paracetamol, cetirizine],
    advice: 'Drink plenty of warm fluids. Salt-water gargles three times a day.\nक्षितिज जैसे बच्चों को दवा पहुँच से दूर रखें।',
    followUp: 'Mon 30 Nov 2026',
    ...overrides
  }
}

/** Each page's text as pdf.js extracts it, runs of white space made one space. */
async function pageTexts(pdf: Uint8Array): Promise<string[]> {
  // pdf.js may take over the buffer it is given; the caller's bytes stay usable.
  const loading = getDocument({ data: pdf.slice() })
  const document = await loading.promise
  const pages: string[] = []
  for (let number = 1; number <= document.numPages; number++) {
    const content = await (await document.getPage(number)).getTextContent()
    const text = content.items.map((item) => ('str' in item ? `${item.str}${item.hasEOL ? '\n' : ' '}` : '')).join('')
    pages.push(text.normalize('NFC').replace(/[ \t]+/g, ' '))
  }
  await loading.destroy()
  return pages
}

async function metadata(pdf: Uint8Array): Promise<Record<string, unknown>> {
  const loading = getDocument({ data: pdf.slice() })
  const { info } = await (await loading.promise).getMetadata()
  await loading.destroy()
  return info as Record<string, unknown>
}

/** How many image XObjects the pages draw. */
async function imageCount(pdf: Uint8Array): Promise<number> {
  const document = await PDFDocument.load(pdf)
  let images = 0
  for (const page of document.getPages()) {
    const xObjects = page.node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict)
    for (const [, ref] of xObjects?.entries() ?? []) {
      const object = document.context.lookup(ref)
      if (object instanceof PDFStream && object.dict.get(PDFName.of('Subtype')) === PDFName.of('Image')) images++
    }
  }
  return images
}

// An Indic shaper draws glyphs in visual order: the i-matra (ि) before the consonant cluster it
// follows in the text, the reph (र्) over the letter after it. The PDF's text comes back in that
// drawing order, so a word is found by its letters, not their order; and that the order did
// change for a word with an i-matra is the sign the text was shaped rather than drawn letter by letter.
// A character the font has no glyph for is drawn as its empty box (.notdef), and pdf.js reads
// that glyph back as U+0000 (U+FFFD where a text map is broken).
const hasMissingGlyph = (text: string): boolean => text.includes('\u0000') || text.includes('\uFFFD')

const letters = (word: string): string => [...word.normalize('NFC')].sort().join('')

function devanagariWord(text: string, word: string): string | undefined {
  return text.split(/\s+/).find((token) => letters(token.replace(/[।:,.]/g, '')) === letters(word))
}

let logo: Uint8Array

beforeAll(async () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240">
    <rect width="240" height="240" rx="48" fill="#1d4e89"/>
    <rect x="100" y="50" width="40" height="140" fill="#fff"/><rect x="50" y="100" width="140" height="40" fill="#fff"/>
  </svg>`
  logo = new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer())
})

describe('prescriptionPdf', () => {
  it('prints the letterhead, doctor, patient, every medicine, advice and follow-up as real text', async () => {
    const doc = prescription({ clinic: { ...prescription().clinic, logo } })
    const pdf = await prescriptionPdf(doc, { createdAt: CREATED_AT })
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-')

    const pages = await pageTexts(pdf)
    expect(pages).toHaveLength(1)
    const [text] = pages
    for (const expected of [
      'Sunrise Family Clinic',
      '12, MG Road, Indiranagar',
      'Bengaluru 560038',
      '+91 80 4123 4567',
      'Dr. Meera Iyer',
      'MBBS, MD (General Medicine)',
      'Reg. No. KMC 54321',
      'P-000123',
      '34 y / Female',
      'Mon 23 Nov 2026',
      'Fever and sore throat for 3 days',
      'Acute pharyngitis; Allergic rhinitis',
      'Rx',
      'Salt-water gargles three times a day.',
      'Follow-up:',
      'Mon 30 Nov 2026',
      'Signature',
      'Page 1 of 1'
    ]) {
      expect(text).toContain(expected)
    }
    for (const item of doc.items) {
      expect(text).toContain(item.drugName)
      expect(text).toContain(`${item.strength} ${item.form}`)
      expect(text).toContain(item.frequency)
      expect(text).toContain(item.dose)
      expect(text).toContain(item.duration)
    }
    expect(text).toContain('(morning and night)')
    expect(text).toContain('Oral · After food')
    // The medicines keep their order and numbers.
    expect(text.indexOf('1. Amoxicillin')).toBeGreaterThan(-1)
    expect(text.indexOf('2. Paracetamol')).toBeGreaterThan(text.indexOf('1. Amoxicillin'))
    expect(text.indexOf('3. Cetirizine')).toBeGreaterThan(text.indexOf('2. Paracetamol'))

    expect(await imageCount(pdf)).toBe(1)
    const info = await metadata(pdf)
    expect(info.Title).toBe('Prescription – अनिता शर्मा')
    expect(info.Creator).toBe('DocSpot')
    expect(info.Author).toBe('Dr. Meera Iyer')
  })

  it('prints a Hindi name and Hindi advice as shaped Devanagari text, not missing glyphs', async () => {
    for (const name of ['अनिता शर्मा', 'रवि कुमार']) {
      const pdf = await prescriptionPdf(prescription({ patient: { ...prescription().patient, name } }))
      const [text] = await pageTexts(pdf)
      expect(hasMissingGlyph(text)).toBe(false)
      for (const word of name.split(' ')) expect(devanagariWord(text, word), `${word} in:\n${text}`).toBeDefined()
      // The name also heads the footer, so each word is there twice.
      const footerLine = text.split('\n').find((line) => line.includes('P-000123') && !line.includes('Patient'))
      expect(footerLine).toBeDefined()
      for (const word of name.split(' ')) expect(devanagariWord(footerLine!, word)).toBeDefined()
    }

    const [text] = await pageTexts(await prescriptionPdf(prescription()))
    for (const word of ['अनिता', 'शर्मा', 'क्षितिज', 'बच्चों', 'पहुँच', 'रखें']) expect(devanagariWord(text, word), word).toBeDefined()
    // Shaped: the i-matra of अनिता and क्षितिज (a conjunct क्ष) is drawn before its consonants.
    expect(devanagariWord(text, 'अनिता')).not.toBe('अनिता')
    expect(devanagariWord(text, 'क्षितिज')).not.toBe('क्षितिज')
  })

  it('would show a script the font lacks as missing glyphs (the check above is not vacuous)', async () => {
    const [text] = await pageTexts(await prescriptionPdf(prescription({ patient: { ...prescription().patient, name: 'தமிழ்' } })))
    expect(hasMissingGlyph(text)).toBe(true)
  })

  it('runs 40 medicines onto more pages, each naming the patient and numbered "Page n of N"', async () => {
    const items = Array.from({ length: 40 }, (_, index) => ({ ...[amoxicillin, paracetamol, cetirizine][index % 3], drugName: `Medicine${index + 1}` }))
    const pdf = await prescriptionPdf(prescription({ items, patient: { ...prescription().patient, name: 'Ravi Kumar' } }), { createdAt: CREATED_AT })
    const pages = await pageTexts(pdf)
    expect(pages.length).toBeGreaterThanOrEqual(2)
    pages.forEach((text, index) => {
      expect(text).toContain(`Page ${index + 1} of ${pages.length}`)
      expect(text).toContain('Ravi Kumar')
      expect(text).toContain('P-000123')
    })
    const all = pages.join('\n')
    for (let n = 1; n <= 40; n++) expect(all).toMatch(new RegExp(`\\b${n}\\. Medicine${n}\\b`))
    // The letterhead is on the first page; later pages carry a short header and the column heads.
    expect(pages[0]).toContain('Sunrise Family Clinic')
    expect(pages[1]).toContain('Mon 23 Nov 2026')
    expect(pages[1]).toContain('MEDICINE')
    // The signature closes the prescription: on its last page only.
    expect(pages.at(-1)).toContain('Signature')
    for (const text of pages.slice(0, -1)) {
      expect(text).not.toContain('Signature')
      expect(text).toContain('Continued on the next page')
    }

    if (existsSync(PDFTOPPM)) {
      mkdirSync(SCREENS, { recursive: true })
      const file = join(tmpdir(), `docspot-prescription-${process.pid}-long.pdf`)
      writeFileSync(file, pdf)
      execFileSync(PDFTOPPM, ['-png', '-r', '80', '-f', '2', '-l', '2', '-singlefile', file, join(SCREENS, 'prescription-page2')])
    }
  })

  it('leaves out empty optional fields instead of printing "undefined" or "null"', async () => {
    const bare: PrescriptionItemLine = { drugName: 'Oral rehydration salts', strength: '', form: '', dose: '', frequency: '', frequencyMeaning: '', duration: '', route: '', instructions: '' }
    const pdf = await prescriptionPdf(
      prescription({
        clinic: { name: 'Sunrise Family Clinic', addressLines: ['', '12, MG Road'], phone: '', logo: null },
        doctor: { name: 'Dr. Meera Iyer', qualifications: '', registrationNumber: '' },
        patient: { name: 'Ravi Kumar', number: 'P-000124', age: '', sex: 'Male' },
        chiefComplaint: '',
        diagnoses: [],
        items: [bare],
        advice: '',
        followUp: null
      })
    )
    const [text] = await pageTexts(pdf)
    expect(text).toContain('1. Oral rehydration salts')
    expect(text).toContain('Male')
    expect(text).toContain('12, MG Road')
    for (const absent of ['undefined', 'null', 'NaN', 'Phone', 'Reg. No.', 'Complaint', 'Diagnos', 'ADVICE', 'Follow-up', '()', '/ Male']) {
      expect(text).not.toContain(absent)
    }
    expect(await imageCount(pdf)).toBe(0)
  })

  it('gives the same bytes for the same prescription printed at the same instant', async () => {
    const doc = prescription({ clinic: { ...prescription().clinic, logo } })
    const first = await prescriptionPdf(doc, { createdAt: CREATED_AT })
    const second = await prescriptionPdf(doc, { createdAt: CREATED_AT })
    expect(Buffer.compare(first, second)).toBe(0)
  })

  it.skipIf(!existsSync(PDFTOPPM))('renders page 1 to test-results/screens/prescription-page1.png for a person to look at', async () => {
    const pdf = await prescriptionPdf(prescription({ clinic: { ...prescription().clinic, logo } }), { createdAt: CREATED_AT })
    mkdirSync(SCREENS, { recursive: true })
    const file = join(tmpdir(), `docspot-prescription-${process.pid}.pdf`)
    writeFileSync(file, pdf)
    execFileSync(PDFTOPPM, ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, join(SCREENS, 'prescription-page1')])
    const png = readFileSync(join(SCREENS, 'prescription-page1.png'))
    const { width, height } = await sharp(png).metadata()
    // A4 (210 × 297 mm) at 80 dpi.
    expect(width).toBe(662)
    expect(height).toBeGreaterThanOrEqual(935)
    expect(height).toBeLessThanOrEqual(936)
  })
})

describe('resourcePath', () => {
  it('finds the shipped font from source', () => {
    const font = resourcePath('fonts/Lohit-Devanagari.ttf')
    expect(font).toBe(join(REPO, 'resources', 'fonts', 'Lohit-Devanagari.ttf'))
    expect(existsSync(join(REPO, 'resources', 'fonts', 'OFL-Lohit-Devanagari.txt'))).toBe(true)
  })

  it('looks first where electron-builder puts extraResources in a packaged app', () => {
    const packaged = mkdtempSync(join(tmpdir(), 'docspot-resources-'))
    mkdirSync(join(packaged, 'fonts'))
    writeFileSync(join(packaged, 'fonts', 'Lohit-Devanagari.ttf'), '')
    const electron = process as unknown as { resourcesPath?: string }
    electron.resourcesPath = packaged
    try {
      expect(resourcePath('fonts/Lohit-Devanagari.ttf')).toBe(join(packaged, 'fonts', 'Lohit-Devanagari.ttf'))
      // Under `electron .` resourcesPath is Electron's own folder, without our files: the walk up still finds them.
      expect(resourcePath('fonts/OFL-Lohit-Devanagari.txt')).toBe(join(REPO, 'resources', 'fonts', 'OFL-Lohit-Devanagari.txt'))
    } finally {
      delete electron.resourcesPath
      rmSync(packaged, { recursive: true, force: true })
    }
  })

  it('names the missing file', () => {
    expect(() => resourcePath('fonts/Missing.ttf')).toThrow(/"fonts\/Missing\.ttf" is missing/)
  })
})
