// The Postgres engine behind the Sink contract. Rows travel by COPY, in batches of a few MiB, and reach a
// table in one of two ways, chosen per stream when the sync starts:
// - staged: COPY into a temporary staging table, and at each commit one statement merges (or, for
//   overwrite, replaces) them into the table, in the transaction that also stores the state;
// - direct: COPY straight into the table, on a connection of the stream's own whose transaction stays open
//   until the stream's next STATE is stored in it. Used where no merge is needed: append streams, and
//   append_dedup streams whose table is empty at the start (a first load, usually the biggest), which get
//   their key index (after deduplication) at the end of the sync.
// Either way a STATE and the rows it covers commit together, and a crash leaves neither.

import { sql } from 'kysely';
import type pg from 'pg';
import { ConnectorError, systemError, transientError } from '../../errors.ts';
import type { AirbyteRecordMessage } from '../../protocol/types.ts';
import type { Sink, SinkStream, StoredState, StreamCommit } from '../../load/sink.ts';
import { connectTo } from './connection.ts';
import type { PostgresTarget } from './target.ts';
import { BufferPool, CopyBuffer } from './copy-buffer.ts';
import { RowEncoder, STAGE_SEQUENCE_COLUMN } from './copy.ts';
import type { SinkKysely } from './database.ts';
import { createKeyIndex, createOrEvolveTable, createStage, dropKeyIndexes, ensureKeyIndex, ensureSchema, isEmpty, removeDuplicates } from './ddl.ts';
import { postgresName } from './identifiers.ts';
import { columnsOf, serverVersion } from './introspect.ts';
import { CopyLane } from './lane.ts';
import { planTable, type TableLayout } from './layout.ts';
import { applyStage } from './merge.ts';
import { refreshPostgresViews, type ViewRefresh } from './views.ts';
import { deleteState, ensureStateTable, readStoredState, storeState } from './state.ts';

/** How long a second sync into the same schema waits for the first to finish before giving up. */
const LOCK_WAIT = '30s';
/** Bytes of COPY text per batch: large enough that a COPY's round trip does not matter, small enough to stay flat. */
const BATCH_BYTES = 4 * 1024 * 1024;
/** Bytes encoded between turns given to the event loop while a COPY is in flight. */
const YIELD_BYTES = 64 * 1024;
/** Batches' worth of text held across all streams before the largest buffer is sent whatever its size. */
const BUFFERED_BATCHES = 4;

export interface PostgresSinkOptions {
  /** Bytes of COPY text per batch (tests make it small to stage in many batches). */
  batchBytes?: number;
  /** False stages every stream (tests use it to cover the staged path for first loads too). */
  directLoads?: boolean;
  /** Where warnings go (a view skipped because a table has its name); stderr by default. */
  log?: (line: string) => void;
}

interface StreamTable {
  layout: TableLayout;
  /** Direct streams: the connection, opened at the first batch; undefined while closed or when staged. */
  lane: CopyLane | undefined;
  direct: boolean;
  encoder: RowEncoder;
  copyStatement: string;
  /** Encoded rows not yet sent. */
  pending: CopyBuffer;
  /** Rows sent (or on their way) since the last commit. */
  staged: number;
  /** A direct stream with a key: its index is built (and duplicates removed) at the end. */
  indexDeferred: boolean;
}

export class PostgresSink implements Sink {
  readonly target: PostgresTarget;
  readonly #main: CopyLane;
  readonly #tables = new Map<string, StreamTable>();
  readonly #options: Required<PostgresSinkOptions>;
  readonly #pool = new BufferPool();
  #sequence = 1;
  #bufferedBytes = 0;
  #sinceYield = 0;
  #closed = false;
  #nullsNotDistinct = true;
  #streams: readonly SinkStream[] = [];
  /** What the last `finish` did to the analytics views (undefined when they are turned off). */
  views: ViewRefresh | undefined;

