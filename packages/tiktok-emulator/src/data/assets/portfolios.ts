// Creative portfolios (creative/portfolio/list/): interactive add-ons, each with the fields of its type.

import { hash32, pick } from '../hash.ts';
import type { Advertiser } from '../model.ts';
import type { World } from '../world.ts';
import { id19, KIND, token } from './ids.ts';
import { memo } from './store.ts';

/** Portfolio types the emulator generates; TikTok lists every type but CTA unless a filter names CTA. */
export const PORTFOLIO_TYPES = ['CTA', 'CARD', 'DOWNLOAD_CARD', 'GESTURE', 'SUPER_LIKE', 'STICKER', 'PREMIUM_BADGE'] as const;
export const DEFAULT_PORTFOLIO_TYPES: ReadonlySet<string> = new Set(PORTFOLIO_TYPES.filter((t) => t !== 'CTA'));

const CTA_TEXTS = ['LEARN_MORE', 'SHOP_NOW', 'SIGN_UP', 'DOWNLOAD_NOW', 'CONTACT_US', 'ORDER_NOW'];

export interface Portfolio {
  id: string;
  type: string;
  record: Record<string, unknown>;
}

function typeFields(type: string, key: number): Record<string, unknown> {
  const imageId = `ad-site-i18n-sg/${token('alnum', 32, key, 1)}`;
  switch (type) {
    case 'CTA':
      return { portfolio_content: [{ asset_content: pick(CTA_TEXTS, hash32(key, 2)), asset_ids: ['0'] }, { asset_content: pick(CTA_TEXTS, hash32(key, 3)), asset_ids: ['0'] }] };
    case 'CARD':
      return { card_type: 'IMAGE_CARD', image_id: imageId, title: 'Limited offer', call_to_action: pick(CTA_TEXTS, hash32(key, 4)) };
    case 'DOWNLOAD_CARD':
      return { card_type: 'DOWNLOAD_CARD', image_id: imageId, app_name: 'Shop App', description: 'Get the app', call_to_action: 'DOWNLOAD_NOW' };
    case 'GESTURE':
      return { gesture_animation_id: String(1 + (hash32(key, 5) % 8)), pop_up_window_image_id: imageId, gesture_title: 'Swipe up' };
    case 'SUPER_LIKE':
      return { super_like_text: 'Love it', icon_image_id: imageId };
    case 'STICKER':
      return { sticker_param: { sticker_type: 'COUNTDOWN', title: 'Sale ends soon', position_x: 0.5, position_y: 0.3 } };
    default:
      return { badge_image_info: { image_id: imageId, width: 200, height: 200 }, badge_show_time: 3 };
  }
}

/** The advertiser's portfolios, newest first (TikTok lists by creation, latest first). */
export function portfoliosOf(world: World, advertiser: Advertiser): readonly Portfolio[] {
  return memo(world, advertiser, 'portfolios', () => {
    const count = 6 + (hash32(advertiser.key, 0x9f0) % 25);
    const list: Portfolio[] = [];
    for (let i = count - 1; i >= 0; i--) {
      const key = hash32(advertiser.key, 0x9f1, i);
      const id = id19(advertiser, KIND.portfolio, i);
      // Every kind appears in every account: the first seven take each type once.
      const type = i < PORTFOLIO_TYPES.length ? PORTFOLIO_TYPES[i]! : pick(PORTFOLIO_TYPES, hash32(key, 6));
      list.push({
        id,
        type,
        record: {
          creative_portfolio_id: id,
          creative_portfolio_type: type,
          creative_portfolio_preview_url: `https://ads.tiktok.com/creative/portfolio/preview/?id=${id}&sign=${token('alnum', 16, key, 7)}`,
          ...typeFields(type, key),
        },
      });
    }
    return list;
  });
}
