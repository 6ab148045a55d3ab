import { Alert, Box, Button, Code, FileButton, Group, Image, Loader, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { IconPhotoOff, IconTrash, IconUpload } from '@tabler/icons-react'
import { useEffect, useMemo, useState } from 'react'
import { ApiError, MAX_LOGO_BYTES, type Settings } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { showError } from '../../lib/errors'
import { countryOptions, CURRENCIES, timeZones } from '../../lib/locale'

export function ClinicSettings() {
  const api = useApi()
  const { settings, reloadSettings } = useSession()
  const [busy, setBusy] = useState(false)
  const zones = useMemo(() => timeZones(), [])
  const countries = useMemo(() => countryOptions(), [])
  const form = useForm<Settings>({ initialValues: settings ?? undefined })

  useEffect(() => {
    // Another change (the logo, another admin's save) is the new baseline, not an edit of this form's.
    if (settings && !form.isDirty()) {
      form.setValues(settings)
      form.resetDirty(settings)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settings])

  if (!settings) return null

  const save = form.onSubmit(async (values) => {
    setBusy(true)
    try {
      // The logo is set on its own (LetterheadLogo below); settings.update takes only what this form edits.
      const { clinicLogo: _logo, ...changes } = values
      await api.call('settings.update', changes)
      await reloadSettings()
      form.resetDirty()
      notifications.show({ color: 'teal', title: 'Saved', message: 'Clinic settings updated' })
    } catch (error) {
      showError(error, form.setErrors)
    } finally {
      setBusy(false)
    }
  })

  return (
    <Paper withBorder p="lg" component="form" onSubmit={save} aria-label="Clinic settings" maw={820}>
      <Stack>
        <Title order={4}>Clinic</Title>
        <TextInput label="Clinic name" withAsterisk {...form.getInputProps('clinicName')} />
        <TextInput label="Address" {...form.getInputProps('clinicAddress.line')} />
        <SimpleGrid cols={3}>
          <TextInput label="City" {...form.getInputProps('clinicAddress.city')} />
          <TextInput label="State" {...form.getInputProps('clinicAddress.state')} />
          <TextInput label="Postal code" {...form.getInputProps('clinicAddress.postalCode')} />
        </SimpleGrid>
        <SimpleGrid cols={3}>
          <TextInput label="Clinic phone" {...form.getInputProps('clinicPhone')} />
          <Select label="Time zone" searchable data={zones} {...form.getInputProps('timeZone')} />
          <Select label="Currency" searchable data={CURRENCIES} {...form.getInputProps('currency')} />
        </SimpleGrid>
        <Title order={4} mt="sm">
          Patients and security
        </Title>
        <SimpleGrid cols={3}>
          <Select label="Phone country" description="For numbers typed without +" searchable allowDeselect={false} data={countries} {...form.getInputProps('defaultCountry')} />
          <TextInput label="Patient number prefix" description="e.g. P-" {...form.getInputProps('patientNumberPrefix')} />
          <NumberInput label="Patient number digits" min={3} max={10} clampBehavior="none" {...form.getInputProps('patientNumberDigits')} />
        </SimpleGrid>
        <SimpleGrid cols={3}>
          <NumberInput label="Auto sign-out after (minutes idle)" min={1} max={1440} clampBehavior="none" {...form.getInputProps('autoLogoutMinutes')} />
          <NumberInput label="Longest session (hours)" min={1} max={336} clampBehavior="none" {...form.getInputProps('sessionHours')} />
          <Select
            label="Two-factor sign-in required for"
            description="An authenticator app's code as well as the password"
            allowDeselect={false}
            data={[
              { value: 'nobody', label: 'Nobody (optional)' },
              { value: 'admins', label: 'Admins' },
              { value: 'everyone', label: 'Everyone' }
            ]}
            {...form.getInputProps('twoFactorRequired')}
          />
        </SimpleGrid>
        <Switch
          label="Admins may read clinical notes, prescriptions and record files"
          description="Off by default: only doctors can read visit notes, prescriptions and the records uploaded to a patient's file."
          {...form.getInputProps('adminsSeeClinical', { type: 'checkbox' })}
        />
        <Title order={4} mt="sm">
          Queue and tokens
        </Title>
        <SimpleGrid cols={3}>
          <Select
            label="Token numbers count"
            allowDeselect={false}
            data={[
              { value: 'doctor', label: 'Per doctor, from 1 each day' },
              { value: 'clinic', label: 'Across the clinic, from 1 each day' }
            ]}
            {...form.getInputProps('tokenNumbering')}
          />
          <NumberInput
            label="Grace for booked patients (minutes)"
            description="Arriving this late still counts as on time"
            min={0}
            max={240}
            clampBehavior="none"
            {...form.getInputProps('lateGraceMinutes')}
          />
          <Select
            label="A later arrival is placed"
            description="Booked patients arriving after the grace"
            allowDeselect={false}
            data={[
              { value: 'arrival', label: 'By arrival time, like a walk-in' },
              { value: 'appointment', label: 'Still by appointment time' }
            ]}
            {...form.getInputProps('lateArrivalRule')}
          />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" disabled={!form.isDirty()} onClick={() => (form.setValues(settings), form.resetDirty(settings))}>
            Discard changes
          </Button>
          <Button type="submit" loading={busy} disabled={!form.isDirty()}>
            Save settings
          </Button>
        </Group>
      </Stack>
    </Paper>
  )
}

/** How staff reach this DocSpot, and the hub certificate's fingerprint to compare on each PC. */
export function ConnectionPanel() {
  const health = useApiQuery('system.health', {}, { shows: [] })
  const c = health.data?.connection
  if (!c) return null
  return (
    <Paper withBorder p="lg" maw={820} aria-label="Connection" component="section">
      <Stack gap="xs">
        <Title order={4}>Connection</Title>
        {c.kind === 'desktop' ? (
          <Text size="sm">This is the desktop app: its window works on this PC's own data folder, and nothing crosses the network.</Text>
        ) : c.insecure ? (
          <Alert color="red" title="Plain HTTP on the clinic's network">
            The hub was started with --insecure: passwords and patient records cross the network unencrypted. Restart it without --insecure (it then makes its own certificate) or with the clinic's certificate (--tls-cert, --tls-key).
          </Alert>
        ) : c.https ? (
          <>
            <Text size="sm">Staff reach this hub over HTTPS. The first time a PC connects, check that the certificate the browser shows (the padlock → certificate → SHA-256 fingerprint) is this one:</Text>
            <Code block fz="sm" data-testid="certificate-fingerprint" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {c.fingerprint}
            </Code>
          </>
        ) : (
          <Text size="sm">This hub answers only on this PC (plain HTTP on its loopback address). To serve the clinic's network, start it with --host 0.0.0.0: it then serves HTTPS.</Text>
        )}
      </Stack>
    </Paper>
  )
}

/** The logo printed at the top of prescriptions: set and removed at once, apart from the settings form. */
export function LetterheadLogo() {
  const api = useApi()
  const { settings } = useSession()
  const [busy, setBusy] = useState<'upload' | 'remove' | null>(null)
  const [error, setError] = useState<string | null>(null)
  const version = settings?.clinicLogo ?? null
  const logo = useApiQuery('settings.logo', {}, { shows: ['settings'], enabled: !!version, version })
  const file = version ? logo.data : null
  const url = useMemo(() => {
    if (!file) return null
    let text = ''
    for (let i = 0; i < file.bytes.length; i += 0x8000) text += String.fromCharCode(...file.bytes.subarray(i, i + 0x8000))
    return `data:${file.type};base64,${btoa(text)}`
  }, [file])

  if (!settings) return null

  const upload = async (chosen: File | null) => {
    if (!chosen) return
    setError(null)
    if (chosen.type && !['image/png', 'image/jpeg'].includes(chosen.type)) return setError(`${chosen.name} is not a PNG or JPEG image.`)
    if (chosen.size > MAX_LOGO_BYTES) return setError(`${chosen.name} is ${(chosen.size / 1024 / 1024).toFixed(1)} MB; the logo may be at most ${MAX_LOGO_BYTES / 1024 / 1024} MB. Save it smaller, or as a JPEG.`)
    setBusy('upload')
    try {
      await api.call('settings.setLogo', { file: new Uint8Array(await chosen.arrayBuffer()) })
      notifications.show({ color: 'teal', title: 'Logo saved', message: 'Prescriptions now print it at the top' })
    } catch (e) {
      setError(e instanceof ApiError && e.fields?.file ? `The logo ${e.fields.file}.` : e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(null)
    }
  }

  const remove = async () => {
    setError(null)
    setBusy('remove')
    try {
      await api.call('settings.removeLogo', {})
      notifications.show({ color: 'teal', title: 'Logo removed', message: 'Prescriptions print the clinic name only' })
    } catch (e) {
      showError(e, undefined, 'Not removed')
    } finally {
      setBusy(null)
    }
  }

  return (
    <Paper withBorder p="lg" maw={820} component="section" aria-labelledby="letterhead-logo">
      <Stack gap="sm">
        <div>
          <Title order={4} id="letterhead-logo">
            Letterhead logo
          </Title>
          <Text size="sm" c="dimmed">
            Printed at the top of prescriptions, beside the clinic name and address. A PNG or JPEG up to {MAX_LOGO_BYTES / 1024 / 1024} MB; a transparent PNG prints best. Saved as soon as you choose it.
          </Text>
        </div>
        <Group align="center" gap="lg" wrap="nowrap">
          <Box
            w={220}
            h={110}
            p="xs"
            bd="1px dashed var(--mantine-color-default-border)"
            style={{ borderRadius: 'var(--mantine-radius-md)', display: 'flex', alignItems: 'center', justifyContent: 'center', flexShrink: 0 }}
            data-testid="logo-preview"
          >
            {url ? (
              <Image src={url} alt="The clinic's letterhead logo" fit="contain" mah="100%" maw="100%" w="auto" h="auto" />
            ) : version && logo.isLoading ? (
              <Loader size="sm" aria-label="Loading the logo" />
            ) : (
              <Stack gap={4} align="center">
                <IconPhotoOff size={28} stroke={1.4} color="var(--mantine-color-dimmed)" />
                <Text size="xs" c="dimmed">
                  No logo
                </Text>
              </Stack>
            )}
          </Box>
          <Stack gap="xs">
            <FileButton accept="image/png,image/jpeg" onChange={(f) => void upload(f)}>
              {(props) => (
                <Button {...props} variant="default" leftSection={<IconUpload size={16} />} loading={busy === 'upload'} disabled={busy === 'remove'}>
                  {version ? 'Replace logo' : 'Upload logo'}
                </Button>
              )}
            </FileButton>
            {version && (
              <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} loading={busy === 'remove'} disabled={busy === 'upload'} onClick={() => void remove()}>
                Remove logo
              </Button>
            )}
          </Stack>
        </Group>
        {error && (
          <Alert color="red" title="Logo not saved" withCloseButton onClose={() => setError(null)}>
            {error}
          </Alert>
        )}
      </Stack>
    </Paper>
  )
}
