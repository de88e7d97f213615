// A port someone else holds: the emulator and the local BigQuery say so in one line naming --port and exit 1 (no
// stack, no "Unexpected error"); the local BigQuery leaves no ZetaSQL server behind, after a busy port or a SIGTERM.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EMULATOR_BIN } from '../support/emulator.ts';
import { ROOT } from '../support/cli.ts';
import { runNode } from '../support/process.ts';

const BIGQUERY_LOCAL = join(ROOT, 'tools', 'bigquery-local', 'main.ts');

let holder: Server;
let busyPort: number;

beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  busyPort = (holder.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

/** Processes still alive in a process group (from /proc: field 5 of stat is the group). */
function processesInGroup(group: number): number[] {
  const alive: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is the state (Z: a zombie waiting for its parent, already gone), fields[2] the group.
      if (Number(fields[2]) === group && fields[0] !== 'Z') alive.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return alive;
}

/** Runs the local BigQuery in its own process group (its analyzer joins it), so what it leaves behind is visible. */
function startBigQueryLocal(args: string[]) {
  const child = spawn(process.execPath, [BIGQUERY_LOCAL, ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, done, output: () => ({ stdout, stderr }) };
}

async function settled(group: number): Promise<number[]> {
  // A SIGKILLed child is reaped by init a moment later.
  for (let i = 0; i < 50 && processesInGroup(group).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return processesInGroup(group);
}

describe('busy ports', () => {
  test('emulator: a busy --port is one line naming it, exit 1', async () => {
    const result = await runNode([EMULATOR_BIN, '--port', String(busyPort)], { timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`emulator: port ${busyPort} is already in use (127.0.0.1:${busyPort}); choose another --port N, or --port 0 for any free port`);
  });

  test('bigquery: local BigQuery on a busy --port is one line naming it, exit 1, and no ZetaSQL server left', async () => {
    const run = startBigQueryLocal(['--port', String(busyPort)]);
    const timer = setTimeout(() => process.kill(-run.child.pid!, 'SIGKILL'), 60_000);
    const { code } = await run.done;
    clearTimeout(timer);
    const { stdout, stderr } = run.output();
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([`bigquery-local: port ${busyPort} is already in use (127.0.0.1:${busyPort}); choose another --port N, or --port 0 for any free port`]);
    expect(await settled(run.child.pid!)).toEqual([]);
  }, 90_000);

  test('bigquery: SIGTERM while serving, and while still starting, ends the analyzer with it', async () => {
    const serving = startBigQueryLocal(['--port', '0']);
    await new Promise<void>((resolve) => serving.child.stdout.on('data', () => resolve()));
    expect(processesInGroup(serving.child.pid!).length).toBeGreaterThan(1); // node and its ZetaSQL server
    serving.child.kill('SIGTERM');
    expect((await serving.done).code).toBe(0);
    expect(await settled(serving.child.pid!)).toEqual([]);

    const starting = startBigQueryLocal(['--port', '0']);
    // As soon as the analyzer is spawned: before the URL is printed.
    for (let i = 0; i < 300 && processesInGroup(starting.child.pid!).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    starting.child.kill('SIGTERM');
    const ended = await starting.done;
    expect(ended.signal).toBeNull();
    expect(ended.code).toBe(0);
    expect(await settled(starting.child.pid!)).toEqual([]);
  }, 120_000);
});
