import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { configError } from './errors.ts';
import { parseJsonLossless } from './json.ts';
import { registerSecret } from './secrets.ts';
import { connectionSpecification } from './spec.ts';
import { type CustomReportConfig, customReportStreams } from './streams/custom-reports.ts';
import { type ReportStream, STREAMS_BY_NAME } from './streams/definitions.ts';
import type { ApiTier } from './tiktok/limits.ts';

export const PRODUCTION_HOST = 'https://business-api.tiktok.com';
export const SANDBOX_HOST = 'https://sandbox-ads.tiktok.com';

export type Credentials =
  | { kind: 'oauth'; appId: string; secret: string; accessToken: string; advertiserId: string | undefined }
  | { kind: 'sandbox'; accessToken: string; advertiserId: string };

export interface SourceConfig {
  credentials: Credentials;
  /** YYYY-MM-DD */
  startDate: string;
  /** YYYY-MM-DD, or undefined for "today in each advertiser's time zone". */
  endDate: string | undefined;
  attributionWindow: number;
  includeDeleted: boolean;
  /** Host root without trailing slash; the client appends /open_api/v1.3/. */
  apiBaseUrl: string;
  requestsPerSecond: number;
  /** The app's rate-limit tier: the per-minute and per-day windows the client paces under. */
  apiTier: ApiTier;
  /** Overrides of the tier's per-minute / per-day figures. */
  requestsPerMinute: number | undefined;
  requestsPerDay: number | undefined;
  /** The longest wait for one TikTok suspension (a 40100 streak) to lift. */
  suspensionWaitMs: number;
  asyncReports: 'auto' | 'off';
  asyncRequestsPerSecond: number;
  /** First pause between report task status checks. */
  asyncPollMs: number;
  /** How long to wait for one report task before reading its span synchronously. */
  asyncMaxWaitMs: number;
  maxConcurrency: number;
  requestTimeoutMs: number;
  maxRetries: number;
  /** The config's custom_reports, checked and built into report streams. */
  customReports: readonly ReportStream[];
}

type RawConfig = {
  credentials?: {
    auth_type: 'oauth2.0' | 'sandbox_access_token';
    app_id?: string;
    secret?: string;
    access_token: string;
    advertiser_id?: string;
  };
  start_date: string;
  end_date?: string;
  attribution_window: number;
  include_deleted: boolean;
  api_base_url?: string;
  requests_per_second: number;
  api_tier: ApiTier;
  requests_per_minute?: number;
  requests_per_day?: number;
  rate_limit_suspension_minutes: number;
  async_reports: 'auto' | 'off';
  async_requests_per_second: number;
  async_task_timeout_minutes: number;
  max_concurrency: number;
  request_timeout_seconds: number;
  max_retries: number;
  custom_reports: CustomReportConfig[];
  access_token?: string;
  environment?: { advertiser_id?: string; app_id?: string; secret?: string };
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, useDefaults: true, discriminator: true, strict: false, verbose: true }));
const validate = ajv.compile<RawConfig>(connectionSpecification);

/** Reads and validates a config file; every problem is a config_error naming the field. */
export function loadConfig(path: string): SourceConfig {
  return parseConfig(readJsonFile(path, 'config'));
}

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw configError(
      code === 'ENOENT' ? `The ${what} file ${path} does not exist.` : `The ${what} file ${path} cannot be read (${code ?? 'error'}).`,
    );
  }
  if (text.trim() === '') throw configError(`The ${what} file ${path} is empty; it must hold a JSON object.`);
  try {
    // Editors on Windows save JSON with a byte-order mark, which JSON.parse refuses.
    return parseJsonLossless(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw configError(`The ${what} file ${path} is not valid JSON: ${(error as Error).message}.`);
  }
}

export function parseConfig(input: unknown): SourceConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw configError(`The config must be a JSON object, not ${describe(input)}.`);
  }
  const raw = structuredClone(input) as Record<string, unknown>;
  collectSecrets(raw);
  if (!validate(raw)) throw configError(`Invalid config: ${formatErrors(validate.errors ?? [], raw)}.`);
  return normalise(raw);
}

