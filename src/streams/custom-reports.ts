import { configError } from '../errors.ts';
import { possibleViewNames } from '../view-names.ts';
import type { JsonSchema } from '../protocol/types.ts';
import type { Granularity, ReportFilter, ReportStream } from './definitions.ts';
import { type FieldType, fieldSchema, objectSchema } from './fields.ts';
import { METRIC_TYPES, type MetricType } from './metrics.ts';
import {
  DATA_LEVELS,
  type DataLevel,
  FILTER_TYPES,
  LIST_FILTER_TYPES,
  ID_DIMENSIONS,
  MAX_DIMENSIONS,
  NOT_LIFETIME,
  REPORT_TYPES,
  TIME_DIMENSIONS,
  type TimeDimension,
  UV_METRICS,
} from './report-catalogue.ts';

// Custom reports: the config's `custom_reports` entries, in TikTok's own vocabulary, become report streams the
// one report reader serves. Every rule TikTok would refuse mid-sync is checked here first, so check, discover and
// read all refuse a bad definition with a config_error naming the report and the field.

/** One entry of `custom_reports` as spec.json shapes it (ajv has checked types and required fields). */
export interface CustomReportConfig {
  name: string;
  report_type: ReportStream['reportType'];
  data_level: DataLevel;
  dimensions: string[];
  metrics: string[];
  /** TikTok's `filtering` list as JSON text (or already parsed). */
  filtering?: string | unknown[];
  lookback_days?: number;
}

export const SAFE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * The streams of every custom report, or one config_error listing each problem of each bad definition.
 * `builtIn` are the source's own stream names, which a custom report may not take; `builtInReports` those of
 * them that are reports: their analytics views' names (and every ready view's) are not free either.
 */
export function customReportStreams(reports: readonly CustomReportConfig[], builtIn: ReadonlySet<string>, builtInReports: Iterable<string> = []): ReportStream[] {
  const problems: string[] = [];
  const streams: ReportStream[] = [];
  const seen = new Set<string>();
  const reportNames = [...builtInReports];
  reports.forEach((report, index) => {
    const label = `custom_reports[${index}] ${JSON.stringify(report.name)}`;
    const own: string[] = [];
    const problem = (field: string, message: string) => own.push(`${label}.${field}: ${message}`);
    const others = [...reportNames, ...reports.filter((_, i) => i !== index).map((other) => other.name)];
    const taken = (name: string) => builtIn.has(name) || reports.some((other) => other.name === name) || customReportNameClash(name, others) !== undefined;
    const view = SAFE_NAME.test(report.name) ? customReportNameClash(report.name, others) : undefined;
    if (!SAFE_NAME.test(report.name)) {
      problem('name', 'must be a lower-case identifier (a letter, then letters, digits or _; at most 63 characters), such as ads_by_gender_daily');
    } else if (builtIn.has(report.name)) {
      problem('name', `is the name of a built-in stream; choose another, such as ${JSON.stringify(freeName(report.name, taken))}`);
    } else if (view !== undefined) {
      problem('name', `is the name of an analytics view the connector creates (${view}), and the report's table would collide with it in the schema or dataset; choose another, such as ${JSON.stringify(freeName(report.name, taken))}`);
    } else if (seen.has(report.name)) {
      problem('name', 'is used by an earlier custom report; names must be unique');
    }
    seen.add(report.name);
    const stream = buildStream(report, problem);
    if (own.length > 0) problems.push(...own);
    else if (stream) streams.push(stream);
  });
  if (problems.length > 0) throw configError(`Invalid custom report definition: ${problems.join('; ')}.`);
  return streams;
}

/**
 * What a custom report's name collides with among the analytics views of these report streams (built-in ones
 * and the other custom reports): a typed view, a ready view, or a hashed name either falls back to. Undefined
 * when the name is free. A stream synced earlier or later into the same schema is what makes this matter:
 * the table and the view would take the same name, whichever came first.
 */
export function customReportNameClash(name: string, reportStreams: Iterable<string>): string | undefined {
  return possibleViewNames(reportStreams).get(name);
}

