/** Sensible first-run defaults from the browser: the PC usually sits in the clinic. */
const CURRENCY_BY_COUNTRY: Record<string, string> = {
  IN: 'INR', GB: 'GBP', US: 'USD', AE: 'AED', SG: 'SGD', AU: 'AUD', CA: 'CAD', NZ: 'NZD', ZA: 'ZAR', KE: 'KES', NG: 'NGN',
  PK: 'PKR', BD: 'BDT', LK: 'LKR', NP: 'NPR', MY: 'MYR', PH: 'PHP', ID: 'IDR', SA: 'SAR', DE: 'EUR', FR: 'EUR', ES: 'EUR', IT: 'EUR', NL: 'EUR', IE: 'EUR'
}

export const CURRENCIES = ['INR', 'USD', 'EUR', 'GBP', 'AED', 'SGD', 'AUD', 'CAD', 'NZD', 'ZAR', 'KES', 'NGN', 'PKR', 'BDT', 'LKR', 'NPR', 'MYR', 'PHP', 'IDR', 'SAR', 'CHF', 'JPY']

export function guessLocale(): { timeZone: string; country: string; currency: string } {
  const resolved = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  const timeZone = RENAMED[resolved] ?? resolved
  const region = new Intl.Locale(navigator.language || 'en-IN').maximize().region ?? 'IN'
  const country = timeZone === 'Asia/Kolkata' ? 'IN' : region
  return { timeZone, country, currency: CURRENCY_BY_COUNTRY[country] ?? 'USD' }
}

// ICU keeps some zones under their old names; people search for the current ones.
const RENAMED: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Rangoon': 'Asia/Yangon',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe'
}

export function timeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone').map((z) => RENAMED[z] ?? z)
  return [...new Set(['UTC', ...zones])].sort()
}
