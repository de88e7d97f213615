// The Asset Library's images (file/image/ad/search/). Sizes come from a fixed set of ad formats so the
// documented width/height/ratio filters select real subsets.

import { hash32, pick } from '../hash.ts';
import type { Advertiser } from '../model.ts';
import type { World } from '../world.ts';
import { id19, isoSeconds, KIND, md5Like, secondAfter, secondIn, token } from './ids.ts';
import { anchorSeconds, memo } from './store.ts';

/** Common ad image sizes (width × height): ratios from 0.56 to 1.91. */
const SIZES: readonly (readonly [number, number])[] = [
  [1280, 720], [720, 1280], [1200, 628], [1080, 1080], [640, 640], [1080, 1920], [1920, 1080], [750, 1334],
  [1200, 1500], [800, 600], [600, 800], [1000, 1000],
];
const FORMATS = ['jpeg', 'png', 'jpeg', 'jpeg', 'webp'];

export interface Image {
  imageId: string;
  materialId: string;
  width: number;
  height: number;
  format: string;
  signature: string;
  size: number;
  fileName: string;
  createSeconds: number;
  modifySeconds: number;
  displayable: boolean;
  carouselUsable: boolean;
  /** Hash key for the preview URL. */
  key: number;
}

/** The advertiser's images, newest `modify_time` first (TikTok's order), ties by id. */
export function imagesOf(world: World, advertiser: Advertiser): readonly Image[] {
  return memo(world, advertiser, 'images', () => {
    const anchor = anchorSeconds(world);
    const images: Image[] = [];
    for (let i = 0; i < world.options.imagesPerAdvertiser; i++) {
      const key = hash32(advertiser.key, 0x1a6e, i);
      const [width, height] = pick(SIZES, hash32(key, 1));
      const createSeconds = secondIn(advertiser, anchor, hash32(key, 2));
      // Two in three images were edited after upload (renamed, re-tagged).
      const edited = hash32(key, 3) % 3 !== 0;
      const modifySeconds = edited ? secondAfter(createSeconds, anchor, hash32(key, 4)) : createSeconds;
      const format = pick(FORMATS, hash32(key, 5));
      const day = new Date(createSeconds * 1000).toISOString().slice(0, 10).replace(/-/g, '');
      images.push({
        imageId: `ad-site-i18n-sg/${day}${token('alnum', 24, key, 6)}`,
        materialId: id19(advertiser, KIND.imageMaterial, i),
        width,
        height,
        format,
        signature: md5Like(key, 7),
        size: 20_000 + (hash32(key, 8) % 480_000),
        fileName: `${advertiser.name}_img_${String(i + 1).padStart(5, '0')}.${format === 'jpeg' ? 'jpg' : format}`,
        createSeconds,
        modifySeconds: Math.max(createSeconds, modifySeconds),
        displayable: hash32(key, 9) % 5 !== 0,
        carouselUsable: width === height || hash32(key, 10) % 2 === 0,
        key,
      });
    }
    return images.sort((a, b) => b.modifySeconds - a.modifySeconds || (a.imageId < b.imageId ? -1 : 1));
  });
}

/** The record TikTok returns; `image_url` is signed and valid for an hour from `now`. */
export function imageRecord(image: Image, now: Date): Record<string, unknown> {
  const expires = Math.floor(now.getTime() / 1000) + 3600;
  return {
    image_id: image.imageId,
    material_id: image.materialId,
    is_carousel_usable: image.carouselUsable,
    width: image.width,
    format: image.format,
    image_url: `https://p16-sign-sg.tiktokcdn.com/${image.imageId}~tplv-noop.image?x-expires=${expires}&x-signature=${token('b64', 27, image.key, expires)}%3D`,
    height: image.height,
    signature: image.signature,
    size: image.size,
    file_name: image.fileName,
    create_time: isoSeconds(image.createSeconds),
    modify_time: isoSeconds(image.modifySeconds),
    displayable: image.displayable,
  };
}
