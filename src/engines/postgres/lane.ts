// One connection's worth of loading: COPYs one after another, each sent while the caller encodes the next,
// and, for a stream loaded straight into its table, the transaction that holds its rows until their STATE.

import type pg from 'pg';
import { CommitInDoubt } from './commit-status.ts';
import { isConnectionLoss } from './connection-loss.ts';
import { copyInto, type CopyChunks } from './copy.ts';
import { kyselyOver, type SinkKysely } from './database.ts';

export class CopyLane {
  readonly client: pg.Client;
  readonly db: SinkKysely;
  #inflight: Promise<void> | undefined;
  #inTransaction = false;
  #lost: unknown;

  constructor(client: pg.Client) {
    this.client = client;
    this.db = kyselyOver(client);
    // The server's own word for why it closed an idle connection (57P01 …); the next query only says "not queryable".
    client.on('error', (error) => {
      this.#lost ??= error;
    });
  }

  /** The error the connection reported when it broke, if it did. */
  get lostWith(): unknown {
    return this.#lost;
  }

  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  get busy(): boolean {
    return this.#inflight !== undefined;
  }

  /**
   * Starts a COPY once the one before has finished, and returns without waiting for it: Postgres takes this
   * batch while the caller encodes the next. A failure surfaces from the next `settle` (or `send`).
   */
  async send(statement: string, chunks: CopyChunks, options: { inTransaction: boolean; done?: () => void }): Promise<void> {
    await this.settle();
    if (options.inTransaction && !this.#inTransaction) {
      await this.client.query('begin');
      this.#inTransaction = true;
    }
    const copy = copyInto(this.client, statement, chunks).then(options.done);
    copy.catch(() => undefined);
    this.#inflight = copy;
  }

  /** Waits for the COPY in flight; rethrows its failure. */
  async settle(): Promise<void> {
    const inflight = this.#inflight;
    if (inflight === undefined) return;
    this.#inflight = undefined;
    await inflight;
  }

  /**
   * Commits the open transaction, after `inside` has run in it (the state, written with the rows). If the
   * connection is lost while COMMIT is on its way, throws CommitInDoubt with the transaction's id.
   */
  async commit(inside: (db: SinkKysely) => Promise<void>): Promise<void> {
    await this.settle();
    if (!this.#inTransaction) {
      await this.client.query('begin');
      this.#inTransaction = true;
    }
    let xid: string | undefined;
    try {
      await inside(this.db);
      xid = (await this.client.query<{ xid: string }>('select txid_current()::text as xid')).rows[0]?.xid;
      await this.client.query('commit');
    } catch (error) {
      await this.client.query('rollback').catch(() => undefined);
      throw xid !== undefined && isConnectionLoss(error) ? new CommitInDoubt(xid, error) : error;
    } finally {
      this.#inTransaction = false;
    }
  }

  /** Closes the connection; an open transaction is rolled back by the server. */
  async end(): Promise<void> {
    await this.#inflight?.catch(() => undefined);
    this.#inflight = undefined;
    this.#inTransaction = false;
    await this.client.end().catch(() => undefined);
  }
}