/** A name beside `name` that nothing takes: `<name>_custom`, else numbered. */
function freeName(name: string, taken: (candidate: string) => boolean): string {
  for (let n = 1; n < 100; n++) {
    const suffix = n === 1 ? '_custom' : `_custom${n}`;
    const candidate = `${name.slice(0, 63 - suffix.length)}${suffix}`;
    if (!taken(candidate)) return candidate;
  }
  return `${name.slice(0, 56)}_report`;
}

type Problem = (field: string, message: string) => void;

function buildStream(report: CustomReportConfig, problem: Problem): ReportStream | undefined {
  const rules = REPORT_TYPES[report.report_type];
  const level = DATA_LEVELS[report.data_level];
  const type = report.report_type;

  const dimensions = report.dimensions;
  const duplicates = dimensions.filter((d, i) => dimensions.indexOf(d) !== i);
  if (duplicates.length > 0) problem('dimensions', `names ${quoteList(duplicates)} twice`);
  if (dimensions.length > MAX_DIMENSIONS) {
    problem('dimensions', `has ${dimensions.length} dimensions; TikTok allows at most ${MAX_DIMENSIONS} (id and time dimensions included)`);
  }

  // PLAYABLE_MATERIAL reports are per playable of the advertiser: no auction level applies.
  if (type === 'PLAYABLE_MATERIAL' && report.data_level !== 'AUCTION_ADVERTISER') {
    problem('data_level', 'must be AUCTION_ADVERTISER for PLAYABLE_MATERIAL reports (they are per playable of the advertiser)');
  }
  const allowedIds = rules.idDimensions(level);
  const ids = dimensions.filter((d) => ID_DIMENSIONS.has(d));
  const wrongIds = ids.filter((d) => !allowedIds.includes(d));
  // TikTok also answers a report of breakdowns only (["age"] at AUCTION_ADVERTISER): one row per breakdown value.
  const breakdownsOnly = ids.length === 0 && type !== 'PLAYABLE_MATERIAL' && dimensions.some((d) => rules.breakdowns.includes(d));
  if (wrongIds.length > 0) {
    problem('dimensions', `${quoteList(wrongIds)} cannot key a ${type} report at ${report.data_level}; its id dimension is ${quoteChoices(allowedIds)}`);
  } else if (ids.length === 0 && !breakdownsOnly) {
    problem('dimensions', `needs an id dimension (${quoteChoices(allowedIds)} for a ${type} report at ${report.data_level}) or a breakdown`);
  } else if (ids.length > 1) {
    problem('dimensions', `names ${ids.length} id dimensions (${quoteList(ids)}); TikTok takes exactly one`);
  }

  const times = dimensions.filter((d): d is TimeDimension => (TIME_DIMENSIONS as readonly string[]).includes(d));
  if (times.length > 1) problem('dimensions', `names both ${quoteList(times)}; at most one time dimension`);
  const time = times[0];
  if (time && !rules.timeDimensions.includes(time)) {
    problem('dimensions', `${type} reports have no "${time}" (TikTok refuses it)${rules.timeDimensions.length ? `; use ${quoteList(rules.timeDimensions)}` : '; they have no time dimension'}`);
  }
  // An AUDIENCE report without a time dimension covers the last year, as advertisers_audience_reports_lifetime.
  const lastYear = type === 'AUDIENCE';
  if (!time && !rules.lifetime && !lastYear) {
    problem('dimensions', `${type} reports have no lifetime form: add ${quoteList(rules.timeDimensions)}`);
  }

  const breakdowns = dimensions.filter((d) => !ID_DIMENSIONS.has(d) && !(TIME_DIMENSIONS as readonly string[]).includes(d));
  const unknown = breakdowns.filter((d) => !rules.breakdowns.includes(d));
  if (unknown.length > 0) {
    problem('dimensions', `unknown dimension${unknown.length > 1 ? 's' : ''} ${quoteList(unknown)} for ${type} reports (known: ${rules.breakdowns.join(', ')})`);
  } else {
    if (rules.needsBreakdown && breakdowns.length === 0) {
      problem('dimensions', `${type} reports need a breakdown such as ${quoteList(rules.breakdowns.slice(0, 4))}`);
    }
    const alone = breakdowns.filter((d) => !rules.combinable.has(d));
    if (breakdowns.length > 1 && alone.length > 0) {
      problem('dimensions', `${quoteList(alone)} cannot be combined with another breakdown in ${type} reports${rules.combinable.size ? ` (only ${quoteList([...rules.combinable])} go together)` : ''}`);
    }
    // TikTok's query_lifetime forbids breakdowns (country_code included). A PLAYABLE_MATERIAL report by country
    // would need a date-range query without time dimension, which no stream shape here reads incrementally.
    if (!time && breakdowns.length > 0 && !lastYear) {
      problem('dimensions', `lifetime ${type} reports cannot break down by ${quoteList(breakdowns)}${rules.timeDimensions.length ? ': add "stat_time_day"' : ''}`);
    }
  }

  const allowedMetrics = rules.metrics(level);
  const metrics = report.metrics;
  const uv = metrics.filter((m) => UV_METRICS.has(m));
  // Unique-visitor metrics exist, but TikTok does not split them by audience segment: say so rather than "unknown".
  const uvRefused = type === 'AUDIENCE' ? uv : [];
  if (uvRefused.length > 0) problem('metrics', `${quoteList(uvRefused)} ${uvRefused.length === 1 ? 'is a unique-visitor metric' : 'are unique-visitor metrics'}, which TikTok does not break down by audience`);
  const unknownMetrics = metrics.filter((m) => !allowedMetrics.has(m) && !uvRefused.includes(m));
  if (unknownMetrics.length > 0) {
    problem('metrics', `unknown metric${unknownMetrics.length > 1 ? 's' : ''} ${quoteList(unknownMetrics)} for ${type} reports at ${report.data_level}`);
  }
  const repeated = metrics.filter((m, i) => metrics.indexOf(m) !== i);
  if (repeated.length > 0) problem('metrics', `names ${quoteList(repeated)} twice`);
  const notLifetime = time ? [] : metrics.filter((m) => NOT_LIFETIME.has(m));
  if (notLifetime.length > 0) problem('metrics', `${quoteList(notLifetime)} ${isAre(notLifetime)} refused by TikTok in lifetime reports: add "stat_time_day"`);
  if (uv.length > 0 && time === 'stat_time_hour') problem('metrics', `${quoteList(uv)} ${isAre(uv)} not computed by the hour`);

  const filtering = parseFiltering(report.filtering, problem);
  if (report.lookback_days !== undefined && !time) {
    problem('lookback_days', 'only applies to reports with a time dimension (incremental); remove it or add one');
  }

  const idDimension = ids[0] ?? (breakdownsOnly ? '' : undefined);
  if (idDimension === undefined) return undefined;
  const granularity: Granularity = time === 'stat_time_hour' ? 'hour' : time === 'stat_time_day' ? 'day' : 'lifetime';
  // Campaign, ad group and ad ids (ad_id_v2 included) are unique across advertisers; other ids (playable_id) are not known to be.
  const ownerInKey = !['advertiser_id', 'campaign_id', 'adgroup_id', 'ad_id', 'ad_id_v2'].includes(idDimension);
  const key = [...(idDimension ? [idDimension] : []), ...(time ? [time] : []), ...breakdowns];
  return {
    kind: 'report',
    name: report.name,
    reportType: type,
    level,
    granularity,
    dataLevel: report.data_level,
    idDimension,
    timeDimension: time,
    breakdowns,
    filtering,
    ...(report.lookback_days === undefined ? {} : { lookbackDays: report.lookback_days }),
    metrics,
    schema: customReportSchema(idDimension, time, breakdowns, metrics),
    primaryKey: ownerInKey ? ['advertiser_id', ...key] : key,
    cursorField: time,
    productionOnly: productionOnly(type, level, breakdowns),
  };
}

