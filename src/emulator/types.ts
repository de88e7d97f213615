// The emulator's public option and result shapes (re-exported by index.ts) and the resolved option set.

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
  /** Answer as TikTok's sandbox: production-only endpoints are refused (see docs/emulator.md). */
  sandbox?: boolean;
  /** Images / videos in each advertiser's Asset Library (above 10,000 to exercise TikTok's search cap). */
  imagesPerAdvertiser?: number;
  videosPerAdvertiser?: number;
  /** Index of one advertiser whose token lacks the creative-library scope (image/video/music calls → 40001). */
  creativeDeniedAdvertiser?: number;
}

export interface EmulatorStats {
  requests: number;
  byPath: Record<string, number>;
  throttled: number;
  faults: number;
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
}
