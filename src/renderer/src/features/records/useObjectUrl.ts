import { useEffect, useRef } from 'react'

/**
 * Shows a blob in an <img> through an object URL, set on the element directly and revoked
 * when the blob changes or the element goes: no copy of the bytes as a data URL.
 */
export function useObjectUrl<T extends HTMLImageElement>(blob: Blob | null) {
  const ref = useRef<T>(null)
  useEffect(() => {
    const el = ref.current
    if (!blob || !el) return
    const url = URL.createObjectURL(blob)
    el.src = url
    return () => {
      el.removeAttribute('src')
      URL.revokeObjectURL(url)
    }
  }, [blob])
  return ref
}
