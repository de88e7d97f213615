// A lost Postgres connection is a retried event (src/engines/postgres/postgres-sink.ts, spool.ts,
// reconnect-policy.ts): backends terminated mid-sync, or a server that restarts behind a proxy, end with exactly
// the rows of an uninterrupted run; a server that stays away past the reconnect budget ends the write with one
// TRACE error (transient_error, naming Postgres) and keeps what was committed.

import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { RECONNECT_VARIABLE } from '../../src/engines/postgres/reconnect-policy.ts';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { configFor, secretsIn } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { repoScratch } from '../support/files.ts';
import { catalogOf, configuredStream, freshSchema, record, REPO_ROOT, state, type TestSchema } from '../support/postgres.ts';
import { commandScript } from '../support/process.ts';
import { syncProcess, type ProcessResult } from '../support/sync-process.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

const NOW = new Date('2026-10-01T12:00:00Z');
const START = '2026-09-22';
const STREAMS = ['advertisers', 'campaigns', 'ads', 'ads_reports_daily', 'advertisers_reports_daily'];

let api: Emulator;
let dir: string;
let reference: Record<string, string>;
const schemas: TestSchema[] = [];

async function schema(prefix: string): Promise<TestSchema> {
  const created = await freshSchema(prefix);
  schemas.push(created);
  return created;
}

async function digests(db: TestSchema): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const stream of STREAMS) out[stream] = await db.digest(stream, 'row_text');
  return out;
}

const stateCount = async (db: TestSchema): Promise<number> =>
  (await db.query<{ n: number }>(`select count(*)::int as n from "${db.schema}"._sync_state`).catch(() => [{ n: 0 }]))[0]!.n;

/** `sync` in a child process; `during` runs beside it (and may act on it) until it ends. */
async function sync(destination: string, db: TestSchema, env: Record<string, string>, during: (running: () => boolean) => Promise<void>): Promise<ProcessResult> {
  let running = true;
  const run = syncProcess({
    dir,
    config: configFor(api.url, { start_date: START, requests_per_second: 8 }),
    args: ['--destination', destination, '--schema', db.schema, '--streams', STREAMS.join(',')],
    env: { TIKTOK_SOURCE_NOW: NOW.toISOString(), ...env },
  }).finally(() => (running = false));
  await during(() => running);
  return run;
}

