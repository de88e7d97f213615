import { recordMessage } from '../protocol/messages.ts';
import type { AirbyteMessage, RecordData } from '../protocol/types.ts';
import type { AdvertiserInfo } from '../tiktok/advertisers.ts';
import type { Params } from '../tiktok/client.ts';
import { GMV_MAX_REPORT_PATH } from '../tiktok/limits.ts';
import { firstDeliveryDay, filteringOf, idsIn, REPORT_PAGE_SIZE, type ReportQuery, reportParams, type StoreWindow } from './gmv-max-query.ts';
import { listPages } from './assets.ts';
import { type ReadContext, skippingInaccessible } from './context.ts';
import { daysBetween, maxDate } from './dates.ts';
import { tilingWindows } from './windows.ts';
import type { Batch } from './entity.ts';
import { coerceIds, fieldsOfType } from './fields.ts';
import { type GmvRowContext, gmvMaxRecord } from './gmv-max-rows.ts';
import type { GmvMaxCampaignStream, GmvMaxReportStream, GmvMaxStoreStream, GmvMaxStream, GmvPromotion } from './gmv-max-streams.ts';
import { advertiserReportDays, resumeDay } from './report-range.ts';
import { type ReportRow, RowError } from './report-rows.ts';
import { normaliseCursor } from './state.ts';

// Readers of the GMV Max streams: shops, campaigns, and the GMV Max report fanned out per store (TikTok takes one
// store a call) and, for creatives, per campaign and product group (TikTok wants both with item_id).

const STORE_LIST_PATH = 'gmv_max/store/list/';
const CAMPAIGN_LIST_PATH = 'gmv_max/campaign/get/';
/** gmv_max/campaign/get/ pages hold at most 100 campaigns. */
const CAMPAIGN_PAGE_SIZE = 100;
/** Days one query may span: TikTok's limits by time dimension. */
const SPAN_DAYS = { stat_time_day: 30, stat_time_hour: 1 } as const;
/** Ids one filter list takes (campaign_ids, item_group_ids). */
const IDS_PER_FILTER = 100;
const CAMPAIGN_TYPES: Readonly<Record<GmvPromotion, string>> = { PRODUCT: 'PRODUCT_GMV_MAX', LIVE: 'LIVE_GMV_MAX' };

export function readGmvMax(ctx: ReadContext, stream: GmvMaxStream, advertiser: AdvertiserInfo, cursor: string | undefined): AsyncGenerator<Batch> {
  switch (stream.kind) {
    case 'gmv_max_stores':
      return readStores(ctx, stream, advertiser.advertiser_id);
    case 'gmv_max_campaigns':
      return readCampaigns(ctx, stream, advertiser.advertiser_id, cursor);
    default:
      return readGmvMaxReport(ctx, stream, advertiser, cursor);
  }
}

type StoreRow = RecordData & { store_id?: unknown; is_gmv_max_available?: unknown };

async function storesOf(ctx: ReadContext, advertiserId: string): Promise<StoreRow[]> {
  const data = await ctx.client.get<{ store_list?: StoreRow[] }>(STORE_LIST_PATH, { advertiser_id: advertiserId });
  return Array.isArray(data.store_list) ? data.store_list : [];
}

async function* readStores(ctx: ReadContext, stream: GmvMaxStoreStream, advertiserId: string): AsyncGenerator<Batch> {
  const rows = await storesOf(ctx, advertiserId);
  const emittedAt = Date.now();
  const ids = fieldsOfType(stream.fields, 'id');
  const records = rows.map((row) => {
    const record: RecordData = { ...row, advertiser_id: advertiserId };
    coerceIds(record, ids, []);
    return recordMessage(stream.name, record, emittedAt);
  });
  yield { records };
}

/** Both promotion types' campaigns (TikTok lists one type a query), each record saying which. */
async function* readCampaigns(ctx: ReadContext, stream: GmvMaxCampaignStream, advertiserId: string, since: string | undefined): AsyncGenerator<Batch> {
  const ids = fieldsOfType(stream.fields, 'id');
  let newest = since;
  for (const type of Object.values(CAMPAIGN_TYPES)) {
    const params: Params = { advertiser_id: advertiserId, filtering: { gmv_max_promotion_types: [type] } };
    for await (const { records: rows } of listPages(ctx, CAMPAIGN_LIST_PATH, 'list', CAMPAIGN_PAGE_SIZE, params)) {
      const records: AirbyteMessage[] = [];
      const emittedAt = Date.now();
      for (const row of rows) {
        const modified = row['modify_time'] ?? row['create_time'];
        const stamp = typeof modified === 'string' && modified !== '' ? normaliseCursor(modified) : undefined;
        if (since !== undefined && stamp !== undefined && stamp < since) continue;
        if (stamp !== undefined && (newest === undefined || stamp > newest)) newest = stamp;
        const record: RecordData = { ...row, advertiser_id: row['advertiser_id'] ?? advertiserId, gmv_max_promotion_type: type };
        coerceIds(record, ids, []);
        records.push(recordMessage(stream.name, record, emittedAt));
      }
      if (records.length > 0) yield { records };
    }
  }
  yield { records: [], checkpoint: { advertiserId, cursor: newest } };
}

