import { Alert, Button, Group, Paper, Progress, Stack, Stepper, Text, Title } from '@mantine/core'
import { IconAlertCircle, IconCircleCheck } from '@tabler/icons-react'
import { useRef, useState } from 'react'
import type { ImportMapping, ImportPreview, ImportResult } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { saveFile } from '../../lib/files'
import { ChooseFile } from './import/ChooseFile'
import type { ColumnChoice } from './import/ColumnChoices'
import { fileProblem, mappingProblems, readCsvFile, type ChosenFile } from './import/csv-file'
import { ImportPreviewView, importCount } from './import/ImportPreviewView'

/** A file, the admin's column choices, and the hub's check of the file with them. */
interface Checked {
  file: ChosenFile
  mapping: ImportMapping
  preview: ImportPreview
}

type Step =
  | { kind: 'choose'; checking: string | null; problem: string | null }
  | ({ kind: 'preview'; rechecking: boolean; mappingErrors: Record<string, string> } & Checked)
  | ({ kind: 'importing'; done: number; total: number } & Checked)
  | ({ kind: 'done'; file: ChosenFile } & ImportResult)
  | ({ kind: 'failed'; problem: string } & Checked)

const STEP_INDEX: Record<Step['kind'], number> = { choose: 0, preview: 1, importing: 2, failed: 2, done: 3 }

/**
 * Patients from another system, in three steps: choose a CSV, look at the hub's check of
 * every row (saying, where it did not recognise a column, where that column goes), import.
 * The hub imports all rows or none, so a failure leaves nothing behind.
 */
