// SIGKILL at points spread over a sync's run, picked by what can be observed from outside (requests served by the
// emulator, state rows committed in this run, a staging table touched, a COPY in progress, a transaction holding
// data whose state is not yet written), each followed by a re-run from the stored state; the last run completes.
// The tables must then equal an uninterrupted sync's: 0 rows lost, 0 duplicated. The same for `destination
// write` whose stdin is cut off mid-stream. Shared by test/e2e/crash.test.ts (a handful of points) and
// test/stress/crash.stress.test.ts (all 20).

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Emulator } from 'tiktok-emulator';
import { parseJsonLossless } from '../../src/json.ts';
import type { ConfiguredAirbyteCatalog } from '../../src/protocol/types.ts';
import { discover, read } from '../../src/source.ts';
import { createContext } from '../../src/streams/context.ts';
import { configuredCatalogFor, sourceStateOf } from '../../src/sync.ts';
import { localBigQuery, type LocalBigQueryForTests } from './bigquery.ts';
import { configFor } from './credentials.ts';
import { bigQueryRows } from './digest.ts';
import { emulator } from './emulator.ts';
import { repoScratch } from './files.ts';
import { freshSchema, REPO_ROOT, type TestSchema } from './postgres.ts';
import { type ProcessResult, syncProcess, writeProcess } from './sync-process.ts';

const NOW = new Date('2026-10-01T12:00:00Z');
const START = '2026-09-24';
const STREAMS = ['advertisers', 'campaigns', 'ads', 'ads_reports_daily', 'campaigns_audience_reports_daily'];
/** Fewer into BigQuery: each commit there is a few statements on the local engine, seconds on a busy machine. */
const BIGQUERY_STREAMS = ['campaigns', 'ads_reports_daily', 'campaigns_audience_reports_daily'];
/** Each stream's primary key, to count duplicates. */
const KEYS: Record<string, string[]> = {
  advertisers: ['advertiser_id'],
  campaigns: ['campaign_id'],
  ads: ['ad_id'],
  ads_reports_daily: ['ad_id', 'stat_time_day'],
  campaigns_audience_reports_daily: ['campaign_id', 'stat_time_day', 'gender', 'age'],
};

/** What a kill point watches while a run goes on. */
export type KillPoint =
  | { kind: 'requests'; atLeast: number }
  | { kind: 'states'; atLeast: number }
  | { kind: 'staging' }
  | { kind: 'copy' }
  | { kind: 'uncommitted' };

export const describePoint = (point: KillPoint): string =>
  point.kind === 'requests' ? `after ${point.atLeast} API requests` :
  point.kind === 'states' ? `after ${point.atLeast} state rows committed` :
  point.kind === 'staging' ? 'once a staging table is in use' :
  point.kind === 'copy' ? 'mid-COPY (pg_stat_progress_copy)' :
  'with rows written and their state not yet (a transaction left open)';

export interface CrashSuiteOptions {
  postgresPoints: readonly KillPoint[];
  bigQueryPoints: readonly KillPoint[];
  /** Where `destination write`'s stdin is cut, as fractions of the input (mid-line unless `lineEnd`). */
  stdinCuts: readonly { at: number; lineEnd?: boolean }[];
  /** Runs that must have been killed where meant (some events may not come in a short run: COPY). */
  minKilled?: { postgres: number; bigQuery: number };
  advertisers?: number;
  requestsPerSecond?: number;
}

