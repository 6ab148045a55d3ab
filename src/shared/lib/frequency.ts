/**
 * What a dosing frequency written the desk's way means in words, for the patient's copy and
 * the pharmacist: "1-0-1" is a dose in the morning and at night, "BD" twice a day. Anything
 * else the doctor writes is printed as written, with no meaning added.
 */
const ABBREVIATIONS: Record<string, string> = {
  OD: 'once a day',
  QD: 'once a day',
  BD: 'twice a day',
  BID: 'twice a day',
  TDS: 'three times a day',
  TID: 'three times a day',
  QID: 'four times a day',
  QDS: 'four times a day',
  SOS: 'only when needed',
  PRN: 'only when needed',
  HS: 'at bedtime',
  STAT: 'at once',
  AC: 'before food',
  PC: 'after food',
  QAM: 'every morning',
  QPM: 'every evening',
  QOD: 'every other day',
  WEEKLY: 'once a week'
}

const TIMES_3 = ['morning', 'afternoon', 'night']
const TIMES_4 = ['morning', 'noon', 'evening', 'night']

/** "1-0-1" → "morning and night"; "2-0-1" → "2 in the morning, 1 at night"; "BD" → "twice a day"; '' if not shorthand. */
export function frequencyMeaning(frequency: string): string {
  const written = frequency.trim()
  const word = written.toUpperCase().replace(/\./g, '')
  if (ABBREVIATIONS[word]) return ABBREVIATIONS[word]
  const every = /^Q(\d{1,2}(?:\.\d+)?)H$/.exec(written.toUpperCase())
  if (every) return `every ${Number(every[1])} hours`
  const parts = written.split(/\s*[-–]\s*/)
  if ((parts.length === 3 || parts.length === 4) && parts.every((p) => /^(\d+(\.\d+)?|½|1\/2)$/.test(p))) {
    const amounts = parts.map((p) => (p === '½' || p === '1/2' ? 0.5 : Number(p)))
    const times = parts.length === 3 ? TIMES_3 : TIMES_4
    const taken = amounts.map((amount, i) => ({ amount, time: times[i] })).filter((t) => t.amount > 0)
    if (taken.length === 0) return ''
    const at = (time: string) => (time === 'night' ? 'at night' : time === 'noon' ? 'at noon' : `in the ${time}`)
    if (taken.every((t) => t.amount === 1)) return joinWords(taken.map((t) => t.time))
    return taken.map((t) => `${t.amount === 0.5 ? '½' : t.amount} ${at(t.time)}`).join(', ')
  }
  return ''
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
}
