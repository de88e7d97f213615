// Where the sink connects, and what a failed connection means to the person who has to fix it. The password
// is registered as a secret the moment it is known and never appears in a message: `display` masks it.

import pg from 'pg';
import { configError, transientError, type ConnectorError } from '../../errors.ts';
import { registerSecret } from '../../secrets.ts';

export const DEFAULT_SCHEMA = 'tiktok_ads';

export interface PostgresTarget {
  /** node-postgres options, password included. */
  client: pg.ClientConfig;
  schema: string;
  /** The connection as a URL with the password masked, for messages. */
  display: string;
  user: string;
  database: string;
  /** False: no analytics views after a sync (sync --no-views, destination config `analytics_views: false`). */
  views?: boolean;
}

const CONNECT_TIMEOUT_MS = 10_000;
const ENCODE_HINT = 'Percent-encode special characters in the user name and password (@ %40, / %2F, : %3A, # %23, ? %3F, % %25).';

/** A target from a `postgres://user:password@host:port/database?sslmode=…` URL. */
export function targetFromUrl(url: string, schema: string = DEFAULT_SCHEMA): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw configError(`The destination is not a valid URL; expected postgres://user:password@host:5432/database. ${ENCODE_HINT}`);
  }
  // An unencoded @ or / in the password moves the host into the path: refuse it rather than connect elsewhere.
  if (/[@/]/.test(parsed.pathname.replace(/^\//, ''))) {
    throw configError(`The destination URL has "@" or "/" after the host. ${ENCODE_HINT}`);
  }
  if (parsed.password) {
    registerSecret(parsed.password);
    registerSecret(safeDecode(parsed.password));
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw configError(`The destination URL must start with postgres:// (got ${parsed.protocol}//…).`);
  }
  checkSchemaName(schema);
  const masked = new URL(url);
  if (masked.password) masked.password = '****';
  const database = safeDecode(parsed.pathname.replace(/^\//, '')) || safeDecode(parsed.username) || 'postgres';
  return {
    client: { connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'source-tiktok-marketing' },
    schema,
    display: masked.toString(),
    user: safeDecode(parsed.username) || process.env['PGUSER'] || 'postgres',
    database,
  };
}

export interface PostgresConnectionFields {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string | undefined;
  schema: string;
  ssl: pg.ClientConfig['ssl'];
}

/** A target from the separate fields of Airbyte's destination-postgres config. */
export function targetFromFields(fields: PostgresConnectionFields): PostgresTarget {
  registerSecret(fields.password);
  checkSchemaName(fields.schema);
  const display = `postgres://${encodeURIComponent(fields.username)}${fields.password ? ':****' : ''}@${fields.host}:${fields.port}/${encodeURIComponent(fields.database)}`;
  return {
    client: {
      host: fields.host,
      port: fields.port,
      database: fields.database,
      user: fields.username,
      password: fields.password,
      ssl: fields.ssl,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'source-tiktok-marketing',
    },
    schema: fields.schema,
    display,
    user: fields.username,
    database: fields.database,
  };
}

function checkSchemaName(schema: string): void {
  if (schema === '' || schema.includes('\0')) throw configError('The destination schema name must be a non-empty name.');
  if (Buffer.byteLength(schema, 'utf8') > 63) throw configError(`The destination schema name "${schema}" is longer than Postgres allows (63 bytes).`);
}

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

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
