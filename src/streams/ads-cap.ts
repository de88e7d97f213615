import { parseJsonLossless } from '../json.ts';
import type { Params } from '../tiktok/client.ts';
import { TikTokApiError } from '../tiktok/errors.ts';
import type { ReadContext } from './context.ts';
import type { ReportFilter, ReportStream } from './definitions.ts';
import type { Batch } from './entity.ts';
import { readWindow } from './report-window.ts';

// TikTok answers a synchronous report over an advertiser with more than 20,000 ads for its 20,000 newest ads only:
// code 0 and an X-Tt-Ads-Throttle header, which the client raises as an 'ads_capped' error so that no capped answer
// can pass for a complete one. The query is then read again narrowed by `campaign_ids`, halved while an answer is
// still capped, and a campaign still over the cap by the `adgroup_ids` of its ad groups. Campaign, ad group and ad
// rows of different campaigns are different rows, so the narrowed answers add up to the whole; an
// advertiser-level row (or a row of breakdowns only) cannot be assembled from parts, and such a query fails.

/** TikTok's most ids in one `campaign_ids` / `adgroup_ids` filter. */
export const MAX_FILTER_IDS = 100;

type NarrowField = 'campaign_ids' | 'adgroup_ids';

/** One report query, read whole: as asked when TikTok's answer is complete, else narrowed until each part is. */
export async function* readUncapped(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  params: Params,
  label: string,
): AsyncGenerator<Batch, number> {
  const whole = yield* unlessCapped(ctx, stream, advertiserId, params, label);
  if (typeof whole === 'number') return whole;
  // Rows of campaigns, ad groups, ads and Smart+ ads (ad_id_v2) belong to one campaign each: they can be read in parts.
  if (!['campaign_id', 'adgroup_id', 'ad_id', 'ad_id_v2'].includes(stream.idDimension)) throw whole.capped;
  ctx.summary.cappedQueriesSplit++;
  ctx.warn(`${stream.name}: advertiser ${advertiserId}, ${label}: TikTok answered for the advertiser's 20,000 newest ads only; reading it again by campaign.`);
  const campaigns = await idsOf(ctx, 'campaign/get/', 'campaign_id', advertiserId, { secondary_status: 'CAMPAIGN_STATUS_ALL' });
  return yield* byIds(ctx, stream, advertiserId, params, label, 'campaign_ids', campaigns);
}

/** The query narrowed to each hundred of `ids` in turn (those the query's own filter lets through). */
async function* byIds(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  params: Params,
  label: string,
  field: NarrowField,
  ids: readonly string[],
): AsyncGenerator<Batch, number> {
  let total = 0;
  for (const chunk of chunked(allowedBy(params, field, ids), MAX_FILTER_IDS)) {
    total += yield* narrowed(ctx, stream, advertiserId, params, label, field, chunk);
  }
  return total;
}

/** The query with `field IN ids` (halved, then by ad group, while TikTok still caps it). */
async function* narrowed(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  params: Params,
  label: string,
  field: NarrowField,
  ids: readonly string[],
): AsyncGenerator<Batch, number> {
  const own = filtersOf(params).filter((f) => f.field_name !== field && !(field === 'adgroup_ids' && f.field_name === 'campaign_ids'));
  const filtering: ReportFilter[] = [...own, { field_name: field, filter_type: 'IN', filter_value: JSON.stringify(ids) }];
  const part = `${label}, ${ids.length === 1 ? field.replace(/s$/, '') : `${ids.length} ${field}`} ${ids.length === 1 ? ids[0] : `from ${ids[0]}`}`;
  const answer = yield* unlessCapped(ctx, stream, advertiserId, { ...params, filtering }, part);
  if (typeof answer === 'number') return answer;
  ctx.summary.cappedQueriesSplit++;
  if (ids.length > 1) {
    const half = Math.ceil(ids.length / 2);
    const first = yield* narrowed(ctx, stream, advertiserId, params, label, field, ids.slice(0, half));
    return first + (yield* narrowed(ctx, stream, advertiserId, params, label, field, ids.slice(half)));
  }
  if (field === 'adgroup_ids') throw answer.capped;
  // One campaign with more than 20,000 ads: its ad groups, a hundred at a time.
  const adgroups = await idsOf(ctx, 'adgroup/get/', 'adgroup_id', advertiserId, { campaign_ids: [ids[0]], secondary_status: 'ADGROUP_STATUS_ALL' });
  return yield* byIds(ctx, stream, advertiserId, { ...params, filtering: own }, label, 'adgroup_ids', adgroups);
}

/**
 * readWindow's rows, or the capped error when TikTok capped the answer. The mark comes with the first page,
 * before any row: a capped page after rows went out cannot be undone, and fails the read.
 */
async function* unlessCapped(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  params: Params,
  label: string,
): AsyncGenerator<Batch, number | { capped: TikTokApiError }> {
  const window = readWindow(ctx, stream, advertiserId, params, label);
  let yielded = false;
  try {
    for (;;) {
      const next = await window.next();
      if (next.done) return next.value;
      yielded = true;
      yield next.value;
    }
  } catch (error) {
    if (!yielded && error instanceof TikTokApiError && error.kind === 'ads_capped') return { capped: error };
    throw error;
  } finally {
    await window.return(0);
  }
}

/** Every id of the advertiser's campaigns or ad groups (deleted ones too: the report's own filters still apply). */
async function idsOf(ctx: ReadContext, path: string, idField: string, advertiserId: string, filtering: Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of ctx.client.pages<Record<string, unknown>>(path, { advertiser_id: advertiserId, fields: [idField], filtering })) {
    for (const item of page.list) {
      const id = item[idField];
      if (typeof id === 'string' || typeof id === 'number') ids.push(String(id));
    }
  }
  return ids;
}

function filtersOf(params: Params): readonly ReportFilter[] {
  const filtering = params['filtering'];
  return Array.isArray(filtering) ? (filtering as readonly ReportFilter[]) : [];
}

/** The ids the query's own filter on `field` (a custom report's) lets through. */
function allowedBy(params: Params, field: NarrowField, ids: readonly string[]): string[] {
  let allowed = [...ids];
  for (const filter of filtersOf(params).filter((f) => f.field_name === field)) {
    const listed = new Set(listValues(filter.filter_value));
    if (filter.filter_type === 'IN') allowed = allowed.filter((id) => listed.has(id));
    else if (filter.filter_type === 'NOT_IN') allowed = allowed.filter((id) => !listed.has(id));
  }
  return allowed;
}

function listValues(text: string): string[] {
  try {
    const parsed = parseJsonLossless(text);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
