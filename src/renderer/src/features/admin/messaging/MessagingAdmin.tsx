import { Tabs } from '@mantine/core'
import { IconMail, IconTemplate } from '@tabler/icons-react'
import { SendingSettings } from './SendingSettings'
import { TemplateEditor } from './TemplateEditor'

/** Admin → Messages: how the clinic sends email and SMS, and what the messages say. */
export function MessagingAdmin() {
  return (
    <Tabs defaultValue="sending" variant="pills" keepMounted={false}>
      <Tabs.List mb="md">
        <Tabs.Tab value="sending" leftSection={<IconMail size={16} />}>
          Email, SMS and reminders
        </Tabs.Tab>
        <Tabs.Tab value="wording" leftSection={<IconTemplate size={16} />}>
          Message wording
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="sending">
        <SendingSettings />
      </Tabs.Panel>
      <Tabs.Panel value="wording">
        <TemplateEditor />
      </Tabs.Panel>
    </Tabs>
  )
}
