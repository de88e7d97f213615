// TikTok BASIC report metrics and how each value is typed. TikTok sends every metric as a string
// ("12.34", "5", "-"); the connector turns them into numbers, ids and text by this table.

import type { FieldType } from './fields.ts';

export type MetricType = 'integer' | 'number' | 'string' | 'id';

/** The schema field type of each metric type. */
export const METRIC_FIELD_TYPES: Readonly<Record<MetricType, FieldType>> = { integer: 'int', number: 'num', string: 'str', id: 'id' };

const INTEGER = [
  'impressions', 'clicks', 'reach', 'video_play_actions', 'video_watched_2s', 'video_watched_6s',
  'video_views_p25', 'video_views_p50', 'video_views_p75', 'video_views_p100', 'profile_visits', 'likes',
  'comments', 'shares', 'follows', 'clicks_on_music_disc', 'real_time_app_install', 'app_install',
  'conversion', 'result', 'real_time_conversion', 'real_time_result', 'secondary_goal_result',
] as const;

const NUMBER = [
  'spend', 'cash_spend', 'voucher_spend', 'cpc', 'cpm', 'ctr', 'cost_per_1000_reached', 'frequency',
  'average_video_play', 'average_video_play_per_user', 'real_time_app_install_cost', 'cost_per_conversion',
  'conversion_rate', 'cost_per_result', 'result_rate', 'real_time_cost_per_conversion',
  'real_time_conversion_rate', 'real_time_cost_per_result', 'real_time_result_rate',
  'cost_per_secondary_goal_result', 'secondary_goal_result_rate',
] as const;

const STRING = [
  'campaign_name', 'adgroup_name', 'ad_name', 'ad_text', 'placement_type', 'tt_app_id', 'tt_app_name',
  'mobile_app_id', 'promotion_type', 'dpa_target_audience_type',
] as const;

// ad_id_v2: the Smart+ ad a standard ad-level row was keyed by when TikTok gave it no ad_id (smart-plus-ad-ids.ts).
const ID = ['campaign_id', 'adgroup_id', 'ad_id_v2'] as const;

export const METRIC_TYPES: ReadonlyMap<string, MetricType> = new Map<string, MetricType>([
  ...INTEGER.map((m) => [m, 'integer'] as const),
  ...NUMBER.map((m) => [m, 'number'] as const),
  ...STRING.map((m) => [m, 'string'] as const),
  ...ID.map((m) => [m, 'id'] as const),
]);

/** Asked for at every level (Airbyte's list for BASIC reports, plus conversions). */
export const COMMON_METRICS: readonly string[] = [
  'spend', 'cpc', 'cpm', 'impressions', 'clicks', 'ctr', 'reach', 'cost_per_1000_reached', 'frequency',
  'video_play_actions', 'video_watched_2s', 'video_watched_6s', 'average_video_play', 'average_video_play_per_user',
  'video_views_p25', 'video_views_p50', 'video_views_p75', 'video_views_p100', 'profile_visits', 'likes', 'comments',
  'shares', 'follows', 'clicks_on_music_disc', 'real_time_app_install', 'real_time_app_install_cost', 'app_install',
  'conversion', 'cost_per_conversion', 'conversion_rate', 'result', 'cost_per_result', 'result_rate',
  'real_time_conversion', 'real_time_cost_per_conversion', 'real_time_conversion_rate', 'real_time_result',
  'real_time_cost_per_result', 'real_time_result_rate', 'secondary_goal_result', 'cost_per_secondary_goal_result',
  'secondary_goal_result_rate',
];

const APP_AND_PLACEMENT = ['placement_type', 'tt_app_id', 'tt_app_name', 'mobile_app_id', 'promotion_type', 'dpa_target_audience_type'];

/** Attribute metrics that ride along at each level: names and parents' ids. */
export const LEVEL_METRICS = {
  advertiser: ['cash_spend', 'voucher_spend'],
  campaign: ['campaign_name'],
  adgroup: ['campaign_name', 'campaign_id', 'adgroup_name', ...APP_AND_PLACEMENT],
  ad: ['campaign_name', 'campaign_id', 'adgroup_name', 'adgroup_id', 'ad_name', 'ad_text', ...APP_AND_PLACEMENT],
} as const satisfies Record<string, readonly string[]>;

/**
 * Metrics TikTok serves by the day only: cash_spend and voucher_spend (Airbyte's first connector asked for them at
 * advertiser level by DAY only; asked for in lifetime reports they failed with 40002, airbytehq/airbyte#11375).
 * Unique-user metrics (reach, frequency) are served by the hour: Airbyte's hourly streams have sent them since 2021.
 */
const DAILY_ONLY: ReadonlySet<string> = new Set(['cash_spend', 'voucher_spend']);

/** Whether TikTok serves the metric at this granularity. */
export function metricServedAt(metric: string, granularity: 'hour' | 'day' | 'lifetime'): boolean {
  return granularity === 'day' || !DAILY_ONLY.has(metric);
}

/** Metrics that add up across rows: what reconciliation with TikTok's totals compares. */
export const RECONCILED_METRICS: readonly string[] = ['spend', 'impressions', 'clicks', 'conversion'];

/**
 * Airbyte's C21: the attribute and conversion/result metrics its ad-group and ad audience and by-country streams
 * send ahead of the shared list.
 */
const C21 = [
  'campaign_name', 'campaign_id', 'adgroup_name', 'placement_type', 'tt_app_id', 'tt_app_name', 'mobile_app_id',
  'promotion_type', 'dpa_target_audience_type', 'conversion', 'cost_per_conversion', 'conversion_rate',
  'real_time_conversion', 'real_time_cost_per_conversion', 'real_time_conversion_rate', 'result', 'cost_per_result',
  'result_rate', 'real_time_result', 'real_time_cost_per_result', 'real_time_result_rate',
] as const;

/**
 * Unique-user metrics. Airbyte asks for them under breakdowns (A24, by-country), but TikTok's per-dimension metric
 * table for audience breakdowns leaves them out and asynchronous reports reject them with audience or country
 * dimensions, so breakdown streams do not send them (a refused metric would fail the whole stream); their
 * schemas still name them.
 */
export const UNIQUE_USER_METRICS: ReadonlySet<string> = new Set(['reach', 'cost_per_1000_reached', 'frequency', 'average_video_play_per_user']);

/** Airbyte's A24 (5.0.3+), the shared list of its audience streams. */
export const AUDIENCE_METRICS: readonly string[] = [
  'spend', 'cpc', 'cpm', 'impressions', 'clicks', 'ctr', 'reach', 'cost_per_1000_reached', 'frequency',
  'video_play_actions', 'video_watched_2s', 'video_watched_6s', 'average_video_play', 'average_video_play_per_user',
  'video_views_p25', 'video_views_p50', 'video_views_p75', 'video_views_p100', 'profile_visits', 'likes', 'comments',
  'shares', 'follows', 'clicks_on_music_disc',
];

/** The per-level lists Airbyte's audience streams send before A24. */
export const AUDIENCE_LEVEL_METRICS = {
  advertiser: [],
  campaign: ['campaign_name'],
  adgroup: [...C21],
  ad: [...C21, 'adgroup_id', 'ad_name', 'ad_text'],
} as const satisfies Record<string, readonly string[]>;

