import type { JsonSchema } from '../protocol/types.ts';
import type { StreamBase } from './definitions.ts';
import { type FieldTable, fieldSchema, objectSchema } from './fields.ts';

// TikTok Shop GMV Max as rows of the stream table: shops, campaigns and the GMV Max report
// (gmv_max/report/get/), which report/integrated/get/ does not cover. TikTok's rules, from its "GMV Max report"
// page and its SDK's request shape: one store a call, a filtering object naming the promotion type (PRODUCT or
// LIVE), item_id only with campaign_ids and item_group_ids, spans of 30 days by day and 1 day by hour.

export type GmvPromotion = 'PRODUCT' | 'LIVE';

/** Shops the ad account can see (gmv_max/store/list/), GMV Max available or not. */
export interface GmvMaxStoreStream extends StreamBase {
  kind: 'gmv_max_stores';
  fields: FieldTable;
  cursorField: undefined;
}

/** GMV Max campaigns (gmv_max/campaign/get/, one list per promotion type), incremental client-side on modify_time. */
export interface GmvMaxCampaignStream extends StreamBase {
  kind: 'gmv_max_campaigns';
  fields: FieldTable;
  cursorField: 'modify_time';
}

export interface GmvMaxReportStream extends StreamBase {
  kind: 'gmv_max_report';
  /** The one main dimension the rows are broken down by. */
  mainDimension: 'campaign_id' | 'item_group_id' | 'item_id' | 'room_id';
  timeDimension: 'stat_time_day' | 'stat_time_hour';
  /** The metrics asked for under each promotion type the stream reads (one query per type). */
  metrics: Readonly<Partial<Record<GmvPromotion, readonly string[]>>>;
  cursorField: 'stat_time_day' | 'stat_time_hour';
}

export type GmvMaxStream = GmvMaxStoreStream | GmvMaxCampaignStream | GmvMaxReportStream;

/** The first day TikTok records GMV Max orders and gross revenue for. */
export const GMV_MAX_ORDERS_SINCE = '2024-09-27';

/** Metrics that count orders or revenue: null for days before GMV_MAX_ORDERS_SINCE, never 0. */
export const GMV_MAX_ORDER_METRICS: ReadonlySet<string> = new Set(['orders', 'cost_per_order', 'gross_revenue', 'roi', 'ad_conversion_rate']);

const BEFORE = `; null for days before ${GMV_MAX_ORDERS_SINCE}, which TikTok has no orders or revenue for (never 0)`;

/** Each GMV Max metric's type and meaning (TikTok's "GMV Max report" metric table). */
const GMV_MAX_METRICS: Readonly<Record<string, { type: 'int' | 'num'; description: string }>> = {
  cost: { type: 'num', description: 'Spend of the GMV Max ads, in the ad account currency' },
  net_cost: { type: 'num', description: 'Spend minus ad credits and coupons TikTok funded, in the ad account currency' },
  orders: { type: 'int', description: `Orders of the promoted products (paid, organic and affiliate together)${BEFORE}` },
  cost_per_order: { type: 'num', description: `cost / orders${BEFORE}` },
  gross_revenue: {
    type: 'num',
    description: `Gross revenue of the promoted products, counted per SKU over paid, organic and affiliate orders: not addable to the shop's revenue${BEFORE}`,
  },
  roi: { type: 'num', description: `gross_revenue / cost${BEFORE}` },
  product_impressions: { type: 'int', description: 'Impressions of the promoted products (cost may come without any)' },
  product_clicks: { type: 'int', description: 'Clicks on the promoted products (cost may come without any)' },
  product_click_rate: { type: 'num', description: 'product_clicks / product_impressions, in percent' },
  ad_click_rate: { type: 'num', description: 'Clicks of paid views / paid views, in percent' },
  ad_conversion_rate: { type: 'num', description: `Orders / paid clicks, in percent${BEFORE}` },
  ad_video_view_rate_2s: { type: 'num', description: 'Paid plays watched 2 seconds, in percent' },
  ad_video_view_rate_6s: { type: 'num', description: 'Paid plays watched 6 seconds, in percent' },
  ad_video_view_rate_p25: { type: 'num', description: 'Paid plays watched to 25 %, in percent' },
  ad_video_view_rate_p50: { type: 'num', description: 'Paid plays watched to 50 %, in percent' },
  ad_video_view_rate_p75: { type: 'num', description: 'Paid plays watched to 75 %, in percent' },
  ad_video_view_rate_p100: { type: 'num', description: 'Paid plays watched to the end, in percent' },
  live_views: { type: 'int', description: 'Views of the LIVE' },
  cost_per_live_view: { type: 'num', description: 'cost / live_views' },
  '10_second_live_views': { type: 'int', description: 'Views of the LIVE of at least 10 seconds' },
  cost_per_10_second_live_view: { type: 'num', description: 'cost / 10_second_live_views' },
  live_follows: { type: 'int', description: 'Follows gained during the LIVE' },
};