  constructor(target: PostgresTarget, client: pg.Client, options: PostgresSinkOptions = {}) {
    this.target = target;
    this.#main = new CopyLane(client);
    this.#options = {
      batchBytes: options.batchBytes ?? BATCH_BYTES,
      directLoads: options.directLoads ?? true,
      log: options.log ?? ((line) => process.stderr.write(line)),
    };
  }

  get schema(): string {
    return this.target.schema;
  }

  async prepare(streams: readonly SinkStream[]): Promise<void> {
    await this.#guard('prepare the tables', async () => {
      const db = this.#main.db;
      this.#streams = streams;
      await ensureSchema(db, this.schema, this.target.user);
      await ensureStateTable(db, this.schema);
      const existing = await columnsOf(db, this.schema);
      this.#nullsNotDistinct = (await serverVersion(db)) >= 150000;
      const layouts = streams.map((stream, index) => planTable(stream, index, existing.get(postgresName(stream.name))));
      const directs = await db.transaction().execute(async (trx) => {
        const directs: boolean[] = [];
        for (const layout of layouts) {
          await createOrEvolveTable(trx, this.schema, layout);
          directs.push(await this.#prepareKey(trx, layout));
        }
        return directs;
      });
      for (const [index, layout] of layouts.entries()) {
        const direct = directs[index] ?? false;
        if (!direct) await createStage(db, layout);
        this.#tables.set(layout.stream.name, {
          layout,
          lane: undefined,
          direct,
          encoder: new RowEncoder(layout),
          copyStatement: this.#copyStatement(layout, direct),
          pending: new CopyBuffer(this.#pool),
          staged: 0,
          indexDeferred: direct && layout.key.length > 0,
        });
      }
    });
  }

  async readState(): Promise<StoredState> {
    return this.#guard('read the stored state', async () => {
      await ensureSchema(this.#main.db, this.schema, this.target.user);
      await ensureStateTable(this.#main.db, this.schema);
      return readStoredState(this.#main.db, this.schema);
    });
  }

  stage(stream: string, record: AirbyteRecordMessage): Promise<void> | undefined {
    const table = this.#tables.get(stream);
    if (table === undefined) throw systemError(`Stream "${stream}" was not prepared before its records arrived.`);
    const bytes = table.pending.append(table.encoder.encode(record, table.direct ? undefined : this.#sequence++));
    this.#bufferedBytes += bytes;
    table.staged++;
    if (table.pending.bytes >= this.#options.batchBytes) return this.#send(table);
    if (this.#bufferedBytes >= this.#options.batchBytes * BUFFERED_BATCHES) return this.#send(this.#largestBuffer());
    // A source that never waits on I/O would starve the event loop, and with it the socket writes of the COPY
    // in flight: give the loop a turn every so often, so Postgres parses one batch while we encode the next.
    this.#sinceYield += bytes;
    if (this.#sinceYield >= YIELD_BYTES) {
      this.#sinceYield = 0;
      if (this.#laneOf(table)?.busy) return new Promise((resolve) => setImmediate(resolve));
    }
    return undefined;
  }

  async commit(commits: readonly StreamCommit[]): Promise<void> {
    await this.#guard('commit', async () => {
      const staged: StreamCommit[] = [];
      for (const commit of commits) {
        const table = this.#tables.get(commit.stream);
        if (table !== undefined) await this.#send(table);
        if (table?.direct) await this.#commitDirect(table, commit);
        else staged.push(commit);
      }
      if (staged.length === 0) return;
      await this.#main.settle();
      await this.#main.db.transaction().execute(async (trx) => {
        for (const commit of staged) {
          const table = this.#tables.get(commit.stream);
          if (table !== undefined && (table.staged > 0 || commit.replace)) {
            await applyStage(trx, this.schema, table.layout, commit.replace ? 'replace' : 'merge', this.#nullsNotDistinct);
          }
          await this.#writeState(trx, commit);
        }
      });
      for (const commit of staged) {
        const table = this.#tables.get(commit.stream);
        if (table !== undefined) table.staged = 0;
      }
    });
  }

  async finish(): Promise<void> {
    await this.#guard('build the key indexes', async () => {
      for (const table of this.#tables.values()) {
        await table.lane?.end();
        table.lane = undefined;
      }
      await this.#main.settle();
      for (const table of this.#tables.values()) {
        if (!table.indexDeferred) continue;
        // Rows of several commits may share a key until now. Usually none do, so the index is tried first and
        // the (sorting) deduplication runs only if the index finds duplicates.
        await this.#main.db.transaction().execute(async (trx) => {
          await sql`savepoint before_key_index`.execute(trx);
          try {
            await createKeyIndex(trx, this.schema, table.layout, this.#nullsNotDistinct);
          } catch (error) {
            if ((error as { code?: unknown }).code !== '23505') throw error;
            await sql`rollback to savepoint before_key_index`.execute(trx);
            await removeDuplicates(trx, this.schema, table.layout);
            await createKeyIndex(trx, this.schema, table.layout, this.#nullsNotDistinct);
          }
        });
        table.indexDeferred = false;
      }
    });
    // The typed analytics views (src/analytics/): after the tables took their final columns, and only after a
    // clean end, so a view never reads a table this sync left half-evolved.
    if (this.target.views !== false) {
      this.views = await this.#guard('create the analytics views', () => refreshPostgresViews(this.#main.db, this.schema, this.#streams, this.#options.log));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const table of this.#tables.values()) await table.lane?.end();
    // Ending the main session drops the temporary staging tables and releases the schema lock.
    await this.#main.end();
  }

  /** Runs a query of the caller's own on the sink's main connection (the demo's samples). */
  async query<Row>(text: string, values: unknown[] = []): Promise<Row[]> {
    await this.#main.settle();
    const result = await this.#main.client.query(text, values);
    return result.rows as Row[];
  }

  /** Stores the state and commits the direct stream's transaction: its rows and state become visible together. */
  async #commitDirect(table: StreamTable, commit: StreamCommit): Promise<void> {
    const lane = table.lane ?? (await this.#openLane(table));
    await lane.commit((db) => this.#writeState(db, commit));
    table.staged = 0;
  }

  async #writeState(db: SinkKysely, commit: StreamCommit): Promise<void> {
    if (commit.state === null) await deleteState(db, this.schema, commit.stream);
    else if (commit.state !== undefined) await storeState(db, this.schema, commit.stream, commit.state);
  }

  /** Sends a table's buffered rows as one COPY (into its staging table, or its table when direct). */
  async #send(table: StreamTable): Promise<void> {
    if (table.pending.bytes === 0) return;
    this.#bufferedBytes -= table.pending.bytes;
    const { views, buffers } = table.pending.take();
    const lane = table.direct ? (table.lane ?? (await this.#openLane(table))) : this.#main;
    await lane.send(table.copyStatement, views, { inTransaction: table.direct, done: () => this.#pool.give(buffers) });
  }

  #laneOf(table: StreamTable): CopyLane | undefined {
    return table.direct ? table.lane : this.#main;
  }

  /** A connection for a direct stream; idle ones of other streams are closed first, so connections stay few. */
  async #openLane(table: StreamTable): Promise<CopyLane> {
    for (const other of this.#tables.values()) {
      if (other !== table && other.lane !== undefined && !other.lane.inTransaction && !other.lane.busy) {
        await other.lane.end();
        other.lane = undefined;
      }
    }
    table.lane = new CopyLane(await openSession(this.target));
    return table.lane;
  }

  #largestBuffer(): StreamTable {
    let largest: StreamTable | undefined;
    for (const table of this.#tables.values()) {
      if (largest === undefined || table.pending.bytes > largest.pending.bytes) largest = table;
    }
    return largest!;
  }

  /** Drops or ensures the key index, and says whether the stream loads directly (see the top of this file). */
  async #prepareKey(db: SinkKysely, layout: TableLayout): Promise<boolean> {
    const { disposition } = layout.stream;
    if (disposition === 'append') {
      await dropKeyIndexes(db, this.schema, layout);
      return this.#options.directLoads;
    }
    if (disposition === 'append_dedup' && this.#options.directLoads && (await isEmpty(db, this.schema, layout))) {
      await dropKeyIndexes(db, this.schema, layout);
      return true;
    }
    // Overwrite rebuilds the index with the table; a merge needs it now.
    if (disposition === 'append_dedup') await ensureKeyIndex(db, this.schema, layout, this.#nullsNotDistinct);
    return false;
  }

  #copyStatement(layout: TableLayout, direct: boolean): string {
    const names = [...(direct ? [] : [STAGE_SEQUENCE_COLUMN]), ...layout.airbyteColumns.map((c) => c.name), ...layout.columns.map((c) => c.name)];
    const table = direct ? sql.id(this.schema, layout.table) : sql.id('pg_temp', layout.stage);
    return sql`copy ${table} (${sql.join(names.map((name) => sql.id(name)))}) from stdin`.compile(this.#main.db).sql;
  }

  async #guard<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw databaseErrorOf(error, action, this.target);
    }
  }
}

