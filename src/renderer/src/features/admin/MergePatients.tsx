import { ActionIcon, Alert, Button, Grid, Group, List, Modal, Paper, Stack, Text, Title, Tooltip } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconArrowsLeftRight, IconGitMerge, IconInfoCircle } from '@tabler/icons-react'
import { useCallback, useState } from 'react'
import type { Patient, PatientSummary } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { useOnChanges } from '../../api/queries'
import { EmptyState } from '../../shell/EmptyState'
import { describeError } from './merge/errors'
import { finalFields, type Choice, type FieldKey } from './merge/fields'
import { MergeComparison } from './merge/MergeComparison'
import { PatientPicker } from './merge/PatientPicker'
import { RecentMerges } from './merge/RecentMerges'

type Side = 'keep' | 'merge'

/**
 * Folds a duplicate patient record (B) into the one the clinic keeps (A): pick both, choose
 * field by field what A ends up with, confirm. The merge is logged below and can be undone.
 */
export function MergePatients() {
  const api = useApi()
  const [records, setRecords] = useState<Record<Side, Patient | null>>({ keep: null, merge: null })
  const [overrides, setOverrides] = useState<Partial<Record<FieldKey, Choice>>>({})
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const { keep, merge } = records

  const pick = (side: Side, summary: PatientSummary | null) => {
    setOverrides({})
    if (!summary) return setRecords((r) => ({ ...r, [side]: null }))
    api.call('patients.get', { id: summary.id }).then(
      (patient) => setRecords((r) => ({ ...r, [side]: patient })),
      (error) => notifications.show({ color: 'red', title: 'Could not open that patient', message: describeError(error) })
    )
  }

  const swap = () => {
    setOverrides({})
    setRecords(({ keep, merge }) => ({ keep: merge, merge: keep }))
  }

  // Someone else may change or merge these records while the screen is open.
  const refresh = useCallback(() => {
    const ids = [records.keep?.id, records.merge?.id].filter(Boolean) as string[]
    if (!ids.length) return
    Promise.all(ids.map((id) => api.call('patients.get', { id }))).then(
      (fresh) => {
        const byId = new Map(fresh.map((p) => [p.id, p]))
        const current = (p: Patient | null) => {
          const next = p ? byId.get(p.id) : undefined
          return next && !next.mergedInto && !next.archivedAt ? next : null
        }
        setRecords((r) => ({ keep: current(r.keep), merge: current(r.merge) }))
      },
      () => undefined
    )
  }, [api, records.keep?.id, records.merge?.id])
  useOnChanges(
    [records.keep, records.merge].filter((p): p is Patient => p !== null).map((p) => ['patients', p.id] as const),
    refresh
  )

  const doMerge = async () => {
    if (!keep || !merge) return
    setBusy(true)
    try {
      await api.call('patients.merge', { survivorId: keep.id, mergedId: merge.id, fields: finalFields(keep, merge, overrides) })
      const survivor = await api.call('patients.get', { id: keep.id })
      notifications.show({
        color: 'teal',
        title: 'Patients merged',
        message: `${merge.number} ${merge.name} is now part of ${survivor.number} ${survivor.name}. You can undo this under Recent merges.`,
        autoClose: 8000
      })
      setConfirming(false)
      setOverrides({})
      setRecords({ keep: survivor, merge: null })
    } catch (error) {
      setConfirming(false)
      notifications.show({ color: 'red', title: 'Not merged', message: describeError(error), autoClose: 10_000 })
    } finally {
      setBusy(false)
    }
  }

  const bothChosen = keep && merge

  return (
    <Stack maw={1180}>
      <Paper withBorder p="lg" component="section" aria-label="Merge two patient records">
        <Stack>
          <div>
            <Title order={4}>Merge patients</Title>
            <Text size="sm" c="dimmed">
              When the same person was registered twice, keep one record (A) and merge the other (B) into it.
            </Text>
          </div>
          <Grid align="flex-end">
            <Grid.Col span="auto">
              <PatientPicker
                label="A · Keep this record"
                description="It stays, with the details you choose below"
                value={keep}
                excludeId={merge?.id}
                onChange={(p) => pick('keep', p)}
              />
            </Grid.Col>
            <Grid.Col span="content">
              <Tooltip label="Swap: keep B and merge A into it">
                <ActionIcon variant="default" size="lg" mb={2} onClick={swap} disabled={!keep && !merge} aria-label="Swap which record is kept">
                  <IconArrowsLeftRight size={18} />
                </ActionIcon>
              </Tooltip>
            </Grid.Col>
            <Grid.Col span="auto">
              <PatientPicker
                label="B · Merge this record into A"
                description="It is archived and points to A"
                value={merge}
                excludeId={keep?.id}
                onChange={(p) => pick('merge', p)}
              />
            </Grid.Col>
          </Grid>

          {bothChosen ? (
            <>
              <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />} p="sm">
                <Text size="sm">
                  Keep <b>A: {keep.number} {keep.name}</b>, merge <b>B: {merge.number} {merge.name}</b> into it. For each detail that differs, choose the
                  value A should end up with.
                </Text>
              </Alert>
              <MergeComparison
                keep={keep}
                merge={merge}
                overrides={overrides}
                onChoose={(key, choice) => setOverrides((o) => ({ ...o, [key]: choice }))}
              />
              <Group justify="flex-end">
                <Button leftSection={<IconGitMerge size={16} />} onClick={() => setConfirming(true)}>
                  Merge {merge.number} into {keep.number}…
                </Button>
              </Group>
            </>
          ) : (
            <EmptyState icon={IconGitMerge} title={keep || merge ? 'Now choose the other record' : 'Choose two records'}>
              Search for the record to keep on the left and the duplicate on the right. Both are then shown side by side so you can choose which
              details to keep.
            </EmptyState>
          )}
        </Stack>
      </Paper>

      <RecentMerges />

      <Modal opened={confirming && Boolean(bothChosen)} onClose={() => !busy && setConfirming(false)} title="Merge these records?" size="lg">
        {keep && merge && (
          <Stack>
            <List size="sm" spacing="xs">
              <List.Item>
                <b>
                  {keep.number} {keep.name}
                </b>{' '}
                is kept, with the details you chose.
              </List.Item>
              <List.Item>
                <b>
                  {merge.number} {merge.name}
                </b>{' '}
                is archived and points to {keep.number}; it no longer shows up in search.
              </List.Item>
              <List.Item>
                All of {merge.number}’s appointments (including future ones), visits, medical records and bills move to {keep.number}.
              </List.Item>
              <List.Item>The merge is recorded, and you can undo it later from Recent merges.</List.Item>
            </List>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(false)} disabled={busy}>
                Cancel
              </Button>
              <Button onClick={doMerge} loading={busy} leftSection={<IconGitMerge size={16} />}>
                Merge patients
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  )
}
