import { repoScratch } from '../support/files.ts';
// `npm start` as a newcomer runs it: no database, no credentials; twice, the second run incremental.

import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/postgres.ts';
import { type ProcessOutput, runNode } from '../support/process.ts';

const parent = repoScratch(REPO_ROOT, 'demo-');
// As root, Postgres runs as the postgres user, who must be able to reach its data directory.
chmodSync(parent, 0o755);
const dataDir = join(parent, 'pg');
afterAll(() => rmSync(parent, { recursive: true, force: true }));

function demo(): Promise<ProcessOutput> {
  return runNode([join(REPO_ROOT, 'tools', 'demo', 'demo.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, PG_URL: '', DEMO_PG_URL: '', DEMO_DATA_DIR: dataDir },
  });
}

describe('the zero-setup demo', () => {
  it('starts Postgres and the emulator, syncs, shows the tables; the second run is incremental', async () => {
    const first = await demo();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('First run: loading advertisers, campaigns, ads, ads_reports_daily, advertisers_reports_daily');
    expect(first.stdout).toMatch(/tiktok_ads\.ads_reports_daily\s+[1-9][\d,]*/);
    expect(first.stdout).toMatch(/Top 5 ads by spend/);
    expect(first.stdout).toContain('psql -h 127.0.0.1');
    expect(first.stdout).toContain('Stopped the embedded PostgreSQL.');
    const second = await demo();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('this sync continues incrementally');
    const reportRows = (output: string) => Number(/tiktok_ads\.ads_reports_daily\s+([\d,]+)/.exec(output)?.[1]?.replaceAll(',', ''));
    expect(reportRows(second.stdout)).toBeGreaterThanOrEqual(reportRows(first.stdout));
  });
});
