import { useCallback } from 'react'
import { useApi } from '../../api/context'
import { openFile, saveFile } from '../../lib/files'

/** The visit's prescription PDF from the core: opened to print, or saved. */
export function usePrescriptionPdf(): (visitId: string, how: 'print' | 'download') => Promise<void> {
  const api = useApi()
  return useCallback(
    async (visitId, how) => {
      const file = await api.call('visits.prescriptionPdf', { id: visitId })
      if (how === 'print') openFile(file)
      else saveFile(file, 'prescription.pdf')
    },
    [api]
  )
}
