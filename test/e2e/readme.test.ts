// The README, run as written. Every ```sh, ```sql and ```json block carries a directive in the HTML comment just
// above it (`<!-- readme-test: run | postgres | bigquery | config | skip: why -->`), so a new block cannot slip
// past this test unclassified. The `run` blocks run in README order with bash in a fresh copy of the repository
// (its sources, package files and integration_tests; node_modules linked from here, as `npm ci` left them), once
// with the machine's own PATH (the Node a new user has: 20 here) and once with Node 24 first on PATH. What no
// machine here has is supplied by the environment, never by editing a command: `my_config.json` in the folder
// (pointing at an emulator), a `bq` on PATH that talks to a local BigQuery, a Postgres database of the run's own.
// Placeholders of a URL that only the reader can fill in (host, project, key file) are the one substitution, from
// a table below. `sql` blocks then run against what the commands loaded, `json` configs through `discover`.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { addDays } from '../../src/streams/dates.ts';
import { type LocalBigQueryForTests, localBigQuery } from '../support/bigquery.ts';
import { ROOT } from '../support/cli.ts';
import { APP_ID, SECRET, TOKEN, configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { passwordCheckingPostgres, postgresUrl } from '../support/postgres.ts';
import { runProcess } from '../support/process.ts';

type Directive = { kind: 'run' | 'postgres' | 'bigquery' | 'config' } | { kind: 'skip'; reason: string };

interface Block {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  directive: Directive | undefined;
}

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const CHECKED_LANGS = new Set(['sh', 'bash', 'sql', 'json']);

/** The fenced blocks of a Markdown text, each with the directive on the last non-empty line before it. */
function blocksOf(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    let before = start - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const comment = before >= 0 ? /^<!-- readme-test: (.*) -->$/.exec(lines[before]!.trim()) : null;
    let directive: Directive | undefined;
    if (comment) {
      const text = comment[1]!.trim();
      const skip = /^skip:\s*(.+)$/.exec(text);
      if (skip) directive = { kind: 'skip', reason: skip[1]! };
      else if (text === 'run' || text === 'postgres' || text === 'bigquery' || text === 'config') directive = { kind: text };
    }
    blocks.push({ line: start + 1, lang: open[1]!, code: body.join('\n'), directive });
  }
  return blocks;
}

const BLOCKS = blocksOf(README).filter((block) => CHECKED_LANGS.has(block.lang));
const has = (kind: Directive['kind']) => BLOCKS.filter((block) => block.directive?.kind === kind);

/** The environment a shell of the user's has: this test runner's npm and vitest variables removed. */
function userEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // npm_config_local_prefix and friends would point npm at this checkout instead of the copy.
    if (/^(npm_|INIT_CWD$|NODE$|NODE_OPTIONS$|VITEST|TEST$)/i.test(key)) continue;
    env[key] = value;
  }
  // The machine's own PATH: without the node_modules/.bin folders `npm test` put first.
  env['PATH'] = (process.env['PATH'] ?? '').split(delimiter).filter((dir) => dir !== '' && !dir.includes('node_modules')).join(delimiter);
  return env;
}

const NODE_24_BIN = join(ROOT, 'node_modules', 'node', 'bin');
const BQ = spawnSync('which', ['bq'], { encoding: 'utf8', env: userEnvironment() }).stdout.trim();

function nodeVersion(env: NodeJS.ProcessEnv): string {
  return execFileSync('node', ['--version'], { env, encoding: 'utf8' }).trim();
}

