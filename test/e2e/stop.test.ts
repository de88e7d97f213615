// A clean stop (issue 23) without Docker: the built bins, run as their shebang runs them (192 MB heap), get SIGTERM
// mid-way as `docker stop` sends it. `sync` keeps the rows and the state it committed, says why, exits 143, and the
// next run ends with the rows of an uninterrupted sync; `read` stops emitting and ends with one TRACE error;
// `destination write` stops taking stdin and keeps what it acknowledged. The same through `docker stop`:
// test/e2e/docker.test.ts. The rule itself: test/unit/stop.test.ts.

import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { CLI, DESTINATION_CLI, ROOT, ofType, parseMessages, shippedRuntime } from '../support/cli.ts';
import { configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { tempDir } from '../support/package.ts';
import { freshSchema, type TestSchema } from '../support/postgres.ts';
import { type ProcessOutput, type StartedProcess, startNode } from '../support/process.ts';

const STREAM = 'ads_reports_daily';
/** Longer than any stop may take: a process still there then is SIGKILLed, as `docker stop` does after 10 s. */
const GRACE_MS = 10_000;

let dir: string;
let api: Emulator;
let configPath: string;
const schemas: TestSchema[] = [];

async function schema(prefix: string): Promise<TestSchema> {
  const made = await freshSchema(prefix);
  schemas.push(made);
  return made;
}

/** A built bin as its shebang runs it. */
function shipped(bin: string, args: string[]): StartedProcess {
  const { flags, env } = shippedRuntime(bin);
  return startNode([...flags, bin, ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeoutMs: 240_000 });
}

/** The same with stdin a pipe the test keeps open, as an orchestrator does while the source still reads. */
function shippedWithStdin(bin: string, args: string[]): StartedProcess & { stdin: Writable } {
  const { flags, env } = shippedRuntime(bin);
  const child = spawn(process.execPath, [...flags, bin, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString('utf8')));
  const done = new Promise<ProcessOutput>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, ...output })));
  return { child, done, stdin: child.stdin };
}

/** SIGTERM now, SIGKILL after the grace period: what `docker stop` does. */
async function dockerLikeStop(started: StartedProcess): Promise<ProcessOutput> {
  started.child.kill('SIGTERM');
  const killer = setTimeout(() => started.child.kill('SIGKILL'), GRACE_MS);
  try {
    return await started.done;
  } finally {
    clearTimeout(killer);
  }
}

