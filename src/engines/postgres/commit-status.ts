// A COMMIT whose answer was lost with the connection may or may not have happened. Its transaction id, taken
// just before, tells: after reconnecting, txid_status says whether that transaction committed (PostgreSQL 10+),
// so a batch is redone only if it did not, and never loaded twice.

import type pg from 'pg';
import { systemError } from '../../errors.ts';

/** A connection was lost while COMMIT was in flight; `xid` is the transaction's id (txid_current). */
export class CommitInDoubt extends Error {
  readonly xid: string;

  constructor(xid: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'CommitInDoubt';
    this.xid = xid;
  }
}

/** How long to wait for the old session's end when its transaction still shows "in progress". */
const SETTLE_MS = 10_000;
const POLL_MS = 100;

/** Whether transaction `xid` committed, asked on a new connection. */
export async function wasCommitted(client: pg.Client, xid: string): Promise<boolean> {
  const deadline = performance.now() + SETTLE_MS;
  for (;;) {
    const status = await statusOf(client, xid);
    // null: too old to know, which cannot be for a transaction of this session's last seconds; treat as not committed.
    if (status !== 'in progress') return status === 'committed';
    if (performance.now() > deadline) {
      throw systemError(`Postgres still shows transaction ${xid} in progress ${SETTLE_MS / 1000} s after its connection was lost.`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function statusOf(client: pg.Client, xid: string): Promise<string | null> {
  try {
    const result = await client.query<{ status: string | null }>('select txid_status($1::bigint) as status', [xid]);
    return result.rows[0]?.status ?? null;
  } catch (error) {
    // 22023: "transaction ID … is in the future": a server that took over without it (failover) never committed it.
    if ((error as { code?: unknown }).code === '22023') return 'aborted';
    throw error;
  }
}
