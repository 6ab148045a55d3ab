import { Button, Center, Group, Paper, PasswordInput, Select, SimpleGrid, Stack, Stepper, Text, TextInput, Title } from '@mantine/core'
import { useForm } from '@mantine/form'
import { useMemo, useState } from 'react'
import { useApi, useSession } from '../../api/context'
import { showError } from '../../lib/errors'
import { countryDefaults, countryOptions, CURRENCIES, guessLocale, timeZones } from '../../lib/locale'
import { Logo } from '../../shell/Logo'

/** First run: the clinic, then its first admin account. */
export function SetupWizard({ onDone }: { onDone: () => void }) {
  const api = useApi()
  const { signedIn } = useSession()
  const [step, setStep] = useState(0)
  const [busy, setBusy] = useState(false)
  const guess = useMemo(() => guessLocale(), [])
  const zones = useMemo(() => timeZones(), [])
  const countries = useMemo(() => countryOptions(), [])

  const form = useForm({
    initialValues: {
      clinic: {
        clinicName: '',
        clinicPhone: '',
        clinicAddress: { line: '', city: '', state: '', postalCode: '', country: '' },
        timeZone: guess.timeZone,
        currency: guess.currency,
        defaultCountry: guess.country
      },
      admin: { name: '', email: '', password: '', confirm: '' }
    },
    validate: (values) => {
      const errors: Record<string, string> = {}
      if (step === 0) {
        if (!values.clinic.clinicName.trim()) errors['clinic.clinicName'] = 'Enter the clinic name'
        if (!values.clinic.timeZone) errors['clinic.timeZone'] = 'Choose the clinic time zone'
        if (!/^[A-Z]{3}$/.test(values.clinic.currency)) errors['clinic.currency'] = 'Choose a currency'
        if (!/^[A-Z]{2}$/.test(values.clinic.defaultCountry)) errors['clinic.defaultCountry'] = 'Choose the clinic’s country'
      } else {
        if (!values.admin.name.trim()) errors['admin.name'] = 'Enter your name'
        if (!/^\S+@\S+\.\S+$/.test(values.admin.email.trim())) errors['admin.email'] = 'Enter a valid email address'
        if (values.admin.password.length < 12) errors['admin.password'] = 'Use at least 12 characters'
        if (values.admin.confirm !== values.admin.password) errors['admin.confirm'] = 'Passwords do not match'
      }
      return errors
    }
  })

  const next = form.onSubmit(async (values) => {
    if (step === 0) return setStep(1)
    setBusy(true)
    try {
      const { confirm: _confirm, ...admin } = values.admin
      const session = await api.call('setup.createClinic', { clinic: values.clinic, admin })
      await signedIn(session)
      onDone()
    } catch (error) {
      showError(error, (fields) => {
        form.setErrors(fields)
        if (Object.keys(fields).some((f) => f.startsWith('clinic.'))) setStep(0)
      })
    } finally {
      setBusy(false)
    }
  })

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={640} component="form" onSubmit={next} aria-label="Set up your clinic">
        <Stack gap="lg">
          <Logo />
          <div>
            <Title order={2}>Welcome to DocSpot</Title>
            <Text c="dimmed">Two steps: your clinic, then your own admin account. You can change all of this later in Admin.</Text>
          </div>
          <Stepper active={step} onStepClick={(s) => s < step && setStep(s)} size="sm">
            <Stepper.Step label="Clinic" description="Name, place and time zone">
              <Stack mt="md">
                <TextInput label="Clinic name" withAsterisk autoFocus {...form.getInputProps('clinic.clinicName')} />
                <TextInput label="Address" placeholder="Street and number" {...form.getInputProps('clinic.clinicAddress.line')} />
                <SimpleGrid cols={3}>
                  <TextInput label="City" {...form.getInputProps('clinic.clinicAddress.city')} />
                  <TextInput label="State" {...form.getInputProps('clinic.clinicAddress.state')} />
                  <TextInput label="Postal code" {...form.getInputProps('clinic.clinicAddress.postalCode')} />
                </SimpleGrid>
                <TextInput label="Clinic phone" {...form.getInputProps('clinic.clinicPhone')} />
                <SimpleGrid cols={3}>
                  <Select
                    label="Country"
                    placeholder="Choose the clinic's country"
                    withAsterisk
                    searchable
                    data={countries}
                    {...form.getInputProps('clinic.defaultCountry')}
                    onChange={(code) => {
                      if (!code) return
                      form.setFieldValue('clinic.defaultCountry', code)
                      const suggested = countryDefaults(code)
                      if (suggested.timeZone) form.setFieldValue('clinic.timeZone', suggested.timeZone)
                      if (suggested.currency) form.setFieldValue('clinic.currency', suggested.currency)
                    }}
                  />
                  <Select label="Time zone" withAsterisk searchable data={zones} placeholder="Set from the country" {...form.getInputProps('clinic.timeZone')} />
                  <Select label="Currency" withAsterisk searchable data={CURRENCIES} placeholder="Set from the country" {...form.getInputProps('clinic.currency')} />
                </SimpleGrid>
              </Stack>
            </Stepper.Step>
            <Stepper.Step label="Admin account" description="You sign in with this">
              <Stack mt="md">
                <TextInput label="Your name" withAsterisk autoFocus {...form.getInputProps('admin.name')} />
                <TextInput label="Email" type="email" withAsterisk autoComplete="username" {...form.getInputProps('admin.email')} />
                <PasswordInput label="Password" description="At least 12 characters" withAsterisk autoComplete="new-password" {...form.getInputProps('admin.password')} />
                <PasswordInput label="Repeat password" withAsterisk autoComplete="new-password" {...form.getInputProps('admin.confirm')} />
              </Stack>
            </Stepper.Step>
          </Stepper>
          <Group justify="space-between">
            <Button variant="default" disabled={step === 0} onClick={() => setStep(0)}>
              Back
            </Button>
            <Button type="submit" loading={busy}>
              {step === 0 ? 'Next' : 'Create clinic'}
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Center>
  )
}