function normalise(raw: RawConfig): SourceConfig {
  const credentials = credentialsOf(raw);
  const startDate = checkDate(raw.start_date, 'start_date');
  const endDate = raw.end_date ? checkDate(raw.end_date, 'end_date') : undefined;
  if (endDate !== undefined && endDate < startDate) {
    throw configError(`Invalid config: end_date ${endDate} is before start_date ${startDate}.`);
  }
  const defaultHost = credentials.kind === 'sandbox' ? SANDBOX_HOST : PRODUCTION_HOST;
  return {
    credentials,
    startDate,
    endDate,
    attributionWindow: raw.attribution_window,
    includeDeleted: raw.include_deleted,
    apiBaseUrl: (raw.api_base_url ?? defaultHost).replace(/\/+$/, '').replace(/\/open_api\/v1\.[0-9]+$/, ''),
    requestsPerSecond: raw.requests_per_second,
    apiTier: raw.api_tier,
    requestsPerMinute: raw.requests_per_minute,
    requestsPerDay: raw.requests_per_day,
    suspensionWaitMs: Math.round(raw.rate_limit_suspension_minutes * 60_000),
    asyncReports: raw.async_reports,
    asyncRequestsPerSecond: raw.async_requests_per_second,
    asyncPollMs: Math.max(250, Math.round(1000 / raw.async_requests_per_second)),
    asyncMaxWaitMs: raw.async_task_timeout_minutes * 60_000,
    maxConcurrency: raw.max_concurrency,
    requestTimeoutMs: raw.request_timeout_seconds * 1000,
    maxRetries: raw.max_retries,
    customReports: customReportStreams(
      raw.custom_reports,
      new Set(STREAMS_BY_NAME.keys()),
      [...STREAMS_BY_NAME.values()].filter((stream) => stream.kind === 'report' || stream.kind === 'gmv_max_report').map((stream) => stream.name),
    ),
  };
}

