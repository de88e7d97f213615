// gmv_max/report/get/ as TikTok documents it ("GMV Max report", API for Business v1.3, and the request shape of
// TikTok's own SDK): one store a call, 1–3 main dimensions beside at most one time dimension, a filtering
// object whose gmv_max_promotion_types says PRODUCT or LIVE, item_id only within given campaigns and product
// groups, spans of 30 days by day, 1 day by hour and 365 days without a time dimension, pages of up to 1,000.

import { formatStatTime, parseDay } from '../data/calendar.ts';
import { type GmvAccount, type GmvFact, type GmvPromotion, GMV_ORDERS_SINCE_DAY, gmvFacts } from '../data/gmv-max.ts';
import type { Advertiser } from '../data/model.ts';
import { ApiError, paramError } from '../http/api-error.ts';
import type { Params } from '../http/params.ts';
import { filteringObject, filterIds } from '../routes/asset-params.ts';

const TIME_DIMENSIONS = ['stat_time_day', 'stat_time_hour'] as const;
const MAIN_DIMENSIONS = ['advertiser_id', 'campaign_id', 'item_group_id', 'item_id', 'room_id'] as const;
const FILTER_FIELDS = [
  'campaign_ids', 'campaign_name', 'campaign_statuses', 'creative_delivery_statuses', 'creative_types',
  'gmv_max_promotion_types', 'item_group_ids', 'item_ids', 'room_ids', 'search_word',
];

/** The filter's campaign statuses (its SDK's enum): deleted campaigns are left out unless STATUS_DELETE is named. */
const CAMPAIGN_STATUSES = ['STATUS_DELETE', 'STATUS_DELIVERY_OK', 'STATUS_DISABLE', 'STATUS_NOT_DELIVERY'];

const COMMON_METRICS = ['cost', 'net_cost', 'orders', 'cost_per_order', 'gross_revenue', 'roi'];
const METRICS: Readonly<Record<GmvPromotion, readonly string[]>> = {
  PRODUCT: [
    ...COMMON_METRICS, 'product_impressions', 'product_clicks', 'product_click_rate', 'ad_click_rate', 'ad_conversion_rate',
    'ad_video_view_rate_2s', 'ad_video_view_rate_6s', 'ad_video_view_rate_p25', 'ad_video_view_rate_p50', 'ad_video_view_rate_p75',
    'ad_video_view_rate_p100',
  ],
  LIVE: [...COMMON_METRICS, 'live_views', 'cost_per_live_view', '10_second_live_views', 'cost_per_10_second_live_view', 'live_follows'],
};
/** Metrics that count orders or revenue: "-" for days before 2024-09-27, when TikTok did not record them. */
const ORDER_METRICS = new Set(['orders', 'cost_per_order', 'gross_revenue', 'roi', 'ad_conversion_rate']);

/** Days a query may span, by its time dimension. */
const MAX_DAYS = { stat_time_day: 30, stat_time_hour: 1, none: 365 } as const;

export interface GmvQuery {
  store: string;
  dimensions: string[];
  metrics: string[];
  promotions: GmvPromotion[];
  startDay: number;
  endDay: number;
  campaignIds: Set<string> | undefined;
  itemGroupIds: Set<string> | undefined;
  itemIds: Set<string> | undefined;
  roomIds: Set<string> | undefined;
  withDeleted: boolean;
}

