import type { Level, ReportType } from './definitions.ts';
import { COMMON_METRICS, LEVEL_METRICS } from './metrics.ts';

// What TikTok's report API accepts per report type, as its documentation states it ("Report types", "Run a
// synchronous report", "Audience reports", "Supported metrics for a dimension in audience reports"), restated
// in ../shared/tiktok-api.md §Synchronous reports and ../shared/tiktok-streams.md §4–5. Custom report
// definitions are checked against this table before any request, so a typo is a config_error naming the report
// and the field instead of a 40002 in the middle of a sync. It is kept apart from the emulator's own rules on
// purpose: each side is held to the documentation, not to the other.

export type DataLevel = `AUCTION_${'ADVERTISER' | 'CAMPAIGN' | 'ADGROUP' | 'AD'}`;

export const DATA_LEVELS: Readonly<Record<DataLevel, Level>> = {
  AUCTION_ADVERTISER: 'advertiser',
  AUCTION_CAMPAIGN: 'campaign',
  AUCTION_ADGROUP: 'adgroup',
  AUCTION_AD: 'ad',
};

export const TIME_DIMENSIONS = ['stat_time_day', 'stat_time_hour'] as const;
export type TimeDimension = (typeof TIME_DIMENSIONS)[number];

/** TikTok's cap on dimensions per query, id and time dimensions included. */
export const MAX_DIMENSIONS = 4;

export interface ReportTypeRules {
  /** Id dimensions the type is keyed by; a query names exactly one. */
  idDimensions: (level: Level) => readonly string[];
  timeDimensions: readonly TimeDimension[];
  /** Whether a query without a time dimension (query_lifetime) is allowed. */
  lifetime: boolean;
  breakdowns: readonly string[];
  /** At least one breakdown is required (an AUDIENCE query without one is a BASIC query). */
  needsBreakdown: boolean;
  /** Breakdowns that may be combined in one query; any other breakdown goes alone. */
  combinable: ReadonlySet<string>;
  /** Metrics by level; level attributes (names, parent ids) only where TikTok has them. */
  metrics: (level: Level) => ReadonlySet<string>;
  /** Asynchronous report tasks serve the type (PLAYABLE_MATERIAL is synchronous only). */
  async: boolean;
}

const LEVEL_ID = (level: Level) => [`${level}_id`];

/** Unique-visitor metrics: TikTok computes them neither by the hour nor by audience segment. */
export const UV_METRICS: ReadonlySet<string> = new Set(['reach', 'frequency', 'cost_per_1000_reached', 'average_video_play_per_user']);

/** Documented BASIC metrics beyond the table the built-in streams ask for (typed as text: see metrics.ts). */
const MORE_BASIC_METRICS = [
  'gross_impressions', 'engaged_view', 'engaged_view_15s', 'paid_engaged_view', 'paid_engagement_engaged_view',
  'purchase', 'cost_per_purchase', 'purchase_rate', 'complete_payment', 'cost_per_complete_payment',
  'complete_payment_rate', 'total_complete_payment_rate', 'value_per_complete_payment', 'total_purchase_value',
  'registration', 'cost_per_registration', 'registration_rate', 'sales_lead', 'cost_per_sales_lead',
  'total_sales_lead_value', 'landing_page_view', 'cost_per_landing_page_view', 'profile_visits_rate',
  'billed_cost', 'onsite_shopping', 'cost_per_onsite_shopping',
];

const ATTRIBUTES: Record<Level, readonly string[]> = LEVEL_METRICS;

const basicMetrics = (level: Level): ReadonlySet<string> => new Set([...COMMON_METRICS, ...MORE_BASIC_METRICS, ...ATTRIBUTES[level]]);