export function crashSuite(options: CrashSuiteOptions): void {
  let api: Emulator;
  let dir: string;
  const schemas: TestSchema[] = [];
  const sourceConfig = (rps = options.requestsPerSecond ?? 20) => configFor(api.url, { start_date: START, requests_per_second: rps });
  const env = () => ({ TIKTOK_SOURCE_NOW: NOW.toISOString() });

  beforeAll(async () => {
    api = await emulator({ advertisers: options.advertisers ?? 2, campaignsPerAdvertiser: 4, adgroupsPerCampaign: 1, adsPerAdgroup: 2, now: NOW, seed: 5 });
    dir = repoScratch(REPO_ROOT, 'crash-suite-');
  });
  afterAll(async () => {
    await api?.close();
    for (const schema of schemas) await schema.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const schema = async (prefix: string): Promise<TestSchema> => {
    const created = await freshSchema(prefix);
    schemas.push(created);
    return created;
  };

  const postgresDigests = async (db: TestSchema) => {
    const out: Record<string, string> = {};
    for (const stream of STREAMS) out[stream] = await db.digest(stream, 'row_text');
    return out;
  };
  const postgresDuplicates = async (db: TestSchema) => {
    const out: Record<string, number> = {};
    for (const stream of STREAMS) {
      const key = KEYS[stream]!.map((k) => `"${k}"`).join(', ');
      const [row] = await db.query<{ n: number }>(`select (count(*) - count(distinct (${key})))::int as n from "${db.schema}"."${stream}"`);
      out[stream] = row!.n;
    }
    return out;
  };

  describe('SIGKILL during a sync into Postgres, then re-runs', () => {
    it(`${options.postgresPoints.length} kill points spread over the run: the tables of an uninterrupted sync, 0 rows lost, 0 duplicated`, async () => {
      const reference = await schema('cref');
      const clean = await syncProcess({ dir, config: sourceConfig(), env: env(), args: ['--destination', reference.url, '--schema', reference.schema, '--streams', STREAMS.join(',')] });
      expect(clean.code, clean.stderr).toBe(0);
      const expected = await postgresDigests(reference);
      for (const [stream, digest] of Object.entries(expected)) expect(digest.startsWith('0:'), stream).toBe(false);

      const crashed = await schema('crash');
      const application = `crash_${Math.random().toString(36).slice(2, 10)}`;
      const url = new URL(crashed.url);
      url.searchParams.set('application_name', application);
      const fired: string[] = [];
      const missed: string[] = [];
      for (const point of options.postgresPoints) {
        const [{ now: runStart }] = (await crashed.query<{ now: string }>(`select now()::text as now`)) as [{ now: string }];
        const requestsBefore = api.stats().requests;
        const statesThisRun = async () =>
          (await crashed.query<{ n: number }>(`select count(*)::int as n from "${crashed.schema}"._sync_state where updated_at > $1`, [runStart]).catch(() => [{ n: 0 }]))[0]!.n;
        const backends = (condition: string) =>
          crashed.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity a where a.application_name = $1 and ${condition}`, [application]).then((r) => r[0]!.n > 0);
        const killWhen = async (): Promise<boolean> => {
          switch (point.kind) {
            case 'requests':
              return api.stats().requests - requestsBefore >= point.atLeast;
            case 'states':
              return (await statesThisRun()) >= point.atLeast;
            case 'staging':
              return backends(`a.query ilike '%\\_ab\\_stage\\_%'`);
            case 'copy':
              return backends(`exists (select 1 from pg_stat_progress_copy p where p.pid = a.pid)`);
            case 'uncommitted':
              // A transaction that has written (it holds an xid) and waits: rows in, their state not yet.
              return backends(`a.state = 'idle in transaction' and a.backend_xid is not null`);
          }
        };
        const run = await syncProcess({ dir, config: sourceConfig(), env: env(), args: ['--destination', url.toString(), '--schema', crashed.schema, '--streams', STREAMS.join(',')], killWhen, pollMs: 5 });
        (run.killed ? fired : missed).push(describePoint(point));
        if (!run.killed) expect(run.code, run.stderr).toBe(0);
      }
      console.log(`Postgres kill points fired: ${fired.length}/${options.postgresPoints.length}${missed.length > 0 ? `; ended before: ${missed.join('; ')}` : ''}`);
      expect(fired.length).toBeGreaterThanOrEqual(options.minKilled?.postgres ?? options.postgresPoints.length);
      const finish = await syncProcess({ dir, config: sourceConfig(), env: env(), args: ['--destination', crashed.url, '--schema', crashed.schema, '--streams', STREAMS.join(',')] });
      expect(finish.code, finish.stderr).toBe(0);
      expect(await postgresDuplicates(crashed)).toEqual(Object.fromEntries(STREAMS.map((s) => [s, 0])));
      expect(await postgresDigests(crashed)).toEqual(expected);
    }, 600_000);
  });

  describe('SIGKILL during a sync into the local BigQuery, then re-runs', () => {
    let local: LocalBigQueryForTests;
    beforeAll(async () => {
      local = await localBigQuery();
    }, 120_000);
    afterAll(() => local?.close());
    const urlOf = (dataset: string) => `bigquery://${local.projectId}/${dataset}?api_endpoint=${encodeURIComponent(local.url)}&token=local-test-token&checkpoint_seconds=0`;
    const bigQueryDigests = async (dataset: string) => {
      const out: Record<string, string> = {};
      for (const stream of BIGQUERY_STREAMS) out[stream] = (await bigQueryRows(local.client(), dataset, stream)).digest;
      return out;
    };

    it(`${options.bigQueryPoints.length} kill points spread over the run: the tables of an uninterrupted sync, 0 rows lost, 0 duplicated`, async () => {
      const reference = `cref_${Math.random().toString(36).slice(2, 8)}`;
      const clean = await syncProcess({ dir, config: sourceConfig(), env: env(), args: ['--destination', urlOf(reference), '--streams', BIGQUERY_STREAMS.join(',')] });
      expect(clean.code, clean.stderr).toBe(0);
      const expected = await bigQueryDigests(reference);
      for (const [stream, digest] of Object.entries(expected)) expect(digest.startsWith('0:'), stream).toBe(false);

      const crashed = `crash_${Math.random().toString(36).slice(2, 8)}`;
      const client = local.client();
      const fired: string[] = [];
      const missed: string[] = [];
      for (const point of options.bigQueryPoints) {
        const runStart = new Date().toISOString();
        const requestsBefore = api.stats().requests;
        // Staging tables of killed runs stay until they expire: only this run's count.
        const stagedBefore = new Set((await client.dataset(crashed).getTables().catch(() => [[]]))[0].map((table) => table.id ?? ''));
        const killWhen = async (): Promise<boolean> => {
          switch (point.kind) {
            case 'requests':
              return api.stats().requests - requestsBefore >= point.atLeast;
            case 'states': {
              const [job] = await client.createQueryJob({
                query: `SELECT COUNT(*) AS n FROM \`${local.projectId}.${crashed}._sync_state\` WHERE updated_at > TIMESTAMP '${runStart}'`,
              });
              const [rows] = await job.getQueryResults();
              return Number((rows[0] as { n: number }).n) >= point.atLeast;
            }
            case 'staging':
            case 'uncommitted':
            case 'copy': {
              // Rows loaded into this run's staging table, not yet merged: BigQuery's "between data and state".
              const [tables] = await client.dataset(crashed).getTables();
              return tables.some((table) => (table.id ?? '').startsWith('_ab_stage_') && !stagedBefore.has(table.id ?? ''));
            }
          }
        };
        const run = await syncProcess({ dir, config: sourceConfig(), env: env(), args: ['--destination', urlOf(crashed), '--streams', BIGQUERY_STREAMS.join(',')], killWhen: () => killWhen().catch(() => false), pollMs: 20 });
        (run.killed ? fired : missed).push(describePoint(point));
        if (!run.killed) expect(run.code, run.stderr).toBe(0);
      }
      console.log(`BigQuery kill points fired: ${fired.length}/${options.bigQueryPoints.length}${missed.length > 0 ? `; ended before: ${missed.join('; ')}` : ''}`);
      expect(fired.length).toBeGreaterThanOrEqual(options.minKilled?.bigQuery ?? options.bigQueryPoints.length);
      const finish = await syncProcess({ dir, config: sourceConfig(), env: env(), args: ['--destination', urlOf(crashed), '--streams', BIGQUERY_STREAMS.join(',')] });
      expect(finish.code, finish.stderr).toBe(0);
      const got = await bigQueryDigests(crashed);
      // Equal digests: the same rows, as many times each (0 lost, 0 duplicated).
      expect(got).toEqual(expected);
    }, 600_000);
  });

  describe('destination write fed from stdin, cut off mid-stream, then re-fed from the stored state', () => {
    it(`${options.stdinCuts.length} cuts: the tables of one uninterrupted load`, async () => {
      const config = parseConfig(sourceConfig(50));
      const catalog: ConfiguredAirbyteCatalog = configuredCatalogFor(discover(config), STREAMS, false);
      const messagesFrom = async (state: Map<string, Record<string, unknown>>): Promise<string> => {
        const lines: string[] = [];
        for await (const message of read(config, catalog, sourceStateOf(state), createContext(config, undefined, { now: () => NOW }))) lines.push(JSON.stringify(message));
        return `${lines.join('\n')}\n`;
      };
      const storedState = async (db: TestSchema): Promise<Map<string, Record<string, unknown>>> => {
        const rows = await db.query<{ stream_name: string; state: string }>(`select stream_name, state::text as state from "${db.schema}"._sync_state`).catch(() => []);
        return new Map(rows.map((row) => [row.stream_name, parseJsonLossless(row.state) as Record<string, unknown>]));
      };
      const reference = await schema('sref');
      const full = await messagesFrom(new Map());
      const clean = await writeProcess({ dir, config: { url: reference.url, schema: reference.schema }, catalog, input: full });
      expect(clean.code, clean.stderr).toBe(0);
      const expected = await postgresDigests(reference);

      const cut = await schema('scut');
      const outcomes: string[] = [];
      for (const { at, lineEnd } of options.stdinCuts) {
        const input = await messagesFrom(await storedState(cut));
        let byte = Math.floor(Buffer.byteLength(input) * at);
        const bytes = Buffer.from(input);
        // Mid-line: step off a line end, and off the byte before one (a cut there leaves a whole JSON object, a
        // complete message without its newline); line end: move to the next one.
        if (lineEnd) while (byte < bytes.length && bytes[byte - 1] !== 0x0a) byte++;
        else while (bytes[byte - 1] === 0x0a || bytes[byte] === 0x0a) byte++;
        const run: ProcessResult & { states: number } = await writeProcess({ dir, config: { url: cut.url, schema: cut.schema }, catalog, input, cutAtByte: byte });
        outcomes.push(`${Math.round(at * 100)} %${lineEnd ? ' (line end)' : ''}: exit ${run.code}, ${run.states} states acknowledged`);
        // A line cut in two is not an AirbyteMessage: the load stops with an error (exit 1), keeping what it had committed.
        if (!lineEnd) {
          expect(run.code, run.stderr).toBe(1);
          expect(run.stdout).toMatch(/"failure_type":"(system_error|config_error)"/);
        }
        expect(run.states).toBeGreaterThan(0);
        expect((await storedState(cut)).size).toBeGreaterThan(0);
      }
      console.log(`stdin cuts: ${outcomes.join('; ')}`);
      const finish = await writeProcess({ dir, config: { url: cut.url, schema: cut.schema }, catalog, input: await messagesFrom(await storedState(cut)) });
      expect(finish.code, finish.stderr).toBe(0);
      expect(await postgresDuplicates(cut)).toEqual(Object.fromEntries(STREAMS.map((s) => [s, 0])));
      expect(await postgresDigests(cut)).toEqual(expected);
    }, 600_000);
  });
}
