import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'migrations/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // The JSON report feeds the pass/fail summary that .ci/run prints.
    reporters: process.env.CI_REPORT ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default']
  }
})
