// Parsing and validating a report request (sync GET params or async task JSON body) into a ReportQuery.
// The rules are TikTok's documented ones; each failure is a 40002 naming the parameter.

import { formatDay, parseDay } from '../data/calendar.ts';
import type { Advertiser } from '../data/model.ts';
import { paramError } from '../http/api-error.ts';
import type { Params } from '../http/params.ts';
import {
  ASSET_GROUP_DIMENSION, breakdownsAllowed, DATA_LEVELS, ID_DIMENSION, ID_DIMENSIONS, MAX_DIMENSIONS, TIME_DIMENSIONS, validCombination, type Level,
} from './levels.ts';
import {
  asServed, DEFAULT_METRICS, invalidMetricsMessage, METRICS, refuses, type MetricContext, type MetricDef, type ReportType,
} from './metrics.ts';

export type StatusFilter = 'NOT_DELETE' | 'ALL' | 'DELETE';

/** The rows' objects: an AUCTION_* data level, or the playables of a PLAYABLE_MATERIAL report. */
export type RowLevel = Level | 'PLAYABLE';

export interface ReportQuery {
  advertiser: Advertiser;
  reportType: ReportType;
  level: RowLevel;
  dimensions: readonly string[];
  time: 'NONE' | 'DAY' | 'HOUR';
  breakdowns: readonly string[];
  metrics: readonly MetricDef[];
  lifetime: boolean;
  /** Inclusive local days; unset with lifetime. */
  startDay: number;
  endDay: number;
  /** Rows per object of the level (an id dimension), or one set of rows for all of them (breakdowns only). */
  byObject: boolean;
  /** AUCTION_AD keyed by ad_id_v2: an Upgraded Smart+ ad's creatives add up to one row (levels.ts). */
  assetGroups: boolean;
  campaignIds: IdFilter | undefined;
  adgroupIds: IdFilter | undefined;
  adIds: IdFilter | undefined;
  campaignStatus: StatusFilter;
  adgroupStatus: StatusFilter;
  adStatus: StatusFilter;
  orderField: MetricDef | undefined;
  orderType: 'ASC' | 'DESC';
  /** A report task's query (no 20,000-ad cap, countries by name in the file). */
  async: boolean;
  /** A canonical text of everything that shapes the rows (cache key). */
  key: string;
}

/** An id filter: IN / CONTAIN_ANY_OF keep the ids named, NOT_IN keeps the others. */
export interface IdFilter {
  ids: ReadonlySet<string>;
  exclude: boolean;
}

/** Whether an object's id passes the filter (no filter: every id). */
export function passesIds(filter: IdFilter | undefined, id: string): boolean {
  return filter === undefined || filter.ids.has(id) !== filter.exclude;
}

export interface QueryRules {
  /** Async tasks: no 30-day/1-day window rules, only the emulator's one-year cap. */
  async: boolean;
}

const REPORT_TYPES: readonly ReportType[] = ['BASIC', 'AUDIENCE', 'PLAYABLE_MATERIAL', 'CATALOG'];
const MAX_SPAN = { DAY: 30, HOUR: 1, NONE: 365 } as const;
/** TikTok's answer to stat_time_hour in an AUDIENCE report (airbytehq/airbyte#20598; wording paraphrased there). */
export const AUDIENCE_HOURLY_MESSAGE = 'Conflict occurs between dimensions and metrics: the metrics and dimensions have no relation (stat_time_hour is not supported for report_type AUDIENCE).';

