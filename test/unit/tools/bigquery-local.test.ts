// The local BigQuery through the official client, used the way the BigQuery sink uses it.

import { once } from 'node:events';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BigQuery, Dataset } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MissingDevDependencyError, importDevDependency } from '../../../tools/bigquery-local/deps.ts';
import { translate } from '../../../tools/bigquery-local/translate.ts';
import { type LocalBigQueryForTests, localBigQuery } from '../../support/bigquery.ts';
import { ROOT } from '../../support/cli.ts';
import { startNode } from '../../support/process.ts';

const TMP = join(ROOT, '.tmp', 'bigquery-local');
let bq: LocalBigQueryForTests;
let client: BigQuery;
let fileCounter = 0;
const written: string[] = [];

beforeAll(async () => {
  await mkdir(TMP, { recursive: true });
  const started = performance.now();
  bq = await localBigQuery();
  client = bq.client();
  console.log(`bigquery-local: endpoint up in ${Math.round(performance.now() - started)} ms (ZetaSQL analyzer ${Math.round(bq.endpoint.analyzerStartMs)} ms)`);
});

afterAll(async () => {
  await bq?.close();
  // Only this run's files: another run of these tests may be using the folder.
  await Promise.all(written.map((file) => rm(file, { force: true })));
});

async function ndjson(rows: readonly string[]): Promise<string> {
  const file = join(TMP, `rows-${process.pid}-${fileCounter++}.ndjson`);
  await writeFile(file, rows.map((r) => `${r}\n`).join(''));
  written.push(file);
  return file;
}

async function dataset(name: string): Promise<Dataset> {
  const [created] = await client.createDataset(name, { location: 'EU' });
  return created;
}

const REPORT_SCHEMA = {
  fields: [
    { name: 'ad_id', type: 'INT64', mode: 'REQUIRED' },
    { name: 'stat_time_day', type: 'DATETIME', mode: 'REQUIRED' },
    { name: 'spend', type: 'NUMERIC' },
    { name: 'metrics', type: 'JSON' },
    { name: '_airbyte_extracted_at', type: 'TIMESTAMP' },
  ],
};

