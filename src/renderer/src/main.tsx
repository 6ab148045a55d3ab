import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import '@mantine/dates/styles.css'
// Last, as the schedule package asks.
import '@mantine/schedule/styles.css'
import { MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { theme } from './theme'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      {/* Top right: at the bottom they covered form fields and the calendar's last rows. */}
      <Notifications position="top-right" />
      <App />
    </MantineProvider>
  </StrictMode>
)