export function parseReportQuery(params: Params, advertiser: Advertiser, rules: QueryRules): ReportQuery {
  const reportTypeText = params.string('report_type');
  if (reportTypeText === undefined || reportTypeText === '') throw paramError('report_type: Missing data for required field.');
  const reportType = REPORT_TYPES.find((t) => t === reportTypeText);
  if (reportType === undefined) {
    throw paramError(`report_type: ${reportTypeText} is not supported by the emulator (supported: ${REPORT_TYPES.join(', ')}).`);
  }
  if (reportType === 'PLAYABLE_MATERIAL' && rules.async) {
    throw paramError('report_type: PLAYABLE_MATERIAL reports are only available synchronously (report/integrated/get/).');
  }
  const serviceType = params.string('service_type') ?? 'AUCTION';
  if (serviceType !== 'AUCTION') throw paramError(`service_type: Must be one of: AUCTION (got ${serviceType}).`);

  const level = rowLevel(params, reportType);
  const dimensions = params.stringArray('dimensions');
  if (dimensions === undefined || dimensions.length === 0) throw paramError('dimensions: Missing data for required field.');
  if (dimensions.length > MAX_DIMENSIONS) throw paramError(`dimensions: At most ${MAX_DIMENSIONS} dimensions are allowed.`);
  if (new Set(dimensions).size !== dimensions.length) throw paramError('dimensions: Duplicate dimensions are not allowed.');
  const { time, breakdowns, byObject, assetGroups } = splitDimensions(dimensions, reportType, level, params.string('data_level') ?? '');

  const lifetime = params.boolean('query_lifetime', false);
  const context: MetricContext = {
    reportType, level: level === 'PLAYABLE' ? undefined : level, time, lifetime, broken: breakdowns.length > 0,
    byCountry: breakdowns.includes('country_code'), byObject, async: rules.async,
  };
  const metricNames = params.stringArray('metrics') ?? [...DEFAULT_METRICS];
  if (metricNames.length === 0) throw paramError('metrics: Length must be at least 1.');
  const refused = metricNames.filter((name) => {
    const known = METRICS.get(name);
    return known === undefined || refuses(known, context);
  });
  if (refused.length > 0) throw paramError(invalidMetricsMessage(refused));
  const metrics = metricNames.map((name) => asServed(METRICS.get(name)!, context));

  let startDay = 0;
  let endDay = 0;
  if (lifetime) {
    if (reportType === 'AUDIENCE' || reportType === 'CATALOG') throw paramError(`query_lifetime: ${reportType} reports do not support lifetime metrics.`);
    if (time !== 'NONE') throw paramError('dimensions: Breakdown by time is not supported when query_lifetime is true.');
    if (breakdowns.length > 0) throw paramError(`dimensions: ${breakdowns.join(', ')} cannot be used when query_lifetime is true.`);
  } else {
    startDay = dayParam(params, 'start_date');
    endDay = dayParam(params, 'end_date');
    if (startDay > endDay) throw paramError('start_date: start_date must be earlier than or equal to end_date.');
    const span = endDay - startDay + 1;
    const max = rules.async ? 365 : MAX_SPAN[time];
    if (span > max) {
      const what = rules.async ? 'an asynchronous report' : time === 'DAY' ? 'stat_time_day' : time === 'HOUR' ? 'stat_time_hour' : 'no time dimension';
      throw paramError(`end_date: The query time range cannot exceed ${max} day${max === 1 ? '' : 's'} with ${what} (got ${span}).`);
    }
  }

  // Playable reports cover every playable of the account: no status defaults (nothing is hidden).
  const filters = parseFiltering(params, level === 'PLAYABLE' ? 'ADVERTISER' : level, rules.async);
  const orderName = params.string('order_field');
  let orderField: MetricDef | undefined;
  if (orderName !== undefined && orderName !== '') {
    orderField = metrics.find((m) => m.name === orderName);
    if (orderField === undefined || orderField.attribute) throw paramError(`order_field: ${orderName} must be one of the requested non-attribute metrics.`);
  }
  const orderTypeText = params.string('order_type') ?? 'DESC';
  if (orderTypeText !== 'ASC' && orderTypeText !== 'DESC') throw paramError('order_type: Must be one of: ASC, DESC.');

  const query: Omit<ReportQuery, 'key'> = {
    advertiser, reportType, level, dimensions, time, breakdowns, byObject, assetGroups, metrics, lifetime, startDay, endDay,
    ...filters, orderField, orderType: orderTypeText, async: rules.async,
  };
  return { ...query, key: queryKey(query) };
}

/** data_level is required for the auction report types; PLAYABLE_MATERIAL reports are per playable. */
function rowLevel(params: Params, reportType: ReportType): RowLevel {
  if (reportType === 'PLAYABLE_MATERIAL') return 'PLAYABLE';
  const dataLevel = params.string('data_level');
  if (dataLevel === undefined || dataLevel === '') throw paramError('data_level: Missing data for required field.');
  const level = DATA_LEVELS[dataLevel];
  if (level === undefined) throw paramError(`data_level: Must be one of: ${Object.keys(DATA_LEVELS).join(', ')}.`);
  return level;
}