/** What Airbyte's audience streams ask for and TikTok answers (tiktok-streams.md §4 A24 + C21), UV metrics aside. */
const AUDIENCE_DELIVERY = [
  'spend', 'cpc', 'cpm', 'impressions', 'gross_impressions', 'clicks', 'ctr', 'video_play_actions', 'video_watched_2s',
  'video_watched_6s', 'average_video_play', 'video_views_p25', 'video_views_p50', 'video_views_p75',
  'video_views_p100', 'profile_visits', 'likes', 'comments', 'shares', 'follows', 'clicks_on_music_disc',
  'conversion', 'cost_per_conversion', 'conversion_rate', 'real_time_conversion', 'real_time_cost_per_conversion',
  'real_time_conversion_rate', 'result', 'cost_per_result', 'result_rate', 'real_time_result',
  'real_time_cost_per_result', 'real_time_result_rate',
];
const AUDIENCE_ATTRIBUTES: Record<Level, readonly string[]> = {
  advertiser: [],
  campaign: ['campaign_name'],
  adgroup: ['campaign_name', 'campaign_id', 'adgroup_name', 'placement_type', 'tt_app_id', 'tt_app_name', 'mobile_app_id', 'promotion_type', 'dpa_target_audience_type'],
  ad: ['campaign_name', 'campaign_id', 'adgroup_name', 'adgroup_id', 'ad_name', 'ad_text', 'placement_type', 'tt_app_id', 'tt_app_name', 'mobile_app_id', 'promotion_type', 'dpa_target_audience_type'],
};

/** Delivery metrics of playable and catalog reports (their own tables are narrower than BASIC's; unconfirmed beyond these). */
const DELIVERY = ['spend', 'impressions', 'clicks', 'ctr', 'cpc', 'cpm', 'conversion', 'cost_per_conversion', 'conversion_rate'];

export const REPORT_TYPES: Readonly<Record<ReportType, ReportTypeRules>> = {
  BASIC: {
    // At AUCTION_AD, ad_id_v2 keys Upgraded Smart+ ads by their asset group (the Upgraded Smart+ guide).
    idDimensions: (level) => (level === 'ad' ? ['ad_id', 'ad_id_v2'] : LEVEL_ID(level)),
    timeDimensions: TIME_DIMENSIONS,
    lifetime: true,
    // By-country BASIC reports, as Airbyte's *_reports_by_country streams ask for them.
    breakdowns: ['country_code'],
    needsBreakdown: false,
    combinable: new Set(),
    metrics: basicMetrics,
    async: true,
  },
  AUDIENCE: {
    idDimensions: LEVEL_ID,
    // TikTok answers stat_time_hour with AUDIENCE by 40002 ("Conflict occurs…"), and has no lifetime for it.
    timeDimensions: ['stat_time_day'],
    lifetime: false,
    breakdowns: [
      'gender', 'age', 'country_code', 'ac', 'language', 'platform', 'interest_category', 'placement', 'contextual_tag',
      'province_id', 'dma_id', 'device_brand_id', 'ad_type', 'interest_category_tier2', 'interest_category_tier3',
      'interest_category_tier4', 'hashtag', 'audience_tags', 'additional_interests', 'behavior_id', 'purchase_intention',
    ],
    needsBreakdown: true,
    // gender+age is the one documented grouping; TikTok's grouping table for others is not public.
    combinable: new Set(['gender', 'age']),
    metrics: (level) => new Set([...AUDIENCE_DELIVERY, ...AUDIENCE_ATTRIBUTES[level]]),
    async: true,
  },
  PLAYABLE_MATERIAL: {
    // Per playable, over the whole life or a date range: TikTok's groupings are playable_id and playable_id +
    // country_code, with no time dimension.
    idDimensions: () => ['playable_id'],
    timeDimensions: [],
    lifetime: true,
    breakdowns: ['country_code'],
    needsBreakdown: false,
    combinable: new Set(),
    metrics: () => new Set(DELIVERY),
    async: false,
  },
  CATALOG: {
    // TikTok's CATALOG dimension table is not public (tiktok-streams.md §5): only what is known to work, one
    // catalogue breakdown at a time, by day.
    idDimensions: LEVEL_ID,
    timeDimensions: ['stat_time_day'],
    lifetime: false,
    breakdowns: ['catalog_id', 'product_id'],
    needsBreakdown: false,
    combinable: new Set(),
    metrics: (level) => new Set([...DELIVERY, 'result', 'cost_per_result', 'result_rate', ...AUDIENCE_ATTRIBUTES[level]]),
    async: true,
  },
};

/** Advertiser-level money split TikTok refuses in lifetime queries (airbytehq/airbyte #11375). */
export const NOT_LIFETIME: ReadonlySet<string> = new Set(['cash_spend', 'voucher_spend']);

