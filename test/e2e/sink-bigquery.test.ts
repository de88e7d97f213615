// The BigQuery sink against the local BigQuery endpoint (tools/bigquery-local/: SQL checked by ZetaSQL, run on
// DuckDB), and a live test against real BigQuery when BIGQUERY_TEST_PROJECT and credentials are set. The pieces that
// need no BigQuery (types, names, NDJSON, SQL, retries, the destination URL, held commits):
// test/unit/engines/bigquery/bigquery-sink.test.ts. Every test name says "bigquery", so `vitest run -t bigquery`
// selects them.

import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { parseJsonLossless } from '../../src/json.ts';
import { runDestination } from '../../src/commands/destination.ts';
import { BigQuerySink, openBigQuerySink } from '../../src/engines/bigquery/bigquery-sink.ts';
import { clientFor } from '../../src/engines/bigquery/client.ts';
import { standardType } from '../../src/engines/bigquery/types.ts';
import type { BigQueryTarget } from '../../src/engines/bigquery/target.ts';
import { targetFromBigQueryUrl } from '../../src/engines/bigquery/target.ts';
import { read } from '../../src/source.ts';
import { configuredCatalogFor, runSync } from '../../src/sync.ts';
import { syncProcess as runSyncProcess } from '../support/sync-process.ts';
import { localBigQuery, type LocalBigQueryForTests } from '../support/bigquery.ts';
import { emulator } from '../support/emulator.ts';
import { repoScratch } from '../support/files.ts';
import { REPO_ROOT } from '../support/postgres.ts';
import { parseConfig } from '../../src/config.ts';
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../../src/protocol/types.ts';
import { targetFromDestinationUrl } from '../../src/engines/registry.ts';
import { loadMessages } from '../../src/load/load-messages.ts';
import { discover } from '../../src/source.ts';
import { configFor, secretsIn } from '../support/credentials.ts';
import { catalog, record } from '../support/sink-streams.ts';

const NOW = new Date('2026-10-01T12:00:00Z');
const START = '2026-09-24';
const TOKEN_BQ = 'bq-local-token-6a1f0c';

