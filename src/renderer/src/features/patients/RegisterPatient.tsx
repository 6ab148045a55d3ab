import { Anchor, Breadcrumbs, Center, Loader, Stack, Text, Title } from '@mantine/core'
import { useCallback, useEffect, useState } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import type { Patient } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { NoSuchPatient } from './PatientProfile'
import { PatientForm } from './PatientForm'

export function RegisterPatient() {
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const { settings } = useSession()
  const prefill = { name: params.get('name') ?? undefined, phone: params.get('phone') ?? undefined }
  return (
    <Stack gap="md">
      <div>
        <Breadcrumbs>
          <Anchor component={Link} to="/patients" size="sm">
            Patients
          </Anchor>
          <Text size="sm">New</Text>
        </Breadcrumbs>
        <Title order={2}>Register patient</Title>
      </div>
      {/* Wait for settings: the phone check needs the clinic's country. */}
      {settings ? <PatientForm key={params.toString()} prefill={prefill} onCancel={() => navigate(-1)} /> : <Loader size="sm" />}
    </Stack>
  )
}

export function EditPatient() {
  const api = useApi()
  const navigate = useNavigate()
  const { id = '' } = useParams()
  const { settings } = useSession()
  const [state, setState] = useState<{ id: string; patient: Patient | null; missing?: boolean } | null>(null)

  const load = useCallback(
    () =>
      void api.call('patients.get', { id }).then(
        (patient) => setState({ id, patient }),
        () => setState({ id, patient: null, missing: true })
      ),
    [api, id]
  )
  useEffect(load, [load])

  if (state?.missing) return <NoSuchPatient />
  if (!state || state.id !== id || !state.patient || !settings)
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    )
  const patient = state.patient
  return (
    <Stack gap="md">
      <div>
        <Breadcrumbs>
          <Anchor component={Link} to="/patients" size="sm">
            Patients
          </Anchor>
          <Anchor component={Link} to={`/patients/${patient.id}`} size="sm">
            {patient.name} {patient.number}
          </Anchor>
          <Text size="sm">Edit</Text>
        </Breadcrumbs>
        <Title order={2}>Edit {patient.name}</Title>
      </div>
      <PatientForm key={patient.id + patient.updatedAt} patient={patient} onCancel={() => navigate(`/patients/${patient.id}`)} />
    </Stack>
  )
}
