import { STATUS_LABEL, type AppointmentStatus } from '../../../../shared/api'

export const STATUS_COLOUR: Record<AppointmentStatus, string> = {
  booked: 'blue',
  confirmed: 'indigo',
  arrived: 'orange',
  in_consultation: 'grape',
  completed: 'green',
  cancelled: 'gray',
  no_show: 'red'
}

export const MODE_LABEL = { in_person: 'In person', phone: 'Phone', video: 'Video' } as const

export { STATUS_LABEL }
