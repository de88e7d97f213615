// The BigQuery sink. Part 1: the pieces that need no BigQuery — type mapping, names, NDJSON encoding, the SQL
// it sends, retry classification, the destination URL, and the driver's held commits. Part 2 runs the sink
// against the local BigQuery endpoint (tools/bigquery-local/: SQL checked by ZetaSQL, run on DuckDB), and a live
// test against real BigQuery when BIGQUERY_TEST_PROJECT and credentials are set. Every test name says
// "bigquery", so `vitest run -t bigquery` selects them.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
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
import { read } from '../../src/source.ts';
import { configuredCatalogFor, runSync } from '../../src/sync.ts';
import { syncProcess as runSyncProcess } from '../support/sync-process.ts';
import { localBigQuery, type LocalBigQueryForTests } from '../support/bigquery.ts';
import { emulator } from '../support/emulator.ts';
import { repoScratch } from '../support/files.ts';
import { REPO_ROOT } from '../support/postgres.ts';
import { parseConfig } from '../../src/config.ts';
import type { AirbyteMessage, AirbyteRecordMessage, ConfiguredAirbyteCatalog } from '../../src/protocol/types.ts';
import { redact } from '../../src/secrets.ts';
import { addColumnsSql, createTableSql, tableRef } from '../../src/engines/bigquery/ddl.ts';
import { decimalText, encoderFor, INVALID } from '../../src/engines/bigquery/encode.ts';
import { bigQueryErrorOf } from '../../src/engines/bigquery/errors.ts';
import { planTable } from '../../src/engines/bigquery/layout.ts';
import { applySql } from '../../src/engines/bigquery/merge.ts';
import { bigQueryName, distinctColumnNames } from '../../src/engines/bigquery/names.ts';
import { RowWriter } from '../../src/engines/bigquery/ndjson.ts';
import { classify, withRetry } from '../../src/engines/bigquery/retry.ts';
import { Spool } from '../../src/engines/bigquery/spool.ts';
import { targetFromBigQueryUrl } from '../../src/engines/bigquery/target.ts';
import { bigQueryTypeOf } from '../../src/engines/bigquery/types.ts';
import { targetFromConfig, targetFromDestinationUrl } from '../../src/engines/registry.ts';
import { loadMessages } from '../../src/load/load-messages.ts';
import type { Sink, SinkStream, StoredState, StreamCommit } from '../../src/load/sink.ts';
import { discover } from '../../src/source.ts';
import { configFor, secretsIn } from '../support/credentials.ts';

const catalog = discover(parseConfig(configFor('http://127.0.0.1:1')));

function sinkStream(name: string, disposition: SinkStream['disposition'] = 'append_dedup'): SinkStream {
  const stream = catalog.streams.find((s) => s.name === name)!;
  return {
    name,
    jsonSchema: stream.json_schema,
    disposition,
    primaryKey: stream.source_defined_primary_key ?? [],
    cursorField: stream.default_cursor_field ?? [],
    generationId: 3,
    syncId: 42,
  };
}

const record = (stream: string, data: Record<string, unknown>, emitted_at = Date.UTC(2026, 9, 1)): AirbyteRecordMessage => ({ stream, data, emitted_at });

