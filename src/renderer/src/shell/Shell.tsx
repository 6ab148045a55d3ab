import { ActionIcon, Alert, AppShell, Avatar, Badge, Burger, Group, Menu, Modal, NavLink, Text, Tooltip, UnstyledButton, useComputedColorScheme, useMantineColorScheme } from '@mantine/core'
import { useDisclosure, useHotkeys, useIdle } from '@mantine/hooks'
import { IconChevronDown, IconDevices, IconKey, IconLock, IconLogout, IconMoon, IconPlugConnectedX, IconShieldLock, IconSun } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { Link, Navigate, Route, Routes, useLocation } from 'react-router'
import { useConnection, useSession } from '../api/context'
import { ChangePasswordForm, LockScreen, SessionsDialog } from '../features/auth/Account'
import { TwoFactorDialog } from '../features/auth/TwoFactor'
import { MessageFailureNotifier } from '../features/messages/failures'
import { areasFor } from './areas'
import { GlobalSearch } from './GlobalSearch'
import { Logo } from './Logo'

const ROLE_LABEL = { admin: 'Admin', receptionist: 'Receptionist', doctor: 'Doctor' } as const

export function Shell() {
  const { session, settings, signOut, lock, locked } = useSession()
  const [dialog, setDialog] = useState<'password' | 'sessions' | 'twoFactor' | null>(null)
  const [navOpen, { toggle }] = useDisclosure()
  const location = useLocation()
  const user = session!.user
  const areas = areasFor(user.role)

  // After the clinic's idle limit the screen locks, keeping whatever was being typed; the
  // core ends the idle session on its side, and unlocking signs in afresh. Ctrl+L locks at once.
  const idleMinutes = settings?.autoLogoutMinutes ?? 30
  const idle = useIdle(idleMinutes * 60_000, { initialState: false })
  useEffect(() => {
    if (idle) lock()
  }, [idle, lock])
  useHotkeys([['mod+L', () => lock()]], [])

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpen } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={navOpen} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Logo />
            {settings && (
              <Text c="dimmed" size="sm" visibleFrom="md" truncate maw={280}>
                {settings.clinicName}
              </Text>
            )}
          </Group>
          <GlobalSearch />
          <Group gap="sm" wrap="nowrap">
            <ConnectionBadge />
            <ThemeToggle />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label="Account menu">
                  <Group gap={8} wrap="nowrap">
                    <Avatar size={30} radius="xl" color="teal">
                      {initials(user.name)}
                    </Avatar>
                    <div style={{ lineHeight: 1.1 }}>
                      <Text size="sm" fw={600}>
                        {user.name}
                      </Text>
                      <Text size="xs" c="dimmed" data-testid="current-role">
                        {ROLE_LABEL[user.role]}
                      </Text>
                    </div>
                    <IconChevronDown size={14} />
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{user.email}</Menu.Label>
                <Menu.Item leftSection={<IconKey size={16} />} onClick={() => setDialog('password')}>
                  Change password
                </Menu.Item>
                <Menu.Item leftSection={<IconShieldLock size={16} />} onClick={() => setDialog('twoFactor')}>
                  Two-factor sign-in{user.twoFactor ? ' (on)' : ''}
                </Menu.Item>
                <Menu.Item leftSection={<IconDevices size={16} />} onClick={() => setDialog('sessions')}>
                  Your sessions
                </Menu.Item>
                <Menu.Item leftSection={<IconLock size={16} />} onClick={() => lock()}>
                  Lock screen (Ctrl+L)
                </Menu.Item>
                <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      {dialog === 'password' && (
        <Modal opened onClose={() => setDialog(null)} title="Change password">
          <ChangePasswordForm onDone={() => setDialog(null)} />
        </Modal>
      )}
      {dialog === 'sessions' && <SessionsDialog onClose={() => setDialog(null)} />}
      {dialog === 'twoFactor' && <TwoFactorDialog onClose={() => setDialog(null)} />}
      {locked && <LockScreen />}
      {(user.role === 'admin' || user.role === 'receptionist') && <MessageFailureNotifier />}
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        {areas.map((area) => (
          <NavLink
            key={area.path}
            component={Link}
            to={area.path}
            label={area.label}
            leftSection={<area.icon size={18} />}
            rightSection={area.badge && <area.badge />}
            active={location.pathname.startsWith(area.path)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <OfflineBanner />
        <Routes>
          {areas.map((area) => (
            <Route key={area.path} path={`${area.path}/*`} element={<area.element />} />
          ))}
          <Route path="*" element={<Navigate to={areas[0].path} replace />} />
        </Routes>
      </AppShell.Main>
    </AppShell>
  )
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('')
}

function ConnectionBadge() {
  const state = useConnection()
  const label = { online: 'Connected', offline: 'Offline', connecting: 'Connecting…' }[state]
  const color = { online: 'teal', offline: 'red', connecting: 'yellow' }[state]
  return (
    <Tooltip label={state === 'offline' ? 'Cannot reach the DocSpot hub. Changes are not being saved; retrying.' : 'Connected to the clinic data'}>
      <Badge color={color} variant="dot" size="lg" role="status" aria-live="polite" data-testid="connection">
        {label}
      </Badge>
    </Tooltip>
  )
}

function OfflineBanner() {
  if (useConnection() !== 'offline') return null
  return (
    <Alert color="red" variant="light" icon={<IconPlugConnectedX size={18} />} title="Cannot reach the DocSpot hub" mb="md" role="alert">
      Nothing you change now is being saved. DocSpot keeps trying to reconnect; check the network cable or Wi-Fi, and that the hub PC is on.
    </Alert>
  )
}

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme()
  const scheme = useComputedColorScheme('light')
  const next = scheme === 'dark' ? 'light' : 'dark'
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon variant="default" size="lg" aria-label={`Switch to ${next} theme`} onClick={() => setColorScheme(next)}>
        {scheme === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  )
}
