import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import '@mantine/dates/styles.css'
// Last, as the schedule package asks.
import '@mantine/schedule/styles.css'
import { MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { lazy, StrictMode, Suspense } from 'react'
import { createRoot } from 'react-dom/client'
import { DisplayApp } from './features/display/DisplayApp'
import { theme } from './theme'

// Loaded only for the staff app: the waiting-room screen never opens a staff connection.
const App = lazy(() => import('./App').then((m) => ({ default: m.App })))

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* The waiting-room screen (the hub's /display) is a page of its own: no sign-in, dark, tokens only. */}
    {location.pathname.startsWith('/display') ? (
      <MantineProvider theme={theme} forceColorScheme="dark">
        <DisplayApp />
      </MantineProvider>
    ) : (
      <MantineProvider theme={theme} defaultColorScheme="auto">
        {/* Top right: at the bottom they covered form fields and the calendar's last rows. */}
        <Notifications position="top-right" />
        <Suspense>
          <App />
        </Suspense>
      </MantineProvider>
    )}
  </StrictMode>
)
