import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { addDays } from '../../src/streams/dates.ts';
import type { Figure } from './source.ts';
import { CLI, type EmulatorProcess, NODE_FLAGS, CLI_ENV, ROOT, configOf, rssOf, writeJson, UNPACED } from './support.ts';

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function psql(sql: string): string {
  return execFileSync('psql', [PG_URL, '-qAtc', sql], { encoding: 'utf8' }).trim();
}

/** `sync` as a child process, as a user runs it; returns wall time and peak RSS. */
function runSync(config: unknown, schema: string): Promise<{ wallMs: number; maxRssMb: number; peakSample: string }> {
  const configPath = writeJson(`${schema}-config.json`, config);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...NODE_FLAGS, '--import', join(ROOT, 'tools/bench/report-rss.mjs'), CLI, 'sync', '--config', configPath, '--destination', PG_URL, '--schema', schema, '--streams', 'ads_reports_daily'],
    { stdio: ['ignore', 'ignore', 'pipe'], env: CLI_ENV },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`sync exited ${code}: ${stderr.slice(-2000)}`));
      resolve({ wallMs: performance.now() - started, ...rssOf(stderr) });
    });
  });
}

/** End to end (emulator → source → Postgres sink) against `psql \copy` of the very rows it loaded. */
export async function sinkThroughput(emulator: EmulatorProcess, today: string): Promise<Figure[]> {
  const config = (days: number) =>
    configOf(emulator.url, { start_date: addDays(today, -(days - 1)), end_date: today, async_reports: 'off', requests_per_second: 100, ...UNPACED });
  psql('drop schema if exists bench_e2e cascade; drop schema if exists bench_e2e_small cascade; drop schema if exists bench_copy cascade');
  const small = await runSync(config(37), 'bench_e2e_small');
  const big = await runSync(config(365), 'bench_e2e');
  const rows = Number(psql('select count(*) from bench_e2e.ads_reports_daily'));
  const smallRows = Number(psql('select count(*) from bench_e2e_small.ads_reports_daily'));
  const file = join(ROOT, '.tmp', 'bench-copy.txt');
  execFileSync('mkdir', ['-p', join(ROOT, '.tmp')]);
  psql(`\\copy bench_e2e.ads_reports_daily to '${file}'`);
  psql('create schema bench_copy; create table bench_copy.ads_reports_daily (like bench_e2e.ads_reports_daily including all)');
  const started = performance.now();
  psql(`\\copy bench_copy.ads_reports_daily from '${file}'`);
  const copyMs = performance.now() - started;
  psql('drop schema bench_copy cascade; drop schema bench_e2e cascade; drop schema bench_e2e_small cascade');
  execFileSync('rm', ['-f', file]);
  const ratio = big.wallMs / copyMs;
  const growth = big.maxRssMb / small.maxRssMb - 1;
  return [
    {
      name: 'P4 sync of ~1 M rows into Postgres / psql \\copy of the same rows',
      value: ratio,
      goal: '<= 2',
      pass: ratio <= 2,
      detail: `${rows} rows: sync ${(big.wallMs / 1000).toFixed(1)} s, psql \\copy ${(copyMs / 1000).toFixed(1)} s`,
    },
    {
      name: 'P5 sync peak RSS at ~1 M rows (MB)',
      value: big.maxRssMb,
      goal: '<= 256',
      pass: big.maxRssMb <= 256,
      detail: `${rows} rows; at the peak ${big.peakSample}`,
    },
    {
      name: 'P5 sync RSS growth ~100 k → ~1 M rows',
      value: growth,
      goal: '<= 0.10',
      pass: growth <= 0.1,
      detail: `${smallRows} rows: ${small.maxRssMb.toFixed(1)} MB; ${rows} rows: ${big.maxRssMb.toFixed(1)} MB`,
    },
  ];
}
