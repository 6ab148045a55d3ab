import { useQuery, useQueryClient, type QueryClient, type UseQueryResult } from '@tanstack/react-query'
import { useCallback, useEffect } from 'react'
import { allows, type ApiError, type InputOf, type MethodName, type OutputOf } from '../../../shared/api'
import { useApi, useSession } from './context'
import { touches, type Shows } from './shows'

export type { Shows }

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

/** Whether the signed-in user may call a method: the API table's roles, as the core enforces them. */
export function useCan(): (method: MethodName) => boolean {
  const { session } = useSession()
  const role = session?.user.role ?? null
  const permissions = session?.permissions ?? null
  return useCallback((method: MethodName) => role !== null && allows(method, role, permissions ? { methods: permissions } : null), [role, permissions])
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
