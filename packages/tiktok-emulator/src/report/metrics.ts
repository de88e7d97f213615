// The emulator's report metric catalogue, taken from TikTok's rules and NOT from the connector's own list:
// how each metric is computed from the summed base quantities, where TikTok serves it (report types, data
// levels, granularities, audience breakdowns) and how TikTok prints it (strings, fixed decimals, "-").
//
// Where each rule comes from (the package README.md, "Metric catalogue", repeats this for readers):
// - Refusal text `Invalid metric fields: ['x'].` (40002): TikTok's own answer as users quote it
//   (singer-io/tap-tiktok-ads#14 "Invalid metric fields: ['placement']."; airbytehq/airbyte#11375 for
//   cash_spend/voucher_spend in lifetime reports).
// - Every numeric metric exists at every AUCTION_* data level, also with country_code; only the entity
//   descriptors are level-scoped: ad_name/ad_text at AD; adgroup_name, placement_type, promotion_type,
//   dpa_target_audience_type, mobile_app_id, tt_app_id, tt_app_name at ADGROUP and AD; campaign_name at every
//   level but ADVERTISER (measured against the live API in airbytehq/airbyte#85815, 2026). campaign_id and
//   adgroup_id ride as metrics below their own level (OWOX/owox-data-marts#1153).
// - cash_spend, voucher_spend: advertiser level by day only — TikTok's basic-metrics page (doc 1707957200780290,
//   as Airbyte's connector cites it) and the 40002 for lifetime (airbytehq/airbyte#11375). Hourly: unconfirmed;
//   the doc pairs them with the daily advertiser report, so the emulator refuses them by the hour too.
// - Reach, frequency, cost_per_1000_reached, average_video_play_per_user ARE served by the hour: Airbyte's
//   hourly streams have asked for them since 2021 and its pre-4.0 connector failed on any non-zero code, so
//   TikTok accepts them (the old "not hourly" rule was the client's own, without a source).
// - Unique-user (UV) metrics under audience breakdowns: TikTok's per-dimension metrics table for audience
//   reports does not list reach, frequency, cost_per_1000_reached or average_video_play_per_user; Airbyte
//   5.0.3+ still asks for them in synchronous AUDIENCE reports without failing. So synchronous AUDIENCE reports
//   answer "-" for them (unconfirmed). Synchronous BASIC reports by country serve them: TikTok's basic-report
//   metric table (doc 1759239462689793, tiktok-api.md "Corrections": Reach and frequency) lists them there.
// - Report tasks with audience dimensions (an AUDIENCE report, or BASIC by country_code) refuse the UV metrics
//   and the `result` family (result, cost_per_result, result_rate and their real_time_ twins); BASIC tasks by
//   country also refuse the app-install metrics (TikTok's "Create an asynchronous report task", doc
//   1740302766489602, via tiktok-api.md "Corrections": Async tasks). live_play_count, registration, purchase and
//   complete_payment, also on that list, are not in this catalogue: refused everywhere as unknown.
// - A ratio whose denominator is zero prints as zero with the metric's usual decimals ("0.00", "0.000"), not
//   "-" (Airbyte's recorded answers, tiktok-api.md "Corrections": Zero delivery). "-" is left for values that
//   do not exist: UV metrics in AUDIENCE reports, per-object attributes in total_metrics.
// - Not in AUDIENCE reports: cash_spend, voucher_spend, app_install, real_time_app_install(_cost),
//   secondary_goal_* (Airbyte's NOT_AUDIENCE_METRICS, kept out of its audience streams through 5.x; #85815
//   confirms AUDIENCE refuses the conversion-event metrics that BASIC accepts).
// - PLAYABLE_MATERIAL and CATALOG: TikTok's report-type pages list delivery and conversion metrics; the exact
//   tables were not readable, so the emulator serves a documented-looking core subset (delivery, clicks,
//   conversion and, for CATALOG, result metrics) and refuses the rest. Unconfirmed.
// - Decimals: money 3 (spend, cash_spend, voucher_spend, cpc, cpm, cost_per_conversion and the other costs),
//   rates and averages 2, cost_per_1000_reached 3, cost_per_result 4: the records Airbyte's integration tests
//   took from the live API ("20.000" spend, tiktok-api.md "Real records"; test/fixtures/recorded).

import type { Ad, Adgroup, Advertiser, Campaign } from '../data/model.ts';
import { V } from '../data/delivery.ts';
import type { Level } from './levels.ts';

export type ReportType = 'BASIC' | 'AUDIENCE' | 'PLAYABLE_MATERIAL' | 'CATALOG';