/**
 * What TikTok's sandbox does not serve, by the same rule that makes Airbyte's streams production-only: BASIC by
 * country and advertiser-level AUDIENCE reports. Playable and catalog reports need assets a sandbox lacks.
 */
function productionOnly(type: ReportStream['reportType'], level: string, breakdowns: readonly string[]): boolean {
  if (type === 'PLAYABLE_MATERIAL' || type === 'CATALOG') return true;
  if (type === 'BASIC') return breakdowns.includes('country_code');
  return level === 'advertiser';
}

/** TikTok's `filtering` list: JSON text of `[{field_name, filter_type, filter_value}]` (values may be given as arrays). */
function parseFiltering(raw: CustomReportConfig['filtering'], problem: Problem): ReportFilter[] {
  if (raw === undefined || raw === '') return [];
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      problem('filtering', `is not valid JSON (${(error as Error).message})`);
      return [];
    }
  }
  if (!Array.isArray(parsed)) {
    problem('filtering', 'must be a JSON array of {"field_name", "filter_type", "filter_value"} objects');
    return [];
  }
  const filters: ReportFilter[] = [];
  parsed.forEach((entry: unknown, i) => {
    const at = `filtering[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problem(at, 'must be an object with field_name, filter_type and filter_value');
      return;
    }
    const { field_name: field, filter_type: op, filter_value: value, ...rest } = entry as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) problem(at, `has unknown key${extra.length > 1 ? 's' : ''} ${quoteList(extra)}`);
    if (typeof field !== 'string' || !/^[a-z][a-z0-9_]*$/.test(field)) problem(`${at}.field_name`, 'must be a field name such as "campaign_ids"');
    if (typeof op !== 'string' || !FILTER_TYPES.has(op)) problem(`${at}.filter_type`, `must be one of ${[...FILTER_TYPES].join(', ')}`);
    // TikTok wants filter_value as text (a JSON array for IN); an array written as such is accepted and encoded.
    const text = Array.isArray(value) ? JSON.stringify(value) : value;
    if (typeof text !== 'string') {
      problem(`${at}.filter_value`, 'must be text, such as "[\\"STATUS_ALL\\"]"');
      return;
    }
    if (typeof op === 'string' && LIST_FILTER_TYPES.has(op) && !isJsonArray(text)) problem(`${at}.filter_value`, `must be a JSON array for ${op}, such as "[\\"123\\"]"`);
    if (typeof field === 'string' && typeof op === 'string') filters.push({ field_name: field, filter_type: op, filter_value: text });
  });
  return filters;
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

const TYPE_OF_METRIC: Record<MetricType, Parameters<typeof fieldSchema>[0]> = { integer: 'int', number: 'num', string: 'str', id: 'id' };

/** Top level: advertiser_id and every dimension (the key); `dimensions` and `metrics` objects as the built-in reports. */
function customReportSchema(idDimension: string, time: string | undefined, breakdowns: readonly string[], metrics: readonly string[]): JsonSchema {
  const dimensionFields: Record<string, FieldType> = { ...(idDimension ? { [idDimension]: 'id' } : {}), ...(time ? { [time]: 'ts' } : {}) };
  for (const name of breakdowns) dimensionFields[name] = 'str';
  const metricFields: Record<string, ReturnType<typeof fieldSchema>> = {};
  // Metrics the table does not type stay text: never a wrong number.
  for (const metric of metrics) metricFields[metric] = fieldSchema(TYPE_OF_METRIC[METRIC_TYPES.get(metric) ?? 'string']);
  return objectSchema({ advertiser_id: 'id', ...dimensionFields }, {
    dimensions: { type: ['null', 'object'], additionalProperties: true, properties: objectSchema(dimensionFields)['properties'] },
    metrics: { type: ['null', 'object'], additionalProperties: true, properties: metricFields },
  });
}

const isAre = (names: readonly string[]) => (names.length === 1 ? 'is' : 'are');
const quoteList = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');
/** The choices, quoted: '"ad_id" or "ad_id_v2"'. */
const quoteChoices = (names: readonly string[]) => names.map((n) => `"${n}"`).join(' or ');
