import { ActionIcon, Alert, Badge, Box, Button, Center, Group, Loader, LoadingOverlay, Modal, Stack, Text, Tooltip } from '@mantine/core'
import { useMediaQuery } from '@mantine/hooks'
import { IconAlertTriangle, IconChevronLeft, IconChevronRight, IconDownload, IconZoomIn, IconZoomOut } from '@tabler/icons-react'
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { ApiError, RECORD_TYPE_NAMES, type FileOutput, type MedicalRecord } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { saveFile } from '../../lib/files'
import { formatRecordDate, RECORD_TYPE_COLOURS } from './format'
import { openPdf, type PDFDocumentProxy, type RenderTask } from './pdf'
import { useObjectUrl } from './useObjectUrl'

/**
 * A record's file, looked at without leaving DocSpot: an image fitted to the width (click it,
 * or "Zoom in", for twice that), or a PDF page by page (← and →). Opens when `record` is set;
 * `onClose` clears it. Only for those who may open files (doctors; admins where allowed).
 */
export function RecordPreview({ record, onClose }: { record: MedicalRecord | null; onClose: () => void }) {
  const small = useMediaQuery('(max-width: 48em)')
  // Kept while the modal animates closed, so its title does not blank out.
  const [shown, setShown] = useState(record)
  if (record && record !== shown) setShown(record)
  return (
    <Modal
      opened={record !== null}
      onClose={onClose}
      size="xl"
      fullScreen={small}
      title={
        <Text fw={650} lineClamp={1} component="span">
          {shown?.name}
        </Text>
      }
      closeButtonProps={{ 'aria-label': 'Close the preview' }}
      styles={{ title: { minWidth: 0, flex: 1 } }}
    >
      {record && <PreviewBody key={record.id} record={record} />}
    </Modal>
  )
}

type Loaded = { file: FileOutput } | { error: string }

function PreviewBody({ record }: { record: MedicalRecord }) {
  const api = useApi()
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  useEffect(() => {
    let live = true
    api.call('records.file', { id: record.id }).then(
      (file) => live && setLoaded({ file }),
      (error: unknown) =>
        live &&
        setLoaded({
          error: error instanceof ApiError && error.code === 'FORBIDDEN' ? 'Only doctors can open record files.' : error instanceof Error ? error.message : String(error)
        })
    )
    return () => {
      live = false
    }
  }, [api, record.id])

  const file = loaded && 'file' in loaded ? loaded.file : null
  const download = () => file && saveFile(file, record.name)
  const details = [formatRecordDate(record.recordDate), record.hospital, record.doctorName].filter(Boolean).join(' · ')

  return (
    <Stack gap="sm">
      <Group gap="xs" wrap="nowrap">
        <Badge variant="light" color={RECORD_TYPE_COLOURS[record.type]} style={{ flexShrink: 0 }}>
          {RECORD_TYPE_NAMES[record.type]}
        </Badge>
        <Text size="sm" c="dimmed" truncate>
          {details}
        </Text>
      </Group>
      {record.description && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} lineClamp={3}>
          {record.description}
        </Text>
      )}
      {!loaded ? (
        <Center h={320}>
          <Loader aria-label="Opening the file" />
        </Center>
      ) : 'error' in loaded ? (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="The file could not be opened">
          {loaded.error}
        </Alert>
      ) : record.contentType === 'application/pdf' ? (
        <PdfView bytes={loaded.file.bytes} name={record.name} onDownload={download} />
      ) : (
        <ImageView file={loaded.file} name={record.name} onDownload={download} />
      )}
    </Stack>
  )
}

/** The box a page or image is shown in: scrolls inside the modal, and reports its width to fit to. */
function useFitWidth(): [(el: HTMLDivElement | null) => void, number] {
  const [width, setWidth] = useState(0)
  const observer = useRef<ResizeObserver | null>(null)
  const ref = useCallback((el: HTMLDivElement | null) => {
    observer.current?.disconnect()
    if (!el) return
    observer.current = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)))
    observer.current.observe(el)
  }, [])
  useEffect(() => () => observer.current?.disconnect(), [])
  return [ref, width]
}

