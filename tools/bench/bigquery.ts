// The BigQuery sink at scale: `sync` (emulator → source → BigQuery sink) into the local BigQuery endpoint
// (`bigquery-local`, its own process: ZetaSQL + DuckDB), against the same sync into Postgres. It reports the
// load jobs spent (BigQuery allows 1,500 per table per day, failed ones included: a 1 M-row backfill must spend
// a few dozen at most) and the wall times. The local endpoint is not BigQuery: its wall time says how much the
// sink's own work costs (NDJSON, spool, uploads, one MERGE per commit), not how fast BigQuery loads.

import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { addDays } from '../../src/streams/dates.ts';
import type { Figure } from './source.ts';
import { BIGQUERY_LOCAL, CLI, type EmulatorProcess, NODE_FLAGS, CLI_ENV, configOf, writeJson, UNPACED } from './support.ts';

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** "A few dozen" load jobs for a 1 M-row backfill. */
const MAX_LOAD_JOBS = 36;

interface SyncRun {
  wallMs: number;
  rows: number;
  stderr: string;
}

function runSync(config: unknown, name: string, destination: string, extra: string[] = []): Promise<SyncRun> {
  const configPath = writeJson(`${name}-config.json`, config);
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, 'sync', '--config', configPath, '--destination', destination, '--streams', 'ads_reports_daily', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: CLI_ENV,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`sync into ${name} exited ${code}: ${stderr.slice(-2000)}`));
      const rows = Number((/^Synced: ([\d,]+) rows/m.exec(stdout)?.[1] ?? '0').replaceAll(',', ''));
      resolve({ wallMs: performance.now() - started, rows, stderr });
    });
  });
}

/** The local BigQuery endpoint as a command in its own process; resolves with its URL (its first stdout line). */
function startLocalBigQuery(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [BIGQUERY_LOCAL, '--port', '0', '--project', 'bench-project'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (url) => resolve({ url: url.trim(), stop: () => child.kill('SIGTERM') }));
    child.once('exit', (code) => reject(new Error(`bigquery-local exited ${code}`)));
  });
}

export async function bigQueryThroughput(emulator: EmulatorProcess, today: string, days = Number(process.env.BENCH_BIGQUERY_DAYS ?? 365)): Promise<Figure[]> {
  const config = configOf(emulator.url, { start_date: addDays(today, -(days - 1)), end_date: today, async_reports: 'off', requests_per_second: 100, ...UNPACED });
  const local = await startLocalBigQuery();
  let bigquery: SyncRun;
  try {
    bigquery = await runSync(config, 'bench_bq', `bigquery://bench-project/bench_e2e?api_endpoint=${encodeURIComponent(local.url)}&token=bench-local-token`);
  } finally {
    local.stop();
  }
  execFileSync('psql', [PG_URL, '-qAtc', 'drop schema if exists bench_bq_pg cascade']);
  const postgres = await runSync(config, 'bench_bq_pg', PG_URL, ['--schema', 'bench_bq_pg', '--no-views']);
  execFileSync('psql', [PG_URL, '-qAtc', 'drop schema if exists bench_bq_pg cascade']);
  const jobs = /BigQuery: (\d+) load jobs, (\d+) query jobs/.exec(bigquery.stderr);
  const loadJobs = Number(jobs?.[1] ?? Number.NaN);
  const queryJobs = Number(jobs?.[2] ?? Number.NaN);
  const ratio = bigquery.wallMs / postgres.wallMs;
  return [
    {
      name: 'P4 BigQuery: load jobs for the backfill',
      value: loadJobs,
      goal: `<= ${MAX_LOAD_JOBS}`,
      pass: loadJobs <= MAX_LOAD_JOBS,
      detail: `${bigquery.rows} rows (${days} days): ${loadJobs} load jobs, ${queryJobs} query jobs`,
    },
    {
      name: 'P4 BigQuery: sync into the local endpoint / into Postgres',
      value: ratio,
      goal: 'reported',
      pass: true,
      detail: `local BigQuery ${(bigquery.wallMs / 1000).toFixed(1)} s, Postgres ${(postgres.wallMs / 1000).toFixed(1)} s (${postgres.rows} rows)`,
    },
  ];
}
