import { useMemo } from 'react'
import { useApiQuery } from './queries'

/**
 * A stored image (a patient's or a doctor's photo) as an address an <img> can show; fetched
 * again only when `version` (its hash's start) changes. The bytes travel as binary; the data
 * URL is made here, in the page.
 */
export function useFileUrl(method: 'patients.photo' | 'doctors.photo', id: string, version: string | null | undefined): string | null {
  const photo = useApiQuery(method, { id }, { shows: [], enabled: !!version, version })
  const file = version ? photo.data : null
  return useMemo(() => {
    if (!file) return null
    let text = ''
    for (let i = 0; i < file.bytes.length; i += 0x8000) text += String.fromCharCode(...file.bytes.subarray(i, i + 0x8000))
    return `data:${file.type};base64,${btoa(text)}`
  }, [file])
}
