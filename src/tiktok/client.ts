import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { parseJsonLossless } from '../json.ts';
import { redact } from '../secrets.ts';
import { MAINTENANCE_CODE, TikTokApiError, transportError } from './errors.ts';
import { type AdaptiveRateLimiter, sharedLimiter } from './rate-limiter.ts';
import { Semaphore } from './semaphore.ts';

export const API_PREFIX = '/open_api/v1.3/';

export interface ClientOptions {
  /** Host root, e.g. https://business-api.tiktok.com */
  baseUrl: string;
  accessToken: string;
  /** Keys the shared budget: TikTok limits per app. */
  appId?: string | undefined;
  requestsPerSecond: number;
  taskRequestsPerSecond: number;
  maxConcurrency: number;
  timeoutMs: number;
  maxRetries: number;
  /** First retry delay; doubles each time, with jitter. */
  retryBaseMs?: number;
  /** Cap on time spent retrying one request (throttles included). */
  maxRetryTimeMs?: number;
  onRetry?: (error: TikTokApiError, attempt: number) => void;
}

export type Params = Record<string, string | number | boolean | readonly unknown[] | Record<string, unknown> | undefined>;

/** Which budget a call spends: report tasks have their own, much smaller one. */
export type Budget = 'sync' | 'task';

export interface PageInfo {
  page: number;
  page_size: number;
  total_number: number;
  total_page: number;
}

export interface ClientStats {
  requests: number;
  retries: number;
  throttles: number;
}

interface Envelope {
  code: number;
  message: string;
  request_id?: string;
  data?: unknown;
}

/**
 * TikTok API for Business over native fetch (keep-alive by default in undici). Every call passes the shared
 * per-app budget, a concurrency bound, a timeout, and p-retry driven by TikTok's codes.
 */
export class TikTokClient {
  readonly stats: ClientStats = { requests: 0, retries: 0, throttles: 0 };
  private readonly options: ClientOptions;
  private readonly limiters: Record<Budget, AdaptiveRateLimiter>;
  private readonly inFlight: Semaphore;

  constructor(options: ClientOptions) {
    this.options = options;
    const key = options.appId ?? `token:${options.accessToken.slice(-8)}`;
    this.limiters = {
      sync: sharedLimiter(`${options.baseUrl}|${key}|sync`, options.requestsPerSecond),
      task: sharedLimiter(`${options.baseUrl}|${key}|task`, options.taskRequestsPerSecond),
    };
    this.inFlight = new Semaphore(options.maxConcurrency);
  }

  get currentRate(): number {
    return this.limiters.sync.currentRate;
  }

  get<T>(path: string, params: Params = {}, budget: Budget = 'sync'): Promise<T> {
    return this.call<T>(path, { method: 'GET', query: params }, budget);
  }

  post<T>(path: string, body: Record<string, unknown>, budget: Budget = 'sync', authenticated = true): Promise<T> {
    return this.call<T>(path, { method: 'POST', body, authenticated }, budget);
  }

  /** GET of a file (report download): the body as a stream, unless TikTok answers with an error envelope. */
  download(path: string, params: Params, budget: Budget = 'task'): Promise<Readable> {
    return this.retrying(path, budget, async () => {
      const response = await this.fetch(path, { method: 'GET', query: params });
      const type = response.headers.get('content-type') ?? '';
      if (type.includes('application/json')) {
        this.unwrap(path, await this.readEnvelope(path, response), { method: 'GET', query: params });
        throw transportError(path, 'download answered JSON without a file');
      }
      if (!response.body) throw transportError(path, 'download answered no body');
      return Readable.fromWeb(response.body);
    });
  }

  /** Every page of a list endpoint, at the largest page size. */
  async *pages<T>(path: string, params: Params, pageSize = 1000): AsyncGenerator<{ list: T[]; pageInfo: PageInfo }> {
    for (let page = 1; ; page++) {
      const data = await this.get<{ list?: T[]; page_info?: PageInfo }>(path, { ...params, page, page_size: pageSize });
      const pageInfo = data.page_info ?? { page, page_size: pageSize, total_number: data.list?.length ?? 0, total_page: 1 };
      yield { list: data.list ?? [], pageInfo };
      if (page >= pageInfo.total_page || (data.list?.length ?? 0) === 0) return;
    }
  }

