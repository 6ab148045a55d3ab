import dayjs from 'dayjs'
import { toWall } from '../../lib/clinic-time'

/** "Mon 17 Mar 2025" for a clinic date. */
export const formatDate = (date: string): string => dayjs(date).format('ddd D MMM YYYY')

/** "Mon 17 Mar 2025, 09:00" for an instant, in clinic time. */
export const formatWhen = (instant: string, timeZone: string): string => dayjs(toWall(instant, timeZone)).format('ddd D MMM YYYY, HH:mm')

/** "17 Mar" for a chart's axis. */
export const shortDate = (date: string): string => dayjs(date).format('D MMM')
