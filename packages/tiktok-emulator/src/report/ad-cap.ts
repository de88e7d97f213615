// TikTok's 20,000-ad cap on synchronous reports (tiktok-api.md, "Corrections": 20,000-ad cap): over an
// advertiser with more than 20,000 ads, report/integrated/get/ answers for the 20,000 newest ads only, with an
// `X-Tt-Ads-Throttle` response header and code 0 — no error. Narrowed by `filtering` campaign_ids /
// adgroup_ids to at most 20,000 ads, the answer is complete and carries no header.
//
// The emulator's reading of it:
// - The count is of the ads the id filters leave (campaign_ids, adgroup_ids, ad_ids; IN or NOT_IN), deleted
//   ones included: the page speaks of the advertiser's ads, not of the delivering or visible ones, and status
//   filters only choose which of the covered objects become rows.
// - "Newest" is by create time (then by id, newer ids being larger).
// - The cap holds at every data level and report type: the report is computed from those 20,000 ads only, so
//   campaign, ad group and advertiser rows (and total_metrics) miss the older ads' delivery too, and objects
//   whose ads are all older are not in the answer. A client cannot tell a capped advertiser-level row from a
//   complete one except by the header, which is why the page says never to treat such an answer as complete.
// - Report tasks are not capped: the page names the synchronous report, and tasks are the documented way to
//   read large accounts.

import type { Ad, AdvertiserTree } from '../data/model.ts';
import { passesIds, type ReportQuery } from './query.ts';

export const SYNC_REPORT_AD_CAP = 20_000;

/** The header TikTok adds to a capped answer; only its presence is documented, the value is the emulator's. */
export const ADS_THROTTLE_HEADER = 'X-Tt-Ads-Throttle';

export interface AdScope {
  /** The ads the query covers, in id order. */
  ads: readonly Ad[];
  /** True when the cap left ads out. */
  capped: boolean;
}

/** Each tree's ads ranked by newness (0 = newest), by ad index; computed once per tree. */
const ranks = new WeakMap<AdvertiserTree, Int32Array>();

function newness(tree: AdvertiserTree): Int32Array {
  const known = ranks.get(tree);
  if (known !== undefined) return known;
  const order = [...tree.ads].sort((a, b) => b.createSeconds - a.createSeconds || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const rank = new Int32Array(tree.ads.length);
  order.forEach((ad, i) => { rank[ad.index] = i; });
  ranks.set(tree, rank);
  return rank;
}

/** The ads within the query's id filters, capped to the newest 20,000 for a synchronous report. */
export function adScope(tree: AdvertiserTree, q: ReportQuery): AdScope {
  const ads = q.campaignIds === undefined && q.adgroupIds === undefined && q.adIds === undefined
    ? tree.ads
    : tree.ads.filter((ad) =>
      passesIds(q.campaignIds, ad.campaign.id) && passesIds(q.adgroupIds, ad.adgroup.id) && passesIds(q.adIds, ad.id));
  if (q.async || ads.length <= SYNC_REPORT_AD_CAP) return { ads, capped: false };
  const rank = newness(tree);
  const newest = [...ads].sort((a, b) => rank[a.index]! - rank[b.index]!).slice(0, SYNC_REPORT_AD_CAP);
  return { ads: newest.sort((a, b) => a.index - b.index), capped: true };
}
