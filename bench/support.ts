import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'dist/cli.js');
export const TOKEN = 'bench-token-5b2e9c';
export const APP_ID = '7268034192837465012';
export const SECRET = 'bench-secret-77a1d4';

/** The CLI runs as its shebang (and the Dockerfile) says: with its V8 flags. */
export const NODE_FLAGS: string[] = (/^#!\S+\s+-S\s+node\s+(.*)$/m.exec(readFileSync(CLI, 'utf8').split('\n')[0] ?? '')?.[1] ?? '')
  .split(/\s+/)
  .filter(Boolean);

const scratchDir = mkdtempSync(join(tmpdir(), 'tiktok-bench-'));
export function writeJson(name: string, value: unknown): string {
  const path = join(scratchDir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

export interface EmulatorProcess {
  url: string;
  stats(): Promise<{ requests: number; byPath: Record<string, number>; throttled: number; faults: number }>;
  resetStats(): Promise<void>;
  stop(): void;
}

/** The emulator in its own process, so its memory and CPU are not the source's. */
export function startEmulatorProcess(args: string[]): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0', '--access-token', TOKEN, '--app-id', APP_ID, '--secret', SECRET, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (url) => {
      resolvePromise({
        url: url.trim(),
        stats: async () => (await fetch(`${url.trim()}/_emulator/stats`)).json() as Promise<Awaited<ReturnType<EmulatorProcess['stats']>>>,
        resetStats: async () => {
          await fetch(`${url.trim()}/_emulator/reset-stats`, { method: 'POST' });
        },
        stop: () => child.kill('SIGTERM'),
      });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
}

export interface ReadResult {
  records: number;
  wallMs: number;
  maxRssMb: number;
  perAdvertiser: Map<string, number>;
  stderr: string;
}

/** Runs `read` as a child process, counting records per advertiser as they stream by. */
export function runRead(config: unknown, catalog: unknown, name: string): Promise<ReadResult> {
  const configPath = writeJson(`${name}-config.json`, config);
  const catalogPath = writeJson(`${name}-catalog.json`, catalog);
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, '--import', join(ROOT, 'bench/report-rss.mjs'), CLI, 'read', '--config', configPath, '--catalog', catalogPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const perAdvertiser = new Map<string, number>();
  let records = 0;
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.startsWith('{"type":"RECORD"')) return;
    records++;
    const match = /"advertiser_id":(\d+)/.exec(line);
    const id = match?.[1] ?? '?';
    perAdvertiser.set(id, (perAdvertiser.get(id) ?? 0) + 1);
  });
  return new Promise((resolvePromise, reject) => {
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`read exited ${code}: ${stderr.slice(-2000)}`));
      const rss = /BENCH_MAX_RSS_KB=(\d+)/.exec(stderr);
      resolvePromise({ records, wallMs: performance.now() - started, maxRssMb: Number(rss?.[1] ?? 0) / 1024, perAdvertiser, stderr });
    });
  });
}

export function catalogOf(streams: string[], syncMode: 'incremental' | 'full_refresh' = 'incremental') {
  return { streams: streams.map((name) => ({ stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: syncMode, destination_sync_mode: 'append' })) };
}

export function configOf(url: string, extra: Record<string, unknown> = {}) {
  return {
    credentials: { auth_type: 'oauth2.0', app_id: APP_ID, secret: SECRET, access_token: TOKEN },
    api_base_url: url,
    ...extra,
  };
}
