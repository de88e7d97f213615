import { defineConfig } from 'vitest/config';

// `npm test` runs the suite CI runs (test/unit/, test/e2e/); `npm run test:stress` (STRESS=1) runs only the heavy
// variants (`*.stress.test.ts`, in test/stress/): long rate-limit windows, 50 % faults, every crash point. Both
// include the workspace packages' own tests (packages/*/test: the emulator's), since CI runs only this root `npm test`.
const stress = process.env['STRESS'] === '1';
const roots = ['test', 'packages/*/test'];

export default defineConfig({
  test: {
    include: roots.map((root) => (stress ? `${root}/**/*.stress.test.ts` : `${root}/**/*.test.ts`)),
    exclude: stress ? [] : [...roots.map((root) => `${root}/**/*.stress.test.ts`), 'node_modules/**'],
    testTimeout: stress ? 900_000 : 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // No test may reach for Google's cloud metadata server (google-auth probes it when it looks for credentials);
    // child processes inherit this too.
    env: { METADATA_SERVER_DETECTION: 'none' },
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});
