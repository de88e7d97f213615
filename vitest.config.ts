import { defineConfig } from 'vitest/config';

// `npm test` runs the suite CI runs; `npm run test:stress` (STRESS=1) runs only the heavy variants
// (`*.stress.test.ts`): long rate-limit windows, 50 % faults, every crash point.
const stress = process.env['STRESS'] === '1';

export default defineConfig({
  test: {
    include: stress ? ['test/**/*.stress.test.ts'] : ['test/**/*.test.ts'],
    exclude: stress ? [] : ['test/**/*.stress.test.ts', 'node_modules/**'],
    testTimeout: stress ? 900_000 : 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});
