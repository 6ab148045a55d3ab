import { DateInput, type DateInputProps } from '@mantine/dates'
import { useState } from 'react'
import { parseTypedDate } from '../../../shared/lib/typed-date'
import { DATE_FORMAT, dateText } from '../lib/clinic-time'

type DateFieldProps = Omit<DateInputProps, 'value' | 'onChange' | 'minDate' | 'maxDate' | 'dateParser' | 'valueFormat'> & {
  /** YYYY-MM-DD, or '' / null when empty. */
  value: string | null | undefined
  /** YYYY-MM-DD, or '' when cleared. */
  onChange: (value: string) => void
  /** The first and last dates allowed, YYYY-MM-DD. */
  min?: string
  max?: string
}

/**
 * Every date field: typed day first or picked, and shown as "25 Nov 2026" on every PC. (A
 * native date field shows the PC's own format, mm/dd/yyyy on a US-English Windows, which a
 * desk that reads dd/mm takes for another day.) A date typed outside min–max is not taken, and
 * the field says why.
 */
export function DateField({ value, onChange, min, max, error, ...rest }: DateFieldProps) {
  const [outside, setOutside] = useState<string | null>(null)
  const check = (text: string) => {
    const date = parseTypedDate(text)
    setOutside(date && min && date < min ? `Must be ${dateText(min)} or later` : date && max && date > max ? `Must be ${dateText(max)} or earlier` : null)
  }
  return (
    <DateInput
      valueFormat={DATE_FORMAT}
      placeholder="DD/MM/YYYY"
      dateParser={parseTypedDate}
      clearable
      {...rest}
      error={error || outside}
      onInput={(event) => check(event.currentTarget.value)}
      value={value || null}
      onChange={(next) => {
        setOutside(null)
        onChange(next ?? '')
      }}
      minDate={min || undefined}
      maxDate={max || undefined}
    />
  )
}