describe('bigquery types and names', () => {
  it('bigquery columns are typed from the JSON schema: ids INT64, report times DATETIME, objects JSON', () => {
    const layout = planTable(sinkStream('ads_reports_daily'), undefined);
    const types = Object.fromEntries(layout.columns.map((c) => [c.name, c.type]));
    expect(types).toEqual({ advertiser_id: 'INT64', ad_id: 'INT64', stat_time_day: 'DATETIME', dimensions: 'JSON', metrics: 'JSON' });
    const campaigns = Object.fromEntries(planTable(sinkStream('campaigns'), undefined).columns.map((c) => [c.name, c.type]));
    expect(campaigns).toMatchObject({ campaign_id: 'INT64', budget: 'NUMERIC', is_new_structure: 'BOOL', special_industries: 'JSON', campaign_name: 'STRING' });
    expect(bigQueryTypeOf({ type: ['null', 'number'], format: 'double' })).toBe('FLOAT64');
    expect(bigQueryTypeOf({ type: 'string', format: 'date-time' })).toBe('TIMESTAMP');
    expect(bigQueryTypeOf({ type: 'string', format: 'date' })).toBe('DATE');
    expect(bigQueryTypeOf({ oneOf: [{ type: 'string' }, { type: 'integer' }] })).toBe('JSON');
  });

  it('bigquery names: invalid characters cleaned, case-insensitive collisions kept apart, stable', () => {
    expect(bigQueryName('ad_id')).toBe('ad_id');
    expect(bigQueryName('cost per click')).toMatch(/^cost_per_click_[0-9a-f]{8}$/);
    expect(bigQueryName('1st')).toMatch(/^_1st_[0-9a-f]{8}$/);
    expect(bigQueryName('_PARTITIONTIME')).toMatch(/^__PARTITIONTIME_[0-9a-f]{8}$/);
    const names = distinctColumnNames(['Spend', 'spend', '_airbyte_meta'], new Set(['_airbyte_meta']));
    expect(names.get('Spend')).toBe('Spend');
    expect(names.get('spend')).toMatch(/^spend_[0-9a-f]{8}$/);
    expect(names.get('_airbyte_meta')).toMatch(/^_airbyte_meta_[0-9a-f]{8}$/);
    expect(distinctColumnNames(['Spend', 'spend'], new Set()).get('spend')).toBe(names.get('spend'));
  });
});

