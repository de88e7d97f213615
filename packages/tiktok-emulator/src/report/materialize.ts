// Sync reports: the whole query is computed once (so page_info and total_metrics cover every page), kept
// in a small cache keyed by the query and the advertiser's current hour, and served page by page.

import { FIELD_COUNT } from '../data/delivery.ts';
import type { World } from '../data/world.ts';
import { ApiError } from '../http/api-error.ts';
import { queryAds, reportRows, rowScope, type ReportRow } from './engine.ts';
import { addInto, minorUnits } from './format.ts';
import type { ReportQuery } from './query.ts';

export interface MaterializedReport {
  rows: ReportRow[];
  totals: Float64Array;
  /** The advertiser's ads exceeded the synchronous cap: the rows cover the newest 20,000 only (ad-cap.ts). */
  capped: boolean;
}

/** Least recently used queries, bounded by their total rows (a row holds ~26 numbers). */
export class ReportCache {
  readonly #entries = new Map<string, MaterializedReport>();
  readonly #maxRows: number;
  #rows = 0;

  constructor(maxRows = 100_000) {
    this.#maxRows = maxRows;
  }

  get(key: string): MaterializedReport | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: MaterializedReport): void {
    this.#entries.set(key, value);
    this.#rows += value.rows.length;
    // The newest entry always stays, however big: the next page of the same query needs it.
    while (this.#rows > this.#maxRows && this.#entries.size > 1) {
      const [oldest, entry] = this.#entries.entries().next().value!;
      this.#entries.delete(oldest);
      this.#rows -= entry.rows.length;
    }
  }
}

export function materialize(world: World, cache: ReportCache, q: ReportQuery, now: Date): MaterializedReport {
  const scope = rowScope(world, q, now);
  const key = `${q.key}|${scope.today}|${scope.hour}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;

  const limit = world.options.maxReportRows;
  const rows: ReportRow[] = [];
  const totals = new Float64Array(FIELD_COUNT);
  const ads = queryAds(world, q);
  for (const row of reportRows(world, q, now, ads)) {
    if (rows.length >= limit) {
      // TikTok's wording, as Airbyte's window-splitting test recorded it (test/fixtures/recorded).
      throw new ApiError(40067, 'Your query is too large, please reduce the query size (e.g. fewer metrics or time range) and retry after a while.');
    }
    const own = { ...row, values: row.values.slice(row.offset, row.offset + FIELD_COUNT), offset: 0 };
    addInto(totals, own);
    rows.push(own);
  }
  if (q.orderField !== undefined) sortRows(q, rows);
  const report = { rows, totals, capped: ads.capped };
  cache.set(key, report);
  return report;
}

function sortRows(q: ReportQuery, rows: ReportRow[]): void {
  const metric = q.orderField!;
  const minor = minorUnits(q);
  const keyOf = (row: ReportRow) => {
    const text = metric.format(row.values, row.offset, minor, row.entity);
    const value = text === null ? NaN : Number(text);
    return Number.isNaN(value) ? -Infinity : value;
  };
  const keyed = rows.map((row, i) => ({ row, i, k: keyOf(row) }));
  const sign = q.orderType === 'ASC' ? 1 : -1;
  keyed.sort((a, b) => (a.k === b.k ? a.i - b.i : a.k < b.k ? -sign : sign));
  keyed.forEach((entry, i) => { rows[i] = entry.row; });
}
