// Secrets off the command line: `ps` shows every process's argv to every user of the machine, for as long as the
// process runs. The documented forms keep them out: PGPASSWORD or a destination config file for the database
// password, TIKTOK_APP_SECRET for the app's secret. Each run's argv is read from /proc while it runs, and the
// server checks the password (an embedded Postgres with password authentication), so a run that succeeds had it.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { addDays } from '../../src/streams/dates.ts';
import { CLI, ROOT } from '../support/cli.ts';
import { APP_ID, SECRET, configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { scratch } from '../support/files.ts';
import { passwordCheckingPostgres } from '../support/postgres.ts';

interface Observed {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The process's argv as /proc showed it while it ran. */
  argv: string[];
}

/** Runs the CLI with `env` added, reading its argv from /proc once it has started. */
function runWatched(args: string[], env: Record<string, string>): Promise<Observed> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let argv: string[] = [];
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // 'spawn' comes once the new program runs, so /proc shows its argv, not the parent's.
    child.once('spawn', () => (argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, argv });
    });
  });
}

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);

let api: Emulator;
let server: Awaited<ReturnType<typeof passwordCheckingPostgres>>;
const files = scratch();
let configPath: string;

beforeAll(async () => {
  [api, server] = await Promise.all([emulator({ advertisers: 2, now: NOW, seed: 11 }), passwordCheckingPostgres()]);
  configPath = files.json('config.json', configFor(api.url, { start_date: addDays(END, -1), end_date: END }));
});
afterAll(() => api?.close());

async function rowsIn(schema: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from "${schema}"."${table}"`);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

describe('secrets off argv', () => {
  test('sync takes the Postgres password from PGPASSWORD, and the server did check it', async () => {
    const schema = `argv_pgpassword_${process.pid}`;
    const destination = `postgres://${server.user}@${server.host}:${server.port}/postgres`;
    const args = ['sync', '--config', configPath, '--destination', destination, '--schema', schema, '--streams', 'advertisers', '--no-views'];

    const refused = await runWatched(args, { PGPASSWORD: 'not-the-password' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Postgres rejected the password/);
    expect(refused.stderr).not.toContain('not-the-password');

    const run = await runWatched(args, { PGPASSWORD: server.password });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.argv).toContain('sync');
    expect(run.argv.join(' ')).not.toContain(server.password);
    expect(await rowsIn(schema, 'advertisers')).toBe(2);
  });

  test('sync and views take a destination config file, which holds the password', async () => {
    const schema = `argv_file_${process.pid}`;
    const destination = files.json('destination.json', { host: server.host, port: server.port, database: 'postgres', username: server.user, password: server.password, schema });
    const run = await runWatched(['sync', '--config', configPath, '--destination', destination, '--streams', 'advertisers,advertisers_reports_daily'], {});
    expect(run.code).toBe(0);
    expect(run.argv.join(' ')).not.toContain(server.password);
    expect(`${run.stdout}${run.stderr}`).not.toContain(server.password);
    expect(await rowsIn(schema, 'advertisers')).toBe(2);

    const views = await runWatched(['views', '--destination', destination], {});
    expect(views.code).toBe(0);
    expect(views.stdout).toContain(`"${schema}"."advertiser_performance_daily"`);

    const both = await runWatched(['views', '--destination', destination, '--schema', 'other'], {});
    expect(both.code).toBe(1);
    expect(both.stderr.trim()).toBe(`views: config_error: --schema applies to a destination URL; with a destination config file (${destination}) put the schema or dataset in the file.`);

    const neither = await runWatched(['views', '--destination', 'user:secret-ish@host/db'], {});
    expect(neither.code).toBe(1);
    expect(neither.stderr).toMatch(/--destination takes a URL \(postgres:\/\/…\|bigquery:\/\/…\) or a destination config file, and this is neither/);
    expect(neither.stderr).not.toContain('secret-ish');
  });

  test('token takes the app secret from TIKTOK_APP_SECRET', async () => {
    const run = await runWatched(['token', '--app-id', APP_ID, '--auth-code', 'auth-code-11-7', '--api-base-url', api.url], { TIKTOK_APP_SECRET: SECRET });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ access_token: expect.any(String) });
    expect(run.argv.join(' ')).not.toContain(SECRET);

    const missing = await runWatched(['token', '--app-id', APP_ID, '--auth-code', 'auth-code-11-8', '--api-base-url', api.url], { TIKTOK_APP_SECRET: '' });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/The app's secret is missing: set TIKTOK_APP_SECRET \(or give --secret\)/);
  });
});
