// TikTok's documented request limits (API for Business v1.3, "Rate limits"): per developer app, three
// windows at once, by the app's tier; report/task/create/ has its own, lower limits at every tier; the
// sandbox limits each endpoint on its own.

export type Tier = 'basic' | 'advanced' | 'premium' | 'ultimate' | 'sandbox';

export const TIERS: readonly Tier[] = ['basic', 'advanced', 'premium', 'ultimate', 'sandbox'];

/** Requests per second, minute and (UTC) day; 0 means no limit in that window. */
export interface WindowLimits {
  qps: number;
  qpm: number;
  qpd: number;
}

export const TIER_LIMITS: Readonly<Record<Exclude<Tier, 'sandbox'>, WindowLimits>> = {
  basic: { qps: 10, qpm: 600, qpd: 864_000 },
  advanced: { qps: 20, qpm: 1_200, qpd: 1_728_000 },
  premium: { qps: 30, qpm: 1_800, qpd: 2_592_000 },
  ultimate: { qps: 50, qpm: 3_000, qpd: 4_320_000 },
};

/**
 * report/task/create/ at every tier, on top of the app's own windows: the one place these figures live.
 * TikTok's own v1.3 pages (tiktok-api.md, "Corrections"): two say 1 QPS per app and 4,500 tasks a day per app,
 * the create page adds 500 tasks per ad account per hour; the rate-limits page's 2 QPS is outvoted, its 60 QPM
 * (and the 5-minute suspension of a QPM breach) stays, as 1 QPS never exceeds it. The QPS and QPM are rate
 * windows (rate-limiter.ts); the day and the hour are quotas of created tasks (report/tasks.ts), counted on
 * the emulator's clock.
 */
export const TASK_CREATE = { qps: 1, qpm: 60, perAppDay: 4_500, perAdvertiserHour: 500 } as const;

/** The rate windows of report/task/create/ (its quotas are counted where tasks are created). */
export const TASK_CREATE_LIMITS: WindowLimits = { qps: TASK_CREATE.qps, qpm: TASK_CREATE.qpm, qpd: 0 };

/**
 * gmv_max/report/get/ has its own windows, on top of the app's: 8 QPS and 20,000 a day at the Basic tier
 * ("GMV Max report", tiktok-api.md). TikTok names no other tier's figures: the Basic ones stand for all.
 */
export const GMV_MAX_REPORT_LIMITS: WindowLimits = { qps: 8, qpm: 0, qpd: 20_000 };
export const GMV_MAX_REPORT_ROUTE = 'gmv_max/report/get/';

/** The sandbox, per endpoint. */
export const SANDBOX_LIMITS: WindowLimits = { qps: 1, qpm: 30, qpd: 1_000 };

export const NO_LIMITS: WindowLimits = { qps: 0, qpm: 0, qpd: 0 };

/** Which windows a call is charged to: the app-wide ones and, for some endpoints, the endpoint's own. */
export interface LimitProfile {
  /** App-wide windows, shared by every endpoint (none in the sandbox). */
  app: WindowLimits;
  /** Windows of one endpoint (route key such as `report/task/create/`), counted per app. */
  endpoint(route: string): WindowLimits;
}

/**
 * The limits in force. A tier gives TikTok's three windows; without one, `--qps` alone is a plain
 * per-second ceiling (the emulator's older behaviour) and nothing at all is limited when it is 0.
 * `overrides` (from --qps/--qpm/--qpd; 0 = not given) replace single app-wide figures.
 */
export function limitProfile(tier: Tier | undefined, overrides: WindowLimits, taskQps: number): LimitProfile {
  if (tier === 'sandbox') return { app: NO_LIMITS, endpoint: () => SANDBOX_LIMITS };
  const createLimits = tier === undefined ? { ...NO_LIMITS, qps: taskQps } : { ...TASK_CREATE_LIMITS, qps: taskQps };
  const base = tier === undefined ? NO_LIMITS : TIER_LIMITS[tier];
  const app = {
    qps: overrides.qps > 0 ? overrides.qps : base.qps,
    qpm: overrides.qpm > 0 ? overrides.qpm : base.qpm,
    qpd: overrides.qpd > 0 ? overrides.qpd : base.qpd,
  };
  const gmvMax = tier === undefined ? NO_LIMITS : GMV_MAX_REPORT_LIMITS;
  return { app, endpoint: (route) => (route === 'report/task/create/' ? createLimits : route === GMV_MAX_REPORT_ROUTE ? gmvMax : NO_LIMITS) };
}
