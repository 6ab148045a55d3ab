import { Alert, Center, Loader, Stack, Text, Button } from '@mantine/core'
import { useCallback, useEffect, useState } from 'react'
import { HashRouter } from 'react-router'
import type { Connection, SessionInfo } from '../../shared/api'
import { createClient } from './api/client'
import { ApiProvider, useSession } from './api/context'
import { ForcedPasswordChange } from './features/auth/Account'
import { LoginScreen } from './features/auth/LoginScreen'
import { ForcedTwoFactor } from './features/auth/TwoFactor'
import { SetupWizard } from './features/setup/SetupWizard'
import { Shell } from './shell/Shell'

const client = createClient()

type Boot = { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; needsSetup: boolean; clinicName: string | null; session: SessionInfo | null; connection: Connection }

async function loadBoot(): Promise<Boot> {
  try {
    const [status, health] = await Promise.all([client.call('setup.status'), client.call('system.health')])
    const session = status.needsSetup ? null : await client.call('auth.session').catch(() => null)
    return { phase: 'ready', needsSetup: status.needsSetup, clinicName: status.clinicName, session, connection: health.connection }
  } catch (error) {
    return { phase: 'error', message: (error as Error).message }
  }
}

export function App() {
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' })

  const start = useCallback(() => void loadBoot().then(setBoot), [])
  useEffect(start, [start])

  if (boot.phase === 'loading')
    return (
      <Center h="100vh">
        <Loader aria-label="Loading DocSpot" />
      </Center>
    )
  if (boot.phase === 'error')
    return (
      <Center h="100vh">
        <Stack align="center" maw={420}>
          <Text fw={600}>DocSpot cannot reach its data</Text>
          <Text c="dimmed" ta="center">
            {boot.message}
          </Text>
          <Button
            onClick={() => {
              setBoot({ phase: 'loading' })
              start()
            }}
          >
            Try again
          </Button>
        </Stack>
      </Center>
    )
  return (
    <ApiProvider client={client} initialSession={boot.session}>
      {boot.connection.insecure && <InsecureBanner />}
      <HashRouter>
        <Gate needsSetup={boot.needsSetup} clinicName={boot.clinicName} />
      </HashRouter>
    </ApiProvider>
  )
}

function Gate({ needsSetup, clinicName }: { needsSetup: boolean; clinicName: string | null }) {
  const { session, settings } = useSession()
  const [setUp, setSetUp] = useState(!needsSetup)
  if (!setUp) return <SetupWizard onDone={() => setSetUp(true)} />
  if (!session) return <LoginScreen clinicName={settings?.clinicName ?? clinicName} />
  if (session.user.mustChangePassword) return <ForcedPasswordChange />
  if (session.mustEnrolTwoFactor) return <ForcedTwoFactor />
  return <Shell />
}

/** On every screen of a hub the admin started with --insecure: the LAN sees everything in clear. */
function InsecureBanner() {
  return (
    <Alert
      role="alert"
      color="red"
      variant="filled"
      radius={0}
      title="Not encrypted"
      style={{ position: 'fixed', bottom: 0, left: 0, right: 0, zIndex: 1000 }}
      py={6}
    >
      This hub serves the clinic's network over plain HTTP (started with --insecure). Passwords and patient records cross the network unencrypted.
      Ask the admin to restart it with HTTPS.
    </Alert>
  )
}