  private call<T>(path: string, request: Request, budget: Budget): Promise<T> {
    return this.retrying(path, budget, async () => {
      const response = await this.fetch(path, request);
      return this.unwrap(path, await this.readEnvelope(path, response), request) as T;
    });
  }

  private async retrying<T>(path: string, budget: Budget, attempt: () => Promise<T>): Promise<T> {
    const limiter = this.limiters[budget];
    const base = this.options.retryBaseMs ?? 500;
    return pRetry(
      async () => {
        await limiter.acquire();
        const result = await this.inFlight.run(attempt);
        limiter.onSuccess();
        return result;
      },
      {
        retries: this.options.maxRetries,
        factor: 2,
        minTimeout: base,
        maxTimeout: base * 64,
        randomize: true,
        maxRetryTime: this.options.maxRetryTimeMs ?? 15 * 60_000,
        // A throttle is the budget's problem, not the request's: it never uses up a retry.
        shouldConsumeRetry: ({ error }) => !(error instanceof TikTokApiError && error.kind === 'throttle'),
        shouldRetry: ({ error }) => error instanceof TikTokApiError && (error.kind === 'retry' || error.kind === 'throttle'),
        onFailedAttempt: async ({ error, attemptNumber }) => {
          if (!(error instanceof TikTokApiError)) return;
          if (error.kind === 'throttle') {
            this.stats.throttles++;
            limiter.onThrottle();
          }
          if (error.kind === 'retry' || error.kind === 'throttle') {
            this.stats.retries++;
            this.options.onRetry?.(error, attemptNumber);
          }
          if (error.code === MAINTENANCE_CODE) await sleep(base * 4 * attemptNumber);
        },
      },
    );
  }

  private async fetch(path: string, request: Request): Promise<Response> {
    const url = new URL(API_PREFIX + path.replace(/^\/+/, ''), this.options.baseUrl);
    if (request.query) {
      for (const [key, value] of Object.entries(request.query)) {
        if (value === undefined) continue;
        url.searchParams.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
      }
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (request.authenticated !== false) headers['Access-Token'] = this.options.accessToken;
    if (request.body) headers['Content-Type'] = 'application/json';
    this.stats.requests++;
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        ...(request.body ? { body: JSON.stringify(request.body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const networkCode = networkCodeOf(error);
      throw transportError(path, `request failed: ${describeNetworkError(error)}`, networkCode ? { networkCode } : {});
    }
    if (response.status >= 500 || response.status === 429) {
      await response.body?.cancel().catch(() => undefined);
      throw transportError(path, `HTTP ${response.status}`, { httpStatus: response.status });
    }
    return response;
  }

  private async readEnvelope(path: string, response: Response): Promise<Envelope> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw transportError(path, `reading the answer failed: ${describeNetworkError(error)}`);
    }
    let body: unknown;
    try {
      body = parseJsonLossless(text);
    } catch {
      throw transportError(path, `HTTP ${response.status} answer is not valid JSON (${text.length} bytes)`, { httpStatus: response.status });
    }
    if (typeof body !== 'object' || body === null || typeof (body as Envelope).code !== 'number') {
      throw transportError(path, `HTTP ${response.status} answer is not a TikTok envelope`, { httpStatus: response.status });
    }
    return body as Envelope;
  }

  private unwrap(path: string, envelope: Envelope, request: Request): unknown {
    if (envelope.code === 0) return envelope.data ?? {};
    throw new TikTokApiError({
      code: envelope.code,
      message: redact(String(envelope.message ?? '')),
      path,
      requestParams: Object.keys(request.query ?? request.body ?? {}),
      ...(envelope.request_id ? { requestId: envelope.request_id } : {}),
    });
  }
}

interface Request {
  method: 'GET' | 'POST';
  query?: Params;
  body?: Record<string, unknown>;
  authenticated?: boolean;
}

function networkCodeOf(error: unknown): string | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause && typeof cause === 'object' && 'code' in cause) return String(cause.code);
  // fetch refuses ports browsers block (e.g. 9, 25) with a plain "bad port".
  if (cause instanceof Error && /bad port/i.test(cause.message)) return 'ERR_BAD_PORT';
  if (error instanceof TypeError && /invalid url/i.test(error.message)) return 'ERR_INVALID_URL';
  return undefined;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'timed out';
  const code = networkCodeOf(error);
  return redact(code ? `${error.message} (${code})` : error.message);
}
