// Google's own `bq` CLI against the local BigQuery: it loads the endpoint's discovery document, creates a dataset
// and a table, loads NDJSON through a resumable upload, queries and reads rows, and 19-digit INT64 ids come back
// exact. Where bq is not installed the test says so and is skipped, except under CI, where a missing reference fails.

import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBigQueryForTests, localBigQuery } from '../support/bigquery.ts';

const BQ = (spawnSync('which', ['bq'], { encoding: 'utf8' }).stdout ?? '').trim();
const CI = process.env['CI'] === 'true';
if (BQ === '') {
  console.warn(`SKIPPED bq CLI test: Google's bq is not on PATH${CI ? ' (CI=true: this fails instead)' : ''}. Install the Google Cloud SDK's bq to run it.`);
}

let local: LocalBigQueryForTests | undefined;
let dir = '';

beforeAll(async () => {
  if (BQ === '') return;
  local = await localBigQuery();
  dir = mkdtempSync(join(tmpdir(), 'bq-cli-'));
}, 60_000);

afterAll(async () => {
  await local?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One bq command against the endpoint: its own gcloud config folder, no metadata server, a fixed token. */
function bq(...args: string[]): Promise<Run> {
  const endpoint = local!;
  const flags = [`--api=${endpoint.url}`, `--project_id=${endpoint.projectId}`, '--oauth_access_token=local-test-token', '--headless', ...args];
  return new Promise((resolve) => {
    execFile(BQ, flags, {
      env: { ...process.env, CLOUDSDK_CONFIG: join(dir, 'gcloud'), METADATA_SERVER_DETECTION: 'none', CLOUDSDK_CORE_DISABLE_PROMPTS: '1' },
      timeout: 90_000,
      encoding: 'utf8',
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

async function ok(...args: string[]): Promise<string> {
  const run = await bq(...args);
  if (run.code !== 0) throw new Error(`bq ${args.join(' ')} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

describe('bq CLI', () => {
  it('bq CLI must be installed under CI (a missing reference fails there)', () => {
    expect(BQ !== '' || !CI, 'bq is not on PATH and CI=true: the bq CLI test cannot be skipped in CI').toBe(true);
  });

  it.skipIf(BQ === '')('bq mk, load (NDJSON, 19-digit ids), query --nouse_legacy_sql and head give the ids back exact; legacy SQL refused', async () => {
    await ok('mk', 'bq_cli');
    await ok('mk', '--table', 'bq_cli.report', 'id:INT64,name:STRING,spend:NUMERIC');
    const file = join(dir, 'rows.ndjson');
    writeFileSync(file, ['{"id":"7234567890123456789","name":"a","spend":"1.25"}', '{"id":"9223372036854775807","name":"b","spend":"0"}', '{"id":1,"name":"c","spend":null}'].join('\n') + '\n');
    await ok('load', '--source_format=NEWLINE_DELIMITED_JSON', 'bq_cli.report', file);
    const queried = JSON.parse(await ok('query', '--nouse_legacy_sql', '--format=json', 'SELECT id, name FROM bq_cli.report ORDER BY name')) as unknown;
    expect(queried).toEqual([{ id: '7234567890123456789', name: 'a' }, { id: '9223372036854775807', name: 'b' }, { id: '1', name: 'c' }]);
    const head = JSON.parse(await ok('head', '--format=json', '--max_rows=10', 'bq_cli.report')) as { id: string; name: string }[];
    expect(head.map((row) => row.id).sort()).toEqual(['1', '7234567890123456789', '9223372036854775807']);
    // An empty file goes as a multipart upload (bq's parts separated by bare LF): accepted, nothing added.
    const empty = join(dir, 'empty.ndjson');
    writeFileSync(empty, '');
    await ok('load', '--source_format=NEWLINE_DELIMITED_JSON', 'bq_cli.report', empty);
    expect(JSON.parse(await ok('query', '--nouse_legacy_sql', '--format=json', 'SELECT COUNT(*) AS n FROM bq_cli.report'))).toEqual([{ n: '3' }]);
    // Without --nouse_legacy_sql the query is legacy SQL (BigQuery's default): refused, saying what to do.
    const legacy = await bq('query', '--format=json', 'SELECT id FROM bq_cli.report');
    expect(legacy.code).not.toBe(0);
    expect(`${legacy.stdout}${legacy.stderr}`.replace(/\s+/g, ' ')).toMatch(/runs only GoogleSQL.*--nouse_legacy_sql/);
  }, 180_000);
});
