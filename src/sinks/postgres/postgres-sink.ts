// The Postgres engine behind the Sink contract: one connection, one session, temporary staging tables filled
// by COPY, and commits that merge staging into the tables and store the state in the same transaction.

import { sql } from 'kysely';
import type pg from 'pg';
import { ConnectorError, systemError, transientError } from '../../errors.ts';
import type { AirbyteRecordMessage } from '../../protocol/types.ts';
import type { Sink, SinkStream, StoredState, StreamCommit } from '../sink.ts';
import { connectTo, type PostgresTarget } from './connection.ts';
import { BufferPool, CopyBuffer } from './copy-buffer.ts';
import { copyInto, RowEncoder, STAGE_SEQUENCE_COLUMN } from './copy.ts';
import { kyselyOver, type SinkKysely } from './database.ts';
import { createKeyIndex, createOrEvolveTable, createStage, dropKeyIndexes, ensureKeyIndex, ensureSchema, isEmpty, removeDuplicates } from './ddl.ts';
import { postgresName } from './identifiers.ts';
import { columnsOf, serverVersion } from './introspect.ts';
import { planTable, type TableLayout } from './layout.ts';
import { applyStage, type ApplyMode } from './merge.ts';
import { deleteState, ensureStateTable, readStoredState, storeState } from './state.ts';

/** How long a second sync into the same schema waits for the first to finish before giving up. */
const LOCK_WAIT = '30s';
/** Bytes of COPY text per batch: large enough that a COPY's round trip does not matter, small enough to stay flat. */
const BATCH_BYTES = 4 * 1024 * 1024;
/** Batches' worth of text held across all streams before the largest buffer is sent whatever its size. */
const BUFFERED_BATCHES = 4;

export interface PostgresSinkOptions {
  /** Bytes of COPY text per batch (tests make it small to stage in many batches). */
  batchBytes?: number;
}

interface StreamTable {
  layout: TableLayout;
  encoder: RowEncoder;
  copyStatement: string;
  /** Encoded rows not yet sent. */
  pending: CopyBuffer;
  /** Rows sent to the staging table (or on their way) since the last commit. */
  staged: number;
  /** How commits apply staged rows (see merge.ts). */
  mode: ApplyMode;
}

export class PostgresSink implements Sink {
  readonly target: PostgresTarget;
  readonly #client: pg.Client;
  readonly #db: SinkKysely;
  readonly #tables = new Map<string, StreamTable>();
  readonly #batchBytes: number;
  readonly #pool = new BufferPool();
  #sequence = 1;
  #bufferedBytes = 0;
  #inflight: Promise<void> | undefined;
  #closed = false;
  #nullsNotDistinct = true;

  constructor(target: PostgresTarget, client: pg.Client, options: PostgresSinkOptions = {}) {
    this.target = target;
    this.#batchBytes = options.batchBytes ?? BATCH_BYTES;
    this.#client = client;
    this.#db = kyselyOver(client);
  }

  get schema(): string {
    return this.target.schema;
  }

