import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { splitListAnswer } from './list-rows.ts';
import { redact } from '../secrets.ts';
import { type ConnectorError, transientError } from '../errors.ts';
import { type AppBudget, type Lane, sharedAppBudget } from './app-budget.ts';
import { ADVERTISER_PATH_THROTTLE, MAINTENANCE_CODE, TikTokApiError, transportError } from './errors.ts';
import { type ApiTier, DEFAULT_SUSPENSION_MS, GMV_MAX_REPORT_PATH, TASK_CREATE_PATH, describeWait, laneLimitsOf, nextUtcMidnight } from './limits.ts';
import { DailyLimitReached, type RemainingBudget } from './rate-limiter.ts';
import { ParseGate, type ParseTicket } from './parse-gate.ts';
import { type OpenedBody, openBody } from './body-bytes.ts';
import { Semaphore } from './semaphore.ts';
import { SuspensionPersists } from './suspension.ts';
import { type Params, type Request, RequestTimeout, Transport, reading, utf8 } from './transport.ts';


export interface ClientOptions {
  /** Host root, e.g. https://business-api.tiktok.com */
  baseUrl: string;
  accessToken: string;
  /** Keys the shared budget: TikTok limits per app. */
  appId?: string | undefined;
  /** The user's ceiling of calls per second (40100 lowers the pace below it by itself). */
  requestsPerSecond: number;
  /** The user's ceiling for report/task/create/ (never above TikTok's 1 per second). */
  taskRequestsPerSecond: number;
  /** The app's rate-limit tier: its per-minute and per-day windows (default basic: 600 / 864,000). */
  tier?: ApiTier | undefined;
  /** Overrides of the tier's per-minute and per-day figures. */
  requestsPerMinute?: number | undefined;
  requestsPerDay?: number | undefined;
  /** The longest wait for one suspension to lift (TikTok suspends for 5 minutes). */
  suspensionMs?: number | undefined;
  /** Lines for people watching (a suspension announced, its lift): stderr by default. */
  onNotice?: (line: string) => void;
  /** Every 40100, suspension and lift this client meets (also: the onLimit method). */
  onLimit?: (event: LimitEvent) => void;
  maxConcurrency: number;
  timeoutMs: number;
  maxRetries: number;
  /** First retry delay; doubles each time, with jitter. */
  retryBaseMs?: number;
  /** Cap on time spent retrying one request (throttles included). */
  maxRetryTimeMs?: number;
  onRetry?: (error: TikTokApiError, attempt: number) => void;
}

/** Report pages parsed and alive at once (see parse-gate.ts): one being consumed, one ready behind it. */
const PARSED_PAGES = 2;
/** Report pages asked for ahead of their readers, across all of them (see parse-gate.ts). */
const PAGES_AHEAD = 2;

export type { Params } from './transport.ts';
export { API_PREFIX, ADS_THROTTLE_HEADER } from './transport.ts';

/** Which budget a call spends: report tasks and the GMV Max report have their own, much smaller ones. */
export type Budget = 'sync' | 'task' | 'gmv_max';

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
  /** Throttles waited out, by TikTok's code (40100, 40016, 40133). */
  throttlesByCode: Record<number, number>;
  /** Suspensions recognised (and waited out, or given up on). */
  suspensions: number;
  /** Requests sent, by path (every attempt, as TikTok counts them). */
  byPath: Record<string, number>;
  /** Answers by TikTok's code ("0" for success); "transport" for attempts that got no envelope (HTTP 5xx, network). */
  byCode: Record<string, number>;
  /** Milliseconds calls spent from a throttle's answer to their next attempt, summed over calls. */
  throttleWaitMs: number;
}

/** What is left of a lane, and whether it is suspended right now. */
export interface LaneBudget extends RemainingBudget {
  suspended: boolean;
  /** 40100 answers on this lane so far (every client of the app in this process). */
  throttles: number;
  /** Suspensions recognised on this lane so far. */
  suspensions: number;
}

/** What a planner may want to hear about as it happens: a 40100, a suspension beginning or lifted. */
export interface LimitEvent {
  budget: Budget;
  kind: 'throttle' | 'suspended' | 'lifted';
}

