import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const electronImport = {
  paths: [{ name: 'electron', message: 'Only src/main/index.ts, src/main/electron/ and src/preload/ may import electron; keep the rest testable under plain Node.' }]
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', electronImport],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': ['error', { ignoreRestArgs: true }]
    }
  },
  // The core is domain only: transports sit beside it and reach it through dispatch/admit.
  // Handlers take ids and the time from their context, so a replayed write gives the same result.
  {
    files: ['src/main/core/**/*.ts'],
    ignores: ['src/main/core/**/*.test.ts', 'src/main/core/testing.ts', 'src/main/core/clock.ts', 'src/main/core/ids.ts', 'src/main/core/dispatcher.ts', 'src/main/core/**/*.fixture.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronImport,
          patterns: [
            { group: ['**/transports/**', '**/electron/**'], message: 'The core may not import a transport: transports import the core, never the other way.' },
            { group: ['**/ids', './ids', '../ids'], message: 'Take ids from ctx.newId(): the journal records them, so a replayed write gives the same ids.' }
          ]
        }
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Take the time from ctx.now (one time per call, recorded in the journal).' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Take the time from ctx.now (one time per call, recorded in the journal).' }
      ]
    }
  },
  // The thin files that may touch Electron.
  { files: ['src/main/index.ts', 'src/main/electron/**', 'src/preload/**', 'tests/electron/**'], rules: { 'no-restricted-imports': 'off' } },
  // Migrations take Kysely<any> on purpose: each is frozen in time, not typed by today's schema.
  { files: ['migrations/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules }
  }
)
