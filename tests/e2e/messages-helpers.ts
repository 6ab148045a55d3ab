import { kolkataDate } from './calendar-helpers'
import { seedClinic, STAFF, type HubProcess } from './fixtures'

export interface MessagingClinic {
  adminToken: string
  deskToken: string
  doctorId: string
  typeId: string
  anita: { id: string; number: string }
  ramesh: { id: string; number: string }
  farhan: { id: string; number: string }
}

/** A doctor working all day every day, a 15-minute type, and patients with email addresses (Ramesh reads Hindi). */
export async function seedMessagingClinic(hub: HubProcess): Promise<MessagingClinic> {
  const { adminToken } = await seedClinic(hub)
  const desk = await hub.call<{ token: string }>('auth.login', STAFF.receptionist)
  await hub.call('settings.update', { clinicPhone: '+91 80 4123 4567', clinicAddress: { line: '12 MG Road', city: 'Bengaluru', state: 'Karnataka', postalCode: '560001', country: 'IN' } }, adminToken)
  const users = await hub.call<Array<{ id: string; email: string }>>('users.list', {}, adminToken)
  const doctor = await hub.call<{ id: string }>('doctors.create', { name: 'Dr. Meera Iyer', colour: 'teal', userId: users.find((u) => u.email === STAFF.doctor.email)!.id }, adminToken)
  const allDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '20:00', slotMinutes: 15 }))
  await hub.call('availability.setWeekly', { doctorId: doctor.id, sessions: allDay }, adminToken)
  const type = await hub.call<{ id: string }>('appointmentTypes.save', { name: 'Consultation', durationMinutes: 15 }, adminToken)
  const patient = async (fields: Record<string, unknown>) => (await hub.call<{ patient: { id: string; number: string } }>('patients.create', fields, adminToken)).patient
  const anita = await patient({ name: 'Anita Desai', phone: '98450 11223', email: 'anita.desai@example.in' })
  const ramesh = await patient({ name: 'Ramesh Kumar', phone: '98450 44556', email: 'ramesh.kumar@example.in', preferredLanguage: 'hi' })
  const farhan = await patient({ name: 'Farhan Sheikh', phone: '98450 77889', email: 'farhan@example.in' })
  return { adminToken, deskToken: desk.token, doctorId: doctor.id, typeId: type.id, anita, ramesh, farhan }
}

/** Books the patient at the doctor's first free time two days from now (so both reminders are still to come), as the desk. */
export async function bookSoon(hub: HubProcess, clinic: MessagingClinic, patientId: string): Promise<{ id: string; start: string }> {
  const [slot] = await hub.call<Array<{ start: string }>>(
    'schedule.freeSlots',
    { typeId: clinic.typeId, doctorId: clinic.doctorId, from: kolkataDate(2), to: kolkataDate(3), limit: 1 },
    clinic.deskToken
  )
  return hub.call<{ id: string; start: string }>('appointments.book', { patientId, doctorId: clinic.doctorId, typeId: clinic.typeId, start: slot.start, reason: 'Fever' }, clinic.deskToken)
}
