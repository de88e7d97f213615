// The Postgres engine behind the Sink contract: one connection, one session, temporary staging tables filled
// by COPY, and commits that merge staging into the tables and store the state in the same transaction.

import { sql } from 'kysely';
import type pg from 'pg';
import { ConnectorError, systemError, transientError } from '../../errors.ts';
import type { AirbyteRecordMessage } from '../../protocol/types.ts';
import type { Sink, SinkStream, StoredState, StreamCommit } from '../sink.ts';
import { connectTo, type PostgresTarget } from './connection.ts';
import { copyInto, copyText, STAGE_SEQUENCE_COLUMN } from './copy.ts';
import { kyselyOver, type SinkKysely } from './database.ts';
import { createOrEvolveTable, createStage, dropKeyIndexes, ensureKeyIndex, ensureSchema } from './ddl.ts';
import { postgresName } from './identifiers.ts';
import { columnsOf, serverVersion } from './introspect.ts';
import { planTable, type TableLayout } from './layout.ts';
import { applyStage } from './merge.ts';
import { deleteState, ensureStateTable, readStoredState, storeState } from './state.ts';

/** How long a second sync into the same schema waits for the first to finish before giving up. */
const LOCK_WAIT = '30s';

interface StreamTable {
  layout: TableLayout;
  copyStatement: string;
  staged: number;
}

export class PostgresSink implements Sink {
  readonly target: PostgresTarget;
  readonly #client: pg.Client;
  readonly #db: SinkKysely;
  readonly #tables = new Map<string, StreamTable>();
  readonly #sequence = { next: 1 };
  #inflight: Promise<void> | undefined;
  #closed = false;

  constructor(target: PostgresTarget, client: pg.Client) {
    this.target = target;
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
      const nullsNotDistinct = (await serverVersion(db)) >= 150000;
      const existing = await columnsOf(db, this.schema);
      const layouts = streams.map((stream, index) => planTable(stream, index, existing.get(postgresName(stream.name))));
      await db.transaction().execute(async (trx) => {
        for (const layout of layouts) {
          await createOrEvolveTable(trx, this.schema, layout);
          if (layout.stream.disposition === 'append') await dropKeyIndexes(trx, this.schema, layout);
          else if (layout.key.length > 0) await ensureKeyIndex(trx, this.schema, layout, nullsNotDistinct);
        }
      });
      for (const layout of layouts) {
        await createStage(db, layout);
        this.#tables.set(layout.stream.name, { layout, copyStatement: this.#copyStatement(layout), staged: 0 });
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

  async write(stream: string, records: readonly AirbyteRecordMessage[]): Promise<void> {
    const table = this.#tables.get(stream);
    if (table === undefined) throw systemError(`Stream "${stream}" was not prepared before its records arrived.`);
    await this.#settle();
    if (records.length === 0) return;
    table.staged += records.length;
    const copy = copyInto(this.#client, table.copyStatement, copyText(table.layout, records, this.#sequence));
    // Postgres works through this batch while the caller gathers the next; a failure surfaces from the next call.
    copy.catch(() => undefined);
    this.#inflight = copy;
  }

  async commit(commits: readonly StreamCommit[]): Promise<void> {
    await this.#settle();
    await this.#guard('commit', async () => {
      await this.#db.transaction().execute(async (trx) => {
        for (const commit of commits) {
          const table = this.#tables.get(commit.stream);
          if (table !== undefined && (table.staged > 0 || commit.replace)) {
            await applyStage(trx, this.schema, table.layout, commit.replace);
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
export async function openPostgresSink(target: PostgresTarget): Promise<PostgresSink> {
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
  return new PostgresSink(target, client);
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
