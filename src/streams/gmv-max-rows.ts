import type { RecordData } from '../protocol/types.ts';
import { GMV_MAX_METRIC_TYPES, GMV_MAX_ORDER_METRICS, GMV_MAX_ORDERS_SINCE, type GmvMaxReportStream, type GmvPromotion } from './gmv-max-streams.ts';
import { type ReportRow, RowError } from './report-rows.ts';

const DIGITS = /^\d+$/;
const STAT_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Whose row it is: the advertiser and store asked about, the promotion type, and the campaign a creative query named. */
export interface GmvRowContext {
  advertiserId: RawJSON;
  storeId: RawJSON;
  promotion: GmvPromotion;
  campaignId?: RawJSON;
}

/**
 * One GMV Max report row as a record, shaped like the other report streams': the ids and the time at the top
 * level (with the store and the promotion type), `dimensions` and `metrics` objects. Metric strings become numbers,
 * "-" null; order and revenue metrics of a day before 2024-09-27 are null whatever TikTok sent, because TikTok
 * recorded none then (a 0 there would claim a day without sales). A row that cannot be read throws RowError.
 */
export function gmvMaxRecord(row: ReportRow, stream: GmvMaxReportStream, context: GmvRowContext): RecordData {
  const dims = row.dimensions;
  if (!dims) throw new RowError('row has no dimensions');
  const rawId = dims[stream.mainDimension];
  const idText = typeof rawId === 'number' ? String(rawId) : rawId;
  if (typeof idText !== 'string' || !DIGITS.test(idText)) throw new RowError(`${stream.mainDimension} is ${JSON.stringify(rawId)}, not an id`);
  const time = dims[stream.timeDimension];
  if (typeof time !== 'string' || !STAT_TIME.test(time)) throw new RowError(`${stream.timeDimension} is ${JSON.stringify(time)}, not "YYYY-MM-DD HH:MM:SS"`);
  const id = JSON.rawJSON(idText);
  const dimensions: RecordData = { [stream.mainDimension]: id, [stream.timeDimension]: time };
  return {
    advertiser_id: context.advertiserId,
    store_id: context.storeId,
    ...(context.campaignId === undefined ? {} : { campaign_id: context.campaignId }),
    ...dimensions,
    gmv_max_promotion_type: context.promotion,
    dimensions,
    metrics: typedMetrics(row.metrics ?? {}, time.slice(0, 10) < GMV_MAX_ORDERS_SINCE),
  };
}

function typedMetrics(metrics: Record<string, unknown>, beforeOrders: boolean): RecordData {
  const out: RecordData = {};
  for (const name in metrics) {
    const value = metrics[name];
    if (value === null || value === undefined || value === '-' || value === '' || (beforeOrders && GMV_MAX_ORDER_METRICS.has(name))) {
      out[name] = null;
      continue;
    }
    if (!GMV_MAX_METRIC_TYPES.has(name)) {
      out[name] = value;
      continue;
    }
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    if (!Number.isFinite(n)) throw new RowError(`metric ${name} is ${JSON.stringify(value)}, not a number`);
    out[name] = n;
  }
  return out;
}
