// The destination's config, shaped like Airbyte's destination-postgres (host, port, database, schema,
// username, password, ssl, ssl_mode), or simply a URL. Parsed here into a PostgresTarget.

import type pg from 'pg';
import { configError } from '../../errors.ts';
import type { JsonSchema } from '../../protocol/types.ts';
import { registerSecret } from '../../secrets.ts';
import { analyticsViewsOf, optionalString, requiredString } from '../../load/config-fields.ts';
import { DEFAULT_SCHEMA, targetFromFields, targetFromUrl, type PostgresTarget } from './target.ts';

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];

export const destinationSpecification: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Postgres destination (source-tiktok-marketing)',
  type: 'object',
  properties: {
    url: {
      type: 'string',
      title: 'URL',
      description: 'postgres://user:password@host:5432/database?sslmode=require. Instead of host, port, database, username and password.',
      airbyte_secret: true,
      order: 0,
    },
    host: { type: 'string', title: 'Host', order: 1 },
    port: { type: 'integer', title: 'Port', minimum: 0, maximum: 65536, default: 5432, order: 2 },
    database: { type: 'string', title: 'Database name', order: 3 },
    schema: {
      type: 'string',
      title: 'Default schema',
      description: 'The schema the stream tables and the _sync_state table are written to.',
      default: DEFAULT_SCHEMA,
      order: 4,
    },
    username: { type: 'string', title: 'User', order: 5 },
    password: { type: 'string', title: 'Password', airbyte_secret: true, order: 6 },
    ssl: { type: 'boolean', title: 'SSL connection', description: 'Encrypt the connection (as ssl_mode "require").', default: false, order: 7 },
    ssl_mode: {
      type: 'object',
      title: 'SSL mode',
      description: 'disable, allow and prefer connect without TLS; require encrypts; verify-ca and verify-full also check the certificate.',
      order: 8,
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: [...SSL_MODES] },
        ca_certificate: { type: 'string', title: 'CA certificate', multiline: true },
        client_certificate: { type: 'string', title: 'Client certificate', multiline: true },
        client_key: { type: 'string', title: 'Client key', multiline: true, airbyte_secret: true },
        client_key_password: { type: 'string', title: 'Client key password', airbyte_secret: true },
      },
    },
    analytics_views: {
      type: 'boolean',
      title: 'Analytics views',
      description: 'After each sync, create or update typed views beside the report tables (ads_daily, campaign_performance_daily, …).',
      default: true,
      order: 9,
    },
  },
  anyOf: [{ required: ['url'] }, { required: ['host', 'database', 'username'] }],
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function targetFromDestinationConfig(input: unknown): PostgresTarget {
  if (!isObject(input)) throw configError('The destination config must be a JSON object.');
  for (const key of ['password', 'url']) {
    if (typeof input[key] === 'string') registerSecret(input[key]);
  }
  const schema = optionalString(input, 'schema') ?? DEFAULT_SCHEMA;
  const views = analyticsViewsOf(input);
  return { ...targetOf(input, schema), views };
}

function targetOf(input: Record<string, unknown>, schema: string): PostgresTarget {
  const url = optionalString(input, 'url');
  if (url !== undefined) return targetFromUrl(url, schema);
  const host = requiredString(input, 'host', ' (or give a url)');
  const database = requiredString(input, 'database', ' (or give a url)');
  const username = requiredString(input, 'username', ' (or give a url)');
  const port = input['port'] ?? 5432;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw configError(`Invalid destination config: port must be a whole number from 1 to 65535 (got ${JSON.stringify(port)}).`);
  }
  return targetFromFields({
    host,
    port,
    database,
    username,
    password: optionalString(input, 'password'),
    schema,
    ssl: sslOf(input),
  });
}

function sslOf(input: Record<string, unknown>): pg.ClientConfig['ssl'] {
  const block = input['ssl_mode'];
  const ssl = input['ssl'];
  if (ssl !== undefined && typeof ssl !== 'boolean') throw configError('Invalid destination config: ssl must be true or false.');
  if (block === undefined) return ssl === true ? { rejectUnauthorized: false } : false;
  if (!isObject(block) || !SSL_MODES.includes(block['mode'] as SslMode)) {
    throw configError(`Invalid destination config: ssl_mode.mode must be one of ${SSL_MODES.join(', ')}.`);
  }
  const mode = block['mode'] as SslMode;
  // node-postgres cannot fall back from TLS to plain, so allow and prefer connect in plain text.
  if (mode === 'disable' || mode === 'allow' || mode === 'prefer') return false;
  if (mode === 'require') return { rejectUnauthorized: false };
  const ca = optionalString(block, 'ca_certificate');
  const cert = optionalString(block, 'client_certificate');
  const key = optionalString(block, 'client_key');
  const passphrase = optionalString(block, 'client_key_password');
  registerSecret(key);
  registerSecret(passphrase);
  return {
    rejectUnauthorized: true,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(passphrase ? { passphrase } : {}),
    // verify-ca checks the chain but not that the certificate names this host.
    ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}
