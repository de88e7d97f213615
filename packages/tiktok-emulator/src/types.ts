// The emulator's public option and result shapes (re-exported by index.ts) and the resolved option set.

import type { FaultKind } from './limits/faults.ts';
import type { Tier } from './limits/tiers.ts';

export type { FaultKind } from './limits/faults.ts';
export type { Tier } from './limits/tiers.ts';

export interface EmulatorOptions {
  port: number;
  host?: string;
  seed: number;
  advertisers: number;
  accessToken: string;
  appId: string;
  secret: string;
  qps?: number;
  taskQps?: number;
  faultRate?: number;
  now?: Date;
  campaignsPerAdvertiser?: number;
  adgroupsPerCampaign?: number;
  adsPerAdgroup?: number;
  historyDays?: number;
  maxReportRows?: number;
  taskLatencyMs?: number;
  /** Answer as TikTok's sandbox: production-only endpoints are refused (see the package README.md). */
  sandbox?: boolean;
  /** Images / videos in each advertiser's Asset Library (above 10,000 to exercise TikTok's search cap). */
  imagesPerAdvertiser?: number;
  videosPerAdvertiser?: number;
  /** Index of one advertiser whose token lacks the creative-library scope (image/video/music calls → 40001). */
  creativeDeniedAdvertiser?: number;
  /** TikTok's rate windows (QPS, QPM, QPD) of this tier; `sandbox`: 1/30/1000 per endpoint. */
  tier?: Tier;
  /** Per-app requests per minute / per UTC day, replacing the tier's figure (tests use small ones). */
  qpm?: number;
  qpd?: number;
  /** How long a QPM breach suspends the app (default 300,000: TikTok's 5 minutes). */
  suspensionMs?: number;
  /** Fault kinds drawn at `faultRate` (default: every kind that answers at once). */
  faultKinds?: FaultKind[];
  /** Faults in a row for one request fingerprint before one is let through (default 0: no cap). */
  maxFaultStreak?: number;
  /** How long a `slow` fault holds its answer (default 30,000 ms). */
  slowFaultMs?: number;
  /** Extra task processing per 1,000 expected rows (default 1 ms). */
  taskMsPer1000Rows?: number;
  /** Report tasks of one app running at once; more wait in QUEUING (default 0: no cap). */
  taskConcurrency?: number;
  /** Share of report tasks that end FAILED (default 0). */
  taskFailureRate?: number;
  /** Share of report tasks that stay PROCESSING for good (default 0). */
  taskStallRate?: number;
  /** Emulator ms per real ms (default 0 with `now`, else 1). */
  clockSpeed?: number;
  /**
   * Calls a second per advertiser and path before TikTok's 40133 (default 20 when a tier is given, else 0:
   * off). Beside the app's windows, so it only bites above 20 app QPS (premium, ultimate, or a `qps` override).
   */
  advertiserQps?: number;
  /**
   * Entity-tree sizes of single advertisers by index, overriding the three per-advertiser options; e.g.
   * `{ 0: { campaignsPerAdvertiser: 25, adgroupsPerCampaign: 20, adsPerAdgroup: 50 } }` gives advertiser 0
   * 25,000 ads (above TikTok's 20,000-ad cap of synchronous reports).
   */
  advertiserShapes?: Record<number, AdvertiserShape>;
  /** Indexes of advertisers the token may no longer operate: every call naming one answers 40001. */
  unreachableAdvertisers?: number[];
  /** Indexes of deleted advertisers: every call naming one answers 40300. */
  deletedAdvertisers?: number[];
  /** A fault plan in force from the start that heals after `requests` calls (as POST /_emulator/faults). */
  initialFaults?: InitialFaults;
  /**
   * The app holds TikTok's "Upgraded Smart+ Report" scope (default true); without it the Smart+ material reports
   * answer 40001.
   */
  smartPlusReportScope?: boolean;
  /**
   * Standard AUCTION_AD rows keyed by ad_id carry a null ad_id for Upgraded Smart+ ads (as Fivetran's users saw:
   * dbt_ad_reporting #187) instead of the creative ids TikTok's Smart+ pages describe. Default false.
   */
  smartPlusNullAdIds?: boolean;
}

export interface AdvertiserShape {
  campaignsPerAdvertiser?: number;
  adgroupsPerCampaign?: number;
  adsPerAdgroup?: number;
}

/** The first `requests` calls to `paths` (route keys or prefixes; default every path) answer one of `kinds`. */
export interface InitialFaults {
  kinds: FaultKind[];
  paths?: string[];
  requests: number;
}

export interface EmulatorStats {
  requests: number;
  byPath: Record<string, number>;
  throttled: number;
  faults: number;
  /**
   * Throttled answers by the window that refused them (`suspended`: during a suspension; `advertiser`: the
   * per-advertiser, per-path window, code 40133; the others answer 40100).
   */
  throttledBy: Record<'qps' | 'qpm' | 'qpd' | 'suspended' | 'advertiser', number>;
  /** Suspensions tripped by a QPM or QPD breach. */
  suspensions: Record<'qpm' | 'qpd', number>;
  faultsByKind: Partial<Record<FaultKind, number>>;
}

export interface Emulator {
  url: string;
  close(): Promise<void>;
  stats(): EmulatorStats;
}

/** Every option with its default applied; `fixedNow` stays undefined when the clock is real time. */
export interface ResolvedOptions {
  port: number;
  host: string;
  seed: number;
  advertisers: number;
  accessToken: string;
  appId: string;
  secret: string;
  qps: number;
  taskQps: number;
  faultRate: number;
  fixedNow: Date | undefined;
  campaignsPerAdvertiser: number;
  adgroupsPerCampaign: number;
  adsPerAdgroup: number;
  historyDays: number;
  maxReportRows: number;
  taskLatencyMs: number;
  sandbox: boolean;
  imagesPerAdvertiser: number;
  videosPerAdvertiser: number;
  /** -1 when every advertiser grants the creative-library scope. */
  creativeDeniedAdvertiser: number;
  tier: Tier | undefined;
  qpm: number;
  qpd: number;
  suspensionMs: number;
  faultKinds: FaultKind[];
  maxFaultStreak: number;
  slowFaultMs: number;
  taskMsPer1000Rows: number;
  taskConcurrency: number;
  taskFailureRate: number;
  taskStallRate: number;
  clockSpeed: number | undefined;
  advertiserQps: number;
  /** Every advertiser's shape override, by index (empty when none). */
  advertiserShapes: ReadonlyMap<number, Required<AdvertiserShape>>;
  unreachableAdvertisers: readonly number[];
  deletedAdvertisers: readonly number[];
  initialFaults: InitialFaults | undefined;
  smartPlusReportScope: boolean;
  smartPlusNullAdIds: boolean;
}
