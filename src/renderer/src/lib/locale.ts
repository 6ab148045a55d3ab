import { getCountries } from 'libphonenumber-js/min'
/** Sensible first-run defaults from the browser: the PC usually sits in the clinic. */
const CURRENCY_BY_COUNTRY: Record<string, string> = {
  IN: 'INR', GB: 'GBP', US: 'USD', AE: 'AED', SG: 'SGD', AU: 'AUD', CA: 'CAD', NZ: 'NZD', ZA: 'ZAR', KE: 'KES', NG: 'NGN',
  PK: 'PKR', BD: 'BDT', LK: 'LKR', NP: 'NPR', MY: 'MYR', PH: 'PHP', ID: 'IDR', SA: 'SAR', DE: 'EUR', FR: 'EUR', ES: 'EUR', IT: 'EUR', NL: 'EUR', IE: 'EUR'
}

export const CURRENCIES = ['INR', 'USD', 'EUR', 'GBP', 'AED', 'SGD', 'AUD', 'CAD', 'NZD', 'ZAR', 'KES', 'NGN', 'PKR', 'BDT', 'LKR', 'NPR', 'MYR', 'PHP', 'IDR', 'SAR', 'CHF', 'JPY']

/** The clinic's main time zone for a country that has one (countries spanning several are left to choose). */
const ZONE_BY_COUNTRY: Record<string, string> = {
  IN: 'Asia/Kolkata', GB: 'Europe/London', AE: 'Asia/Dubai', SG: 'Asia/Singapore', PK: 'Asia/Karachi', BD: 'Asia/Dhaka', LK: 'Asia/Colombo',
  NP: 'Asia/Kathmandu', KE: 'Africa/Nairobi', NG: 'Africa/Lagos', ZA: 'Africa/Johannesburg', MY: 'Asia/Kuala_Lumpur', PH: 'Asia/Manila',
  SA: 'Asia/Riyadh', NZ: 'Pacific/Auckland', IE: 'Europe/Dublin', DE: 'Europe/Berlin', FR: 'Europe/Paris', ES: 'Europe/Madrid', IT: 'Europe/Rome', NL: 'Europe/Amsterdam'
}

/**
 * First-run defaults from the browser, where they can be trusted: a browser on a server (UTC,
 * or a language without a region) suggests nothing, so the admin picks the country, and the
 * time zone and currency follow from it.
 */
export function guessLocale(): { timeZone: string; country: string; currency: string } {
  const resolved = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  const zone = RENAMED[resolved] ?? resolved
  const serverLike = zone === 'UTC' || zone.startsWith('Etc/')
  const region = new Intl.Locale(navigator.language || 'en').maximize().region ?? ''
  const country = zone === 'Asia/Kolkata' ? 'IN' : serverLike || !region || region === '001' ? '' : region
  return { timeZone: serverLike ? '' : zone, country, currency: CURRENCY_BY_COUNTRY[country] ?? '' }
}

/** What choosing a country suggests for the other settings. */
export function countryDefaults(country: string): { timeZone?: string; currency?: string } {
  return { timeZone: ZONE_BY_COUNTRY[country], currency: CURRENCY_BY_COUNTRY[country] }
}

/** Every country a phone number can belong to, by name: for the clinic's country picker. */
export function countryOptions(): Array<{ value: string; label: string }> {
  const names = new Intl.DisplayNames(['en'], { type: 'region' })
  return getCountries()
    .map((code) => ({ value: code, label: `${names.of(code) ?? code} (${code})` }))
    .sort((a, b) => a.label.localeCompare(b.label))
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
