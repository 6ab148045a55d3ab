import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// The design's rule: only the thin shell imports electron, so the core stays testable under Node.
describe('the electron import boundary', () => {
  const eslint = new ESLint()
  const source = "import { app } from 'electron'\nexport const name = app.getName()\n"

  it.each(['src/main/core/create-core.ts', 'src/main/server.ts', 'src/renderer/src/App.tsx', 'src/shared/api/contract.ts'])(
    'reports an electron import in %s',
    async (filePath) => {
      const [result] = await eslint.lintText(source, { filePath })
      expect(result.messages.map((m) => m.ruleId)).toContain('no-restricted-imports')
    }
  )

  it.each(['src/main/index.ts', 'src/main/electron/ipc.ts', 'src/preload/index.ts'])('allows it in the thin file %s', async (filePath) => {
    const [result] = await eslint.lintText(source, { filePath })
    expect(result.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([])
  })
})