describe('bigquery sink against the local endpoint', () => {
  let api: Emulator;
  let local: LocalBigQueryForTests;
  let dir: string;

  beforeAll(async () => {
    api = await emulator({ advertisers: 2, now: NOW });
    local = await localBigQuery();
    dir = repoScratch(REPO_ROOT, 'bigquery-');
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await local?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const freshDataset = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;
  const urlOf = (dataset: string, extra = '') =>
    `bigquery://${local.projectId}/${dataset}?api_endpoint=${encodeURIComponent(local.url)}&token=${TOKEN_BQ}${extra}`;
  const sourceConfig = () => parseConfig(configFor(api.url, { start_date: START }));

  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    const [job] = await local.client().createQueryJob({ query: sql });
    const [result] = await job.getQueryResults({ wrapIntegers: { integerTypeCastFunction: String } });
    return result as Record<string, unknown>[];
  }

  /** A table's data columns (Airbyte's left out: ids and times differ per run), as JSON lines in key order. */
  async function contents(dataset: string, table: string, columns: string[], orderBy: string[]): Promise<string[]> {
    const list = columns.map((c) => `\`${c}\``).join(', ');
    const found = await rows(`SELECT ${list} FROM \`${local.projectId}.${dataset}.${table}\` ORDER BY ${orderBy.map((c) => `\`${c}\``).join(', ')}`);
    return found.map((row) => JSON.stringify(columns.map((c) => normalise(row[c]))));
  }

  it('bigquery sync: table shapes, partitioning and clustering, 19-digit ids exact end to end, state stored', async () => {
    const dataset = freshDataset('shapes');
    const streams = ['advertisers', 'campaigns', 'ads_reports_daily'];
    const result = await runSync({ config: sourceConfig(), target: targetFromDestinationUrl(urlOf(dataset, '&location=EU')), streams, log: () => undefined });
    expect(result.error?.message).toBeUndefined();
    expect(result.ok).toBe(true);
    const client = local.client();
    // The dataset did not exist: it was created, in the location asked for.
    const [datasetMetadata] = await client.dataset(dataset).getMetadata();
    expect(datasetMetadata.location).toBe('EU');
    const [metadata] = await client.dataset(dataset).table('ads_reports_daily').getMetadata();
    const fields = (metadata.schema.fields as { name: string; type: string; mode?: string }[]).map((f) => [f.name, standardType(f.type), f.mode ?? 'NULLABLE']);
    expect(fields).toEqual([
      ['_airbyte_raw_id', 'STRING', 'REQUIRED'],
      ['_airbyte_extracted_at', 'TIMESTAMP', 'REQUIRED'],
      ['_airbyte_meta', 'JSON', 'REQUIRED'],
      ['_airbyte_generation_id', 'INT64', 'NULLABLE'],
      ['advertiser_id', 'INT64', 'NULLABLE'],
      ['ad_id', 'INT64', 'NULLABLE'],
      ['stat_time_day', 'DATETIME', 'NULLABLE'],
      ['dimensions', 'JSON', 'NULLABLE'],
      ['metrics', 'JSON', 'NULLABLE'],
    ]);
    expect(metadata.timePartitioning).toMatchObject({ type: 'DAY', field: 'stat_time_day' });
    expect(metadata.clustering).toEqual({ fields: ['ad_id', 'advertiser_id'] });
    const [campaigns] = await client.dataset(dataset).table('campaigns').getMetadata();
    expect(campaigns.timePartitioning).toBeUndefined();
    expect(campaigns.clustering).toEqual({ fields: ['campaign_id', 'advertiser_id'] });

    // Every id the source emitted arrives with all its digits (the source's own records are the reference).
    const expected = new Set<string>();
    for await (const message of read(sourceConfig(), configuredCatalogFor(discover(sourceConfig()), ['ads_reports_daily'], false), new Map())) {
      if (message.type === 'RECORD') expected.add(`${rawDigits(message.record.data['advertiser_id'])}/${rawDigits(message.record.data['ad_id'])}/${String(message.record.data['stat_time_day'])}`);
    }
    const loaded = await rows(`SELECT advertiser_id, ad_id, CAST(stat_time_day AS STRING) AS day FROM \`${local.projectId}.${dataset}.ads_reports_daily\``);
    const got = new Set(loaded.map((row) => `${String(row['advertiser_id'])}/${String(row['ad_id'])}/${String(row['day']).replace('T', ' ')}`));
    expect(expected.size).toBeGreaterThan(0);
    expect([...got].sort()).toEqual([...expected].sort());
    expect([...got].every((key) => /^\d{16,19}\/\d{16,19}\//.test(key))).toBe(true);
    const stored = await rows(`SELECT stream_name FROM \`${local.projectId}.${dataset}._sync_state\` ORDER BY stream_name`);
    expect(stored.map((row) => row['stream_name'])).toEqual(['ads_reports_daily', 'advertisers', 'campaigns']);
  }, 180_000);

  it('bigquery load + MERGE is idempotent: the same records twice give the same rows; in-batch duplicates and older cursors lose', async () => {
    const dataset = freshDataset('idem');
    const target = targetFromDestinationUrl(urlOf(dataset)) as BigQueryTarget;
    const stream = catalog.streams.find((s) => s.name === 'campaigns')!;
    const configured: ConfiguredAirbyteCatalog = {
      streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', primary_key: [['campaign_id']], cursor_field: ['modify_time'] }],
    };
    const campaign = (id: string, name: string, modified: string) =>
      record('campaigns', { campaign_id: JSON.rawJSON(id), advertiser_id: JSON.rawJSON('7012345678901234567'), campaign_name: name, modify_time: modified, budget: JSON.rawJSON('12.50') });
    const batch: AirbyteMessage[] = [
      { type: 'RECORD', record: campaign('1790000000000000001', 'first', '2026-09-01 10:00:00') },
      { type: 'RECORD', record: campaign('1790000000000000001', 'first, renamed', '2026-09-02 10:00:00') },
      { type: 'RECORD', record: campaign('1790000000000000001', 'late, older copy', '2026-08-30 10:00:00') },
      { type: 'RECORD', record: campaign('9223372036854775807', 'largest id', '2026-09-01 10:00:00') },
      { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'campaigns' }, stream_state: { cursor: '2026-09-02 10:00:00' } } } },
    ];
    const load = async () => {
      const sink = await openBigQuerySink({ ...target, tuning: { checkpointSeconds: 0 } }, { log: () => undefined });
      try {
        const acks: AirbyteMessage[] = [];
        for await (const message of loadMessages(sink, configured, (async function* () { yield* batch; })())) acks.push(message);
        expect(acks.filter((m) => m.type === 'STATE')).toHaveLength(1);
        return sink.stats;
      } finally {
        await sink.close();
      }
    };
    const columns = ['campaign_id', 'advertiser_id', 'campaign_name', 'modify_time', 'budget'];
    const firstStats = await load();
    const first = await contents(dataset, 'campaigns', columns, ['campaign_id']);
    expect(first).toEqual([
      JSON.stringify(['1790000000000000001', '7012345678901234567', 'first, renamed', '2026-09-02T10:00:00.000Z', '12.5']),
      JSON.stringify(['9223372036854775807', '7012345678901234567', 'largest id', '2026-09-01T10:00:00.000Z', '12.5']),
    ]);
    await load();
    expect(await contents(dataset, 'campaigns', columns, ['campaign_id'])).toEqual(first);
    expect(firstStats.loadJobs).toBe(1);
  }, 120_000);

  it('bigquery destination mode: check, then write replaces an overwrite table atomically and echoes each STATE once committed', async () => {
    const dataset = freshDataset('dest');
    const config = join(dir, `dest-${dataset}.json`);
    writeFileSync(config, JSON.stringify({ project_id: local.projectId, dataset_id: dataset, api_endpoint: local.url, access_token: TOKEN_BQ, checkpoint_seconds: 0 }));
    const stream = catalog.streams.find((s) => s.name === 'advertisers')!;
    const catalogPath = join(dir, `dest-${dataset}-catalog.json`);
    writeFileSync(catalogPath, JSON.stringify({ streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite', primary_key: [['advertiser_id']] }] }));
    const destination = async (argv: string[], input: AirbyteMessage[] = []) => {
      const stdin = new PassThrough();
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      stderr.resume();
      const done = runDestination(argv, { stdin, stdout, stderr });
      for (const message of input) stdin.write(`${JSON.stringify(message)}\n`);
      stdin.end();
      const code = await done;
      return { code, messages: out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as AirbyteMessage) };
    };
    const check = await destination(['check', '--config', config]);
    expect(check.messages).toEqual([{ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED', message: expect.stringContaining(`dataset "${dataset}"`) } }]);
    const advertiser = (id: string, name: string): AirbyteMessage => ({ type: 'RECORD', record: record('advertisers', { advertiser_id: JSON.rawJSON(id), name }) });
    const state = (n: number): AirbyteMessage => ({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'advertisers' }, stream_state: { n } } } });
    const first = await destination(['write', '--config', config, '--catalog', catalogPath], [advertiser('7000000000000000001', 'a'), advertiser('7000000000000000002', 'b'), state(1)]);
    expect(first.code).toBe(0);
    expect(first.messages.filter((m) => m.type === 'STATE').map((m) => (m.type === 'STATE' ? m.state.stream?.stream_state : undefined))).toEqual([{ n: 1 }]);
    const second = await destination(['write', '--config', config, '--catalog', catalogPath], [advertiser('7000000000000000003', 'c'), state(2)]);
    expect(second.code).toBe(0);
    expect(await contents(dataset, 'advertisers', ['advertiser_id', 'name'], ['advertiser_id'])).toEqual([JSON.stringify(['7000000000000000003', 'c'])]);
    expect(await rows(`SELECT state FROM \`${local.projectId}.${dataset}._sync_state\``)).toEqual([{ state: '{"n":2}' }]);
  }, 120_000);

  it('bigquery loads in batches of load_mb while the source goes on: several load jobs, one MERGE, every row there', async () => {
    const dataset = freshDataset('batches');
    const target = { ...(targetFromDestinationUrl(urlOf(dataset)) as BigQueryTarget), tuning: { checkpointSeconds: 0, loadBytes: 4000 } };
    const stream = catalog.streams.find((s) => s.name === 'campaigns')!;
    const configured: ConfiguredAirbyteCatalog = {
      streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', primary_key: [['campaign_id']], cursor_field: ['modify_time'] }],
    };
    const input = async function* (): AsyncGenerator<AirbyteMessage> {
      for (let i = 0; i < 60; i++) yield { type: 'RECORD', record: record('campaigns', { campaign_id: JSON.rawJSON(`17900000000000${String(i).padStart(5, '0')}`), campaign_name: `c${i}`.padEnd(100, '.') }) };
      yield { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'campaigns' }, stream_state: { done: true } } } };
    };
    const sink = await openBigQuerySink(target, { log: () => undefined });
    try {
      for await (const _ of loadMessages(sink, configured, input())) void _;
    } finally {
      await sink.close();
    }
    expect(sink.stats.loadJobs).toBeGreaterThanOrEqual(4);
    const loaded = await rows(`SELECT COUNT(*) AS n, COUNT(DISTINCT campaign_id) AS ids, MAX(campaign_id) AS top FROM \`${local.projectId}.${dataset}.campaigns\``);
    expect(loaded).toEqual([{ n: '60', ids: '60', top: '1790000000000000059' }]);
  }, 120_000);

  it('bigquery schema evolution: a new property becomes a new column, old rows NULL, the sync does not fail', async () => {
    const dataset = freshDataset('evolve');
    const target = { ...(targetFromDestinationUrl(urlOf(dataset)) as BigQueryTarget), tuning: { checkpointSeconds: 0 } };
    const schema = (extra: Record<string, unknown>) => ({ type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, ...extra } });
    const configured = (jsonSchema: Record<string, unknown>): ConfiguredAirbyteCatalog => ({
      streams: [{ stream: { name: 'things', json_schema: jsonSchema, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', primary_key: [['id']] }],
    });
    const run = async (jsonSchema: Record<string, unknown>, data: Record<string, unknown>) => {
      const sink = await openBigQuerySink(target, { log: () => undefined });
      try {
        for await (const _ of loadMessages(sink, configured(jsonSchema), (async function* (): AsyncGenerator<AirbyteMessage> { yield { type: 'RECORD', record: record('things', data) }; })())) void _;
      } finally {
        await sink.close();
      }
    };
    await run(schema({}), { id: 1, name: 'before' });
    await run(schema({ spend: { type: 'number' }, tags: { type: 'array' } }), { id: 2, name: 'after', spend: JSON.rawJSON('3.25'), tags: ['a'] });
    const [metadata] = await local.client().dataset(dataset).table('things').getMetadata();
    expect((metadata.schema.fields as { name: string; type: string }[]).slice(-2).map((f) => [f.name, standardType(f.type)])).toEqual([['spend', 'NUMERIC'], ['tags', 'JSON']]);
    expect(await contents(dataset, 'things', ['id', 'name', 'spend'], ['id'])).toEqual([JSON.stringify(['1', 'before', null]), JSON.stringify(['2', 'after', '3.25'])]);
  }, 120_000);

  it('bigquery kill -9 in the middle of a sync, then a re-run, equals one uninterrupted run', async () => {
    const streams = 'advertisers,campaigns,ads_reports_daily';
    const tables: [string, string[], string[]][] = [
      ['advertisers', ['advertiser_id', 'name', 'status'], ['advertiser_id']],
      ['campaigns', ['campaign_id', 'advertiser_id', 'campaign_name', 'modify_time', 'budget'], ['campaign_id']],
      ['ads_reports_daily', ['ad_id', 'stat_time_day', 'advertiser_id', 'metrics'], ['ad_id', 'stat_time_day']],
    ];
    const snapshot = async (dataset: string) => {
      const out: Record<string, string[]> = {};
      for (const [table, columns, key] of tables) out[table] = await contents(dataset, table, columns, key);
      return out;
    };
    const reference = freshDataset('ref');
    const clean = await syncProcess(dir, api.url, ['--destination', urlOf(reference, '&checkpoint_seconds=0'), '--streams', streams]);
    expect(clean.code, clean.stderr).toBe(0);
    const crashed = freshDataset('crash');
    let killed = 0;
    for (const afterStates of [1, 3]) {
      const run = await syncProcess(dir, api.url, ['--destination', urlOf(crashed, '&checkpoint_seconds=0'), '--streams', streams], async () => {
        const found = await rows(`SELECT COUNT(*) AS n FROM \`${local.projectId}.${crashed}._sync_state\``).catch(() => [{ n: '0' }]);
        return Number(found[0]?.['n'] ?? 0) >= afterStates;
      });
      if (run.signal === 'SIGKILL') killed++;
    }
    expect(killed).toBeGreaterThanOrEqual(1);
    const finish = await syncProcess(dir, api.url, ['--destination', urlOf(crashed, '&checkpoint_seconds=0'), '--streams', streams]);
    expect(finish.code, finish.stderr).toBe(0);
    const expected = await snapshot(reference);
    expect(expected['ads_reports_daily']!.length).toBeGreaterThan(0);
    expect(await snapshot(crashed)).toEqual(expected);
  }, 300_000);

  it('bigquery retries rate-limit errors and failed jobs, and a failed load job reports BigQuery\'s own lines', async () => {
    const dataset = freshDataset('faults');
    const target = { ...(targetFromDestinationUrl(urlOf(dataset)) as BigQueryTarget), tuning: { checkpointSeconds: 0 } };
    const stream = catalog.streams.find((s) => s.name === 'campaigns')!;
    const configured: ConfiguredAirbyteCatalog = {
      streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', primary_key: [['campaign_id']], cursor_field: ['modify_time'] }],
    };
    const input = async function* (): AsyncGenerator<AirbyteMessage> {
      yield { type: 'RECORD', record: record('campaigns', { campaign_id: 1, campaign_name: 'x' }) };
    };
    local.endpoint.injectFault({ error: 'rateLimitExceeded', target: 'request', jobType: 'LOAD', times: 2 });
    local.endpoint.injectFault({ error: 'backendError', target: 'job', jobType: 'QUERY', times: 1 });
    const notes: string[] = [];
    const sink = new BigQuerySink(target, clientFor(target), { retry: { attempts: 5, baseDelayMs: 10, maxDelayMs: 50 }, log: (line) => notes.push(line) });
    try {
      for await (const _ of loadMessages(sink, configured, input())) void _;
    } finally {
      await sink.close();
    }
    expect(sink.stats.retries).toBe(3);
    expect(notes.join('')).toMatch(/Exceeded rate limits.*retry 1/);
    expect(await contents(dataset, 'campaigns', ['campaign_id', 'campaign_name'], ['campaign_id'])).toEqual([JSON.stringify(['1', 'x'])]);

    local.endpoint.injectFault({ error: 'backendError', target: 'job', jobType: 'LOAD', times: 9 });
    const failing = new BigQuerySink(target, clientFor(target), { retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 }, log: () => undefined });
    try {
      const run = async () => {
        for await (const _ of loadMessages(failing, configured, input())) void _;
      };
      await expect(run()).rejects.toThrow(/Load job tiktok_\w+ into `.*_ab_stage_.*` failed:\n  - Backend error\. Job aborted\. \[backendError\]/);
    } finally {
      await failing.close();
      local.endpoint.clearFaults();
    }
  }, 120_000);

  it('bigquery never prints a key file\'s private key: a failing sync with a recognisable key, all output searched', async () => {
    const marker = 'ZZRECOGNISABLEKEYMATERIAL';
    const lines = Array.from({ length: 6 }, (_, i) => `${marker}${i}${'Qk'.repeat(28)}`);
    const privateKey = `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
    const keyPath = join(dir, 'leaky-key.json');
    writeFileSync(keyPath, JSON.stringify({ type: 'service_account', project_id: local.projectId, private_key_id: 'kid-5e5e5e5e', private_key: privateKey, client_email: 'loader@p.iam.gserviceaccount.com' }));
    const url = `bigquery://${local.projectId}/leak_${randomBytes(3).toString('hex')}?api_endpoint=${encodeURIComponent(local.url)}&key_file=${encodeURIComponent(keyPath)}`;
    const run = await syncProcess(dir, api.url, ['--destination', url, '--streams', 'campaigns'], undefined, { BIGQUERY_ACCESS_TOKEN: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Configuration error: BigQuery refused the credentials/);
    const output = run.stdout + run.stderr;
    expect(output).not.toContain(marker);
    expect(output).not.toContain('kid-5e5e5e5e');
    expect(output).not.toContain('Qk'.repeat(28));
    expect(secretsIn(run.stdout, run.stderr)).toEqual([]);
  }, 120_000);
});

