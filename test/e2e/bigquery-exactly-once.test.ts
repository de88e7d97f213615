// BigQuery's exactly-once promise, against the local endpoint's faults: a commit is one transaction (rows and
// state together), so a job that dies between any two statements of it, in append, overwrite and dedup, leaves
// nothing behind and a re-run from the stored state ends with exactly the rows of an uninterrupted run; a load
// or a commit whose answer is lost after BigQuery did the work is neither run twice nor failed. Also: no
// credentials is one config error before any request, and a column widens instead of storing NULL. Every
// test name says "bigquery", so `vitest run -t bigquery` selects them.

import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQuerySink } from '../../src/engines/bigquery/bigquery-sink.ts';
import { clientFor } from '../../src/engines/bigquery/client.ts';
import type { BigQueryTarget } from '../../src/engines/bigquery/target.ts';
import { targetFromDestinationUrl } from '../../src/engines/registry.ts';
import { loadMessages } from '../../src/load/load-messages.ts';
import type { Sink } from '../../src/load/sink.ts';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, DestinationSyncMode } from '../../src/protocol/types.ts';
import { localBigQuery, type LocalBigQueryForTests } from '../support/bigquery.ts';
import { runCli } from '../support/cli.ts';
import { syncProcess } from '../support/sync-process.ts';
import { configFor } from '../support/credentials.ts';
import { repoScratch } from '../support/files.ts';
import { REPO_ROOT } from '../support/postgres.ts';
import { catalog, record } from '../support/sink-streams.ts';

const TOKEN = 'bq-exactly-once-token';
/** Parts the synthetic source sends, each a few rows and then a STATE. */
const PARTS = 4;
const ROWS_PER_PART = 5;
/** The statements of a one-stream commit: BEGIN, the stream's MERGE/INSERT, the state's MERGE, COMMIT. */
const COMMIT_STATEMENTS = 4;

interface Mode {
  disposition: DestinationSyncMode;
  stream: string;
  key: string[];
  /** The columns compared, as SQL expressions giving text. */
  columns: string[];
}

const CAMPAIGN_COLUMNS = ['CAST(campaign_id AS STRING)', 'campaign_name', 'CAST(budget AS STRING)'];

const MODES: readonly Mode[] = [
  { disposition: 'append', stream: 'campaigns', key: ['campaign_id'], columns: CAMPAIGN_COLUMNS },
  { disposition: 'overwrite', stream: 'campaigns', key: ['campaign_id'], columns: CAMPAIGN_COLUMNS },
  {
    disposition: 'append_dedup',
    stream: 'ads_reports_daily',
    key: ['ad_id', 'stat_time_day'],
    columns: ['CAST(ad_id AS STRING)', 'CAST(stat_time_day AS STRING)', 'TO_JSON_STRING(metrics)'],
  },
];

function configuredCatalog(mode: Mode): ConfiguredAirbyteCatalog {
  const stream = catalog.streams.find((s) => s.name === mode.stream)!;
  return {
    streams: [{
      stream,
      sync_mode: mode.disposition === 'overwrite' ? 'full_refresh' : 'incremental',
      destination_sync_mode: mode.disposition,
      primary_key: mode.key.map((field) => [field]),
      cursor_field: stream.default_cursor_field ?? [],
    }],
  };
}

/** Row i of part p, in version v of the source's data (a dedup stream's part p also corrects the last row of p-1). */
function rowsOf(mode: Mode, part: number, version: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const make = (index: number, corrected: boolean): Record<string, unknown> =>
    mode.stream === 'campaigns'
      ? { campaign_id: `7${String(index).padStart(18, '0')}`, campaign_name: `c${index} v${version}`, budget: index * 10 + version }
      : {
          ad_id: `17${String(index % 3).padStart(17, '0')}`,
          stat_time_day: `2026-09-${String(10 + Math.floor(index / 3)).padStart(2, '0')} 00:00:00`,
          metrics: { spend: String(index + (corrected ? 0.5 : 0) + version) },
          advertiser_id: '7000000000000000001',
        };
  if (mode.disposition === 'append_dedup' && part > 0) rows.push(make(part * ROWS_PER_PART - 1, true));
  for (let i = 0; i < ROWS_PER_PART; i++) rows.push(make(part * ROWS_PER_PART + i, false));
  return rows;
}

