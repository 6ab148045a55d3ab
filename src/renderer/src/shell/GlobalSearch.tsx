/** The patient search box in the header, on every screen (Ctrl+K or /). */
export function GlobalSearch() {
  return null
}