const viewerStyle = { maxHeight: 'calc(100dvh - 14rem)', minHeight: 240, overflow: 'auto', scrollbarGutter: 'stable' } as const

function Toolbar({ children, zoomed, onZoom, onDownload }: { children?: ReactNode; zoomed: boolean; onZoom: () => void; onDownload: () => void }) {
  return (
    <Group justify="space-between" gap="xs">
      <Group gap={6}>{children}</Group>
      <Group gap={6}>
        <Button variant="default" size="xs" leftSection={zoomed ? <IconZoomOut size={16} /> : <IconZoomIn size={16} />} onClick={onZoom} aria-pressed={zoomed}>
          {zoomed ? 'Fit to width' : 'Zoom in'}
        </Button>
        <Button variant="light" size="xs" leftSection={<IconDownload size={16} />} onClick={onDownload}>
          Download
        </Button>
      </Group>
    </Group>
  )
}

function ImageView({ file, name, onDownload }: { file: FileOutput; name: string; onDownload: () => void }) {
  const [zoomed, setZoomed] = useState(false)
  const [broken, setBroken] = useState(false)
  const blob = useMemo(() => new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }), [file])
  const imgRef = useObjectUrl<HTMLImageElement>(blob)
  return (
    <Stack gap="xs">
      <Toolbar zoomed={zoomed} onZoom={() => setZoomed((z) => !z)} onDownload={onDownload} />
      {broken && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="This image could not be shown">
          The file may be damaged. Download it to try another program.
        </Alert>
      )}
      <Box style={viewerStyle} bg="var(--mantine-color-default-hover)" p={4} display={broken ? 'none' : undefined}>
        <img
          ref={imgRef}
          alt={name}
          onError={() => setBroken(true)}
          onClick={() => setZoomed((z) => !z)}
          style={{ display: 'block', margin: '0 auto', height: 'auto', cursor: zoomed ? 'zoom-out' : 'zoom-in', ...(zoomed ? { width: '200%', maxWidth: 'none' } : { maxWidth: '100%' }) }}
        />
      </Box>
    </Stack>
  )
}

/** Why pdf.js could not open a PDF, in words the reader can act on. */
function pdfProblem(error: unknown): string {
  const name = error instanceof Error ? error.name : ''
  if (name === 'PasswordException') return 'This PDF is protected with a password, so it cannot be shown here. Download it and open it with its password.'
  if (name === 'InvalidPDFException') return 'This PDF is damaged or not really a PDF, so it cannot be shown. Download it to try another program.'
  return `This PDF could not be shown (${error instanceof Error ? error.message : String(error)}). Download it to try another program.`
}

/** Canvases larger than this are drawn at a lower resolution (memory, and the browser's limits). */
const MAX_CANVAS_PIXELS = 4096 * 4096

