// Faults of every kind the emulator injects, at a given rate: reads of entity, report, audience, custom-report and
// report-task streams, and syncs into Postgres and the local BigQuery, must end with exactly the rows of a clean
// run. Shared by test/e2e/faults.test.ts (10 % and 30 %) and test/stress/faults.stress.test.ts (50 %).
//
// Two emulators with the same seed and clock serve the same data: `clean` never fails; `faulty` fails each
// request at the rate with any kind (TikTok codes, HTTP 5xx, nginx HTML pages, dropped connections, truncated
// and invalid JSON, answers slower than the client's timeout, downloads cut mid-file) and ends report tasks
// FAILED or never.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { type Emulator, type EmulatorStats, FAULT_KINDS } from 'tiktok-emulator';
import { targetFromDestinationUrl } from '../../src/engines/registry.ts';
import { RECONNECT_VARIABLE } from '../../src/engines/postgres/reconnect-policy.ts';
import { targetFromUrl } from '../../src/engines/postgres/target.ts';
import { runSync, type SyncResult } from '../../src/sync.ts';
import { localBigQuery, type LocalBigQueryForTests } from './bigquery.ts';
import { APP_ID, configFor, SECRET, TOKEN } from './credentials.ts';
import { bigQueryDigest, bigQueryRows, extraLines, recordDigest } from './digest.ts';
import { startProxy } from './proxy.ts';
import { startTcpProxy } from './tcp-proxy.ts';
import { emulatedAdvertisers, emulator } from './emulator.ts';
import { freshSchema, type TestSchema } from './postgres.ts';
import { rowDifferences } from './read.ts';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { defaultConfiguredCatalog, discover, read } from '../../src/source.ts';
import { createClient, createContext } from '../../src/streams/context.ts';
import { parseState } from '../../src/streams/state.ts';

export const NOW = new Date('2026-10-01T12:00:00Z');
export const START = '2026-09-24';
/** The report-task backfill: 60 days of hours, long enough for the source to use asynchronous tasks. */
const TASK_START = '2026-08-02';

export const CUSTOM_REPORT = {
  name: 'ads_by_country_daily_custom',
  report_type: 'BASIC',
  data_level: 'AUCTION_AD',
  dimensions: ['ad_id', 'stat_time_day', 'country_code'],
  metrics: ['spend', 'impressions', 'clicks', 'conversion', 'ad_name'],
};

/** Entity, report, audience and custom-report streams: one of each kind the source reads. */
export const STREAMS = ['advertisers', 'campaigns', 'ads', 'ads_reports_daily', 'campaigns_audience_reports_daily', CUSTOM_REPORT.name];
const TASK_STREAM = 'advertisers_reports_hourly';

/** Many small advertisers: more requests (so more faults) for little data. */
export const EMULATOR = { advertisers: 8, campaignsPerAdvertiser: 4, adgroupsPerCampaign: 1, adsPerAdgroup: 2, now: NOW, seed: 11 } as const;

export function sourceConfig(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return configFor(url, { start_date: START, custom_reports: [CUSTOM_REPORT], ...extra });
}

/** Each stream's primary key (top-level fields), from the catalog. */
export function keysOf(config: Record<string, unknown>): Map<string, string[]> {
  return new Map(discover(parseConfig(config)).streams.map((s) => [s.name, (s.source_defined_primary_key ?? []).map((path) => path.join('.'))]));
}

export function bigQueryUrl(local: LocalBigQueryForTests, dataset: string, extra = '', endpoint = local.url): string {
  return `bigquery://${local.projectId}/${dataset}?api_endpoint=${encodeURIComponent(endpoint)}&token=local-test-token${extra}`;
}

/**
 * The source's read in-process, its catalog taken from the config (custom reports included), fast retries,
 * each message round-tripped through JSON as the CLI writes it (19-digit ids kept as text).
 */