export function parseGmvQuery(params: Params, advertiser: Advertiser, account: GmvAccount): GmvQuery {
  const stores = params.stringArray('store_ids');
  if (stores === undefined || stores.length !== 1) throw paramError('store_ids: Length must be between 1 and 1.');
  const store = stores[0]!;
  const known = account.stores.find((s) => s.id === store);
  if (known === undefined || !known.available) {
    throw new ApiError(40001, `No permission to operate store ${store}: it is not authorized for GMV Max in advertiser ${advertiser.id}.`);
  }
  const dimensions = params.stringArray('dimensions', 4);
  if (dimensions === undefined || dimensions.length === 0) throw paramError('dimensions: Missing data for required field.');
  for (const d of dimensions) {
    if (!(TIME_DIMENSIONS as readonly string[]).includes(d) && !(MAIN_DIMENSIONS as readonly string[]).includes(d)) throw paramError(`dimensions: Invalid dimension ${d}.`);
  }
  const times = dimensions.filter((d) => (TIME_DIMENSIONS as readonly string[]).includes(d));
  const mains = dimensions.length - times.length;
  if (times.length > 1) throw paramError('dimensions: At most one time dimension.');
  if (mains < 1 || mains > 3) throw paramError('dimensions: GMV Max Report must have 1-3 main dimensions.');

  const filter = filteringObject(params, FILTER_FIELDS);
  const types = filter['gmv_max_promotion_types'];
  if (!Array.isArray(types) || types.length === 0 || types.length > 2 || !types.every((t) => t === 'PRODUCT' || t === 'LIVE')) {
    throw paramError('filtering.gmv_max_promotion_types: Required, one or both of PRODUCT, LIVE.');
  }
  const promotions = [...new Set(types as GmvPromotion[])];
  const productOnly = dimensions.includes('item_group_id') || dimensions.includes('item_id');
  if (productOnly && (promotions.length !== 1 || promotions[0] !== 'PRODUCT')) throw paramError('dimensions: item_group_id and item_id need gmv_max_promotion_types ["PRODUCT"].');
  if (dimensions.includes('room_id') && (promotions.length !== 1 || promotions[0] !== 'LIVE')) throw paramError('dimensions: room_id needs gmv_max_promotion_types ["LIVE"].');
  const statuses = filter['campaign_statuses'];
  if (statuses !== undefined && (!Array.isArray(statuses) || statuses.length > 4 || !statuses.every((x) => typeof x === 'string' && CAMPAIGN_STATUSES.includes(x)))) {
    throw paramError(`filtering.campaign_statuses: Must be a list of ${CAMPAIGN_STATUSES.join(', ')}.`);
  }
  const campaignIds = filterIds(filter, 'campaign_ids', 100);
  const itemGroupIds = filterIds(filter, 'item_group_ids', 100);
  if (dimensions.includes('item_id') && (campaignIds === undefined || itemGroupIds === undefined)) {
    throw paramError('filtering: item_id needs campaign_ids and item_group_ids in filtering.');
  }

  const metrics = params.stringArray('metrics', 100);
  if (metrics === undefined || metrics.length === 0) throw paramError('metrics: Missing data for required field.');
  for (const promotion of promotions) {
    const bad = metrics.filter((m) => !METRICS[promotion].includes(m));
    if (bad.length > 0) throw paramError(`metrics: Invalid metric(s) for ${promotion} GMV Max: ${bad.join(', ')}.`);
  }

  const startDay = parseDay(params.string('start_date') ?? '');
  const endDay = parseDay(params.string('end_date') ?? '');
  if (startDay === undefined) throw paramError('start_date: Not a valid date (YYYY-MM-DD).');
  if (endDay === undefined) throw paramError('end_date: Not a valid date (YYYY-MM-DD).');
  if (endDay < startDay) throw paramError('end_date: Must not be earlier than start_date.');
  const span = MAX_DAYS[(times[0] as keyof typeof MAX_DAYS | undefined) ?? 'none'];
  if (endDay - startDay + 1 > span) throw paramError(`end_date: The time span must not exceed ${span} days for these dimensions.`);
  return {
    store, dimensions, metrics, promotions, startDay, endDay, campaignIds, itemGroupIds,
    itemIds: filterIds(filter, 'item_ids', 100), roomIds: filterIds(filter, 'room_ids', 100),
    withDeleted: Array.isArray(statuses) && statuses.includes('STATUS_DELETE'),
  };
}

export type GmvRow = { dimensions: Record<string, string>; metrics: Record<string, string> };

/** The query's rows, ordered by their dimension values. */
export function gmvRows(q: GmvQuery, advertiser: Advertiser, account: GmvAccount, today: { day: number; hour: number }): GmvRow[] {
  const groups = new Map<string, { dims: Record<string, string>; facts: GmvFact[] }>();
  for (const promotion of q.promotions) {
    for (const fact of gmvFacts(advertiser, account, q.store, promotion, q.startDay, q.endDay, today)) {
      if (fact.campaign.deletedAfterDay !== undefined && !q.withDeleted) continue;
      if (q.campaignIds && !q.campaignIds.has(fact.campaign.id)) continue;
      if (q.itemGroupIds && (fact.itemGroupId === undefined || !q.itemGroupIds.has(fact.itemGroupId))) continue;
      if (q.itemIds && (fact.itemId === undefined || !q.itemIds.has(fact.itemId))) continue;
      if (q.roomIds && (fact.roomId === undefined || !q.roomIds.has(fact.roomId))) continue;
      const dims: Record<string, string> = {};
      for (const d of q.dimensions) dims[d] = dimensionValue(d, fact, advertiser);
      const key = q.dimensions.map((d) => dims[d]).join('|');
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = { dims, facts: [] }));
      group.facts.push(fact);
    }
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, group]) => ({ dimensions: group.dims, metrics: metricCells(q.metrics, group.facts, advertiser) }));
}

