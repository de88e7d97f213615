// Report data levels and the dimensions TikTok accepts with them.

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

export const ID_DIMENSIONS: ReadonlySet<string> = new Set(Object.values(ID_DIMENSION));
export const TIME_DIMENSIONS: ReadonlySet<string> = new Set(['stat_time_day', 'stat_time_hour']);

/** Audience breakdowns the emulator serves, with the values TikTok reports for them. */
export const BREAKDOWNS: Readonly<Record<string, readonly string[]>> = {
  gender: ['MALE', 'FEMALE', 'NONE'],
  age: ['AGE_13_17', 'AGE_18_24', 'AGE_25_34', 'AGE_35_44', 'AGE_45_54', 'AGE_55_100'],
  country_code: ['US', 'GB', 'DE', 'BR', 'JP'],
  platform: ['ANDROID', 'IOS', 'PC'],
};

export const MAX_DIMENSIONS = 4;