/** The synthetic source: parts from `from` on (a full refresh always from 0), each rows then a STATE. */
async function* source(mode: Mode, from: number, version = 1): AsyncGenerator<AirbyteMessage> {
  for (let part = mode.disposition === 'overwrite' ? 0 : from; part < PARTS; part++) {
    for (const data of rowsOf(mode, part, version)) yield { type: 'RECORD', record: record(mode.stream, data) };
    yield { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: mode.stream }, stream_state: { part } } } };
  }
}

/** The sink, with `arm` called just before its `n`th commit. */
function armedBefore(sink: Sink, n: number, arm: () => void): Sink {
  let commits = 0;
  return {
    prepare: (streams) => sink.prepare(streams),
    readState: () => sink.readState(),
    stage: (stream, message) => sink.stage(stream, message),
    commit: (commits_) => {
      if (++commits === n) arm();
      return sink.commit(commits_);
    },
    finish: () => sink.finish(),
    close: () => sink.close(),
  };
}

describe('bigquery exactly-once commits against the local endpoint', () => {
  let local: LocalBigQueryForTests;

  beforeAll(async () => {
    local = await localBigQuery();
  }, 120_000);
  afterAll(async () => {
    await local?.close();
  });

  const targetOf = (dataset: string): BigQueryTarget => ({
    ...(targetFromDestinationUrl(`bigquery://${local.projectId}/${dataset}?api_endpoint=${encodeURIComponent(local.url)}&token=${TOKEN}`) as BigQueryTarget),
    tuning: { checkpointSeconds: 0 },
    views: false,
  });
  const freshDataset = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;
  const openSink = (dataset: string) =>
    new BigQuerySink(targetOf(dataset), clientFor(targetOf(dataset)), { retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 }, log: () => undefined });

  /** One run: the stored state says where the source starts; returns the error that stopped it, if any. */
  async function run(dataset: string, mode: Mode, options: { version?: number; wrap?: (sink: Sink) => Sink } = {}): Promise<{ error: unknown; sink: BigQuerySink }> {
    const sink = openSink(dataset);
    try {
      const stored = (await sink.readState()).get(mode.stream) as { part?: number } | undefined;
      const from = stored?.part === undefined ? 0 : stored.part + 1;
      const driven = options.wrap?.(sink) ?? sink;
      for await (const _ of loadMessages(driven, configuredCatalog(mode), source(mode, from, options.version))) void _;
      return { error: undefined, sink };
    } catch (error) {
      return { error, sink };
    } finally {
      await sink.close();
    }
  }

  async function contents(dataset: string, mode: Mode): Promise<string[]> {
    const table = `\`${local.projectId}.${dataset}.${mode.stream}\``;
    const [job] = await local.client().createQueryJob({ query: `SELECT ${mode.columns.map((c, i) => `${c} AS c${i}`).join(', ')} FROM ${table}` });
    const [rows] = await job.getQueryResults();
    return (rows as Record<string, unknown>[]).map((row) => JSON.stringify(mode.columns.map((_, i) => row[`c${i}`]))).sort();
  }

  async function storedPart(dataset: string, mode: Mode): Promise<number | undefined> {
    const sink = openSink(dataset);
    try {
      return ((await sink.readState()).get(mode.stream) as { part?: number } | undefined)?.part;
    } finally {
      await sink.close();
    }
  }

  for (const mode of MODES) {
    it(`bigquery ${mode.disposition}: a commit job dying after any statement leaves nothing of it; the re-run equals an uninterrupted run`, async () => {
      const reference = freshDataset(`ref_${mode.disposition}`);
      expect((await run(reference, mode)).error).toBeUndefined();
      const expected = await contents(reference, mode);
      expect(expected.length).toBeGreaterThan(PARTS);

      // The commit hit: the second one, or an overwrite's only one (its table is replaced at the stream's end).
      const hit = mode.disposition === 'overwrite' ? 1 : 2;
      for (let after = 1; after < COMMIT_STATEMENTS; after++) {
        const dataset = freshDataset(`cut_${mode.disposition}`);
        // An overwrite replaces an earlier sync's table: it must stay whole until the replacement commits.
        if (mode.disposition === 'overwrite') expect((await run(dataset, mode, { version: 0 })).error).toBeUndefined();
        const before = mode.disposition === 'overwrite' ? await contents(dataset, mode) : [];
        const cut = await run(dataset, mode, {
          wrap: (sink) => armedBefore(sink, hit, () => local.endpoint.injectFault({ error: 'quotaExceeded', target: 'statement', after, jobType: 'QUERY' })),
        });
        local.endpoint.clearFaults();
        expect(String(cut.error), `cut after statement ${after}`).toMatch(/quota/i);
        // Nothing of the dead commit: the state is the previous commit's, the rows are the previous commit's.
        const committedParts = hit - 1;
        expect(await storedPart(dataset, mode), `after statement ${after}`).toBe(committedParts === 0 ? (mode.disposition === 'overwrite' ? 3 : undefined) : committedParts - 1);
        if (mode.disposition === 'overwrite') expect(await contents(dataset, mode)).toEqual(before);
        expect((await run(dataset, mode)).error).toBeUndefined();
        expect(await contents(dataset, mode), `re-run after a cut after statement ${after}`).toEqual(expected);
      }
    }, 240_000);
  }

  it('bigquery: a backend error between statements of a commit is retried as a new job, with no row twice', async () => {
    const mode = MODES[0]!;
    const reference = freshDataset('ref_retry');
    expect((await run(reference, mode)).error).toBeUndefined();
    const dataset = freshDataset('retry');
    const result = await run(dataset, mode, {
      wrap: (sink) => armedBefore(sink, 2, () => local.endpoint.injectFault({ error: 'backendError', target: 'statement', after: 2, jobType: 'QUERY' })),
    });
    expect(result.error).toBeUndefined();
    expect(result.sink.stats.retries).toBeGreaterThanOrEqual(1);
    expect(await contents(dataset, mode)).toEqual(await contents(reference, mode));
  }, 120_000);

  it('bigquery: an INT64 column meeting 2.5 is widened to NUMERIC in place and keeps it (and every older value), never NULL', async () => {
    const dataset = freshDataset('widen');
    const stream = { name: 'widening', json_schema: { type: 'object', properties: { id: { type: 'integer' }, n: { type: 'integer' } } }, supported_sync_modes: ['incremental' as const] };
    const configured: ConfiguredAirbyteCatalog = { streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', primary_key: [['id']], cursor_field: [] }] };
    const state = (part: number): AirbyteMessage => ({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'widening' }, stream_state: { part } } } });
    async function* input(): AsyncGenerator<AirbyteMessage> {
      yield { type: 'RECORD', record: record('widening', { id: 1, n: '9007199254740993' }) };
      yield state(0);
      yield { type: 'RECORD', record: record('widening', { id: 2, n: 2.5 }) };
      yield { type: 'RECORD', record: record('widening', { id: 3, n: 7 }) };
      yield state(1);
    }
    const sink = openSink(dataset);
    try {
      for await (const _ of loadMessages(sink, configured, input())) void _;
    } finally {
      await sink.close();
    }
    expect(sink.stats.widened).toEqual(['widening.n INT64 → NUMERIC']);
    const [metadata] = await local.client().dataset(dataset).table('widening').getMetadata();
    const fields = (metadata as { schema: { fields: { name: string; type: string }[] } }).schema.fields;
    expect(fields.find((field) => field.name === 'n')?.type).toBe('NUMERIC');
    const [job] = await local.client().createQueryJob({ query: `SELECT id, n, TO_JSON_STRING(_airbyte_meta) AS meta FROM \`${local.projectId}.${dataset}.widening\` ORDER BY id` });
    const [rows] = await job.getQueryResults({ wrapIntegers: { integerTypeCastFunction: String } });
    expect((rows as { n: unknown }[]).map((row) => String(row.n))).toEqual(['9007199254740993', '2.5', '7']);
    expect(JSON.stringify(rows)).not.toContain('DESTINATION_TYPECAST_ERROR');
  }, 120_000);

  for (const jobType of ['LOAD', 'QUERY'] as const) {
    it(`bigquery: a ${jobType === 'LOAD' ? 'load' : 'commit'} whose answer is lost after the work is adopted (409 on our own id), not run twice`, async () => {
      const mode = MODES[0]!;
      const reference = freshDataset('ref_lost');
      expect((await run(reference, mode)).error).toBeUndefined();
      const dataset = freshDataset(`lost_${jobType.toLowerCase()}`);
      const result = await run(dataset, mode, {
        wrap: (sink) => armedBefore(sink, 2, () => local.endpoint.injectFault({ error: 'backendError', target: 'answer', jobType })),
      });
      local.endpoint.clearFaults();
      expect(result.error).toBeUndefined();
      expect(result.sink.stats.adopted).toBeGreaterThanOrEqual(1);
      expect(await contents(dataset, mode)).toEqual(await contents(reference, mode));
      expect(await storedPart(dataset, mode)).toBe(PARTS - 1);
    }, 120_000);
  }
});

