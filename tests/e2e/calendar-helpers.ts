import type { HubProcess } from './fixtures'

/** A clinic date n days from today in Asia/Kolkata (the e2e clinic's zone). */
export function kolkataDate(daysAhead: number): string {
  const now = new Date(Date.now() + daysAhead * 86_400_000)
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

/** A Kolkata wall time on a date as an instant: IST is UTC+05:30 all year. */
export const ist = (date: string, time: string) => `${date}T${time}:00+05:30`

const NAMES = ['Dr. Meera Iyer', 'Dr. Arjun Rao', 'Dr. Sara Khan', 'Dr. Vikram Singh', 'Dr. Lakshmi Nair', 'Dr. Imran Qureshi', 'Dr. Priya Menon', 'Dr. Rahul Gupta']
const SPECIALIZATIONS = ['General practice', 'Paediatrics', 'Dermatology', 'Orthopaedics', 'Gynaecology', 'ENT', 'General practice', 'Cardiology']
const PATIENTS = ['Anita Desai', 'Ramesh Kumar', 'Sita Iyer', 'Farhan Sheikh', 'Kavya Reddy', 'Joseph Thomas', 'Neha Gupta', 'Arjun Pillai', 'Zoya Khan', 'Mohan Das', 'Deepa Nair', 'Rohan Shah', 'Uma Krishnan', 'Vinod Patil', 'Tanvi Joshi', 'Harish Rao']

/** Eight doctors working every day 09:00–13:00 and 16:00–19:00 in 15-minute slots, types, patients, and a realistic day booked on `date`. */
export async function seedSchedule(hub: HubProcess, token: string, date: string, options: { doctors?: number; book?: boolean } = {}) {
  const users = await hub.call<Array<{ id: string; email: string }>>('users.list', {}, token)
  const meeraUser = users.find((u) => u.email === 'meera@sunrise.example')!
  const doctors: Array<{ id: string; name: string }> = []
  for (let i = 0; i < (options.doctors ?? 8); i++) {
    const profile = { name: NAMES[i], specialization: SPECIALIZATIONS[i] }
    const doctor = await hub.call<{ id: string; name: string }>(
      'doctors.create',
      i === 0 ? { ...profile, userId: meeraUser.id } : { ...profile, login: { email: `doctor${i}@sunrise.example`, password: 'consulting room password' } },
      token
    )
    const sessions = [1, 2, 3, 4, 5, 6, 7].flatMap((weekday) => [
      { weekday, start: '09:00', end: '13:00', slotMinutes: 15 },
      { weekday, start: '16:00', end: '19:00', slotMinutes: 15 }
    ])
    await hub.call('availability.setWeekly', { doctorId: doctor.id, sessions }, token)
    doctors.push(doctor)
  }
  const consult = await hub.call<{ id: string }>('appointmentTypes.save', { name: 'Consultation', durationMinutes: 15, colour: 'teal', priceMinor: 50000 }, token)
  const review = await hub.call<{ id: string }>('appointmentTypes.save', { name: 'Follow-up', durationMinutes: 15, colour: 'grape', priceMinor: 30000 }, token)
  const long = await hub.call<{ id: string }>('appointmentTypes.save', { name: 'Procedure', durationMinutes: 30, colour: 'orange', priceMinor: 150000 }, token)
  const patients: Array<{ id: string; name: string }> = []
  for (const [i, name] of PATIENTS.entries()) {
    patients.push((await hub.call<{ patient: { id: string; name: string } }>('patients.create', { name, phone: `98${String(40000000 + i * 7919).padStart(8, '0')}`, allowDuplicate: true }, token)).patient)
  }
  if (options.book !== false) {
    const times = ['09:00', '09:30', '10:15', '11:00', '11:45', '16:15', '17:00', '18:00']
    let n = 0
    for (const [d, doctor] of doctors.entries()) {
      for (const [k, time] of times.entries()) {
        if ((d + k) % 3 === 0) continue // some free time in every column
        const type = [consult, review, long][(d + k) % 3]
        await hub.call('appointments.book', { patientId: patients[n++ % patients.length].id, doctorId: doctor.id, typeId: type.id, start: ist(date, time), reason: ['Fever', 'Review of reports', 'Back pain', ''][k % 4] }, token)
      }
    }
  }
  return { doctors, consult, patients }
}