/**
 * Checks the dimensions against the report type's groupings; returns the time grain, the breakdowns and
 * whether rows are per object. An AUDIENCE report may leave the id dimension out and group by its breakdowns
 * alone (e.g. ["age"] at AUCTION_ADVERTISER: tiktok-api.md, "Corrections": Audience reports).
 */
function splitDimensions(dimensions: readonly string[], reportType: ReportType, level: RowLevel, dataLevel: string): Pick<ReportQuery, 'time' | 'breakdowns' | 'byObject' | 'assetGroups'> {
  const isId = (d: string) => (level === 'PLAYABLE' ? d === 'playable_id' : ID_DIMENSIONS.has(d));
  const ids = dimensions.filter(isId);
  const times = dimensions.filter((d) => TIME_DIMENSIONS.has(d));
  const breakdowns = dimensions.filter((d) => !isId(d) && !TIME_DIMENSIONS.has(d));
  const wanted = level === 'PLAYABLE' ? 'playable_id' : ID_DIMENSION[level];
  const breakdownsOnly = ids.length === 0 && reportType === 'AUDIENCE' && breakdowns.length > 0;
  const assetGroups = level === 'AD' && ids.length === 1 && ids[0] === ASSET_GROUP_DIMENSION;
  if (!breakdownsOnly && !assetGroups && (ids.length !== 1 || ids[0] !== wanted)) {
    const owner = level === 'PLAYABLE' ? 'report_type PLAYABLE_MATERIAL' : `data_level ${dataLevel}`;
    throw paramError(`dimensions: ${owner} requires exactly one ID dimension, ${wanted} (got ${ids.length === 0 ? 'none' : ids.join(', ')}).`);
  }
  if (times.length > 1) throw paramError('dimensions: At most one time dimension (stat_time_day or stat_time_hour) is allowed.');
  const time = times[0] === 'stat_time_day' ? 'DAY' : times[0] === 'stat_time_hour' ? 'HOUR' : 'NONE';
  if (time === 'HOUR' && reportType === 'AUDIENCE') throw paramError(AUDIENCE_HOURLY_MESSAGE);
  if (time !== 'NONE' && reportType === 'PLAYABLE_MATERIAL') throw paramError(`dimensions: ${times[0]} is not supported for report_type PLAYABLE_MATERIAL (groupings: playable_id, playable_id + country_code).`);
  if (time === 'HOUR' && reportType === 'CATALOG') throw paramError('dimensions: stat_time_hour is not supported for report_type CATALOG.');
  const allowed = breakdownsAllowed(reportType);
  for (const b of breakdowns) {
    if (!allowed.has(b)) throw paramError(`dimensions: Invalid dimension ${b} for report_type ${reportType}.`);
  }
  if (!validCombination(reportType, breakdowns)) {
    throw paramError(reportType === 'AUDIENCE' && breakdowns.length === 0
      ? 'dimensions: AUDIENCE reports need an audience dimension (gender, age, country_code, platform, province_id, language or ac).'
      : `dimensions: The combination ${JSON.stringify(dimensions)} is not supported for report_type ${reportType} (gender and age may go together; other breakdowns one at a time).`);
  }
  return { time, breakdowns, byObject: !breakdownsOnly, assetGroups };
}

function dayParam(params: Params, name: string): number {
  const text = params.string(name);
  if (text === undefined || text === '') throw paramError(`${name}: Missing data for required field.`);
  const day = parseDay(text);
  if (day === undefined) throw paramError(`${name}: Not a valid date, expected YYYY-MM-DD (got ${text}).`);
  return day;
}

type Filters = Pick<ReportQuery, 'campaignIds' | 'adgroupIds' | 'adIds' | 'campaignStatus' | 'adgroupStatus' | 'adStatus'>;

const ID_FILTERS = { campaign_ids: 'campaignIds', adgroup_ids: 'adgroupIds', ad_ids: 'adIds' } as const;
const ID_FILTER_TYPES: readonly string[] = ['IN', 'CONTAIN_ANY_OF', 'NOT_IN'];
const STATUS_FILTERS = { campaign_status: 'campaignStatus', adgroup_status: 'adgroupStatus', ad_status: 'adStatus' } as const;
const STATUS_VALUES: Readonly<Record<string, StatusFilter>> = { STATUS_ALL: 'ALL', STATUS_NOT_DELETE: 'NOT_DELETE', STATUS_DELETE: 'DELETE' };