export const GMV_MAX_METRIC_TYPES: ReadonlyMap<string, 'int' | 'num'> = new Map(Object.entries(GMV_MAX_METRICS).map(([name, m]) => [name, m.type]));

const COMMON = ['cost', 'net_cost', 'orders', 'cost_per_order', 'gross_revenue', 'roi'];
const PRODUCT = [...COMMON, 'product_impressions', 'product_clicks', 'product_click_rate', 'ad_click_rate', 'ad_conversion_rate'];
const CREATIVE = [
  ...PRODUCT, 'ad_video_view_rate_2s', 'ad_video_view_rate_6s', 'ad_video_view_rate_p25', 'ad_video_view_rate_p50',
  'ad_video_view_rate_p75', 'ad_video_view_rate_p100',
];
const LIVE = [...COMMON, 'live_views', 'cost_per_live_view', '10_second_live_views', 'cost_per_10_second_live_view', 'live_follows'];

export const GMV_MAX_STORE_FIELDS: FieldTable = {
  advertiser_id: 'id',
  store_id: 'id',
  store_name: 'str',
  store_code: 'str',
  store_status: 'str',
  store_role: 'str',
  is_gmv_max_available: 'bool',
  is_owner_bc: 'bool',
  store_authorized_bc_id: 'id',
  store_authorized_bc_info: 'obj',
  exclusive_authorized_advertiser_info: 'obj',
  targeting_region_codes: 'str[]',
  thumbnail_url: 'str',
};

export const GMV_MAX_CAMPAIGN_FIELDS: FieldTable = {
  advertiser_id: 'id',
  campaign_id: 'id',
  campaign_name: 'str',
  gmv_max_promotion_type: 'str',
  operation_status: 'str',
  secondary_status: 'str',
  objective_type: 'str',
  roi_protection_compensation_status: 'str',
  create_time: 'ts',
  modify_time: 'ts',
};

function described(schema: JsonSchema, description: string): JsonSchema {
  return { ...schema, description };
}

function gmvMaxReportSchema(main: GmvMaxReportStream['mainDimension'], time: GmvMaxReportStream['timeDimension'], metrics: readonly string[], campaignColumn: boolean): JsonSchema {
  const dimensionFields: FieldTable = { [main]: 'id', [time]: 'ts' };
  const metricFields: Record<string, JsonSchema> = {};
  for (const name of metrics) {
    const metric = GMV_MAX_METRICS[name]!;
    metricFields[name] = described(fieldSchema(metric.type), `${metric.description}.`);
  }
  const top: FieldTable = {
    advertiser_id: 'id',
    store_id: 'id',
    ...(campaignColumn ? { campaign_id: 'id' } : {}),
    ...dimensionFields,
    gmv_max_promotion_type: 'str',
  };
  return objectSchema(top, {
    dimensions: { type: ['null', 'object'], additionalProperties: true, properties: objectSchema(dimensionFields)['properties'] },
    metrics: { type: ['null', 'object'], additionalProperties: true, properties: metricFields },
  });
}

function report(
  name: string,
  main: GmvMaxReportStream['mainDimension'],
  time: GmvMaxReportStream['timeDimension'],
  metrics: GmvMaxReportStream['metrics'],
): GmvMaxReportStream {
  // The creative report is read per campaign (TikTok wants campaign_ids with item_id): the campaign is in its key.
  const byCampaign = main === 'item_id';
  const listed = [...new Set(Object.values(metrics).flat())];
  return {
    kind: 'gmv_max_report',
    name,
    mainDimension: main,
    timeDimension: time,
    metrics,
    schema: gmvMaxReportSchema(main, time, listed, byCampaign),
    primaryKey: ['store_id', ...(byCampaign ? ['campaign_id'] : []), main, time],
    cursorField: time,
  };
}

export const GMV_MAX_STREAMS: readonly GmvMaxStream[] = [
  {
    kind: 'gmv_max_stores',
    name: 'gmv_max_stores',
    fields: GMV_MAX_STORE_FIELDS,
    schema: objectSchema(GMV_MAX_STORE_FIELDS),
    primaryKey: ['advertiser_id', 'store_id'],
    cursorField: undefined,
  },
  {
    kind: 'gmv_max_campaigns',
    name: 'gmv_max_campaigns',
    fields: GMV_MAX_CAMPAIGN_FIELDS,
    schema: objectSchema(GMV_MAX_CAMPAIGN_FIELDS),
    primaryKey: ['campaign_id'],
    cursorField: 'modify_time',
  },
  report('gmv_max_campaign_reports_daily', 'campaign_id', 'stat_time_day', { PRODUCT, LIVE }),
  report('gmv_max_campaign_reports_hourly', 'campaign_id', 'stat_time_hour', { PRODUCT, LIVE }),
  report('gmv_max_product_reports_daily', 'item_group_id', 'stat_time_day', { PRODUCT }),
  report('gmv_max_creative_reports_daily', 'item_id', 'stat_time_day', { PRODUCT: CREATIVE }),
  report('gmv_max_live_reports_daily', 'room_id', 'stat_time_day', { LIVE }),
];
