import { parseJsonLossless } from '../json.ts';
import { redact } from '../secrets.ts';
import { TikTokApiError, transportError } from './errors.ts';
import type { ParseTicket } from './parse-gate.ts';

// TikTok's transport: one HTTP exchange (URL, headers, body) over native fetch, its failures as retryable transport
// errors, and TikTok's envelope read and unwrapped. Pacing and retries are the client's (client.ts).

export const API_PREFIX = '/open_api/v1.3/';

/** TikTok's mark on a report answer over an advertiser with more than 20,000 ads: only the newest 20,000 are in it. */
export const ADS_THROTTLE_HEADER = 'x-tt-ads-throttle';

export type Params = Record<string, string | number | boolean | readonly unknown[] | Record<string, unknown> | undefined>;

export interface Envelope {
  code: number;
  message: string;
  request_id?: string;
  data?: unknown;
}

export interface Request {
  method: 'GET' | 'POST';
  query?: Params;
  body?: Record<string, unknown>;
  authenticated?: boolean;
  /** The answer is parsed only once this ticket holds a permit of the parse gate. */
  ticket?: ParseTicket;
}

/** A body being read; a connection that breaks off meanwhile is TikTok's transport failure (retried). */
export async function reading<T>(path: string, body: Promise<T>): Promise<T> {
  try {
    return await body;
  } catch (error) {
    throw transportError(path, `reading the answer failed: ${describeNetworkError(error)}`);
  }
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

export /**
 * A request's time limit, stopped while a success waits unread for its reader and started afresh for the rest
 * of its body: a consumer slower than the API must not time out answers it has not asked for yet.
 */
class RequestTimeout {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.#ms = ms;
    this.start();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  start(): void {
    this.stop();
    // The reason AbortSignal.timeout gives, which describeNetworkError names.
    this.#timer = setTimeout(() => this.#controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), this.#ms);
    this.#timer.unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

export /** UTF-8 as fetch's text() decodes it (a BOM dropped, malformed bytes replaced). */
const utf8 = new TextDecoder();

export interface TransportOptions {
  /** Host root, e.g. https://business-api.tiktok.com */
  baseUrl: string;
  accessToken: string;
  timeoutMs: number;
  /** Called as each request leaves, with its path (the client counts them). */
  onRequest: (path: string) => void;
}

export class Transport {
  private readonly options: TransportOptions;

  constructor(options: TransportOptions) {
    this.options = options;
  }

  async fetch(path: string, request: Request, signal: AbortSignal = AbortSignal.timeout(this.options.timeoutMs)): Promise<Response> {
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
    this.options.onRequest(path.replace(/^\/+/, ''));
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        ...(request.body ? { body: JSON.stringify(request.body) } : {}),
        signal,
      });
    } catch (error) {
      const networkCode = networkCodeOf(error);
      throw transportError(path, `request failed: ${describeNetworkError(error)}`, networkCode ? { networkCode } : {});
    }
    if (response.status >= 500 || response.status === 429) {
      await response.body?.cancel().catch(() => undefined);
      throw transportError(path, `HTTP ${response.status}`, { httpStatus: response.status });
    }
    if (response.headers.has(ADS_THROTTLE_HEADER)) {
      // Code 0, but the rows are those of the advertiser's 20,000 newest ads only: never a complete answer.
      await response.body?.cancel().catch(() => undefined);
      throw new TikTokApiError({
        code: 0,
        kind: 'ads_capped',
        path,
        message: `the answer covers only the advertiser's 20,000 newest ads (${ADS_THROTTLE_HEADER}: ${response.headers.get(ADS_THROTTLE_HEADER)})`,
      });
    }
    return response;
  }

  readText(path: string, response: Response): Promise<string> {
    return reading(path, response.text());
  }

  async readEnvelope(path: string, response: Response): Promise<Envelope> {
    return this.envelopeOf(path, response.status, await this.readText(path, response));
  }

  envelopeOf(path: string, status: number, text: string): Envelope {
    let body: unknown;
    try {
      body = parseJsonLossless(text);
    } catch {
      throw transportError(path, `HTTP ${status} answer is not valid JSON (${text.length} bytes)`, { httpStatus: status });
    }
    return this.asEnvelope(path, status, body);
  }

  asEnvelope(path: string, status: number, body: unknown): Envelope {
    if (typeof body !== 'object' || body === null || typeof (body as Envelope).code !== 'number') {
      throw transportError(path, `HTTP ${status} answer is not a TikTok envelope`, { httpStatus: status });
    }
    return body as Envelope;
  }

  unwrap(path: string, envelope: Envelope, request: Request): unknown {
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
