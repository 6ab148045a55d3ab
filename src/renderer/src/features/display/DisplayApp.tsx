import { Badge, Box, Button, Center, Group, PinInput, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { useEffect, useRef, useState } from 'react'
import type { ApiErrorBody, DisplayBoard } from '../../../../shared/api'

// The waiting-room screen, served by the hub at /display for a TV's browser or a second monitor
// in full screen. No staff sign-in: it pairs once with a code from the admin and keeps its
// screen token in this browser. It shows token numbers by doctor, never a patient's name.

const TOKEN_KEY = 'docspot.displayToken'

type Link = 'connecting' | 'live' | 'reconnecting'

export function DisplayApp() {
  const [token, setToken] = useState<string | null>(() => localStorage.getItem(TOKEN_KEY))
  const [notice, setNotice] = useState<string | null>(null)
  if (!token)
    return (
      <Pairing
        notice={notice}
        onPaired={(t) => {
          localStorage.setItem(TOKEN_KEY, t)
          setNotice(null)
          setToken(t)
        }}
      />
    )
  return (
    <Board
      token={token}
      onUnpaired={(message) => {
        localStorage.removeItem(TOKEN_KEY)
        setNotice(message)
        setToken(null)
      }}
    />
  )
}

async function post<T>(method: string, input: unknown): Promise<T> {
  const res = await fetch(`/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) })
  const body = (await res.json()) as { ok: true; value: T } | { ok: false; error: ApiErrorBody }
  if (!body.ok) throw body.error
  return body.value
}

function Pairing({ notice, onPaired }: { notice: string | null; onPaired: (token: string) => void }) {
  const [code, setCode] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const pairWith = async (value: string) => {
    setBusy(true)
    setError(null)
    try {
      onPaired((await post<{ displayToken: string }>('displays.pair', { pairingCode: value })).displayToken)
    } catch (e) {
      const body = e as ApiErrorBody
      setError(body.fields?.pairingCode ? `The code ${body.fields.pairingCode}` : (body.message ?? 'Cannot reach the DocSpot hub'))
      setCode('')
    } finally {
      setBusy(false)
    }
  }
  return (
    <Center h="100vh" bg="dark.8">
      <Stack align="center" gap="lg" maw={560} px="md">
        <Title order={1} c="white">
          Waiting-room screen
        </Title>
        {notice && (
          <Text c="yellow.4" ta="center" role="status">
            {notice}
          </Text>
        )}
        <Text c="gray.4" ta="center" size="lg">
          Enter the 6-digit pairing code the admin created in DocSpot (Admin → Waiting room).
        </Text>
        <PinInput
          length={6}
          size="xl"
          type="number"
          oneTimeCode
          autoFocus
          value={code}
          onChange={setCode}
          onComplete={(value) => void pairWith(value)}
          error={!!error}
          disabled={busy}
          aria-label="Pairing code"
        />
        {error && (
          <Text c="red.4" role="alert" ta="center">
            {error}
          </Text>
        )}
        <Button size="lg" onClick={() => void pairWith(code)} loading={busy} disabled={code.length !== 6}>
          Pair this screen
        </Button>
      </Stack>
    </Center>
  )
}

/** Reads the hub's stream of boards; reconnects by itself (the hub restarted, the network blinked). */
function useBoard(token: string, onUnpaired: (message: string) => void): { board: DisplayBoard | null; link: Link } {
  const [board, setBoard] = useState<DisplayBoard | null>(null)
  const [link, setLink] = useState<Link>('connecting')
  const unpaired = useRef(onUnpaired)
  unpaired.current = onUnpaired
  useEffect(() => {
    const controller = new AbortController()
    let delay = 500
    void (async () => {
      while (!controller.signal.aborted) {
        try {
          const res = await fetch('/api/display-events', { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal })
          if (res.status === 401) return unpaired.current('This screen was unpaired. Enter a new code from the admin to show the queue again.')
          if (!res.ok || !res.body) throw new Error(String(res.status))
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
          let buffer = ''
          for (;;) {
            // The hub writes at least every 5 s: 15 s of silence means the link is gone.
            const next = await Promise.race([reader.read(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('silent')), 15_000))])
            if (next.done) break
            setLink('live')
            delay = 500
            buffer += next.value
            let end: number
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end)
              buffer = buffer.slice(end + 2)
              const data = block.split('\n').find((l) => l.startsWith('data: '))
              if (data && block.includes('event: board')) setBoard(JSON.parse(data.slice(6)) as DisplayBoard)
            }
          }
          throw new Error('stream ended')
        } catch {
          if (controller.signal.aborted) return
          setLink('reconnecting')
          await new Promise((r) => setTimeout(r, delay))
          delay = Math.min(delay * 2, 5_000)
        }
      }
    })()
    return () => controller.abort()
  }, [token])
  return { board, link }
}

/** A two-note chime, made here: no sound file to ship. */
function chime(audio: AudioContext) {
  const now = audio.currentTime
  for (const [i, frequency] of [880, 660].entries()) {
    const tone = audio.createOscillator()
    const gain = audio.createGain()
    tone.frequency.value = frequency
    gain.gain.setValueAtTime(0.0001, now + i * 0.35)
    gain.gain.exponentialRampToValueAtTime(0.4, now + i * 0.35 + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.35 + 0.6)
    tone.connect(gain).connect(audio.destination)
    tone.start(now + i * 0.35)
    tone.stop(now + i * 0.35 + 0.65)
  }
}

function Board({ token, onUnpaired }: { token: string; onUnpaired: (message: string) => void }) {
  const { board, link } = useBoard(token, onUnpaired)
  const seen = useRef<Map<string, number | null> | null>(null)
  const [fresh, setFresh] = useState<Set<string>>(new Set())
  const audio = useRef<AudioContext | null>(null)
  const [muted, setMuted] = useState(false)

  // A token just called: its card lights up for 10 s, and the chime sounds if the screen has it on.
  useEffect(() => {
    if (!board) return
    const before = seen.current
    seen.current = new Map(board.doctors.map((d) => [d.doctorId, d.nowServing]))
    if (!before) return
    const called = board.doctors.filter((d) => d.nowServing !== null && before.get(d.doctorId) !== d.nowServing).map((d) => d.doctorId)
    if (called.length === 0) return
    setFresh(new Set(called))
    const timer = setTimeout(() => setFresh(new Set()), 10_000)
    if (board.chime) {
      audio.current ??= new AudioContext()
      if (audio.current.state === 'suspended') setMuted(true)
      else chime(audio.current)
    }
    return () => clearTimeout(timer)
  }, [board])

  if (!board)
    return (
      <Center h="100vh" bg="dark.8">
        <Text c="gray.4" size="xl">
          {link === 'reconnecting' ? 'Reconnecting to DocSpot…' : 'Connecting to DocSpot…'}
        </Text>
      </Center>
    )
  const columns = board.doctors.length <= 2 ? board.doctors.length || 1 : board.doctors.length <= 4 ? 2 : 3
  return (
    <Box
      mih="100vh"
      bg="dark.8"
      p="xl"
      onClick={() => {
        // Browsers play sound only after a touch or click on the page.
        void audio.current?.resume().then(() => setMuted(false))
      }}
    >
      <Group justify="space-between" mb="xl" wrap="nowrap">
        <Title order={1} c="white" fz={40}>
          {board.clinicName}
        </Title>
        <Group gap="md" wrap="nowrap">
          {link === 'reconnecting' && (
            <Badge color="yellow" size="lg" role="status">
              Reconnecting…
            </Badge>
          )}
          {muted && (
            <Badge color="gray" size="lg">
              Click to turn the chime on
            </Badge>
          )}
          <Text c="gray.3" fz={40} fw={600} data-testid="display-clock">
            {board.time}
          </Text>
        </Group>
      </Group>
      {board.doctors.length === 0 ? (
        <Center h="60vh">
          <Text c="gray.4" fz={36}>
            No doctors are seeing patients now.
          </Text>
        </Center>
      ) : (
        <SimpleGrid cols={columns} spacing="xl">
          {board.doctors.map((d) => (
            <Box
              key={d.doctorId}
              component="section"
              data-testid="display-doctor"
              aria-label={d.name}
              bg={fresh.has(d.doctorId) ? 'teal.9' : 'dark.6'}
              p="xl"
              style={{ borderRadius: 16, borderTop: `10px solid var(--mantine-color-${d.colour}-5, ${d.colour})`, transition: 'background-color 300ms' }}
            >
              <Text c="white" fz={34} fw={700} truncate>
                {d.name}
              </Text>
              <Text c="gray.4" fz={24} mt="md" tt="uppercase" fw={600}>
                Now serving
              </Text>
              <Text c="white" fz={140} fw={800} lh={1} data-testid="now-serving">
                {d.nowServing ?? '–'}
              </Text>
              <Text c="gray.4" fz={24} mt="lg" tt="uppercase" fw={600}>
                Next
              </Text>
              <Text c="gray.1" fz={56} fw={700} data-testid="next-tokens">
                {d.next.length ? d.next.join('  ') : '–'}
              </Text>
            </Box>
          ))}
        </SimpleGrid>
      )}
      <Text c="dark.2" size="sm" mt="xl">
        {board.displayName} · Please wait until your token number is shown.
      </Text>
    </Box>
  )
}