/** TikTok's envelope of a success, as it begins: pacing has nothing to learn from the rest. */
const SUCCESS_HEAD = /^\s*\{\s*"code"\s*:\s*0\s*,/;

/** Bytes enough to tell a success (SUCCESS_HEAD) from a refusal. */
const HEAD_BYTES = 64;

/**
 * One attempt's answer: its value, or (a success with a parse ticket) its body opened by its head, read whole
 * and parsed once the ticket is granted; its time limit stops meanwhile.
 */
type Answer = { value: unknown } | { body: OpenedBody; status: number; timeout: RequestTimeout };

/**
 * TikTok API for Business over native fetch (keep-alive by default in undici). Every call passes the shared
 * per-app budget, a concurrency bound, a timeout, and p-retry driven by TikTok's codes.
 */
export class TikTokClient {
  readonly stats: ClientStats = { requests: 0, retries: 0, throttles: 0, throttlesByCode: {}, suspensions: 0, byPath: {}, byCode: {}, throttleWaitMs: 0 };
  private readonly options: ClientOptions;
  private readonly budget: AppBudget;
  private readonly inFlight: Semaphore;
  private readonly parseGate: ParseGate;
  private readonly limitListeners = new Set<(event: LimitEvent) => void>();
  private readonly transport: Transport;

  constructor(options: ClientOptions) {
    this.options = options;
    this.transport = new Transport({ baseUrl: options.baseUrl, accessToken: options.accessToken, timeoutMs: options.timeoutMs, onRequest: (path) => {
        this.stats.requests++;
        tally(this.stats.byPath, path);
      } });
    const key = options.appId ?? `token:${options.accessToken.slice(-8)}`;
    const notice = options.onNotice ?? ((line: string) => process.stderr.write(`[source-tiktok-marketing] ${redact(line)}\n`));
    this.budget = sharedAppBudget(`${options.baseUrl}|${key}`, {
      ...laneLimitsOf({
        tier: options.tier ?? 'basic',
        requestsPerSecond: options.requestsPerSecond,
        requestsPerMinute: options.requestsPerMinute,
        requestsPerDay: options.requestsPerDay,
        taskRequestsPerSecond: options.taskRequestsPerSecond,
      }),
      suspensionMs: options.suspensionMs ?? DEFAULT_SUSPENSION_MS,
      notice,
    });
    this.inFlight = new Semaphore(options.maxConcurrency);
    // Answers asked for, waiting or being consumed, together: as many as may be in flight (parse-gate.ts).
    this.parseGate = new ParseGate(PARSED_PAGES, PAGES_AHEAD, options.maxConcurrency);
    if (options.onLimit) this.limitListeners.add(options.onLimit);
  }

  /** The app lane's current per-second rate (it adapts to 40100). */
  get currentRate(): number {
    return this.budget.app.limiter.currentRate;
  }

  /**
   * What is left of a budget, shared by every client of the app in this process: 'sync' is the app's windows
   * (every call), 'task' is report/task/create/'s own (1 QPS, 4,500 QPD), 'gmv_max' gmv_max/report/get/'s own
   * (8 QPS, 20,000 QPD). A planner reads it to decide
   * how much to put on each lane; `suspended` says a suspension is being waited out.
   */
  remainingBudget(budget: Budget): LaneBudget {
    const lane = budget === 'task' ? this.budget.create : budget === 'gmv_max' ? this.budget.gmvMax : this.budget.app;
    return { ...lane.limiter.remaining(), suspended: lane.watch.isSuspended, throttles: lane.throttles, suspensions: lane.watch.suspensions };
  }

  /** Calls `listener` on every 40100, suspension and lift this client meets; answers the function that stops it. */
  onLimit(listener: (event: LimitEvent) => void): () => void {
    this.limitListeners.add(listener);
    return () => this.limitListeners.delete(listener);
  }

  private emitLimit(lane: Lane, kind: LimitEvent['kind']): void {
    const budget: Budget = lane.name === 'create' ? 'task' : lane.name === 'gmv_max' ? 'gmv_max' : 'sync';
    for (const listener of this.limitListeners) listener({ budget, kind });
  }

  get<T>(path: string, params: Params = {}, budget: Budget = 'sync', options: { ticket?: ParseTicket | undefined } = {}): Promise<T> {
    return this.call<T>(path, { method: 'GET', query: params, ...options }, budget);
  }

  /**
   * A claim on this client's parse gate for an answer read ahead of its use (a report page): the answer waits
   * unread until the caller acquires the ticket, and the caller closes it once the rows are consumed. A list
   * answer's `list` then comes as ListRows (list-rows.ts): iterable, with a length, rows parsed as they are reached.
   */
  parseTicket(): Promise<ParseTicket> {
    return this.parseGate.ticket();
  }

  /** The same for an answer asked for ahead of its reader; undefined when enough are out already. */
  aheadTicket(): ParseTicket | undefined {
    return this.parseGate.aheadTicket();
  }

  post<T>(path: string, body: Record<string, unknown>, budget: Budget = 'sync', authenticated = true): Promise<T> {
    return this.call<T>(path, { method: 'POST', body, authenticated }, budget);
  }

  /** GET of a file (report download): the body as a stream, unless TikTok answers with an error envelope. */
  download(path: string, params: Params, budget: Budget = 'task'): Promise<Readable> {
    return this.retrying(path, budget, advertiserOf(params), async () => {
      const response = await this.transport.fetch(path, { method: 'GET', query: params });
      const type = response.headers.get('content-type') ?? '';
      if (type.includes('application/json')) {
        this.transport.unwrap(path, await this.transport.readEnvelope(path, response), { method: 'GET', query: params });
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
      // Iterating a string or an object here would emit its characters or nothing as records.
      if (data.list !== undefined && data.list !== null && !Array.isArray(data.list)) {
        throw transportError(path, `${path} answered data.list as ${typeof data.list}, not a list`);
      }
      const pageInfo = data.page_info ?? { page, page_size: pageSize, total_number: data.list?.length ?? 0, total_page: 1 };
      yield { list: data.list ?? [], pageInfo };
      if (page >= pageInfo.total_page || (data.list?.length ?? 0) === 0) return;
    }
  }

  private call<T>(path: string, request: Request, budget: Budget): Promise<T> {
    const { ticket } = request;
    return this.retrying(
      path,
      budget,
      advertiserOf(request.query ?? request.body ?? {}),
      async (): Promise<Answer> => {
        if (ticket === undefined) return { value: this.transport.unwrap(path, await this.transport.readEnvelope(path, await this.transport.fetch(path, request)), request) };
        // A success read ahead waits for its reader unread, its head read (throttles and refusals, which pacing
        // must see, never start with code 0), outside the call's slot and windows; the rest of its body stays in
        // the socket until the ticket is granted (body-bytes.ts). Reading and parsing it, and any failure of
        // either, still retry here.
        const timeout = new RequestTimeout(this.options.timeoutMs);
        try {
          const response = await this.transport.fetch(path, request, timeout.signal);
          const body = await reading(path, openBody(response, HEAD_BYTES));
          if (SUCCESS_HEAD.test(utf8.decode(body.head.subarray(0, HEAD_BYTES)))) return { body, status: response.status, timeout };
          return { value: this.transport.unwrap(path, this.transport.envelopeOf(path, response.status, utf8.decode(await reading(path, body.whole()))), request) };
        } finally {
          // A success waiting for its reader starts it again when its body is read.
          timeout.stop();
        }
      },
      async (answer) => {
        if (!('body' in answer)) return answer.value as T;
        await ticket?.granted;
        // Granted by a close, not by its reader: nobody will take the rows, so the rest is not downloaded.
        if (ticket !== undefined && !ticket.held) {
          answer.body.cancel();
          throw new Error(`${path}: the answer was no longer wanted`);
        }
        answer.timeout.start();
        let bytes: Uint8Array;
        try {
          bytes = await reading(path, answer.body.whole());
        } finally {
          answer.timeout.stop();
        }
        // A list page: its envelope now, its rows as they are consumed (list-rows.ts); anything else whole.
        const split = splitListAnswer(bytes, path);
        if (split === undefined) return this.transport.unwrap(path, this.transport.envelopeOf(path, answer.status, utf8.decode(bytes)), request) as T;
        const data = this.transport.unwrap(path, this.transport.asEnvelope(path, answer.status, split.envelope), request);
        if (typeof data !== 'object' || data === null) throw transportError(path, `${path} answered data as ${typeof data}, not an object`);
        return { ...data, list: split.rows } as T;
      },
    );
  }

  /**
   * Pacing and throttles around p-retry's retries of failures. Which windows a call passes follows TikTok's
   * rules for its path (report/task/create/ has its own on top of the app's), whatever budget the caller names.
   */
  private async retrying<A, T = A>(
    path: string,
    _budget: Budget,
    advertiserId: string | undefined,
    attempt: () => Promise<A>,
    after?: (answer: A) => Promise<T>,
  ): Promise<T> {
    const base = this.options.retryBaseMs ?? 500;
    const maxRetryTime = this.options.maxRetryTimeMs ?? 15 * 60_000;
    const once = async (): Promise<T> => {
      const answer = await this.paced(path, advertiserId, attempt, Date.now() + maxRetryTime);
      return after ? after(answer) : (answer as unknown as T);
    };
    return pRetry(once, {
      retries: this.options.maxRetries,
      factor: 2,
      minTimeout: base,
      maxTimeout: base * 64,
      randomize: true,
      maxRetryTime,
      shouldRetry: ({ error }) => error instanceof TikTokApiError && error.kind === 'retry',
      onFailedAttempt: async ({ error, attemptNumber }) => {
        if (!(error instanceof TikTokApiError) || error.kind !== 'retry') return;
        this.stats.retries++;
        this.options.onRetry?.(error, attemptNumber);
        if (error.code === MAINTENANCE_CODE) await sleep(base * 4 * attemptNumber);
      },
    });
  }

  /**
   * One attempt, paced under every window of its lanes, repeated on 40100 without spending a retry: a throttle
   * is the budget's problem, not the request's. A 40100 streak that outlasts a per-second refusal is a
   * suspension: waited out once (SuspensionWatch), then a transient_error. Bounded by the retry time.
   */
  private async paced<T>(path: string, advertiserId: string | undefined, attempt: () => Promise<T>, deadline: number): Promise<T> {
    const lanes = this.budget.lanesFor(path);
    const narrowest = lanes[lanes.length - 1]!;
    let lastThrottle: TikTokApiError | undefined;
    let throttledAt: number | undefined;
    for (let throttled = 0; ; ) {
      const probing = new Set<Lane>();
      for (const lane of lanes) {
        let turn: 'go' | 'probe' | 'expired';
        try {
          turn = await lane.watch.beforeCall(deadline);
        } catch (persisting) {
          // Another call already gave up on this lane's suspension: this one ends the same way.
          if (persisting instanceof SuspensionPersists) throw this.suspensionError(lane, path, persisting, lastThrottle);
          throw persisting;
        }
        if (turn === 'probe') probing.add(lane);
        if (turn === 'expired' && lastThrottle) {
          for (const held of probing) held.watch.probeEnded();
          throw lastThrottle;
        }
      }
      // Exists once TikTok answered 40133 for this advertiser on this path (see AppBudget.advertiserPath).
      const ownPace = advertiserId === undefined ? undefined : this.budget.advertiserPath(advertiserId, path);
      let result: T;
      try {
        result = await this.inFlight.run(async () => {
          // Inside the concurrency bound, so a call leaves when its slot comes, not in a burst after a wait.
          const ends: (() => void)[] = [];
          try {
            for (const lane of lanes) ends.push(await lane.limiter.acquire());
            if (ownPace) ends.push(await ownPace.acquire());
            if (throttledAt !== undefined) this.stats.throttleWaitMs += performance.now() - throttledAt;
            throttledAt = undefined;
            return await attempt();
          } finally {
            for (const end of ends) end();
          }
        });
      } catch (error) {
        if (!(error instanceof DailyLimitReached)) tally(this.stats.byCode, error instanceof TikTokApiError && error.code !== -1 ? String(error.code) : 'transport');
        if (!(error instanceof TikTokApiError && error.kind === 'throttle')) {
          for (const held of probing) held.watch.probeEnded();
          throw error instanceof DailyLimitReached ? this.dailyLimitError(lanes, error) : error;
        }
        throttledAt = performance.now();
        this.stats.throttles++;
        this.stats.retries++;
        this.stats.throttlesByCode[error.code] = (this.stats.throttlesByCode[error.code] ?? 0) + 1;
        if (error.code === ADVERTISER_PATH_THROTTLE && advertiserId !== undefined) {
          // One advertiser's calls to this path were too many: only they slow down; the app's lanes let it pass.
          for (const held of probing) held.watch.probeEnded();
          this.budget.slowAdvertiserPath(advertiserId, path, error.message);
        } else {
          for (const held of probing) if (held !== narrowest) held.watch.probeEnded();
          lastThrottle = error;
          // The budget first, so onRetry sees the pace the retry will go at.
          this.onThrottle(narrowest, path, error, probing.has(narrowest));
        }
        this.options.onRetry?.(error, ++throttled);
        if (Date.now() >= deadline) {
          if (lastThrottle === error) narrowest.watch.abandon();
          throw error;
        }
        continue;
      }
      tally(this.stats.byCode, '0');
      ownPace?.onSuccess();
      for (const lane of lanes) {
        lane.limiter.onSuccess();
        if (lane.watch.onSuccess()) {
          if (lane.rateBeforeStreak !== undefined) lane.limiter.restore(lane.rateBeforeStreak);
          this.emitLimit(lane, 'lifted');
        }
        lane.rateBeforeStreak = undefined;
      }
      return result;
    }
  }

  private onThrottle(lane: Lane, path: string, error: TikTokApiError, wasProbe: boolean): void {
    const suspensionsBefore = lane.watch.suspensions;
    lane.throttles++;
    this.emitLimit(lane, 'throttle');
    let verdict: 'retry' | 'suspended';
    try {
      verdict = lane.watch.onThrottle(wasProbe);
    } catch (persisting) {
      if (persisting instanceof SuspensionPersists) throw this.suspensionError(lane, path, persisting, error);
      throw persisting;
    }
    if (lane.watch.suspensions > suspensionsBefore) {
      this.stats.suspensions++;
      this.emitLimit(lane, 'suspended');
    }
    if (verdict === 'retry') {
      lane.rateBeforeStreak ??= lane.limiter.currentRate;
      lane.limiter.onThrottle();
    }
  }

  /**
   * The day's calls are spent by our own count. The app's lane ends the run (TikTok would suspend every call
   * until 00:00 UTC); report/task/create/'s own ends only task creation: the reader falls back to synchronous
   * reports, which the app's lane still allows.
   */
  private dailyLimitError(lanes: Lane[], reached: DailyLimitReached): ConnectorError | TikTokApiError {
    const lane = lanes.find((l) => l.limiter.remaining().day === 0) ?? lanes[0]!;
    const when = `${reached.resetsAt.toISOString()} (00:00 UTC, in ${describeWait(reached.resetsAt.getTime() - Date.now())})`;
    if (lane.name === 'create') {
      return new TikTokApiError({ code: 40100, kind: 'throttle', path: TASK_CREATE_PATH, message: `${TASK_CREATE_PATH} has used its ${reached.limit.toLocaleString('en-US')} calls of the day; it resets at ${when}` });
    }
    if (lane.name === 'gmv_max') {
      return transientError(
        `This run used the ${reached.limit.toLocaleString('en-US')} daily calls TikTok allows ${GMV_MAX_REPORT_PATH} (its own limit, beside the app's); more would make TikTok suspend it until 00:00 UTC. Rows up to the last STATE are kept; run the GMV Max streams again after ${when}.`,
      );
    }
    return transientError(
      `This run used the app's daily limit of ${reached.limit.toLocaleString('en-US')} TikTok API calls (api_tier / requests_per_day); more would make TikTok suspend the app until 00:00 UTC. Rows up to the last STATE are kept; run again after ${when}.`,
    );
  }

  /** 40100 outlasted the suspension wait: for the app's lane, the end of the run. */
  private suspensionError(lane: Lane, path: string, persisting: SuspensionPersists, last: TikTokApiError | undefined): ConnectorError | TikTokApiError {
    const reset = nextUtcMidnight(Date.now());
    const when = `${reset.toISOString()} (00:00 UTC, in ${describeWait(reset.getTime() - Date.now())})`;
    if (lane.name === 'create') {
      return new TikTokApiError({ code: 40100, kind: 'throttle', path, message: `${TASK_CREATE_PATH} stays suspended (${persisting.message}); its daily limit may be spent until ${when}` });
    }
    const internal = last ? `${path} answered code ${last.code}: ${last.message}${last.requestId ? ` (request_id ${last.requestId})` : ''}` : `${path}: ${persisting.message}`;
    return transientError(
      `TikTok still refuses this app's API calls (code 40100) after waiting ${describeWait(persisting.waitedMs)} for a suspension to lift: the app's daily limit (QPD) is most likely spent, which TikTok resets at ${when}; or another connection of the app keeps breaching its limits. Rows up to the last STATE are kept; run again after the reset.`,
      { internal },
    );
  }


}

/** One more of `key` in a count by name. */
function tally(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** The advertiser a call is about, for TikTok's per-advertiser, per-path limit (40133). */
function advertiserOf(params: Params | Record<string, unknown>): string | undefined {
  const id = params['advertiser_id'];
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

