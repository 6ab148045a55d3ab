import { Alert, Avatar, Button, ColorInput, FileButton, Group, Modal, NumberInput, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconCamera, IconFileUpload, IconId } from '@tabler/icons-react'
import { useState } from 'react'
import { ApiError, MAX_DOCTOR_PHOTO_BYTES, MAX_ID_DOCUMENT_BYTES, type Doctor } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { useFileUrl } from '../../api/files'
import { saveFile } from '../../lib/files'
import { describeError } from './merge/errors'

type Fields = Pick<Doctor, 'name' | 'specialization' | 'qualifications' | 'yearsExperience' | 'registrationNumber' | 'phone' | 'emergencyContact' | 'email' | 'address' | 'idDocumentNumber' | 'dailyCap' | 'colour'>

/** A doctor's whole profile, with photo and identity-document scan. */
export function DoctorProfile({ doctor, onClose }: { doctor: Doctor; onClose(): void }) {
  const api = useApi()
  const [form, setForm] = useState<Fields>({
    name: doctor.name,
    specialization: doctor.specialization,
    qualifications: doctor.qualifications,
    yearsExperience: doctor.yearsExperience,
    registrationNumber: doctor.registrationNumber,
    phone: doctor.phone,
    emergencyContact: doctor.emergencyContact,
    email: doctor.email,
    address: doctor.address,
    idDocumentNumber: doctor.idDocumentNumber,
    dailyCap: doctor.dailyCap,
    colour: doctor.colour
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const photo = useFileUrl('doctors.photo', doctor.id, doctor.photoVersion)
  const text = (key: keyof Fields) => ({
    value: (form[key] as string) ?? '',
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setForm({ ...form, [key]: e.currentTarget.value }),
    error: errors[`fields.${key}`]
  })
  const upload = async (method: 'doctors.setPhoto' | 'doctors.setIdDocument', file: File | null, max: number, what: string) => {
    if (!file) return
    if (file.size > max) return notifications.show({ color: 'red', title: `${what} not saved`, message: `${file.name} is larger than ${max / 1024 / 1024} MB` })
    try {
      await api.call(method, { id: doctor.id, file: new Uint8Array(await file.arrayBuffer()) })
      notifications.show({ color: 'teal', title: `${what} saved`, message: doctor.name })
    } catch (error) {
      notifications.show({ color: 'red', title: `${what} not saved`, message: describeError(error) })
    }
  }
  const save = async () => {
    setBusy(true)
    setErrors({})
    try {
      await api.call('doctors.update', { id: doctor.id, fields: form })
      notifications.show({ color: 'teal', title: 'Profile saved', message: form.name })
      onClose()
    } catch (error) {
      setErrors(error instanceof ApiError && error.fields ? error.fields : { form: describeError(error) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal opened onClose={onClose} title={`${doctor.name}: profile`} size="xl">
      <Stack component="form" aria-label="Doctor profile" onSubmit={(e) => (e.preventDefault(), void save())}>
        <Group align="flex-start">
          <Avatar src={photo} size={96} radius="md" color="teal" alt={photo ? `Photo of ${doctor.name}` : undefined}>
            {doctor.name.replace(/^Dr\.?\s*/, '').slice(0, 1)}
          </Avatar>
          <Stack gap={6}>
            <FileButton accept="image/jpeg,image/png,image/webp" onChange={(f) => void upload('doctors.setPhoto', f, MAX_DOCTOR_PHOTO_BYTES, 'Photo')}>
              {(props) => (
                <Button {...props} variant="default" size="xs" leftSection={<IconCamera size={14} />}>
                  {doctor.photoVersion ? 'Change photo' : 'Add photo'}
                </Button>
              )}
            </FileButton>
            <FileButton accept="application/pdf,image/jpeg,image/png" onChange={(f) => void upload('doctors.setIdDocument', f, MAX_ID_DOCUMENT_BYTES, 'Identity document')}>
              {(props) => (
                <Button {...props} variant="default" size="xs" leftSection={<IconFileUpload size={14} />}>
                  {doctor.hasIdDocument ? 'Replace identity scan' : 'Upload identity scan'}
                </Button>
              )}
            </FileButton>
            {doctor.hasIdDocument && (
              <Button variant="subtle" size="xs" leftSection={<IconId size={14} />} onClick={() => void api.call('doctors.idDocument', { id: doctor.id }).then((f) => f && saveFile(f))}>
                Download identity scan
              </Button>
            )}
          </Stack>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Name" required {...text('name')} />
          <TextInput label="Specialization" {...text('specialization')} />
          <TextInput label="Qualifications" {...text('qualifications')} />
          <NumberInput label="Years of experience" min={0} max={80} value={form.yearsExperience ?? ''} onChange={(v) => setForm({ ...form, yearsExperience: v === '' ? null : Number(v) })} error={errors['fields.yearsExperience']} />
          <TextInput label="Registration number" {...text('registrationNumber')} />
          <TextInput label="Identity document number" {...text('idDocumentNumber')} />
          <TextInput label="Phone" {...text('phone')} />
          <TextInput label="Email" {...text('email')} />
          <TextInput label="Emergency contact" {...text('emergencyContact')} />
          <NumberInput label="Daily limit of appointments" description="Empty: no limit" min={1} max={200} value={form.dailyCap ?? ''} onChange={(v) => setForm({ ...form, dailyCap: v === '' ? null : Number(v) })} error={errors['fields.dailyCap']} />
          <ColorInput label="Colour" value={form.colour} onChange={(colour) => setForm({ ...form, colour })} error={errors['fields.colour']} />
        </SimpleGrid>
        <Textarea label="Address" autosize minRows={2} {...text('address')} />
        {errors.form && <Alert color="red">{errors.form}</Alert>}
        {Object.keys(errors).length > 0 && !errors.form && (
          <Text c="red" size="sm" role="alert">
            Please correct the marked fields.
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button type="submit" loading={busy}>
            Save profile
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
