import { ADVERTISER_PATH_QPS } from './limits/advertiser-window.ts';
import { DEFAULT_FAULT_KINDS, FAULT_KINDS } from './limits/faults.ts';
import { TASK_CREATE, TIERS } from './limits/tiers.ts';
import type { AdvertiserShape, EmulatorOptions, ResolvedOptions } from './types.ts';

const LIMITS = {
  advertisers: [1, 9999],
  campaignsPerAdvertiser: [1, 5000],
  adgroupsPerCampaign: [1, 1000],
  adsPerAdgroup: [1, 1000],
  historyDays: [1, 3650],
  imagesPerAdvertiser: [0, 100_000],
  videosPerAdvertiser: [0, 100_000],
} as const;

/** Applies defaults and rejects values the generator cannot honour (ids have fixed digit budgets). */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const qps = options.qps ?? 0;
  const resolved: ResolvedOptions = {
    port: options.port,
    host: options.host ?? '127.0.0.1',
    seed: options.seed,
    advertisers: options.advertisers,
    accessToken: options.accessToken,
    appId: options.appId,
    secret: options.secret,
    qps,
    // report/task/create/ has its own QPS at every tier (tiers.ts, TASK_CREATE); the other task calls fall
    // under the app's limits.
    taskQps: options.taskQps ?? (qps > 0 || options.tier !== undefined ? TASK_CREATE.qps : 0),
    faultRate: options.faultRate ?? 0,
    fixedNow: options.now,
    campaignsPerAdvertiser: options.campaignsPerAdvertiser ?? 4,
    adgroupsPerCampaign: options.adgroupsPerCampaign ?? 3,
    adsPerAdgroup: options.adsPerAdgroup ?? 3,
    historyDays: options.historyDays ?? 400,
    maxReportRows: options.maxReportRows ?? 20_000,
    taskLatencyMs: options.taskLatencyMs ?? 300,
    sandbox: options.sandbox ?? false,
    smartPlusReportScope: options.smartPlusReportScope ?? true,
    smartPlusNullAdIds: options.smartPlusNullAdIds ?? false,
    imagesPerAdvertiser: options.imagesPerAdvertiser ?? 30,
    videosPerAdvertiser: options.videosPerAdvertiser ?? 15,
    creativeDeniedAdvertiser: options.creativeDeniedAdvertiser ?? -1,
    tier: options.tier,
    qpm: options.qpm ?? 0,
    qpd: options.qpd ?? 0,
    suspensionMs: options.suspensionMs ?? 300_000,
    faultKinds: options.faultKinds ?? [...DEFAULT_FAULT_KINDS],
    maxFaultStreak: options.maxFaultStreak ?? 0,
    slowFaultMs: options.slowFaultMs ?? 30_000,
    taskMsPer1000Rows: options.taskMsPer1000Rows ?? 1,
    taskConcurrency: options.taskConcurrency ?? 0,
    taskFailureRate: options.taskFailureRate ?? 0,
    taskStallRate: options.taskStallRate ?? 0,
    clockSpeed: options.clockSpeed,
    // TikTok's per-advertiser window is real at every tier; without a tier nothing is limited unless asked.
    advertiserQps: options.advertiserQps ?? (options.tier !== undefined ? ADVERTISER_PATH_QPS : 0),
    advertiserShapes: resolveShapes(options),
    unreachableAdvertisers: options.unreachableAdvertisers ?? [],
    deletedAdvertisers: options.deletedAdvertisers ?? [],
    initialFaults: options.initialFaults,
  };
  for (const [name, [min, max]] of Object.entries(LIMITS)) {
    const value = resolved[name as keyof typeof LIMITS];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be an integer between ${min} and ${max}, got ${value}`);
    }
  }
  if (resolved.campaignsPerAdvertiser * resolved.adgroupsPerCampaign * resolved.adsPerAdgroup > 999_999) {
    throw new RangeError('campaigns × adgroups × ads per advertiser must stay below 1,000,000');
  }
  if (!Number.isInteger(resolved.creativeDeniedAdvertiser) || resolved.creativeDeniedAdvertiser < -1) {
    throw new RangeError('creativeDeniedAdvertiser must be an advertiser index (≥ 0), or -1 for none');
  }
  if (!Number.isSafeInteger(resolved.seed)) throw new RangeError(`seed must be an integer, got ${resolved.seed}`);
  if (!(resolved.faultRate >= 0 && resolved.faultRate <= 1)) throw new RangeError('faultRate must be within 0..1');
  if (!(resolved.qps >= 0) || !(resolved.taskQps >= 0)) throw new RangeError('qps and taskQps must be ≥ 0');
  if (!Number.isInteger(resolved.maxReportRows) || resolved.maxReportRows < 1) throw new RangeError('maxReportRows must be ≥ 1');
  if (!(resolved.taskLatencyMs >= 0)) throw new RangeError('taskLatencyMs must be ≥ 0');
  checkLimitOptions(resolved);
  checkAdvertiserOptions(resolved);
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) throw new RangeError('port must be 0..65535');
  if (resolved.fixedNow !== undefined && Number.isNaN(resolved.fixedNow.getTime())) throw new RangeError('now is not a valid date');
  for (const key of ['accessToken', 'appId', 'secret'] as const) {
    if (resolved[key].length === 0) throw new RangeError(`${key} must not be empty`);
  }
  return resolved;
}

/** The rate-limit, fault, task and clock options (kept apart: each names its own bound). */
function checkLimitOptions(resolved: ResolvedOptions): void {
  if (resolved.tier !== undefined && !TIERS.includes(resolved.tier)) throw new RangeError(`tier must be one of ${TIERS.join(', ')}, got ${resolved.tier}`);
  for (const kind of resolved.faultKinds) {
    if (!FAULT_KINDS.includes(kind)) throw new RangeError(`unknown fault kind ${kind} (known: ${FAULT_KINDS.join(', ')})`);
  }
  for (const key of ['suspensionMs', 'slowFaultMs', 'taskMsPer1000Rows'] as const) {
    if (!(resolved[key] >= 0 && Number.isFinite(resolved[key]))) throw new RangeError(`${key} must be a number ≥ 0`);
  }
  for (const key of ['maxFaultStreak', 'taskConcurrency', 'qpm', 'qpd'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 0) throw new RangeError(`${key} must be an integer ≥ 0`);
  }
  for (const key of ['taskFailureRate', 'taskStallRate'] as const) {
    if (!(resolved[key] >= 0 && resolved[key] <= 1)) throw new RangeError(`${key} must be within 0..1`);
  }
  if (resolved.taskFailureRate + resolved.taskStallRate > 1) throw new RangeError('taskFailureRate + taskStallRate must not exceed 1');
  if (resolved.clockSpeed !== undefined && !(resolved.clockSpeed >= 0 && Number.isFinite(resolved.clockSpeed))) throw new RangeError('clockSpeed must be a number ≥ 0');
}

/** Each advertiser shape with the global per-advertiser figures filled in, held to the same bounds. */
function resolveShapes(options: EmulatorOptions): Map<number, Required<AdvertiserShape>> {
  const shapes = new Map<number, Required<AdvertiserShape>>();
  for (const [key, shape] of Object.entries(options.advertiserShapes ?? {})) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= options.advertisers) {
      throw new RangeError(`advertiserShapes: ${key} is not an advertiser index (0..${options.advertisers - 1})`);
    }
    const full = {
      campaignsPerAdvertiser: shape.campaignsPerAdvertiser ?? options.campaignsPerAdvertiser ?? 4,
      adgroupsPerCampaign: shape.adgroupsPerCampaign ?? options.adgroupsPerCampaign ?? 3,
      adsPerAdgroup: shape.adsPerAdgroup ?? options.adsPerAdgroup ?? 3,
    };
    for (const [name, value] of Object.entries(full)) {
      const [min, max] = LIMITS[name as keyof typeof full];
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new RangeError(`advertiserShapes[${key}].${name} must be an integer between ${min} and ${max}, got ${value}`);
      }
    }
    if (full.campaignsPerAdvertiser * full.adgroupsPerCampaign * full.adsPerAdgroup > 999_999) {
      throw new RangeError(`advertiserShapes[${key}]: campaigns × adgroups × ads must stay below 1,000,000`);
    }
    shapes.set(index, full);
  }
  return shapes;
}

/** The per-advertiser window, the advertiser access lists and the startup fault plan. */
function checkAdvertiserOptions(resolved: ResolvedOptions): void {
  if (!(resolved.advertiserQps >= 0) || !Number.isInteger(resolved.advertiserQps)) throw new RangeError('advertiserQps must be an integer ≥ 0');
  for (const key of ['unreachableAdvertisers', 'deletedAdvertisers'] as const) {
    for (const index of resolved[key]) {
      if (!Number.isInteger(index) || index < 0 || index >= resolved.advertisers) {
        throw new RangeError(`${key}: ${index} is not an advertiser index (0..${resolved.advertisers - 1})`);
      }
    }
  }
  const both = resolved.unreachableAdvertisers.filter((i) => resolved.deletedAdvertisers.includes(i));
  if (both.length > 0) throw new RangeError(`advertiser ${both[0]} cannot be both unreachable and deleted`);
  const initial = resolved.initialFaults;
  if (initial !== undefined) {
    if (initial.kinds.length === 0) throw new RangeError('initialFaults.kinds must name at least one fault kind');
    for (const kind of initial.kinds) {
      if (!FAULT_KINDS.includes(kind)) throw new RangeError(`unknown fault kind ${kind} (known: ${FAULT_KINDS.join(', ')})`);
    }
    if (!Number.isInteger(initial.requests) || initial.requests < 1) throw new RangeError('initialFaults.requests must be an integer ≥ 1');
  }
}