/** What a row stands for: the object of the query's data level (or the playable of a PLAYABLE_MATERIAL report). */
export type ReportEntity =
  | { level: 'ADVERTISER'; advertiser: Advertiser }
  | { level: 'CAMPAIGN'; advertiser: Advertiser; campaign: Campaign }
  | { level: 'ADGROUP'; advertiser: Advertiser; campaign: Campaign; adgroup: Adgroup }
  /**
   * `ad` is the row's ad (the first creative of an asset group); `adIdV2` its ad_id_v2 (the asset group of an
   * Upgraded Smart+ ad, the ad itself otherwise); `adId` the ad_id the row shows (null: smartPlusNullAdIds).
   */
  | { level: 'AD'; advertiser: Advertiser; campaign: Campaign; adgroup: Adgroup; ad: Ad; adId: string | null; adIdV2: string }
  | { level: 'PLAYABLE'; advertiser: Advertiser; playableId: string };

/** Where TikTok serves a metric; see the sources at the top of this file. */
export interface MetricScope {
  reportTypes: ReadonlySet<ReportType>;
  /** AUCTION_* levels where it exists; undefined = every level. */
  levels?: ReadonlySet<Level>;
  /** False: refused with stat_time_hour. */
  hourly: boolean;
  /** False: refused with query_lifetime. */
  lifetime: boolean;
  /** Unique-user metric: "-" in synchronous AUDIENCE reports. */
  unique: boolean;
  /**
   * Refused by report tasks: `audience` with audience dimensions (AUDIENCE, or BASIC by country_code);
   * `country` in BASIC tasks by country_code only. Undefined: tasks take it wherever sync reports do.
   */
  taskRefusal?: 'audience' | 'country';
}

export interface MetricDef extends MetricScope {
  name: string;
  /** Attribute metrics (names, ids) are per object and cannot be totalled. */
  attribute: boolean;
  /** `values[offset + V.x]` are the summed base quantities; `minor` = minor units per currency unit. */
  format(values: Float64Array, offset: number, minor: number, entity: ReportEntity | undefined): string | null;
}

const at = (...levels: Level[]) => new Set<Level>(levels);
const types = (...list: ReportType[]) => new Set<ReportType>(list);
const POWERS = [1, 10, 100, 1000, 10000];

/** x ≥ 0 with `digits` decimals, as toFixed prints it but a few times faster (reports print millions). */
export function fixed(x: number, digits: number): string {
  const power = POWERS[digits]!;
  const scaled = Math.round(x * power);
  if (!(scaled < 1e15) || scaled < 0) return x.toFixed(digits);
  const whole = Math.floor(scaled / power);
  const fraction = String(scaled - whole * power);
  return `${whole}.${fraction.length < digits ? '0'.repeat(digits - fraction.length) + fraction : fraction}`;
}
export const UNDEFINED = '-';

type Format = MetricDef['format'];

// The report types of each metric family.
const EVERY = types('BASIC', 'AUDIENCE', 'PLAYABLE_MATERIAL', 'CATALOG');
const AUCTION_AND_CATALOG = types('BASIC', 'AUDIENCE', 'CATALOG');
const AUCTION = types('BASIC', 'AUDIENCE');
const BASIC_ONLY = types('BASIC');

function metric(name: string, reportTypes: ReadonlySet<ReportType>, format: Format, scope: Partial<MetricScope> = {}): MetricDef {
  return { name, attribute: false, reportTypes, hourly: true, lifetime: true, unique: false, ...scope, format };
}

const count = (field: number): Format => (v, o) => String(v[o + field]!);
/** Money as TikTok prints it: three decimals ("20.000"), whatever the currency's minor unit. */
const MONEY_DECIMALS = 3;
const money = (pick: (v: Float64Array, o: number) => number): Format => (v, o, minor) => fixed(pick(v, o) / minor, MONEY_DECIMALS);

/** numerator/denominator × scale; `costly` numerators are spend in minor units; zero when the denominator is 0. */
function ratio(numerator: number, denominator: number, scale: number, digits: number, costly: boolean): Format {
  const zero = fixed(0, digits);
  return (v, o, minor) => {
    const d = v[o + denominator]!;
    if (d === 0) return zero;
    const n = costly ? v[o + numerator]! / minor : v[o + numerator]!;
    return fixed((n / d) * scale, digits);
  };
}

function attribute(name: string, levels: ReadonlySet<Level>, value: (entity: ReportEntity) => string | null): MetricDef {
  return {
    name, attribute: true, reportTypes: AUCTION_AND_CATALOG, levels, hourly: true, lifetime: true, unique: false,
    format: (_v, _o, _m, entity) => (entity === undefined ? UNDEFINED : value(entity)),
  };
}