describe('bigquery-local', () => {
  test('bigquery: a dataset is created in its location and read back; a second create is 409 duplicate', async () => {
    await dataset('ds_create');
    const [metadata] = await client.dataset('ds_create').getMetadata();
    expect(metadata.location).toBe('EU');
    expect(metadata.datasetReference).toEqual({ projectId: bq.projectId, datasetId: 'ds_create' });
    const [exists] = await client.dataset('ds_missing').exists();
    expect(exists).toBe(false);
    await expect(client.createDataset('ds_create')).rejects.toMatchObject({ code: 409 });
    // A job runs in its datasets' location: inferred when not given, refused when it differs.
    await client.query('CREATE TABLE ds_create.t (id INT64)');
    const [job] = await client.createQueryJob({ query: 'SELECT id FROM ds_create.t' });
    expect(job.metadata.jobReference.location).toBe('EU');
    await expect(client.createQueryJob({ query: 'SELECT id FROM ds_create.t', location: 'US' })).rejects.toMatchObject({
      errors: [expect.objectContaining({ reason: 'notFound', message: `Not found: Dataset ${bq.projectId}:ds_create was not found in location US` })],
    });
  });

  test('bigquery: a partitioned and clustered table keeps its metadata (tables.get answers timePartitioning and clustering)', async () => {
    const ds = await dataset('ds_meta');
    await ds.createTable('report', {
      schema: REPORT_SCHEMA,
      timePartitioning: { type: 'DAY', field: 'stat_time_day', expirationMs: '7776000000' },
      clustering: { fields: ['ad_id'] },
      description: 'daily ad report',
    });
    const [metadata] = await ds.table('report').getMetadata();
    expect(metadata.timePartitioning).toEqual({ type: 'DAY', field: 'stat_time_day', expirationMs: '7776000000' });
    expect(metadata.clustering).toEqual({ fields: ['ad_id'] });
    expect(metadata.description).toBe('daily ad report');
    expect(metadata.schema.fields).toEqual([
      { name: 'ad_id', type: 'INTEGER', mode: 'REQUIRED' },
      { name: 'stat_time_day', type: 'DATETIME', mode: 'REQUIRED' },
      { name: 'spend', type: 'NUMERIC', mode: 'NULLABLE' },
      { name: 'metrics', type: 'JSON', mode: 'NULLABLE' },
      { name: '_airbyte_extracted_at', type: 'TIMESTAMP', mode: 'NULLABLE' },
    ]);
    await expect(ds.createTable('bad_partition', { schema: REPORT_SCHEMA, timePartitioning: { type: 'DAY', field: 'spend' } }))
      .rejects.toMatchObject({ code: 400, message: expect.stringContaining('TIMESTAMP, DATE or DATETIME') });
  });

  test('bigquery: CREATE TABLE … PARTITION BY DATE(col) CLUSTER BY … OPTIONS(…) keeps the clauses as table metadata', async () => {
    const ds = await dataset('ds_ddl');
    await client.query(`CREATE TABLE \`${bq.projectId}.ds_ddl.events\` (id INT64 NOT NULL, ts TIMESTAMP, kind STRING OPTIONS(description = "event kind"))
      PARTITION BY DATE(ts) CLUSTER BY id, kind OPTIONS(description = "events", partition_expiration_days = 2)`);
    const [metadata] = await ds.table('events').getMetadata();
    expect(metadata.timePartitioning).toEqual({ type: 'DAY', field: 'ts', expirationMs: String(2 * 86_400_000) });
    expect(metadata.clustering).toEqual({ fields: ['id', 'kind'] });
    expect(metadata.description).toBe('events');
    expect(metadata.schema.fields[2]).toEqual({ name: 'kind', type: 'STRING', mode: 'NULLABLE', description: 'event kind' });
    await client.query('CREATE TABLE IF NOT EXISTS ds_ddl.events (id INT64) PARTITION BY _PARTITIONDATE');
    const [after] = await ds.table('events').getMetadata();
    expect(after.timePartitioning.field).toBe('ts');
  });

  test('bigquery: an NDJSON load keeps 19-digit INT64 ids exact, given as strings or numbers', async () => {
    const ds = await dataset('ds_load');
    await ds.createTable('report', { schema: REPORT_SCHEMA, timePartitioning: { type: 'DAY', field: 'stat_time_day' } });
    const file = await ndjson([
      '{"ad_id":"1234567890123456789","stat_time_day":"2024-03-01 00:00:00","spend":"12.345","metrics":{"clicks":"3"},"_airbyte_extracted_at":"2024-03-02T10:00:00.123456Z"}',
      '{"ad_id":9223372036854775807,"stat_time_day":"2024-03-02T00:00:00","spend":0.1,"metrics":null,"_airbyte_extracted_at":"2024-03-02 10:00:00 UTC"}',
    ]);
    const [job] = await ds.table('report').load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_APPEND', createDisposition: 'CREATE_NEVER' });
    expect(job.status).toEqual({ state: 'DONE' });
    expect(job.statistics?.load?.outputRows).toBe('2');
    const [rows] = await client.query({
      query: 'SELECT ad_id, CAST(ad_id AS STRING) AS text, stat_time_day, spend, metrics, _airbyte_extracted_at FROM ds_load.report ORDER BY ad_id',
      wrapIntegers: { integerTypeCastFunction: String },
    });
    expect(rows.map((r) => r.ad_id)).toEqual(['1234567890123456789', '9223372036854775807']);
    expect(rows.map((r) => r.text)).toEqual(['1234567890123456789', '9223372036854775807']);
    expect(rows[0].stat_time_day.value).toBe('2024-03-01T00:00:00');
    expect(rows[0].spend.toString()).toBe('12.345');
    expect(JSON.parse(rows[0].metrics)).toEqual({ clicks: '3' });
    expect(rows[0]._airbyte_extracted_at.value).toBe('2024-03-02T10:00:00.123456000Z');
    const [table] = await ds.table('report').getMetadata();
    expect(table.numRows).toBe('2');
  });

  test('bigquery: a load with a bad row fails with BigQuery\'s error lines and leaves the table unchanged', async () => {
    const ds = await dataset('ds_badload');
    await ds.createTable('t', { schema: { fields: [{ name: 'id', type: 'INTEGER', mode: 'REQUIRED' }, { name: 'name', type: 'STRING' }] } });
    // "ö" is two bytes: BigQuery's positions are byte offsets.
    const file = await ndjson(['{"id":"1","name":"ök"}', '{"id":"abc","name":"bad"}', '{"id":"3","colour":"red"}']);
    const error = await ds.table('t').load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON' }).then(() => undefined, (e: unknown) => e as { message: string; errors: { reason: string; message: string }[] });
    expect(error).toBeDefined();
    const messages = error!.errors.map((e) => e.message);
    expect(error!.errors.every((e) => e.reason === 'invalid')).toBe(true);
    expect(messages[0]).toMatch(/^Error while reading data, error message: JSON table encountered too many errors, giving up\. Rows: 2; errors: 2\./);
    expect(messages).toContain("Error while reading data, error message: JSON parsing error in row starting at position 24: Could not convert value 'string_value: \"abc\"' to integer. Field: id; Value: abc");
    expect(messages).toContain('Error while reading data, error message: JSON parsing error in row starting at position 50: No such field: colour.');
    const [rows] = await client.query('SELECT COUNT(*) AS n FROM ds_badload.t');
    expect(rows[0].n).toBe(0);

    // The same file within maxBadRecords and with ignoreUnknownValues: both good rows land.
    const [job] = await ds.table('t').load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON', maxBadRecords: 1, ignoreUnknownValues: true });
    expect(job.statistics?.load).toMatchObject({ outputRows: '2', badRecords: '1' });
  });

  test('bigquery: a CSV load (header skipped, quoted commas, empty values NULL) and a bad CSV row failing the job', async () => {
    const ds = await dataset('ds_csv');
    const schema = { fields: [{ name: 'id', type: 'INT64', mode: 'REQUIRED' }, { name: 'name', type: 'STRING' }, { name: 'meta', type: 'JSON' }] };
    const file = join(TMP, `csv-${process.pid}.csv`);
    written.push(file);
    await writeFile(file, 'id,name,meta\n1234567890123456789,"Smith, J",{}\n2,,"{""a"":1}"\n3,"",\n');
    const [job] = await ds.table('people').load(file, { sourceFormat: 'CSV', skipLeadingRows: 1, schema });
    expect(job.statistics?.load?.outputRows).toBe('3');
    const [rows] = await client.query({ query: 'SELECT CAST(id AS STRING) AS id, name, TO_JSON_STRING(meta) AS meta FROM ds_csv.people ORDER BY name', wrapIntegers: true });
    expect(rows).toEqual([
      { id: '2', name: null, meta: '{"a":1}' },
      { id: '3', name: '', meta: null },
      { id: '1234567890123456789', name: 'Smith, J', meta: '{}' },
    ]);
    await writeFile(file, '4,x,{}\nfive,y,{}\n6,z\n');
    const error = await ds.table('people').load(file, { sourceFormat: 'CSV', schema }).then(() => undefined, (e: unknown) => e as { errors: { message: string }[] });
    const messages = error!.errors.map((e) => e.message);
    expect(messages[0]).toMatch(/^Error while reading data, error message: CSV table encountered too many errors, giving up\. Rows: 2; errors: 2\./);
    expect(messages).toContain("Error while reading data, error message: Could not convert value 'string_value: \"five\"' to integer. Field: id; Value: five (CSV row starting at position 7)");
    expect(messages.some((m) => m.includes('line contains only 2 columns') && m.includes('position 17'))).toBe(true);
  });

  test('bigquery: write dispositions (TRUNCATE, APPEND, EMPTY), CREATE_NEVER and schemaUpdateOptions follow BigQuery', async () => {
    const ds = await dataset('ds_dispositions');
    const schema = { fields: [{ name: 'id', type: 'INT64', mode: 'REQUIRED' }] };
    const one = await ndjson(['{"id":"1"}']);
    await expect(ds.table('absent').load(one, { sourceFormat: 'NEWLINE_DELIMITED_JSON', createDisposition: 'CREATE_NEVER', schema }))
      .rejects.toMatchObject({ errors: [expect.objectContaining({ reason: 'notFound' })] });
    await ds.table('t').load(one, { sourceFormat: 'NEWLINE_DELIMITED_JSON', schema }); // CREATE_IF_NEEDED
    await ds.table('t').load(one, { sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_APPEND' });
    const count = async () => (await client.query('SELECT COUNT(*) AS n FROM ds_dispositions.t'))[0][0].n as number;
    expect(await count()).toBe(2);
    await expect(ds.table('t').load(one, { sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_EMPTY' }))
      .rejects.toMatchObject({ errors: [expect.objectContaining({ reason: 'duplicate' })] });
    await ds.table('t').load(one, { sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_TRUNCATE' });
    expect(await count()).toBe(1);
    // createWriteStream: the same upload, streamed; the pipeline ends once the job is DONE.
    await pipeline(Readable.from(['{"id":"7"}\n', '{"id":"8"}\n']), ds.table('t').createWriteStream({ sourceFormat: 'NEWLINE_DELIMITED_JSON' }));
    expect(await count()).toBe(3);

    const wider = { fields: [...schema.fields, { name: 'extra', type: 'STRING' }] };
    const withExtra = await ndjson(['{"id":"2","extra":"x"}']);
    await expect(ds.table('t').load(withExtra, { sourceFormat: 'NEWLINE_DELIMITED_JSON', schema: wider }))
      .rejects.toMatchObject({ message: expect.stringContaining('Cannot add fields (field: extra)') });
    await ds.table('t').load(withExtra, { sourceFormat: 'NEWLINE_DELIMITED_JSON', schema: wider, schemaUpdateOptions: ['ALLOW_FIELD_ADDITION'] });
    const [metadata] = await ds.table('t').getMetadata();
    expect(metadata.schema.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'extra']);
    expect(await count()).toBe(4);
  });

  test('bigquery: MERGE updates and inserts, reporting numDmlAffectedRows and dmlStats', async () => {
    const ds = await dataset('ds_merge');
    await client.query('CREATE TABLE ds_merge.target (id INT64 NOT NULL, v STRING)');
    await client.query('CREATE TABLE ds_merge.staging (id INT64 NOT NULL, v STRING)');
    await client.query(`INSERT INTO ds_merge.target (id, v) VALUES (1234567890123456789, 'old'), (2, 'keep')`);
    await client.query(`INSERT INTO ds_merge.staging (id, v) VALUES (1234567890123456789, 'new'), (3, 'added')`);
    const merge = `MERGE \`${bq.projectId}.ds_merge.target\` T USING \`${bq.projectId}.ds_merge.staging\` S ON T.id = S.id
      WHEN MATCHED THEN UPDATE SET v = S.v WHEN NOT MATCHED THEN INSERT ROW`;
    const [job] = await client.createQueryJob({ query: merge });
    await job.getQueryResults();
    expect(job.metadata.statistics.query).toMatchObject({
      statementType: 'MERGE',
      numDmlAffectedRows: '2',
      dmlStats: { insertedRowCount: '1', updatedRowCount: '1', deletedRowCount: '0' },
    });
    const [rows] = await ds.table('target').query({ query: 'SELECT CAST(id AS STRING) AS id, v FROM ds_merge.target ORDER BY v' });
    expect(rows).toEqual([{ id: '3', v: 'added' }, { id: '2', v: 'keep' }, { id: '1234567890123456789', v: 'new' }]);
  });

  test('bigquery: MERGE whose source holds duplicate keys fails as BigQuery fails, and changes nothing', async () => {
    await dataset('ds_dupmerge');
    await client.query('CREATE TABLE ds_dupmerge.target (id INT64, v STRING)');
    await client.query(`INSERT INTO ds_dupmerge.target (id, v) VALUES (1, 'old')`);
    const merge = `MERGE ds_dupmerge.target T USING (SELECT 1 AS id, 'a' AS v UNION ALL SELECT 1, 'b') S ON T.id = S.id
      WHEN MATCHED THEN UPDATE SET v = S.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (S.id, S.v)`;
    await expect(client.query(merge)).rejects.toMatchObject({
      code: 400,
      errors: [expect.objectContaining({ reason: 'invalidQuery', message: 'UPDATE/MERGE must match at most one source row for each target row' })],
    });
    const [rows] = await client.query('SELECT v FROM ds_dupmerge.target');
    expect(rows).toEqual([{ v: 'old' }]);
    // Duplicates that match no target row are inserted, as in BigQuery.
    await client.query(merge.replace('SELECT 1 AS id', 'SELECT 7 AS id').replace('SELECT 1,', 'SELECT 7,'));
    const [after] = await client.query('SELECT COUNT(*) AS n FROM ds_dupmerge.target WHERE id = 7');
    expect(after[0].n).toBe(2);
  });

  test('bigquery: ZetaSQL refuses an unknown column and STRING into INT64 with invalidQuery, before DuckDB runs anything', async () => {
    await dataset('ds_refuse');
    await client.query('CREATE TABLE ds_refuse.t (id INT64, name STRING)');
    await expect(client.query('SELECT nope FROM ds_refuse.t')).rejects.toMatchObject({
      code: 400,
      message: expect.stringMatching(/^Unrecognized name: nope.* at \[1:8\]$/),
      errors: [expect.objectContaining({ reason: 'invalidQuery', location: 'query' })],
    });
    // Through jobs.insert the job itself fails (status.errorResult), as BigQuery's does.
    await expect(client.createQueryJob(`INSERT INTO ds_refuse.t (id, name) VALUES ('x', 'y')`)).rejects.toMatchObject({
      errors: [expect.objectContaining({ reason: 'invalidQuery', message: expect.stringContaining('Value has type STRING which cannot be inserted into column id, which has type INT64') })],
    });
    await expect(client.query('SELECT id FROM ds_refuse.t QUALIFY ROW_NUMBER() OVER (PARTITION BY id) = 1')).rejects.toMatchObject({
      message: expect.stringContaining('QUALIFY clause must be used in conjunction with WHERE or GROUP BY or HAVING clause'),
    });
    await expect(client.query('SELECT * FROM ds_refuse.missing')).rejects.toMatchObject({ code: 404, errors: [expect.objectContaining({ reason: 'notFound' })] });
    const [rows] = await client.query('SELECT COUNT(*) AS n FROM ds_refuse.t');
    expect(rows[0].n).toBe(0);
  });

  test('bigquery: ALTER TABLE ADD COLUMN IF NOT EXISTS adds once, is idempotent, and a REQUIRED column is refused', async () => {
    const ds = await dataset('ds_alter');
    await client.query('CREATE TABLE ds_alter.t (id INT64)');
    const alter = 'ALTER TABLE ds_alter.t ADD COLUMN IF NOT EXISTS note STRING, ADD COLUMN IF NOT EXISTS amount NUMERIC';
    await client.query(alter);
    await client.query(alter);
    const [metadata] = await ds.table('t').getMetadata();
    expect(metadata.schema.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual(['id:INTEGER', 'note:STRING', 'amount:NUMERIC']);
    await expect(client.query('ALTER TABLE ds_alter.t ADD COLUMN must INT64 NOT NULL')).rejects.toMatchObject({ code: 400 });
    // tables.patch with the full field list plus a new one: the other way the sink can add columns.
    await ds.table('t').setMetadata({ schema: { fields: [...metadata.schema.fields, { name: 'patched', type: 'BOOL' }] } });
    const [patched] = await ds.table('t').getMetadata();
    expect(patched.schema.fields.at(-1)).toEqual({ name: 'patched', type: 'BOOLEAN', mode: 'NULLABLE' });
    // The analyzer's catalog follows: the new column is known to ZetaSQL at once.
    await client.query('SELECT patched, amount FROM ds_alter.t');
  });

  test('bigquery: an injected quota error is BigQuery\'s 403 for the next matching request only; a failed job and a backendError too', async () => {
    await dataset('ds_faults');
    await client.query('CREATE TABLE ds_faults.t (id INT64)');
    bq.endpoint.injectFault({ error: 'quotaExceeded', jobType: 'QUERY' });
    await expect(client.query('SELECT 1 AS x')).rejects.toMatchObject({ code: 403, errors: [expect.objectContaining({ reason: 'quotaExceeded' })] });
    expect((await client.query('SELECT 1 AS x'))[0]).toEqual([{ x: 1 }]);

    const admin = await fetch(`${bq.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ error: 'rateLimitExceeded', target: 'job', jobType: 'LOAD' }) });
    expect(admin.status).toBe(200);
    const file = await ndjson(['{"id":"1"}']);
    await expect(client.dataset('ds_faults').table('t').load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON' }))
      .rejects.toMatchObject({ errors: [expect.objectContaining({ reason: 'rateLimitExceeded' })] });
    await client.dataset('ds_faults').table('t').load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON' });

    bq.endpoint.injectFault({ error: 'backendError', method: 'GET', path: '/datasets/ds_faults', times: 2 });
    await expect(client.dataset('ds_faults').getMetadata()).rejects.toMatchObject({ code: 500, errors: [expect.objectContaining({ reason: 'backendError' })] });
    // The client retries 5xx by itself: the second fault is absorbed by one retry.
    const retrying = bq.client({ autoRetry: true, maxRetries: 1 });
    const [metadata] = await retrying.dataset('ds_faults').getMetadata();
    expect(metadata.location).toBe('EU');
  });

  test('bigquery: the per-table load job quota (1,500 a day in BigQuery, 2 here) fails the next load with quotaExceeded', async () => {
    const small = await localBigQuery({ loadJobsPerTablePerDay: 2, datasets: ['ds_quota'] });
    try {
      const quotaClient = small.client();
      const table = quotaClient.dataset('ds_quota').table('t');
      const options = { sourceFormat: 'NEWLINE_DELIMITED_JSON', schema: { fields: [{ name: 'id', type: 'INT64' }] } };
      const file = await ndjson(['{"id":"1"}']);
      await table.load(file, options);
      await table.load(file, options);
      await expect(table.load(file, options)).rejects.toMatchObject({ errors: [expect.objectContaining({ reason: 'quotaExceeded' })] });
      await quotaClient.dataset('ds_quota').table('other').load(file, options);
      const stats = await (await fetch(`${small.url}/_admin/stats`)).json();
      expect(stats).toEqual({ loadJobsPerTable: { [`${small.projectId}:ds_quota.t`]: 3, [`${small.projectId}:ds_quota.other`]: 1 } });
    } finally {
      await small.close();
    }
  });

  test('bigquery: a script runs statement by statement in a transaction; a failure rolls it back', async () => {
    await dataset('ds_script');
    await client.query(`CREATE TABLE ds_script.t (id INT64);
      INSERT INTO ds_script.t (id) VALUES (1);`);
    await expect(client.query(`BEGIN TRANSACTION; INSERT INTO ds_script.t (id) VALUES (2);
      MERGE ds_script.t T USING (SELECT 1 AS id UNION ALL SELECT 1) S ON T.id = S.id WHEN MATCHED THEN DELETE; COMMIT TRANSACTION;`))
      .rejects.toMatchObject({ code: 400 });
    const [rows] = await client.query('SELECT id FROM ds_script.t ORDER BY id');
    expect(rows).toEqual([{ id: 1 }]);
    const [job] = await client.createQueryJob({ query: 'BEGIN TRANSACTION; DELETE FROM ds_script.t WHERE true; INSERT INTO ds_script.t (id) VALUES (5); COMMIT TRANSACTION;' });
    await job.getQueryResults();
    expect(job.metadata.statistics.query.statementType).toBe('SCRIPT');
    expect((await client.query('SELECT id FROM ds_script.t'))[0]).toEqual([{ id: 5 }]);
  });

  test('bigquery: query parameters, tabledata.list and paging of results', async () => {
    const ds = await dataset('ds_params');
    await client.query('CREATE TABLE ds_params.t (id INT64, ts TIMESTAMP)');
    const values = Array.from({ length: 25 }, (_, i) => `(${i + 1}, TIMESTAMP '2024-01-01 00:00:00+00')`).join(', ');
    await client.query(`INSERT INTO ds_params.t (id, ts) VALUES ${values}`);
    const [rows] = await client.query({ query: 'SELECT id FROM ds_params.t WHERE id > @min ORDER BY id', params: { min: 20 }, types: { min: 'INT64' } });
    expect(rows.map((r) => r.id)).toEqual([21, 22, 23, 24, 25]);
    const [listed] = await client.query({ query: 'SELECT id FROM ds_params.t WHERE id IN UNNEST(@ids) ORDER BY id', params: { ids: ['1234567890123456789', '3', '5'] }, types: { ids: ['INT64'] } });
    expect(listed.map((r) => r.id)).toEqual([3, 5]);
    const [positional] = await client.query({ query: 'SELECT id FROM ds_params.t WHERE id BETWEEN ? AND ? ORDER BY id', params: [2, 3] });
    expect(positional.map((r) => r.id)).toEqual([2, 3]);
    // Unnamed result columns are f0_, f1_… as in BigQuery; results page through getQueryResults.
    expect((await client.query('SELECT 1, COUNT(*), MAX(id) AS top FROM ds_params.t'))[0]).toEqual([{ f0_: 1, f1_: 25, top: 25 }]);
    const [job] = await client.createQueryJob({ query: 'SELECT id FROM ds_params.t ORDER BY id' });
    const [firstPage, nextPage] = await job.getQueryResults({ maxResults: 20, autoPaginate: false });
    expect(firstPage.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const [secondPage] = await job.getQueryResults({ ...nextPage, autoPaginate: false });
    expect(secondPage.map((r) => r.id)).toEqual([21, 22, 23, 24, 25]);
    const [page, next] = await ds.table('t').getRows({ maxResults: 10, autoPaginate: false });
    expect(page).toHaveLength(10);
    expect(next).toMatchObject({ pageToken: expect.any(String) });
    const [all] = await ds.table('t').getRows();
    expect(all).toHaveLength(25);

    // tabledata.insertAll (table.insert): a bad row stops the request; insertIds seen before are skipped.
    await expect(ds.table('t').insert([{ id: 100 }, { id: 'abc' }])).rejects.toMatchObject({
      name: 'PartialFailureError',
      errors: [
        expect.objectContaining({ errors: [expect.objectContaining({ reason: 'stopped' })] }),
        expect.objectContaining({ errors: [expect.objectContaining({ reason: 'invalid', message: expect.stringContaining('Field: id') })] }),
      ],
    });
    await ds.table('t').insert([{ insertId: 'a', json: { id: 100 } }, { insertId: 'a', json: { id: 100 } }], { raw: true });
    await ds.table('t').insert([{ insertId: 'a', json: { id: 100 } }], { raw: true });
    expect((await client.query('SELECT COUNT(*) AS n FROM ds_params.t WHERE id = 100'))[0][0].n).toBe(1);
  });

  test('bigquery: a query job with a destination table follows its write disposition and keeps its partitioning', async () => {
    const ds = await dataset('ds_destination');
    await client.query('CREATE TABLE ds_destination.src (id INT64, day DATE)');
    await client.query(`INSERT INTO ds_destination.src (id, day) VALUES (1, DATE '2024-01-01'), (2, DATE '2024-01-02')`);
    const destination = ds.table('copy');
    const run = async (writeDisposition?: string) => {
      const [job] = await client.createQueryJob({ query: 'SELECT id, day FROM ds_destination.src', destination, timePartitioning: { type: 'DAY', field: 'day' }, ...(writeDisposition ? { writeDisposition } : {}) });
      return job.getQueryResults();
    };
    const [rows] = await run();
    expect(rows).toHaveLength(2);
    await expect(run()).rejects.toMatchObject({ errors: [expect.objectContaining({ reason: 'duplicate' })] }); // WRITE_EMPTY
    await run('WRITE_APPEND');
    const [metadata] = await destination.getMetadata();
    expect(metadata).toMatchObject({ numRows: '4', timePartitioning: { type: 'DAY', field: 'day' } });
    await run('WRITE_TRUNCATE');
    expect((await destination.getMetadata())[0].numRows).toBe('2');
  });

  test('bigquery: views (CREATE OR REPLACE VIEW … OPTIONS … AS, tables.insert with view) are analysed, queried and listed as VIEW', async () => {
    const ds = await dataset('ds_views');
    await client.query('CREATE TABLE ds_views.t (id INT64, spend NUMERIC)');
    await client.query('INSERT INTO ds_views.t (id, spend) VALUES (1, 2.5), (2, 3)');
    await client.query(`CREATE OR REPLACE VIEW \`${bq.projectId}.ds_views.typed\` OPTIONS (description = "typed") AS SELECT id, spend * 2 AS doubled FROM ds_views.t`);
    await client.query('CREATE OR REPLACE VIEW ds_views.ready AS SELECT SUM(doubled) AS total FROM ds_views.typed');
    expect(String((await client.query('SELECT total FROM ds_views.ready'))[0][0].total)).toBe('11');
    const [metadata] = await ds.table('typed').getMetadata();
    expect(metadata).toMatchObject({ type: 'VIEW', description: 'typed', view: { useLegacySql: false } });
    expect(metadata.schema.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual(['id:INTEGER', 'doubled:NUMERIC']);
    // ZetaSQL knows a view's columns: a wrong one is refused.
    await expect(client.query('SELECT spend FROM ds_views.typed')).rejects.toMatchObject({ code: 400, message: expect.stringContaining('Unrecognized name: spend') });
    await ds.createTable('big', { view: { query: 'SELECT id FROM ds_views.t WHERE id > 1', useLegacySql: false } });
    expect((await client.query('SELECT id FROM ds_views.big'))[0]).toEqual([{ id: 2 }]);
    await ds.table('big').delete();
    const [tables] = await ds.getTables();
    expect(tables.map((t) => `${t.id}:${t.metadata.type}`).sort()).toEqual(['ready:VIEW', 't:TABLE', 'typed:VIEW']);
  });

  test('bigquery: dataset.INFORMATION_SCHEMA.COLUMNS and .TABLES describe the tables held, in BigQuery\'s type names', async () => {
    await dataset('ds_information');
    await client.query('CREATE TABLE ds_information.t (id INT64 NOT NULL, ts TIMESTAMP, tags ARRAY<STRING>) PARTITION BY DATE(ts) CLUSTER BY id');
    const [columns] = await client.query(`SELECT column_name, is_nullable, data_type, is_partitioning_column, clustering_ordinal_position
      FROM ds_information.INFORMATION_SCHEMA.COLUMNS WHERE table_name = 't' ORDER BY ordinal_position`);
    expect(columns).toEqual([
      { column_name: 'id', is_nullable: 'NO', data_type: 'INT64', is_partitioning_column: 'NO', clustering_ordinal_position: 1 },
      { column_name: 'ts', is_nullable: 'YES', data_type: 'TIMESTAMP', is_partitioning_column: 'YES', clustering_ordinal_position: null },
      { column_name: 'tags', is_nullable: 'YES', data_type: 'ARRAY<STRING>', is_partitioning_column: 'NO', clustering_ordinal_position: null },
    ]);
    const [tables] = await client.query(`SELECT table_name, table_type FROM \`${bq.projectId}.ds_information.INFORMATION_SCHEMA.TABLES\``);
    expect(tables).toEqual([{ table_name: 't', table_type: 'BASE TABLE' }]);
  });

  test('bigquery: a 100k-row NDJSON load (time measured, printed)', async () => {
    const ds = await dataset('ds_bulk');
    await ds.createTable('report', { schema: REPORT_SCHEMA, timePartitioning: { type: 'DAY', field: 'stat_time_day' }, clustering: { fields: ['ad_id'] } });
    const lines = Array.from({ length: 100_000 }, (_, i) =>
      `{"ad_id":"${1_700_000_000_000_000_000n + BigInt(i)}","stat_time_day":"2024-03-${String((i % 28) + 1).padStart(2, '0')} 00:00:00","spend":"${(i % 1000) / 100}","metrics":{"clicks":"${i % 7}"},"_airbyte_extracted_at":"2024-03-02T10:00:00Z"}`);
    const file = await ndjson(lines);
    const started = performance.now();
    const [job] = await ds.table('report').load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON' });
    const elapsed = performance.now() - started;
    console.log(`bigquery-local: 100k-row NDJSON load (${Math.round(lines.join('\n').length / 1e6)} MB) took ${Math.round(elapsed)} ms through the official client`);
    expect(job.statistics?.load?.outputRows).toBe('100000');
    const [rows] = await client.query({ query: 'SELECT MAX(ad_id) AS top, COUNT(DISTINCT ad_id) AS n FROM ds_bulk.report', wrapIntegers: { integerTypeCastFunction: String } });
    expect(rows[0]).toEqual({ top: String(1_700_000_000_000_000_000n + 99_999n), n: '100000' });
  });

  test('bigquery: the command prints its base URL as the first stdout line and serves the client', async () => {
    // Its entry as `npm run bigquery-local` runs it: the TypeScript source on this Node, nothing built.
    const { child, done } = startNode([join(ROOT, 'tools', 'bigquery-local', 'main.ts'), '--port', '0', '--project', 'cli-project', '--dataset', 'ready'], { cwd: ROOT });
    try {
      const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
      const url = chunk.toString('utf8').split('\n')[0]!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const auth = { headers: { authorization: 'Bearer local-test-token' } };
      const response = await fetch(`${url}/bigquery/v2/projects/cli-project/datasets/ready`, auth);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ datasetReference: { projectId: 'cli-project', datasetId: 'ready' } });
      // BIGQUERY_EMULATOR_HOST makes the client drop /bigquery/v2: the bare path is served too, errors in BigQuery's shape.
      const missing = await fetch(`${url}/projects/cli-project/datasets/absent`, auth);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({
        error: {
          code: 404,
          message: 'Not found: Dataset cli-project:absent',
          errors: [{ domain: 'global', reason: 'notFound', message: 'Not found: Dataset cli-project:absent' }],
          status: 'NOT_FOUND',
        },
      });
    } finally {
      child.kill('SIGTERM');
    }
    const { code } = await done;
    expect(code).toBe(0);
  });

  test('bigquery: a missing dev dependency is one line to act on, not a module-not-found stack', async () => {
    const error = await importDevDependency('@duckdb/not-installed-package').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(MissingDevDependencyError);
    expect((error as Error).message).not.toContain('\n');
    expect((error as Error).message).toMatch(/needs the dev dependencies .*npm ci.*@duckdb\/not-installed-package is not installed/);
  });

  test('bigquery: translation to DuckDB changes only names, types and BigQuery-only spellings', () => {
    expect(translate('SELECT `p-1.d.t`.id FROM `p-1.d.t` WHERE s = "a\'b"')).toBe(`SELECT "p-1"."d"."t".id FROM "p-1"."d"."t" WHERE s = 'a''b'`);
    expect(translate('CREATE TABLE d.t (id INT64 NOT NULL, f FLOAT64, n NUMERIC, m NUMERIC(10, 2), b BOOL, s STRING, y BYTES, j JSON, dt DATETIME, ts TIMESTAMP, a ARRAY<STRING>, r STRUCT<x INT64, y ARRAY<DATE>>)'))
      .toBe('CREATE TABLE d.t (id BIGINT NOT NULL, f DOUBLE, n DECIMAL(38,9), m DECIMAL(10,2), b BOOLEAN, s VARCHAR, y BLOB, j JSON, dt TIMESTAMP, ts TIMESTAMPTZ, a VARCHAR[], r STRUCT("x" BIGINT, "y" DATE[]))');
    expect(translate('SELECT CAST(x AS INT64), SAFE_CAST(y AS TIMESTAMP), timestamp FROM t')).toBe('SELECT CAST(x AS BIGINT), TRY_CAST(y AS TIMESTAMPTZ), timestamp FROM t');
    expect(translate("SELECT TIMESTAMP '2024-01-01 00:00:00+00', CURRENT_TIMESTAMP(), TIMESTAMP_TRUNC(ts, HOUR) FROM t")).toBe("SELECT CAST('2024-01-01 00:00:00+00' AS TIMESTAMPTZ), CURRENT_TIMESTAMP, date_trunc('hour', ts) FROM t");
    expect(translate("SELECT d + INTERVAL '1' DAY, DATE '2024-01-01' FROM t")).toBe("SELECT d + INTERVAL '1' DAY, CAST('2024-01-01' AS DATE) FROM t");
    // The NULL-safe key match is DuckDB's IS NOT DISTINCT FROM (a hash join in MERGE instead of a nested loop).
    expect(translate('MERGE `d.t` AS target USING `d.s` AS source ON (target.`id` = source.`id` OR (target.`id` IS NULL AND source.`id` IS NULL)) AND (JSON_VALUE(target.j, \'$.k\') = source.k OR (source.k IS NULL AND JSON_VALUE(target.j, \'$.k\') IS NULL)) WHEN MATCHED THEN DELETE'))
      .toBe(`MERGE INTO "d"."t" AS target USING "d"."s" AS source ON (target."id" IS NOT DISTINCT FROM source."id") AND (JSON_VALUE(target.j, '$.k') IS NOT DISTINCT FROM source.k) WHEN MATCHED THEN DELETE`);
    expect(translate('SELECT (a = b OR (a IS NULL AND c IS NULL)) FROM t')).toBe('SELECT (a = b OR (a IS NULL AND c IS NULL)) FROM t');
    expect(translate('SELECT TIMESTAMP_DIFF(a, b, SECOND), DATE_DIFF(CURRENT_DATE(), d, DAY) FROM t')).toBe("SELECT date_diff('second', b, a), date_diff('day', d, CURRENT_DATE) FROM t");
    expect(translate("SELECT DATE_ADD(d, INTERVAL 1 DAY), STRUCT(1 AS a, 'x' AS b), x FROM UNNEST([1, 2]) AS x"))
      .toBe(`SELECT CAST((d + INTERVAL 1 DAY) AS DATE), struct_pack("a" := 1, "b" := 'x'), x FROM UNNEST([1, 2]) AS "_unnest_x"("x")`);
    expect(translate('MERGE d.t T USING d.s S ON T.id = S.id WHEN NOT MATCHED THEN INSERT ROW')).toBe('MERGE INTO d.t T USING d.s S ON T.id = S.id WHEN NOT MATCHED THEN INSERT');
    expect(translate('SELECT * EXCEPT (a) FROM t WHERE id = @id', { parameterTypes: new Map([['id', 'BIGINT']]) })).toBe('SELECT * EXCLUDE (a) FROM t WHERE id = CAST($id AS BIGINT)');
  });
});
