import { Navigate, Route, Routes } from 'react-router'
import { useCan } from '../../api/queries'
import { PatientProfile } from './PatientProfile'
import { PatientsList } from './PatientsList'
import { EditPatient, RegisterPatient } from './RegisterPatient'
import { ChartPage } from '../visits/ChartPage'
import { VisitScreen } from '../visits/VisitScreen'
import { useClinicalAccess } from '../visits/clinical-access'

/** Routes under /patients: list and search, /patients/new, /patients/:id, /patients/:id/edit, the chart and its visits. */
export function PatientsArea() {
  // Doctors read records; the desk writes them (the core refuses doctors' writes as well).
  const canEdit = useCan()('patients.update')
  const clinical = useClinicalAccess()
  return (
    <Routes>
      <Route index element={<PatientsList />} />
      <Route path="new" element={canEdit ? <RegisterPatient /> : <Navigate to="/patients" replace />} />
      <Route path=":id" element={<PatientProfile />} />
      <Route path=":id/edit" element={canEdit ? <EditPatient /> : <Navigate to=".." relative="path" replace />} />
      {/* Someone who may not read clinical content, given a chart or visit address, sees the patient's profile instead. */}
      <Route path=":id/chart" element={clinical.read ? <ChartPage /> : <PatientProfile />} />
      <Route path=":id/visits/:visitId" element={clinical.read ? <VisitScreen /> : <PatientProfile />} />
    </Routes>
  )
}

