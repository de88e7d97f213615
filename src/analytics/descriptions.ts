// Words for the columns analysts meet first; everything else is described by its type and origin.

const METRICS: Readonly<Record<string, string>> = {
  spend: "Cost, in the advertiser's currency.",
  impressions: 'Times the ads were shown.',
  clicks: 'Clicks on the ads (destination clicks).',
  ctr: 'Click-through rate, in percent: clicks / impressions × 100.',
  cpc: "Cost per click, in the advertiser's currency.",
  cpm: "Cost per 1,000 impressions, in the advertiser's currency.",
  reach: 'Unique users who saw the ads (not additive across rows).',
  frequency: 'Average impressions per user reached (not additive).',
  conversion: 'Conversions attributed to the ads (keeps changing for days: attribution window).',
  cost_per_conversion: "Spend / conversions, in the advertiser's currency.",
  conversion_rate: 'Conversions / clicks, in percent.',
  advertiser_id: 'TikTok advertiser id (19 digits, exact).',
  campaign_id: 'TikTok campaign id.',
  adgroup_id: 'TikTok ad group id.',
  ad_id: 'TikTok ad id.',
  stat_time_day: "The report day, in the advertiser's time zone.",
  stat_time_hour: "The report hour, in the advertiser's time zone (timestamp without time zone).",
  gender: 'Audience breakdown: MALE, FEMALE, NONE.',
  age: 'Audience breakdown: AGE_13_17 … AGE_55_100.',
  country_code: 'Breakdown: ISO 3166 country code.',
  platform: 'Audience breakdown: ANDROID, IOS, PC.',
  province_id: 'Audience breakdown: province (location id).',
  language: 'Audience breakdown: language code.',
  modify_time: 'Last modification (UTC), the incremental cursor.',
  _airbyte_extracted_at: 'When the connector read the row (Airbyte column).',
};

/** `documented`: the stream schema's own description of the field, used where the table above has none. */
export function describeColumn(name: string, type: string, origin: 'column' | 'metrics' | 'dimensions', key: boolean, documented?: string): string {
  const known = METRICS[name] ?? documented;
  const where = origin === 'column' ? '' : ` From \`${origin}.${name}\`.`;
  const keyNote = key ? ' Part of the primary key.' : '';
  return `${known ?? `${name} (${type}).`}${where}${keyNote}`;
}
