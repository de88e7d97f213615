// The Postgres engine behind the Sink contract. Rows travel by COPY, in batches of a few MiB, and reach a
// table in one of two ways, chosen per stream when the sync starts:
// - staged: COPY into a temporary staging table, and at each commit one statement merges (or, for
//   overwrite, replaces) them into the table, in the transaction that also stores the state;
// - direct: COPY straight into the table, on a connection of the stream's own whose transaction stays open
//   until the stream's next STATE is stored in it. Used where no merge is needed: append streams, and
//   append_dedup streams whose table is empty at the start (a first load, usually the biggest), which get
//   their key index (after deduplication) at the end of the sync.
// Either way a STATE and the rows it covers commit together, and a crash leaves neither.
//
// A lost connection (a restart, a failover, pg_terminate_backend) is survived: the bytes of each stream's
// uncommitted rows are kept in a spool file (spool.ts), and on a connection loss the sink reconnects with backoff
// (reconnect-policy.ts), takes the schema lock again, settles a COMMIT whose answer was lost (commit-status.ts),
// sends the uncommitted rows again, and redoes the operation that failed. Only when reconnecting keeps failing
// does it give up, with one transient_error.

import { sql } from 'kysely';
import type pg from 'pg';
import { systemError, transientError } from '../../errors.ts';
import { redact } from '../../secrets.ts';
import type { AirbyteRecordMessage } from '../../protocol/types.ts';
import type { Sink, SinkStream, StoredState, StreamCommit } from '../../load/sink.ts';
import { CommitInDoubt, wasCommitted } from './commit-status.ts';
import { isConnectionLoss, lossDescription, sentenceOf } from './connection-loss.ts';
import { reconnecting, ReconnectFailed, reconnectPolicyFromEnv, type ReconnectPolicy } from './reconnect-policy.ts';
import { Spool } from './spool.ts';
import { databaseErrorOf, openLockedSession, openSession } from './session.ts';
import type { PostgresTarget } from './target.ts';
import { BufferPool, CopyBuffer } from './copy-buffer.ts';
import { RowEncoder, STAGE_SEQUENCE_COLUMN } from './copy.ts';
import type { SinkKysely } from './database.ts';
import {
  createKeyIndex,
  createOrEvolveTable,
  createStage,
  dropKeyIndexes,
  ensureKeyIndex,
  ensureSchema,
  isEmpty,
  removeDuplicates,
} from './ddl.ts';
import { postgresName } from './identifiers.ts';
import { columnsOf, keyIndexesOf, serverVersion } from './introspect.ts';
import { CopyLane } from './lane.ts';
import { keyIndexName, planTable, type TableLayout } from './layout.ts';
import { applyStage } from './merge.ts';
import { refreshPostgresViews, type ViewRefresh } from './views.ts';
import { deleteState, ensureStateTable, readStoredState, storeState } from './state.ts';

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
  /** How a lost connection is retried (default: POSTGRES_RECONNECT, or 5 attempts over 30 s). */
  reconnect?: ReconnectPolicy;
  /** Hears the engine's notes (a reconnection, a view skipped because a table has its name); stderr by default. */
  log?: (line: string) => void;
}

/** A COMMIT whose answer was lost: settled by the next reconnection, which runs `committed` if it happened. */
interface InDoubt {
  xid: string;
  committed: () => void;
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
  /** The bytes of those rows, to send again after a lost connection. */
  spool: Spool;
  /** A direct stream with a key: its index is built (and duplicates removed) at the end. */
  indexDeferred: boolean;
}

export class PostgresSink implements Sink {
  readonly target: PostgresTarget;
  #main: CopyLane;
  readonly #tables = new Map<string, StreamTable>();
  readonly #options: Required<Omit<PostgresSinkOptions, 'log'>>;
  readonly #log: (line: string) => void;
  readonly #pool = new BufferPool();
  #sequence = 1;
  #bufferedBytes = 0;
  #sinceYield = 0;
  #closed = false;
  #nullsNotDistinct = true;
  #streams: readonly SinkStream[] = [];
  #inDoubt: InDoubt | undefined;
  /** What the last `finish` did to the analytics views (undefined when they are turned off). */
  views: ViewRefresh | undefined;

