import type { JsonSchema, SyncMode } from '../protocol/types.ts';
import {
  AD_FIELDS,
  AD_GROUP_FIELDS,
  ADVERTISER_FIELDS,
  ADVERTISER_ID_FIELDS,
  CAMPAIGN_FIELDS,
} from './entity-fields.ts';
import { type FieldTable, fieldSchema, objectSchema } from './fields.ts';
import { COMMON_METRICS, LEVEL_METRICS, METRIC_TYPES, type MetricType, NOT_HOURLY } from './metrics.ts';

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
  /** The one id dimension: `<level>_id`, or another id TikTok keys a report type by (playable_id). */
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

export type StreamDefinition = AdvertiserStream | EntityStream | ReportStream;

const entity = (name: string, path: string, key: string, allStatuses: string, fields: FieldTable): EntityStream => ({
  kind: 'entity',
  name,
  path,
  allStatuses,
  fields,
  schema: objectSchema(fields),
  primaryKey: [key],
  cursorField: 'modify_time',
});

const ENTITY_STREAMS: StreamDefinition[] = [
  {
    kind: 'advertisers',
    name: 'advertisers',
    fields: ADVERTISER_FIELDS,
    schema: objectSchema(ADVERTISER_FIELDS),
    primaryKey: ['advertiser_id'],
    cursorField: undefined,
  },
  {
    kind: 'advertiser_ids',
    name: 'advertiser_ids',
    fields: ADVERTISER_ID_FIELDS,
    schema: objectSchema(ADVERTISER_ID_FIELDS),
    primaryKey: ['advertiser_id'],
    cursorField: undefined,
  },
  entity('campaigns', 'campaign/get/', 'campaign_id', 'CAMPAIGN_STATUS_ALL', CAMPAIGN_FIELDS),
  entity('ad_groups', 'adgroup/get/', 'adgroup_id', 'ADGROUP_STATUS_ALL', AD_GROUP_FIELDS),
  entity('ads', 'ad/get/', 'ad_id', 'AD_STATUS_ALL', AD_FIELDS),
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

function reportStream(level: (typeof LEVELS)[number], granularity: (typeof GRANULARITIES)[number]): ReportStream {
  const idDimension = `${level.level}_id` as const;
  const metrics = [...COMMON_METRICS, ...LEVEL_METRICS[level.level]].filter(
    (m) => granularity.granularity !== 'hour' || !NOT_HOURLY.has(m),
  );
  const dimensions = granularity.time ? [idDimension, granularity.time] : [idDimension];
  return {
    kind: 'report',
    name: `${level.stream}_reports_${granularity.suffix}`,
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

const TYPE_OF_METRIC: Record<MetricType, Parameters<typeof fieldSchema>[0]> = {
  integer: 'int',
  number: 'num',
  string: 'str',
  id: 'id',
};

function reportSchema(idDimension: string, time: string | undefined, metrics: readonly string[]): JsonSchema {
  const dimensionFields: FieldTable = time ? { [idDimension]: 'id', [time]: 'ts' } : { [idDimension]: 'id' };
  const metricFields: Record<string, ReturnType<typeof fieldSchema>> = {};
  for (const metric of metrics) metricFields[metric] = fieldSchema(TYPE_OF_METRIC[METRIC_TYPES.get(metric) ?? 'string']);
  const top: FieldTable = { advertiser_id: 'id', ...dimensionFields };
  return objectSchema(top, {
    dimensions: { type: ['null', 'object'], additionalProperties: true, properties: objectSchema(dimensionFields)['properties'] },
    metrics: { type: ['null', 'object'], additionalProperties: true, properties: metricFields },
  });
}

export const REPORT_STREAMS: ReportStream[] = LEVELS.flatMap((level) => GRANULARITIES.map((g) => reportStream(level, g)));

export const STREAMS: readonly StreamDefinition[] = [...ENTITY_STREAMS, ...REPORT_STREAMS];

export const STREAMS_BY_NAME: ReadonlyMap<string, StreamDefinition> = new Map(STREAMS.map((s) => [s.name, s]));

export function syncModesOf(stream: StreamDefinition): SyncMode[] {
  return stream.cursorField ? ['full_refresh', 'incremental'] : ['full_refresh'];
}
