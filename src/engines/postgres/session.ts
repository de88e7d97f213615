// The sink's connections: a session with the settings every lane needs, the main one that also holds the
// schema's lock, and what a failure on them means to the person who has to act on it.

import type pg from 'pg';
import { ConnectorError, systemError, transientError } from '../../errors.ts';
import { connectTo } from './connection.ts';
import type { PostgresTarget } from './target.ts';

/** How long a second sync into the same schema waits for the first to finish before giving up. */
const LOCK_WAIT = '30s';

/** A connection with the session settings every lane needs. */
export async function openSession(target: PostgresTarget): Promise<pg.Client> {
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

/** A session holding the schema's lock: the sink's main connection. */
export async function openLockedSession(target: PostgresTarget): Promise<pg.Client> {
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
  return client;
}

/** A failure while loading: lost connections may pass on retry, anything else is a bug or a broken server. */
export function databaseErrorOf(error: unknown, action: string, target: PostgresTarget): ConnectorError {
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
