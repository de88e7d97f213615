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
});