describe('bigquery NDJSON rows', () => {
  it('bigquery rows carry 19-digit ids as exact strings, never through a JS number', () => {
    const layout = planTable(sinkStream('ads_reports_daily'), undefined);
    const line = new RowWriter(layout).write(
      record('ads_reports_daily', {
        advertiser_id: JSON.rawJSON('7012345678901234567'),
        ad_id: '9223372036854775807',
        stat_time_day: '2026-09-22 00:00:00',
        metrics: { spend: JSON.rawJSON('10.50'), campaign_id: JSON.rawJSON('1790123456789012345') },
        unknown_field: 'not a column',
      }),
      7,
    );
    expect(line.endsWith('\n')).toBe(true);
    expect(line).toContain('"advertiser_id":"7012345678901234567"');
    expect(line).toContain('"ad_id":"9223372036854775807"');
    expect(line).toContain('"stat_time_day":"2026-09-22 00:00:00"');
    // JSON columns get the raw JSON value; ids inside stay digits.
    expect(line).toContain('"metrics":{"spend":10.50,"campaign_id":1790123456789012345}');
    const row = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(row)).toEqual(['_ab_seq', '_airbyte_raw_id', '_airbyte_extracted_at', '_airbyte_meta', '_airbyte_generation_id', 'advertiser_id', 'ad_id', 'stat_time_day', 'metrics']);
    expect(row['_airbyte_meta']).toEqual({ changes: [], sync_id: 42 });
    expect(row['_airbyte_extracted_at']).toBe('2026-10-01T00:00:00.000Z');
    expect(row['_airbyte_generation_id']).toBe('3');
  });

  it('bigquery rows: values that do not fit their column become NULL with a note in _airbyte_meta', () => {
    const layout = planTable(sinkStream('ads_reports_daily'), undefined);
    const row = JSON.parse(
      new RowWriter(layout).write(record('ads_reports_daily', { advertiser_id: '9223372036854775808', ad_id: 'abc', stat_time_day: '2026-02-30 00:00:00' }), 1),
    ) as Record<string, unknown>;
    expect(row['advertiser_id']).toBeUndefined();
    expect(row['ad_id']).toBeUndefined();
    expect(row['stat_time_day']).toBeUndefined();
    expect(row['_airbyte_meta']).toEqual({
      changes: ['advertiser_id', 'ad_id', 'stat_time_day'].map((field) => ({ field, change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' })),
      sync_id: 42,
    });
  });

  it('bigquery values: NUMERIC rounded to 9 places as a string, timestamps normalised, booleans, lone surrogates', () => {
    expect(decimalText('1.0000000005', 29, 9)).toBe('1.000000001');
    expect(decimalText('-0.0000000004', 29, 9)).toBe('0');
    expect(decimalText('1.5e3', 29, 9)).toBe('1500');
    expect(decimalText('1'.repeat(30), 29, 9)).toBeUndefined();
    expect(encoderFor('NUMERIC')(JSON.rawJSON('12.340'))).toBe('"12.34"');
    expect(encoderFor('FLOAT64')('0.25')).toBe('0.25');
    expect(encoderFor('INT64')(-9223372036854775808n.toString())).toBe('"-9223372036854775808"');
    expect(encoderFor('INT64')(1.5)).toBe(INVALID);
    expect(encoderFor('TIMESTAMP')('2026-01-02 03:04:05')).toBe('"2026-01-02 03:04:05+00:00"');
    expect(encoderFor('TIMESTAMP')('2026-01-02T03:04:05.1234567+0530')).toBe('"2026-01-02 03:04:05.123456+05:30"');
    expect(encoderFor('DATETIME')('2026-01-02T03:04:05Z')).toBe('"2026-01-02 03:04:05"');
    expect(encoderFor('DATE')('2026-01-02 03:04:05')).toBe('"2026-01-02"');
    expect(encoderFor('BOOL')('TRUE')).toBe('true');
    expect(encoderFor('STRING')('a\ud800b')).toBe('"a\ufffdb"');
    expect(encoderFor('JSON')({ text: 'x' })).toBe('{"text":"x"}');
    expect(encoderFor('STRUCT')({})).toBe(INVALID);
  });

  it('bigquery spool: rows go to a file per load job, then the spool starts a new one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bq-spool-'));
    try {
      const spool = new Spool(dir, 't');
      for (let i = 0; i < 3000; i++) await spool.append(`{"n":${i},"pad":"${'x'.repeat(500)}"}\n`);
      const first = await spool.take();
      expect(first?.rows).toBe(3000);
      const lines = readFileSync(first!.path, 'utf8').split('\n');
      expect(lines.length).toBe(3001);
      expect(JSON.parse(lines[2999]!)).toMatchObject({ n: 2999 });
      expect(first?.bytes).toBe(readFileSync(first!.path).length);
      expect(await spool.take()).toBeUndefined();
      spool.append('{"n":1}\n');
      const second = await spool.take();
      expect(second?.path).not.toBe(first?.path);
      expect(readFileSync(second!.path, 'utf8')).toBe('{"n":1}\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bigquery SQL', () => {
  const ref = tableRef('my-project', 'tiktok_ads', 'ads_reports_daily');

  it('bigquery report tables are partitioned by DATE of their report time and clustered by their ids', () => {
    const daily = createTableSql(ref, planTable(sinkStream('ads_reports_daily'), undefined));
    expect(daily).toMatch(/^CREATE TABLE IF NOT EXISTS `my-project\.tiktok_ads\.ads_reports_daily` \(/);
    expect(daily).toContain('`_airbyte_raw_id` STRING NOT NULL');
    expect(daily).toContain('`_airbyte_extracted_at` TIMESTAMP NOT NULL');
    expect(daily).toContain('`_airbyte_meta` JSON NOT NULL');
    expect(daily).toContain('`_airbyte_generation_id` INT64,');
    expect(daily).toMatch(/\nPARTITION BY DATE\(`stat_time_day`\)\nCLUSTER BY `ad_id`, `advertiser_id`$/);
    const hourly = createTableSql(ref, planTable(sinkStream('campaigns_reports_hourly'), undefined));
    expect(hourly).toMatch(/PARTITION BY DATE\(`stat_time_hour`\)\nCLUSTER BY `campaign_id`, `advertiser_id`$/);
    const lifetime = createTableSql(ref, planTable(sinkStream('ads_reports_lifetime', 'overwrite'), undefined));
    expect(lifetime).not.toContain('PARTITION BY');
    expect(lifetime).toMatch(/CLUSTER BY `ad_id`, `advertiser_id`$/);
    const entity = createTableSql(ref, planTable(sinkStream('campaigns'), undefined));
    expect(entity).not.toContain('PARTITION BY');
    expect(entity).toMatch(/CLUSTER BY `campaign_id`, `advertiser_id`$/);
  });

  it('bigquery schema evolution: properties new in the schema become ADD COLUMN IF NOT EXISTS; existing types win', () => {
    const stream = sinkStream('ads_reports_daily');
    const existing = {
      fields: new Map([
        ['_airbyte_raw_id', { name: '_airbyte_raw_id', type: 'STRING' }],
        ['_airbyte_extracted_at', { name: '_airbyte_extracted_at', type: 'TIMESTAMP' }],
        ['_airbyte_meta', { name: '_airbyte_meta', type: 'JSON' }],
        ['_airbyte_generation_id', { name: '_airbyte_generation_id', type: 'INTEGER' }],
        ['advertiser_id', { name: 'advertiser_id', type: 'STRING' }],
        ['ad_id', { name: 'ad_id', type: 'INTEGER' }],
        ['stat_time_day', { name: 'stat_time_day', type: 'DATETIME' }],
      ]),
    };
    const layout = planTable(stream, existing);
    expect(layout.create).toBe(false);
    expect(layout.columns.find((c) => c.name === 'advertiser_id')?.type).toBe('STRING');
    expect(layout.columns.find((c) => c.name === 'ad_id')?.type).toBe('INT64');
    expect(addColumnsSql(ref, layout.missing)).toBe(
      'ALTER TABLE `my-project.tiktok_ads.ads_reports_daily`\n  ADD COLUMN IF NOT EXISTS `dimensions` JSON,\n  ADD COLUMN IF NOT EXISTS `metrics` JSON',
    );
    expect(addColumnsSql(ref, [])).toBeUndefined();
  });

  it('bigquery MERGE: one statement, winners by ROW_NUMBER in a subquery (no bare QUALIFY), NULL-safe keys, newer cursor wins', () => {
    const layout = planTable(sinkStream('ads_reports_daily'), undefined);
    const stage = tableRef('my-project', 'tiktok_ads', '_ab_stage_x_ads_reports_daily');
    const merge = applySql(ref, stage, layout, 'merge');
    expect(merge).not.toMatch(/QUALIFY/i);
    expect(merge.match(/^MERGE /gm)).toHaveLength(1);
    expect(merge).toContain('ROW_NUMBER() OVER (PARTITION BY `ad_id`, `stat_time_day` ORDER BY `stat_time_day` DESC NULLS LAST, `_ab_seq` DESC)');
    expect(merge).toContain('WHERE _ab_row_number = 1');
    expect(merge).toContain('ON target.`ad_id` IS NOT DISTINCT FROM source.`ad_id` AND target.`stat_time_day` IS NOT DISTINCT FROM source.`stat_time_day`');
    expect(merge).toContain('WHEN MATCHED AND (target.`stat_time_day` IS NULL OR source.`stat_time_day` >= target.`stat_time_day`) THEN UPDATE SET `_airbyte_raw_id` = source.`_airbyte_raw_id`');
    expect(merge).toMatch(/WHEN NOT MATCHED THEN INSERT \(`_airbyte_raw_id`, .*`metrics`\) VALUES \(source\.`_airbyte_raw_id`, .*source\.`metrics`\)$/);
    // The staged rows' date span, as constants, so BigQuery reads only those partitions of the table.
    const writer = new RowWriter(layout);
    for (const day of ['2026-09-03', '2026-09-01', '2026-09-02']) writer.write(record('ads_reports_daily', { ad_id: 1, stat_time_day: `${day} 00:00:00` }), 1);
    expect(writer.span?.range).toEqual({ min: '2026-09-01 00:00:00', max: '2026-09-03 00:00:00' });
    expect(applySql(ref, stage, layout, 'merge', false, writer.span?.range)).toContain(
      "AND target.`stat_time_day` IS NOT DISTINCT FROM source.`stat_time_day` AND target.`stat_time_day` BETWEEN DATETIME '2026-09-01 00:00:00' AND DATETIME '2026-09-03 00:00:00'\nWHEN MATCHED",
    );
    writer.write(record('ads_reports_daily', { ad_id: 2 }), 2);
    expect(writer.span?.range).toBeUndefined();
    const replace = applySql(ref, stage, layout, 'replace');
    expect(replace).toContain('ON FALSE');
    expect(replace).toContain('WHEN NOT MATCHED BY SOURCE THEN DELETE');
    expect(applySql(ref, stage, layout, 'replace', true)).toContain(`FROM ${stage} WHERE FALSE`);
    expect(applySql(ref, stage, planTable({ ...sinkStream('ads_reports_daily', 'append'), primaryKey: [] }, undefined), 'insert')).toMatch(/^INSERT INTO `my-project\.tiktok_ads\.ads_reports_daily` \(/);
  });
});

describe('bigquery retries', () => {
  const apiError = (code: number, reason: string, message: string) => Object.assign(new Error(message), { code, errors: [{ reason, message }] });

  it('bigquery failures are classified: rate, backend and DML conflicts retried; daily quota, bad SQL and auth not', () => {
    expect(classify(apiError(403, 'rateLimitExceeded', 'Exceeded rate limits: too many table update operations for this table'))).toBe('retry');
    expect(classify(apiError(403, 'quotaExceeded', 'Exceeded rate limits: too many concurrent queries'))).toBe('retry');
    expect(classify(apiError(403, 'quotaExceeded', 'Quota exceeded: Your table exceeded quota for imports or query appends per table'))).toBe('quota');
    expect(classify(apiError(503, 'backendError', 'Backend error'))).toBe('retry');
    expect(classify({ errors: [{ reason: 'invalidQuery', message: 'Could not serialize access to table p:d.t due to concurrent update' }] })).toBe('retry');
    expect(classify(apiError(400, 'invalidQuery', 'Unrecognized name: nope'))).toBe('fatal');
    expect(classify(apiError(403, 'accessDenied', 'Access Denied: Project p'))).toBe('auth');
    expect(classify(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe('unreachable');
    expect(classify(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe('retry');
  });

  it('bigquery retry: runs again with backoff until it passes, and stops at once on what a retry cannot fix', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await withRetry(
      { attempts: 5, baseDelayMs: 1, maxDelayMs: 4 },
      async (attempt) => {
        calls++;
        if (attempt < 3) throw apiError(403, 'rateLimitExceeded', 'Exceeded rate limits');
        return `done on ${attempt}`;
      },
      (_error, _n, wait) => waits.push(wait),
    );
    expect(result).toBe('done on 3');
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
    let fatalCalls = 0;
    await expect(
      withRetry({ attempts: 5, baseDelayMs: 1, maxDelayMs: 4 }, async () => {
        fatalCalls++;
        throw apiError(400, 'invalidQuery', 'Syntax error');
      }),
    ).rejects.toThrow('Syntax error');
    expect(fatalCalls).toBe(1);
  });
});

describe('bigquery destination', () => {
  it('bigquery:// URLs name project, dataset, location, endpoint and token; the token is a secret', () => {
    const target = targetFromBigQueryUrl('bigquery://my-project/analytics?location=EU&api_endpoint=http://127.0.0.1:9050/&token=tok-bq-4d2c9e11', 'ignored', {});
    expect(target).toMatchObject({ projectId: 'my-project', dataset: 'analytics', location: 'EU', apiEndpoint: 'http://127.0.0.1:9050' });
    expect(target.credentials).toEqual({ kind: 'token', token: 'tok-bq-4d2c9e11' });
    expect(redact('token tok-bq-4d2c9e11 used')).toBe('token **** used');
    expect(targetFromBigQueryUrl('bigquery://p', 'from_schema_flag', {}).dataset).toBe('from_schema_flag');
    expect(targetFromBigQueryUrl('bigquery://p/d', undefined, { BIGQUERY_ACCESS_TOKEN: 'env-token-77' }).credentials).toEqual({ kind: 'token', token: 'env-token-77' });
    expect(() => targetFromBigQueryUrl('bigquery://p/bad-dataset', undefined, {})).toThrow(/not a BigQuery dataset name/);
    expect(() => targetFromBigQueryUrl('bigquery://p/d?api_endpoint=localhost:9050', undefined, {})).toThrow(/http:\/\//);
    expect(() => targetFromBigQueryUrl('bigquery://p/d?locaton=EU', undefined, {})).toThrow(/Unknown option "locaton"/);
    expect('projectId' in targetFromDestinationUrl('postgres://u@h/db')).toBe(false);
  });

  it('bigquery key files: the private key, and every line of it, is registered as a secret when read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bq-key-'));
    try {
      const body = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj', 'RECOGNISABLEPRIVATEKEYLINETWO0123456789abcdefghijklmnopqrstuvwxyz'];
      const privateKey = `-----BEGIN PRIVATE KEY-----\n${body.join('\n')}\n-----END PRIVATE KEY-----\n`;
      const path = join(dir, 'key.json');
      writeFileSync(path, JSON.stringify({ type: 'service_account', project_id: 'p', private_key_id: 'kid-123456', private_key: privateKey, client_email: 'loader@p.iam.gserviceaccount.com' }));
      const target = targetFromBigQueryUrl(`bigquery://p/d?key_file=${encodeURIComponent(path)}`, undefined, {});
      expect(target.credentials).toMatchObject({ kind: 'service_account', clientEmail: 'loader@p.iam.gserviceaccount.com' });
      expect(redact(`leak: ${body[1]} and ${body[0]} and ${privateKey}`)).not.toMatch(/RECOGNISABLE|MIIEvQ/);
      const fromConfig = targetFromConfig({ project_id: 'p', dataset_id: 'd', credentials_json: JSON.stringify({ type: 'service_account', private_key: privateKey, client_email: 'x@y' }) });
      expect('projectId' in fromConfig && fromConfig.credentials.kind).toBe('service_account');
      expect(() => targetFromBigQueryUrl(`bigquery://p/d?key_file=${encodeURIComponent(join(dir, 'missing.json'))}`, undefined, {})).toThrow(/Cannot read the key file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bigquery errors say who must act: credentials are config errors, quotas transient, and BigQuery\'s words are kept', () => {
    const target = targetFromBigQueryUrl('bigquery://p/d', undefined, { BIGQUERY_ACCESS_TOKEN: 'x-token-1' });
    const denied = bigQueryErrorOf(Object.assign(new Error('Access Denied'), { code: 403, errors: [{ reason: 'accessDenied', message: 'Access Denied: Project p: User does not have bigquery.jobs.create permission' }] }), 'prepare the tables', target);
    expect(denied.failureType).toBe('config_error');
    expect(denied.message).toContain('bigquery.jobs.create permission');
    const quota = bigQueryErrorOf({ code: 403, errors: [{ reason: 'quotaExceeded', message: 'Quota exceeded: Your table exceeded quota for imports or query appends per table' }] }, 'commit', target);
    expect(quota.failureType).toBe('transient_error');
  });
});

describe('bigquery driver: held commits (Sink.commitDue)', () => {
  /** A sink that records calls and says a commit is due only every third STATE. */
  class RecordingSink implements Sink {
    readonly calls: string[] = [];
    #states = 0;
    async prepare(): Promise<void> {}
    async readState(): Promise<StoredState> {
      return new Map();
    }
    stage(stream: string, rec: AirbyteRecordMessage): undefined {
      this.calls.push(`stage ${stream} ${String(rec.data['n'])}`);
      return undefined;
    }
    commitDue(): boolean {
      return ++this.#states % 3 === 0;
    }
    async commit(commits: readonly StreamCommit[]): Promise<void> {
      for (const c of commits) this.calls.push(`commit ${c.stream} ${JSON.stringify(c.state)}`);
    }
    async finish(): Promise<void> {}
    async close(): Promise<void> {}
  }

  it('bigquery-style sinks hold STATEs until a commit is due, then commit the latest and acknowledge all of them', async () => {
    const stream = catalog.streams.find((s) => s.name === 'campaigns')!;
    const configured: ConfiguredAirbyteCatalog = {
      streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', primary_key: [['campaign_id']], cursor_field: ['modify_time'] }],
    };
    const messages: AirbyteMessage[] = [];
    for (let n = 1; n <= 4; n++) {
      messages.push({ type: 'RECORD', record: record('campaigns', { n }) });
      messages.push({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'campaigns' }, stream_state: { n } } } });
    }
    async function* input() {
      yield* messages;
    }
    const sink = new RecordingSink();
    const acknowledged: unknown[] = [];
    for await (const message of loadMessages(sink, configured, input())) {
      if (message.type === 'STATE') acknowledged.push([message.state.stream?.stream_state, sink.calls.at(-1)]);
    }
    expect(sink.calls).toEqual(['stage campaigns 1', 'stage campaigns 2', 'stage campaigns 3', 'commit campaigns {"n":3}', 'stage campaigns 4', 'commit campaigns {"n":4}']);
    // Each STATE is acknowledged only after the commit that covers it.
    expect(acknowledged).toEqual([
      [{ n: 1 }, 'commit campaigns {"n":3}'],
      [{ n: 2 }, 'commit campaigns {"n":3}'],
      [{ n: 3 }, 'commit campaigns {"n":3}'],
      [{ n: 4 }, 'commit campaigns {"n":4}'],
    ]);
  });
});

// ——— Part 2: against the local BigQuery endpoint (test/support/bigquery.ts), and a live test ———

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
      const sink = openBigQuerySink({ ...target, tuning: { checkpointSeconds: 0 } }, { log: () => undefined });
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
    const sink = openBigQuerySink(target, { log: () => undefined });
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
      const sink = openBigQuerySink(target, { log: () => undefined });
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
