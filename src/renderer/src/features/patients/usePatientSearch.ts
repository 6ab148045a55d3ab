import { useCallback, useEffect, useRef, useState } from 'react'
import type { PatientSummary } from '../../../../shared/api'
import { useApi } from '../../api/context'

export interface SearchResult {
  /** The query these items answer (trimmed). */
  q: string
  items: PatientSummary[]
  hasMore: boolean
  /** Archived records were searched too. */
  includeArchived: boolean
}

/**
 * Search-as-you-type: debounced, and only the answer to the latest query is ever shown,
 * so a slow early response cannot replace a newer one (no flicker back to old results).
 */
export function usePatientSearch(limit: number, delay = 120) {
  const api = useApi()
  const [result, setResult] = useState<SearchResult | null>(null)
  const [loading, setLoading] = useState(false)
  const [failed, setFailed] = useState<string | null>(null)
  const latest = useRef(0)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  useEffect(() => () => clearTimeout(timer.current), [])

  const search = useCallback(
    (text: string, includeArchived = false) => {
      const q = text.trim()
      const ticket = ++latest.current
      clearTimeout(timer.current)
      if (!q) {
        setResult(null)
        setLoading(false)
        setFailed(null)
        return
      }
      setLoading(true)
      timer.current = setTimeout(() => {
        api.call('patients.search', { q, limit, includeArchived }).then(
          (answer) => {
            if (ticket !== latest.current) return
            setResult({ q, items: answer.items, hasMore: answer.hasMore, includeArchived })
            setFailed(null)
            setLoading(false)
          },
          (error: Error) => {
            if (ticket !== latest.current) return
            setFailed(error.message)
            setLoading(false)
          }
        )
      }, delay)
    },
    [api, limit, delay]
  )

  return { result, loading, failed, search }
}

/** A typed patient number, date of birth or email: something to look up, never a new patient's name. */
export function isLookup(query: string): boolean {
  const q = query.trim()
  return /^[A-Za-z]{0,4}-?\d+$/.test(q) || /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(q) || /^\d{4}-\d{2}-\d{2}$/.test(q) || q.includes('@')
}

/** What a typed query most likely is, to prefill the registration form. */
export function prefillFor(query: string): { name?: string; phone?: string } {
  const q = query.trim()
  if (!q) return {}
  if (!/^[\d\s+().-]+$/.test(q) && isLookup(q)) return {}
  if (!/^[\d\s+().-]+$/.test(q)) return { name: q }
  // A few digits are more likely part of a number being looked up than a whole phone number.
  return q.replace(/\D/g, '').length >= 7 ? { phone: q } : {}
}

export function registerPath(query: string): string {
  const params = new URLSearchParams(prefillFor(query))
  const s = params.toString()
  return `/patients/new${s ? `?${s}` : ''}`
}
