// The local BigQuery as strict as BigQuery: credentials required, bytes processed and billed, transaction scripts
// with parameters, ALTER COLUMN SET DATA TYPE, and faults that drop an answer or kill a script between statements.

import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LocalBigQueryForTests, localBigQuery } from '../../support/bigquery.ts';

process.env['METADATA_SERVER_DETECTION'] = 'none';

let bq: LocalBigQueryForTests;
let client: BigQuery;

beforeAll(async () => {
  bq = await localBigQuery();
  client = bq.client();
});

afterAll(async () => {
  await bq?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A REST call as any client makes it (with a bearer token unless `token` is null). */
async function api(method: string, path: string, body?: unknown, token: string | null = 'local-test-token'): Promise<Answer> {
  const response = await fetch(`${bq.url}/bigquery/v2/projects/${bq.projectId}${path}`, {
    method,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** A query job by jobs.insert, run to DONE (the endpoint finishes jobs inside the insert). */
async function queryJob(query: string, extra: Record<string, unknown> = {}, jobId?: string): Promise<Answer> {
  return api('POST', '/jobs', {
    ...(jobId ? { jobReference: { projectId: bq.projectId, jobId } } : {}),
    configuration: { query: { query, useLegacySql: false, ...extra } },
  });
}

async function rowsOf(query: string): Promise<Record<string, unknown>[]> {
  const [rows] = await client.query({ query, wrapIntegers: { integerTypeCastFunction: String } });
  return rows as Record<string, unknown>[];
}

describe('bigquery-local strict', () => {
  test('bigquery: a request without a bearer token is BigQuery\'s 401 (admin paths stay open)', async () => {
    const missing = await api('GET', '/datasets', undefined, null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="https://accounts.google.com/"');
    const error = missing.body['error'] as Record<string, unknown>;
    expect(error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect(String(error['message'])).toMatch(/^Request is missing required authentication credential\. Expected OAuth 2 access token, login cookie or other valid authentication credential\./);
    expect(error['errors']).toEqual([{ message: error['message'], domain: 'global', reason: 'required', location: 'Authorization', locationType: 'header' }]);
    expect((await api('GET', '/datasets', undefined, '')).status).toBe(401);
    expect((await api('GET', '/datasets', undefined, 'any-token')).status).toBe(200);
    const admin = await fetch(`${bq.url}/_admin/faults`);
    expect(admin.status).toBe(200);
  });

  test('bigquery: a transaction script with named parameters runs as one job (a parameter-free MERGE, then one using @stream_name)', async () => {
    await client.query('CREATE SCHEMA tx');
    await client.query('CREATE TABLE tx.state (stream STRING, cursor INT64)');
    await client.query('CREATE TABLE tx.rows (id INT64, stream STRING)');
    await client.query("INSERT tx.rows (id, stream) VALUES (1, 'a'), (2, 'a')");
    const script = `BEGIN TRANSACTION;
      MERGE tx.rows T USING (SELECT 3 AS id, 'a' AS stream) S ON T.id = S.id
        WHEN MATCHED THEN UPDATE SET stream = S.stream WHEN NOT MATCHED THEN INSERT (id, stream) VALUES (S.id, S.stream);
      MERGE tx.state T USING (SELECT @stream_name AS stream, MAX(id) AS cursor FROM tx.rows WHERE stream = @stream_name) S ON T.stream = S.stream
        WHEN MATCHED THEN UPDATE SET cursor = S.cursor WHEN NOT MATCHED THEN INSERT (stream, cursor) VALUES (S.stream, S.cursor);
      COMMIT TRANSACTION;`;
    const parameters = { parameterMode: 'NAMED', queryParameters: [{ name: 'stream_name', parameterType: { type: 'STRING' }, parameterValue: { value: 'a' } }] };
    const job = await queryJob(script, parameters);
    expect(job.status).toBe(200);
    expect((job.body['status'] as Record<string, unknown>)['errorResult']).toBeUndefined();
    expect(await rowsOf('SELECT stream, cursor FROM tx.state')).toEqual([{ stream: 'a', cursor: '3' }]);
    expect(await rowsOf('SELECT COUNT(*) AS n FROM tx.rows')).toEqual([{ n: '3' }]);
  });

  test('bigquery: a statement failing inside a transaction rolls the whole transaction back and the job ends failed', async () => {
    await client.query('CREATE SCHEMA txfail');
    await client.query('CREATE TABLE txfail.rows (id INT64, stream STRING)');
    const script = `BEGIN TRANSACTION;
      INSERT txfail.rows (id, stream) VALUES (1, @stream_name);
      MERGE txfail.rows T USING (SELECT 1 AS id UNION ALL SELECT 1) S ON T.id = S.id WHEN MATCHED THEN UPDATE SET stream = 'x';
      COMMIT TRANSACTION;`;
    const parameters = { queryParameters: [{ name: 'stream_name', parameterType: { type: 'STRING' }, parameterValue: { value: 'a' } }] };
    const job = await queryJob(script, parameters);
    expect(job.status).toBe(200);
    const status = job.body['status'] as { state: string; errorResult?: { reason: string } };
    expect(status.state).toBe('DONE');
    expect(status.errorResult?.reason).toBe('invalidQuery');
    expect(await rowsOf('SELECT COUNT(*) AS n FROM txfail.rows')).toEqual([{ n: '0' }]);
  });
});