describe('README', () => {
  test('every sh, sql and json block says how this test treats it', () => {
    const unmarked = BLOCKS.filter((block) => block.directive === undefined).map((block) => `README.md:${block.line} (${block.lang})`);
    expect(unmarked, 'put <!-- readme-test: run|postgres|bigquery|config|skip: why --> above each block').toEqual([]);
    for (const block of has('skip')) expect((block.directive as { reason: string }).reason.length).toBeGreaterThan(10);
    expect(has('run').length).toBeGreaterThanOrEqual(4);
  });

  test('no documented command puts a secret on the command line', () => {
    const shell = BLOCKS.filter((block) => block.lang === 'sh' || block.lang === 'bash');
    for (const block of shell) {
      const where = `README.md:${block.line}`;
      // A password in a connection URL, user:password@host.
      expect(block.code, where).not.toMatch(/postgres(ql)?:\/\/[^\s/@:]+:[^\s/@]+@/);
      // The app secret or a token as a flag value (the environment or a file carries them).
      expect(block.code, where).not.toMatch(/--(secret|access-token|password)[ =](?!emulator-)\S/);
      expect(block.code, where).not.toMatch(/PGPASSWORD=\S*[^.…\s]\S*\s+\S/);
    }
  });
});

interface Variant {
  name: string;
  env: NodeJS.ProcessEnv;
}

const VARIANTS: Variant[] = [
  { name: "the machine's own Node", env: userEnvironment() },
  { name: 'Node 24 first on PATH', env: { ...userEnvironment(), PATH: `${NODE_24_BIN}${delimiter}${userEnvironment()['PATH']}` } },
];

const NOW = new Date();
const today = NOW.toISOString().slice(0, 10);

