import dayjs from 'dayjs'
import timezone from 'dayjs/plugin/timezone'
import utc from 'dayjs/plugin/utc'

dayjs.extend(utc)
dayjs.extend(timezone)

/**
 * The calendar components read every time as the browser's local time. DocSpot shows clinic
 * time, so instants go in as clinic wall-clock strings without an offset, and come back out
 * through the clinic's zone — never through the PC's.
 */
export const toWall = (instant: string, timeZone: string): string => dayjs.utc(instant).tz(timeZone).format('YYYY-MM-DD HH:mm:ss')
export const wallToInstant = (wall: string, timeZone: string): string => dayjs.tz(wall, timeZone).toISOString()
export const clinicNowWall = (timeZone: string): string => dayjs().tz(timeZone).format('YYYY-MM-DD HH:mm:ss')
export const clinicToday = (timeZone: string): string => dayjs().tz(timeZone).format('YYYY-MM-DD')
export const addDays = (date: string, days: number): string => dayjs(date).add(days, 'day').format('YYYY-MM-DD')
/** "10:15" in clinic time. */
export const clinicClock = (instant: string, timeZone: string): string => dayjs.utc(instant).tz(timeZone).format('HH:mm')
/** "Tue 11 Mar". */
export const dayLabel = (date: string): string => dayjs(date).format('ddd D MMM')
/** How a date field shows its date: "11 Mar 2025" (a dayjs format). */
export const DATE_FORMAT = 'D MMM YYYY'
/** "11 Mar 2025": a clinic date (YYYY-MM-DD) as a date field shows it. */
export const dateText = (date: string): string => dayjs(date).format(DATE_FORMAT)
/** "Tue 11 Mar 2025": a clinic date (YYYY-MM-DD) with its year. */
export const dateLabel = (date: string): string => dayjs(date).format('ddd D MMM YYYY')
/** Monday of the week a clinic date falls in. */
export const weekStart = (date: string): string => {
  const d = dayjs(date)
  return d.subtract((d.day() + 6) % 7, 'day').format('YYYY-MM-DD')
}
/** The clinic date an instant falls on. */
export const clinicDate = (instant: string, timeZone: string): string => dayjs.utc(instant).tz(timeZone).format('YYYY-MM-DD')
