import { Alert, Badge, Button, Code, Group, Modal, Paper, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core'
import { IconDeviceTv, IconKey, IconPlugConnectedX } from '@tabler/icons-react'
import { useState } from 'react'
import type { Display } from '../../../../shared/api'
import { useApi, useSession } from '../../api/context'
import { useApiQuery } from '../../api/queries'
import { clinicClock, clinicDate, dayLabel } from '../../lib/clinic-time'
import { showError } from '../../lib/errors'

/** Waiting-room screens: add one, pair it with a code, turn its chime on or off, unpair it. */
export function WaitingRoomScreens() {
  const api = useApi()
  const { settings } = useSession()
  const tz = settings?.timeZone ?? 'UTC'
  const displays = useApiQuery('displays.list', {}, { shows: ['displays'] })
  const health = useApiQuery('system.health', {}, { shows: [] })
  const [name, setName] = useState('Waiting room TV')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [code, setCode] = useState<{ display: Display; pairingCode: string } | null>(null)
  const connection = health.data?.connection
  // The hub's own address as this browser reached it; the desktop app has none to give.
  const address = location.protocol.startsWith('http') ? `${location.origin}/display` : 'https://<the hub PC>:<port>/display'

  const add = async () => {
    setErrors({})
    try {
      setCode(await api.call('displays.create', { name }))
    } catch (error) {
      showError(error, setErrors)
    }
  }
  const act = (work: Promise<unknown>) => void work.catch((e) => showError(e))

  return (
    <Stack maw={900}>
      <Paper withBorder p="lg">
        <Stack gap="xs">
          <Title order={4}>Waiting-room screens</Title>
          <Text size="sm">
            A TV&apos;s browser or a second monitor shows the queues in large type: the token now with each doctor and the next few. It shows token numbers only, never
            a patient&apos;s name, and needs no staff sign-in. Open this address on the screen, press F11 for full screen, and enter the pairing code:
          </Text>
          <Code fz="md" data-testid="display-address">
            {address}
          </Code>
          {connection?.kind === 'desktop' && (
            <Alert color="yellow" variant="light">
              This is the desktop app. The screen page is served by the hub: start the hub (see the README) and open its address on the screen.
            </Alert>
          )}
          <Group align="flex-end" component="form" onSubmit={(e) => (e.preventDefault(), void add())}>
            <TextInput label="Screen name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} style={{ flex: 1 }} />
            <Button type="submit" leftSection={<IconDeviceTv size={16} />}>
              Add a screen
            </Button>
          </Group>
        </Stack>
      </Paper>
      {displays.data && displays.data.length > 0 && (
        <Table withTableBorder striped aria-label="Screens">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Screen</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Chime</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {displays.data.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>{d.name}</Table.Td>
                <Table.Td>
                  {d.paired ? (
                    <Badge color="teal" variant="light">
                      Paired {dayLabel(clinicDate(d.pairedAt!, tz))}, {clinicClock(d.pairedAt!, tz)}
                    </Badge>
                  ) : d.codeExpiresAt ? (
                    <Badge color="yellow" variant="light">
                      Code valid until {clinicClock(d.codeExpiresAt, tz)}
                    </Badge>
                  ) : (
                    <Badge color="gray" variant="light">
                      Not paired
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Switch aria-label={`Chime on ${d.name}`} checked={d.chime} onChange={(e) => act(api.call('displays.update', { id: d.id, chime: e.currentTarget.checked }))} />
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end">
                    <Button size="xs" variant="default" leftSection={<IconKey size={14} />} onClick={() => void api.call('displays.newCode', { id: d.id }).then(setCode, (e) => showError(e))}>
                      New code
                    </Button>
                    <Button size="xs" variant="subtle" color="red" leftSection={<IconPlugConnectedX size={14} />} onClick={() => act(api.call('displays.revoke', { id: d.id }))}>
                      Unpair
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={code !== null} onClose={() => setCode(null)} title={code ? `Pair ${code.display.name}` : ''} centered>
        {code && (
          <Stack align="center">
            <Text size="sm" ta="center">
              On the screen, open <b>{address}</b> and enter:
            </Text>
            <Text fz={48} fw={800} ff="monospace" data-testid="pairing-code" style={{ letterSpacing: 8 }}>
              {code.pairingCode}
            </Text>
            <Text size="sm" c="dimmed">
              The code works once, until {code.display.codeExpiresAt ? clinicClock(code.display.codeExpiresAt, tz) : 'it expires'} (15 minutes).
            </Text>
            <Button onClick={() => setCode(null)} data-autofocus>
              Done
            </Button>
          </Stack>
        )}
      </Modal>
    </Stack>
  )
}
