import { kolkataDate } from './calendar-helpers'
import { expect, screenshot, seedClinic, signIn, STAFF, test } from './fixtures'

test.describe.configure({ mode: 'serial' })

test('the doctor sees today’s list in order, starts the waiting patient and completes the visit', async ({ page, hub }) => {
  const { adminToken } = await seedClinic(hub)
  const users = await hub.call<Array<{ id: string; email: string }>>('users.list', {}, adminToken)
  const doctor = await hub.call<{ id: string }>('doctors.create', { name: 'Dr. Meera Iyer', specialization: 'General practice', userId: users.find((u) => u.email === STAFF.doctor.email)!.id }, adminToken)
  // Hours all day, every day, so "today" has free time whenever the suite runs.
  await hub.call('availability.setWeekly', { doctorId: doctor.id, sessions: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:55', slotMinutes: 5 })) }, adminToken)
  const type = await hub.call<{ id: string }>('appointmentTypes.save', { name: 'Consultation', durationMinutes: 5 }, adminToken)
  const slots = await hub.call<Array<{ start: string }>>('schedule.freeSlots', { typeId: type.id, doctorId: doctor.id, from: kolkataDate(0), to: kolkataDate(1) }, adminToken)
  const names = ['Anita Desai', 'Ramesh Kumar', 'Sita Iyer']
  const booked: string[] = []
  for (const [i, name] of names.entries()) {
    const { patient } = await hub.call<{ patient: { id: string } }>('patients.create', { name }, adminToken)
    // Far enough apart to stay on one clinic day where possible; the list shows today's only.
    booked.push((await hub.call<{ id: string }>('appointments.book', { patientId: patient.id, doctorId: doctor.id, typeId: type.id, start: slots[i * 2].start, reason: i === 0 ? 'Fever for three days' : '' }, adminToken)).id)
  }
  await hub.call('appointments.setStatus', { id: booked[0], status: 'arrived' }, adminToken)
  const today = await hub.call<Array<{ id: string }>>('appointments.doctorDay', { date: kolkataDate(0), doctorId: doctor.id }, adminToken)
  test.skip(!today.some((a) => a.id === booked[0]), 'the clinic day ends within minutes: no time left today for the first booking')

  await page.goto(hub.url)
  await signIn(page, STAFF.doctor)
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Doctor' }).click()
  const list = page.getByRole('table', { name: "Today's appointments" })
  await expect(list.getByTestId('appointment-row').first()).toContainText('Anita Desai')
  // Marked arrived at the desk, she is in the doctor's queue with a token.
  const queue = page.getByRole('region', { name: 'Your queue' })
  await expect(queue.getByTestId('now-serving')).toContainText('Next: token 1, Anita Desai')
  await screenshot(page, 'doctor-01-day')
  await list.getByRole('button', { name: 'Start' }).click()
  await expect(queue.getByTestId('now-serving')).toContainText('Anita Desai')
  await expect(queue.getByTestId('now-serving')).toContainText('With you since')
  await list.getByRole('button', { name: 'Complete' }).click()
  await expect(list.getByTestId('appointment-row').first()).toContainText('Completed')
  // A doctor cannot check patients in or mark no-shows: that is the desk's.
  await expect(list.getByRole('button', { name: 'Arrived' })).toHaveCount(0)
})
