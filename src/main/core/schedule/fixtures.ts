// Test helpers for scheduling: a clinic with doctors, hours and an appointment type, made through the API.
import type { Appointment, AppointmentType, Doctor, Patient } from '../../../shared/api'
import type { Core } from '../create-core'
import { call } from '../testing'

export interface Practice {
  doctors: Doctor[]
  consult: AppointmentType
  patients: Patient[]
  book(input: { patient?: number; doctor?: number; start: string; overbookReason?: string; token?: string }): Promise<Appointment>
}

/**
 * Doctors working Monday to Saturday 09:00–13:00 in 15-minute slots, a 15-minute
 * "Consultation", and patients. The test clinic is in Europe/London.
 */
export async function setUpPractice(core: Core, adminToken: string, counts = { doctors: 2, patients: 3 }): Promise<Practice> {
  const doctors: Doctor[] = []
  for (let i = 0; i < counts.doctors; i++) {
    const doctor = await call<Doctor>(
      core,
      'doctors.create',
      { name: `Dr. ${['Meera Iyer', 'Arjun Rao', 'Sara Khan', 'Tom Ellis', 'Lena Park'][i] ?? `Doctor ${i + 1}`}`, specialization: i % 2 ? 'Paediatrics' : 'General practice', login: { email: `doctor${i + 1}@sunrise.example`, password: 'consulting room password' } },
      adminToken
    )
    await call(core, 'availability.setWeekly', { doctorId: doctor.id, sessions: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '09:00', end: '13:00', slotMinutes: 15 })) }, adminToken)
    doctors.push(doctor)
  }
  const consult = await call<AppointmentType>(core, 'appointmentTypes.save', { name: 'Consultation', durationMinutes: 15, colour: 'teal', priceMinor: 50000 }, adminToken)
  const patients: Patient[] = []
  for (let i = 0; i < counts.patients; i++) {
    patients.push((await call<{ patient: Patient }>(core, 'patients.create', { name: `${['Anita Desai', 'Ramesh Kumar', 'Oliver Brown', 'Sita Iyer', 'Chen Wei'][i] ?? `Patient ${i}`}`, allowDuplicate: true }, adminToken)).patient)
  }
  return {
    doctors,
    consult,
    patients,
    book: ({ patient = 0, doctor = 0, start, overbookReason, token }) =>
      call<Appointment>(core, 'appointments.book', { patientId: patients[patient].id, doctorId: doctors[doctor].id, typeId: consult.id, start, ...(overbookReason ? { overbookReason } : {}) }, token ?? adminToken)
  }
}
