// Upgraded Smart+ creative reports: smart_plus/material_report/overview/ (no time breakdown) and …/breakdown/
// (by day or hour). Rules as TikTok documents them (the SDK's MaterialReportRequest and filter models, the
// Upgraded Smart+ guide): page_size 1–100, default metrics spend and impressions, sorted by spend descending
// unless asked otherwise, a date range of at most 365 days (7 by the hour), at most 200 ids in a filter and
// campaign_ids never with adgroup_ids or smart_plus_ad_ids. The rows are the Smart+ creatives' own delivery
// (engine.ts), one main material per creative, so a material row adds up exactly to its creative's ad row.
//
// Served groupings: [smart_plus_ad_id, main_material_id] (+ stat_time_day | stat_time_hour for the breakdown).
// TikTok documents more (campaign_id, adgroup_id, the text / call-to-action entities): asked for, the emulator
// says it does not serve them.

import { parseDay, formatStatTime } from '../data/calendar.ts';
import { V } from '../data/delivery.ts';
import type { Advertiser } from '../data/model.ts';
import { assetGroupIdOf, mainMaterialOf, smartPlusAdgroups } from '../data/smart-plus.ts';
import type { World } from '../data/world.ts';
import { ApiError, paramError } from '../http/api-error.ts';
import type { Params } from '../http/params.ts';
import { reportRows } from './engine.ts';
import { METRICS, refuses, type MetricContext } from './metrics.ts';
import type { IdFilter, ReportQuery } from './query.ts';
import { filteringObject } from '../routes/asset-params.ts';
import { idSet } from '../routes/entities.ts';

export type MaterialEndpoint = 'overview' | 'breakdown';

export const MATERIAL_PAGE_SIZE_MAX = 100;
const MAX_IDS = 200;
const MAX_DAYS = { NONE: 365, DAY: 365, HOUR: 7 } as const;
const MATERIAL_DIMENSIONS = ['smart_plus_ad_id', 'main_material_id'];
const MATERIAL_METRICS: ReadonlySet<string> = new Set([
  'spend', 'impressions', 'clicks', 'ctr', 'cpc', 'cpm', 'conversion', 'cost_per_conversion', 'conversion_rate',
  'video_play_actions', 'video_watched_2s', 'video_watched_6s', 'average_video_play', 'video_views_p25',
  'video_views_p50', 'video_views_p75', 'video_views_p100', 'profile_visits', 'likes', 'comments', 'shares', 'follows',
  'campaign_name', 'adgroup_name',
]);

/** TikTok's answer when the app lacks the scope (its wording is not documented; the code is its permission code). */
export const MISSING_SCOPE_MESSAGE = 'No permission to access this API: the app has not been granted the "Upgraded Smart+ Report" scope.';

export interface MaterialRow {
  dimensions: Record<string, string>;
  metrics: Record<string, string | null>;
}

