import type { Params } from '../tiktok/client.ts';
import { GMV_MAX_REPORT_PATH } from '../tiktok/limits.ts';
import { listPages } from './assets.ts';
import type { ReadContext } from './context.ts';
import { addDays, daysBetween, minDate } from './dates.ts';
import type { GmvPromotion } from './gmv-max-streams.ts';
import type { ReportRow } from './report-rows.ts';

// Queries of gmv_max/report/get/ for one store, shared by the readers: parameters, the ids with delivery in a
// range, and the first day a store delivered at all.

export const REPORT_PAGE_SIZE = 1000;
/** Days a query without a time dimension may span (TikTok's limit). */
const UNTIMED_SPAN_DAYS = 365;
/**
 * Every campaign status TikTok's filter knows: deleted campaigns are left out of the report unless asked for, and
 * their spend belongs in the totals Ads Manager shows.
 */
const ALL_CAMPAIGN_STATUSES = ['STATUS_DELIVERY_OK', 'STATUS_DISABLE', 'STATUS_NOT_DELIVERY', 'STATUS_DELETE'];

/** One store's query: whose, and which days (the advertiser's calendar). */
export interface StoreWindow {
  advertiserId: string;
  storeId: string;
  start: string;
  end: string;
}

export interface ReportQuery {
  dimensions: readonly string[];
  metrics: readonly string[];
  filtering: Record<string, unknown>;
}

export function filteringOf(promotions: readonly GmvPromotion[], ids: Record<string, string[]> = {}): Record<string, unknown> {
  return { gmv_max_promotion_types: promotions, campaign_statuses: ALL_CAMPAIGN_STATUSES, ...ids };
}

export function reportParams(window: StoreWindow, query: ReportQuery): Params {
  return {
    advertiser_id: window.advertiserId,
    store_ids: [window.storeId],
    start_date: window.start,
    end_date: window.end,
    dimensions: query.dimensions,
    metrics: query.metrics,
    filtering: query.filtering,
  };
}

/** The distinct ids of one dimension with delivery in the window (a query without a time dimension). */
export async function idsIn(ctx: ReadContext, window: StoreWindow, dimension: string, filtering: Record<string, unknown>): Promise<string[]> {
  const ids = new Set<string>();
  for await (const { records: rows } of listPages(ctx, GMV_MAX_REPORT_PATH, 'list', REPORT_PAGE_SIZE, reportParams(window, { dimensions: [dimension], metrics: ['cost'], filtering }))) {
    for (const row of rows as ReportRow[]) {
      const value = row.dimensions?.[dimension];
      if (typeof value === 'string' || typeof value === 'number') ids.add(String(value));
    }
  }
  return [...ids];
}


/**
 * The first day in the window the store's campaigns of these types delivered, or undefined when none did: the
 * first 365-day span with any delivery (a query without a time dimension), then halving inside it. A backfill
 * from a start years before GMV Max existed then costs about a dozen calls per store instead of one per empty
 * window (an hourly backfill of ten years would be 3,650), under an endpoint allowed 20,000 a day.
 */
export async function firstDeliveryDay(ctx: ReadContext, window: StoreWindow, promotions: readonly GmvPromotion[]): Promise<string | undefined> {
  const delivered = async (start: string, end: string) => (await idsIn(ctx, { ...window, start, end }, 'campaign_id', filteringOf(promotions))).length > 0;
  for (let from = window.start; from <= window.end; from = addDays(from, UNTIMED_SPAN_DAYS)) {
    const to = minDate(addDays(from, UNTIMED_SPAN_DAYS - 1), window.end);
    if (!(await delivered(from, to))) continue;
    // The earliest day d with delivery in from..d: it lies in low..high.
    let low = from;
    let high = to;
    while (low < high) {
      const middle = addDays(low, Math.floor(daysBetween(low, high) / 2));
      if (await delivered(from, middle)) high = middle;
      else low = addDays(middle, 1);
    }
    return low;
  }
  return undefined;
}
