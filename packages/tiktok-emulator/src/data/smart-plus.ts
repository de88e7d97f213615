// Upgraded Smart+ as TikTok's Smart+ pages describe it (smart_plus/campaign|adgroup|ad/get/ and the creative
// reports, doc 1854103649826817 and the SDK's models): a Smart+ campaign's ad group holds one Smart+ ad (an
// "asset group", keyed by smart_plus_ad_id, which report/integrated/get/ names ad_id_v2), and that ad's creatives
// are what /ad/get/ and AUCTION_AD reports list by ad_id. In the generated world the campaigns marked smartPlus
// are the Upgraded Smart+ ones; each of their ad groups is one asset group whose creatives are its ads.

import type { Ad, Adgroup, AdvertiserTree, Campaign } from './model.ts';
import { imageIdOf, videoIdOf } from './records.ts';

export interface SmartPlusAd {
  /** smart_plus_ad_id, the ad_id_v2 of report/integrated/get/. */
  id: string;
  campaign: Campaign;
  adgroup: Adgroup;
  /** Its creatives: the ads /ad/get/ lists (their ad_id is TikTok's smart_plus_creative_id). */
  creatives: readonly Ad[];
}

/** The main creative of one Smart+ creative: its video, or its single image. */
export interface MainMaterial {
  id: string;
  type: 'VIDEO_NON_SPARK_ADS' | 'SINGLE_IMAGE_NON_SPARK_ADS';
}

/**
 * An asset group's id: the ad group's own digits under kind 4 (entity ids are `17<kind>…`, kinds 1–3 being
 * campaigns, ad groups and ads), so it is 16 digits, unique and stable like every other id of the world.
 */
export function assetGroupIdOf(adgroup: Adgroup): string {
  return `174${adgroup.id.slice(3)}`;
}

export const isSmartPlus = (campaign: Campaign): boolean => campaign.smartPlus;

export function smartPlusCampaigns(tree: AdvertiserTree): Campaign[] {
  return tree.campaigns.filter(isSmartPlus);
}

export function smartPlusAdgroups(tree: AdvertiserTree): Adgroup[] {
  return tree.adgroups.filter((g) => isSmartPlus(g.campaign));
}

/** One Smart+ ad per Smart+ ad group that has creatives, in ad group order. */
export function smartPlusAds(tree: AdvertiserTree): SmartPlusAd[] {
  const byAdgroup = new Map<string, Ad[]>();
  for (const ad of tree.ads) {
    // A live Smart+ ad lists its live creatives; a deleted one (its ad group deleted) keeps them all.
    if (!isSmartPlus(ad.campaign) || (ad.deleted && !ad.adgroup.deleted)) continue;
    const list = byAdgroup.get(ad.adgroup.id) ?? [];
    list.push(ad);
    byAdgroup.set(ad.adgroup.id, list);
  }
  return smartPlusAdgroups(tree).flatMap((adgroup) => {
    const creatives = byAdgroup.get(adgroup.id);
    return creatives === undefined ? [] : [{ id: assetGroupIdOf(adgroup), campaign: adgroup.campaign, adgroup, creatives }];
  });
}

export function mainMaterialOf(ad: Ad): MainMaterial {
  return ad.video ? { id: videoIdOf(ad), type: 'VIDEO_NON_SPARK_ADS' } : { id: imageIdOf(ad), type: 'SINGLE_IMAGE_NON_SPARK_ADS' };
}