/**
 * `filtering` is a list of {field_name, filter_type, filter_value}. Like TikTok, each level hides deleted
 * objects unless its status filter says STATUS_ALL (the advertiser level always counts everything). Report
 * tasks take only the id filters: TikTok's task-create page (tiktok-api.md, "Corrections": Async tasks) lists
 * campaign_ids, adgroup_ids and ad_ids, and no status filter — a task keeps each level's default.
 */
function parseFiltering(params: Params, level: Level, async: boolean): Filters {
  const filters: Filters = {
    campaignIds: undefined, adgroupIds: undefined, adIds: undefined,
    campaignStatus: level === 'CAMPAIGN' ? 'NOT_DELETE' : 'ALL',
    adgroupStatus: level === 'ADGROUP' ? 'NOT_DELETE' : 'ALL',
    adStatus: level === 'AD' ? 'NOT_DELETE' : 'ALL',
  };
  const raw = params.json('filtering');
  if (raw === undefined || raw === null) return filters;
  if (!Array.isArray(raw)) throw paramError('filtering: Not a valid list of filter objects ({field_name, filter_type, filter_value}).');
  for (const item of raw) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw paramError('filtering: Each filter must be an object.');
    const entry = item as Record<string, unknown>;
    const field = entry.field_name;
    const type = entry.filter_type;
    const value = entry.filter_value;
    if (typeof field !== 'string' || typeof type !== 'string' || typeof value !== 'string') {
      throw paramError('filtering: field_name, filter_type and filter_value are required strings.');
    }
    if (async && !(field in ID_FILTERS)) {
      throw paramError(`filtering: Report tasks accept only campaign_ids, adgroup_ids and ad_ids (got ${field}).`);
    }
    // Id filters take IN, CONTAIN_ANY_OF (the same for a single-valued id) and NOT_IN (tiktok-api.md,
    // "Corrections": Audience reports); status filters take IN.
    const types = field in ID_FILTERS ? ID_FILTER_TYPES : ['IN'];
    if (!types.includes(type)) throw paramError(`filtering: filter_type ${type} is not supported for ${field} (use ${types.join(', ')}).`);
    let list: unknown;
    try {
      list = JSON.parse(value);
    } catch {
      throw paramError(`filtering: filter_value of ${field} must be a JSON array string.`);
    }
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' || typeof x === 'number')) {
      throw paramError(`filtering: filter_value of ${field} must be a JSON array string.`);
    }
    const values = list.map(String);
    if (field in ID_FILTERS) {
      if (values.length > 100) throw paramError(`filtering: ${field} accepts at most 100 IDs.`);
      filters[ID_FILTERS[field as keyof typeof ID_FILTERS]] = { ids: new Set(values), exclude: type === 'NOT_IN' };
    } else if (field in STATUS_FILTERS) {
      const status = values.length === 1 ? STATUS_VALUES[values[0]!] : undefined;
      if (status === undefined) throw paramError(`filtering: ${field} must be one of STATUS_ALL, STATUS_NOT_DELETE, STATUS_DELETE.`);
      filters[STATUS_FILTERS[field as keyof typeof STATUS_FILTERS]] = status;
    } else {
      throw paramError(`filtering: Unsupported field_name ${field}.`);
    }
  }
  return filters;
}

function queryKey(q: Omit<ReportQuery, 'key'>): string {
  const set = (f: IdFilter | undefined) => (f === undefined ? null : [f.exclude, ...[...f.ids].sort()]);
  return JSON.stringify([
    q.advertiser.id, q.reportType, q.level, q.dimensions, q.metrics.map((m) => m.name), q.lifetime,
    q.lifetime ? null : [formatDay(q.startDay), formatDay(q.endDay)], set(q.campaignIds), set(q.adgroupIds), set(q.adIds),
    q.campaignStatus, q.adgroupStatus, q.adStatus, q.orderField?.name ?? null, q.orderType, q.async,
  ]);
}
