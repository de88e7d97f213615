import type { JsonSchema, SyncMode } from '../protocol/types.ts';
import {
  AD_FIELDS,
  AD_GROUP_FIELDS,
  ADVERTISER_FIELDS,
  ADVERTISER_ID_FIELDS,
  CAMPAIGN_FIELDS,
} from './entity-fields.ts';
import { type FieldTable, fieldSchema, objectSchema } from './fields.ts';
import { ASSET_STREAMS } from './asset-streams.ts';
import { entityStream } from './entity-stream.ts';
import { SMART_PLUS_ENTITY_STREAMS, SMART_PLUS_MATERIAL_STREAMS } from './smart-plus-streams.ts';
import { GMV_MAX_STREAMS, type GmvMaxStream } from './gmv-max-streams.ts';
import {
  AUDIENCE_LEVEL_METRICS,
  AUDIENCE_METRICS,
  COMMON_METRICS,
  LEVEL_METRICS,
  METRIC_FIELD_TYPES,
  METRIC_TYPES,
  metricServedAt,
  UNIQUE_USER_METRICS,
} from './metrics.ts';

// Every stream the source offers, as data. Two readers (entity.ts, report.ts) serve them all.

export interface StreamBase {
  name: string;
  schema: JsonSchema;
  primaryKey: string[];
  /** Undefined for full-refresh-only streams. */
  cursorField: string | undefined;
  /** TikTok's sandbox does not serve it: left out of sandbox catalogs (as Airbyte's connector does). */
  productionOnly?: boolean;
}

/** Lists of advertisers themselves (from the token's grant and advertiser/info/). */
export interface AdvertiserStream extends StreamBase {
  kind: 'advertisers' | 'advertiser_ids';
  fields: FieldTable;
}

/** Campaigns, ad groups, ads: paged per advertiser, incremental client-side on modify_time. */
export interface EntityStream extends StreamBase {
  kind: 'entity';
  path: string;
  /** secondary_status that includes deleted objects. */
  allStatuses: string;
  fields: FieldTable;
  cursorField: 'modify_time';
  /** The largest page_size the endpoint takes (1000 when unset). */
  pageSize?: number;
}

export type Level = 'advertiser' | 'campaign' | 'adgroup' | 'ad';
export type Granularity = 'hour' | 'day' | 'lifetime';

/** TikTok's report types a stream can ask for (BC and TT_SHOP are keyed by other ids: not offered). */
export type ReportType = 'BASIC' | 'AUDIENCE' | 'PLAYABLE_MATERIAL' | 'CATALOG';

/** One entry of TikTok's report `filtering` list, sent as given. */
export interface ReportFilter {
  field_name: string;
  filter_type: string;
  filter_value: string;
}

export interface ReportStream extends StreamBase {
  kind: 'report';
  reportType: ReportType;
  level: Level;
  granularity: Granularity;
  dataLevel: `AUCTION_${'ADVERTISER' | 'CAMPAIGN' | 'ADGROUP' | 'AD'}`;
  /**
   * The one id dimension: `<level>_id`, or another id TikTok keys a report type by (playable_id); '' for a custom
   * report of breakdowns only, whose rows are keyed by the advertiser and the breakdowns.
   */
  idDimension: string;
  timeDimension: 'stat_time_day' | 'stat_time_hour' | undefined;
  /**
   * Dimensions after the id and time ones (AUDIENCE gender+age, country_code, platform…): asked for, part of the
   * primary key, copied to the record's top level and into `dimensions`. None for the plain BASIC streams.
   */
  breakdowns?: readonly string[];
  /** Filters every request of the stream carries (custom reports); include_deleted's status filter joins them. */
  filtering?: readonly ReportFilter[];
  /** Days re-read before the cursor, overriding the config's attribution_window (custom reports' lookback_days). */
  lookbackDays?: number;
  metrics: readonly string[];
}

/**
 * Per-advertiser lists outside the ad hierarchy (audiences, creative assets, Spark Ads posts, pixels): paged by
 * page_info, records passed through with advertiser_id added; images and videos incremental client-side.
 */
