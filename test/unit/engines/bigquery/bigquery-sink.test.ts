// The BigQuery sink's pieces that need no BigQuery: type mapping, names, NDJSON encoding, the SQL it sends, retry
// classification, the destination URL, and the driver's held commits. The sink against the local BigQuery endpoint,
// and live: test/e2e/sink-bigquery.test.ts. Every test name says "bigquery", so `vitest run -t bigquery` selects them.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AirbyteMessage, AirbyteRecordMessage, ConfiguredAirbyteCatalog } from '../../../../src/protocol/types.ts';
import { redact } from '../../../../src/secrets.ts';
import { addColumnsSql, createTableSql, tableRef } from '../../../../src/engines/bigquery/ddl.ts';
import { decimalText, encoderFor, INVALID } from '../../../../src/engines/bigquery/encode.ts';
import { bigQueryErrorOf } from '../../../../src/engines/bigquery/errors.ts';
import { planTable } from '../../../../src/engines/bigquery/layout.ts';
import { applySql } from '../../../../src/engines/bigquery/merge.ts';
import { bigQueryName, distinctColumnNames } from '../../../../src/engines/bigquery/names.ts';
import { RowWriter } from '../../../../src/engines/bigquery/ndjson.ts';
import { classify, withRetry } from '../../../../src/engines/bigquery/retry.ts';
import { Spool } from '../../../../src/engines/bigquery/spool.ts';
import { targetFromBigQueryUrl } from '../../../../src/engines/bigquery/target.ts';
import { bigQueryTypeOf } from '../../../../src/engines/bigquery/types.ts';
import { targetFromConfig, targetFromDestinationUrl } from '../../../../src/engines/registry.ts';
import { loadMessages } from '../../../../src/load/load-messages.ts';
import type { Sink, StoredState, StreamCommit } from '../../../../src/load/sink.ts';
import { catalog, record, sinkStream } from '../../../support/sink-streams.ts';

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
