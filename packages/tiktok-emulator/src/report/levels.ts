// Report data levels and the dimensions TikTok accepts with each report type.
//
// Sources: TikTok's "Run a synchronous report" and "Audience reports" pages as restated in
// ../shared/tiktok-streams.md §4–§5 (AUDIENCE breakdowns gender, age, country_code, ac, language, platform,
// province_id…; gender+age go together, other breakdowns singly; no stat_time_hour; no lifetime; lifetime
// forbids time, audience and country_code breakdowns), Airbyte's by-country BASIC streams (BASIC with
// [ad_id|adgroup_id, stat_time_day|stat_time_hour, country_code]), TikTok's playable report groupings
// (playable_id, playable_id + country_code). CATALOG dimensions are unconfirmed: the emulator serves the level's
// id, stat_time_day and one of catalog_id / product_id.

import type { ReportType } from './metrics.ts';

export type Level = 'ADVERTISER' | 'CAMPAIGN' | 'ADGROUP' | 'AD';

export const DATA_LEVELS: Readonly<Record<string, Level>> = {
  AUCTION_ADVERTISER: 'ADVERTISER',
  AUCTION_CAMPAIGN: 'CAMPAIGN',
  AUCTION_ADGROUP: 'ADGROUP',
  AUCTION_AD: 'AD',
};

/** The id dimension that belongs to each level. */
export const ID_DIMENSION: Readonly<Record<Level, string>> = {
  ADVERTISER: 'advertiser_id',
  CAMPAIGN: 'campaign_id',
  ADGROUP: 'adgroup_id',
  AD: 'ad_id',
};

/**
 * AUCTION_AD also takes ad_id_v2 instead of ad_id: one row per Upgraded Smart+ ad (asset group) rather than per
 * creative; other ads keep their ad_id as their ad_id_v2 (the Upgraded Smart+ guide, doc 1854103649826817).
 */
export const ASSET_GROUP_DIMENSION = 'ad_id_v2';

export const ID_DIMENSIONS: ReadonlySet<string> = new Set([...Object.values(ID_DIMENSION), ASSET_GROUP_DIMENSION]);
export const TIME_DIMENSIONS: ReadonlySet<string> = new Set(['stat_time_day', 'stat_time_hour']);

/**
 * Breakdowns with fixed values, as TikTok reports them. Every one splits a row's figures by the same integer
 * rule, so the buckets add up exactly to the unbroken row. (product_id and catalog_id depend on the
 * advertiser: see creatives.ts.)
 */
export const BREAKDOWNS: Readonly<Record<string, readonly string[]>> = {
  gender: ['MALE', 'FEMALE', 'NONE'],
  age: ['AGE_13_17', 'AGE_18_24', 'AGE_25_34', 'AGE_35_44', 'AGE_45_54', 'AGE_55_100'],
  country_code: ['US', 'GB', 'DE', 'BR', 'JP'],
  platform: ['ANDROID', 'IOS', 'PC'],
  // TikTok location ids (GeoNames) of first-level regions: California, Texas, New York, Florida, Bavaria, São Paulo.
  province_id: ['5332921', '4736286', '5128638', '4155751', '2951839', '3448433'],
  language: ['en', 'es', 'de', 'pt', 'ja', 'fr'],
  ac: ['WIFI', '2G', '3G', '4G', '5G'],
};

/** AUDIENCE breakdowns and the sets TikTok accepts together: gender and age (alone or together), others alone. */
export const AUDIENCE_BREAKDOWNS: ReadonlySet<string> = new Set(['gender', 'age', 'country_code', 'platform', 'province_id', 'language', 'ac']);
export const BASIC_BREAKDOWNS: ReadonlySet<string> = new Set(['country_code']);
export const PLAYABLE_BREAKDOWNS: ReadonlySet<string> = new Set(['country_code']);
export const CATALOG_BREAKDOWNS: ReadonlySet<string> = new Set(['catalog_id', 'product_id']);

export function breakdownsAllowed(reportType: ReportType): ReadonlySet<string> {
  switch (reportType) {
    case 'BASIC': return BASIC_BREAKDOWNS;
    case 'AUDIENCE': return AUDIENCE_BREAKDOWNS;
    case 'PLAYABLE_MATERIAL': return PLAYABLE_BREAKDOWNS;
    case 'CATALOG': return CATALOG_BREAKDOWNS;
  }
}

/** Whether the breakdowns of one query form a grouping TikTok serves (each list already known to the type). */
export function validCombination(reportType: ReportType, breakdowns: readonly string[]): boolean {
  if (reportType === 'AUDIENCE') {
    if (breakdowns.length === 0) return false;
    if (breakdowns.length === 1) return true;
    return breakdowns.length === 2 && breakdowns.includes('gender') && breakdowns.includes('age');
  }
  return breakdowns.length <= 1;
}

export const MAX_DIMENSIONS = 4;
