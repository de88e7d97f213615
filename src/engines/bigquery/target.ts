// Where the sink loads, and as whom. `bigquery://PROJECT/DATASET?location=EU&api_endpoint=…&key_file=…&token=…`
// (sync) and the destination config (destination-config.ts) both become a BigQueryTarget. Credentials, in
// the order tried: an access token (`token=` or BIGQUERY_ACCESS_TOKEN: for a local endpoint, which no real
// key can reach), a service-account key (`key_file=`, `credentials_json`, or GOOGLE_APPLICATION_CREDENTIALS),
// then application-default credentials. A key's private key is registered as a secret the moment it is read,
// line by line as well, so no message can carry it or a piece of it.

import { readFileSync } from 'node:fs';
import { configError } from '../../errors.ts';
import { registerSecret } from '../../secrets.ts';
import type { DestinationTarget } from '../engine.ts';

export const DEFAULT_DATASET = 'tiktok_ads';

export type BigQueryCredentials =
  | { kind: 'token'; token: string }
  | { kind: 'service_account'; clientEmail: string; privateKey: string; source: string }
  | { kind: 'key_file'; path: string }
  | { kind: 'default' };

export interface BigQueryTuning {
  /** Bytes of NDJSON per load job (a commit loads what it has, whatever the size). */
  loadBytes?: number;
  /** Least time between two commits of a stream; STATEs in between are held (0: commit every STATE). */
  checkpointSeconds?: number;
}

export interface BigQueryTarget extends DestinationTarget {
  engine: 'bigquery';
  projectId: string;
  dataset: string;
  /** The dataset's location when it is created; jobs run where the dataset is. */
  location: string | undefined;
  /** A REST root other than Google's (`http://127.0.0.1:9050` for a local endpoint). */
  apiEndpoint: string | undefined;
  credentials: BigQueryCredentials;
  tuning: BigQueryTuning;
  /** `bigquery://project/dataset`, for messages. */
  display: string;
}

const DATASET_NAME = /^[A-Za-z0-9_]{1,1024}$/;
const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9.:_-]{0,127}$/;

export function checkNames(projectId: string, dataset: string): void {
  if (!PROJECT_NAME.test(projectId)) throw configError(`"${projectId}" is not a Google Cloud project id (letters, digits and hyphens, e.g. my-project-123).`);
  if (!DATASET_NAME.test(dataset)) throw configError(`"${dataset}" is not a BigQuery dataset name: use letters, digits and underscores only.`);
}

/** A target from `bigquery://PROJECT/DATASET?…`; the dataset falls back to `dataset` (sync's --schema). */
export function targetFromBigQueryUrl(url: string, dataset: string = DEFAULT_DATASET, env: NodeJS.ProcessEnv = process.env): BigQueryTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw configError('The destination is not a valid URL; expected bigquery://PROJECT/DATASET.');
  }
  const token = parsed.searchParams.get('token') ?? undefined;
  registerSecret(token);
  if (parsed.protocol !== 'bigquery:') throw configError(`The destination URL must start with bigquery:// (got ${parsed.protocol}//…).`);
  const projectId = decodeURIComponent(parsed.hostname || parsed.host);
  const path = decodeURIComponent(parsed.pathname.replace(/^\/+|\/+$/g, ''));
  const known = new Set(['location', 'api_endpoint', 'key_file', 'token', 'load_mb', 'checkpoint_seconds']);
  for (const name of parsed.searchParams.keys()) {
    if (!known.has(name)) throw configError(`Unknown option "${name}" in the BigQuery URL; known: ${[...known].join(', ')}.`);
  }
  return buildTarget({
    projectId,
    dataset: path || dataset,
    location: parsed.searchParams.get('location') ?? undefined,
    apiEndpoint: parsed.searchParams.get('api_endpoint') ?? undefined,
    token,
    keyFile: parsed.searchParams.get('key_file') ?? undefined,
    credentialsJson: undefined,
    tuning: {
      loadBytes: numberOption(parsed.searchParams.get('load_mb'), 'load_mb', 1, 15_000_000, (mb) => Math.round(mb * 1024 * 1024)),
      checkpointSeconds: numberOption(parsed.searchParams.get('checkpoint_seconds'), 'checkpoint_seconds', 0, 86_400, (s) => s),
    },
    env,
  });
}

