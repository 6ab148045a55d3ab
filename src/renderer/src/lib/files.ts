import type { FileOutput } from '../../../shared/api'

/** Saves a file the core sent (an export) through the browser's or the window's download. */
export function saveFile(file: FileOutput, fallbackName = 'docspot-export'): void {
  const url = URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }))
  const link = document.createElement('a')
  link.href = url
  link.download = file.name ?? fallbackName
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/**
 * Opens a file the core sent (a PDF to print: a token slip, the day-end summary) in a new
 * window, where the viewer's Print button sends it to the printer. Where a new window is not
 * allowed, it is saved instead.
 */
export function openFile(file: FileOutput): void {
  const url = URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }))
  const opened = window.open(url, '_blank')
  if (!opened) saveFile(file)
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
