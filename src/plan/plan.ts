import type { ApiTier } from '../tiktok/limits.ts';

// What a run is expected to do, before it reads a row: per stream and advertiser the dates, the lane, the requests
// and the time, then the run's totals against the app's budget. Made by makePlan (make-plan.ts).

/**
 * How an advertiser's part of a stream is read: synchronous report pages, those plus a report task, one query
 * (lifetime, or AUDIENCE's untimed year), or a list of entities. `not estimated`: a dated read of an endpoint of
 * its own (GMV Max by shop, Upgraded Smart+ creatives), whose calls depend on shops, campaigns and pages the plan
 * does not probe; its requests are left out of the totals, and the plan says so.
 */
export type PlanLane = 'sync pages' | 'sync pages + report task' | 'one query' | 'list' | 'not estimated';

export interface PlanRow {
  stream: string;
  advertiserId: string;
  /** The advertiser's dates (its own calendar); absent for undated reads. */
  start?: string;
  end?: string;
  lane: PlanLane;
  /** Rows expected, where the probes tell them. */
  rows?: number;
  requests: number;
  /** At this advertiser's share of the app's rate. */
  wallMs: number;
}

export interface StreamPlan {
  stream: string;
  requests: number;
  wallMs: number;
  rows: PlanRow[];
}

export interface Plan {
  streams: StreamPlan[];
  /** The calls planning made (advertiser discovery, density probes) and its time: a run repeats them. */
  planning: { calls: number; probes: number; ms: number };
  /** Every request the run is expected to make, planning's included. */
  requests: number;
  wallMs: number;
  /** The app's windows the run is paced under (the client's own figures). */
  budget: { tier: ApiTier; requestsPerSecond: number; perMinute: number | undefined; perDay: number | undefined };
}

/** The share of a window's calls `requests` takes: 1 = all of it; undefined when the window is not limited. */
export function budgetShare(requests: number, window: number | undefined): number | undefined {
  return window === undefined ? undefined : requests / window;
}