describe('bigquery without credentials', () => {
  let local: LocalBigQueryForTests;
  let dir: string;

  beforeAll(async () => {
    local = await localBigQuery();
    dir = repoScratch(REPO_ROOT, 'bq-nocreds-');
  }, 120_000);
  afterAll(async () => {
    await local?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Nothing that could stand for credentials: no token, no key, no gcloud login, no metadata server.
  const env = { BIGQUERY_ACCESS_TOKEN: '', GOOGLE_APPLICATION_CREDENTIALS: '', CLOUDSDK_CONFIG: '/nonexistent', METADATA_SERVER_DETECTION: 'none' };
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  const WAYS = /No BigQuery credentials.*token=.*key_file=.*credentials_json.*GOOGLE_APPLICATION_CREDENTIALS/s;

  function expectOneLine(result: { code: number | null; stderr: string }): void {
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(WAYS);
    expect(result.stderr).not.toMatch(/TypeError|\n\s+at /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  }

  it('bigquery sync, destination write and destination check: one config error naming the three ways, no request sent', async () => {
    const destination = `bigquery://${local.projectId}/nocreds?api_endpoint=${encodeURIComponent(local.url)}`;
    const sync = await syncProcess({ dir, config: configFor('http://127.0.0.1:9', { start_date: '2026-09-01' }), args: ['--destination', destination, '--streams', 'campaigns'], env });
    expectOneLine(sync);
    expect(sync.stderr).toMatch(/^Configuration error: /);

    const config = file('dest.json', { project_id: local.projectId, dataset_id: 'nocreds', api_endpoint: local.url });
    const streamCatalog = file('catalog.json', configuredCatalog(MODES[0]!));
    const write = await runCli(['destination', 'write', '--config', config, '--catalog', streamCatalog], { env, validate: false });
    expectOneLine(write);

    const check = await runCli(['destination', 'check', '--config', config], { env });
    expect(check.code).toBe(0);
    const status = check.messages.find((message) => message.type === 'CONNECTION_STATUS');
    expect(status?.type === 'CONNECTION_STATUS' && status.connectionStatus.status).toBe('FAILED');
    expect(status?.type === 'CONNECTION_STATUS' && status.connectionStatus.message).toMatch(WAYS);
    // Nothing was made: the dataset the sync and the write would have created does not exist.
    expect((await local.client().dataset('nocreds').exists())[0]).toBe(false);
  }, 120_000);
});
