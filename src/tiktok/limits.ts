// TikTok's documented rate windows (API for Business v1.3, "Rate limits"): per developer app, three windows at
// once, plus report/task/create/'s own. The client paces under them; see rate-limiter.ts.

export type ApiTier = 'basic' | 'advanced' | 'premium' | 'ultimate' | 'sandbox';

export interface TierLimits {
  perSecond: number;
  perMinute: number;
  perDay: number;
  /** The sandbox counts each endpoint on its own, not the app as a whole. */
  perEndpoint: boolean;
}

export const TIERS: Readonly<Record<ApiTier, TierLimits>> = {
  basic: { perSecond: 10, perMinute: 600, perDay: 864_000, perEndpoint: false },
  advanced: { perSecond: 20, perMinute: 1_200, perDay: 1_728_000, perEndpoint: false },
  premium: { perSecond: 30, perMinute: 1_800, perDay: 2_592_000, perEndpoint: false },
  ultimate: { perSecond: 50, perMinute: 3_000, perDay: 4_320_000, perEndpoint: false },
  sandbox: { perSecond: 1, perMinute: 30, perDay: 1_000, perEndpoint: true },
};

/**
 * report/task/create/ at every tier, on top of the app's windows. TikTok's pages disagree (2 QPS / 60 QPM on one,
 * 1 QPS on two others): the lower figure holds. Per ad account, 500 an hour (TASKS_PER_ADVERTISER_HOUR).
 */
export const TASK_CREATE_LIMITS = { perSecond: 1, perMinute: 60, perDay: 4_500 } as const;
/** Report tasks one ad account may create in an hour ("Create an asynchronous report task"). */
export const TASKS_PER_ADVERTISER_HOUR = 500;
export const TASK_CREATE_PATH = 'report/task/create/';

/**
 * gmv_max/report/get/ has windows of its own on top of the app's ("GMV Max report": 8 QPS and 20,000 calls a
 * day at the Basic tier). TikTok names no other tier's figures, so the Basic ones hold for every tier.
 */
export const GMV_MAX_REPORT_LIMITS = { perSecond: 8, perDay: 20_000 } as const;
export const GMV_MAX_REPORT_PATH = 'gmv_max/report/get/';

/** TikTok suspends an app for 5 minutes after a per-minute breach. */
export const DEFAULT_SUSPENSION_MS = 5 * 60_000;

/** The windows one lane paces under. Undefined minute/day: not limited. */
export interface LaneLimits {
  /** The highest rate; the adaptive rate never goes above it. */
  perSecond: number;
  perMinute?: number | undefined;
  perDay?: number | undefined;
}

export interface AppLimitOptions {
  tier: ApiTier;
  /** The user's ceiling (requests_per_second). */
  requestsPerSecond: number;
  /** Overrides of the tier's figures (requests_per_minute, requests_per_day). */
  requestsPerMinute?: number | undefined;
  requestsPerDay?: number | undefined;
  /** The user's ceiling for report/task/create/ (async_requests_per_second). */
  taskRequestsPerSecond: number;
}

/**
 * The app-wide lane and the create lane for one config. requests_per_second stays the user's ceiling (a rate above
 * the tier's second is adapted down by 40100); the minute and the day are the tier's unless overridden, and
 * report/task/create/ never goes above TikTok's own figures.
 */
export function laneLimitsOf(options: AppLimitOptions): { app: LaneLimits; create: LaneLimits; gmvMax: LaneLimits; perEndpoint: boolean } {
  const tier = TIERS[options.tier];
  return {
    app: {
      perSecond: options.requestsPerSecond,
      perMinute: options.requestsPerMinute ?? tier.perMinute,
      perDay: options.requestsPerDay ?? tier.perDay,
    },
    create: {
      perSecond: Math.min(options.taskRequestsPerSecond, TASK_CREATE_LIMITS.perSecond),
      perMinute: Math.min(TASK_CREATE_LIMITS.perMinute, options.requestsPerMinute ?? Number.POSITIVE_INFINITY),
      perDay: Math.min(TASK_CREATE_LIMITS.perDay, options.requestsPerDay ?? Number.POSITIVE_INFINITY),
    },
    gmvMax: {
      perSecond: Math.min(options.requestsPerSecond, GMV_MAX_REPORT_LIMITS.perSecond),
      perDay: Math.min(GMV_MAX_REPORT_LIMITS.perDay, options.requestsPerDay ?? Number.POSITIVE_INFINITY),
    },
    perEndpoint: tier.perEndpoint,
  };
}

/** The next 00:00 UTC after `at`: when TikTok's daily window resets. */
export function nextUtcMidnight(at: number): Date {
  const day = new Date(at);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1));
}

/** "45 seconds", "5 minutes", "3 hours 12 minutes": how long a wait is, for messages. */
export function describeWait(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return plural(seconds, 'second');
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return plural(minutes, 'minute');
  return `${plural(Math.floor(minutes / 60), 'hour')} ${plural(minutes % 60, 'minute')}`;
}