const campaignOf = (e: ReportEntity) => (e.level === 'CAMPAIGN' || e.level === 'ADGROUP' || e.level === 'AD' ? e.campaign : undefined);
const adgroupOf = (e: ReportEntity) => (e.level === 'ADGROUP' || e.level === 'AD' ? e.adgroup : undefined);
const adOf = (e: ReportEntity) => (e.level === 'AD' ? e.ad : undefined);
const GROUP_LEVELS = at('ADGROUP', 'AD');
const UNIQUE = { unique: true, taskRefusal: 'audience' } as const;
/** Refused by report tasks with audience dimensions (see the top of the file). */
const AUDIENCE_TASKS = { taskRefusal: 'audience' } as const;
/** Refused by BASIC report tasks by country (see the top of the file). */
const COUNTRY_TASKS = { taskRefusal: 'country' } as const;

const DEFINITIONS: MetricDef[] = [
  // Delivery: every report type.
  metric('spend', EVERY, money((v, o) => v[o + V.spend]!)),
  metric('impressions', EVERY, count(V.impressions)),
  metric('clicks', EVERY, count(V.clicks)),
  metric('ctr', EVERY, ratio(V.clicks, V.impressions, 100, 2, false)),
  metric('cpc', EVERY, ratio(V.spend, V.clicks, 1, MONEY_DECIMALS, true)),
  metric('cpm', EVERY, ratio(V.spend, V.impressions, 1000, MONEY_DECIMALS, true)),
  metric('conversion', EVERY, count(V.conversion)),
  metric('cost_per_conversion', EVERY, ratio(V.spend, V.conversion, 1, MONEY_DECIMALS, true)),
  metric('conversion_rate', EVERY, ratio(V.conversion, V.clicks, 100, 2, false)),
  // Results: auction reports and catalog (DSA) reports.
  metric('result', AUCTION_AND_CATALOG, count(V.result), AUDIENCE_TASKS),
  metric('cost_per_result', AUCTION_AND_CATALOG, ratio(V.spend, V.result, 1, 4, true), AUDIENCE_TASKS),
  metric('result_rate', AUCTION_AND_CATALOG, ratio(V.result, V.impressions, 100, 2, false), AUDIENCE_TASKS),
  metric('real_time_conversion', AUCTION, count(V.realTimeConversion)),
  metric('real_time_cost_per_conversion', AUCTION, ratio(V.spend, V.realTimeConversion, 1, MONEY_DECIMALS, true)),
  metric('real_time_conversion_rate', AUCTION, ratio(V.realTimeConversion, V.clicks, 100, 2, false)),
  metric('real_time_result', AUCTION, count(V.realTimeResult), AUDIENCE_TASKS),
  metric('real_time_cost_per_result', AUCTION, ratio(V.spend, V.realTimeResult, 1, 4, true), AUDIENCE_TASKS),
  metric('real_time_result_rate', AUCTION, ratio(V.realTimeResult, V.impressions, 100, 2, false), AUDIENCE_TASKS),
  // Unique users: "-" under breakdowns (see the top of the file).
  metric('reach', AUCTION, count(V.reach), UNIQUE),
  metric('cost_per_1000_reached', AUCTION, ratio(V.spend, V.reach, 1000, 3, true), UNIQUE),
  metric('frequency', AUCTION, ratio(V.impressions, V.reach, 1, 2, false), UNIQUE),
  metric('average_video_play_per_user', AUCTION, ratio(V.playTenths, V.playUsers, 0.1, 2, false), UNIQUE),
  // Video play and engagement.
  metric('video_play_actions', AUCTION, count(V.videoPlay)),
  metric('video_watched_2s', AUCTION, count(V.watched2s)),
  metric('video_watched_6s', AUCTION, count(V.watched6s)),
  metric('average_video_play', AUCTION, ratio(V.playTenths, V.videoPlay, 0.1, 2, false)),
  metric('video_views_p25', AUCTION, count(V.p25)),
  metric('video_views_p50', AUCTION, count(V.p50)),
  metric('video_views_p75', AUCTION, count(V.p75)),
  metric('video_views_p100', AUCTION, count(V.p100)),
  metric('profile_visits', AUCTION, count(V.profileVisits)),
  metric('likes', AUCTION, count(V.likes)),
  metric('comments', AUCTION, count(V.comments)),
  metric('shares', AUCTION, count(V.shares)),
  metric('follows', AUCTION, count(V.follows)),
  metric('clicks_on_music_disc', AUCTION, count(V.musicClicks)),
  // BASIC only: billing split, app installs, secondary goals.
  metric('cash_spend', BASIC_ONLY, money((v, o) => v[o + V.spend]! - v[o + V.voucher]!), { levels: at('ADVERTISER'), hourly: false, lifetime: false }),
  metric('voucher_spend', BASIC_ONLY, money((v, o) => v[o + V.voucher]!), { levels: at('ADVERTISER'), hourly: false, lifetime: false }),
  metric('real_time_app_install', BASIC_ONLY, count(V.realTimeAppInstall), COUNTRY_TASKS),
  metric('real_time_app_install_cost', BASIC_ONLY, ratio(V.spend, V.realTimeAppInstall, 1, MONEY_DECIMALS, true), COUNTRY_TASKS),
  metric('app_install', BASIC_ONLY, count(V.appInstall), COUNTRY_TASKS),
  // No secondary goal is ever set on generated ad groups: TikTok answers null for these.
  metric('secondary_goal_result', BASIC_ONLY, () => null),
  metric('cost_per_secondary_goal_result', BASIC_ONLY, () => null),
  metric('secondary_goal_result_rate', BASIC_ONLY, () => null),
  // Entity descriptors, scoped to the levels below their object (#85815).
  attribute('campaign_name', at('CAMPAIGN', 'ADGROUP', 'AD'), (e) => campaignOf(e)?.name ?? null),
  attribute('campaign_id', GROUP_LEVELS, (e) => campaignOf(e)?.id ?? null),
  attribute('adgroup_name', GROUP_LEVELS, (e) => adgroupOf(e)?.name ?? null),
  attribute('adgroup_id', at('AD'), (e) => adgroupOf(e)?.id ?? null),
  attribute('ad_name', at('AD'), (e) => adOf(e)?.name ?? null),
  attribute('ad_text', at('AD'), (e) => adOf(e)?.text ?? null),
  attribute('placement_type', GROUP_LEVELS, (e) => (adgroupOf(e)?.automaticPlacement ? 'Automatic Placement' : 'TikTok,Pangle')),
  attribute('tt_app_id', GROUP_LEVELS, () => '0'),
  attribute('tt_app_name', GROUP_LEVELS, () => '0'),
  attribute('mobile_app_id', GROUP_LEVELS, () => '0'),
  attribute('promotion_type', GROUP_LEVELS, (e) => (campaignOf(e)?.objective.result === 'install' ? 'App' : 'Website')),
  attribute('dpa_target_audience_type', GROUP_LEVELS, () => null),
];

