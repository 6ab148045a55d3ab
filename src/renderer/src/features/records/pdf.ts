import type { PDFDocumentLoadingTask } from 'pdfjs-dist'
// pdf.js's worker, built by Vite as a worker of its own (out/renderer/assets/pdf.worker.min-<hash>.js);
// pdf.js starts it with `new Worker(url, { type: 'module' })`. Built, not copied (`?url`): a copy
// keeps the .mjs ending, which the hub serves as application/octet-stream with nosniff, and
// the browser refuses to run a worker of that type. A .js file it serves as JavaScript.
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?worker&url'

type Pdfjs = typeof import('pdfjs-dist')

let pdfjs: Promise<Pdfjs> | null = null

/** pdf.js, loaded the first time a PDF is previewed (it is large, and most screens never need it). */
export function loadPdfjs(): Promise<Pdfjs> {
  pdfjs ??= import('pdfjs-dist').then(
    (lib) => {
      lib.GlobalWorkerOptions.workerSrc = workerUrl
      return lib
    },
    (error: unknown) => {
      pdfjs = null // a failed load (the hub restarted mid-update) is tried again next time
      throw error
    }
  )
  return pdfjs
}

/**
 * The few binary files pdf.js asks for by name, bundled with the app instead of fetched from a
 * folder (a fetch of file:// does not work in the desktop window, and Vite renames assets):
 * the decoders for fax (CCITT) and JBIG2 scans and for JPEG 2000 images, and the two standard
 * fonts no system has. Each is loaded only when a PDF needs it.
 */
const BUNDLED: Record<string, () => Promise<{ default: string }>> = {
  'jbig2.wasm': () => import('pdfjs-dist/wasm/jbig2.wasm?url&inline'),
  'openjpeg.wasm': () => import('pdfjs-dist/wasm/openjpeg.wasm?url&inline'),
  'FoxitSymbol.pfb': () => import('pdfjs-dist/standard_fonts/FoxitSymbol.pfb?url&inline'),
  'FoxitDingbats.pfb': () => import('pdfjs-dist/standard_fonts/FoxitDingbats.pfb?url&inline')
}

function dataUrlBytes(url: string): Uint8Array {
  const text = atob(url.slice(url.indexOf(',') + 1))
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return bytes
}

/** pdf.js's BinaryDataFactory interface: the worker asks the page for a file by kind and name. */
class BundledBinaryData {
  constructor(_urls: unknown) {}
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const load = BUNDLED[filename]
    if (!load) throw new Error(`DocSpot does not bundle the ${kind} file ${filename}`)
    return dataUrlBytes((await load()).default)
  }
}

/**
 * Opens a PDF's bytes for rendering. pdf.js takes the buffer it is given over to its worker,
 * so it gets a copy: the caller keeps the original (to download it).
 */
export async function openPdf(bytes: Uint8Array): Promise<PDFDocumentLoadingTask> {
  const lib = await loadPdfjs()
  return lib.getDocument({
    data: bytes.slice(),
    BinaryDataFactory: BundledBinaryData,
    useWorkerFetch: false,
    // Pages draw on the page's own thread: a renderer worker needs a second worker file, and
    // one page at a time renders fast enough.
    disableWorkerRendering: true,
    // Errors only: a scanned report's quirks are not the reader's business.
    verbosity: 0
  })
}

export type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist'
