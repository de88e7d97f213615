import type { SourceConfig } from '../config.ts';
import { configError } from '../errors.ts';
import type { AdvertiserInfo } from '../tiktok/advertisers.ts';
import { TikTokClient } from '../tiktok/client.ts';
import { TikTokApiError } from '../tiktok/errors.ts';
import { ReadActivity } from '../read-activity.ts';
import { AdvertiserDiscovery } from './advertiser-discovery.ts';

/** What a read learns as it goes, for the LOGs and the final summary. */
export interface ReadSummary {
  records: Map<string, number>;
  /** Advertisers or objects TikTok answered 40002 for: skipped, named. */
  skipped: string[];
  /** Report rows that could not be parsed: not emitted, named. */
  unparsedRows: number;
  /** Advertiser-windows whose emitted metrics disagree with TikTok's totals. */
  reconciliationMismatches: number;
  /** Streams whose windows were checked against TikTok's totals (only some report shapes have them). */
  reconciled: Set<string>;
  /** Report answers capped at the advertiser's 20,000 newest ads, read again narrowed by campaign or ad group. */
  cappedQueriesSplit: number;
  /** Report tasks asked for, and how each ended: finished, failed (read synchronously), cancelled (overtaken). */
  tasks: { created: number; finished: number; failed: number; cancelled: number };
}

export interface ReadContext {
  config: SourceConfig;
  client: TikTokClient;
  summary: ReadSummary;
  /** Advertisers to read, with time zones; resolved once per read. */
  advertisers(): Promise<AdvertiserInfo[]>;
  /** The grant list (advertiser_ids stream). */
  grantedAdvertisers(): Promise<{ advertiser_id: string; advertiser_name: string }[]>;
  /** The read's clock: "today" in each advertiser's zone derives from it. */
  now(): Date;
  /** Warnings for the user, turned into LOG messages in the output. */
  warn(message: string): void;
  drainWarnings(): string[];
  /** What the records are for: 'lines' when they are only written out as JSON (the `read` command). */
  output: RecordOutput;
  /** The read's plan and waits as they stand, for the estimate and the progress display (read-activity.ts). */
  activity: ReadActivity;
}

/**
 * 'lines': every record is only ever written out as its JSON line, so report records are made as lines at once
 * and nothing else of their row waits with them; 'records': a consumer in this process (a sink) reads `data`.
 */
export type RecordOutput = 'lines' | 'records';

export function createClient(config: SourceConfig, overrides: Partial<ConstructorParameters<typeof TikTokClient>[0]> = {}): TikTokClient {
  const c = config.credentials;
  return new TikTokClient({
    baseUrl: config.apiBaseUrl,
    accessToken: c.accessToken,
    appId: c.kind === 'oauth' ? c.appId : undefined,
    requestsPerSecond: config.requestsPerSecond,
    taskRequestsPerSecond: config.asyncRequestsPerSecond,
    tier: config.apiTier,
    requestsPerMinute: config.requestsPerMinute,
    requestsPerDay: config.requestsPerDay,
    suspensionMs: config.suspensionWaitMs,
    maxConcurrency: config.maxConcurrency,
    timeoutMs: config.requestTimeoutMs,
    maxRetries: config.maxRetries,
    ...overrides,
  });
}

/**
 * The clock a read uses: real time, unless TIKTOK_SOURCE_NOW (an ISO instant) pins it, so a read can be
 * repeated "as of" a moment (tests and demos against an emulator whose clock is fixed do this).
 */
export function readClock(env: NodeJS.ProcessEnv = process.env): () => Date {
  const pinned = env['TIKTOK_SOURCE_NOW'];
  if (pinned === undefined || pinned === '') return () => new Date();
  const at = new Date(pinned);
  if (Number.isNaN(at.getTime())) throw configError(`TIKTOK_SOURCE_NOW is not an ISO date-time: ${pinned}.`);
  return () => new Date(at);
}

export function createContext(
  config: SourceConfig,
  client: TikTokClient = createClient(config),
  options: { now?: () => Date; output?: RecordOutput } = {},
): ReadContext {
  const warnings: string[] = [];
  const summary: ReadSummary = {
    records: new Map(), skipped: [], unparsedRows: 0, reconciliationMismatches: 0, reconciled: new Set(), cappedQueriesSplit: 0,
    tasks: { created: 0, finished: 0, failed: 0, cancelled: 0 },
  };

  const discovery = new AdvertiserDiscovery(config, client, summary, (line) => warnings.push(line));
  return {
    config,
    client,
    summary,
    advertisers: () => discovery.described(),
    grantedAdvertisers: () => discovery.granted(),
    now: options.now ?? readClock(),
    warn: (message) => warnings.push(message),
    drainWarnings: () => warnings.splice(0),
    output: options.output ?? 'records',
    activity: new ReadActivity({ waits: () => clientWait(client) }),
  };
}

/** Calls shorter than this to wait for are the pace itself, not worth a word. */
const NOTABLE_WAIT_MS = 2_000;

/** What the client waits on before its next call, if it is long enough to say. */
function clientWait(client: TikTokClient): string | undefined {
  const budget = client.remainingBudget('sync');
  if (budget.suspended) return "waiting for TikTok to lift its suspension of the app's calls";
  if (budget.waitMs >= NOTABLE_WAIT_MS) return `waiting ${Math.round(budget.waitMs / 1000)} s for TikTok's rate limit`;
  return undefined;
}

/**
 * TikTok's "not accessible" answer (40001/40002 about the advertiser or object itself) skips that advertiser or
 * object, named in a warning and the summary; a parameter error (40002 naming a parameter) fails the stream.
 * `what` names the thing skipped: "advertiser 7001…", "pixel 123 of advertiser 7001…".
 */
export async function* skippingInaccessible<T>(
  ctx: ReadContext,
  what: string,
  produce: () => AsyncGenerator<T>,
): AsyncGenerator<T> {
  try {
    yield* produce();
  } catch (error) {
    if (!(error instanceof TikTokApiError && error.kind === 'not_accessible')) throw error;
    ctx.summary.skipped.push(`${what} (${error.message})`);
    ctx.warn(`${what[0]!.toUpperCase()}${what.slice(1)} is not accessible with this token (TikTok code ${error.code} on ${error.path}: ${error.message}): skipped.`);
  }
}
