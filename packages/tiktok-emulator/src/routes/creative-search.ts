// file/image/ad/search/ and file/video/ad/search/: the Asset Library, newest modify_time first, with the
// filters TikTok documents. TikTok serves only the first 10,000 matches of a search; a client reaches the
// rest by narrowing the search (images: ratio/width/height buckets; videos: video_material_sources).

import { imageRecord, imagesOf, type Image } from '../data/assets/images.ts';
import { VIDEO_MATERIAL_SOURCES, videoRecord, videosOf, type Video } from '../data/assets/videos.ts';
import { paramError } from '../http/api-error.ts';
import { json, type Route } from '../http/route.ts';
import { advertiserParam } from './access.ts';
import {
  filterBoolean, filterIds, filteringObject, filterInteger, filterNumbers, filterText, pageOf, requireCreativeScope, strictPage,
} from './asset-params.ts';

/** "Only the first 10000 images (ordered by modify_time) will be returned" (Search for images, v1.3). */
export const SEARCH_WINDOW = 10_000;

/**
 * The first SEARCH_WINDOW matches, paged. page_info counts only what can be served (total_number at most
 * 10,000, as a search engine's default hit count reports it — unconfirmed); pages past it are empty.
 */
function searchPage<T>(matches: readonly T[], params: Parameters<typeof strictPage>[0]) {
  return pageOf(matches.slice(0, SEARCH_WINDOW), strictPage(params, 20, 100));
}

/** `ratio` r selects aspect ratios in [r − 0.05, r + 0.05): buckets 0.1 apart partition every image. */
function inRatio(width: number, height: number, ratios: readonly number[]): boolean {
  const r = width / height;
  return ratios.some((bucket) => r >= bucket - 0.05 - 1e-9 && r < bucket + 0.05 - 1e-9);
}

const IMAGE_FILTERS = ['image_ids', 'material_ids', 'width', 'height', 'ratio', 'displayable'];

export const imageSearch: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params, now }) {
    const advertiser = advertiserParam(state, params);
    requireCreativeScope(state, advertiser, '/file/image/ad/search/');
    const filter = filteringObject(params, IMAGE_FILTERS);
    const ids = filterIds(filter, 'image_ids', 100);
    const materials = filterIds(filter, 'material_ids', 100);
    const width = filterInteger(filter, 'width');
    const height = filterInteger(filter, 'height');
    const ratios = filterNumbers(filter, 'ratio');
    // Documented default false: search all materials; true keeps the displayable ones only.
    const displayableOnly = filterBoolean(filter, 'displayable') ?? false;
    const matches = imagesOf(state.world, advertiser).filter((image: Image) =>
      (ids === undefined || ids.has(image.imageId))
      && (materials === undefined || materials.has(image.materialId))
      && (width === undefined || image.width === width)
      && (height === undefined || image.height === height)
      && (ratios === undefined || inRatio(image.width, image.height, ratios))
      && (!displayableOnly || image.displayable));
    const { slice, page_info } = searchPage(matches, params);
    return json({ list: slice.map((image) => imageRecord(image, now)), page_info });
  },
};

/** v1.3 deprecated width/height/ratio/displayable for videos: still accepted, no longer applied. */
const VIDEO_FILTERS = ['video_ids', 'material_ids', 'video_name', 'video_material_sources', 'width', 'height', 'ratio', 'displayable'];
const SOURCES: ReadonlySet<string> = new Set(VIDEO_MATERIAL_SOURCES);

export const videoSearch: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params, now }) {
    const advertiser = advertiserParam(state, params);
    requireCreativeScope(state, advertiser, '/file/video/ad/search/');
    const filter = filteringObject(params, VIDEO_FILTERS);
    const ids = filterIds(filter, 'video_ids', 100);
    const materials = filterIds(filter, 'material_ids', 20);
    const name = filterText(filter, 'video_name')?.toLowerCase();
    const sources = filterIds(filter, 'video_material_sources', SOURCES.size);
    for (const source of sources ?? []) if (!SOURCES.has(source)) throw paramError(`filtering.video_material_sources: Invalid enum value ${source}.`);
    const matches = videosOf(state.world, advertiser).filter((video: Video) =>
      // Without video_ids a file uploaded twice shows once; asked for by id, every upload answers.
      (ids === undefined ? video.duplicateOf === undefined : ids.has(video.videoId))
      && (materials === undefined || materials.has(video.materialId))
      && (name === undefined || video.fileName.toLowerCase().includes(name))
      && (sources === undefined || sources.has(video.source)));
    const { slice, page_info } = searchPage(matches, params);
    return json({ list: slice.map((video) => videoRecord(video, now)), page_info });
  },
};
