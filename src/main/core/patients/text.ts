/** Lower case, accents and punctuation dropped, single spaces: how names are compared. */
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

export function trigrams(text: string): Set<string> {
  const grams = new Set<string>()
  for (const word of text.split(' ')) {
    const padded = `  ${word} `
    for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3))
  }
  return grams
}

/** Trigram similarity (Dice coefficient) of two name keys, 0..1. */
export function similarity(a: string, b: string): number {
  const ga = trigrams(a)
  const gb = trigrams(b)
  if (ga.size === 0 || gb.size === 0) return 0
  let shared = 0
  for (const g of ga) if (gb.has(g)) shared++
  return (2 * shared) / (ga.size + gb.size)
}

/**
 * How well a typed query matches a name, 0..1, word by word: each query word is scored
 * against its best name word (prefix counts as a full match), so "ram kumr" finds
 * "Ram Kumar Sharma" but not "Kumari Ramya".
 */
export function nameMatchScore(query: string, name: string): number {
  const words = name.split(' ')
  const typed = query.split(' ').filter(Boolean)
  if (typed.length === 0) return 0
  let total = 0
  for (const q of typed) {
    let best = 0
    for (const w of words) {
      const score = w.startsWith(q) ? 1 : similarity(q, w.slice(0, Math.max(q.length + 1, 3)))
      if (score > best) best = score
    }
    total += best
  }
  return total / typed.length
}

export function digitsOnly(text: string): string {
  return text.replace(/\D+/g, '')
}
