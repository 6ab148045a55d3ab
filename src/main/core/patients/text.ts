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
 * Edit distance counting a swap of two neighbouring letters as one edit (optimal string
 * alignment): "shrama" is one edit from "sharma", the most common kind of typo.
 */
export function editDistance(a: string, b: string): number {
  // Three rolling rows (the swap looks two back), reused between calls: ranking a typo search
  // compares hundreds of names, and allocating a table for each pair cost more than the sums.
  const width = b.length + 1
  if (rows.length < 3 * width) rows = new Int32Array(3 * width * 2)
  let before = 0 // row i - 2
  let previous = width // row i - 1
  let current = 2 * width // row i
  for (let j = 0; j <= b.length; j++) rows[previous + j] = j
  for (let i = 1; i <= a.length; i++) {
    rows[current] = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(rows[previous + j] + 1, rows[current + j - 1] + 1, rows[previous + j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[before + j - 2] + 1)
      rows[current + j] = d
    }
    ;[before, previous, current] = [previous, current, before]
  }
  return rows[previous + b.length]
}

let rows = new Int32Array(3 * 64)

/** How well one typed word matches one name word, 0..1; a prefix is a full match (still typing). */
function wordScore(typed: string, word: string): number {
  if (word.startsWith(typed)) return 1
  const whole = 1 - editDistance(typed, word) / Math.max(typed.length, word.length)
  const start = 1 - editDistance(typed, word.slice(0, typed.length)) / typed.length
  return Math.max(0, whole, start)
}

/**
 * How well a typed query matches a name, 0..1, word by word: each typed word is scored
 * against its best name word. Words typed in the name's own order score a little higher,
 * so "ram kumr" ranks "Ram Kumar Sharma" above "Kumari Ramya"; surname-first typing
 * ("sharma ramesh") still matches, only lower.
 */
export function nameMatchScore(query: string, name: string): number {
  const words = name.split(' ')
  const typed = query.split(' ').filter(Boolean)
  if (typed.length === 0) return 0
  let total = 0
  let lastIndex = -1
  let inOrder = true
  for (const q of typed) {
    let best = 0
    let bestIndex = -1
    words.forEach((w, index) => {
      const score = wordScore(q, w)
      if (score > best || (score === best && index > lastIndex && bestIndex <= lastIndex)) {
        best = score
        bestIndex = index
      }
    })
    if (bestIndex <= lastIndex) inOrder = false
    lastIndex = bestIndex
    total += best
  }
  const score = total / typed.length
  // Order only separates imperfect matches: every word typed as a name word's start is a full match.
  return score === 1 || inOrder ? score : score * 0.9
}

/** Each way of swapping two neighbouring letters: "shrama" → "sharma" among them. */
export function swapVariants(word: string): string[] {
  const variants = new Set<string>()
  for (let i = 0; i + 1 < word.length; i++) {
    if (word[i] !== word[i + 1]) variants.add(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2))
  }
  return [...variants]
}

export function digitsOnly(text: string): string {
  return text.replace(/\D+/g, '')
}
