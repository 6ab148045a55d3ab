import type { AllergyWarning } from '../../../shared/api'
import { allergyItems } from '../../../shared/lib/allergy-list'

/**
 * Drug families a patient is often recorded as allergic to by the family's name, with the
 * members a doctor prescribes by their own names (generic and common Indian brand names).
 * A prompt for the doctor to think twice, not a drug database: a match asks for confirmation,
 * and no match proves nothing.
 */
const FAMILIES: Array<{ names: RegExp; members: RegExp }> = [
  { names: /penicillin|beta.?lactam/, members: /penicillin|amoxi|ampici|cloxaci|flucloxa|piperaci|augmentin|moxclav|clavam|co.?amoxiclav/ },
  { names: /cephalosporin/, members: /^cef|^ceph|cefix|ceftri|cefuro|cefpodo|cefalex|cephalex/ },
  { names: /sulf|sulph/, members: /sulfa|sulpha|cotrimox|co.?trimox|septran|bactrim|sulfasalaz/ },
  { names: /nsaid|anti.?inflammator/, members: /ibuprofen|diclofenac|naproxen|aspirin|ketorolac|mefenamic|aceclofenac|piroxicam|etoricoxib|indomethacin|nimesulide|brufen|combiflam|voveran/ },
  { names: /aspirin|salicylate/, members: /aspirin|ecosprin|disprin|salicyl/ },
  { names: /quinolone/, members: /floxacin/ },
  { names: /macrolide/, members: /thromycin|azithral|azee/ },
  { names: /opioid|opiate|codeine|morphine/, members: /codeine|morphine|tramadol|tapentadol|oxycodone|fentanyl/ },
  { names: /iodine|contrast/, members: /iodine|povidone|betadine|iohexol|iopamidol/ }
]

/**
 * Words that say what kind of allergy it is, or what form a medicine takes, not what it is:
 * "syrup" in two names is no match, and a sulfate salt (ferrous sulphate) is no sulfa drug.
 */
const NOISE = /\b(allerg(y|ic|ies)?|to|drugs?|group|class|reaction|severe|mild|rash|hives|antibiotics?|tablets?|tabs?|capsules?|caps?|syrups?|suspension|drops|eye|ear|nasal|injections?|inj|cream|ointment|gel|inhaler|spray|oral|sul(f|ph)ates?)\b/g

/** The recorded allergies, one per item: "Penicillin (rash); sulfa drugs" → ["Penicillin (rash)", "sulfa drugs"]. */
export const allergyList = allergyItems

const key = (text: string) =>
  text
    .toLowerCase()
    .replace(/\(.*?\)/g, ' ')
    .replace(NOISE, ' ')
    .replace(/[^a-z\s-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()

/** The recorded allergy a drug's name matches, or null. */
export function matchAllergy(drugName: string, recorded: string): string | null {
  const drug = key(drugName)
  if (!drug) return null
  for (const allergy of allergyList(recorded)) {
    const term = key(allergy)
    if (term.length < 3) continue
    const words = term.split(' ').filter((w) => w.length >= 4)
    if (drug.includes(term) || words.some((w) => drug.includes(w)) || drug.split(' ').some((w) => w.length >= 4 && term.includes(w))) return allergy
    if (FAMILIES.some((f) => f.names.test(term) && drug.split(' ').some((w) => f.members.test(w)))) return allergy
  }
  return null
}

export function allergyWarnings(drugNames: string[], recorded: string): AllergyWarning[] {
  return drugNames.flatMap((drugName, index) => {
    const allergy = matchAllergy(drugName, recorded)
    return allergy ? [{ index, drugName, allergy }] : []
  })
}
