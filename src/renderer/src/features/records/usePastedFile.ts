import { useEffect, useRef } from 'react'

/** Whether an element takes typed text (where a paste of text belongs to it). */
function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement) return true
  return target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'file', 'submit', 'reset', 'range', 'color'].includes(target.type)
}

/**
 * Calls `onFile` with a file pasted anywhere in the window (a screenshot, or a file copied in
 * the file manager) while `el` is on screen and `enabled`. A paste into a text field is left
 * to the field when it carries text as well (text copied from Word brings a picture of itself).
 */
export function usePastedFile(el: HTMLElement | null, enabled: boolean, onFile: (file: File) => void): void {
  const latest = useRef(onFile)
  useEffect(() => {
    latest.current = onFile
  })
  useEffect(() => {
    if (!el || !enabled) return
    const onPaste = (event: ClipboardEvent) => {
      if (event.defaultPrevented) return
      const file = event.clipboardData?.files[0]
      if (!file) return
      if (isTextField(event.target) && event.clipboardData!.types.includes('text/plain')) return
      // A panel on a tab that is not showing, or under someone else's dialog, is not the one meant.
      if (!el.checkVisibility()) return
      const dialog = (event.target instanceof Element ? event.target : null)?.closest('[role="dialog"]') ?? document.querySelector('[role="dialog"]')
      if (dialog && !dialog.hasAttribute('data-records-upload')) return
      event.preventDefault()
      latest.current(file)
    }
    window.addEventListener('paste', onPaste)
    return () => window.removeEventListener('paste', onPaste)
  }, [el, enabled])
}
