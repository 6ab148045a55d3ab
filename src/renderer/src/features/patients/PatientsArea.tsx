import { Navigate, Route, Routes } from 'react-router'
import { useCan } from '../../api/queries'
import { PatientProfile } from './PatientProfile'
import { PatientsList } from './PatientsList'
import { EditPatient, RegisterPatient } from './RegisterPatient'

/** Routes under /patients: list and search, /patients/new, /patients/:id, /patients/:id/edit. */
export function PatientsArea() {
  // Doctors read records; the desk writes them (the core refuses doctors' writes as well).
  const canEdit = useCan()('patients.update')
  return (
    <Routes>
      <Route index element={<PatientsList />} />
      <Route path="new" element={canEdit ? <RegisterPatient /> : <Navigate to="/patients" replace />} />
      <Route path=":id" element={<PatientProfile />} />
      <Route path=":id/edit" element={canEdit ? <EditPatient /> : <Navigate to=".." relative="path" replace />} />
    </Routes>
  )
}