describe.each(VARIANTS)('README blocks run as written with $name', (variant) => {
  let work: string;
  let api: Emulator;
  let bigquery: LocalBigQueryForTests;
  let database: Database;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'readme-'));
    // A fresh clone as far as the commands can tell: the tracked sources, no dist/, node_modules as npm ci left it.
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'spec.json', 'README.md', 'src', 'integration_tests']) {
      cpSync(join(ROOT, path), join(work, path), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
    [api, bigquery, database] = await Promise.all([
      emulator({ advertisers: 2, now: NOW, seed: 41, accessToken: TOKEN, appId: APP_ID, secret: SECRET }),
      localBigQuery({ projectId: 'my-project' }),
      freshDatabase(),
    ]);
    writeFileSync(join(work, 'my_config.json'), JSON.stringify(configFor(api.url, { start_date: addDays(today, -30) })));
    // `bq` as the README calls it, pointed at the local BigQuery (a real bq, its own config folder, a fixed token).
    const bin = join(work, '.bin');
    mkdirSync(bin);
    if (BQ !== '') {
      writeFileSync(
        join(bin, 'bq'),
        `#!/bin/sh\nexec ${BQ} --api=${bigquery.url} --project_id=my-project --oauth_access_token=local --headless "$@"\n`,
      );
      chmodSync(join(bin, 'bq'), 0o755);
    }
    env = {
      ...variant.env,
      PATH: `${bin}${delimiter}${variant.env['PATH']}`,
      CLOUDSDK_CONFIG: join(work, '.gcloud'),
      CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
      METADATA_SERVER_DETECTION: 'none',
      ...(database.password === undefined ? {} : { PGPASSWORD: database.password }),
    };
    console.log(`README blocks with ${variant.name}: node ${nodeVersion(env)} on PATH (${work})`);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([api?.close(), bigquery?.close(), database?.drop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The one substitution: what only the reader can fill in, longest first. */
  function substitute(code: string): string {
    const table: [string, string][] = [
      ['bigquery://my-project/tiktok_ads?location=EU&key_file=/secrets/loader.json', `bigquery://my-project/tiktok_ads?location=EU&api_endpoint=${bigquery.url}&token=local`],
      // Written bare in the README, so quoted here: the shell would read the & of a query string.
      ['bigquery://my-project/tiktok_ads', `'bigquery://my-project/tiktok_ads?api_endpoint=${bigquery.url}&token=local'`],
      ['postgres://user@host:5432/db', database.url],
    ];
    const pattern = new RegExp(table.map(([from]) => from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    return code.replace(pattern, (match) => table.find(([from]) => from === match)![1]);
  }

  test('the blocks, in README order', async () => {
    expect(BQ !== '' || process.env['CI'] !== 'true', 'bq is not on PATH and CI=true: the README test cannot skip its bq lines in CI').toBe(true);
    for (const block of BLOCKS) {
      const kind = block.directive?.kind;
      const where = `README.md:${block.line}`;
      if (kind === 'run') {
        if (BQ === '' && /^\s*bq /m.test(block.code)) {
          console.warn(`SKIPPED ${where}: Google's bq is not on PATH`);
          continue;
        }
        // Job control on, as in the reader's terminal: `kill %1` then ends a background job's whole process group
        // (npx and the server it started), and whatever a block leaves running goes when it ends.
        const script = `set -euo pipefail -m\ntrap 'for job in $(jobs -p); do kill -- -$job 2>/dev/null || true; done' EXIT\n${substitute(block.code)}\n`;
        // Not spawnSync: the emulator and the local BigQuery answer from this process's event loop.
        const result = await runProcess('bash', ['-c', script], { cwd: work, env, timeoutMs: 240_000 });
        expect(result.code, `${where} failed (${variant.name}):\n${block.code}\n--- stderr:\n${result.stderr.slice(-3000)}`).toBe(0);
      } else if (kind === 'postgres') {
        const client = new pg.Client({ connectionString: database.withPassword });
        await client.connect();
        try {
          const { rows } = await client.query(block.code);
          expect(rows.length, `${where} returned no row`).toBeGreaterThan(0);
        } finally {
          await client.end();
        }
      } else if (kind === 'bigquery') {
        const [rows] = await bigquery.client().query({ query: block.code });
        expect(rows.length, `${where} returned no row`).toBeGreaterThan(0);
      } else if (kind === 'config') {
        writeFileSync(join(work, 'readme-config.json'), block.code);
        const result = await runProcess('npx', ['source-tiktok-marketing', 'discover', '--config', 'readme-config.json'], { cwd: work, env, timeoutMs: 60_000 });
        expect(result.code, `${where}: discover failed:\n${result.stderr}`).toBe(0);
        const names = (JSON.parse(result.stdout) as { catalog: { streams: { name: string }[] } }).catalog.streams.map((stream) => stream.name);
        for (const name of block.code.matchAll(/"name":\s*"([^"]+)"/g)) expect(names).toContain(name[1]);
      }
    }
    // What the blocks made, checked here rather than trusted: the emulator's read landed, the views ran in BigQuery.
    const messages = readFileSync(join(work, 'messages.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(messages.filter((message) => message.type === 'RECORD').length).toBeGreaterThan(100);
    const [views] = await bigquery.client().query({ query: "SELECT table_name FROM `my-project.tiktok_ads.INFORMATION_SCHEMA.TABLES` WHERE table_type = 'VIEW'" });
    expect(views.length).toBeGreaterThan(0);
  }, 900_000);
});

let databases = 0;

interface Database {
  /** Without the password, as the README's commands take it. */
  url: string;
  /** With it, for this test's own queries. */
  withPassword: string;
  password: string | undefined;
  drop(): Promise<void>;
}

async function asAdmin(serverUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A database of its own for each run of the blocks: the README's commands use the default schema. */
async function freshDatabase(): Promise<Database> {
  const serverUrl = process.env['PG_URL'] ? await postgresUrl() : (await passwordCheckingPostgres()).url;
  const server = new URL(serverUrl);
  const name = `readme_${process.pid}_${++databases}`;
  await asAdmin(serverUrl, `drop database if exists ${name}`);
  await asAdmin(serverUrl, `create database ${name}`);
  const password = server.password === '' ? undefined : decodeURIComponent(server.password);
  server.pathname = `/${name}`;
  const withPassword = server.toString();
  server.password = '';
  return { url: server.toString(), withPassword, password, drop: () => asAdmin(serverUrl, `drop database if exists ${name} with (force)`) };
}
