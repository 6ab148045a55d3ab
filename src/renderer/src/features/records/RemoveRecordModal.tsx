import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { ApiError, type MedicalRecord } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { capitalise, showError } from '../../lib/errors'

/** Asks why a record is being removed, then removes it (the core keeps it, hidden, with the reason). */
export function RemoveRecordModal({ record, onClose, onRemoved }: { record: MedicalRecord | null; onClose: () => void; /** After the removal: the row it was opened from is going, so focus goes elsewhere. */ onRemoved: (record: MedicalRecord) => void }) {
  // Kept while the modal animates closed, so its title does not blank out.
  const [shown, setShown] = useState(record)
  const [removedId, setRemovedId] = useState<string | null>(null)
  if (record && record !== shown) setShown(record)
  return (
    <Modal
      opened={record !== null}
      onClose={onClose}
      title={`Remove “${shown?.name ?? ''}”?`}
      closeButtonProps={{ 'aria-label': 'Keep the record' }}
      // Kept: back to the Remove button it came from. Removed: that button is going.
      returnFocus={removedId === null || removedId !== shown?.id}
    >
      {record && (
        <RemoveForm
          key={record.id}
          record={record}
          onClose={onClose}
          onRemoved={() => {
            setRemovedId(record.id)
            onRemoved(record)
          }}
        />
      )}
    </Modal>
  )
}

function RemoveForm({ record, onClose, onRemoved }: { record: MedicalRecord; onClose: () => void; onRemoved: () => void }) {
  const api = useApi()
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const remove = async () => {
    if (busy) return
    if (reason.trim().length < 3) return setError('Say why it is being removed (at least 3 characters), as “wrong patient” or “duplicate”')
    setBusy(true)
    try {
      await api.call('records.remove', { id: record.id, reason: reason.trim() })
      notifications.show({ color: 'green', title: 'Record removed', message: `${record.name} is off the list. “Show removed” still lists it, with your reason.` })
      onRemoved()
      onClose()
    } catch (e) {
      if (e instanceof ApiError && e.fields?.reason) setError(`Reason ${e.fields.reason}`)
      else showError(e, undefined, 'Not removed')
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        void remove()
      }}
      noValidate
    >
      <Stack gap="sm">
        <Text size="sm">It goes from the patient’s records and chart. Nothing is deleted: it is kept, with who removed it and why, and “Show removed” lists it.</Text>
        <Textarea
          label="Reason"
          withAsterisk
          data-autofocus
          autosize
          minRows={2}
          maxLength={300}
          placeholder="Wrong patient, duplicate, not a medical record…"
          value={reason}
          error={error && capitalise(error)}
          onChange={(event) => {
            setReason(event.currentTarget.value)
            setError(null)
          }}
          onKeyDown={(event) => {
            // Enter removes; Shift+Enter is a new line.
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault()
              void remove()
            }
          }}
        />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Keep it
          </Button>
          <Button type="submit" color="red" loading={busy}>
            Remove
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
