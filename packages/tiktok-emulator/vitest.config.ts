import { defineConfig } from 'vitest/config';

// `npm test` in this folder runs the emulator's own tests (the root `npm test` runs them too); STRESS=1 runs only
// the heavy variants (`*.stress.test.ts`: real rate-limit windows).
const stress = process.env['STRESS'] === '1';

export default defineConfig({
  test: {
    include: stress ? ['test/**/*.stress.test.ts'] : ['test/**/*.test.ts'],
    exclude: stress ? [] : ['test/**/*.stress.test.ts', 'node_modules/**'],
    testTimeout: stress ? 900_000 : 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
