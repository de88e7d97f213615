import { recordMessage } from '../protocol/messages.ts';
import type { AirbyteMessage, RecordData } from '../protocol/types.ts';
import { type AdvertiserInfo, timeZoneOf } from '../tiktok/advertisers.ts';
import { TikTokApiError } from '../tiktok/errors.ts';
import { listPages } from './assets.ts';
import { type ReadContext, skippingInaccessible } from './context.ts';
import { addDays, todayIn } from './dates.ts';
import type { PixelStream } from './definitions.ts';
import type { Batch } from './entity.ts';
import { toId } from './fields.ts';

/** Objective types and optimization goals Airbyte asks pixel/instant_page/event/ about (tiktok-streams.md §3). */
export const OBJECTIVE_TYPES = [
  'APP_PROMOTION', 'WEB_CONVERSIONS', 'REACH', 'TRAFFIC', 'VIDEO_VIEWS', 'PRODUCT_SALES', 'ENGAGEMENT', 'LEAD_GENERATION',
  'RF_REACH', 'TOPVIEW_REACH',
] as const;
export const OPTIMIZATION_GOALS = [
  'CLICK', 'CONVERT', 'INSTALL', 'IN_APP_EVENT', 'SHOW', 'REACH', 'LEAD_GENERATION', 'CONVERSATION', 'FOLLOWERS',
  'PAGE_VISIT', 'VALUE', 'AUTOMATIC_VALUE_OPTIMIZATION', 'GMV', 'PURCHASES', 'INITIATE_CHECKOUTS', 'MT_LIVE_ROOM',
  'PRODUCT_CLICK_IN_LIVE', 'ENGAGED_VIEW', 'ENGAGED_VIEW_FIFTEEN', 'TRAFFIC_LANDING_PAGE_VIEW', 'DESTINATION_VISIT',
  'PREFERRED_LEAD',
] as const;

/** pixel/event/stats/ takes at most this many pixel ids per call. */
export const PIXEL_IDS_PER_CALL = 10;
/** Days of event statistics read: the last 30 of the advertiser's calendar, today included. */
export const PIXEL_STATS_DAYS = 30;
const PIXEL_LIST_PAGE_SIZE = 20;

/** TikTok's answer to an objective/goal pair it does not combine (Airbyte #73314): not data, not an error. */
const UNSUPPORTED_PAIR = /one or more value of the param\(s\) is not acceptable/i;

export function readPixelStream(ctx: ReadContext, stream: PixelStream, advertiser: AdvertiserInfo): AsyncGenerator<Batch> {
  return stream.kind === 'pixel_instant_page_events' ? readInstantPageEvents(ctx, stream, advertiser.advertiser_id) : readEventStatistics(ctx, stream, advertiser);
}

/**
 * The instant-page events each objective/goal pair offers. Airbyte's records do not say which advertiser, objective
 * or goal they answer, so identical rows repeat; here each record carries the three (its primary key). Pairs
 * TikTok does not combine are left out, and only if it refuses every pair is that worth a warning.
 */
async function* readInstantPageEvents(ctx: ReadContext, stream: PixelStream, advertiserId: string): AsyncGenerator<Batch> {
  const pairs = OBJECTIVE_TYPES.flatMap((objective_type) => OPTIMIZATION_GOALS.map((optimization_goal) => ({ objective_type, optimization_goal })));
  let refused = 0;
  // In groups, so the client's concurrency bound is used without holding 220 answers at once.
  const group = Math.max(1, ctx.config.maxConcurrency);
  for (let i = 0; i < pairs.length; i += group) {
    const answers = await Promise.all(
      pairs.slice(i, i + group).map(async (pair) => {
        try {
          const data = await ctx.client.get<{ list?: RecordData[] }>('pixel/instant_page/event/', { advertiser_id: advertiserId, ...pair });
          return { pair, list: data.list ?? [] };
        } catch (error) {
          if (error instanceof TikTokApiError && UNSUPPORTED_PAIR.test(error.message)) {
            refused++;
            return { pair, list: [] };
          }
          throw error;
        }
      }),
    );
    const records: AirbyteMessage[] = [];
    const emittedAt = Date.now();
    for (const { pair, list } of answers) {
      for (const row of list) records.push(recordMessage(stream.name, { ...row, advertiser_id: toId(advertiserId), ...pair }, emittedAt));
    }
    if (records.length > 0) yield { records };
  }
  if (refused === pairs.length) {
    ctx.warn(`${stream.name}: advertiser ${advertiserId}: TikTok refused all ${pairs.length} objective/goal pairs as not acceptable; no records.`);
  }
}

/**
 * Event statistics of the advertiser's own pixels (from pixel/list/), in calls of up to 10 pixel ids. Airbyte
 * asks every advertiser about every pixel of every advertiser and ignores the refusals; asking each owner costs
 * ⌈pixels/10⌉ calls. A pixel TikTok still refuses (shared, then revoked) is skipped by name and counted.
 */
async function* readEventStatistics(ctx: ReadContext, stream: PixelStream, advertiser: AdvertiserInfo): AsyncGenerator<Batch> {
  const advertiserId = advertiser.advertiser_id;
  const pixelIds: string[] = [];
  for await (const { records } of listPages(ctx, 'pixel/list/', 'pixels', PIXEL_LIST_PAGE_SIZE, { advertiser_id: advertiserId })) {
    for (const pixel of records) if (pixel['pixel_id'] !== undefined && pixel['pixel_id'] !== null) pixelIds.push(String(pixel['pixel_id']));
  }
  const end = todayIn(timeZoneOf(advertiser), ctx.now());
  const dateRange = { start_date: addDays(end, -(PIXEL_STATS_DAYS - 1)), end_date: end };
  const ask = async function* (ids: readonly string[]): AsyncGenerator<Batch> {
    let data: { list?: RecordData[] };
    try {
      data = await ctx.client.get<{ list?: RecordData[] }>('pixel/event/stats/', { advertiser_id: advertiserId, pixel_ids: ids, date_range: dateRange });
    } catch (error) {
      // One refused pixel refuses the whole call: halve until it stands alone, then skip just that one.
      if (!(error instanceof TikTokApiError && error.kind === 'not_accessible') || ids.length === 1) throw error;
      const half = Math.ceil(ids.length / 2);
      for (const part of [ids.slice(0, half), ids.slice(half)]) yield* askSkipping(part);
      return;
    }
    const emittedAt = Date.now();
    const records = (data.list ?? []).map((row) => recordMessage(stream.name, { ...row, advertiser_id: toId(advertiserId) }, emittedAt));
    if (records.length > 0) yield { records };
  };
  // Only a single refused pixel ever escapes ask() (a larger call is halved first): it is the one named.
  const askSkipping = (ids: readonly string[]) => skippingInaccessible(ctx, `pixel ${ids.join(',')} of advertiser ${advertiserId}`, () => ask(ids));
  for (let i = 0; i < pixelIds.length; i += PIXEL_IDS_PER_CALL) yield* askSkipping(pixelIds.slice(i, i + PIXEL_IDS_PER_CALL));
}
