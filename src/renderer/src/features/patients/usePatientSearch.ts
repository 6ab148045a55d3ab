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

export { isLookup, prefillFor, registerPath } from '../../../../shared/lib/search-query'