function PdfView({ bytes, name, onDownload }: { bytes: Uint8Array; name: string; onDownload: () => void }) {
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [page, setPage] = useState(1)
  const [zoomed, setZoomed] = useState(false)
  const [boxRef, width] = useFitWidth()
  // What is on the canvas (or failed to get there), against what should be: drawing while they differ.
  const wanted = `${page}:${width}:${zoomed}`
  const [drawn, setDrawn] = useState<{ key: string; problem: string | null } | null>(null)
  const rendering = !drawn || drawn.key !== wanted
  const pageProblem = drawn && drawn.key === wanted ? drawn.problem : null
  const canvasRef = useRef<HTMLCanvasElement>(null)

  useEffect(() => {
    let live = true
    let destroy: (() => void) | null = null
    openPdf(bytes)
      .then((task) => {
        destroy = () => void task.destroy()
        if (!live) return destroy()
        return task.promise.then((opened) => live && setDoc(opened))
      })
      .catch((error: unknown) => live && setProblem(pdfProblem(error)))
    return () => {
      live = false
      destroy?.()
    }
  }, [bytes])

  const pages = doc?.numPages ?? 0
  const go = useCallback((to: number) => setPage((current) => Math.min(Math.max(to === -Infinity ? 1 : to === Infinity ? pages : current + to, 1), Math.max(pages, 1))), [pages])

  // ← and → turn the pages (Home and End go to the first and last), unless someone is typing.
  useEffect(() => {
    if (!doc) return
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      if (event.altKey || event.ctrlKey || event.metaKey || target?.closest('input, textarea, select, [contenteditable="true"]')) return
      const step = { ArrowLeft: -1, ArrowRight: 1, PageUp: -1, PageDown: 1, Home: -Infinity, End: Infinity }[event.key]
      if (step === undefined) return
      event.preventDefault()
      go(step)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [doc, go])

  // Draws the page off screen, then copies it in: the last page stays up while the next renders.
  useEffect(() => {
    if (!doc || width <= 0) return
    let task: RenderTask | null = null
    let live = true
    const key = `${page}:${width}:${zoomed}`
    void (async () => {
      try {
        const pdfPage = await doc.getPage(page)
        if (!live) return
        const natural = pdfPage.getViewport({ scale: 1 })
        const viewport = pdfPage.getViewport({ scale: (width / natural.width) * (zoomed ? 2 : 1) })
        const ratio = Math.min(window.devicePixelRatio || 1, Math.sqrt(MAX_CANVAS_PIXELS / (viewport.width * viewport.height)))
        const scratch = document.createElement('canvas')
        scratch.width = Math.max(1, Math.floor(viewport.width * ratio))
        scratch.height = Math.max(1, Math.floor(viewport.height * ratio))
        task = pdfPage.render({ canvas: scratch, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined })
        await task.promise
        const canvas = canvasRef.current
        if (!live || !canvas) return
        canvas.width = scratch.width
        canvas.height = scratch.height
        canvas.style.width = `${Math.floor(viewport.width)}px`
        canvas.style.height = `${Math.floor(viewport.height)}px`
        canvas.getContext('2d')?.drawImage(scratch, 0, 0)
        scratch.width = scratch.height = 0 // frees its memory now, not at the next collection
        setDrawn({ key, problem: null })
      } catch (error) {
        if (live && !(error instanceof Error && error.name === 'RenderingCancelledException'))
          setDrawn({ key, problem: `Page ${page} could not be drawn: ${error instanceof Error ? error.message : String(error)}` })
      }
    })()
    return () => {
      live = false
      task?.cancel()
    }
  }, [doc, page, width, zoomed])

  if (problem)
    return (
      <Stack gap="xs">
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="This PDF could not be opened">
          {problem}
        </Alert>
        <Group>
          <Button variant="light" size="xs" leftSection={<IconDownload size={16} />} onClick={onDownload}>
            Download
          </Button>
        </Group>
      </Stack>
    )

  return (
    <Stack gap="xs">
      <Toolbar zoomed={zoomed} onZoom={() => setZoomed((z) => !z)} onDownload={onDownload}>
        <Tooltip label="Previous page (←)">
          <ActionIcon variant="default" aria-label="Previous page" onClick={() => go(-1)} disabled={!doc || page <= 1}>
            <IconChevronLeft size={18} />
          </ActionIcon>
        </Tooltip>
        <Text size="sm" miw={90} ta="center" aria-live="polite">
          {doc ? `Page ${page} of ${pages}` : 'Opening…'}
        </Text>
        <Tooltip label="Next page (→)">
          <ActionIcon variant="default" aria-label="Next page" onClick={() => go(1)} disabled={!doc || page >= pages}>
            <IconChevronRight size={18} />
          </ActionIcon>
        </Tooltip>
      </Toolbar>
      {pageProblem && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />}>
          {pageProblem}
        </Alert>
      )}
      <Box pos="relative">
        <LoadingOverlay visible={rendering} loaderProps={{ 'aria-label': 'Drawing the page' }} overlayProps={{ backgroundOpacity: 0.25 }} zIndex={2} />
        <Box ref={boxRef} style={viewerStyle} bg="var(--mantine-color-default-hover)" p="xs">
          <canvas
            ref={canvasRef}
            role="img"
            aria-label={doc ? `Page ${page} of ${pages} of ${name}` : `${name}, opening`}
            style={{ display: 'block', margin: '0 auto', background: 'white', boxShadow: '0 1px 4px rgba(0, 0, 0, 0.25)' }}
          />
        </Box>
      </Box>
    </Stack>
  )
}
