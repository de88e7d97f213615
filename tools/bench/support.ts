import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The connector as users run it: the build (`npm run bench` builds first). */
export const CLI = join(ROOT, 'dist/bin/source.js');
/** The local BigQuery is a dev tool, never built: run from its source (Node 24 strips the types). */
export const BIGQUERY_LOCAL = join(ROOT, 'tools/bigquery-local/main.ts');
/** The emulator's bin (the tiktok-emulator workspace package), as `npx tiktok-emulator` runs it. */
export const EMULATOR_BIN = join(ROOT, 'packages/tiktok-emulator/bin/tiktok-emulator.ts');
export const TOKEN = 'bench-token-5b2e9c';
export const APP_ID = '7268034192837465012';
export const SECRET = 'bench-secret-77a1d4';

const SHEBANG = /^#!\S+\s+-S\s+((?:\w+=\S+\s+)*)node\s+(.*)$/.exec(readFileSync(CLI, 'utf8').split('\n')[0] ?? '');
/** The CLI runs as its shebang (and the Dockerfile) says: with its V8 flags… */
export const NODE_FLAGS: string[] = (SHEBANG?.[2] ?? '').split(/\s+/).filter(Boolean);
/** …and its environment (MALLOC_ARENA_MAX): every spawn of the CLI passes CLI_ENV. */
export const CLI_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  ...Object.fromEntries((SHEBANG?.[1] ?? '').split(/\s+/).filter(Boolean).map((pair) => pair.split('=', 2) as [string, string])),
};

const scratchDir = mkdtempSync(join(tmpdir(), 'tiktok-bench-'));
export function writeJson(name: string, value: unknown): string {
  return writeText(name, JSON.stringify(value));
}

export function writeText(name: string, text: string): string {
  const path = join(scratchDir, name);
  writeFileSync(path, text);
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
  const child = spawn(process.execPath, [EMULATOR_BIN, '--port', '0', '--access-token', TOKEN, '--app-id', APP_ID, '--secret', SECRET, ...args], {
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
  /** What the peak was made of (tools/bench/report-rss.mjs), e.g. "heapTotal=53.6 external=8.9 …". */
  peakSample: string;
  perAdvertiser: Map<string, number>;
  /** The last STATE message of each stream as JSON text (kept as text: 19-digit ids must not pass through a number). */
  finalStates: string[];
  stderr: string;
}

export interface ReadOptions {
  /** V8 flags; the CLI's own (NODE_FLAGS) unless told otherwise, [] for a plain `node dist/bin/source.js`. */
  nodeFlags?: string[];
  /** A `--state` to start from: STATE messages' `state` objects as JSON text. */
  state?: string[];
  /** More arguments of `read` (--summary-json FILE). */
  args?: string[];
}

/** The peak-RSS lines tools/bench/report-rss.mjs prints at exit. */
export function rssOf(stderr: string): { maxRssMb: number; peakSample: string } {
  const rss = /BENCH_MAX_RSS_KB=(\d+)/.exec(stderr);
  const sample = /BENCH_PEAK_SAMPLE rss=[\d.]+ (.*) samples=/.exec(stderr);
  return { maxRssMb: Number(rss?.[1] ?? 0) / 1024, peakSample: sample?.[1] ?? '' };
}

/** Runs `read` as a child process, counting records per advertiser as they stream by. */
export function runRead(config: unknown, catalog: unknown, name: string, options: ReadOptions = {}): Promise<ReadResult> {
  const configPath = writeJson(`${name}-config.json`, config);
  const catalogPath = writeJson(`${name}-catalog.json`, catalog);
  const stateArgs = options.state === undefined ? [] : ['--state', writeText(`${name}-state.json`, `[${options.state.join(',')}]`)];
  const started = performance.now();
  const flags = options.nodeFlags ?? NODE_FLAGS;
  const child = spawn(process.execPath, [...flags, '--import', join(ROOT, 'tools/bench/report-rss.mjs'), CLI, 'read', '--config', configPath, '--catalog', catalogPath, ...stateArgs, ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Without the shebang's flags, without its environment too: a plain `node dist/bin/source.js`.
    env: options.nodeFlags === undefined ? CLI_ENV : process.env,
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const perAdvertiser = new Map<string, number>();
  let records = 0;
  const states = new Map<string, string>();
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.startsWith('{"type":"STATE"')) {
      const message = JSON.parse(line) as { state: { stream?: { stream_descriptor?: { name?: string } } } };
      states.set(message.state.stream?.stream_descriptor?.name ?? '', line.slice('{"type":"STATE","state":'.length, -1));
      return;
    }
    if (!line.startsWith('{"type":"RECORD"')) return;
    records++;
    const match = /"advertiser_id":(\d+)/.exec(line);
    const id = match?.[1] ?? '?';
    perAdvertiser.set(id, (perAdvertiser.get(id) ?? 0) + 1);
  });
  return new Promise((resolvePromise, reject) => {
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`read exited ${code}: ${stderr.slice(-2000)}`));
      resolvePromise({ records, wallMs: performance.now() - started, ...rssOf(stderr), perAdvertiser, finalStates: [...states.values()], stderr });
    });
  });
}

export function catalogOf(streams: string[], syncMode: 'incremental' | 'full_refresh' = 'incremental') {
  return { streams: streams.map((name) => ({ stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: syncMode, destination_sync_mode: 'append' })) };
}

/**
 * For benches of the data path against an emulator with no rate limit: lifts the client's minute and day
 * windows (TikTok's Basic tier by default: 600 a minute), which would otherwise make them measure pacing.
 */
/**
 * How far above requests ÷ QPS a run held to a rate limit may take (issue 12's scale goal: wall ≤ 1.15 × requests
 * ÷ QPS). No client reaches the bound itself: the first request of each second, the last answer and the limiter's
 * own margin all add to it.
 */
export const RATE_LIMIT_TOLERANCE = 1.15;

export const UNPACED = { requests_per_minute: 1_000_000, requests_per_day: 100_000_000 } as const;

export function configOf(url: string, extra: Record<string, unknown> = {}) {
  return {
    credentials: { auth_type: 'oauth2.0', app_id: APP_ID, secret: SECRET, access_token: TOKEN },
    api_base_url: url,
    ...extra,
  };
}
