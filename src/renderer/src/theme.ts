import { createTheme } from '@mantine/core'

export const theme = createTheme({
  primaryColor: 'teal',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Ubuntu, sans-serif',
  headings: { fontWeight: '650' },
  components: {
    // Visible keyboard focus everywhere: receptionists work by keyboard.
    Button: { defaultProps: { size: 'sm' } }
  },
  focusRing: 'auto'
})