export function ImportPatients() {
  const api = useApi()
  const [step, setStep] = useState<Step>({ kind: 'choose', checking: null, problem: null })
  const [includeDuplicates, setIncludeDuplicates] = useState(false)
  const [skipInvalid, setSkipInvalid] = useState(false)
  // Only the answer to the latest check is shown, however the answers arrive.
  const latestCheck = useRef(0)

  const choose = async (picked: File) => {
    const check = ++latestCheck.current
    setStep({ kind: 'choose', checking: picked.name, problem: null })
    setIncludeDuplicates(false)
    setSkipInvalid(false)
    let file: ChosenFile
    try {
      file = await readCsvFile(picked)
    } catch (error) {
      return setStep({ kind: 'choose', checking: null, problem: (error as Error).message })
    }
    try {
      const preview = await api.call('patients.importPreview', { file: utf8(file.csv) })
      if (check === latestCheck.current) setStep({ kind: 'preview', file, preview, mapping: {}, rechecking: false, mappingErrors: {} })
    } catch (error) {
      if (check === latestCheck.current) setStep({ kind: 'choose', checking: null, problem: fileProblem(error) })
    }
  }

  /** The admin says where a column goes: check the file again with that choice. */
  const chooseColumn = async ({ file, preview, mapping: before }: Checked, header: string, choice: ColumnChoice) => {
    const check = ++latestCheck.current
    const mapping = { ...before, [header]: choice }
    setStep({ kind: 'preview', file, preview, mapping, rechecking: true, mappingErrors: {} })
    try {
      const checked = await api.call('patients.importPreview', { file: utf8(file.csv), mapping })
      if (check === latestCheck.current) setStep({ kind: 'preview', file, preview: checked, mapping, rechecking: false, mappingErrors: {} })
    } catch (error) {
      // The last good check stays on screen, with the choices that cannot be used marked.
      if (check === latestCheck.current) setStep({ kind: 'preview', file, preview, mapping, rechecking: false, mappingErrors: mappingProblems(error) })
    }
  }

  const runImport = async ({ file, preview, mapping }: Checked) => {
    const jobId = crypto.randomUUID()
    const expected = importCount(preview, includeDuplicates)
    setStep({ kind: 'importing', file, preview, mapping, done: 0, total: expected })
    const stop = api.onProgress((event) => {
      if (event.jobId !== jobId) return
      setStep((s) => (s.kind === 'importing' ? { ...s, done: Math.max(s.done, event.done), total: event.total } : s))
    })
    try {
      // The same choices as the check on screen, so what the admin saw is what is imported.
      const result = await api.call('patients.importCommit', { file: utf8(file.csv), mapping, includeDuplicates, skipInvalid, jobId })
      setStep({ kind: 'done', file, ...result })
      if (result.rejectedCsv) downloadRejected(file.name, result.rejectedCsv)
    } catch (error) {
      setStep({ kind: 'failed', file, preview, mapping, problem: fileProblem(error) })
    } finally {
      stop()
    }
  }

  const restart = () => {
    latestCheck.current++
    setStep({ kind: 'choose', checking: null, problem: null })
  }

  return (
    <Paper withBorder p="lg" maw={1180} component="section" aria-label="Import patients">
      <Stack gap="lg">
        <div>
          <Title order={4}>Import patients</Title>
          <Text size="sm" c="dimmed">
            Bring in the patient list from another system as a CSV file. DocSpot checks every row first, then imports all of them, or (if you choose) the valid ones, handing the rest back to fix.
          </Text>
        </div>
        <Stepper active={STEP_INDEX[step.kind]} size="sm" allowNextStepsSelect={false}>
          <Stepper.Step label="Choose file" description="A CSV with a header row" />
          <Stepper.Step label="Check" description="Errors and duplicates" />
          <Stepper.Step label="Import" description="All rows, or the valid ones" />
        </Stepper>

        {step.kind === 'choose' && <ChooseFile onFile={choose} checking={step.checking} problem={step.problem} />}

        {step.kind === 'preview' && (
          <ImportPreviewView
            file={step.file}
            preview={step.preview}
            mapping={step.mapping}
            mappingErrors={step.mappingErrors}
            rechecking={step.rechecking}
            onChoose={(header, choice) => chooseColumn(step, header, choice)}
            includeDuplicates={includeDuplicates}
            onIncludeDuplicates={setIncludeDuplicates}
            skipInvalid={skipInvalid}
            onSkipInvalid={setSkipInvalid}
            onImport={() => runImport(step)}
            onChooseAnother={restart}
          />
        )}

        {(step.kind === 'importing' || step.kind === 'done') && <ImportProgress step={step} />}

        {step.kind === 'done' && (
          <Alert color="teal" icon={<IconCircleCheck size={18} />} title={`Imported ${step.imported.toLocaleString('en-IN')} ${step.imported === 1 ? 'patient' : 'patients'}`}>
            <Stack gap="xs">
              <Text size="sm">
                {step.skippedDuplicates > 0
                  ? `Skipped ${step.skippedDuplicates.toLocaleString('en-IN')} ${step.skippedDuplicates === 1 ? 'row that looks like an existing patient' : 'rows that look like existing patients'}.`
                  : 'No rows were skipped.'}{' '}
                The new patients can be found by name, phone or date of birth right away.
              </Text>
              {step.rejectedCsv && (
                <Text size="sm">
                  {step.skippedInvalid.toLocaleString('en-IN')} {step.skippedInvalid === 1 ? 'row with errors was' : 'rows with errors were'} left out and downloaded as a CSV with an Errors column: fix them there and import that file.
                </Text>
              )}
              <Group>
                {step.rejectedCsv && (
                  <Button variant="light" size="xs" onClick={() => downloadRejected(step.file.name, step.rejectedCsv!)}>
                    Download the rows with errors again
                  </Button>
                )}
                <Button variant="default" size="xs" onClick={restart}>
                  Import another file
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}

        {step.kind === 'failed' && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} title="Nothing was imported" role="alert">
            <Stack gap="xs">
              <Text size="sm">{step.problem}</Text>
              <Text size="sm">The import stopped before any patient was saved, so the file can be imported again in full once the problem is fixed.</Text>
              <Group>
                <Button variant="default" size="xs" onClick={() => setStep({ kind: 'preview', file: step.file, preview: step.preview, mapping: step.mapping, rechecking: false, mappingErrors: {} })}>
                  Back to the check
                </Button>
                <Button variant="default" size="xs" onClick={restart}>
                  Choose another file
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
      </Stack>
    </Paper>
  )
}

function ImportProgress({ step }: { step: Extract<Step, { kind: 'importing' | 'done' }> }) {
  const done = step.kind === 'done' ? step.imported : step.done
  const total = step.kind === 'done' ? step.imported : step.total
  const percent = step.kind === 'done' ? 100 : total > 0 ? Math.min(99, Math.floor((done / total) * 100)) : 0
  return (
    <Stack gap={6}>
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {step.kind === 'done' ? `Finished importing ${step.file.name}` : `Importing ${step.file.name}…`}
        </Text>
        <Text size="sm" c="dimmed">
          {done.toLocaleString('en-IN')} of {total.toLocaleString('en-IN')}
        </Text>
      </Group>
      <Progress value={percent} size="lg" striped={step.kind === 'importing'} animated={step.kind === 'importing'} aria-label="Import progress" />
    </Stack>
  )
}

/** The file travels as UTF-8 bytes, whatever encoding it was read from. */
const utf8 = (text: string) => new TextEncoder().encode(text)

/** The rows the import left out, with their errors, as "<file>-errors.csv". */
function downloadRejected(fileName: string, csv: string) {
  saveFile({ type: 'text/csv', bytes: new TextEncoder().encode(csv), name: `${fileName.replace(/\.csv$/i, '')}-errors.csv` })
}