describe('bigquery live', () => {
  const project = process.env['BIGQUERY_TEST_PROJECT'];
  const credentialed = Boolean(process.env['GOOGLE_APPLICATION_CREDENTIALS'] || process.env['BIGQUERY_ACCESS_TOKEN'] || existsSync(join(homedir(), '.config/gcloud/application_default_credentials.json')));
  const live = project !== undefined && project !== '' && credentialed;
  if (!live) {
    it('bigquery live test skipped: set BIGQUERY_TEST_PROJECT and credentials (GOOGLE_APPLICATION_CREDENTIALS) to run it against real BigQuery', () => {
      console.warn('SKIPPED bigquery live test: BIGQUERY_TEST_PROJECT and credentials are not both set.');
      expect(live).toBe(false);
    });
    return;
  }
  it('bigquery live: loads, merges twice to the same rows, partitions and clusters, in a throwaway dataset', async () => {
    const dataset = `tiktok_test_${randomBytes(4).toString('hex')}`;
    const target = { ...targetFromBigQueryUrl(`bigquery://${project}/${dataset}?location=${process.env['BIGQUERY_TEST_LOCATION'] ?? 'US'}`), tuning: { checkpointSeconds: 0 } };
    const stream = catalog.streams.find((s) => s.name === 'ads_reports_daily')!;
    const configured: ConfiguredAirbyteCatalog = {
      streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', primary_key: [['ad_id'], ['stat_time_day']], cursor_field: ['stat_time_day'] }],
    };
    const input = async function* (): AsyncGenerator<AirbyteMessage> {
      for (let day = 1; day <= 3; day++) {
        yield { type: 'RECORD', record: record('ads_reports_daily', { advertiser_id: JSON.rawJSON('7012345678901234567'), ad_id: JSON.rawJSON('9223372036854775806'), stat_time_day: `2026-09-0${day} 00:00:00`, metrics: { spend: JSON.rawJSON('1.10') } }) };
      }
    };
    const client = clientFor(target);
    try {
      for (let pass = 0; pass < 2; pass++) {
        const sink = new BigQuerySink(target, client, { log: () => undefined });
        try {
          for await (const _ of loadMessages(sink, configured, input())) void _;
        } finally {
          await sink.close();
        }
      }
      const [job] = await client.createQueryJob({ query: `SELECT ad_id, COUNT(*) AS n FROM \`${project}.${dataset}.ads_reports_daily\` GROUP BY ad_id` });
      const [result] = await job.getQueryResults({ wrapIntegers: { integerTypeCastFunction: String } });
      expect(result).toEqual([{ ad_id: '9223372036854775806', n: '3' }]);
      const [metadata] = await client.dataset(dataset).table('ads_reports_daily').getMetadata();
      expect(metadata.timePartitioning).toMatchObject({ type: 'DAY', field: 'stat_time_day' });
    } finally {
      await client.dataset(dataset).delete({ force: true }).catch(() => undefined);
    }
  }, 300_000);
});

/** Cells as comparable text: big integers and decimals as their digits, dates as ISO text, JSON parsed. */
function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && 'value' in value) return normalise((value as { value: unknown }).value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && typeof (value as { toFixed?: unknown }).toFixed === 'function') return String(value);
  if (typeof value === 'string' && /^\s*[{[]/.test(value)) return JSON.stringify(parseJsonLossless(value));
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/.test(value)) return new Date(`${value.replace(' ', 'T').replace(/(\.\d{3})\d*/, '$1')}${/Z|[+-]\d\d:?\d\d$/.test(value) ? '' : 'Z'}`).toISOString();
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
}

const rawDigits = (value: unknown): string => (JSON.isRawJSON(value) ? value.rawJSON : String(value));

/** `sync` in a child process (as a user runs it); with `killWhen`, SIGKILLed as soon as it holds. */
function syncProcess(dir: string, apiUrl: string, args: string[], killWhen?: () => Promise<boolean>, env: Record<string, string> = {}) {
  return runSyncProcess({ dir, config: configFor(apiUrl, { start_date: START }), args, env, pollMs: 50, ...(killWhen ? { killWhen } : {}) });
}