/** A connection with the session settings every lane needs. */
async function openSession(target: PostgresTarget): Promise<pg.Client> {
  const client = await connectTo(target);
  try {
    // UTC: a timestamp without offset bound for a timestamptz column is read as UTC (TikTok's entity times are).
    // temp_buffers must be set before the session touches a temporary table.
    await client.query(`set time zone 'UTC'; set temp_buffers = '64MB'; set work_mem = '64MB'`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw databaseErrorOf(error, 'set up the session', target);
  }
  return client;
}

/** Opens a sink: connects, sets the session up, and takes the schema's lock so two syncs never interleave. */
export async function openPostgresSink(target: PostgresTarget, options: PostgresSinkOptions = {}): Promise<PostgresSink> {
  const client = await openSession(target);
  try {
    await client.query(`set lock_timeout = '${LOCK_WAIT}'`);
    await client.query(`select pg_advisory_lock(hashtextextended($1, 0))`, [`source-tiktok-marketing:${target.schema}`]);
    await client.query(`set lock_timeout = 0`);
  } catch (error) {
    await client.end().catch(() => undefined);
    if ((error as { code?: unknown }).code === '55P03') {
      throw transientError(
        `Another sync is writing into schema "${target.schema}" at ${target.display}; waited ${LOCK_WAIT} for it. Run one sync per schema at a time.`,
        { cause: error },
      );
    }
    throw databaseErrorOf(error, 'take the schema lock', target);
  }
  return new PostgresSink(target, client, options);
}

/** A failure while loading: lost connections may pass on retry, anything else is a bug or a broken server. */
function databaseErrorOf(error: unknown, action: string, target: PostgresTarget): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const options = { internal: error instanceof Error ? error.stack : message, cause: error };
  if (typeof code === 'string' && (code.startsWith('08') || code === '57P01' || code === 'ECONNRESET' || code === 'EPIPE')) {
    return transientError(`The connection to Postgres at ${target.display} was lost while trying to ${action}: ${message}.`, options);
  }
  // node-postgres, asked again after its connection died: "Client has encountered a connection error and is not queryable".
  if (/Connection terminated|connection is closed|Client was closed|not queryable/i.test(message)) {
    return transientError(`The connection to Postgres at ${target.display} was lost while trying to ${action}: ${message}.`, options);
  }
  if (code === '53100' || code === '53200') {
    return transientError(`Postgres at ${target.display} ran out of resources while trying to ${action}: ${message}.`, options);
  }
  return systemError(`Postgres failed to ${action}: ${message}.`, options);
}