export interface AssetStream extends StreamBase {
  kind: 'asset';
  path: string;
  /** The key of `data` that holds a page's records. */
  recordsAt: string;
  /** The largest page_size the endpoint accepts. */
  pageSize: number;
  /** Searches TikTok cuts off at this many items (images, videos): the reader splits them by filters. */
  searchCap?: number;
  /** A key field TikTok nests: copied to the top level (spark_ads_post_id = item_info.item_id). */
  keyFrom?: { field: string; path: readonly string[] };
  cursorField: 'modify_time' | undefined;
}

/** Pixel streams: each advertiser's own pixels (pixel/list/) drive the calls. */
export interface PixelStream extends StreamBase {
  kind: 'pixel_instant_page_events' | 'pixel_events_statistics';
  cursorField: undefined;
}

/**
 * Upgraded Smart+ creative reports (smart_plus/material_report/overview|breakdown/): rows per Smart+ ad and main
 * creative, by day or hour or over the lifetime, 100 a page (smart-plus-materials.ts reads them).
 */
export interface SmartPlusMaterialStream extends StreamBase {
  kind: 'smart_plus_material';
  path: 'smart_plus/material_report/overview/' | 'smart_plus/material_report/breakdown/';
  timeDimension: 'stat_time_day' | 'stat_time_hour' | undefined;
  /** Days a dated query spans at most (TikTok allows 365, by the hour 7). */
  windowDays: number;
  metrics: readonly string[];
  cursorField: 'stat_time_day' | 'stat_time_hour' | undefined;
}

export type StreamDefinition = AdvertiserStream | EntityStream | ReportStream | AssetStream | PixelStream | SmartPlusMaterialStream | GmvMaxStream;

const ENTITY_STREAMS: StreamDefinition[] = [
  {
    kind: 'advertisers',
    name: 'advertisers',
    fields: ADVERTISER_FIELDS,
    schema: objectSchema(ADVERTISER_FIELDS),
    primaryKey: ['advertiser_id'],
    cursorField: undefined,
    // advertiser/info/ is not served by the sandbox (airbytehq/airbyte #46211); Airbyte offers it and fails.
    productionOnly: true,
  },
  {
    kind: 'advertiser_ids',
    name: 'advertiser_ids',
    fields: ADVERTISER_ID_FIELDS,
    schema: objectSchema(ADVERTISER_ID_FIELDS),
    primaryKey: ['advertiser_id'],
    cursorField: undefined,
  },
  entityStream('campaigns', 'campaign/get/', 'campaign_id', 'CAMPAIGN_STATUS_ALL', CAMPAIGN_FIELDS),
  entityStream('ad_groups', 'adgroup/get/', 'adgroup_id', 'ADGROUP_STATUS_ALL', AD_GROUP_FIELDS),
  entityStream('ads', 'ad/get/', 'ad_id', 'AD_STATUS_ALL', AD_FIELDS),
];

const LEVELS: { level: Level; stream: string; dataLevel: ReportStream['dataLevel'] }[] = [
  { level: 'advertiser', stream: 'advertisers', dataLevel: 'AUCTION_ADVERTISER' },
  { level: 'campaign', stream: 'campaigns', dataLevel: 'AUCTION_CAMPAIGN' },
  { level: 'adgroup', stream: 'ad_groups', dataLevel: 'AUCTION_ADGROUP' },
  { level: 'ad', stream: 'ads', dataLevel: 'AUCTION_AD' },
];

const GRANULARITIES: { granularity: Granularity; suffix: string; time: ReportStream['timeDimension'] }[] = [
  { granularity: 'hour', suffix: 'hourly', time: 'stat_time_hour' },
  { granularity: 'day', suffix: 'daily', time: 'stat_time_day' },
  { granularity: 'lifetime', suffix: 'lifetime', time: undefined },
];