/** Waits until `condition` holds while the sync runs; false if the sync ended first. */
async function until(running: () => boolean, condition: () => Promise<boolean>): Promise<boolean> {
  while (running()) {
    if (await condition()) return running();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

beforeAll(async () => {
  api = await emulator({ advertisers: 2, now: NOW });
  dir = repoScratch(REPO_ROOT, 'reconnect-');
  const db = await schema('rc_ref');
  const clean = await sync(db.url, db, {}, async () => undefined);
  expect(clean.code, clean.stderr).toBe(0);
  reference = await digests(db);
}, 120_000);

afterAll(async () => {
  await api?.close();
  for (const db of schemas) await db.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a lost Postgres connection', () => {
  it('backends terminated mid-sync (pg_terminate_backend, twice): the sync reconnects and ends with the rows of an uninterrupted run', async () => {
    const db = await schema('rc_term');
    const application = `reconnect_${Math.random().toString(36).slice(2, 10)}`;
    const url = new URL(db.url);
    url.searchParams.set('application_name', application);
    const terminated: number[] = [];
    const run = await sync(url.toString(), db, { [RECONNECT_VARIABLE]: 'attempts=5,first_delay_ms=100' }, async (running) => {
      for (const afterStates of [1, 3]) {
        if (!(await until(running, async () => (await stateCount(db)) >= afterStates))) break;
        const killed = await db.query<{ ok: boolean }>(`select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1`, [application]);
        terminated.push(killed.length);
      }
    });
    expect(terminated.length, 'the sync ended before its backends could be terminated').toBe(2);
    expect(terminated.every((n) => n > 0)).toBe(true);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/Error|not queryable/);
    expect(run.stderr).toMatch(/Postgres at \S+ closed the connection \(terminated by administrator\) while trying to .*; reconnected after 1 attempt/);
    expect(await digests(db)).toEqual(reference);
    expect(secretsIn(run.stdout, run.stderr)).toEqual([]);
  }, 120_000);

  it('the server "restarts" (a proxy drops every connection and refuses new ones for 1.5 s): the sync ends with every row', async () => {
    const db = await schema('rc_restart');
    const proxy = await startTcpProxy(db.url);
    const url = new URL(db.url);
    url.host = new URL(proxy.url).host;
    let interrupted = false;
    const run = await sync(url.toString(), db, { [RECONNECT_VARIABLE]: 'attempts=6,first_delay_ms=200,factor=2' }, async (running) => {
      if (await until(running, async () => (await stateCount(db)) >= 2)) {
        await proxy.interrupt(1500);
        interrupted = true;
      }
    });
    await proxy.close();
    expect(interrupted, 'the sync ended before the restart').toBe(true);
    expect(run.code, run.stderr).toBe(0);
    expect(await digests(db)).toEqual(reference);
  }, 120_000);
});

describe('a Postgres that stays away', () => {
  it('past the reconnect budget: exit 1, one TRACE error (transient_error, naming Postgres, no stack), committed rows kept', async () => {
    const db = await schema('rc_gone');
    const proxy = await startTcpProxy(db.url);
    const url = new URL(db.url);
    url.host = new URL(proxy.url).host;
    url.password = 'pw-never-shown-31';
    const configPath = join(dir, 'gone-config.json');
    const catalogPath = join(dir, 'gone-catalog.json');
    writeFileSync(configPath, JSON.stringify({ url: url.toString(), schema: db.schema }));
    const catalog = catalogOf(configuredStream('items', { id: { type: 'integer' }, pad: { type: 'string' } }, { key: [['id']] }));
    writeFileSync(catalogPath, JSON.stringify(catalog));
    const lines = (messages: AirbyteMessage[]) => messages.map((m) => JSON.stringify(m)).join('\n') + '\n';
    const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => record('items', { id: from + i, pad: 'x'.repeat(100) }));

    const child = spawn(process.execPath, commandScript(join(REPO_ROOT, 'src', 'commands', 'destination.ts'), 'runDestinationCommand', ['write', '--config', configPath, '--catalog', catalogPath]), {
      env: { ...process.env, [RECONNECT_VARIABLE]: 'attempts=3,first_delay_ms=100,factor=2' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const firstState = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"type":"STATE"')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stdin.on('error', () => undefined);
    child.stdin.write(lines([...rows(0, 5000), state('items', { cursor: 1 }), ...rows(5000, 6000)]));
    await firstState;
    await proxy.close();
    child.stdin.end(lines([...rows(6000, 20_000), state('items', { cursor: 2 })]));
    const code = await exited;

    expect(code).toBe(1);
    const messages = stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as AirbyteMessage);
    const traces = messages.filter((m) => m.type === 'TRACE');
    expect(traces).toHaveLength(1);
    const trace = traces[0]!;
    if (trace.type !== 'TRACE' || trace.trace.type !== 'ERROR') throw new Error(`expected a TRACE error, got ${JSON.stringify(trace)}`);
    expect(trace.trace.error.failure_type).toBe('transient_error');
    expect(trace.trace.error.message).toMatch(/^Postgres at postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/\S* (closed|refused) .*could not be reached again after 3 attempts over [\d.]+ s/);
    expect(stdout + stderr).not.toContain('pw-never-shown-31');
    expect(stdout + stderr).not.toMatch(/\n\s+at /);
    expect(stderr.match(/transient_error/g)).toHaveLength(1);
    // The first STATE's rows and state were committed and stay; nothing after it.
    expect(messages.filter((m) => m.type === 'STATE')).toHaveLength(1);
    expect(await db.query(`select count(*)::int as n, max(id)::int as last from "${db.schema}".items`)).toEqual([{ n: 5000, last: 4999 }]);
    expect(await db.query(`select state from "${db.schema}"._sync_state`)).toEqual([{ state: { cursor: 1 } }]);
  }, 60_000);
});
