// Connecting to the target, and what a failed connection means to the person who has to fix it.

import pg from 'pg';
import { configError, transientError, type ConnectorError } from '../../errors.ts';
import { CONNECT_TIMEOUT_MS, type PostgresTarget } from './target.ts';

/** Opens one connection; every failure to do so becomes an error that says what to fix. */
export async function connectTo(target: PostgresTarget): Promise<pg.Client> {
  const client = new pg.Client(target.client);
  // A dropped connection after connect surfaces from the next query; without a listener it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionErrorOf(error, target);
  }
  return client;
}

export function connectionErrorOf(error: unknown, target: PostgresTarget): ConnectorError {
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const where = target.display;
  const options = { internal: detail, cause: error };
  switch (code) {
    case '28P01':
      return configError(`Postgres rejected the password for user "${target.user}" at ${where}. Check the password.`, options);
    case '28000':
      return configError(
        `Postgres refused user "${target.user}" at ${where}: ${detail}. Check the user name, or pg_hba.conf on the server.`,
        options,
      );
    case '3D000':
      return configError(
        `The database "${target.database}" does not exist at ${where}. Create it (createdb ${target.database}) or fix the database name.`,
        options,
      );
    case 'ECONNREFUSED':
      return configError(`Nothing accepts connections at ${where} (connection refused). Is Postgres running there, and are host and port right?`, options);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return configError(`The host of ${where} cannot be found (DNS lookup failed). Check the host name.`, options);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return configError(`The host of ${where} cannot be reached (${code}). Check the host, port and firewall.`, options);
    case '57P03':
    case '53300':
      return transientError(`Postgres at ${where} cannot take a connection right now: ${detail}. Try again shortly.`, options);
    default:
      break;
  }
  if (/timeout/i.test(detail)) {
    return configError(`Postgres at ${where} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s. Check the host, port and firewall.`, options);
  }
  if (/ssl|certificate/i.test(detail)) {
    return configError(`The TLS connection to ${where} failed: ${detail}. Check the ssl settings (sslmode) against the server's.`, options);
  }
  return configError(`Cannot connect to Postgres at ${where}: ${detail}.`, options);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node reports a refused dual-stack connect (::1 and 127.0.0.1) as an AggregateError.
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) ? errorCode(inner[0]) : undefined;
}