function reportStream(
  level: (typeof LEVELS)[number],
  granularity: (typeof GRANULARITIES)[number],
  keyedBy: { idDimension: string; name: string; leaveOut: readonly string[] } = { idDimension: `${level.level}_id`, name: level.stream, leaveOut: [] },
): ReportStream {
  const idDimension = keyedBy.idDimension;
  const metrics = [...COMMON_METRICS, ...LEVEL_METRICS[level.level]].filter(
    (m) => metricServedAt(m, granularity.granularity) && !keyedBy.leaveOut.includes(m),
  );
  const dimensions = granularity.time ? [idDimension, granularity.time] : [idDimension];
  return {
    kind: 'report',
    name: `${keyedBy.name}_reports_${granularity.suffix}`,
    reportType: 'BASIC',
    level: level.level,
    granularity: granularity.granularity,
    dataLevel: level.dataLevel,
    idDimension,
    timeDimension: granularity.time,
    metrics,
    schema: reportSchema(idDimension, granularity.time, metrics),
    primaryKey: dimensions,
    cursorField: granularity.time,
  };
}

/** Breakdown values are text (country_code and platform included, as Airbyte types them); "-" becomes null. */
function reportSchema(idDimension: string, time: string | undefined, metrics: readonly string[], breakdowns: readonly string[] = []): JsonSchema {
  const dimensionFields: FieldTable = {
    [idDimension]: 'id',
    ...(time ? { [time]: 'ts' } : {}),
    ...Object.fromEntries(breakdowns.map((b) => [b, 'str'])),
  };
  const metricFields: Record<string, ReturnType<typeof fieldSchema>> = {};
  for (const metric of metrics) metricFields[metric] = fieldSchema(METRIC_FIELD_TYPES[METRIC_TYPES.get(metric) ?? 'string']);
  const top: FieldTable = { advertiser_id: 'id', ...dimensionFields };
  return objectSchema(top, {
    dimensions: { type: ['null', 'object'], additionalProperties: true, properties: objectSchema(dimensionFields)['properties'] },
    metrics: { type: ['null', 'object'], additionalProperties: true, properties: metricFields },
  });
}

export const REPORT_STREAMS: ReportStream[] = LEVELS.flatMap((level) => GRANULARITIES.map((g) => reportStream(level, g)));

/**
 * Upgraded Smart+ asset groups: AUCTION_AD keyed by ad_id_v2, one row per Smart+ ad (an ordinary ad's ad_id_v2 is
 * its ad_id), by day and by hour. The ad's name and text belong to its creatives, so they are not asked for.
 */
export const ASSET_GROUP_REPORT_STREAMS: ReportStream[] = GRANULARITIES.filter((g) => g.time !== undefined).map((g) =>
  reportStream(LEVELS[3] as (typeof LEVELS)[number], g, { idDimension: 'ad_id_v2', name: 'smart_plus_asset_groups', leaveOut: ['ad_name', 'ad_text'] }),
);

/**
 * Report streams that split a level's rows by a breakdown, named as Airbyte names them (note the singular
 * `ad_group_audience_…` against `ad_groups_reports_by_country_…`). AUDIENCE has no hourly rows and no lifetime
 * (its `lifetime` stream reads the last year without a time dimension); the by-language streams are this
 * source's own (Airbyte has none).
 */
interface BreakdownSpec {
  name: string;
  level: (typeof LEVELS)[number];
  reportType: 'BASIC' | 'AUDIENCE';
  granularity: (typeof GRANULARITIES)[number];
  breakdowns: readonly string[];
  productionOnly: boolean;
}