export async function readInProcess(
  rawConfig: Record<string, unknown>,
  streams: string[],
  options: { now: Date; client?: { retryBaseMs?: number } },
): Promise<{ messages: AirbyteMessage[]; requests: number }> {
  const config = parseConfig(rawConfig);
  const client = createClient(config, { retryBaseMs: options.client?.retryBaseMs ?? 5 });
  const messages: AirbyteMessage[] = [];
  const ctx = createContext(config, client, { now: () => new Date(options.now) });
  for await (const message of read(config, defaultConfiguredCatalog(streams, config), parseState(undefined), ctx)) {
    messages.push(
      JSON.parse(JSON.stringify(message), (_k, v, c: { source?: string }) =>
        typeof v === 'number' && !Number.isSafeInteger(v) && c.source && /^\d+$/.test(c.source) ? c.source : v,
      ) as AirbyteMessage,
    );
  }
  return { messages, requests: client.stats.requests };
}

const kindsSince = (after: EmulatorStats, before: EmulatorStats): Record<string, number> =>
  Object.fromEntries(
    Object.entries(after.faultsByKind)
      .map(([kind, n]) => [kind, (n ?? 0) - (before.faultsByKind[kind as keyof EmulatorStats['faultsByKind']] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );

/** Into BigQuery: entity, audience and custom-report streams (each commit costs seconds on the local engine). */
export const BIGQUERY_STREAMS = ['campaigns', 'campaigns_audience_reports_daily', CUSTOM_REPORT.name];

export interface FaultSuiteOptions {
  /** Fault rates of the reads and of the syncs into Postgres. */
  rates: readonly number[];
  /** Fault rates of the syncs into the local BigQuery. */
  bigQueryRates: readonly number[];
  maxRetries?: number;
  unhealable?: boolean;
}

export function faultSuite(options: FaultSuiteOptions): void {
  let clean: Emulator;
  let faulty: Emulator;
  let local: LocalBigQueryForTests;
  const schemas: TestSchema[] = [];
  /** Fault kinds injected by the tests of this suite, all together. */
  const injectedKinds = new Set<string>();
  const plan = async (rate: number): Promise<void> => {
    const response = await fetch(`${faulty.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rate, kinds: FAULT_KINDS }),
    });
    expect(response.status).toBe(200);
  };
  // A slow answer outlasts the client's timeout (1 s); a task can end FAILED or stall (cancelled after 3 s).
  const faultyConfig = (extra: Record<string, unknown> = {}) =>
    sourceConfig(faulty.url, {
      request_timeout_seconds: 1,
      async_task_timeout_minutes: 0.05,
      async_requests_per_second: 10,
      ...(options.maxRetries !== undefined ? { max_retries: options.maxRetries } : {}),
      ...extra,
    });

  beforeAll(async () => {
    clean = await emulator(EMULATOR);
    faulty = await emulator({ ...EMULATOR, slowFaultMs: 3000, taskFailureRate: 0.3, taskStallRate: 0.2 });
    local = await localBigQuery();
  }, 120_000);
  afterAll(async () => {
    await clean?.close();
    await faulty?.close();
    await local?.close();
    for (const schema of schemas) await schema.drop();
  });
  const schema = async (prefix: string): Promise<TestSchema> => {
    const created = await freshSchema(prefix);
    schemas.push(created);
    return created;
  };

  describe('reads under faults', () => {
    let reference: Map<string, { digest: string; rows: Map<string, string> }>;
    let keys: Map<string, string[]>;
    // One advertiser: report tasks cost real time (queueing, stalls waited out), and one shows every outcome.
    let taskAdvertiser = '';
    const taskConfig = () => ({
      start_date: TASK_START,
      async_requests_per_second: 10,
      credentials: { auth_type: 'oauth2.0', app_id: APP_ID, secret: SECRET, access_token: TOKEN, advertiser_id: taskAdvertiser },
    });
    beforeAll(async () => {
      keys = keysOf(sourceConfig(clean.url));
      reference = new Map();
      const { messages } = await readInProcess(sourceConfig(clean.url), STREAMS, { now: NOW });
      for (const stream of STREAMS) reference.set(stream, recordDigest(messages, stream, keys.get(stream)!));
      const advertisers = await emulatedAdvertisers(clean);
      taskAdvertiser = advertisers[2]!.advertiser_id;
      const tasks = await readInProcess(sourceConfig(clean.url, taskConfig()), [TASK_STREAM], { now: NOW });
      reference.set(TASK_STREAM, recordDigest(tasks.messages, TASK_STREAM, keys.get(TASK_STREAM)!));
      for (const [stream, { rows }] of reference) expect(rows.size, stream).toBeGreaterThan(0);
    }, 120_000);

    for (const rate of options.rates) {
      it(`${rate * 100} % faults of every kind: entity, report, audience and custom-report reads give the rows of a clean read`, async () => {
        await plan(rate);
        const before = faulty.stats();
        const { messages, requests } = await readInProcess(faultyConfig(), STREAMS, { now: NOW, client: { retryBaseMs: 5 } });
        const injected = faulty.stats().faults - before.faults;
        const kinds = kindsSince(faulty.stats(), before);
        console.log(`read at ${rate * 100} %: ${requests} requests, ${injected} faults ${JSON.stringify(kinds)}`);
        for (const kind of Object.keys(kinds)) injectedKinds.add(kind);
        expect(injected).toBeGreaterThanOrEqual(Math.floor(requests * rate * 0.5));
        expect(messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')).toEqual([]);
        for (const stream of STREAMS) {
          const got = recordDigest(messages, stream, keys.get(stream)!);
          expect(rowDifferences(got.rows, reference.get(stream)!.rows), stream).toEqual([]);
          expect(got.digest, stream).toBe(reference.get(stream)!.digest);
        }
      });

      it(`${rate * 100} % faults, report tasks that fail or never finish: a 60-day hourly backfill gives the rows of a clean read`, async () => {
        await plan(rate);
        const before = faulty.stats();
        const { messages } = await readInProcess(faultyConfig(taskConfig()), [TASK_STREAM], { now: NOW, client: { retryBaseMs: 5 } });
        const taskCalls = Object.entries(faulty.stats().byPath)
          .filter(([path]) => path.includes('report/task/create'))
          .reduce((n, [, count]) => n + count, 0) - Object.entries(before.byPath).filter(([path]) => path.includes('report/task/create')).reduce((n, [, count]) => n + count, 0);
        expect(taskCalls).toBeGreaterThan(0);
        expect(faulty.stats().faults - before.faults).toBeGreaterThan(0);
        for (const kind of Object.keys(kindsSince(faulty.stats(), before))) injectedKinds.add(kind);
        // Tasks ended FAILED or stalled (the emulator's task outcomes), and the rows came all the same.
        const tasks = (await (await fetch(`${faulty.url}/_emulator/tasks`)).json()) as { tasks?: { outcome?: string }[] } | { outcome?: string }[];
        const outcomes = new Set((Array.isArray(tasks) ? tasks : (tasks.tasks ?? [])).map((t) => t.outcome));
        expect(outcomes.has('FAILED') || outcomes.has('STALL')).toBe(true);
        const got = recordDigest(messages, TASK_STREAM, keys.get(TASK_STREAM)!);
        expect(rowDifferences(got.rows, reference.get(TASK_STREAM)!.rows)).toEqual([]);
        expect(got.digest).toBe(reference.get(TASK_STREAM)!.digest);
      });
    }
  });

  describe('syncs under faults', () => {
    let postgresReference: Record<string, string>;
    let bigQueryReference: Record<string, string>;
    const postgresDigests = async (db: TestSchema) => Object.fromEntries(await Promise.all(STREAMS.map(async (s) => [s, await db.digest(s, 'row_text')] as const)));
    const bigQueryDigests = async (dataset: string) => {
      const out: Record<string, string> = {};
      for (const stream of BIGQUERY_STREAMS) out[stream] = await bigQueryDigest(local.client(), dataset, stream);
      return out;
    };
    const expectOk = (result: SyncResult) => {
      expect(result.error?.message).toBeUndefined();
      expect(result.reported).toEqual([]);
      expect(result.ok).toBe(true);
    };

    let cleanSchema: TestSchema;
    let cleanDataset: string;
    beforeAll(async () => {
      const db = await schema('fclean');
      cleanSchema = db;
      expectOk(await runSync({ config: parseConfig(sourceConfig(clean.url)), target: targetFromUrl(db.url, db.schema), streams: STREAMS, now: () => NOW, log: () => undefined }));
      postgresReference = await postgresDigests(db);
      for (const [stream, digest] of Object.entries(postgresReference)) expect(digest.startsWith('0:'), stream).toBe(false);
      const dataset = `fclean_${Math.random().toString(36).slice(2, 8)}`;
      cleanDataset = dataset;
      expectOk(await runSync({ config: parseConfig(sourceConfig(clean.url)), target: targetFromDestinationUrl(bigQueryUrl(local, dataset)), streams: BIGQUERY_STREAMS, now: () => NOW, log: () => undefined }));
      bigQueryReference = await bigQueryDigests(dataset);
      for (const [stream, digest] of Object.entries(bigQueryReference)) expect(digest.startsWith('0:'), stream).toBe(false);
    }, 180_000);

    for (const rate of options.rates) {
      it(`${rate * 100} % faults: a sync into Postgres ends with the tables of a clean sync`, async () => {
        await plan(rate);
        const before = faulty.stats();
        const db = await schema('fpg');
        expectOk(await runSync({ config: parseConfig(faultyConfig()), target: targetFromUrl(db.url, db.schema), streams: STREAMS, now: () => NOW, log: () => undefined }));
        expect(faulty.stats().faults - before.faults).toBeGreaterThan(0);
        for (const kind of Object.keys(kindsSince(faulty.stats(), before))) injectedKinds.add(kind);
        expect(await postgresDigests(db)).toEqual(postgresReference);
      }, 240_000);
    }

    for (const rate of options.bigQueryRates) {
      it(`${rate * 100} % faults: a sync into the local BigQuery ends with the tables of a clean sync`, async () => {
        await plan(rate);
        const before = faulty.stats();
        const dataset = `fbq_${Math.random().toString(36).slice(2, 8)}`;
        expectOk(await runSync({ config: parseConfig(faultyConfig()), target: targetFromDestinationUrl(bigQueryUrl(local, dataset)), streams: BIGQUERY_STREAMS, now: () => NOW, log: () => undefined }));
        expect(faulty.stats().faults - before.faults).toBeGreaterThan(0);
        for (const kind of Object.keys(kindsSince(faulty.stats(), before))) injectedKinds.add(kind);
        expect(await bigQueryDigests(dataset)).toEqual(bigQueryReference);
      }, 240_000);
    }

    it('every kind of fault was injected by the tests above', () => {
      expect([...injectedKinds].sort()).toEqual([...FAULT_KINDS].sort());
    });

    if (options.unhealable) unhealableTests(() => ({ clean, local, postgresReference, bigQueryReference, referenceSchema: cleanSchema, bigQueryDataset: cleanDataset, schema }));
  });
}

interface World {
  clean: Emulator;
  local: LocalBigQueryForTests;
  postgresReference: Record<string, string>;
  bigQueryReference: Record<string, string>;
  referenceSchema: TestSchema;
  bigQueryDataset: string;
  schema: (prefix: string) => Promise<TestSchema>;
}

/** Polls `condition` while `work` runs; runs `act` once it holds. Resolves with the work's result and whether it acted. */
async function actWhen<T>(work: Promise<T>, condition: () => Promise<boolean>, act: () => Promise<void>): Promise<{ result: T; acted: boolean }> {
  let done = false;
  const finished = work.finally(() => (done = true));
  let acted = false;
  while (!done) {
    if (await condition().catch(() => false)) {
      await act();
      acted = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { result: await finished, acted };
}

/** Rows of `table` in `db` that the clean sync's table does not have (as many times): 0 when nothing wrong was committed. */
async function rowsNotInReference(db: TestSchema, reference: TestSchema, table: string, where = 'true'): Promise<number> {
  const columns = await db.query<{ name: string }>(
    `select column_name as name from information_schema.columns where table_schema = $1 and table_name = $2 and column_name not like '\\_airbyte\\_%' order by ordinal_position`,
    [reference.schema, table],
  );
  const list = columns.map((c) => `"${c.name}"`).join(', ');
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from (select ${list} from "${db.schema}"."${table}" where ${where} except all select ${list} from "${reference.schema}"."${table}" where ${where}) x`,
  );
  return row!.n;
}

const stateRows = async (db: TestSchema): Promise<string[]> =>
  (await db.query<{ stream_name: string }>(`select stream_name from "${db.schema}"._sync_state order by 1`)).map((r) => r.stream_name);

function unhealableTests(world: () => World): void {
  const admin = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${world().clean.url}/_emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  /** After a failure: every table holds only rows of the clean sync, the state table kept what it had; a re-run completes the tables. */
  async function expectKeptThenHealed(db: TestSchema, statesBefore: number, rerun: () => Promise<SyncResult>): Promise<void> {
    const { referenceSchema, postgresReference } = world();
    const stored = await stateRows(db);
    expect(stored.length).toBeGreaterThanOrEqual(statesBefore);
    for (const stream of stored) expect(await rowsNotInReference(db, referenceSchema, stream), stream).toBe(0);
    const result = await rerun();
    expect(result.error?.message).toBeUndefined();
    expect(result.ok).toBe(true);
    const digests = Object.fromEntries(await Promise.all(STREAMS.map(async (s) => [s, await db.digest(s, 'row_text')] as const)));
    expect(digests).toEqual(postgresReference);
  }
  const slowConfig = (url: string, extra: Record<string, unknown> = {}) => parseConfig(sourceConfig(url, { requests_per_second: 8, ...extra }));

  describe('faults that cannot heal', () => {
    it('a token revoked mid-sync: a config_error naming the access token; the streams committed before it stay, and a re-run with a valid token completes them', async () => {
      const { clean, schema } = world();
      const minted = await admin('tokens', { app_id: APP_ID });
      const token = String(minted['access_token']);
      const db = await schema('frevoke');
      const credentials = { auth_type: 'oauth2.0', app_id: APP_ID, secret: String(minted['secret']), access_token: token };
      let statesBefore = 0;
      const { result, acted } = await actWhen(
        runSync({ config: slowConfig(clean.url, { credentials }), target: targetFromUrl(db.url, db.schema), streams: STREAMS, now: () => NOW, log: () => undefined }),
        async () => (statesBefore = (await stateRows(db)).length) >= 2,
        async () => void (await admin('tokens/revoke', { access_token: token })),
      );
      expect(acted).toBe(true);
      expect(result.error?.failureType, result.error?.message).toBe('config_error');
      expect(result.error?.message).toMatch(/credentials\.access_token/);
      expect(result.error?.message).not.toContain(token);
      await expectKeptThenHealed(db, statesBefore, () =>
        runSync({ config: parseConfig(sourceConfig(clean.url)), target: targetFromUrl(db.url, db.schema), streams: STREAMS, now: () => NOW, log: () => undefined }),
      );
    }, 300_000);

    it('40002 "no permission" on one advertiser: skipped by name, the others loaded exactly as in a clean sync', async () => {
      const { clean, schema, referenceSchema } = world();
      const [first] = await referenceSchema.query<{ id: string }>(`select advertiser_id::text as id from "${referenceSchema.schema}".advertisers order by 1 limit 1`);
      const refused = first!.id;
      const proxy = await startProxy(clean.url, {
        answer: (request) =>
          request.query.get('advertiser_id') === refused || request.body.includes(refused)
            ? { code: 40002, message: `Advertiser ID ${refused} does not exist or you do not have permission to access it.` }
            : undefined,
      });
      try {
        const db = await schema('f40002');
        const log: string[] = [];
        const result = await runSync({ config: parseConfig(sourceConfig(proxy.url)), target: targetFromUrl(db.url, db.schema), streams: STREAMS, now: () => NOW, log: (line) => log.push(line) });
        expect(result.error?.message).toBeUndefined();
        expect(result.ok).toBe(true);
        expect(proxy.seen.some((r) => r.query.get('advertiser_id') === refused)).toBe(true);
        expect(log.join('')).toMatch(new RegExp(`Advertiser ${refused} is not accessible with this token \\(TikTok code 40002`));
        for (const stream of STREAMS.filter((s) => s !== 'advertisers')) {
          const [own] = await db.query<{ n: number }>(`select count(*)::int as n from "${db.schema}"."${stream}" where advertiser_id = ${refused}`);
          expect(own!.n, stream).toBe(0);
          const others = `advertiser_id <> ${refused}`;
          expect(await rowsNotInReference(db, referenceSchema, stream, others), stream).toBe(0);
          expect(await rowsNotInReference(referenceSchema, db, stream, others), stream).toBe(0);
        }
      } finally {
        await proxy.close();
      }
    }, 300_000);

    it('Postgres goes away mid-sync for good (a proxy in front of it closes): a transient_error once reconnecting fails; committed rows and states stay; a re-run completes the tables', async () => {
      // (Terminated backends, or a restart, heal: test/e2e/postgres-reconnect.test.ts.)
      const { clean, schema } = world();
      const db = await schema('fgone');
      const proxy = await startTcpProxy(db.url);
      const url = new URL(db.url);
      url.host = new URL(proxy.url).host;
      const policy = process.env[RECONNECT_VARIABLE];
      process.env[RECONNECT_VARIABLE] = 'attempts=3,first_delay_ms=50';
      let statesBefore = 0;
      try {
        const { result, acted } = await actWhen(
          runSync({ config: slowConfig(clean.url), target: targetFromUrl(url.toString(), db.schema), streams: STREAMS, now: () => NOW, log: () => undefined }),
          async () => (statesBefore = (await stateRows(db)).length) >= 2,
          () => proxy.close(),
        );
        expect(acted).toBe(true);
        expect(result.error?.failureType, result.error?.message).toBe('transient_error');
        expect(result.error?.message).toMatch(/^Postgres at .* could not be reached again after 3 attempts/);
      } finally {
        if (policy === undefined) delete process.env[RECONNECT_VARIABLE];
        else process.env[RECONNECT_VARIABLE] = policy;
      }
      await expectKeptThenHealed(db, statesBefore, () =>
        runSync({ config: parseConfig(sourceConfig(clean.url)), target: targetFromUrl(db.url, db.schema), streams: STREAMS, now: () => NOW, log: () => undefined }),
      );
    }, 300_000);

    it('the BigQuery endpoint goes away mid-sync: a transient_error; committed rows and states stay; a re-run completes the tables', async () => {
      const { clean, local, bigQueryReference, bigQueryDataset } = world();
      const dataset = `fgone_${Math.random().toString(36).slice(2, 8)}`;
      const proxy = await startTcpProxy(local.url);
      const client = local.client();
      const bigQueryStates = async (): Promise<number> => {
        const [job] = await client.createQueryJob({ query: `SELECT COUNT(*) AS n FROM \`${local.projectId}.${dataset}._sync_state\`` });
        const [rows] = await job.getQueryResults();
        return Number((rows[0] as { n: number }).n);
      };
      let statesBefore = 0;
      const { result, acted } = await actWhen(
        runSync({ config: slowConfig(clean.url), target: targetFromDestinationUrl(bigQueryUrl(local, dataset, '&checkpoint_seconds=0', proxy.url)), streams: BIGQUERY_STREAMS, now: () => NOW, log: () => undefined }),
        async () => (statesBefore = await bigQueryStates()) >= 2,
        () => proxy.close(),
      );
      expect(acted).toBe(true);
      expect(result.error?.failureType, result.error?.message).toBe('transient_error');
      expect(await bigQueryStates()).toBeGreaterThanOrEqual(statesBefore);
      for (const stream of BIGQUERY_STREAMS) {
        const got = await bigQueryRows(client, dataset, stream);
        const want = await bigQueryRows(client, bigQueryDataset, stream);
        expect(extraLines(got.lines, want.lines), stream).toEqual([]);
      }
      const rerun = await runSync({ config: parseConfig(sourceConfig(clean.url)), target: targetFromDestinationUrl(bigQueryUrl(local, dataset)), streams: BIGQUERY_STREAMS, now: () => NOW, log: () => undefined });
      expect(rerun.error?.message).toBeUndefined();
      const digests: Record<string, string> = {};
      for (const stream of BIGQUERY_STREAMS) digests[stream] = (await bigQueryRows(client, dataset, stream)).digest;
      expect(digests).toEqual(bigQueryReference);
    }, 300_000);
  });
}
