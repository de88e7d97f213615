// The embedded DuckDB: one in-memory database per BigQuery project (ATTACHed, so `project.dataset.table` is DuckDB's
// `catalog.schema.table`), one connection, and every job run one at a time — BigQuery serialises mutating DML per
// table, DuckDB would answer concurrent writers with "Conflict on update".

import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { loadDuckDB } from './deps.ts';
import { quoteIdent } from './types.ts';

/** BigQuery functions DuckDB lacks, as macros, so the sink's SQL runs unchanged. */
const MACROS = [
  'generate_uuid() AS uuid()::VARCHAR',
  'to_json_string(x) AS to_json(x)::VARCHAR',
  'parse_json(s) AS CAST(s AS JSON)',
  'json_value(j, p) AS json_extract_string(j, p)',
  'json_extract_scalar(j, p) AS json_extract_string(j, p)',
  'json_query(j, p) AS json_extract(j, p)',
  'safe_divide(a, b) AS CASE WHEN b = 0 THEN NULL ELSE a / b END',
  'unix_micros(ts) AS epoch_us(ts)',
  'unix_millis(ts) AS epoch_ms(ts)',
  'unix_seconds(ts) AS CAST(epoch(ts) AS BIGINT)',
  'timestamp_micros(n) AS make_timestamptz(n)',
  'timestamp_millis(n) AS make_timestamptz(n * 1000)',
  'timestamp_seconds(n) AS make_timestamptz(n * 1000000)',
  // DATETIME(date) and DATETIME(timestamp): DuckDB's TIMESTAMP is BigQuery's DATETIME (the one-argument forms).
  'datetime(x) AS CAST(x AS TIMESTAMP)',
  'format_timestamp(f, ts) AS strftime(ts, f)',
  'format_date(f, d) AS strftime(d, f)',
  'parse_date(f, s) AS CAST(strptime(s, f) AS DATE)',
  'parse_timestamp(f, s) AS CAST(strptime(s, f) AS TIMESTAMPTZ)',
  'countif(x) AS count_if(x)',
  'logical_and(x) AS bool_and(x)',
  'logical_or(x) AS bool_or(x)',
  'regexp_contains(s, r) AS regexp_matches(s, r)',
  'split(s, d) AS string_split(s, d)',
  'generate_array(a, b) AS generate_series(a, b)',
];

export type Connection = DuckDBConnection;

export class Engine {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly projects = new Set<string>();

  private readonly instance: DuckDBInstance;
  private readonly connection: DuckDBConnection;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection) {
    this.instance = instance;
    this.connection = connection;
  }

  static async open(): Promise<Engine> {
    const duck = await loadDuckDB();
    const instance = await duck.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    // BigQuery sorts NULL first in ascending order and last in descending order; DuckDB's default is last always.
    await connection.run(`SET default_null_order = 'nulls_first_on_asc_last_on_desc'`);
    for (const macro of MACROS) await connection.run(`CREATE TEMP MACRO ${macro}`);
    return new Engine(instance, connection);
  }

  /** Runs `work` alone on the connection (jobs, DDL, reads: one at a time). */
  exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => work(this.connection));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Makes the project's catalog exist (an in-memory database ATTACHed under the project's id). */
  async attach(connection: DuckDBConnection, projectId: string): Promise<void> {
    if (this.projects.has(projectId)) return;
    await connection.run(`ATTACH ':memory:' AS ${quoteIdent(projectId)}`);
    this.projects.add(projectId);
  }

  /** Makes the project's catalog exist and be the default, so `dataset.table` resolves in it. */
  async useProject(connection: DuckDBConnection, projectId: string, datasetId?: string): Promise<void> {
    await this.attach(connection, projectId);
    await connection.run(`USE ${quoteIdent(projectId)}${datasetId ? `.${quoteIdent(datasetId)}` : ''}`);
  }

  hasProject(projectId: string): boolean {
    return this.projects.has(projectId);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
