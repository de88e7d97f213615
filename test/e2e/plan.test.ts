// `sync --plan` / `read --plan` and `--summary-json` against the emulator, whose request counter is the oracle:
// the plan reads no report row (its only report calls are its page_size=1 probes, no task is created) and predicts
// the real sync's requests within 5 %; the summary's requests by path equal the emulator's, its rows per stream
// the rows in Postgres, its warehouse bytes the sums over BigQuery's jobs; a failed sync still writes its summary,
// without a secret.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, EmulatorStats } from 'tiktok-emulator';
import type { RunSummary } from '../../src/plan/run-summary.ts';
import { addDays } from '../../src/streams/dates.ts';
import { API_PREFIX } from '../../src/tiktok/client.ts';
import { CLI, ROOT, runCli } from '../support/cli.ts';
import { configFor, secretsIn } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { scratch } from '../support/files.ts';
import { localBigQuery } from '../support/bigquery.ts';
import { bigQueryUrl } from '../support/fault-suite.ts';
import { freshSchema, type TestSchema } from '../support/postgres.ts';
import { runNode } from '../support/process.ts';

const NOW = new Date();
const TODAY = NOW.toISOString().slice(0, 10);
const STREAMS = ['campaigns', 'ads_reports_daily', 'campaigns_reports_daily'];
const files = scratch();
let api: Emulator;
let db: TestSchema;

beforeAll(async () => {
  // 200 ads per advertiser: a 30-day window of ads_reports_daily holds a few pages, so the plan must count pages.
  api = await emulator({ advertisers: 3, now: NOW, seed: 5, campaignsPerAdvertiser: 5, adgroupsPerCampaign: 5, adsPerAdgroup: 8 });
  db = await freshSchema('plan');
});
afterAll(async () => {
  await db?.drop();
  await api?.close();
});

/** The emulator's counts since `before`, by path as the client names it (without the API prefix). */
function since(before: EmulatorStats, after: EmulatorStats): { requests: number; byPath: Record<string, number> } {
  const byPath: Record<string, number> = {};
  for (const [path, n] of Object.entries(after.byPath)) {
    const made = n - (before.byPath[path] ?? 0);
    if (made > 0) byPath[path.replace(API_PREFIX, '')] = made;
  }
  return { requests: after.requests - before.requests, byPath };
}

const summaryOf = (path: string): RunSummary => {
  const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as RunSummary;
};

const sync = (config: string, extra: string[]) =>
  runNode([CLI, 'sync', '--config', config, '--destination', db.url, '--schema', db.schema, '--streams', STREAMS.join(','), ...extra], { cwd: ROOT, timeoutMs: 110_000 });