async function until(condition: () => Promise<boolean> | boolean, ended: () => boolean): Promise<void> {
  while (!ended() && !(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

async function stateRows(db: TestSchema): Promise<string[]> {
  return (await db.query<{ stream_name: string }>(`select stream_name from "${db.schema}"._sync_state order by 1`).catch(() => [])).map((row) => row.stream_name);
}

async function count(db: TestSchema): Promise<number> {
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from "${db.schema}"."${STREAM}"`);
  return row?.n ?? -1;
}

/** The repository's configured catalog, its one report stream. */
function catalog(): unknown {
  const full = JSON.parse(readFileSync(join(ROOT, 'integration_tests', 'configured_catalog.json'), 'utf8')) as { streams: { stream: { name: string } }[] };
  return { streams: full.streams.filter((entry) => entry.stream.name === STREAM) };
}

beforeAll(async () => {
  dir = tempDir('stop');
  // A slow API (4 requests a second) and a long history: a sync takes far longer than the tests wait before stopping it.
  api = await emulator({ seed: 5, advertisers: 6, qps: 4 });
  configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(configFor(api.url, { start_date: '2025-01-01', requests_per_second: 4 })));
});

afterAll(async () => {
  await api?.close();
  for (const db of schemas) await db.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a clean stop on SIGTERM', () => {
  it('sync: keeps the committed rows and their state, says why, exits 143; the next run ends as an uninterrupted sync', async () => {
    const [stopped, whole] = [await schema('stop'), await schema('whole')];
    const args = (db: TestSchema) => ['sync', '--config', configPath, '--destination', db.url, '--schema', db.schema, '--streams', STREAM];
    const first = shipped(CLI, args(stopped));
    const reference = shipped(CLI, args(whole)).done;
    let ended = false;
    void first.done.finally(() => (ended = true));
    await until(async () => (await stateRows(stopped)).length > 0, () => ended);
    expect(ended, 'the sync ended before it could be stopped').toBe(false);
    const stop = await dockerLikeStop(first);
    // 143 is its own exit; a SIGKILL after the grace period would show as signal SIGKILL.
    expect({ code: stop.code, signal: stop.signal }, stop.stderr.slice(-2000)).toEqual({ code: 143, signal: null });
    expect(stop.stderr).toMatch(/^SIGTERM received: stopping/m);
    expect(stop.stderr).toMatch(/^Temporary failure: Stopped by SIGTERM before the end: rows committed so far are kept with their state/m);
    expect(stop.stderr).not.toMatch(/\n\s+at /);
    expect(stop.stdout).toMatch(/^Sync incomplete: /);
    const kept = await count(stopped);
    expect(kept).toBeGreaterThan(0);
    expect(await stateRows(stopped)).toEqual([STREAM]);

    const next = await shipped(CLI, args(stopped)).done;
    expect(next.code, next.stderr.slice(-2000)).toBe(0);
    const all = await reference;
    expect(all.code, all.stderr.slice(-2000)).toBe(0);
    expect(await stopped.digest(STREAM, 'row_text')).toBe(await whole.digest(STREAM, 'row_text'));
    // It continued: fewer rows read again than an uninterrupted sync reads.
    const synced = (out: string) => Number(/^Synced: ([\d,]+) rows/m.exec(out)?.[1]?.replaceAll(',', '') ?? NaN);
    expect(synced(next.stdout)).toBeLessThan(synced(all.stdout));
  }, 240_000);

  it('read: stops emitting, ends with one transient TRACE error naming the signal, exits 143', async () => {
    const catalogPath = join(dir, 'catalog.json');
    writeFileSync(catalogPath, JSON.stringify(catalog()));
    const read = shipped(CLI, ['read', '--config', configPath, '--catalog', catalogPath]);
    let stdout = '';
    read.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    let ended = false;
    void read.done.finally(() => (ended = true));
    await until(() => /"type":"STATE"/.test(stdout), () => ended);
    expect(ended, 'the read ended before it could be stopped').toBe(false);
    const stop = await dockerLikeStop(read);
    expect({ code: stop.code, signal: stop.signal }, stop.stderr.slice(-2000)).toEqual({ code: 143, signal: null });
    // Every line a valid Airbyte message (parseMessages checks them against the protocol schema), the last the error.
    const messages = parseMessages(stop.stdout);
    expect(ofType(messages, 'RECORD').length).toBeGreaterThan(0);
    const last = messages.at(-1);
    expect(last?.type === 'TRACE' && last.trace.type === 'ERROR' ? [last.trace.error.failure_type, last.trace.error.message] : last).toEqual(['transient_error', expect.stringMatching(/^Stopped by SIGTERM/)]);
    expect(ofType(messages, 'TRACE').filter((m) => m.trace.type === 'ERROR')).toHaveLength(1);
    expect(stop.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('destination write: stops taking stdin, keeps the rows of the states it acknowledged, exits 143', async () => {
    const db = await schema('stopw');
    const destinationConfig = join(dir, 'destination.json');
    writeFileSync(destinationConfig, JSON.stringify({ url: db.url, schema: db.schema }));
    const catalogPath = join(dir, 'write-catalog.json');
    writeFileSync(catalogPath, JSON.stringify(catalog()));
    // Two advertisers' worth of messages, then an orchestrator that keeps stdin open and sends nothing more.
    const records = (n: number, from: number): string[] =>
      Array.from({ length: n }, (_, i) => JSON.stringify({ type: 'RECORD', record: { stream: STREAM, data: { ad_id: from + i, stat_time_day: '2026-01-01 00:00:00', metrics: {} }, emitted_at: 1 } }));
    const state = (n: number) => JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: STREAM }, stream_state: { n } }, sourceStats: { recordCount: 3 } } });
    const write = shippedWithStdin(DESTINATION_CLI, ['write', '--config', destinationConfig, '--catalog', catalogPath]);
    let stdout = '';
    write.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    // Records after the second state stay uncommitted: no state covers them.
    write.stdin.write([...records(3, 1), state(1), ...records(3, 4), state(2), ...records(2, 7), ''].join('\n'));
    let ended = false;
    void write.done.finally(() => (ended = true));
    await until(() => (stdout.match(/"type":"STATE"/g) ?? []).length >= 2, () => ended);
    expect(ended, `the write ended before it could be stopped: ${ended ? (await write.done).stderr : ''}`).toBe(false);
    const stop = await dockerLikeStop(write);
    expect({ code: stop.code, signal: stop.signal }, stop.stderr.slice(-2000)).toEqual({ code: 143, signal: null });
    const messages = parseMessages(stop.stdout);
    expect(ofType(messages, 'STATE').map((m) => m.state.stream?.stream_state)).toEqual([{ n: 1 }, { n: 2 }]);
    const last = messages.at(-1);
    expect(last?.type === 'TRACE' && last.trace.type === 'ERROR' ? last.trace.error.failure_type : last).toBe('transient_error');
    expect(await count(db)).toBe(6);
  }, 120_000);
});
