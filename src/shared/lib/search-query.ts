// What a query typed into patient search is, for the screens that offer to register someone.

/** A typed patient number, date of birth or email: something to look up, never a new patient's name. */
export function isLookup(query: string): boolean {
  const q = query.trim()
  return /^[A-Za-z]{0,4}-?\d+$/.test(q) || /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(q) || /^\d{4}-\d{2}-\d{2}$/.test(q) || q.includes('@')
}

/** What a typed query most likely is, to prefill the registration form. */
export function prefillFor(query: string): { name?: string; phone?: string } {
  const q = query.trim()
  if (!q) return {}
  if (!/^[\d\s+().-]+$/.test(q) && isLookup(q)) return {}
  if (!/^[\d\s+().-]+$/.test(q)) {
    // A name typed with a year, an age or phone digits to tell namesakes apart: the name only.
    const name = q
      .split(/[\s,]+/)
      .filter((word) => !/\d/.test(word))
      .join(' ')
    return name ? { name } : {}
  }
  // A few digits are more likely part of a number being looked up than a whole phone number.
  return q.replace(/\D/g, '').length >= 7 ? { phone: q } : {}
}

export function registerPath(query: string): string {
  const params = new URLSearchParams(prefillFor(query))
  const s = params.toString()
  return `/patients/new${s ? `?${s}` : ''}`
}