function dimensionValue(dimension: string, fact: GmvFact, advertiser: Advertiser): string {
  switch (dimension) {
    case 'advertiser_id': return advertiser.id;
    case 'campaign_id': return fact.campaign.id;
    case 'item_group_id': return fact.itemGroupId ?? '-';
    case 'item_id': return fact.itemId ?? '-';
    case 'room_id': return fact.roomId ?? '-';
    case 'stat_time_day': return formatStatTime(fact.day);
    default: return formatStatTime(fact.day, fact.hour);
  }
}

/** TikTok's metric strings: money with the currency's decimals, rates in percent with two, counts whole. */
function metricCells(metrics: readonly string[], facts: readonly GmvFact[], advertiser: Advertiser): Record<string, string> {
  const decimals = advertiser.currency.decimals;
  const money = (minor: number) => (minor / 10 ** decimals).toFixed(decimals);
  const sum = (pick: (f: GmvFact) => number, from: readonly GmvFact[] = facts) => from.reduce((total, f) => total + pick(f), 0);
  const ratio = (n: number, d: number, factor = 1) => (d === 0 ? '0.00' : ((n * factor) / d).toFixed(2));
  const counted = facts.filter((f) => f.day >= GMV_ORDERS_SINCE_DAY);
  const cost = sum((f) => f.cost);
  const countedCost = sum((f) => f.cost, counted);
  const orders = sum((f) => f.orders, counted);
  const revenue = sum((f) => f.grossRevenue, counted);
  const adClicks = sum((f) => f.adClicks);
  const plays = sum((f) => f.videoViews[0]!);
  const viewRate = (i: number) => ratio(sum((f) => f.videoViews[i]!), plays, 100);
  const liveViews = sum((f) => f.liveViews);
  const tenSecond = sum((f) => f.tenSecondLiveViews);
  const values: Record<string, () => string> = {
    cost: () => money(cost),
    net_cost: () => money(sum((f) => f.netCost)),
    orders: () => String(orders),
    cost_per_order: () => (orders === 0 ? money(0) : money(Math.round(countedCost / orders))),
    gross_revenue: () => money(revenue),
    roi: () => ratio(revenue, countedCost),
    product_impressions: () => String(sum((f) => f.productImpressions)),
    product_clicks: () => String(sum((f) => f.productClicks)),
    product_click_rate: () => ratio(sum((f) => f.productClicks), sum((f) => f.productImpressions), 100),
    ad_click_rate: () => ratio(adClicks, sum((f) => f.adImpressions), 100),
    ad_conversion_rate: () => ratio(sum((f) => f.orders, counted), sum((f) => f.adClicks, counted), 100),
    ad_video_view_rate_2s: () => viewRate(1),
    ad_video_view_rate_6s: () => viewRate(2),
    ad_video_view_rate_p25: () => viewRate(3),
    ad_video_view_rate_p50: () => viewRate(4),
    ad_video_view_rate_p75: () => viewRate(5),
    ad_video_view_rate_p100: () => viewRate(6),
    live_views: () => String(liveViews),
    cost_per_live_view: () => (liveViews === 0 ? money(0) : money(Math.round(cost / liveViews))),
    '10_second_live_views': () => String(tenSecond),
    cost_per_10_second_live_view: () => (tenSecond === 0 ? money(0) : money(Math.round(cost / tenSecond))),
    live_follows: () => String(sum((f) => f.liveFollows)),
  };
  const cells: Record<string, string> = {};
  for (const metric of metrics) cells[metric] = ORDER_METRICS.has(metric) && counted.length === 0 ? '-' : values[metric]!();
  return cells;
}
