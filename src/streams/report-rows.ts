import type { RecordData } from '../protocol/types.ts';
import type { ReportStream } from './definitions.ts';
import { toId } from './fields.ts';
import { METRIC_TYPES } from './metrics.ts';

export interface ReportRow {
  dimensions?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
}

/** Why a row could not become a record. */
export class RowError extends Error {}

const DIGITS = /^\d+$/;
const EXACT_DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/**
 * One TikTok report row as an Airbyte record: the id and time at the top level (plus advertiser_id), and
 * `dimensions` and `metrics` objects as Airbyte's connector emits them. Metric strings become numbers, ids exact
 * integers, "-" null; a value that cannot be read throws RowError.
 */
export function reportRecord(row: ReportRow, stream: Pick<ReportStream, 'idDimension' | 'timeDimension' | 'breakdowns'>, advertiserId: RawJSON): RecordData {
  const dims = row.dimensions;
  if (!dims) throw new RowError('row has no dimensions');
  const dimensions: RecordData = {};
  const record: RecordData = { advertiser_id: advertiserId };
  // A report of breakdowns only has no id dimension: its rows are the advertiser's.
  if (stream.idDimension !== '') {
    const rawId = dims[stream.idDimension];
    const idText = typeof rawId === 'number' ? String(rawId) : rawId;
    if (typeof idText !== 'string' || !DIGITS.test(idText)) {
      throw new RowError(`${stream.idDimension} is ${JSON.stringify(rawId)}, not an id`);
    }
    const id = JSON.rawJSON(idText);
    dimensions[stream.idDimension] = id;
    record[stream.idDimension] = id;
    if (stream.idDimension === 'advertiser_id') record['advertiser_id'] = id;
  }
  if (stream.timeDimension) {
    const time = dims[stream.timeDimension];
    if (typeof time !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(time)) {
      throw new RowError(`${stream.timeDimension} is ${JSON.stringify(time)}, not "YYYY-MM-DD HH:MM:SS"`);
    }
    dimensions[stream.timeDimension] = time;
    record[stream.timeDimension] = time;
  }
  for (const name of stream.breakdowns ?? []) {
    const value = dims[name];
    // TikTok sends breakdown values as text; numbers (province ids) are kept as their text, as Airbyte does.
    if (typeof value !== 'string' && typeof value !== 'number') throw new RowError(`${name} is ${JSON.stringify(value)}, not a value`);
    dimensions[name] = String(value);
    record[name] = String(value);
  }
  record['dimensions'] = dimensions;
  record['metrics'] = typedMetrics(row.metrics ?? {});
  return record;
}

function typedMetrics(metrics: Record<string, unknown>): RecordData {
  const out: RecordData = {};
  for (const name in metrics) {
    const value = metrics[name];
    if (value === null || value === undefined || value === '-' || value === '') {
      out[name] = null;
      continue;
    }
    switch (METRIC_TYPES.get(name)) {
      case 'integer':
      case 'number': {
        const n = typeof value === 'number' ? value : Number(value);
        if (typeof value === 'boolean' || !Number.isFinite(n)) throw new RowError(`metric ${name} is ${JSON.stringify(value)}, not a number`);
        // More digits than a double holds: the text goes out as a JSON number verbatim, never rounded.
        out[name] = typeof value === 'string' && EXACT_DECIMAL.test(value) && value.replace(/\D/g, '').replace(/^0+/, '').length > 15 ? JSON.rawJSON(value) : n;
        break;
      }
      case 'id':
        out[name] = toId(value);
        break;
      default:
        out[name] = value;
    }
  }
  return out;
}
