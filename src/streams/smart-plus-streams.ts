import type { JsonSchema } from '../protocol/types.ts';
import type { EntityStream, SmartPlusMaterialStream } from './definitions.ts';
import { entityStream } from './entity-stream.ts';
import { type FieldTable, fieldSchema, objectSchema } from './fields.ts';
import { AD_GROUP_FIELDS, CAMPAIGN_FIELDS } from './entity-fields.ts';
import { METRIC_FIELD_TYPES, METRIC_TYPES } from './metrics.ts';

// Upgraded Smart+ as data: its entity lists (smart_plus/campaign|adgroup|ad/get/) and its creative reports
// (smart_plus/material_report/overview|breakdown/). The asset-group report streams are ordinary report streams
// keyed by ad_id_v2 (definitions.ts). Facts: TikTok's SDK models of these endpoints and its Upgraded Smart+ guide.

/** The Smart+ lists and creative reports take at most 100 rows a page. */
export const SMART_PLUS_PAGE_SIZE = 100;

/** What `smart_plus/ad/get/` answers per Smart+ ad (asset group); creatives, texts and URLs come as lists. */
const SMART_PLUS_AD_FIELDS: FieldTable = {
  smart_plus_ad_id: 'id', advertiser_id: 'id', campaign_id: 'id', adgroup_id: 'id', ad_name: 'str',
  operation_status: 'str', secondary_status: 'str', creative_list: 'obj[]', ad_text_list: 'obj[]',
  landing_page_url_list: 'obj[]', call_to_action_list: 'obj[]', deeplink_list: 'obj[]', page_list: 'obj[]',
  ad_configuration: 'obj', create_time: 'ts', modify_time: 'ts',
};

const SMART_PLUS_AUTOMATION: FieldTable = { campaign_automation_type: 'str' };

export const SMART_PLUS_ENTITY_STREAMS: readonly EntityStream[] = [
  entityStream('smart_plus_campaigns', 'smart_plus/campaign/get/', 'campaign_id', 'CAMPAIGN_STATUS_ALL', { ...CAMPAIGN_FIELDS, ...SMART_PLUS_AUTOMATION }, SMART_PLUS_PAGE_SIZE),
  entityStream('smart_plus_ad_groups', 'smart_plus/adgroup/get/', 'adgroup_id', 'ADGROUP_STATUS_ALL', { ...AD_GROUP_FIELDS, ...SMART_PLUS_AUTOMATION }, SMART_PLUS_PAGE_SIZE),
  entityStream('smart_plus_ads', 'smart_plus/ad/get/', 'smart_plus_ad_id', 'AD_STATUS_ALL', SMART_PLUS_AD_FIELDS, SMART_PLUS_PAGE_SIZE),
];

/** Metrics of the creative reports (TikTok's "Supported ad-level metrics for Upgraded Smart+ Creative Reports"). */
export const MATERIAL_METRICS: readonly string[] = [
  'spend', 'impressions', 'clicks', 'ctr', 'cpc', 'cpm', 'conversion', 'cost_per_conversion', 'conversion_rate',
  'video_play_actions', 'video_watched_2s', 'video_watched_6s', 'average_video_play', 'video_views_p25',
  'video_views_p50', 'video_views_p75', 'video_views_p100', 'profile_visits', 'likes', 'comments', 'shares', 'follows',
];

/** A creative row's own dimensions: the Smart+ ad and its main creative (an id TikTok gives as text: video ids). */
const MATERIAL_DIMENSIONS: FieldTable = { smart_plus_ad_id: 'id', main_material_id: 'str', main_material_type: 'str' };

function materialSchema(time: string | undefined): JsonSchema {
  const dimensionFields: FieldTable = { ...MATERIAL_DIMENSIONS, ...(time ? { [time]: 'ts' } : {}) };
  const metrics: Record<string, JsonSchema> = {};
  for (const m of MATERIAL_METRICS) metrics[m] = fieldSchema(METRIC_FIELD_TYPES[METRIC_TYPES.get(m) ?? 'string']);
  return objectSchema({ advertiser_id: 'id', ...dimensionFields }, {
    dimensions: { type: ['null', 'object'], additionalProperties: true, properties: objectSchema(dimensionFields)['properties'] },
    metrics: { type: ['null', 'object'], additionalProperties: true, properties: metrics },
  });
}

const material = (
  name: string,
  path: SmartPlusMaterialStream['path'],
  timeDimension: SmartPlusMaterialStream['timeDimension'],
  windowDays: number,
): SmartPlusMaterialStream => ({
  kind: 'smart_plus_material',
  name,
  path,
  timeDimension,
  windowDays,
  metrics: MATERIAL_METRICS,
  schema: materialSchema(timeDimension),
  primaryKey: ['smart_plus_ad_id', 'main_material_id', ...(timeDimension ? [timeDimension] : [])],
  cursorField: timeDimension,
});

/**
 * The creative reports: the overview over the ads' lifetime (TikTok's overview has no time breakdown), the
 * breakdown by day (30-day windows, checkpointed like the other daily reports) and by hour (TikTok allows 7 days).
 */
export const SMART_PLUS_MATERIAL_STREAMS: readonly SmartPlusMaterialStream[] = [
  material('smart_plus_material_reports_lifetime', 'smart_plus/material_report/overview/', undefined, 0),
  material('smart_plus_material_reports_daily', 'smart_plus/material_report/breakdown/', 'stat_time_day', 30),
  material('smart_plus_material_reports_hourly', 'smart_plus/material_report/breakdown/', 'stat_time_hour', 7),
];
