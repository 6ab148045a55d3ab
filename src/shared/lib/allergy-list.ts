/**
 * A free-text list as staff type it ("Penicillin (rash); sulfa drugs" or one per line) as its
 * items; "None", "NKDA" and the like mean there are none.
 */
export function allergyItems(text: string): string[] {
  return text
    .split(/[,;\n]+/)
    .map((a) => a.trim())
    .filter((a) => a.length > 0 && !/^(none|nil|nkda|no known( drug)? allerg(y|ies)|na|n\/a|-)$/i.test(a))
}
