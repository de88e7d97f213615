// Spark Ads posts authorised to an ad account (tt_video/list/): TikTok posts of creators who gave the
// advertiser an authorisation code, with the creator, the post, the authorisation and the video.

import { formatUtcSeconds } from '../calendar.ts';
import { hash32, pick } from '../hash.ts';
import type { Advertiser } from '../model.ts';
import type { World } from '../world.ts';
import { id19, KIND, md5Like, secondAfter, secondIn, token } from './ids.ts';
import { anchorSeconds, memo } from './store.ts';

const CREATORS = ['glowwithmia', 'chef.dan', 'urbanrunner', 'tech.tina', 'pawsandplay', 'styleby.kai', 'fit.with.leo'];
const TEXTS = ['Obsessed with this! #ad', 'Day 3 of trying it #sponsored', 'You need this in your life', 'Honest review #partner'];
const DAY = 86_400;

export type SparkPost = Record<string, unknown>;

/** The advertiser's authorised posts, most recently authorised first. */
export function sparkPostsOf(world: World, advertiser: Advertiser): readonly SparkPost[] {
  return memo(world, advertiser, 'spark', () => {
    const anchor = anchorSeconds(world);
    const count = 10 + (hash32(advertiser.key, 0x5a0) % 61);
    const posts: { seconds: number; post: SparkPost }[] = [];
    for (let i = 0; i < count; i++) {
      const key = hash32(advertiser.key, 0x5a1, i);
      const creator = hash32(key, 1) % CREATORS.length;
      const invited = secondIn(advertiser, anchor, hash32(key, 2));
      const authStart = secondAfter(invited, anchor, hash32(key, 3) % (3 * DAY));
      const days = pick([7, 30, 60, 365], hash32(key, 4));
      const authEnd = authStart + days * DAY;
      const carousel = hash32(key, 5) % 6 === 0;
      const itemId = id19(advertiser, KIND.sparkItem, i);
      const signature = md5Like(key, 6);
      const anchored = hash32(key, 7) % 4 === 0;
      posts.push({
        seconds: authStart,
        post: {
          user_info: {
            tiktok_name: CREATORS[creator]!,
            identity_id: id19(advertiser, KIND.identity, creator),
            identity_type: 'AUTH_CODE',
          },
          item_info: {
            anchor_list: anchored
              ? [{ id: id19(advertiser, KIND.anchor, i), status: 'ONLINE', product_regions: ['US', 'GB'], url: `https://shop.example.com/p/${itemId}`, title: 'Shop the look' }]
              : [],
            text: pick(TEXTS, hash32(key, 8)),
            status: hash32(key, 9) % 8 === 0 ? 'ITEM_STATUS_ONLY_FRIEND_SEE' : 'ITEM_STATUS_HESITATE_RECOMMEND',
            auth_code: `#${token('b64', 64, key, 10)}`,
            item_id: itemId,
            item_type: carousel ? 'CAROUSEL' : 'VIDEO',
            carousel_info: carousel
              ? { image_info: [1, 2, 3].map((n) => ({ image_url: `https://p16-sign.tiktokcdn-us.com/obj/${signature}-${n}.jpeg`, width: 1080, height: 1440 })), music_info: { music_url: `https://sf16-sg.tiktokcdn.com/obj/ies-music-sg/${signature}.mp3` } }
              : {},
          },
          auth_info: {
            invite_start_time: formatUtcSeconds(invited),
            auth_start_time: formatUtcSeconds(authStart),
            auth_end_time: formatUtcSeconds(authEnd),
            ad_auth_status: authEnd > anchor ? 'AUTHORIZED' : 'EXPIRED',
          },
          video_info: carousel
            ? { duration: 0, preview_url: '', bit_rate: 0, height: 1440, width: 1080, size: 0, signature, poster_url: `https://p16-sign.tiktokcdn-us.com/obj/${signature}-1.jpeg` }
            : {
                duration: (6_000 + (hash32(key, 11) % 54_000)) / 1000,
                preview_url: `https://v16m.tiktokcdn.com/${signature}/video/tos/useast2a/${itemId}/?mime_type=video_mp4`,
                bit_rate: 1_000_000 + (hash32(key, 12) % 3_000_000),
                height: 1920,
                width: 1080,
                size: 1_000_000 + (hash32(key, 13) % 30_000_000),
                signature,
                poster_url: `https://p16-sign.tiktokcdn-us.com/obj/${signature}~tplv-noop.image`,
              },
        },
      });
    }
    return posts.sort((a, b) => b.seconds - a.seconds).map((p) => p.post);
  });
}
