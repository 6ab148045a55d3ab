import { notifications } from '@mantine/notifications'
import { ApiError } from '../../../shared/api'

/** Shows an API failure: field errors go to the form (if given), everything else to a notification. */
export function showError(error: unknown, setFieldErrors?: (errors: Record<string, string>) => void, title = 'Not saved'): void {
  if (error instanceof ApiError && error.fields && setFieldErrors) {
    setFieldErrors(Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, capitalise(v)])))
    return
  }
  const message = error instanceof Error ? error.message : String(error)
  notifications.show({ color: 'red', title, message, autoClose: 8000 })
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
