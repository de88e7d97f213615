// Every report metric the emulator knows: how it is computed from the summed base quantities, at which
// data levels it exists, and how TikTok prints it (strings with fixed decimals, "-" where undefined).

import type { Ad, Adgroup, Advertiser, Campaign } from '../data/model.ts';
import { V } from '../data/delivery.ts';
import type { Level } from './levels.ts';

/** What a row stands for: the object of the query's data level. */
export type ReportEntity =
  | { level: 'ADVERTISER'; advertiser: Advertiser }
  | { level: 'CAMPAIGN'; advertiser: Advertiser; campaign: Campaign }
  | { level: 'ADGROUP'; advertiser: Advertiser; campaign: Campaign; adgroup: Adgroup }
  | { level: 'AD'; advertiser: Advertiser; campaign: Campaign; adgroup: Adgroup; ad: Ad };

export interface MetricDef {
  name: string;
  /** Attribute metrics (names, ids) are per object and cannot be totalled. */
  attribute: boolean;
  /** Levels where the metric exists; undefined = every level. */
  levels?: ReadonlySet<Level>;
  /** Unique-user metrics TikTok does not compute by the hour (reach and what derives from it). */
  notHourly?: boolean;
  /** Unique-user metrics TikTok does not break down by audience. */
  notAudience?: boolean;
  /** `values[offset + V.x]` are the summed base quantities; `minor` = minor units per currency unit. */
  format(values: Float64Array, offset: number, minor: number, entity: ReportEntity | undefined): string | null;
}

const at = (...levels: Level[]) => new Set<Level>(levels);
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
const UNDEFINED = '-';

function count(name: string, field: number): MetricDef {
  return { name, attribute: false, format: (v, o) => String(v[o + field]!) };
}

function money(name: string, pick: (v: Float64Array, o: number) => number, levels?: ReadonlySet<Level>): MetricDef {
  return { name, attribute: false, levels, format: (v, o, minor) => fixed(pick(v, o) / minor, 2) };
}

/** numerator/denominator × scale; `costly` numerators are spend in minor units. */
function ratio(name: string, numerator: number, denominator: number, scale: number, digits: number, costly: boolean, users: 'reach' | 'viewers' | undefined = undefined): MetricDef {
  return {
    name,
    attribute: false,
    notHourly: users === 'reach',
    notAudience: users !== undefined,
    format: (v, o, minor) => {
      const d = v[o + denominator]!;
      if (d === 0) return UNDEFINED;
      const n = costly ? v[o + numerator]! / minor : v[o + numerator]!;
      return fixed((n / d) * scale, digits);
    },
  };
}

function attribute(name: string, levels: ReadonlySet<Level>, value: (entity: ReportEntity) => string | null): MetricDef {
  return { name, attribute: true, levels, format: (_v, _o, _m, entity) => (entity === undefined ? UNDEFINED : value(entity)) };
}

const campaignOf = (e: ReportEntity) => (e.level === 'ADVERTISER' ? undefined : e.campaign);
const adgroupOf = (e: ReportEntity) => (e.level === 'ADGROUP' || e.level === 'AD' ? e.adgroup : undefined);
const adOf = (e: ReportEntity) => (e.level === 'AD' ? e.ad : undefined);
const GROUP_LEVELS = at('ADGROUP', 'AD');

const DEFINITIONS: MetricDef[] = [
  money('spend', (v, o) => v[o + V.spend]!),
  money('cash_spend', (v, o) => v[o + V.spend]! - v[o + V.voucher]!, at('ADVERTISER')),
  money('voucher_spend', (v, o) => v[o + V.voucher]!, at('ADVERTISER')),
  ratio('cpc', V.spend, V.clicks, 1, 2, true),
  ratio('cpm', V.spend, V.impressions, 1000, 2, true),
  count('impressions', V.impressions),
  count('clicks', V.clicks),
  ratio('ctr', V.clicks, V.impressions, 100, 2, false),
  { ...count('reach', V.reach), notHourly: true, notAudience: true },
  ratio('cost_per_1000_reached', V.spend, V.reach, 1000, 3, true, 'reach'),
  ratio('frequency', V.impressions, V.reach, 1, 2, false, 'reach'),
  count('video_play_actions', V.videoPlay),
  count('video_watched_2s', V.watched2s),
  count('video_watched_6s', V.watched6s),
  ratio('average_video_play', V.playTenths, V.videoPlay, 0.1, 2, false),
  ratio('average_video_play_per_user', V.playTenths, V.playUsers, 0.1, 2, false, 'viewers'),
  count('video_views_p25', V.p25),
  count('video_views_p50', V.p50),
  count('video_views_p75', V.p75),
  count('video_views_p100', V.p100),
  count('profile_visits', V.profileVisits),
  count('likes', V.likes),
  count('comments', V.comments),
  count('shares', V.shares),
  count('follows', V.follows),
  count('clicks_on_music_disc', V.musicClicks),
  count('real_time_app_install', V.realTimeAppInstall),
  ratio('real_time_app_install_cost', V.spend, V.realTimeAppInstall, 1, 2, true),
  count('app_install', V.appInstall),
  count('conversion', V.conversion),
  ratio('cost_per_conversion', V.spend, V.conversion, 1, 2, true),
  ratio('conversion_rate', V.conversion, V.clicks, 100, 2, false),
  count('result', V.result),
  ratio('cost_per_result', V.spend, V.result, 1, 4, true),
  ratio('result_rate', V.result, V.impressions, 100, 2, false),
  count('real_time_conversion', V.realTimeConversion),
  ratio('real_time_cost_per_conversion', V.spend, V.realTimeConversion, 1, 2, true),
  ratio('real_time_conversion_rate', V.realTimeConversion, V.clicks, 100, 2, false),
  count('real_time_result', V.realTimeResult),
  ratio('real_time_cost_per_result', V.spend, V.realTimeResult, 1, 4, true),
  ratio('real_time_result_rate', V.realTimeResult, V.impressions, 100, 2, false),
  // No secondary goal is ever set on generated ad groups: TikTok answers null for these.
  { name: 'secondary_goal_result', attribute: false, format: () => null },
  { name: 'cost_per_secondary_goal_result', attribute: false, format: () => null },
  { name: 'secondary_goal_result_rate', attribute: false, format: () => null },
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
