// Which failures mean "the connection went away" (a server restart, a failover, pg_terminate_backend, a network
// cut), which the sink survives by reconnecting, and how to say what happened in words.

import { ConnectorError } from '../../errors.ts';

/** SQLSTATEs and socket codes of a lost or refused connection; SQLSTATE class 08 (connection exception) too. */
const LOST_CODES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, or a fast shutdown
  '57P02', // crash_shutdown: another backend crashed, the server restarts
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '53300', // too_many_connections (while the server comes back)
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres's words for a connection it lost or never got. */
const LOST_MESSAGES = /Connection terminated|connection is closed|Client was closed|not queryable|timeout expired|Connection terminated due to connection timeout/i;

/** True when the error (or the driver error behind a ConnectorError) is a lost, refused or timed-out connection. */
export function isConnectionLoss(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && (code.startsWith('08') || LOST_CODES.has(code))) return true;
  const inner = innerOf(error);
  if (inner !== undefined) return isConnectionLoss(inner);
  return error instanceof Error && LOST_MESSAGES.test(error.message);
}

/** What the server or the network did, as the middle of a sentence that starts with "Postgres". */
export function lossDescription(error: unknown): string {
  switch (rootCodeOf(error)) {
    case '57P01':
      return 'closed the connection (terminated by administrator)';
    case '57P02':
      return 'closed the connection (the server restarted after a crash)';
    case '57P03':
      return 'refused the connection (the server is starting up or shutting down)';
    case 'ECONNRESET':
      return 'closed the connection (reset)';
    case 'ECONNREFUSED':
      return 'refused the connection';
    case 'ETIMEDOUT':
      return 'stopped answering (timed out)';
    default:
      return 'closed the connection unexpectedly';
  }
}

/** The message of the error a person should read (a ConnectorError's own, otherwise the driver's), ending as a sentence. */
export function sentenceOf(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).trim();
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

function rootCodeOf(error: unknown): string | undefined {
  return codeOf(error) ?? (innerOf(error) === undefined ? undefined : rootCodeOf(innerOf(error)));
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The error behind this one: a ConnectorError's cause, or the first of an AggregateError (a refused dual-stack connect). */
function innerOf(error: unknown): unknown {
  if (error instanceof ConnectorError) return error.cause;
  if (error instanceof AggregateError) return error.errors[0];
  if (error instanceof Error && error.cause !== undefined) return error.cause;
  return undefined;
}