/** Every id dimension any report type names: a dimension here is never a breakdown. */
export const ID_DIMENSIONS: ReadonlySet<string> = new Set(['advertiser_id', 'campaign_id', 'adgroup_id', 'ad_id', 'ad_id_v2', 'playable_id']);

/** TikTok's filter operators for report filtering. */
export const FILTER_TYPES: ReadonlySet<string> = new Set([
  'IN', 'NOT_IN', 'CONTAIN_ANY_OF', 'MATCH', 'GREATER_EQUAL', 'GREATER_THAN', 'LOWER_EQUAL', 'LOWER_THAN', 'BETWEEN',
]);
/** Operators whose filter_value is a JSON array of values. */
export const LIST_FILTER_TYPES: ReadonlySet<string> = new Set(['IN', 'NOT_IN', 'CONTAIN_ANY_OF']);

/** The shape of a report query, as far as TikTok's rules below look at it. */
export interface ReportShape {
  reportType: ReportType;
  /** Empty for a report of breakdowns only (no id dimension). */
  idDimension: string;
  timeDimension: TimeDimension | undefined;
  breakdowns?: readonly string[] | undefined;
  metrics: readonly string[];
}

/**
 * TikTok gives `total_metrics` (enable_total_metrics) for auction BASIC reports whose dimensions are one id and/or
 * stat_time_day only: not by the hour, not under any breakdown (country included), not AUDIENCE, never in the
 * sandbox ("Run a synchronous report", doc 1740302848100353).
 */
export function totalsAvailable(shape: ReportShape, sandbox: boolean): boolean {
  if (sandbox || shape.reportType !== 'BASIC') return false;
  if ((shape.breakdowns ?? []).length > 0 || shape.timeDimension === 'stat_time_hour') return false;
  return shape.idDimension !== '' || shape.timeDimension === 'stat_time_day';
}

/** Filters a report task takes ("Create an asynchronous report task", doc 1740302766489602): ids only. */
const TASK_FILTER_FIELDS: ReadonlySet<string> = new Set(['campaign_ids', 'adgroup_ids', 'ad_ids']);
/** Refused by tasks with audience dimensions (country_code included): unique-visitor, `result` family, live plays. */
const TASK_REFUSED_WITH_AUDIENCE: ReadonlySet<string> = new Set([
  ...UV_METRICS, 'result', 'cost_per_result', 'result_rate', 'real_time_result', 'real_time_cost_per_result',
  'real_time_result_rate', 'secondary_goal_result', 'cost_per_secondary_goal_result', 'secondary_goal_result_rate',
  'live_play_count',
]);
/** Refused by tasks of BASIC reports by country besides the above: app and purchase events. */
const TASK_REFUSED_BY_COUNTRY: ReadonlySet<string> = new Set([
  'app_install', 'real_time_app_install', 'real_time_app_install_cost', 'registration', 'cost_per_registration',
  'registration_rate', 'purchase', 'cost_per_purchase', 'purchase_rate', 'complete_payment', 'cost_per_complete_payment',
  'complete_payment_rate', 'total_complete_payment_rate', 'value_per_complete_payment',
]);

/**
 * Why a report task would refuse this query, or undefined when it takes it. Such a query stays on the
 * synchronous lane: a task that fails costs a create from a small daily allowance and the wait for it.
 */
export function taskRefusal(shape: ReportShape, filtering: readonly { field_name: string }[]): string | undefined {
  const filters = filtering.map((f) => f.field_name).filter((name) => !TASK_FILTER_FIELDS.has(name));
  if (filters.length > 0) return `report tasks filter by campaign_ids, adgroup_ids and ad_ids only (not ${filters.join(', ')})`;
  const breakdowns = shape.breakdowns ?? [];
  const audience = shape.reportType === 'AUDIENCE' || breakdowns.includes('country_code');
  if (!audience) return undefined;
  const refused = shape.metrics.filter(
    (m) => TASK_REFUSED_WITH_AUDIENCE.has(m) || (shape.reportType === 'BASIC' && TASK_REFUSED_BY_COUNTRY.has(m)),
  );
  return refused.length > 0 ? `report tasks refuse ${refused.join(', ')} with audience or country dimensions` : undefined;
}

/** TikTok's advice against timeouts for AUDIENCE reports ("Best practices against timeouts"): windows of 7 days. */
export const AUDIENCE_WINDOW_DAYS = 7;
