// The BigQuery engine behind the Sink contract. Rows are written as NDJSON to a temporary file per stream and
// sent by load jobs (never streaming inserts) into a staging table of this run; a commit loads what is left,
// then ONE script applies each staging table to its stream table (merge.ts) and stores the states, in one
// transaction (commit-script.ts). Every job runs once however often it is retried (jobs.ts). Loads are few and large: a load job per `loadBytes` of rows (200 MiB) or per
// commit, and commits at most one per `checkpointSeconds` per stream (STATEs in between are held by the
// driver, see Sink.commitDue), so a 1 M-row backfill spends a handful of the 1,500 load jobs a table may
// take per day. Staging tables are named per run (a run's loads never count against another's table) and
// expire by themselves a day later if the process dies before dropping them.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery, Dataset, JobLoadMetadata, Table, TableField } from '@google-cloud/bigquery';
import { bigQueryViews } from './view-sql.ts';
import { configError, ConnectorError, systemError } from '../../errors.ts';
import { parseJsonLossless } from '../../json.ts';
import type { AirbyteRecordMessage } from '../../protocol/types.ts';
import { redact } from '../../secrets.ts';
import type { Sink, SinkStream, StoredState, StreamCommit } from '../../load/sink.ts';
import { authorisedClient } from './client.ts';
import { commitScript } from './commit-script.ts';
import { addColumnsSql, createTableSql, tableRef } from './ddl.ts';
import { bigQueryErrorOf, loadFailureOf } from './errors.ts';
import { columnDefinitions, planTable, SEQUENCE_COLUMN, type ExistingTable, type TableLayout } from './layout.ts';
import { applyModeOf, applySql } from './merge.ts';
import { bigQueryName, MAX_TABLE_LENGTH } from './names.ts';
import { RowWriter } from './ndjson.ts';
import { costOf, JobRunner, type FinishedJob, type JobCost } from './jobs.ts';
import { classify, DEFAULT_RETRY, errorDetails, withRetry, type RetryPolicy } from './retry.ts';
import { Spool, type SpoolFile } from './spool.ts';
import { createStateTableSql, readStateSql, stateTableRef } from './state.ts';
import type { BigQueryTarget } from './target.ts';
import { standardType } from './types.ts';
import { alterColumnTypeSql, type Widening } from './widening.ts';

/** NDJSON bytes per load job: big enough that a backfill takes few jobs, well below BigQuery's per-file limits. */
export const LOAD_BYTES = 200 * 1024 * 1024;
/** Least time between two commits of one stream (its MERGE and state write). */
export const CHECKPOINT_SECONDS = 300;
/** A staging table left behind by a killed run expires after this. */
const STAGE_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface BigQuerySinkOptions {
  retry?: RetryPolicy;
  /** Progress notes (retries); stderr by default. */
  log?: (line: string) => void;
}

/** What the sink did, for the summary and the benchmark. */
export interface BigQueryStats {
  loadJobs: number;
  queryJobs: number;
  retries: number;
  /** Jobs found already run after a lost answer (409 on our own id), not run again. */
  adopted: number;
  /** Bytes the query jobs processed and were billed for. */
  bytesProcessed: number;
  bytesBilled: number;
  /** Bytes processed per stream (a commit of several streams at once counts under their names joined by +). */
  bytesByStream: Map<string, number>;
  /** Columns widened in place: `table.column INT64 → NUMERIC`. */
  widened: string[];
}

interface StreamTable {
  layout: TableLayout;
  ref: string;
  stage: Table;
  stageRef: string;
  writer: RowWriter;
  spool: Spool;
  /** Rows loaded into the staging table since it was last applied. */
  stagedRows: number;
  /** The next load replaces the staging table's rows (the first load after an apply). */
  truncateNext: boolean;
  /** A load job started by `stage` and not yet awaited (at most one per stream). */
  inFlight: Promise<void> | undefined;
  lastCommitAt: number;
}

export class BigQuerySink implements Sink {
  readonly target: BigQueryTarget;
  readonly stats: BigQueryStats = { loadJobs: 0, queryJobs: 0, retries: 0, adopted: 0, bytesProcessed: 0, bytesBilled: 0, bytesByStream: new Map(), widened: [] };
  readonly #client: BigQuery;
  readonly #jobs: JobRunner;
  readonly #dataset: Dataset;
  readonly #tables = new Map<string, StreamTable>();
  readonly #retry: RetryPolicy;
  readonly #log: (line: string) => void;
  /** This run's streams, for the analytics views made at the end. */
  #streams: readonly SinkStream[] = [];
  readonly #runId = `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  readonly #dir: string;
  readonly #loadBytes: number;
  readonly #checkpointMs: number;
  #location: string | undefined;
  #datasetReady = false;
  #stateTableReady = false;
  #jobCount = 0;
  #sequence = 1;
  #closed = false;
  /** BigQuery answered at least once in this run. */
  #reached = false;
  /** A call found nobody at the endpoint: close() does not wait on it again. */
  #unreachable = false;