/**
 * One advertiser's rows of a GMV Max report: windows of TikTok's span in the advertiser's calendar, oldest first,
 * each read for every GMV Max available store before its checkpoint, so a restart resumes at the first window not
 * read for all stores. A backfill starts each store at its first day of delivery (firstDeliveryDay). A store
 * TikTok refuses (not authorised to this ad account) is skipped by name.
 */
async function* readGmvMaxReport(ctx: ReadContext, stream: GmvMaxReportStream, advertiser: AdvertiserInfo, cursor: string | undefined): AsyncGenerator<Batch> {
  const advertiserId = advertiser.advertiser_id;
  const range = advertiserReportDays(ctx, advertiser);
  const start = resumeDay(range.start, cursor, ctx.config.attributionWindow);
  if (start > range.end) return;
  const span = SPAN_DAYS[stream.timeDimension];
  const promotions = Object.keys(stream.metrics) as GmvPromotion[];
  // Where each available store starts; a store that never delivered in the range has none.
  const starts = new Map<string, string>();
  for (const store of await storesOf(ctx, advertiserId)) {
    if (store.is_gmv_max_available !== true || store.store_id === undefined || store.store_id === null) continue;
    const storeId = String(store.store_id);
    const probe = async function* (): AsyncGenerator<never> {
      const first = cursor === undefined && daysBetween(start, range.end) >= span ? await firstDeliveryDay(ctx, { advertiserId, storeId, start, end: range.end }, promotions) : start;
      if (first !== undefined) starts.set(storeId, first);
    };
    yield* skippingInaccessible(ctx, `store ${storeId} of advertiser ${advertiserId}`, probe);
  }
  const first = [...starts.values()].sort()[0];
  if (first === undefined) {
    yield { records: [], checkpoint: { advertiserId, cursor: `${range.end} 00:00:00` } };
    return;
  }
  for (const { start: from, end: to } of tilingWindows(first, range.end, span)) {
    for (const [storeId, storeStart] of starts) {
      if (storeStart > to) continue;
      yield* skippingInaccessible(ctx, `store ${storeId} of advertiser ${advertiserId}`, () =>
        readStoreWindow(ctx, stream, { advertiserId, storeId, start: maxDate(from, storeStart), end: to }));
    }
    yield { records: [], checkpoint: { advertiserId, cursor: `${to} 00:00:00` } };
  }
}

async function* readStoreWindow(ctx: ReadContext, stream: GmvMaxReportStream, window: StoreWindow): AsyncGenerator<Batch> {
  for (const [promotion, metrics] of Object.entries(stream.metrics) as [GmvPromotion, readonly string[]][]) {
    const context: GmvRowContext = { advertiserId: JSON.rawJSON(window.advertiserId), storeId: JSON.rawJSON(window.storeId), promotion };
    const dimensions = [stream.mainDimension, stream.timeDimension];
    if (stream.mainDimension !== 'item_id') {
      yield* reportRows(ctx, stream, window, { dimensions, metrics, filtering: filteringOf([promotion]) }, context);
      continue;
    }
    // TikTok answers item_id only within named campaigns and product groups: find them first, in the window.
    for (const campaignId of await idsIn(ctx, window, 'campaign_id', filteringOf([promotion]))) {
      const groups = await idsIn(ctx, window, 'item_group_id', filteringOf([promotion], { campaign_ids: [campaignId] }));
      for (let i = 0; i < groups.length; i += IDS_PER_FILTER) {
        const filtering = filteringOf([promotion], { campaign_ids: [campaignId], item_group_ids: groups.slice(i, i + IDS_PER_FILTER) });
        yield* reportRows(ctx, stream, window, { dimensions, metrics, filtering }, { ...context, campaignId: JSON.rawJSON(campaignId) });
      }
    }
  }
}

async function* reportRows(ctx: ReadContext, stream: GmvMaxReportStream, window: StoreWindow, query: ReportQuery, context: GmvRowContext): AsyncGenerator<Batch> {
  for await (const { records: rows } of listPages(ctx, GMV_MAX_REPORT_PATH, 'list', REPORT_PAGE_SIZE, reportParams(window, query))) {
    const records: AirbyteMessage[] = [];
    const emittedAt = Date.now();
    for (const row of rows) {
      try {
        records.push(recordMessage(stream.name, gmvMaxRecord(row as ReportRow, stream, context), emittedAt));
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        ctx.summary.unparsedRows++;
        ctx.warn(`${stream.name}: advertiser ${window.advertiserId}, store ${window.storeId}: a row could not be read (${error.message}); not emitted.`);
      }
    }
    if (records.length > 0) yield { records };
  }
}

