// `sync` and `destination write` in child processes, as a user or an orchestrator runs them, so a test can
// SIGKILL them at a moment it observes (a state row, a staging table, a COPY in progress) or cut their stdin off.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './postgres.ts';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the trigger fired and the process was SIGKILLed for it. */
  killed: boolean;
}

export interface SyncProcessOptions {
  /** A scratch folder for the config file. */
  dir: string;
  /** The source config (written to a file and passed as --config). */
  config: Record<string, unknown>;
  /** The other arguments: --destination, --schema, --streams … */
  args: string[];
  env?: Record<string, string>;
  /** Polled until the process ends; the first `true` SIGKILLs it. */
  killWhen?: () => Promise<boolean> | boolean;
  /** How often killWhen is asked (default 15 ms). */
  pollMs?: number;
}

let files = 0;

/** Runs `sync` (src/sync.ts's runSyncCommand) in a child process. */
export async function syncProcess(options: SyncProcessOptions): Promise<ProcessResult> {
  const configPath = join(options.dir, `config-${process.pid}-${++files}.json`);
  writeFileSync(configPath, JSON.stringify(options.config));
  const module = pathToFileURL(join(REPO_ROOT, 'src', 'commands', 'sync.ts')).href;
  const argv = JSON.stringify(['--config', configPath, ...options.args]);
  const script = `import(${JSON.stringify(module)}).then((m) => m.runSyncCommand(${argv})).then((code) => { process.exitCode = code; });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])));
  let running = true;
  void closed.then(() => (running = false));
  let killed = false;
  if (options.killWhen) {
    while (running) {
      if (await options.killWhen()) {
        if (running) {
          killed = child.kill('SIGKILL');
        }
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 15));
    }
  }
  const [code, signal] = await closed;
  return { code, signal, stdout, stderr, killed: killed && signal === 'SIGKILL' };
}

export interface WriteProcessOptions {
  dir: string;
  /** The destination config (`{url, schema}` or BigQuery's fields). */
  config: Record<string, unknown>;
  catalog: unknown;
  /** The AirbyteMessages as JSON lines, fed on stdin. */
  input: string;
  /** Feed only this many bytes of `input`, then close stdin: the orchestrator's pipe cut off mid-stream. */
  cutAtByte?: number;
}

/** Runs `destination write` in a child process, its stdin fed from `input` (all of it, or cut off). */
export async function writeProcess(options: WriteProcessOptions): Promise<ProcessResult & { states: number }> {
  const tag = `${process.pid}-${++files}`;
  const configPath = join(options.dir, `dest-config-${tag}.json`);
  writeFileSync(configPath, JSON.stringify(options.config));
  const catalogPath = join(options.dir, `catalog-${tag}.json`);
  writeFileSync(catalogPath, JSON.stringify(options.catalog));
  const module = pathToFileURL(join(REPO_ROOT, 'src', 'commands', 'destination.ts')).href;
  const argv = JSON.stringify(['write', '--config', configPath, '--catalog', catalogPath]);
  const script = `import(${JSON.stringify(module)}).then((m) => m.runDestinationCommand(${argv})).then((code) => { process.exitCode = code; });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => undefined);
  const bytes = Buffer.from(options.input, 'utf8');
  child.stdin.end(options.cutAtByte === undefined ? bytes : bytes.subarray(0, options.cutAtByte));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  const states = stdout.split('\n').filter((line) => line.includes('"type":"STATE"')).length;
  return { code, signal, stdout, stderr, killed: false, states };
}
