// The Asset Library's videos (file/video/ad/search/). Every eighth video was uploaded twice: TikTok then
// holds two video ids for one file and lists only one of them unless `video_ids` names the other.

import { hash32, pick } from '../hash.ts';
import type { Advertiser } from '../model.ts';
import type { World } from '../world.ts';
import { id19, isoSeconds, KIND, md5Like, secondAfter, secondIn, token } from './ids.ts';
import { anchorSeconds, memo } from './store.ts';

/** TikTok's `video_material_sources` enum (Search for videos, v1.3). */
export const VIDEO_MATERIAL_SOURCES = [
  'UPLOADED_TO_TIKTOK_ADS_MANAGER', 'UPLOADED_TO_CATALOG', 'CREATIVE_TOOL_SMART_VIDEO', 'CREATIVE_TOOL_QUICK_OPTIMIZATION',
  'CREATIVE_TOOL_VIDEO_TEMPLATE', 'CREATIVE_TOOL_SMART_VIDEO_SOUNDTRACK', 'CREATIVE_TOOL_TIKTOK_VIDEO_EDITOR',
  'TIKTOK_CREATIVE_EXCHANGE', 'CATALOG_VIDEO_TEMPLATE', 'DYNAMIC_VIDEO_EDITOR', 'CREATIVE_CHALLENGE',
  'AUTOMATED_CREATIVE_OPTIMIZATION', 'OTHER', 'QUICK_GENERATION', 'CREATIVE_CENTER_VIDEO_UPLOAD',
  'CREATIVE_CENTER_TIKTOK_VIDEO_EDITOR', 'CREATIVE_CENTER_VIDEO_TEMPLATE', 'DYNAMIC_SCENE', 'SMART_OPTIMIZATION_TOOL',
] as const;

/** Most uploads come from Ads Manager; the first few sources cover the rest. */
const SOURCE_WEIGHTS = ['UPLOADED_TO_TIKTOK_ADS_MANAGER', 'UPLOADED_TO_TIKTOK_ADS_MANAGER', 'UPLOADED_TO_TIKTOK_ADS_MANAGER',
  'UPLOADED_TO_CATALOG', 'CREATIVE_TOOL_SMART_VIDEO', 'CREATIVE_TOOL_VIDEO_TEMPLATE', 'TIKTOK_CREATIVE_EXCHANGE',
  'AUTOMATED_CREATIVE_OPTIMIZATION', 'CREATIVE_CENTER_VIDEO_UPLOAD', 'OTHER'] as const;

const SIZES: readonly (readonly [number, number])[] = [[720, 1280], [1080, 1920], [1280, 720], [1080, 1080], [540, 960]];
const PLACEMENTS = ['PLACEMENT_TIKTOK', 'PLACEMENT_PANGLE', 'PLACEMENT_GLOBAL_APP_BUNDLE'];

export interface Video {
  videoId: string;
  /** The id this one duplicates (a second upload of the same file), listed only when asked for by id. */
  duplicateOf: string | undefined;
  materialId: string;
  source: string;
  width: number;
  height: number;
  durationMs: number;
  bitRate: number;
  signature: string;
  size: number;
  fileName: string;
  createSeconds: number;
  modifySeconds: number;
  displayable: boolean;
  allowDownload: boolean;
  placements: readonly string[];
  key: number;
}

function videoId(key: number): string {
  return `v10033g50000${token('alnum', 20, key, 1)}`;
}

/** The advertiser's videos (duplicates included), newest `modify_time` first, ties by id. */
export function videosOf(world: World, advertiser: Advertiser): readonly Video[] {
  return memo(world, advertiser, 'videos', () => {
    const anchor = anchorSeconds(world);
    const videos: Video[] = [];
    for (let i = 0; i < world.options.videosPerAdvertiser; i++) {
      const key = hash32(advertiser.key, 0x71de0, i);
      const [width, height] = pick(SIZES, hash32(key, 2));
      const createSeconds = secondIn(advertiser, anchor, hash32(key, 3));
      const modifySeconds = hash32(key, 4) % 2 === 0 ? createSeconds : secondAfter(createSeconds, anchor, hash32(key, 5));
      const source = pick(SOURCE_WEIGHTS, hash32(key, 6));
      // Creative-tool videos carry licensed music: TikTok placement only, preview without download.
      const toolMade = source.startsWith('CREATIVE_TOOL');
      const video: Video = {
        videoId: videoId(key),
        duplicateOf: undefined,
        materialId: id19(advertiser, KIND.videoMaterial, i),
        source,
        width,
        height,
        durationMs: 5_000 + (hash32(key, 7) % 55_000),
        bitRate: 800_000 + (hash32(key, 8) % 4_000_000),
        signature: md5Like(key, 9),
        size: 500_000 + (hash32(key, 10) % 40_000_000),
        fileName: `${advertiser.name}_video_${String(i + 1).padStart(5, '0')}.mp4`,
        createSeconds,
        modifySeconds: Math.max(createSeconds, modifySeconds),
        displayable: hash32(key, 11) % 6 !== 0,
        allowDownload: !toolMade,
        placements: toolMade ? ['PLACEMENT_TIKTOK'] : PLACEMENTS,
        key,
      };
      videos.push(video);
      if (i % 8 === 7) {
        const again = hash32(key, 12);
        const uploaded = secondAfter(video.createSeconds, anchor, hash32(again, 1));
        videos.push({ ...video, videoId: videoId(again), duplicateOf: video.videoId, createSeconds: uploaded, modifySeconds: Math.max(uploaded, video.modifySeconds), key: again });
      }
    }
    return videos.sort((a, b) => b.modifySeconds - a.modifySeconds || (a.videoId < b.videoId ? -1 : 1));
  });
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The record TikTok returns; preview links are valid for six hours from `now`. */
export function videoRecord(video: Video, now: Date): Record<string, unknown> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const expires = nowSeconds + 6 * 3600;
  const e = new Date(expires * 1000);
  const expireText = `${e.getUTCFullYear()}-${pad2(e.getUTCMonth() + 1)}-${pad2(e.getUTCDate())} ${pad2(e.getUTCHours())}:${pad2(e.getUTCMinutes())}:${pad2(e.getUTCSeconds())}`;
  const sig = token('b64', 27, video.key, expires);
  return {
    video_id: video.videoId,
    video_cover_url: `http://p16-sign-sg.tiktokcdn.com/v0201/${video.signature}~tplv-noop.image?x-expires=${expires}&x-signature=${sig}%3D`,
    format: 'mp4',
    preview_url: `http://v16m-default.akamaized.net/${video.signature}/${expires.toString(16)}/video/tos/alisg/tos-alisg-v-0000/${video.videoId}/?a=0&mime_type=video_mp4`,
    preview_url_expire_time: expireText,
    duration: video.durationMs / 1000,
    height: video.height,
    width: video.width,
    bit_rate: video.bitRate,
    signature: video.signature,
    size: video.size,
    material_id: video.materialId,
    allowed_placements: [...video.placements],
    allow_download: video.allowDownload,
    file_name: video.fileName,
    create_time: isoSeconds(video.createSeconds),
    modify_time: isoSeconds(video.modifySeconds),
    displayable: video.displayable,
  };
}
