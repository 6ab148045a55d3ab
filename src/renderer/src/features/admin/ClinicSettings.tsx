import { Alert, Button, Code, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { notifications } from '@mantine/notifications'
import { useEffect, useMemo, useState } from 'react'
import type { Settings } from '../../../../shared/api'
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
    if (settings && !form.isDirty()) form.setValues(settings)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settings])

  if (!settings) return null

  const save = form.onSubmit(async (values) => {
    setBusy(true)
    try {
      await api.call('settings.update', values)
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
          <Button variant="default" disabled={!form.isDirty()} onClick={() => form.setValues(settings)}>
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
