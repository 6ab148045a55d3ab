import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core'
import { IconCamera } from '@tabler/icons-react'
import { useEffect, useRef, useState } from 'react'

/**
 * A photo from the PC's camera (getUserMedia), in the window and in a browser. Browsers only
 * allow the camera on a secure page: the desktop app, the hub on this PC, or the hub over HTTPS.
 */
export function CameraCapture({ onCapture, onClose }: { onCapture: (file: File) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null)
  // Known before any effect: a page that is not secure has no camera API at all.
  const [problem, setProblem] = useState<string | null>(() =>
    typeof navigator.mediaDevices?.getUserMedia === 'function' ? null : 'This page cannot use the camera: browsers allow it only over HTTPS (or on the hub’s own PC). Ask the admin to serve the hub over HTTPS, or upload a photo instead.'
  )
  const [ready, setReady] = useState(false)

  useEffect(() => {
    let stream: MediaStream | null = null
    let live = true
    if (typeof navigator.mediaDevices?.getUserMedia !== 'function') return
    navigator.mediaDevices
      .getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 960 } }, audio: false })
      .then((s) => {
        if (!live) return s.getTracks().forEach((t) => t.stop())
        stream = s
        if (video.current) {
          video.current.srcObject = s
          void video.current.play().then(() => live && setReady(true))
        }
      })
      .catch((error: Error) =>
        setProblem(error.name === 'NotAllowedError' ? 'The camera was not allowed. Allow it for this page in the browser, then try again.' : error.name === 'NotFoundError' ? 'No camera was found on this PC.' : `The camera could not start: ${error.message}`)
      )
    return () => {
      live = false
      stream?.getTracks().forEach((t) => t.stop())
    }
  }, [])

  const capture = () => {
    const v = video.current
    if (!v || !v.videoWidth) return
    const canvas = document.createElement('canvas')
    canvas.width = v.videoWidth
    canvas.height = v.videoHeight
    canvas.getContext('2d')!.drawImage(v, 0, 0)
    canvas.toBlob((blob) => blob && onCapture(new File([blob], 'camera.jpg', { type: 'image/jpeg' })), 'image/jpeg', 0.9)
  }

  return (
    <Modal opened onClose={onClose} title="Take a photo" size="lg">
      <Stack>
        {problem ? (
          <Alert color="red">{problem}</Alert>
        ) : (
          <>
            <video ref={video} muted playsInline aria-label="Camera preview" style={{ width: '100%', borderRadius: 8, background: 'var(--mantine-color-dark-7)' }} />
            <Text size="sm" c="dimmed">
              Ask the patient to face the camera. The photo is cropped to a square around their face.
            </Text>
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button leftSection={<IconCamera size={16} />} disabled={!ready} onClick={capture}>
            Take photo
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
