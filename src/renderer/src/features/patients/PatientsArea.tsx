import { Route, Routes } from 'react-router'
import { PatientProfile } from './PatientProfile'
import { PatientsList } from './PatientsList'
import { EditPatient, RegisterPatient } from './RegisterPatient'

/** Routes under /patients: list and search, /patients/new, /patients/:id, /patients/:id/edit. */
export function PatientsArea() {
  return (
    <Routes>
      <Route index element={<PatientsList />} />
      <Route path="new" element={<RegisterPatient />} />
      <Route path=":id" element={<PatientProfile />} />
      <Route path=":id/edit" element={<EditPatient />} />
    </Routes>
  )
}
