// Which BigQuery failures pass if tried again, and trying them again. The client retries only HTTP 408, 429
// and 5xx of plain requests: never an upload, never a job that failed, and never a 403 rateLimitExceeded or
// quotaExceeded (it sees only the status). Those are ours: rate and quota-per-interval errors, backend
// errors and concurrent-DML conflicts ("Could not serialize access to table … due to concurrent update") are
// re-run with backoff, each time as a new job (a failed job id cannot be reused).

import { setTimeout as delay } from 'node:timers/promises';

export type FailureKind = 'retry' | 'auth' | 'quota' | 'unreachable' | 'fatal';

/** BigQuery's error reasons that say "later", per its error table. */
const RETRY_REASONS = new Set(['rateLimitExceeded', 'backendError', 'internalError', 'jobBackendError', 'jobInternalError', 'jobRateLimitExceeded']);
const AUTH_REASONS = new Set(['accessDenied', 'authError', 'unauthorized', 'forbidden']);
/** A connection that broke midway: worth another try. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
/** Nobody there (a wrong endpoint, no network): retrying for minutes would only hide the mistake. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Failures of google-auth: a token that cannot be fetched or a key that cannot sign. */
const AUTH_TEXT = /invalid_grant|invalid_client|unauthorized_client|Could not load the default credentials|oauth2\.googleapis\.com|DECODER routines|PEM|private key|ERR_OSSL|Could not refresh access token|Request had invalid authentication credentials/i;
/** quotaExceeded that clears within seconds or minutes (rates and concurrency), not a daily quota. */
const RATE_QUOTA = /rate limit|too many (table update|dml|concurrent|api)|per (second|10 seconds|minute)|concurrent|serialize/i;

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  response?: { statusCode?: unknown };
}

/** The reasons and messages a BigQuery error carries (ApiError.errors or a job's status.errors). */
export function errorDetails(error: unknown): { reasons: string[]; messages: string[]; status: number | undefined } {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as ErrorFields;
  const list = Array.isArray(fields.errors) ? (fields.errors as unknown[]) : [];
  const reasons: string[] = [];
  const messages: string[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { reason, message } = item as { reason?: unknown; message?: unknown };
    if (typeof reason === 'string') reasons.push(reason);
    if (typeof message === 'string') messages.push(message);
  }
  if (typeof fields.message === 'string') messages.push(fields.message);
  const status = typeof fields.code === 'number' ? fields.code : typeof fields.response?.statusCode === 'number' ? fields.response.statusCode : undefined;
  return { reasons, messages, status };
}

export function classify(error: unknown): FailureKind {
  const { reasons, messages, status } = errorDetails(error);
  const text = messages.join('\n');
  const code = (error as { code?: unknown } | null)?.code;
  if (AUTH_TEXT.test(text)) return 'auth';
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return 'unreachable';
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'retry';
  if (/Could not serialize access/i.test(text)) return 'retry';
  if (reasons.some((reason) => RETRY_REASONS.has(reason))) return 'retry';
  if (reasons.includes('quotaExceeded')) return RATE_QUOTA.test(text) ? 'retry' : 'quota';
  if (status === 401 || reasons.some((reason) => AUTH_REASONS.has(reason))) return 'auth';
  if (status !== undefined && (status === 408 || status === 429 || status >= 500)) return 'retry';
  if (status === undefined && reasons.length === 0 && /socket hang up|network|ECONNRESET|timed? ?out/i.test(text)) return 'retry';
  return 'fatal';
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The first wait; each next one doubles, up to `maxDelayMs`, with up to half of it added as jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 1000, maxDelayMs: 60_000 };

/**
 * Runs `attempt(n)` (n = 1, 2, …) until it succeeds, or fails with something a retry cannot fix, or the tries
 * are spent. `onRetry` hears of each retried failure (for the progress log).
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  onRetry: (error: unknown, n: number, waitMs: number) => void = () => undefined,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= policy.attempts || classify(error) !== 'retry') throw error;
      const base = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
      const wait = Math.round(base + Math.random() * base * 0.5);
      onRetry(error, n, wait);
      await delay(wait);
    }
  }
}
