import { ApiError } from '../../../../../shared/api'
import { capitalise } from '../../../lib/errors'
import { FIELD_LABELS } from './fields'

/** An API failure in the clinic's words: field errors name the field as the screen shows it. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError && error.fields && Object.keys(error.fields).length) {
    return Object.entries(error.fields)
      .map(([path, message]) => {
        // Schema errors on the chosen values arrive as "fields.allergies".
        const field = path.replace(/^fields\./, '')
        if (field === 'survivorId') return capitalise(message)
        if (field === 'mergedId') return `The record to merge ${message}`
        return FIELD_LABELS[field] ? `${FIELD_LABELS[field]} ${message}` : capitalise(message)
      })
      .join('. ')
  }
  if (error instanceof ApiError && error.code === 'FORBIDDEN') return 'Only an admin can merge patients or undo a merge.'
  return error instanceof Error ? error.message : String(error)
}