  async prepare(streams: readonly SinkStream[]): Promise<void> {
    await this.#guard('prepare the tables', async () => {
      const db = this.#db;
      await ensureSchema(db, this.schema, this.target.user);
      await ensureStateTable(db, this.schema);
      const existing = await columnsOf(db, this.schema);
      this.#nullsNotDistinct = (await serverVersion(db)) >= 150000;
      const layouts = streams.map((stream, index) => planTable(stream, index, existing.get(postgresName(stream.name))));
      const modes = await db.transaction().execute(async (trx) => {
        const modes: ApplyMode[] = [];
        for (const layout of layouts) {
          await createOrEvolveTable(trx, this.schema, layout);
          modes.push(await this.#prepareKey(trx, layout));
        }
        return modes;
      });
      for (const [index, layout] of layouts.entries()) {
        await createStage(db, layout);
        this.#tables.set(layout.stream.name, {
          layout,
          encoder: new RowEncoder(layout),
          copyStatement: this.#copyStatement(layout),
          pending: new CopyBuffer(this.#pool),
          staged: 0,
          mode: modes[index] ?? 'merge',
        });
      }
    });
  }

  async readState(): Promise<StoredState> {
    return this.#guard('read the stored state', async () => {
      await ensureSchema(this.#db, this.schema, this.target.user);
      await ensureStateTable(this.#db, this.schema);
      return readStoredState(this.#db, this.schema);
    });
  }

  stage(stream: string, record: AirbyteRecordMessage): Promise<void> | undefined {
    const table = this.#tables.get(stream);
    if (table === undefined) throw systemError(`Stream "${stream}" was not prepared before its records arrived.`);
    const filled = table.pending.filledChunks;
    this.#bufferedBytes += table.pending.append(table.encoder.encode(record, this.#sequence++));
    table.staged++;
    if (table.pending.bytes >= this.#batchBytes) return this.#send(table);
    if (this.#bufferedBytes >= this.#batchBytes * BUFFERED_BATCHES) return this.#send(this.#largestBuffer());
    // A source that never waits on I/O would starve the event loop, and with it the socket writes of the COPY
    // in flight: give the loop a turn each MiB, so Postgres parses one batch while we encode the next.
    if (this.#inflight !== undefined && table.pending.filledChunks !== filled) return new Promise((resolve) => setImmediate(resolve));
    return undefined;
  }

  async commit(commits: readonly StreamCommit[]): Promise<void> {
    for (const commit of commits) {
      const table = this.#tables.get(commit.stream);
      if (table !== undefined) await this.#send(table);
    }
    await this.#settle();
    await this.#guard('commit', async () => {
      await this.#db.transaction().execute(async (trx) => {
        for (const commit of commits) {
          const table = this.#tables.get(commit.stream);
          if (table !== undefined && (table.staged > 0 || commit.replace)) {
            await applyStage(trx, this.schema, table.layout, commit.replace ? 'replace' : table.mode, this.#nullsNotDistinct);
          }
          if (commit.state === null) await deleteState(trx, this.schema, commit.stream);
          else if (commit.state !== undefined) await storeState(trx, this.schema, commit.stream, commit.state);
        }
      });
      for (const commit of commits) {
        const table = this.#tables.get(commit.stream);
        if (table !== undefined) table.staged = 0;
      }
    });
  }

  async finish(): Promise<void> {
    await this.#settle();
    await this.#guard('build the key indexes', async () => {
      for (const table of this.#tables.values()) {
        if (table.mode !== 'insert' || table.layout.key.length === 0) continue;
        // Rows of several commits may share a key until now; the index comes with their deduplication.
        await this.#db.transaction().execute(async (trx) => {
          await removeDuplicates(trx, this.schema, table.layout);
          await createKeyIndex(trx, this.schema, table.layout, this.#nullsNotDistinct);
        });
        table.mode = 'merge';
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#inflight?.catch(() => undefined);
    // Ending the session drops the temporary staging tables and releases the schema lock.
    await this.#client.end().catch(() => undefined);
  }

  /** Runs a query of the caller's own against the sink's connection (the sync's summary, the demo). */
  async query<Row>(text: string, values: unknown[] = []): Promise<Row[]> {
    await this.#settle();
    const result = await this.#client.query(text, values);
    return result.rows as Row[];
  }

  /**
   * Sends a table's buffered rows as one COPY into its staging table. Waits for the COPY before (one at a
   * time on the connection) but not for this one: Postgres takes this batch while the caller encodes the next.
   */
  async #send(table: StreamTable): Promise<void> {
    if (table.pending.bytes === 0) return;
    this.#bufferedBytes -= table.pending.bytes;
    const { views, buffers } = table.pending.take();
    await this.#settle();
    const copy = copyInto(this.#client, table.copyStatement, views).then(() => this.#pool.give(buffers));
    // A failure surfaces from the next call that settles (the next send, a commit).
    copy.catch(() => undefined);
    this.#inflight = copy;
  }

  #largestBuffer(): StreamTable {
    let largest: StreamTable | undefined;
    for (const table of this.#tables.values()) {
      if (largest === undefined || table.pending.bytes > largest.pending.bytes) largest = table;
    }
    return largest!;
  }

  /**
   * Decides how a stream's commits will apply rows. A merge needs the key index; but a table that is empty
   * when the sync starts (a first load, often the biggest) is filled by plain inserts and gets its index in
   * one piece at the end (`finish`), or from the next sync's prepare if this one dies first.
   */
  async #prepareKey(db: SinkKysely, layout: TableLayout): Promise<ApplyMode> {
    if (layout.stream.disposition === 'append' || layout.key.length === 0) {
      await dropKeyIndexes(db, this.schema, layout);
      return 'insert';
    }
    if (layout.stream.disposition === 'overwrite') return 'merge';
    if (await isEmpty(db, this.schema, layout)) {
      await dropKeyIndexes(db, this.schema, layout);
      return 'insert';
    }
    await ensureKeyIndex(db, this.schema, layout, this.#nullsNotDistinct);
    return 'merge';
  }

  #copyStatement(layout: TableLayout): string {
    const names = [STAGE_SEQUENCE_COLUMN, ...layout.airbyteColumns.map((c) => c.name), ...layout.columns.map((c) => c.name)];
    return sql`copy ${sql.id('pg_temp', layout.stage)} (${sql.join(names.map((name) => sql.id(name)))}) from stdin`.compile(this.#db).sql;
  }

  async #settle(): Promise<void> {
    const inflight = this.#inflight;
    if (inflight === undefined) return;
    this.#inflight = undefined;
    await this.#guard('load a batch', () => inflight);
  }

  async #guard<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw databaseErrorOf(error, action, this.target);
    }
  }
}

/** Opens a sink: connects, sets the session up, and takes the schema's lock so two syncs never interleave. */
export async function openPostgresSink(target: PostgresTarget, options: PostgresSinkOptions = {}): Promise<PostgresSink> {
  const client = await connectTo(target);
  try {
    // UTC: a timestamp without offset bound for a timestamptz column is read as UTC (TikTok's entity times are).
    // temp_buffers must be set before the session touches a temporary table.
    await client.query(`set time zone 'UTC'; set temp_buffers = '64MB'; set work_mem = '64MB'; set lock_timeout = '${LOCK_WAIT}'`);
    try {
      await client.query(`select pg_advisory_lock(hashtextextended($1, 0))`, [`source-tiktok-marketing:${target.schema}`]);
    } catch (error) {
      if ((error as { code?: unknown }).code === '55P03') {
        throw transientError(
          `Another sync is writing into schema "${target.schema}" at ${target.display}; waited ${LOCK_WAIT} for it. Run one sync per schema at a time.`,
          { cause: error },
        );
      }
      throw error;
    }
    await client.query(`set lock_timeout = 0`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw databaseErrorOf(error, 'set up the session', target);
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
  if (/Connection terminated|connection is closed|Client was closed/i.test(message)) {
    return transientError(`The connection to Postgres at ${target.display} was lost while trying to ${action}: ${message}.`, options);
  }
  if (code === '53100' || code === '53200') {
    return transientError(`Postgres at ${target.display} ran out of resources while trying to ${action}: ${message}.`, options);
  }
  return systemError(`Postgres failed to ${action}: ${message}.`, options);
}
