import type { Params } from '../tiktok/client.ts';
import type { ReadContext } from './context.ts';
import type { AssetStream } from './definitions.ts';

/**
 * TikTok serves only the first 10,000 matches of an image or video search (by modify_time), however many pages
 * are asked for. A search that reaches the cap is split by filters that partition the library: videos by
 * `video_material_sources` (an enum every video has one value of), images by `ratio` (each value selects the
 * aspect ratios within ±0.05, so values 0.1 apart cover every image). The value lists are halved until each
 * search holds fewer than the cap. A single value still at the cap cannot be split further: it is read as far
 * as TikTok serves it, and named and counted as possibly cut, never silently.
 */

/** TikTok's `video_material_sources` enum (Search for videos, v1.3). */
export const VIDEO_MATERIAL_SOURCES = [
  'UPLOADED_TO_TIKTOK_ADS_MANAGER', 'UPLOADED_TO_CATALOG', 'CREATIVE_TOOL_SMART_VIDEO', 'CREATIVE_TOOL_QUICK_OPTIMIZATION',
  'CREATIVE_TOOL_VIDEO_TEMPLATE', 'CREATIVE_TOOL_SMART_VIDEO_SOUNDTRACK', 'CREATIVE_TOOL_TIKTOK_VIDEO_EDITOR',
  'TIKTOK_CREATIVE_EXCHANGE', 'CATALOG_VIDEO_TEMPLATE', 'DYNAMIC_VIDEO_EDITOR', 'CREATIVE_CHALLENGE',
  'AUTOMATED_CREATIVE_OPTIMIZATION', 'OTHER', 'QUICK_GENERATION', 'CREATIVE_CENTER_VIDEO_UPLOAD',
  'CREATIVE_CENTER_TIKTOK_VIDEO_EDITOR', 'CREATIVE_CENTER_VIDEO_TEMPLATE', 'DYNAMIC_SCENE', 'SMART_OPTIMIZATION_TOOL',
] as const;

/** Aspect-ratio values 0.1 … 10.0: together they select every image from 1:20 to 10:1. */
export const RATIO_BUCKETS: readonly number[] = Array.from({ length: 100 }, (_, i) => Math.round((i + 1) * 10) / 100);

interface SearchPage {
  list?: unknown[];
  page_info?: { total_number?: number };
}

/**
 * The searches (`{filtering}` params) that together return the advertiser's whole library, each below the cap,
 * for a library whose plain search reached it.
 */
export async function* splitSearches(ctx: ReadContext, stream: AssetStream, advertiserId: string): AsyncGenerator<Params> {
  const cap = stream.searchCap;
  if (cap === undefined) return;
  // A one-row page tells how many items a search matches (total_number stops at the cap).
  const matches = async (filtering: Record<string, unknown>): Promise<number> => {
    const page = await ctx.client.get<SearchPage>(stream.path, { advertiser_id: advertiserId, page: 1, page_size: 1, filtering });
    return page.page_info?.total_number ?? page.list?.length ?? 0;
  };
  const video = stream.path.startsWith('file/video/');
  const key = video ? 'video_material_sources' : 'ratio';
  const values: readonly (string | number)[] = video ? VIDEO_MATERIAL_SOURCES : RATIO_BUCKETS;
  const split = async function* (part: readonly (string | number)[]): AsyncGenerator<Params> {
    const filtering = { [key]: part };
    const n = await matches(filtering);
    if (n === 0) return;
    if (n < cap) {
      yield { filtering };
      return;
    }
    if (part.length > 1) {
      const half = Math.ceil(part.length / 2);
      yield* split(part.slice(0, half));
      yield* split(part.slice(half));
      return;
    }
    const what = `${stream.name} of advertiser ${advertiserId}: ${key} ${String(part[0])}`;
    ctx.summary.skipped.push(`${what} (TikTok serves only the first ${cap} matches)`);
    ctx.warn(`${what} matches ${cap} or more items and cannot be narrowed further; TikTok serves only the first ${cap}, the rest may be missing.`);
    yield { filtering };
  };
  yield* split(values);
}