describe('sync --plan, then the sync', () => {
  // Synchronous pages only: with report tasks the split between the lanes is a race of their speeds, which makes
  // the real run's own request count vary by more than 5 % from one run to the next.
  const config = () => files.json('config.json', configFor(api.url, { start_date: addDays(TODAY, -150), requests_per_second: 50, async_reports: 'off' }));
  let plan: RunSummary;

  it('--plan prints the table and the total line, reads no row, and its JSON says how many calls it made', async () => {
    const before = api.stats();
    const result = await sync(config(), ['--plan', '--summary-json', files.text('plan.json', '')]);
    expect(result.code, result.stderr).toBe(0);
    const made = since(before, api.stats());
    plan = summaryOf(`${files.dir}/plan.json`);
    expect(plan.status).toBe('planned');
    expect(plan.plan).toBeDefined();
    // Discovery and the probes only: no entity list, no report task, no page of rows.
    expect(Object.keys(made.byPath).sort()).toEqual(['advertiser/info/', 'oauth2/advertiser/get/', 'report/integrated/get/']);
    expect(made.byPath['report/integrated/get/']).toBe(plan.plan!.planning.probes);
    expect(plan.plan!.planning.calls).toBe(made.requests);
    expect(plan.requests.total).toBe(made.requests);
    for (const stream of STREAMS) expect(result.stdout).toMatch(new RegExp(`^${stream}: [\\d,]+ requests`, 'm'));
    expect(result.stdout).toMatch(/^This run takes about .+ and .+ % of today's quota \([\d,]+ requests\)\.$/m);
    expect(result.stdout).toContain(`Planning made ${plan.plan!.planning.calls} calls`);
    // Nothing was loaded.
    const tables = await db.query<{ n: number }>(`select count(*)::int as n from information_schema.tables where table_schema = '${db.schema}' and table_name = any($1)`, [STREAMS]);
    expect(tables[0]!.n).toBe(0);
  });

  it('the sync makes within 5 % of the planned requests; its summary JSON matches the emulator and Postgres', async () => {
    const before = api.stats();
    const result = await sync(config(), ['--summary-json', `${files.dir}/run.json`]);
    expect(result.code, result.stderr).toBe(0);
    const made = since(before, api.stats());
    const planned = plan.plan!.requests;
    expect(Math.abs(planned - made.requests) / made.requests, `planned ${planned}, made ${made.requests}`).toBeLessThanOrEqual(0.05);

    const run = summaryOf(`${files.dir}/run.json`);
    expect(run).toMatchObject({ command: 'sync', status: 'succeeded', exit_code: 0 });
    expect(run.requests.total).toBe(made.requests);
    expect(run.requests.by_path).toEqual(made.byPath);
    expect(Object.values(run.requests.by_code).reduce((a, b) => a + b, 0)).toBe(made.requests);
    expect(run.planned_vs_actual?.actual.requests).toBe(made.requests);
    expect(run.day_quota.used).toBe(made.requests);
    for (const stream of STREAMS) {
      const [count] = await db.query<{ n: number }>(`select count(*)::int as n from ${db.schema}.${stream}`);
      expect(run.streams.find((s) => s.name === stream)).toEqual({ name: stream, rows: count!.n, status: 'ok' });
    }
    expect(run.report_tasks).toEqual({ created: 0, finished: 0, failed: 0, cancelled: 0 });
    expect(result.stdout).toMatch(new RegExp(`^Planned [\\d,]+ requests in .+; made ${made.requests.toLocaleString('en-US')} \\(plan ÷ actual [\\d.]+\\)`, 'm'));
    expect(result.stderr).toMatch(/^\[plan\] This run takes about /m);
  });
});

describe('read --plan', () => {
  it('says which streams of their own endpoints it does not estimate (GMV Max, Smart+ creatives), and calls none of them', async () => {
    const before = api.stats();
    const own = ['gmv_max_campaign_reports_daily', 'smart_plus_material_reports_daily'];
    const config = files.json('config-own.json', configFor(api.url, { start_date: addDays(TODAY, -30) }));
    const result = await runNode([CLI, 'sync', '--config', config, '--destination', db.url, '--schema', db.schema, '--streams', ['ads_reports_daily', ...own].join(','), '--plan'], { cwd: ROOT, timeoutMs: 110_000 });
    expect(result.code, result.stderr).toBe(0);
    for (const stream of own) {
      const section = result.stdout.split('\n\n').find((text) => text.startsWith(`${stream}: `)) ?? '';
      expect(section, result.stdout).toMatch(new RegExp(`^${stream}: 0 requests`));
      // A row per advertiser, each "not estimated", with no dates, rows or requests made up.
      expect(section.split('\n').filter((line) => /^\d+ +— +not estimated +\? +0 /.test(line))).toHaveLength(3);
    }
    expect(result.stdout).toMatch(new RegExp(`\\(\\d[\\d,]* requests\\) besides ${own.join(', ')}, not estimated\\.$`, 'm'));
    expect(Object.keys(since(before, api.stats()).byPath).filter((path) => /gmv_max|smart_plus/.test(path))).toEqual([]);
  });

  it('emits the plan as LOG messages only: no RECORD, no STATE', async () => {
    const config = files.json('read-config.json', configFor(api.url, { start_date: addDays(TODAY, -90) }));
    const catalog = files.json('catalog.json', {
      streams: [{ stream: { name: 'ads_reports_daily', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append' }],
    });
    const result = await runCli(['read', '--config', config, '--catalog', catalog, '--plan']);
    expect(result.code, result.stderr).toBe(0);
    expect(new Set(result.messages.map((m) => m.type))).toEqual(new Set(['LOG']));
    const text = result.messages.map((m) => (m.type === 'LOG' ? m.log.message : '')).join('\n');
    expect(text).toMatch(/^ads_reports_daily: [\d,]+ requests/m);
    expect(text).toMatch(/^This run takes about /m);
  });
});

describe('read --summary-json under a tight limit', () => {
  it('counts the throttles the emulator answered, by code, and the time waited after them', async () => {
    // TikTok's 40100 at 5 calls a second; the read asks for 20 until the answers slow it down.
    const tight = await emulator({ advertisers: 2, now: NOW, seed: 5, qps: 5 });
    try {
      const config = files.json('tight-config.json', configFor(tight.url, { start_date: addDays(TODAY, -60), requests_per_second: 20, async_reports: 'off' }));
      const catalog = files.json('tight-catalog.json', {
        streams: [{ stream: { name: 'campaigns_reports_daily', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append' }],
      });
      const path = `${files.dir}/tight.json`;
      const result = await runCli(['read', '--config', config, '--catalog', catalog, '--summary-json', path]);
      expect(result.code, result.stderr).toBe(0);
      const stats = tight.stats();
      const summary = summaryOf(path);
      expect(stats.throttled).toBeGreaterThan(0);
      expect(summary.throttles.count).toBe(stats.throttled);
      expect(summary.throttles.by_code).toEqual({ 40100: stats.throttled });
      expect(summary.requests.by_code).toEqual({ 0: stats.requests - stats.throttled, 40100: stats.throttled });
      expect(summary.throttles.waited_ms).toBeGreaterThan(0);
      expect(summary.streams).toEqual([{ name: 'campaigns_reports_daily', rows: result.messages.filter((m) => m.type === 'RECORD').length, status: 'complete' }]);
    } finally {
      await tight.close();
    }
  });
});

describe('--summary-json of a sync into BigQuery', () => {
  it('has the bytes BigQuery processed and billed: the sums over the jobs BigQuery lists', async () => {
    const local = await localBigQuery();
    try {
      const config = files.json('bq-config.json', configFor(api.url, { start_date: addDays(TODAY, -40) }));
      const path = `${files.dir}/bq.json`;
      const result = await runNode(
        [CLI, 'sync', '--config', config, '--destination', bigQueryUrl(local, 'plan_summary'), '--streams', 'campaigns,ads_reports_daily', '--summary-json', path],
        { cwd: ROOT, timeoutMs: 110_000 },
      );
      expect(result.code, result.stderr).toBe(0);
      const listed = (await (await fetch(`${local.url}/bigquery/v2/projects/${local.projectId}/jobs`, { headers: { authorization: 'Bearer local-test-token' } })).json()) as {
        jobs: { statistics?: { totalBytesProcessed?: string; query?: { totalBytesBilled?: string } } }[];
      };
      const processed = listed.jobs.reduce((sum, job) => sum + Number(job.statistics?.totalBytesProcessed ?? 0), 0);
      const billed = listed.jobs.reduce((sum, job) => sum + Number(job.statistics?.query?.totalBytesBilled ?? 0), 0);
      expect(processed).toBeGreaterThan(0);
      expect(summaryOf(path).warehouse).toEqual({ bytes_processed: processed, bytes_billed: billed });
    } finally {
      await local.close();
    }
  });
});

describe('--summary-json of a failed sync', () => {
  it('is written: status failed, the exit code, the error in one line, no secret', async () => {
    const config = files.json('refused.json', configFor('http://127.0.0.1:9', { max_retries: 0 }));
    const path = `${files.dir}/failed.json`;
    const result = await runNode([CLI, 'sync', '--config', config, '--destination', db.url, '--schema', db.schema, '--streams', 'campaigns', '--summary-json', path], { cwd: ROOT, timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    const text = readFileSync(path, 'utf8');
    const summary = summaryOf(path);
    expect(summary).toMatchObject({ command: 'sync', status: 'failed', exit_code: 1, streams: [{ name: 'campaigns', rows: 0 }] });
    expect(summary.error?.failure_type).toBe('config_error');
    expect(summary.error?.message).toContain('Cannot reach the TikTok API host');
    expect(summary.error?.message).not.toContain('\n');
    expect(secretsIn(text)).toEqual([]);
  });
});
