import {
  AUDIENCE_SCHEMA,
  IMAGE_SCHEMA,
  MUSIC_SCHEMA,
  PIXEL_EVENTS_STATISTICS_SCHEMA,
  PIXEL_INSTANT_PAGE_EVENTS_SCHEMA,
  PIXEL_SCHEMA,
  PORTFOLIO_SCHEMA,
  SPARK_AD_SCHEMA,
  VIDEO_SCHEMA,
} from './asset-fields.ts';
import type { AssetStream, PixelStream } from './definitions.ts';

// The rows of the stream table for audiences, creative assets, Spark Ads posts and pixels: endpoint, where
// the records are, page cap, key and cursor as Airbyte's connector declares them (tiktok-streams.md §3).

/** TikTok's image and video searches return at most this many items, however many pages are asked for. */
export const CREATIVE_SEARCH_CAP = 10_000;

const asset = (
  name: string,
  path: string,
  recordsAt: string,
  pageSize: number,
  key: string,
  extra: Partial<AssetStream> & Pick<AssetStream, 'schema'>,
): AssetStream => ({ kind: 'asset', name, path, recordsAt, pageSize, primaryKey: [key], cursorField: undefined, ...extra });

export const ASSET_STREAMS: readonly (AssetStream | PixelStream)[] = [
  asset('audiences', 'dmp/custom_audience/list/', 'list', 100, 'audience_id', { schema: AUDIENCE_SCHEMA }),
  asset('creative_assets_images', 'file/image/ad/search/', 'list', 100, 'image_id', {
    schema: IMAGE_SCHEMA,
    cursorField: 'modify_time',
    searchCap: CREATIVE_SEARCH_CAP,
  }),
  asset('creative_assets_videos', 'file/video/ad/search/', 'list', 100, 'video_id', {
    schema: VIDEO_SCHEMA,
    cursorField: 'modify_time',
    searchCap: CREATIVE_SEARCH_CAP,
  }),
  // System music has no modify_time, so no cursor (Airbyte #28658).
  asset('creative_assets_music', 'file/music/get/', 'musics', 100, 'music_id', { schema: MUSIC_SCHEMA }),
  asset('creative_assets_portfolios', 'creative/portfolio/list/', 'creative_portfolios', 100, 'creative_portfolio_id', {
    schema: PORTFOLIO_SCHEMA,
  }),
  asset('spark_ads', 'tt_video/list/', 'list', 50, 'spark_ads_post_id', {
    schema: SPARK_AD_SCHEMA,
    keyFrom: { field: 'spark_ads_post_id', path: ['item_info', 'item_id'] },
    productionOnly: true,
  }),
  asset('pixels', 'pixel/list/', 'pixels', 20, 'pixel_id', { schema: PIXEL_SCHEMA, productionOnly: true }),
  {
    kind: 'pixel_instant_page_events',
    name: 'pixel_instant_page_events',
    schema: PIXEL_INSTANT_PAGE_EVENTS_SCHEMA,
    // Airbyte's records repeat identically across advertisers and goals; these say whose they are, so they have a
    // key. TikTok answers one record per business type of a pair, hence business_type in it too.
    primaryKey: ['advertiser_id', 'objective_type', 'optimization_goal', 'business_type'],
    cursorField: undefined,
    productionOnly: true,
  },
  {
    kind: 'pixel_events_statistics',
    name: 'pixel_events_statistics',
    schema: PIXEL_EVENTS_STATISTICS_SCHEMA,
    primaryKey: [],
    cursorField: undefined,
    productionOnly: true,
  },
];