/** One page's worth of the answer: every row (sorted) and the page asked for. */
export function materialReport(world: World, params: Params, advertiser: Advertiser, endpoint: MaterialEndpoint, now: Date): MaterialRow[] {
  if (!world.options.smartPlusReportScope) throw new ApiError(40001, MISSING_SCOPE_MESSAGE);
  const dimensions = params.stringArray('dimensions');
  if (dimensions === undefined || dimensions.length === 0) throw paramError('dimensions: Missing data for required field.');
  const times: string[] = dimensions.filter((d) => d === 'stat_time_day' || d === 'stat_time_hour');
  if (endpoint === 'overview' && times.length > 0) throw paramError('dimensions: Creative overview reports do not support breakdown by time; use smart_plus/material_report/breakdown/.');
  if (endpoint === 'breakdown' && times.length !== 1) throw paramError('dimensions: Creative breakdown reports need one time dimension (stat_time_day or stat_time_hour).');
  const others = dimensions.filter((d) => d !== 'stat_time_day' && d !== 'stat_time_hour');
  if (others.length !== MATERIAL_DIMENSIONS.length || !MATERIAL_DIMENSIONS.every((d) => others.includes(d))) {
    throw paramError(`dimensions: The emulator serves the groupings ${JSON.stringify(MATERIAL_DIMENSIONS)}${endpoint === 'breakdown' ? ' plus a time dimension' : ''} (got ${JSON.stringify(dimensions)}).`);
  }
  const time = times[0] === 'stat_time_day' ? 'DAY' : times[0] === 'stat_time_hour' ? 'HOUR' : 'NONE';
  const lifetime = endpoint === 'overview' && params.boolean('query_lifetime', false);
  const [startDay, endDay] = lifetime ? [0, 0] : dateRange(params, time);
  const context: MetricContext = { reportType: 'BASIC', level: 'AD', time, lifetime, broken: false, byCountry: false, byObject: true, async: false };
  const names = params.stringArray('metrics') ?? ['spend', 'impressions'];
  const refused = names.filter((n) => !MATERIAL_METRICS.has(n) || METRICS.get(n) === undefined || refuses(METRICS.get(n)!, context));
  if (refused.length > 0) throw paramError(`metrics: Invalid metric fields: [${refused.map((n) => `'${n}'`).join(', ')}].`);
  const metrics = names.map((n) => METRICS.get(n)!);
  const sortName = params.string('sort_field') ?? 'spend';
  const sortField = metrics.find((m) => m.name === sortName && !m.attribute);
  if (params.has('sort_field') && sortField === undefined) throw paramError(`sort_field: ${sortName} must be one of the requested non-attribute metrics.`);
  const sortType = params.string('sort_type') ?? 'DESC';
  if (sortType !== 'ASC' && sortType !== 'DESC') throw paramError('sort_type: Must be one of: ASC, DESC.');

  const adgroups = selectedAdgroups(world, advertiser, params);
  const query: ReportQuery = {
    advertiser, reportType: 'BASIC', level: 'AD', dimensions: ['ad_id', ...times], time, breakdowns: [], metrics, lifetime,
    startDay, endDay, byObject: true, assetGroups: false, campaignIds: undefined, adgroupIds: adgroups, adIds: undefined,
    campaignStatus: 'ALL', adgroupStatus: 'ALL', adStatus: 'NOT_DELETE', orderField: undefined, orderType: 'DESC', async: false, key: '',
  };
  const minor = 10 ** advertiser.currency.decimals;
  const rows: { row: MaterialRow; sortValue: number; key: string }[] = [];
  for (const row of reportRows(world, query, now)) {
    // Creatives without delivery have no creative row (TikTok lists delivered materials).
    if (!(row.values[row.offset + V.impressions]! > 0 || row.values[row.offset + V.spend]! > 0)) continue;
    if (row.entity.level !== 'AD') continue;
    const material = mainMaterialOf(row.entity.ad);
    const dims: Record<string, string> = { smart_plus_ad_id: assetGroupIdOf(row.entity.adgroup), main_material_id: material.id, main_material_type: material.type };
    if (time === 'DAY') dims['stat_time_day'] = formatStatTime(row.day);
    if (time === 'HOUR') dims['stat_time_hour'] = formatStatTime(row.day, row.hour);
    const values: Record<string, string | null> = {};
    for (const m of metrics) values[m.name] = m.format(row.values, row.offset, minor, row.entity);
    rows.push({ row: { dimensions: dims, metrics: values }, sortValue: sortField ? Number(values[sortField.name]) : 0, key: `${dims['smart_plus_ad_id']}|${material.id}|${dims['stat_time_day'] ?? dims['stat_time_hour'] ?? ''}` });
  }
  const direction = sortType === 'ASC' ? 1 : -1;
  rows.sort((a, b) => (a.sortValue - b.sortValue) * direction || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return rows.map((r) => r.row);
}

function dateRange(params: Params, time: 'NONE' | 'DAY' | 'HOUR'): [number, number] {
  const day = (name: string) => {
    const text = params.string(name);
    if (text === undefined || text === '') throw paramError(`${name}: Missing data for required field.`);
    const value = parseDay(text);
    if (value === undefined) throw paramError(`${name}: Not a valid date, expected YYYY-MM-DD (got ${text}).`);
    return value;
  };
  const start = day('start_date');
  const end = day('end_date');
  if (start > end) throw paramError('start_date: start_date must be earlier than or equal to end_date.');
  const max = MAX_DAYS[time];
  if (end - start + 1 > max) throw paramError(`end_date: The query time range cannot exceed ${max} days${time === 'HOUR' ? ' with stat_time_hour' : ''} (got ${end - start + 1}).`);
  return [start, end];
}

/** The Smart+ ad groups the filtering keeps (TikTok's filter object; see the rules at the top). */
function selectedAdgroups(world: World, advertiser: Advertiser, params: Params): IdFilter {
  const filter = filteringObject(params, ['campaign_ids', 'adgroup_ids', 'smart_plus_ad_ids', 'main_material_types', 'main_material_ids', 'ad_text_entity_ids', 'call_to_action_entity_ids', 'interactive_add_on_entity_ids']);
  const list = (key: string): ReadonlySet<string> | undefined => idSet(filter, key, MAX_IDS);
  const campaigns = list('campaign_ids');
  const adgroups = list('adgroup_ids');
  const ads = list('smart_plus_ad_ids');
  if (campaigns && (adgroups || ads)) throw paramError('filtering: campaign_ids cannot be combined with adgroup_ids or smart_plus_ad_ids.');
  if (adgroups && ads) throw paramError('filtering: adgroup_ids cannot be combined with smart_plus_ad_ids.');
  for (const key of ['main_material_types', 'main_material_ids', 'ad_text_entity_ids', 'call_to_action_entity_ids', 'interactive_add_on_entity_ids']) {
    if (list(key) !== undefined) throw paramError(`filtering.${key}: not served by the emulator.`);
  }
  const ids = smartPlusAdgroups(world.tree(advertiser))
    .filter((g) => (campaigns === undefined || campaigns.has(g.campaign.id)) && (adgroups === undefined || adgroups.has(g.id)) && (ads === undefined || ads.has(assetGroupIdOf(g))))
    .map((g) => g.id);
  return { ids: new Set(ids), exclude: false };
}

