import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min'

/** E.164 ("+919876543210") for a number typed any usual way, or null if it is not a valid number. */
export function normalisePhone(input: string, defaultCountry: string): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry as CountryCode)
  return parsed && parsed.isValid() ? parsed.number : null
}

/**
 * How staff read a number: international format ("+91 98765 43210"). National format
 * would show India's trunk 0 ("098765 43210"), which nobody at a front desk writes, and
 * the country code keeps foreign patients' numbers unambiguous.
 */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return ''
  const parsed = parsePhoneNumberFromString(e164)
  return parsed ? parsed.formatInternational() : e164
}

/** The calling code of a country ("91" for IN), or null for a code libphonenumber does not know. */
export function countryCallingCode(country: string): string | null {
  try {
    return getCountryCallingCode(country as CountryCode)
  } catch {
    return null
  }
}
