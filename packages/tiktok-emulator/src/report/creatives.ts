// Which generated ads carry a playable or advertise catalog products, for PLAYABLE_MATERIAL and CATALOG
// reports. Both are pure functions of the seed and the ad, so those reports describe the same world as BASIC:
// a playable's figures are the sum of its ads' figures, a catalog ad's products add up to the ad.

import { hash32 } from '../data/hash.ts';
import type { Ad, Advertiser } from '../data/model.ts';

const digits = (h: number, width: number) => String(h % 10 ** width).padStart(width, '0');

/**
 * Playable ads are an app-promotion format: every ad of an app-install campaign has one, shared by the ads
 * of its ad group (one playable uploaded, used across the group's ads). Other ads have none.
 */
export function playableOf(seed: number, ad: Ad): string | undefined {
  if (ad.campaign.objective.result !== 'install') return undefined;
  const h = hash32(seed, ad.adgroup.key, 0x91a7);
  return `7${digits(h, 9)}${digits(hash32(h, 1), 8)}`;
}

/** Catalog (DSA) ads: about half of the ads of conversion campaigns advertise products from the catalog. */
export function isCatalogAd(seed: number, ad: Ad): boolean {
  return ad.campaign.objective.result === 'conversion' && hash32(seed, ad.key, 0xca7) % 2 === 0;
}

/** The advertiser's one product catalog. */
export function catalogIdOf(seed: number, advertiser: Advertiser): string {
  return `7${digits(hash32(seed, advertiser.key, 0xca7a), 9)}${digits(hash32(seed, advertiser.key, 0xca7b), 8)}`;
}

/** The advertiser's catalog products (SKU-like ids); each catalog ad shows a subset of them. */
export function productIdsOf(seed: number, advertiser: Advertiser): string[] {
  return Array.from({ length: 6 }, (_, i) => `${1729000000000 + (hash32(seed, advertiser.key, 0x9d, i) % 1_000_000_000)}`);
}

/** Whether a catalog ad shows product `index` (at least one per ad). */
export function showsProduct(seed: number, ad: Ad, index: number): boolean {
  return index === ad.key % 6 || hash32(seed, ad.key, 0x9e, index) % 3 !== 0;
}