export const METRICS: ReadonlyMap<string, MetricDef> = new Map(DEFINITIONS.map((m) => [m.name, m]));

/** TikTok's default when `metrics` is not given. */
export const DEFAULT_METRICS: readonly string[] = ['spend', 'impressions'];

/** What a query asks of a metric, to judge it against the metric's scope. */
export interface MetricContext {
  reportType: ReportType;
  /** Undefined for PLAYABLE_MATERIAL (no data level). */
  level: Level | undefined;
  time: 'NONE' | 'DAY' | 'HOUR';
  lifetime: boolean;
  /** The query has an audience/country breakdown. */
  broken: boolean;
  /** One of its breakdowns is country_code. */
  byCountry: boolean;
  /** Rows per object (an id dimension); false for a report of breakdowns only. */
  byObject: boolean;
  async: boolean;
}

/** Whether TikTok would refuse the metric in this query. */
export function refuses(metric: MetricDef, c: MetricContext): boolean {
  if (!metric.reportTypes.has(c.reportType)) return true;
  if (c.level !== undefined && metric.levels !== undefined && !metric.levels.has(c.level)) return true;
  if (c.time === 'HOUR' && !metric.hourly) return true;
  if (c.lifetime && !metric.lifetime) return true;
  // Without an id dimension a row stands for no one object: names and ids have nothing to describe.
  if (!c.byObject && metric.attribute) return true;
  if (!c.async || metric.taskRefusal === undefined) return false;
  const basicByCountry = c.reportType === 'BASIC' && c.byCountry;
  return basicByCountry || (metric.taskRefusal === 'audience' && c.reportType === 'AUDIENCE');
}

/** The metric as this query prints it: unique-user metrics have no value in AUDIENCE reports. */
export function asServed(metric: MetricDef, c: MetricContext): MetricDef {
  return metric.unique && c.reportType === 'AUDIENCE' ? { ...metric, format: () => UNDEFINED } : metric;
}

/** TikTok's wording: `Invalid metric fields: ['a', 'b'].` */
export function invalidMetricsMessage(names: readonly string[]): string {
  return `Invalid metric fields: [${names.map((n) => `'${n}'`).join(', ')}].`;
}
