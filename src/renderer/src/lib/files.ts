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
