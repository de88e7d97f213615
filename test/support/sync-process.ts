// `sync` and `destination write` in child processes, as a user or an orchestrator runs them, so a test can
// SIGKILL them at a moment it observes (a state row, a staging table, a COPY in progress) or cut their stdin off.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './postgres.ts';
import { commandScript, startNode } from './process.ts';

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

/** Runs `sync` (src/commands/sync.ts's runSyncCommand) in a child process. */
export async function syncProcess(options: SyncProcessOptions): Promise<ProcessResult> {
  const configPath = join(options.dir, `config-${process.pid}-${++files}.json`);
  writeFileSync(configPath, JSON.stringify(options.config));
  const { child, done } = startNode(commandScript(join(REPO_ROOT, 'src', 'commands', 'sync.ts'), 'runSyncCommand', ['--config', configPath, ...options.args]), {
    env: { ...process.env, ...options.env },
  });
  let running = true;
  void done.finally(() => (running = false)).catch(() => undefined);
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
  const { code, signal, stdout, stderr } = await done;
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
  const bytes = Buffer.from(options.input, 'utf8');
  const { code, signal, stdout, stderr } = await startNode(commandScript(join(REPO_ROOT, 'src', 'commands', 'destination.ts'), 'runDestinationCommand', ['write', '--config', configPath, '--catalog', catalogPath]), {
    stdin: options.cutAtByte === undefined ? bytes : bytes.subarray(0, options.cutAtByte),
  }).done;
  const states = stdout.split('\n').filter((line) => line.includes('"type":"STATE"')).length;
  return { code, signal, stdout, stderr, killed: false, states };
}
