import { Stack, Tabs, Text, Title } from '@mantine/core'
import { FeedbackReport } from '../feedback/FeedbackReport'
import { ClinicSettings, ConnectionPanel, LetterheadLogo } from './ClinicSettings'
import { DoctorsAdmin } from './DoctorsAdmin'
import { ImportPatients } from './ImportPatients'
import { JournalScreen } from './JournalScreen'
import { MergePatients } from './MergePatients'
import { MessagingAdmin } from './messaging/MessagingAdmin'
import { Permissions } from './Permissions'
import { StaffAccounts } from './StaffAccounts'
import { WaitingRoomScreens } from './WaitingRoomScreens'

export function AdminHome() {
  return (
    <Stack>
      <div>
        <Title order={2}>Admin</Title>
        <Text c="dimmed">Set up the clinic and the people who use DocSpot.</Text>
      </div>
      {/* Ten tabs: a little less padding keeps them on one line on a 1366-wide screen. */}
      <Tabs defaultValue="clinic" keepMounted={false} styles={{ tab: { paddingInline: 'var(--mantine-spacing-xs)' } }}>
        <Tabs.List>
          <Tabs.Tab value="clinic">Clinic</Tabs.Tab>
          <Tabs.Tab value="staff">Staff accounts</Tabs.Tab>
          <Tabs.Tab value="doctors">Doctors and types</Tabs.Tab>
          <Tabs.Tab value="messages">Messages</Tabs.Tab>
          <Tabs.Tab value="screens">Waiting room</Tabs.Tab>
          <Tabs.Tab value="feedback">Feedback</Tabs.Tab>
          <Tabs.Tab value="merge">Merge patients</Tabs.Tab>
          <Tabs.Tab value="import">Import patients</Tabs.Tab>
          <Tabs.Tab value="journal">Journal</Tabs.Tab>
          <Tabs.Tab value="permissions">Who can do what</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="clinic" pt="md">
          <Stack>
            <ClinicSettings />
            <LetterheadLogo />
            <ConnectionPanel />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="staff" pt="md">
          <StaffAccounts />
        </Tabs.Panel>
        <Tabs.Panel value="doctors" pt="md">
          <DoctorsAdmin />
        </Tabs.Panel>
        <Tabs.Panel value="messages" pt="md">
          <MessagingAdmin />
        </Tabs.Panel>
        <Tabs.Panel value="screens" pt="md">
          <WaitingRoomScreens />
        </Tabs.Panel>
        <Tabs.Panel value="feedback" pt="md">
          <FeedbackReport />
        </Tabs.Panel>
        <Tabs.Panel value="merge" pt="md">
          <MergePatients />
        </Tabs.Panel>
        <Tabs.Panel value="import" pt="md">
          <ImportPatients />
        </Tabs.Panel>
        <Tabs.Panel value="journal" pt="md">
          <JournalScreen />
        </Tabs.Panel>
        <Tabs.Panel value="permissions" pt="md">
          <Permissions />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}