function breakdownSpecs(): BreakdownSpec[] {
  const granularity = (g: Granularity) => GRANULARITIES.find((x) => x.granularity === g) as (typeof GRANULARITIES)[number];
  const specs: BreakdownSpec[] = [];
  for (const level of LEVELS.filter((l) => l.level === 'ad' || l.level === 'adgroup').reverse()) {
    for (const g of [granularity('day'), granularity('hour')]) {
      specs.push({
        name: `${level.stream}_reports_by_country_${g.suffix}`,
        level, reportType: 'BASIC', granularity: g, breakdowns: ['country_code'], productionOnly: true,
      });
    }
  }
  const variants: { suffix: string; breakdowns: readonly string[]; levels: readonly Level[] }[] = [
    { suffix: 'daily', breakdowns: ['gender', 'age'], levels: ['advertiser', 'campaign', 'adgroup', 'ad'] },
    { suffix: 'by_country_daily', breakdowns: ['country_code'], levels: ['advertiser', 'campaign', 'adgroup', 'ad'] },
    { suffix: 'by_platform_daily', breakdowns: ['platform'], levels: ['advertiser', 'campaign', 'adgroup', 'ad'] },
    { suffix: 'by_province_daily', breakdowns: ['province_id'], levels: ['ad'] },
    { suffix: 'by_language_daily', breakdowns: ['language'], levels: ['advertiser', 'campaign', 'adgroup', 'ad'] },
  ];
  for (const level of LEVELS) {
    const prefix = level.level === 'adgroup' ? 'ad_group' : level.stream;
    for (const variant of variants.filter((v) => v.levels.includes(level.level))) {
      specs.push({
        name: `${prefix}_audience_reports_${variant.suffix}`,
        level, reportType: 'AUDIENCE', granularity: granularity('day'), breakdowns: variant.breakdowns,
        // Airbyte offers advertiser-level audience reports to production configs only.
        productionOnly: level.level === 'advertiser',
      });
    }
  }
  specs.push({
    name: 'advertisers_audience_reports_lifetime',
    level: LEVELS[0] as (typeof LEVELS)[number], reportType: 'AUDIENCE', granularity: granularity('lifetime'),
    breakdowns: ['gender', 'age'], productionOnly: true,
  });
  return specs;
}

function breakdownStream(spec: BreakdownSpec): ReportStream {
  const { level, granularity } = spec;
  const idDimension = `${level.level}_id` as const;
  // Airbyte's lists, for the schema. Unique-user metrics are not asked for under an audience breakdown (TikTok's
  // audience metric table leaves them out), but reach and frequency are served by synchronous BASIC reports by
  // country (TikTok's basic-report metric table); report tasks refuse them there, so such streams read synchronously.
  const listed =
    spec.reportType === 'AUDIENCE'
      ? [...AUDIENCE_LEVEL_METRICS[level.level], ...AUDIENCE_METRICS]
      : [...COMMON_METRICS, ...LEVEL_METRICS[level.level]].filter((m) => metricServedAt(m, granularity.granularity));
  const servedByCountry = spec.reportType === 'BASIC' ? BY_COUNTRY_UV_METRICS : new Set<string>();
  const metrics = listed.filter((m) => !UNIQUE_USER_METRICS.has(m) || servedByCountry.has(m));
  return {
    kind: 'report',
    name: spec.name,
    reportType: spec.reportType,
    level: level.level,
    granularity: granularity.granularity,
    dataLevel: level.dataLevel,
    idDimension,
    timeDimension: granularity.time,
    breakdowns: spec.breakdowns,
    metrics,
    schema: reportSchema(idDimension, granularity.time, listed, spec.breakdowns),
    primaryKey: [idDimension, ...(granularity.time ? [granularity.time] : []), ...spec.breakdowns],
    cursorField: granularity.time,
    productionOnly: spec.productionOnly,
  };
}

/** The unique-user metrics TikTok serves in synchronous BASIC reports by country. */
const BY_COUNTRY_UV_METRICS: ReadonlySet<string> = new Set(['reach', 'frequency']);

export const BREAKDOWN_REPORT_STREAMS: ReportStream[] = breakdownSpecs().map(breakdownStream);

export const STREAMS: readonly StreamDefinition[] = [
  ...ENTITY_STREAMS, ...REPORT_STREAMS, ...BREAKDOWN_REPORT_STREAMS, ...ASSET_STREAMS,
  ...SMART_PLUS_ENTITY_STREAMS, ...ASSET_GROUP_REPORT_STREAMS, ...SMART_PLUS_MATERIAL_STREAMS, ...GMV_MAX_STREAMS,
];

export const STREAMS_BY_NAME: ReadonlyMap<string, StreamDefinition> = new Map(STREAMS.map((s) => [s.name, s]));

export function syncModesOf(stream: StreamDefinition): SyncMode[] {
  return stream.cursorField ? ['full_refresh', 'incremental'] : ['full_refresh'];
}
