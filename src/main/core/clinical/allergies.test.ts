// The allergy prompt a doctor sees while prescribing: it must fire for the drugs a recorded
// allergy covers (by family as well as by name), and stay quiet otherwise, or it gets ignored.
import { describe, expect, it } from 'vitest'
import { allergyList, allergyWarnings, matchAllergy } from './allergies'

describe('allergyList', () => {
  it('splits what the desk typed into one allergy per item', () => {
    expect(allergyList('Penicillin (rash); sulfa drugs')).toEqual(['Penicillin (rash)', 'sulfa drugs'])
    expect(allergyList('Aspirin, Peanuts\nLatex')).toEqual(['Aspirin', 'Peanuts', 'Latex'])
    expect(allergyList('  Codeine ;; ')).toEqual(['Codeine'])
  })

  it.each(['', 'None', 'none', 'NKDA', 'Nil', 'No known allergies', 'No known drug allergies', 'N/A', 'NA', '-'])('reads “%s” as no allergies', (text) => {
    expect(allergyList(text)).toEqual([])
  })
})

describe('matchAllergy', () => {
  it('matches a drug by the allergy’s own name, whatever else is written around it', () => {
    expect(matchAllergy('Penicillin V 250 mg', 'Penicillin (rash); sulfa drugs')).toBe('Penicillin (rash)')
    expect(matchAllergy('Aspirin 75', 'Allergic to aspirin')).toBe('Allergic to aspirin')
    expect(matchAllergy('Diclofenac gel', 'diclofenac')).toBe('diclofenac')
  })

  it.each([
    ['Amoxicillin 500', 'Penicillin (rash); sulfa drugs', 'Penicillin (rash)'],
    ['Augmentin 625', 'Penicillin', 'Penicillin'],
    ['Co-amoxiclav', 'beta-lactam antibiotics', 'beta-lactam antibiotics'],
    ['Co-trimoxazole', 'Penicillin (rash); sulfa drugs', 'sulfa drugs'],
    ['Septran DS', 'Sulpha', 'Sulpha'],
    ['Ibuprofen 400', 'NSAIDs', 'NSAIDs'],
    ['Combiflam', 'NSAIDs', 'NSAIDs'],
    ['Ecosprin 75', 'Aspirin', 'Aspirin'],
    ['Cefixime 200', 'Cephalosporins', 'Cephalosporins'],
    ['Ciprofloxacin', 'quinolones', 'quinolones'],
    ['Azithromycin', 'Macrolides', 'Macrolides'],
    ['Tramadol', 'Codeine (vomiting)', 'Codeine (vomiting)']
  ])('%s is caught by the recorded “%s”', (drug, recorded, allergy) => {
    expect(matchAllergy(drug, recorded)).toBe(allergy)
  })

  it.each([
    ['Paracetamol', 'Penicillin (rash); sulfa drugs'],
    ['Paracetamol 650', 'NSAIDs'],
    ['Cetirizine', 'Penicillin'],
    ['Metformin 500', 'Sulfa drugs'],
    ['Azithromycin', 'Penicillin'],
    ['Amoxicillin', 'NKDA'],
    ['Amoxicillin', 'None'],
    ['Amoxicillin', ''],
    ['Ibuprofen', 'Peanuts; dust']
  ])('raises no false alarm for %s against “%s”', (drug, recorded) => {
    expect(matchAllergy(drug, recorded)).toBeNull()
  })

  it.each([
    ['Ferrous sulphate 200 mg', 'Sulfa drugs'],
    ['Salbutamol sulfate inhaler', 'Sulpha drugs'],
    ['Magnesium sulfate', 'sulfa']
  ])('does not take a sulfate salt (%s) for a sulfa drug (“%s”)', (drug, recorded) => {
    // Sulfate is a salt, not a sulfonamide: a prompt on every iron tablet and inhaler teaches doctors to click through it.
    expect(matchAllergy(drug, recorded)).toBeNull()
  })

  it.each([
    ['Paracetamol syrup', 'Augmentin syrup (rash)'],
    ['Ciprofloxacin eye drops', 'Chloramphenicol eye drops'],
    ['Ondansetron injection', 'Iron injection (anaphylaxis)']
  ])('does not match %s to “%s” by the form of the medicine alone', (drug, recorded) => {
    // Syrup, drops, injection: how it is given, not what it is. The true match still fires.
    expect(matchAllergy(drug, recorded)).toBeNull()
    expect(matchAllergy(recorded.replace(/\s*\(.*\)/, ''), recorded)).toBe(recorded)
  })

  it('ignores an empty drug name and a too-short allergy', () => {
    expect(matchAllergy('', 'Penicillin')).toBeNull()
    expect(matchAllergy('   ', 'Penicillin')).toBeNull()
    expect(matchAllergy('Ampicillin', 'AB')).toBeNull()
  })
})

describe('allergyWarnings', () => {
  it('gives each matching drug with its place in the list and the allergy it matched', () => {
    expect(allergyWarnings(['Amoxicillin 500', 'Paracetamol', 'Co-trimoxazole'], 'Penicillin (rash); sulfa drugs')).toEqual([
      { index: 0, drugName: 'Amoxicillin 500', allergy: 'Penicillin (rash)' },
      { index: 2, drugName: 'Co-trimoxazole', allergy: 'sulfa drugs' }
    ])
    expect(allergyWarnings(['Amoxicillin 500'], 'NKDA')).toEqual([])
    expect(allergyWarnings([], 'Penicillin')).toEqual([])
  })
})
