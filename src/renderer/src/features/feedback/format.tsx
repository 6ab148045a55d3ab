import { Group, Rating, Text } from '@mantine/core'
import type { Feedback } from '../../../../shared/api'

/** A rating in words, as the desk reads it out. */
export const RATING_WORDS: Record<number, string> = { 1: 'Very poor', 2: 'Poor', 3: 'Average', 4: 'Good', 5: 'Excellent' }

export const ratingLabel = (value: number): string => (RATING_WORDS[value] ? `${value} – ${RATING_WORDS[value]}` : 'Not rated')

export const FEEDBACK_COLOURS: Record<Feedback['type'], string> = { complaint: 'red', good: 'teal', suggestion: 'blue' }

/** A rating (or an average) shown as stars with its number; read out as "4.2 out of 5". */
export function Stars({ value, size = 'sm', showNumber = true }: { value: number; size?: 'xs' | 'sm' | 'md'; showNumber?: boolean }) {
  const shown = Math.round(value * 10) / 10
  return (
    <Group gap={6} wrap="nowrap" role="img" aria-label={`${shown} out of 5`}>
      <Rating value={value} fractions={10} readOnly size={size} aria-hidden />
      {showNumber && (
        <Text size={size} fw={600} aria-hidden style={{ fontVariantNumeric: 'tabular-nums' }}>
          {Number.isInteger(shown) ? shown : shown.toFixed(1)}
        </Text>
      )}
    </Group>
  )
}
