import { useQuery, useQueryClient, type QueryClient, type UseQueryResult } from '@tanstack/react-query'
import { useCallback, useEffect } from 'react'
import { allows, type ApiError, type InputOf, type MethodName, type OutputOf } from '../../../shared/api'
import type { ApiClient, ChangeEvent } from './client'
import { useApi, useSession } from './context'

/**
 * What a query shows, so it refreshes when — and only when — a committed write changes it:
 * a table name ('users': any row of it), a table and a row id (['patients', id]), or '*'
 * for every write (the journal itself).
 */
export type Shows = string | readonly [table: string, id: string]

/** Whether a change event touches anything a query shows. */
export function touches(shows: readonly Shows[], event: ChangeEvent): boolean {
  return shows.some((s) => {
    if (s === '*') return true
    const [table, id] = typeof s === 'string' ? [s, null] : s
    if (event.all.includes(table)) return true
    const ids = event.changed[table]
    return ids !== undefined && (id === null || ids.includes(id))
  })
}

/**
 * Calls a reading method and keeps its answer fresh: cached by method and input, refreshed
 * when a change event names what it `shows`. Every screen's data comes through here.
 */
export function useApiQuery<M extends MethodName>(
  method: M,
  input: InputOf<M>,
  options: { shows: readonly Shows[]; enabled?: boolean; version?: string | null }
): UseQueryResult<OutputOf<M>, ApiError> {
  const api = useApi()
  return useQuery<OutputOf<M>, ApiError>({
    queryKey: [method, input, options.version ?? null],
    queryFn: () => (api.call as (m: M, i: InputOf<M>) => Promise<OutputOf<M>>)(method, input),
    enabled: options.enabled ?? true,
    meta: { shows: options.shows }
  })
}

/** Refreshes the queries a committed change touches; everything after the connection comes back. */
export function useLiveQueries(client: ApiClient, queries: QueryClient): void {
  useEffect(
    () =>
      client.onChange((event) => {
        void queries.invalidateQueries({ predicate: (q) => touches((q.meta?.shows as Shows[] | undefined) ?? [], event) })
      }),
    [client, queries]
  )
  useEffect(() => {
    let wasOffline = false
    return client.onConnection((state) => {
      // Changes made while we could not hear them: refresh everything shown.
      if (state === 'online' && wasOffline) void queries.invalidateQueries()
      wasOffline = state === 'offline'
    })
  }, [client, queries])
}

/** Whether the signed-in user may call a method: the API table's roles, as the core enforces them. */
export function useCan(): (method: MethodName) => boolean {
  const { session } = useSession()
  const role = session?.user.role ?? null
  return useCallback((method: MethodName) => role !== null && allows(method, role), [role])
}

export function useQueriesClient(): QueryClient {
  return useQueryClient()
}

/** Runs `refresh` when a committed change touches what `shows` names: for screens that hold edited state of their own. */
export function useOnChanges(shows: readonly Shows[], refresh: () => void): void {
  const api = useApi()
  const key = JSON.stringify(shows)
  useEffect(
    () => api.onChange((event) => void (touches(JSON.parse(key) as Shows[], event) ? refresh() : undefined)),
    [api, key, refresh]
  )
}