function numberOption(text: string | null, name: string, min: number, max: number, scale: (n: number) => number): number | undefined {
  if (text === null) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) throw configError(`${name} must be a number from ${min} to ${max} (got "${text}").`);
  return scale(value);
}

export interface TargetFields {
  projectId: string;
  dataset: string;
  location: string | undefined;
  apiEndpoint: string | undefined;
  token: string | undefined;
  keyFile: string | undefined;
  /** A service-account key's JSON text (Airbyte's destination-bigquery `credentials_json`). */
  credentialsJson: string | undefined;
  tuning: BigQueryTuning;
  env: NodeJS.ProcessEnv;
}

export function buildTarget(fields: TargetFields): BigQueryTarget {
  checkNames(fields.projectId, fields.dataset);
  const apiEndpoint = fields.apiEndpoint?.replace(/\/+$/, '');
  if (apiEndpoint !== undefined && !/^https?:\/\/[^/]+/.test(apiEndpoint)) {
    throw configError(`api_endpoint must be an http:// or https:// URL (got "${apiEndpoint}"); without a scheme the client would try TLS.`);
  }
  const location = fields.location?.trim() || undefined;
  return {
    engine: 'bigquery',
    projectId: fields.projectId,
    dataset: fields.dataset,
    location,
    apiEndpoint,
    credentials: credentialsOf(fields),
    tuning: fields.tuning,
    display: `bigquery://${fields.projectId}/${fields.dataset}${location ? `?location=${location}` : ''}${apiEndpoint ? ` (${apiEndpoint})` : ''}`,
  };
}

function credentialsOf(fields: TargetFields): BigQueryCredentials {
  const token = fields.token ?? (fields.env['BIGQUERY_ACCESS_TOKEN'] || undefined);
  if (token !== undefined) {
    registerSecret(token);
    return { kind: 'token', token };
  }
  if (fields.credentialsJson !== undefined) return serviceAccountOf(fields.credentialsJson, 'credentials_json');
  const path = fields.keyFile ?? (fields.env['GOOGLE_APPLICATION_CREDENTIALS'] || undefined);
  if (path === undefined) return { kind: 'default' };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw configError(`Cannot read the key file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
  }
  const key = parseKey(text, `key file ${path}`);
  // Other kinds of credential files (a user's gcloud login, workload identity) are google-auth's to read.
  return key['type'] === 'service_account' ? serviceAccountOf(text, `key file ${path}`, key) : { kind: 'key_file', path };
}

function parseKey(text: string, source: string): Record<string, unknown> {
  let key: unknown;
  try {
    key = JSON.parse(text);
  } catch {
    // The text may be a key with a typo: keep every line of it out of messages.
    for (const line of text.split(/\r?\n/)) registerSecret(line.trim());
    throw configError(`The ${source} is not JSON; expected a service-account key (as downloaded from the Google Cloud console).`);
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw configError(`The ${source} is not a JSON object.`);
  const record = key as Record<string, unknown>;
  for (const name of ['private_key', 'private_key_id', 'client_secret', 'refresh_token']) {
    const value = record[name];
    if (typeof value === 'string') registerKey(value);
  }
  return record;
}

/** The key whole, and each line of its PEM body, so that no part of it survives redaction. */
function registerKey(value: string): void {
  registerSecret(value);
  for (const line of value.split(/\\n|\r?\n/)) {
    if (!line.startsWith('-----')) registerSecret(line.trim());
  }
}

function serviceAccountOf(text: string, source: string, parsed?: Record<string, unknown>): BigQueryCredentials {
  const key = parsed ?? parseKey(text, source);
  const clientEmail = key['client_email'];
  const privateKey = key['private_key'];
  if (typeof clientEmail !== 'string' || typeof privateKey !== 'string') {
    throw configError(`The ${source} lacks client_email or private_key; give a service-account key.`);
  }
  return { kind: 'service_account', clientEmail, privateKey, source };
}
