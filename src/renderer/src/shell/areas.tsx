import { IconCalendarTime, IconDesk, IconHourglass, IconListNumbers, IconMail, IconSettings, IconStethoscope, IconUsers } from '@tabler/icons-react'
import type { ComponentType } from 'react'
import type { Role } from '../../../shared/api'
import { AdminHome } from '../features/admin/AdminHome'
import { CalendarPage } from '../features/calendar/CalendarPage'
import { DoctorHome } from '../features/doctor/DoctorHome'
import { FailedTodayBadge } from '../features/messages/failures'
import { MessagesPage } from '../features/messages/MessagesPage'
import { PatientsArea } from '../features/patients/PatientsArea'
import { ReceptionHome } from '../features/reception/ReceptionHome'
import { QueuePage } from '../features/queue/QueuePage'
import { WaitlistPage } from '../features/waitlist/WaitlistPage'

export interface Area {
  path: string
  label: string
  icon: ComponentType<{ size?: number }>
  /** Who sees it. The core checks every call again; this only keeps the menu relevant. */
  roles: Role[]
  element: ComponentType
  /** Shown after the label in the menu (a count that needs attention). */
  badge?: ComponentType
}

export const AREAS: Area[] = [
  { path: '/reception', label: 'Reception', icon: IconDesk, roles: ['receptionist', 'admin'], element: ReceptionHome },
  { path: '/doctor', label: 'Doctor', icon: IconStethoscope, roles: ['doctor', 'admin'], element: DoctorHome },
  { path: '/queue', label: 'Queue', icon: IconListNumbers, roles: ['receptionist', 'admin'], element: QueuePage },
  { path: '/calendar', label: 'Calendar', icon: IconCalendarTime, roles: ['receptionist', 'admin', 'doctor'], element: CalendarPage },
  { path: '/waitlist', label: 'Waitlist', icon: IconHourglass, roles: ['receptionist', 'admin', 'doctor'], element: WaitlistPage },
  { path: '/messages', label: 'Messages', icon: IconMail, roles: ['receptionist', 'admin'], element: MessagesPage, badge: FailedTodayBadge },
  { path: '/patients', label: 'Patients', icon: IconUsers, roles: ['receptionist', 'doctor', 'admin'], element: PatientsArea },
  { path: '/admin', label: 'Admin', icon: IconSettings, roles: ['admin'], element: AdminHome }
]

export const areasFor = (role: Role) => AREAS.filter((a) => a.roles.includes(role))
