import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min'

/** E.164 ("+919876543210") for a number typed any usual way, or null if it is not a valid number. */
export function normalisePhone(input: string, defaultCountry: string): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry as CountryCode)
  return parsed && parsed.isValid() ? parsed.number : null
}

/** How staff read a number: national format at home, international otherwise. */
export function formatPhone(e164: string | null | undefined, homeCountry?: string): string {
  if (!e164) return ''
  const parsed = parsePhoneNumberFromString(e164)
  if (!parsed) return e164
  return parsed.country === homeCountry ? parsed.formatNational() : parsed.formatInternational()
}