  constructor(target: BigQueryTarget, client: BigQuery, options: BigQuerySinkOptions = {}) {
    this.target = target;
    this.#client = client;
    this.#dataset = client.dataset(target.dataset);
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#log = options.log ?? ((line) => process.stderr.write(redact(line)));
    this.#location = target.location;
    this.#loadBytes = target.tuning.loadBytes ?? LOAD_BYTES;
    this.#checkpointMs = (target.tuning.checkpointSeconds ?? CHECKPOINT_SECONDS) * 1000;
    this.#dir = mkdtempSync(join(tmpdir(), 'tiktok-bigquery-'));
    this.#jobs = new JobRunner(client, {
      policy: this.#retry,
      location: () => this.#location,
      onRetry: this.#onRetry,
      onAdopted: () => this.stats.adopted++,
    });
  }

  async prepare(streams: readonly SinkStream[]): Promise<void> {
    this.#streams = streams;
    await this.#guard('prepare the tables', async () => {
      await this.#ensureStateTable();
      const layouts: TableLayout[] = [];
      for (const stream of streams) layouts.push(planTable(stream, await this.#existing(stream)));
      const seen = new Map<string, string>();
      for (const layout of layouts) {
        const other = seen.get(layout.table.toLowerCase());
        if (other !== undefined) throw systemError(`Streams "${other}" and "${layout.stream.name}" would share table ${layout.table}.`);
        seen.set(layout.table.toLowerCase(), layout.stream.name);
      }
      for (const layout of layouts) {
        const ref = tableRef(this.target.projectId, this.target.dataset, layout.table);
        if (layout.create) await this.#run(createTableSql(ref, layout));
        const alter = addColumnsSql(ref, layout.missing);
        if (alter !== undefined) await this.#run(alter);
        const stageName = `_ab_stage_${this.#runId}_${layout.table}`.slice(0, MAX_TABLE_LENGTH);
        const stage = await this.#createStage(stageName, layout);
        this.#tables.set(layout.stream.name, {
          layout,
          ref,
          stage,
          stageRef: tableRef(this.target.projectId, this.target.dataset, stageName),
          writer: new RowWriter(layout),
          spool: new Spool(this.#dir, layout.table),
          stagedRows: 0,
          truncateNext: true,
          inFlight: undefined,
          lastCommitAt: Date.now(),
        });
      }
    });
  }

  async readState(): Promise<StoredState> {
    return this.#guard('read the stored state', async () => {
      await this.#ensureStateTable();
      const rows = await this.#select(readStateSql(this.#stateRef));
      const states: StoredState = new Map();
      for (const row of rows) {
        const name = row['stream_name'];
        const text = row['state'];
        if (typeof name !== 'string' || typeof text !== 'string') continue;
        const state = parseJsonLossless(text);
        if (typeof state !== 'object' || state === null || Array.isArray(state)) {
          throw systemError(`The stored state of stream "${name}" in ${this.#stateRef} is not a JSON object.`);
        }
        states.set(name, state as Record<string, unknown>);
      }
      return states;
    });
  }

  stage(stream: string, record: AirbyteRecordMessage): Promise<void> | undefined {
    const table = this.#tables.get(stream);
    if (table === undefined) throw systemError(`Stream "${stream}" was not prepared before its records arrived.`);
    const pending = table.spool.append(table.writer.write(record, this.#sequence++));
    if (table.spool.bytes >= this.#loadBytes) return (pending ?? Promise.resolve()).then(() => this.#guard('load rows', () => this.#loadBehind(table)));
    return pending;
  }

  commitDue(stream: string): boolean {
    const table = this.#tables.get(stream);
    return table === undefined || Date.now() - table.lastCommitAt >= this.#checkpointMs;
  }

  async commit(commits: readonly StreamCommit[]): Promise<void> {
    await this.#guard('commit', async () => {
      // Every stream's rows are loaded into its staging table first; then one transaction applies them all and
      // stores the states, so a state is never stored without its rows, nor rows without their state.
      const applied: StreamTable[] = [];
      const applies: string[] = [];
      for (const commit of commits) {
        const table = this.#tables.get(commit.stream);
        if (table === undefined) continue;
        await this.#load(table);
        if (table.stagedRows > 0 || commit.replace) {
          const mode = applyModeOf(table.layout, commit.replace);
          applies.push(applySql(table.ref, table.stageRef, table.layout, mode, table.stagedRows === 0, table.writer.span?.range));
          applied.push(table);
        }
      }
      const script = commitScript(applies, this.#stateRef, commits);
      if (script !== undefined) await this.#run(script.sql, script.params, commits.map((commit) => commit.stream).join(' + '));
      for (const table of applied) {
        table.writer.span?.reset();
        table.stagedRows = 0;
        table.truncateNext = true;
      }
      const now = Date.now();
      for (const commit of commits) {
        const table = this.#tables.get(commit.stream);
        if (table !== undefined) table.lastCommitAt = now;
      }
    });
  }

  async finish(): Promise<void> {
    // Every commit left its table complete; what remains are the typed analytics views (src/analytics/), made
    // once the tables have their final columns, so a view never names a column its table lacks.
    if (this.target.views === false) return;
    const views = bigQueryViews(this.#streams, this.target.projectId, this.target.dataset);
    await this.#guard('create the analytics views', async () => {
      // CREATE OR REPLACE VIEW never takes the place of a table: a view whose name a table (or anything not a
      // view) of the dataset holds is skipped, with the ready views over it, one warning each.
      const [tables] = await withRetry(this.#retry, () => this.#dataset.getTables(), this.#onRetry);
      const existing = new Set(tables.map((table) => table.id ?? ''));
      const skipped = new Set<string>();
      for (const view of views) {
        const name = bigQueryName(view.view, MAX_TABLE_LENGTH);
        // Only a name that is there is looked at (its type, where the listing does not say it).
        const kind = existing.has(name) ? await this.#tableType(name) : undefined;
        if (kind !== undefined && kind !== 'VIEW') {
          skipped.add(view.view);
          this.#log(`WARN analytics view ${this.target.dataset}.${name} skipped: the dataset has a ${kind.toLowerCase()} of that name that this connector did not create; rename it to get the view.\n`);
        } else if (view.reads !== undefined && skipped.has(view.reads.view)) {
          skipped.add(view.view);
          this.#log(`WARN analytics view ${this.target.dataset}.${name} skipped: it reads ${view.reads.view}, which was skipped.\n`);
        } else {
          await this.#run(view.statement);
        }
      }
    });
  }

  /** TABLE, VIEW, MATERIALIZED_VIEW, EXTERNAL, … as BigQuery says. */
  async #tableType(name: string): Promise<string> {
    const [metadata] = await withRetry(this.#retry, () => this.#dataset.table(name).getMetadata(), this.#onRetry);
    return String((metadata as { type?: unknown }).type ?? 'TABLE');
  }

  warehouseCost(): { bytesProcessed: number; bytesBilled: number } {
    return { bytesProcessed: this.stats.bytesProcessed, bytesBilled: this.stats.bytesBilled };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Load jobs are rationed per table and per project: say how many this run spent.
    if (this.stats.loadJobs + this.stats.queryJobs > 0) this.#log(`${bigQuerySummary(this.stats)}\n`);
    for (const table of this.#tables.values()) {
      await table.inFlight?.catch(() => undefined);
      await table.spool.discard();
      // Best effort: a staging table that cannot be dropped now expires by itself (and with BigQuery gone,
      // each attempt would only wait out the client's retries).
      if (!this.#unreachable) await table.stage.delete().catch(() => undefined);
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** Runs a statement of the caller's own (tests, the demo) and returns its rows, 64-bit integers as strings. */
  async query(sql: string, params?: Record<string, string>): Promise<Record<string, unknown>[]> {
    return this.#guard('run a query', () => this.#select(sql, params));
  }

  get #stateRef(): string {
    return stateTableRef(this.target.projectId, this.target.dataset);
  }

  async #ensureDataset(): Promise<void> {
    if (this.#datasetReady) return;
    const [exists] = await withRetry(this.#retry, () => this.#dataset.exists(), this.#onRetry);
    if (!exists) {
      try {
        await withRetry(this.#retry, () => this.#client.createDataset(this.target.dataset, this.#location === undefined ? {} : { location: this.#location }), this.#onRetry);
      } catch (error) {
        // Another sync may have created it meanwhile.
        if ((error as { code?: unknown }).code !== 409) throw error;
      }
    }
    const [metadata] = await withRetry(this.#retry, () => this.#dataset.getMetadata(), this.#onRetry);
    const location = (metadata as { location?: unknown }).location;
    if (typeof location === 'string' && location !== '') {
      if (this.target.location !== undefined && location.toLowerCase() !== this.target.location.toLowerCase()) {
        this.#log(`Dataset ${this.target.dataset} already exists in ${location}, not ${this.target.location}; loading there.\n`);
      }
      this.#location = location;
    }
    this.#datasetReady = true;
  }

  async #ensureStateTable(): Promise<void> {
    if (this.#stateTableReady) return;
    await this.#ensureDataset();
    await this.#run(createStateTableSql(this.#stateRef));
    this.#stateTableReady = true;
  }

  async #existing(stream: SinkStream): Promise<ExistingTable | undefined> {
    const layout = planTable(stream, undefined);
    try {
      const [metadata] = await withRetry(this.#retry, () => this.#dataset.table(layout.table).getMetadata(), this.#onRetry);
      const fields = ((metadata as { schema?: { fields?: { name?: string; type?: string }[] } }).schema?.fields ?? []);
      const existing: ExistingTable = { fields: new Map() };
      for (const field of fields) {
        if (field.name !== undefined) existing.fields.set(field.name.toLowerCase(), { name: field.name, type: standardType(field.type ?? 'STRING') });
      }
      return existing;
    } catch (error) {
      if ((error as { code?: unknown }).code === 404) return undefined;
      throw error;
    }
  }

  async #createStage(name: string, layout: TableLayout): Promise<Table> {
    const fields = stageFields(layout);
    const [table] = await withRetry(
      this.#retry,
      () => this.#dataset.createTable(name, { schema: { fields }, expirationTime: String(Date.now() + STAGE_LIFETIME_MS) }),
      this.#onRetry,
    );
    return table;
  }

  /**
   * Starts a load job of what the spool holds and returns once it is under way, so that the next file fills
   * while BigQuery takes this one; a load still running from before is awaited first (one per stream in
   * flight, so loads into a staging table stay in order). Its failure surfaces at the next stage or commit.
   */
  async #loadBehind(table: StreamTable): Promise<void> {
    await this.#settle(table);
    const file = await table.spool.take();
    if (file === undefined) return;
    const loading = this.#upload(table, file);
    loading.catch(() => undefined);
    table.inFlight = loading;
  }

  async #settle(table: StreamTable): Promise<void> {
    const loading = table.inFlight;
    table.inFlight = undefined;
    await loading;
    await this.#widen(table);
  }

  /** Loads everything staged so far (a commit's first step). */
  async #load(table: StreamTable): Promise<void> {
    await this.#settle(table);
    const file = await table.spool.take();
    if (file !== undefined) await this.#upload(table, file);
  }

  /**
   * Widens the columns that values written since the last load needed (ndjson.ts), in the staging table (its
   * loads name the new types) and in the stream table (before any MERGE brings the values there). Outside any
   * transaction, as DDL must be; a widened column without its rows yet is harmless.
   */
  async #widen(table: StreamTable): Promise<void> {
    for (const widening of table.writer.takeWidenings()) {
      for (const ref of [table.stageRef, table.ref]) {
        try {
          await this.#run(alterColumnTypeSql(ref, widening));
        } catch (error) {
          throw widenFailure(table.layout.table, widening, error);
        }
      }
      this.stats.widened.push(`${table.layout.table}.${widening.column} ${widening.from} → ${widening.to}`);
      this.#log(`BigQuery: widened ${table.layout.table}.${widening.column} from ${widening.from} to ${widening.to} for a value it could not hold.\n`);
    }
  }

  /** One load job of a spool file into the stream's staging table, run once however often it is retried. */
  async #upload(table: StreamTable, file: SpoolFile): Promise<void> {
    const fields = stageFields(table.layout);
    const disposition = table.truncateNext ? 'WRITE_TRUNCATE' : 'WRITE_APPEND';
    const base = this.#jobId('load');
    try {
      await this.#jobs.run(base, async (jobId) => {
        this.stats.loadJobs++;
        const metadata: JobLoadMetadata = {
          jobId,
          ...(this.#location === undefined ? {} : { location: this.#location }),
          sourceFormat: 'NEWLINE_DELIMITED_JSON',
          writeDisposition: disposition,
          createDisposition: 'CREATE_NEVER',
          schema: { fields },
          ignoreUnknownValues: false,
          maxBadRecords: 0,
        };
        const [job] = await table.stage.createLoadJob(file.path, metadata);
        return job;
      });
    } catch (error) {
      throw loadFailureOf(error, base, table.stageRef);
    } finally {
      await rm(file.path, { force: true });
    }
    table.stagedRows += file.rows;
    table.truncateNext = false;
  }

  /** Runs a statement (or script) as one query job, once however often it is retried; `label` is whose cost it is. */
  async #run(sql: string, params?: Record<string, string>, label?: string): Promise<FinishedJob> {
    const ran = await this.#jobs.run(this.#jobId('query'), async (jobId) => {
      this.stats.queryJobs++;
      const [job] = await this.#client.createQueryJob({
        query: sql,
        jobId,
        ...(this.#location === undefined ? {} : { location: this.#location }),
        ...(params === undefined ? {} : { params }),
      });
      return job;
    });
    this.#count(costOf(ran.metadata), label);
    return ran;
  }

  /** Runs a query and returns its rows, 64-bit integers as strings. */
  async #select(sql: string, params?: Record<string, string>): Promise<Record<string, unknown>[]> {
    const { job } = await this.#run(sql, params);
    const [rows] = await withRetry(this.#retry, () => job.getQueryResults({ wrapIntegers: { integerTypeCastFunction: String } }), this.#onRetry);
    return rows as Record<string, unknown>[];
  }

  #count(cost: JobCost, label: string | undefined): void {
    this.stats.bytesProcessed += cost.bytesProcessed;
    this.stats.bytesBilled += cost.bytesBilled;
    if (label !== undefined) this.stats.bytesByStream.set(label, (this.stats.bytesByStream.get(label) ?? 0) + cost.bytesProcessed);
  }

  #jobId(kind: string): string {
    return `tiktok_${this.#runId}_${kind}_${++this.#jobCount}`;
  }

  readonly #onRetry = (error: unknown, attempt: number, waitMs: number): void => {
    this.stats.retries++;
    const message = error instanceof Error ? error.message : String(error);
    this.#log(`BigQuery: ${message.replace(/\n\s*/g, ' ')} — retry ${attempt} in ${(waitMs / 1000).toFixed(1)} s\n`);
  };

  async #guard<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.#reached = true;
      return result;
    } catch (error) {
      if (error instanceof ConnectorError) throw error;
      if (classify(error) === 'unreachable') this.#unreachable = true;
      // An endpoint that answered earlier in this run and stops now went away: a re-run may succeed.
      throw bigQueryErrorOf(error, action, this.target, { reachedBefore: this.#reached });
    }
  }
}

