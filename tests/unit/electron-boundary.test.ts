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

// The core is domain only, and handlers take ids and time from their context (see DESIGN.md).
describe('the core boundary', () => {
  const eslint = new ESLint()
  const lint = async (source: string, filePath: string) => (await eslint.lintText(source, { filePath }))[0].messages.map((m) => m.message)

  it('reports a transport imported into the core', async () => {
    const messages = await lint("import { startHub } from '../../transports/http/server'\nexport const start = startHub\n", 'src/main/core/patients/handlers.ts')
    expect(messages.join('\n')).toMatch(/core may not import a transport/)
  })

  it('reports ids and the time taken outside the context in a handler', async () => {
    const messages = await lint("import { newId } from '../ids'\nexport const make = () => [newId(), new Date(), Date.now()]\n", 'src/main/core/patients/handlers.ts')
    expect(messages.filter((m) => /ctx\.newId/.test(m))).toHaveLength(1)
    expect(messages.filter((m) => /ctx\.now/.test(m))).toHaveLength(2)
  })

  it('lets a transport import the core', async () => {
    const messages = await lint("import { createCore } from '../../core/create-core'\nexport const make = createCore\n", 'src/main/transports/http/server.ts')
    expect(messages).toEqual([])
  })
})
