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

/** The cells of a query's answer as BigQuery writes them (jobs.query, strings). */
async function cellsOf(query: string): Promise<(string | null)[][]> {
  const answer = await api('POST', '/queries', { query, useLegacySql: false });
  expect(answer.status).toBe(200);
  return ((answer.body['rows'] ?? []) as { f: { v: string | null }[] }[]).map((row) => row.f.map((cell) => cell.v));
}

async function admin(rule: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${bq.url}/_admin/faults`, { method: 'POST', body: JSON.stringify(rule) });
  expect(response.status).toBe(200);
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

  test('bigquery: ALTER COLUMN SET DATA TYPE widens INT64 to NUMERIC/BIGNUMERIC/FLOAT64 keeping 19-digit values exact; other changes refused', async () => {
    await client.query('CREATE SCHEMA widen');
    await client.query('CREATE TABLE widen.t (a INT64, b INT64, c INT64, n NUMERIC, s STRING)');
    await client.query("INSERT widen.t (a, b, c, n, s) VALUES (7234567890123456789, -9223372036854775807, 5, 12345678901234567890.123456789, 'x')");
    // In a script, outside a transaction.
    const script = await queryJob('ALTER TABLE widen.t ALTER COLUMN a SET DATA TYPE NUMERIC; ALTER TABLE widen.t ALTER COLUMN b SET DATA TYPE BIGNUMERIC; SELECT 1;');
    expect((script.body['status'] as Record<string, unknown>)['errorResult']).toBeUndefined();
    await client.query('ALTER TABLE widen.t ALTER COLUMN c SET DATA TYPE FLOAT64');
    await client.query('ALTER TABLE widen.t ALTER COLUMN n SET DATA TYPE BIGNUMERIC');
    expect(await cellsOf('SELECT a, b, c, n FROM widen.t')).toEqual([['7234567890123456789', '-9223372036854775807', '5', '12345678901234567890.123456789']]);
    const [metadata] = await client.dataset('widen').table('t').getMetadata();
    expect((metadata.schema.fields as { name: string; type: string }[]).find((f) => f.name === 'a')?.type).toBe('NUMERIC');
    expect((metadata.schema.fields as { name: string; type: string }[]).find((f) => f.name === 'c')?.type).toBe('FLOAT');
    const refused = await queryJob('ALTER TABLE widen.t ALTER COLUMN s SET DATA TYPE INT64');
    expect((refused.body['status'] as Record<string, unknown>)['errorResult']).toEqual({
      reason: 'invalidQuery',
      location: 'query',
      message: expect.stringMatching(/^ALTER TABLE ALTER COLUMN SET DATA TYPE requires that the existing column type \(STRING\) is assignable to the new type \(INT64\)( at \[\d+:\d+\])?$/),
    });
    const narrowing = await queryJob('ALTER TABLE widen.t ALTER COLUMN c SET DATA TYPE INT64');
    expect(((narrowing.body['status'] as Record<string, unknown>)['errorResult'] as { message: string }).message)
      .toMatch(/^ALTER TABLE ALTER COLUMN SET DATA TYPE requires that the existing column type \(FLOAT64\) is assignable to the new type \(INT64\)/);
    expect(await rowsOf('SELECT s FROM widen.t')).toEqual([{ s: 'x' }]);
  });

  test('bigquery: fault target "answer": a load job runs though its answer is dropped; the same jobId again is 409 and jobs.get says DONE', async () => {
    await client.query('CREATE SCHEMA answer');
    await client.query('CREATE TABLE answer.t (id INT64, name STRING)');
    await admin({ error: 'backendError', target: 'answer', jobType: 'LOAD' });
    const jobId = 'load_answer_dropped_1';
    const upload = () => {
      const boundary = 'b0undary';
      const metadata = { jobReference: { projectId: bq.projectId, jobId }, configuration: { load: { destinationTable: { projectId: bq.projectId, datasetId: 'answer', tableId: 't' }, sourceFormat: 'NEWLINE_DELIMITED_JSON' } } };
      const body = `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n{"id":"7234567890123456789","name":"a"}\n{"id":"2","name":"b"}\n\r\n--${boundary}--`;
      return fetch(`${bq.url}/upload/bigquery/v2/projects/${bq.projectId}/jobs?uploadType=multipart`, {
        method: 'POST', body, headers: { authorization: 'Bearer t', 'content-type': `multipart/related; boundary=${boundary}` },
      });
    };
    await expect(upload()).rejects.toThrow();
    expect(await cellsOf('SELECT CAST(id AS STRING), name FROM answer.t ORDER BY name')).toEqual([['7234567890123456789', 'a'], ['2', 'b']]);
    const again = await upload();
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { errors: { reason: string; message: string }[] } }).error.errors[0]).toMatchObject({
      reason: 'duplicate', message: `Already Exists: Job ${bq.projectId}:US.${jobId}`,
    });
    const job = await api('GET', `/jobs/${jobId}?location=US`);
    expect(job.body).toMatchObject({ status: { state: 'DONE' }, statistics: { load: { outputRows: '2' } } });
    expect(await cellsOf('SELECT COUNT(*) FROM answer.t')).toEqual([['2']]);
    // A query job's answer too: the job ran, its jobId is taken.
    await admin({ error: 'backendError', target: 'answer', jobType: 'QUERY', times: 1 });
    await expect(api('POST', '/jobs', { jobReference: { jobId: 'q_answer_1' }, configuration: { query: { query: "INSERT answer.t (id, name) VALUES (3, 'c')", useLegacySql: false } } })).rejects.toThrow();
    expect((await api('POST', '/jobs', { jobReference: { jobId: 'q_answer_1' }, configuration: { query: { query: 'SELECT 1', useLegacySql: false } } })).status).toBe(409);
    expect(await cellsOf('SELECT COUNT(*) FROM answer.t')).toEqual([['3']]);
    // jobs.query: its answer lost, the client's retry with the same requestId gets the job that ran, not a second run.
    await admin({ error: 'backendError', target: 'answer', jobType: 'QUERY', path: '/queries' });
    const insert = { query: "INSERT answer.t (id, name) VALUES (4, 'd')", useLegacySql: false, requestId: 'req-answer-1' };
    await expect(api('POST', '/queries', insert)).rejects.toThrow();
    const retried = await api('POST', '/queries', insert);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ numDmlAffectedRows: '1', jobComplete: true });
    expect(await cellsOf('SELECT COUNT(*) FROM answer.t')).toEqual([['4']]);
  });

  test('bigquery: fault target "statement": a transaction script dying after statement 2 leaves none of its changes', async () => {
    await client.query('CREATE SCHEMA died');
    await client.query('CREATE TABLE died.t (id INT64)');
    await admin({ error: 'backendError', target: 'statement', after: 2 });
    const job = await queryJob('BEGIN TRANSACTION; INSERT died.t (id) VALUES (1); INSERT died.t (id) VALUES (2); COMMIT TRANSACTION;');
    expect(job.body['status']).toMatchObject({ state: 'DONE', errorResult: { reason: 'backendError', message: 'Backend error. Job aborted.' } });
    expect(await cellsOf('SELECT COUNT(*) FROM died.t')).toEqual([['0']]);
    // The rule is spent: the same script now commits.
    const rerun = await queryJob('BEGIN TRANSACTION; INSERT died.t (id) VALUES (1); INSERT died.t (id) VALUES (2); COMMIT TRANSACTION;');
    expect((rerun.body['status'] as Record<string, unknown>)['errorResult']).toBeUndefined();
    expect(await cellsOf('SELECT COUNT(*) FROM died.t')).toEqual([['2']]);
    const refused = await fetch(`${bq.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ error: 'backendError', target: 'statement' }) });
    expect(refused.status).toBe(400);
  });

  test('bigquery: a resumable upload in chunks (308 with Range until the last), a multipart body with bare-LF parts, the discovery document', async () => {
    await client.query('CREATE SCHEMA resumable');
    await client.query('CREATE TABLE resumable.t (id INT64, name STRING)');
    const auth = { authorization: 'Bearer t' };
    const metadata = { jobReference: { jobId: 'resumable_1' }, configuration: { load: { destinationTable: { projectId: bq.projectId, datasetId: 'resumable', tableId: 't' }, sourceFormat: 'NEWLINE_DELIMITED_JSON' } } };
    const start = await fetch(`${bq.url}/upload/bigquery/v2/projects/${bq.projectId}/jobs?uploadType=resumable`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'x-upload-content-type': 'application/octet-stream' }, body: JSON.stringify(metadata),
    });
    expect(start.status).toBe(200);
    const session = start.headers.get('location')!;
    expect(session).toMatch(/\/upload\/bigquery\/v2\/projects\/.+\/jobs\?uploadType=resumable&upload_id=\w+$/);
    const data = Buffer.from('{"id":"7234567890123456789","name":"a"}\n{"id":"2","name":"b"}\n');
    const first = await fetch(session, { method: 'PUT', headers: { ...auth, 'content-range': `bytes 0-19/${data.length}` }, body: data.subarray(0, 20) });
    expect(first.status).toBe(308);
    expect(first.headers.get('range')).toBe('bytes=0-19');
    const probe = await fetch(session, { method: 'PUT', headers: { ...auth, 'content-range': `bytes */${data.length}` } });
    expect(probe.status).toBe(308);
    expect(probe.headers.get('range')).toBe('bytes=0-19');
    const last = await fetch(session, { method: 'PUT', headers: { ...auth, 'content-range': `bytes 20-${data.length - 1}/${data.length}` }, body: data.subarray(20) });
    expect(last.status).toBe(200);
    expect(await last.json()).toMatchObject({ jobReference: { jobId: 'resumable_1' }, status: { state: 'DONE' }, statistics: { load: { outputRows: '2' } } });
    expect(await cellsOf('SELECT CAST(id AS STRING) FROM resumable.t ORDER BY name')).toEqual([['7234567890123456789'], ['2']]);

    const lf = ['--xyz', 'Content-Type: application/json', 'MIME-Version: 1.0', '', JSON.stringify({ configuration: metadata.configuration }),
      '--xyz', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: binary', '', '{"id":"3","name":"c"}', '', '--xyz--', ''].join('\n');
    const multipart = await fetch(`${bq.url}/upload/bigquery/v2/projects/${bq.projectId}/jobs?uploadType=multipart`, {
      method: 'POST', headers: { ...auth, 'content-type': 'multipart/related; boundary="xyz"' }, body: lf,
    });
    expect(multipart.status).toBe(200);
    expect(await multipart.json()).toMatchObject({ status: { state: 'DONE' }, statistics: { load: { outputRows: '1' } } });

    const discovery = await fetch(`${bq.url}/$discovery/rest?version=v2`);
    expect(discovery.status).toBe(200);
    const document = (await discovery.json()) as { rootUrl: string; servicePath: string; resources: Record<string, { methods: Record<string, { path: string; supportsMediaUpload?: boolean }> }> };
    expect(document.rootUrl).toBe(`${bq.url}/`);
    expect(document.servicePath).toBe('bigquery/v2/');
    expect(Object.keys(document.resources).sort()).toEqual(['datasets', 'jobs', 'tabledata', 'tables']);
    expect(document.resources['jobs']!.methods['insert']).toMatchObject({ path: 'projects/{+projectId}/jobs', supportsMediaUpload: true });
    expect((await fetch(`${bq.url}/discovery/v1/apis/bigquery/v2/rest`)).status).toBe(200);
  });

  test('bigquery: a query without useLegacySql is legacy SQL, as in BigQuery: refused, naming --nouse_legacy_sql', async () => {
    const legacy = await api('POST', '/queries', { query: 'SELECT 1' });
    expect(legacy.status).toBe(400);
    expect((legacy.body['error'] as { message: string }).message).toMatch(/runs only GoogleSQL.*pass --nouse_legacy_sql to bq, or set useLegacySql to false/);
    expect((await api('POST', '/queries', { query: 'SELECT 1', useLegacySql: false })).status).toBe(200);
  });

  test('bigquery: bytes processed are the referenced columns of the partitions scanned; a MERGE restricted to one day reads exactly that day', async () => {
    await client.query('CREATE SCHEMA bytes');
    await client.query('CREATE TABLE bytes.events (id INT64, day DATE, name STRING, amount NUMERIC, payload JSON, flag BOOL) PARTITION BY day');
    interface Row { id: number | null; day: string; name: string | null; amount: string | null; payload: string | null; flag: boolean | null }
    const rows: Row[] = [
      { id: 1, day: '2024-01-01', name: 'alpha', amount: '1.5', payload: '{"a":1}', flag: true },
      { id: 2, day: '2024-01-02', name: 'été', amount: null, payload: '{"b":[1,2]}', flag: null },
      { id: 3, day: '2024-01-02', name: null, amount: '7', payload: null, flag: false },
      { id: 4, day: '2024-01-03', name: 'delta', amount: '0', payload: '"s"', flag: true },
      { id: null, day: '2024-01-03', name: 'x', amount: null, payload: null, flag: null },
    ];
    const literal = (value: string | number | boolean | null, type: string) => (value === null ? 'NULL' : type === 'STRING' ? `'${String(value)}'` : type === 'JSON' ? `JSON '${String(value)}'` : type === 'DATE' ? `DATE '${String(value)}'` : type === 'NUMERIC' ? `NUMERIC '${String(value)}'` : String(value));
    await client.query(`INSERT bytes.events (id, day, name, amount, payload, flag) VALUES ${rows.map((r) =>
      `(${literal(r.id, 'INT64')}, ${literal(r.day, 'DATE')}, ${literal(r.name, 'STRING')}, ${literal(r.amount, 'NUMERIC')}, ${literal(r.payload, 'JSON')}, ${literal(r.flag, 'BOOL')})`).join(', ')}`);
    // BigQuery's sizes, computed here from the rows inserted: INT64/DATE 8, STRING 2 + UTF-8 bytes, NUMERIC 16, JSON its text, BOOL 1, NULL 0.
    const size: Record<keyof Row, (r: Row) => number> = {
      id: (r) => (r.id === null ? 0 : 8),
      day: () => 8,
      name: (r) => (r.name === null ? 0 : 2 + Buffer.byteLength(r.name, 'utf8')),
      amount: (r) => (r.amount === null ? 0 : 16),
      payload: (r) => (r.payload === null ? 0 : Buffer.byteLength(r.payload, 'utf8')),
      flag: (r) => (r.flag === null ? 0 : 1),
    };
    const bytesOf = (which: Row[], columns: (keyof Row)[]) => which.reduce((sum, r) => sum + columns.reduce((s, c) => s + size[c](r), 0), 0);
    const all = Object.keys(size) as (keyof Row)[];
    const merge = (restriction: string) => `MERGE bytes.events T USING (SELECT 2 AS id, 'z' AS name) S ON T.id = S.id${restriction}
      WHEN MATCHED THEN UPDATE SET name = CONCAT(IFNULL(T.name, ''), S.name), amount = T.amount, payload = T.payload, flag = T.flag`;
    const statisticsOf = (job: Answer) => {
      const statistics = job.body['statistics'] as { totalBytesProcessed: string; query: { totalBytesProcessed: string; totalBytesBilled: string } };
      expect(statistics.totalBytesProcessed).toBe(statistics.query.totalBytesProcessed);
      return { processed: Number(statistics.query.totalBytesProcessed), billed: Number(statistics.query.totalBytesBilled) };
    };
    // Each MERGE appends 'z' to row 2's name: the rows as each statement finds them.
    let current: Row[] = rows;
    const merged = () => {
      current = current.map((r) => (r.id === 2 ? { ...r, name: `${r.name ?? ''}z` } : r));
    };
    const dayTwo = () => current.filter((r) => r.day === '2024-01-02');
    // Without the day predicate the MERGE does not reference the partitioning column: every row, the other columns.
    const expectedUnrestricted = bytesOf(current, all.filter((c) => c !== 'day'));
    const unrestricted = statisticsOf(await queryJob(merge('')));
    merged();
    expect(unrestricted.processed).toBe(expectedUnrestricted);
    const expectedRestricted = bytesOf(dayTwo(), all);
    const restricted = statisticsOf(await queryJob(merge(" AND T.day BETWEEN DATE '2024-01-02' AND DATE '2024-01-02'")));
    merged();
    expect(restricted.processed).toBe(expectedRestricted);
    expect(restricted.processed).toBeLessThan(unrestricted.processed);
    expect(restricted.billed).toBe(10 * 1024 * 1024);
    // The same with @parameters, in a transaction script with a SELECT: the job sums its statements.
    const parameters = { queryParameters: [
      { name: 'from', parameterType: { type: 'DATE' }, parameterValue: { value: '2024-01-02' } },
      { name: 'to', parameterType: { type: 'DATE' }, parameterValue: { value: '2024-01-02' } },
    ] };
    const expectedScript = bytesOf(dayTwo(), all) + bytesOf(current.filter((r) => r.day !== '2024-01-02'), ['name', 'day']);
    const scriptJob = await queryJob(`BEGIN TRANSACTION; ${merge(' AND T.day BETWEEN @from AND @to')}; COMMIT TRANSACTION;
      SELECT name FROM bytes.events WHERE day IN (DATE '2024-01-01', DATE '2024-01-03');`, parameters);
    const script = statisticsOf(scriptJob);
    expect(script.processed).toBe(expectedScript);
    // Each statement's own sums, in order.
    const perStatement = ((scriptJob.body['statistics'] as { query: { statementStatistics: { statementType: string; totalBytesProcessed: string; totalBytesBilled: string }[] } }).query.statementStatistics);
    expect(perStatement.map((s) => [s.statementType, Number(s.totalBytesProcessed), Number(s.totalBytesBilled)])).toEqual([
      ['BEGIN_TRANSACTION', 0, 0], ['MERGE', bytesOf(dayTwo(), all), 10 * 1024 * 1024], ['COMMIT_TRANSACTION', 0, 0], ['SELECT', expectedScript - bytesOf(dayTwo(), all), 10 * 1024 * 1024],
    ]);
    expect(script.billed).toBe(2 * 10 * 1024 * 1024);
    // jobs.query answers them too; a query reading no table processes and bills nothing.
    const answer = await api('POST', '/queries', { query: "SELECT id FROM bytes.events WHERE day >= '2024-01-03'", useLegacySql: false });
    expect(answer.body).toMatchObject({ totalBytesProcessed: String(bytesOf(rows.filter((r) => r.day === '2024-01-03'), ['id', 'day'])), totalBytesBilled: String(10 * 1024 * 1024) });
    expect((await api('POST', '/queries', { query: 'SELECT 1', useLegacySql: false })).body).toMatchObject({ totalBytesProcessed: '0', totalBytesBilled: '0' });
  });
});