/** The staging table's columns: the arrival number, then the table's own, all NULLABLE. */
function stageFields(layout: TableLayout): TableField[] {
  return [{ name: SEQUENCE_COLUMN, type: 'INT64' }, ...columnDefinitions(layout).map((column) => ({ name: column.name, type: column.type }))];
}

/** A widening BigQuery refused, said with the column and BigQuery's reason, before any row needing it is loaded. */
function widenFailure(table: string, widening: Widening, error: unknown): ConnectorError {
  const reason = [...new Set(errorDetails(error).messages)].join('; ') || String(error);
  return configError(
    `Column ${widening.column} of table ${table} is ${widening.from} and a value needs ${widening.to}, but BigQuery refused to change its type: ${reason}. Change the column's type yourself (or drop the table to have it made again), then run again.`,
    { cause: error },
  );
}

/** One line on what the run cost in BigQuery: jobs, retries, bytes processed (per stream). */
export function bigQuerySummary(stats: BigQueryStats): string {
  const parts = [`${stats.loadJobs} load jobs`, `${stats.queryJobs} query jobs`];
  if (stats.retries > 0) parts.push(`${stats.retries} retried`);
  if (stats.adopted > 0) parts.push(`${stats.adopted} found already run after a lost answer`);
  const streams = [...stats.bytesByStream].filter(([, bytes]) => bytes > 0).map(([name, bytes]) => `${name} ${formatBytes(bytes)}`);
  const processed = `${formatBytes(stats.bytesProcessed)} processed${streams.length > 0 ? ` (${streams.join(', ')})` : ''}, ${formatBytes(stats.bytesBilled)} billed`;
  return `BigQuery: ${parts.join(', ')}; ${processed}.`;
}

/** Bytes for people: 1,536 → 1.5 KiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Opens a sink once its credentials are resolved (none → a config error before any request); nothing is sent
 * to BigQuery before `prepare` or `readState`.
 */
export async function openBigQuerySink(target: BigQueryTarget, options: BigQuerySinkOptions = {}): Promise<BigQuerySink> {
  return new BigQuerySink(target, await authorisedClient(target), options);
}