function credentialsOf(raw: RawConfig): Credentials {
  const c = raw.credentials;
  // A pasted token with a line break or space would reach fetch as a header and fail there as a network error
  // (or, with CR/LF, try to add a header); TikTok's tokens, ids and secrets never hold spaces or invisible characters.
  for (const [field, value] of Object.entries({ access_token: c?.access_token ?? raw.access_token, app_id: c?.app_id, secret: c?.secret })) {
    if (typeof value === 'string' && /[\s\u0000-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff]/.test(value)) {
      throw configError(`Invalid config: credentials.${field} contains a space, line break, control or invisible character; copy it again without them.`);
    }
  }
  // The token travels in the Access-Token header, which carries Latin-1 only: fetch refuses any other character
  // before the request leaves, which would look like a network failure retried for minutes. The message says where,
  // never the token itself (a secret).
  const token = c?.access_token ?? raw.access_token;
  if (typeof token === 'string') {
    const characters = Array.from(token);
    const position = characters.findIndex((character) => character.codePointAt(0)! > 0xff);
    if (position >= 0) {
      const codePoint = `U+${characters[position]!.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      throw configError(
        `Invalid config: credentials.access_token holds a character an HTTP header cannot carry (${codePoint}, character ${position + 1} of ${characters.length}), ` +
          'such as a typographic quote or a non-Latin letter pasted with it; copy the token again.',
      );
    }
  }
  // Airbyte's own order: credentials first, then the legacy top-level token and environment block.
  const legacyAdvertiser = raw.environment?.advertiser_id || undefined;
  if (c === undefined) {
    if (raw.access_token) {
      const appId = raw.environment?.app_id;
      const secret = raw.environment?.secret;
      if (appId && secret) return { kind: 'oauth', appId, secret, accessToken: raw.access_token, advertiserId: legacyAdvertiser };
      if (legacyAdvertiser) return { kind: 'sandbox', accessToken: raw.access_token, advertiserId: legacyAdvertiser };
      throw configError(
        'Invalid config: the legacy access_token needs environment.app_id and environment.secret, or environment.advertiser_id; better, use credentials.',
      );
    }
    throw configError(
      'Invalid config: no credentials. Set credentials.auth_type to "oauth2.0" (with app_id, secret, access_token) or "sandbox_access_token" (with advertiser_id, access_token).',
    );
  }
  if (c.auth_type === 'sandbox_access_token') {
    return { kind: 'sandbox', accessToken: c.access_token, advertiserId: c.advertiser_id ?? '' };
  }
  return {
    kind: 'oauth',
    appId: c.app_id ?? '',
    secret: c.secret ?? '',
    accessToken: c.access_token,
    advertiserId: c.advertiser_id || legacyAdvertiser,
  };
}

function checkDate(value: string, field: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw configError(`Invalid config: ${field} "${value}" is not a real calendar date (YYYY-MM-DD).`);
  }
  return value;
}

function collectSecrets(raw: Record<string, unknown>): void {
  const visit = (value: unknown, key: string): void => {
    if (typeof value === 'string' && SECRET_KEYS.has(key)) registerSecret(value);
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  visit(raw, '');
}
const SECRET_KEYS = new Set(['access_token', 'secret', 'app_secret', 'refresh_token', 'auth_code']);

function formatErrors(errors: ErrorObject[], raw: Record<string, unknown>): string {
  const messages = new Set<string>();
  for (const error of errors) {
    // oneOf failures repeat what the discriminator already said.
    if (error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const field = labelled(fieldName(error), raw);
    switch (error.keyword) {
      case 'required':
        messages.add(`${joinField(field, String(error.params['missingProperty']))} is required`);
        break;
      case 'discriminator':
        messages.add(
          error.params['error'] === 'mapping'
            ? `${field}.auth_type must be "oauth2.0" or "sandbox_access_token" (got ${JSON.stringify(error.params['tagValue'])})`
            : `${field}.auth_type is required and must be "oauth2.0" or "sandbox_access_token"`,
        );
        break;
      case 'pattern':
        messages.add(`${field} has the wrong shape (expected ${patternHint(field)})`);
        break;
      case 'format':
        messages.add(
          error.params['format'] === 'date'
            ? `${field} ${shown(error.data)} is not a real calendar date (YYYY-MM-DD)`
            : `${field} must be a valid ${String(error.params['format'])}`,
        );
        break;
      case 'enum':
        messages.add(`${field} must be one of ${(error.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
        break;
      case 'additionalProperties':
        messages.add(`${field || 'config'} has an unknown field "${String(error.params['additionalProperty'])}"`);
        break;
      default:
        messages.add(`${field || 'config'} ${error.message ?? 'is invalid'}`);
    }
  }
  return [...messages].join('; ');
}

function fieldName(error: ErrorObject): string {
  return error.instancePath.replace(/^\//, '').replaceAll('/', '.');
}
/** `custom_reports.1.metrics` → `custom_reports[1] "my_report".metrics`: the report named as its author wrote it. */
function labelled(field: string, raw: Record<string, unknown>): string {
  const match = /^custom_reports\.(\d+)(\..*)?$/.exec(field);
  if (!match) return field;
  const reports = raw['custom_reports'];
  const report: unknown = Array.isArray(reports) ? reports[Number(match[1])] : undefined;
  const name = typeof report === 'object' && report !== null ? (report as Record<string, unknown>)['name'] : undefined;
  return `custom_reports[${match[1]}]${typeof name === 'string' ? ` ${JSON.stringify(name)}` : ''}${match[2] ?? ''}`;
}
function joinField(parent: string, child: string): string {
  return parent ? `${parent}.${child}` : child;
}
function patternHint(field: string): string {
  if (field.endsWith('date')) return 'a date as YYYY-MM-DD';
  if (field.endsWith('advertiser_id')) return 'the advertiser id as a string of digits';
  if (field === 'api_base_url') return 'a URL such as https://business-api.tiktok.com';
  return 'a different format';
}
/** A value as a message shows it: quoted, and cut short, so a huge or binary value never floods the error. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
