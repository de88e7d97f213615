// Where the sink connects, parsed from a URL or from a config's fields. The password is registered as a secret
// the moment it is known and never appears in a message: `display` masks it. No driver is loaded here: the
// registry parses targets for every command.

import type pg from 'pg';
import { configError } from '../../errors.ts';
import { registerSecret } from '../../secrets.ts';
import type { DestinationTarget } from '../engine.ts';

export const DEFAULT_SCHEMA = 'tiktok_ads';

export interface PostgresTarget extends DestinationTarget {
  engine: 'postgres';
  /** node-postgres options, password included. */
  client: pg.ClientConfig;
  schema: string;
  /** The connection as a URL with the password masked, for messages. */
  display: string;
  user: string;
  database: string;
}

export const CONNECT_TIMEOUT_MS = 10_000;
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
  // Without one in the URL, node-postgres takes PGPASSWORD (the way to keep it off the command line).
  registerSecret(process.env['PGPASSWORD']);
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw configError(`The destination URL must start with postgres:// (got ${parsed.protocol}//…).`);
  }
  checkSchemaName(schema);
  const masked = new URL(url);
  if (masked.password) masked.password = '****';
  const database = safeDecode(parsed.pathname.replace(/^\//, '')) || safeDecode(parsed.username) || 'postgres';
  return {
    engine: 'postgres',
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
  registerSecret(process.env['PGPASSWORD']);
  checkSchemaName(fields.schema);
  const display = `postgres://${encodeURIComponent(fields.username)}${fields.password ? ':****' : ''}@${fields.host}:${fields.port}/${encodeURIComponent(fields.database)}`;
  return {
    engine: 'postgres',
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

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