  constructor(target: PostgresTarget, client: pg.Client, options: PostgresSinkOptions = {}) {
    this.target = target;
    this.#main = new CopyLane(client);
    this.#options = {
      batchBytes: options.batchBytes ?? BATCH_BYTES,
      directLoads: options.directLoads ?? true,
      reconnect: options.reconnect ?? reconnectPolicyFromEnv(),
    };
    this.#log = options.log ?? ((line) => process.stderr.write(redact(line)));
  }

  get schema(): string {
    return this.target.schema;
  }

  async prepare(streams: readonly SinkStream[]): Promise<void> {
    await this.#guard('prepare the tables', async () => {
      const db = this.#main.db;
      this.#streams = streams;
      // (Run again after a lost connection: what an interrupted run set up is set up afresh.)
      for (const table of this.#tables.values()) await table.spool.close();
      this.#tables.clear();
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
          spool: new Spool(),
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
    if (table.pending.bytes >= this.#options.batchBytes) return this.#sendGuarded(table);
    if (this.#bufferedBytes >= this.#options.batchBytes * BUFFERED_BATCHES) return this.#sendGuarded(this.#largestBuffer());
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
    // The commits not yet durable: after a lost connection the rest is redone, never what already committed.
    const open = new Set(commits);
    await this.#guard('commit', async () => {
      const staged: StreamCommit[] = [];
      for (const commit of open) {
        const table = this.#tables.get(commit.stream);
        if (table !== undefined) await this.#send(table);
        if (table?.direct) {
          const lane = table.lane ?? (await this.#openLane(table));
          await this.#commitOn(lane, (db) => this.#writeState(db, commit), () => this.#committed([commit], open));
        } else {
          staged.push(commit);
        }
      }
      if (staged.length === 0) return;
      await this.#main.settle();
      const inside = async (db: SinkKysely): Promise<void> => {
        for (const commit of staged) {
          const table = this.#tables.get(commit.stream);
          if (table !== undefined && (table.staged > 0 || commit.replace)) {
            await applyStage(db, this.schema, table.layout, commit.replace ? 'replace' : 'merge', this.#nullsNotDistinct);
          }
          await this.#writeState(db, commit);
        }
      };
      await this.#commitOn(this.#main, inside, () => this.#committed(staged, open));
    });
  }

  async finish(): Promise<void> {
    await this.#guard('build the key indexes', async () => {
      for (const table of this.#tables.values()) {
        await table.lane?.end();
        table.lane = undefined;
        // Whatever was not committed by now is dropped (a failed stream's rows), and never sent again.
        table.spool.reset();
      }
      await this.#main.settle();
      for (const table of this.#tables.values()) {
        if (!table.indexDeferred) continue;
        // Redone after a lost connection whose COMMIT went through: the index is there already.
        if ((await keyIndexesOf(this.#main.db, this.schema, table.layout.table)).includes(keyIndexName(table.layout))) {
          table.indexDeferred = false;
          continue;
        }
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
      this.views = await this.#guard('create the analytics views', () => refreshPostgresViews(this.#main.db, this.schema, this.#streams, this.#log));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const table of this.#tables.values()) {
      await table.lane?.end();
      await table.spool.close();
    }
    // Ending the main session drops the temporary staging tables and releases the schema lock.
    await this.#main.end();
  }

  /** Runs a query of the caller's own on the sink's main connection (the demo's samples). */
  async query<Row>(text: string, values: unknown[] = []): Promise<Row[]> {
    await this.#main.settle();
    const result = await this.#main.client.query(text, values);
    return result.rows as Row[];
  }

  /**
   * Commits a lane's transaction after `inside`, then runs `committed`. If the answer to COMMIT is lost, the
   * next reconnection finds out whether it happened, and runs `committed` if so.
   */
  async #commitOn(lane: CopyLane, inside: (db: SinkKysely) => Promise<void>, committed: () => void): Promise<void> {
    try {
      await lane.commit(inside);
    } catch (error) {
      if (error instanceof CommitInDoubt) this.#inDoubt = { xid: error.xid, committed };
      throw error;
    }
    committed();
  }

  /** These commits are durable: their rows are no longer staged (nor kept to be sent again). */
  #committed(commits: readonly StreamCommit[], open: Set<StreamCommit>): void {
    for (const commit of commits) {
      open.delete(commit);
      const table = this.#tables.get(commit.stream);
      if (table === undefined) continue;
      table.staged = 0;
      table.spool.reset();
    }
  }

  async #writeState(db: SinkKysely, commit: StreamCommit): Promise<void> {
    if (commit.state === null) await deleteState(db, this.schema, commit.stream);
    else if (commit.state !== undefined) await storeState(db, this.schema, commit.stream, commit.state);
  }

  #sendGuarded(table: StreamTable): Promise<void> {
    return this.#guard('load rows', () => this.#send(table));
  }

  /**
   * Sends a table's buffered rows as one COPY (into its staging table, or its table when direct). The bytes go
   * to the spool first: if the connection is lost from here on, the reconnection sends them again, so a redo of
   * this method after it finds nothing left to send.
   */
  async #send(table: StreamTable): Promise<void> {
    if (table.pending.bytes === 0) return;
    this.#bufferedBytes -= table.pending.bytes;
    const { views, buffers } = table.pending.take();
    try {
      await table.spool.append(views);
    } catch (error) {
      this.#pool.give(buffers);
      throw systemError(`Could not keep the rows of stream "${table.layout.stream.name}" in a temporary file: ${sentenceOf(error)}`, { cause: error });
    }
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

  /**
   * Runs an operation; if the connection is lost, reconnects and runs it again (each operation is written to be
   * redone: it skips what is already durable). Gives up after as many losses in a row as the policy has attempts.
   */
  async #guard<T>(action: string, run: () => Promise<T>): Promise<T> {
    for (let losses = 1; ; losses++) {
      try {
        return await run();
      } catch (caught) {
        const error = caught instanceof CommitInDoubt ? caught.cause : caught;
        if (this.#closed || !isConnectionLoss(error)) throw databaseErrorOf(error, action, this.target);
        const lost = this.#lossCause(error);
        if (losses > this.#options.reconnect.attempts) {
          throw transientError(
            `Postgres at ${this.target.display} ${lossDescription(lost)} while trying to ${action}, ${losses} times in a row; giving up: ${sentenceOf(error)}`,
            { cause: error },
          );
        }
        await this.#reconnect(lost, action);
      }
    }
  }

  /** Why the connection went: the server's own error if a lane heard it (57P01 …), else what the operation saw. */
  #lossCause(error: unknown): unknown {
    const lanes = [this.#main, ...[...this.#tables.values()].map((table) => table.lane)];
    return lanes.find((lane) => lane?.lostWith !== undefined)?.lostWith ?? error;
  }

  /** Gets every connection back, or throws the transient_error that ends the sync. */
  async #reconnect(lost: unknown, action: string): Promise<void> {
    try {
      const { attempts, seconds } = await reconnecting(this.#options.reconnect, () => this.#restore(), isConnectionLoss);
      const resent = [...this.#tables.values()].reduce((sum, table) => sum + table.spool.bytes, 0);
      this.#log(
        `Postgres at ${this.target.display} ${lossDescription(lost)} while trying to ${action}; reconnected after ${attempts} attempt${attempts === 1 ? '' : 's'} (${seconds} s)` +
          `${resent > 0 ? ` and sent ${sizeOf(resent)} of uncommitted rows again` : ''}.\n`,
      );
    } catch (error) {
      if (!(error instanceof ReconnectFailed)) throw databaseErrorOf(error, `reconnect (to ${action})`, this.target);
      const attempts = `${error.attempts} attempt${error.attempts === 1 ? '' : 's'}`;
      throw transientError(
        `Postgres at ${this.target.display} ${lossDescription(lost)} while trying to ${action}, and could not be reached again after ${attempts} over ${error.seconds} s: ${sentenceOf(error.cause)}`,
        { internal: sentenceOf(lost), cause: error.cause },
      );
    }
  }

  /**
   * One attempt at a new session with all the sink had on the old ones: the schema lock, the fate of a COMMIT in
   * doubt, the staging tables and the direct streams' open transactions, with the uncommitted rows sent again.
   */
  async #restore(): Promise<void> {
    for (const table of this.#tables.values()) {
      await table.lane?.end();
      table.lane = undefined;
    }
    await this.#main.end();
    this.#main = new CopyLane(await openLockedSession(this.target));
    const inDoubt = this.#inDoubt;
    if (inDoubt !== undefined) {
      if (await wasCommitted(this.#main.client, inDoubt.xid)) inDoubt.committed();
      this.#inDoubt = undefined;
    }
    for (const table of this.#tables.values()) {
      if (table.direct) continue;
      await createStage(this.#main.db, table.layout);
      if (table.spool.bytes > 0) await this.#main.send(table.copyStatement, table.spool.chunks(), { inTransaction: false });
    }
    await this.#main.settle();
    for (const table of this.#tables.values()) {
      if (!table.direct || table.spool.bytes === 0) continue;
      const lane = await this.#openLane(table);
      await lane.send(table.copyStatement, table.spool.chunks(), { inTransaction: true });
      await lane.settle();
    }
  }
}

/** Opens a sink: connects, sets the session up, and takes the schema's lock so two syncs never interleave. */
export async function openPostgresSink(target: PostgresTarget, options: PostgresSinkOptions = {}): Promise<PostgresSink> {
  return new PostgresSink(target, await openLockedSession(target), options);
}

/** Bytes for people: KiB under a MiB, else MiB with a decimal. */
function sizeOf(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
