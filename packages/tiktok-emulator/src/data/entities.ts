import { AD_TEXTS, OBJECTIVES } from './catalog.ts';
import { hash32, pick, unit } from './hash.ts';
import type { Ad, Adgroup, Advertiser, AdvertiserTree, Campaign, Lifecycle } from './model.ts';

export interface TreeShape {
  campaigns: number;
  adgroupsPerCampaign: number;
  adsPerAdgroup: number;
  /** The advertiser's local day at the emulator's start: every create/modify/delete happened before it. */
  anchorDay: number;
  /** The emulator's start instant (epoch seconds): no create/modify time lies after it. */
  anchorSeconds: number;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

function entityId(advertiser: Advertiser, kind: 1 | 2 | 3, index: number): string {
  // 17 + kind + advertiser + a per-advertiser salt + running index: 16 digits, ascending with `index`.
  return `17${kind}${pad(advertiser.index, 4)}${pad(hash32(advertiser.key, 0x1d, kind) % 1000, 3)}${pad(index, 6)}`;
}

function stamp(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

/** A day strictly between `from` and `to` (exclusive both ends when there is room). */
function dayBetween(from: number, to: number, h: number): number {
  if (to - from <= 1) return from;
  return from + 1 + (h % (to - from - 1));
}

/**
 * Lifecycles follow fixed rules (not the seed) so every world holds each case: campaign 0 runs and holds the
 * anchor ad and, next to it, an ad that never delivers; campaign 1 is Smart+, campaign 2 is paused, campaign 3
 * deleted (with its children); some ad groups and ads are deleted or paused on their own.
 */
export function generateTree(advertiser: Advertiser, shape: TreeShape): AdvertiserTree {
  const campaigns: Campaign[] = [];
  const adgroups: Adgroup[] = [];
  const ads: Ad[] = [];
  const start = advertiser.statsStartDay;
  const last = shape.anchorDay;
  const span = Math.max(1, last - start);
  const latest = shape.anchorSeconds - 60;
  const clamp = (seconds: number) => Math.min(seconds, latest);
  /**
   * When an ad group or ad was created, stopped and last edited: never before its parent, never running past
   * it, deleted with it. `firstEdit` is the shortest gap between creation and the first edit of a live object.
   * Returns the creation second (for names) and the lifecycle fields both kinds of object carry.
   */
  const childTiming = (
    parent: { createSeconds: number; endDay: number; deleted: boolean },
    key: number,
    createDay: number,
    own: Lifecycle,
    firstEdit: number,
  ) => {
    const createSeconds = Math.max(parent.createSeconds + 60, createDay * 86_400 + (hash32(key, 2) % 86_400));
    const ownStop = own === 'active' ? Infinity : dayBetween(createDay, last, hash32(key, 3));
    const endDay = Math.min(ownStop, parent.endDay);
    const deleted = own === 'deleted' || parent.deleted;
    const modifySeconds = Number.isFinite(endDay)
      ? endDay * 86_400 + (hash32(key, 4) % 86_400)
      : Math.min(createSeconds + firstEdit + (hash32(key, 5) % (span * 43_200 + 1)), latest);
    return {
      createSeconds,
      lifecycle: {
        own,
        deleted,
        createSeconds: clamp(createSeconds),
        modifySeconds: clamp(Math.max(modifySeconds, createSeconds)),
        createDay,
        endDay,
        operationStatus: deleted ? ('DELETE' as const) : own === 'paused' ? ('DISABLE' as const) : ('ENABLE' as const),
      },
    };
  };

  for (let c = 0; c < shape.campaigns; c++) {
    const key = hash32(advertiser.key, 0xca, c);
    const objective = c === 0 ? OBJECTIVES[0]! : pick(OBJECTIVES, hash32(key, 1));
    const createDay = c === 0 ? start - 1 : start + (hash32(key, 2) % Math.max(1, Math.floor(span * 0.7)));
    const own: Lifecycle = c % 4 === 3 ? 'deleted' : c % 4 === 2 ? 'paused' : 'active';
    const stopDay = own === 'active' ? Infinity : dayBetween(createDay, last, hash32(key, 3));
    const createSeconds = createDay * 86_400 + (hash32(key, 4) % 86_400);
    const modifySeconds = own === 'active'
      ? Math.min(createSeconds + 3600 + (hash32(key, 5) % (span * 43_200 + 1)), latest)
      : stopDay * 86_400 + (hash32(key, 6) % 86_400);
    const smartPlus = c % 4 === 1;
    campaigns.push({
      index: c,
      id: entityId(advertiser, 1, c),
      name: `${smartPlus ? 'Smart+ ' : ''}${objective.objective_type === 'TRAFFIC' ? 'Website Traffic' : objective.objective_type}${stamp(createSeconds)}`,
      advertiser,
      own,
      deleted: own === 'deleted',
      createSeconds: clamp(createSeconds),
      modifySeconds: clamp(Math.max(modifySeconds, createSeconds)),
      createDay,
      endDay: stopDay,
      secondaryStatus: own === 'deleted' ? 'CAMPAIGN_STATUS_DELETE' : own === 'paused' ? 'CAMPAIGN_STATUS_DISABLE' : 'CAMPAIGN_STATUS_ENABLE',
      operationStatus: own === 'deleted' ? 'DELETE' : own === 'paused' ? 'DISABLE' : 'ENABLE',
      key,
      objective,
      smartPlus,
      budgetMode: hash32(key, 7) % 2 === 0 ? 'BUDGET_MODE_INFINITE' : 'BUDGET_MODE_DAY',
      budget: hash32(key, 7) % 2 === 0 ? 0 : 50 + (hash32(key, 8) % 20) * 50,
    });
  }

  for (const campaign of campaigns) {
    const c = campaign.index;
    for (let g = 0; g < shape.adgroupsPerCampaign; g++) {
      const index = c * shape.adgroupsPerCampaign + g;
      const key = hash32(advertiser.key, 0xa6, index);
      const first = c === 0 && g === 0;
      const own: Lifecycle = first ? 'active' : (c + g) % 5 === 4 ? 'deleted' : (c + g) % 7 === 6 ? 'paused' : 'active';
      const createDay = campaign.createDay + (first ? 0 : hash32(key, 1) % 3);
      const { createSeconds, lifecycle } = childTiming(campaign, key, createDay, own, 600);
      adgroups.push({
        index,
        id: entityId(advertiser, 2, index),
        name: `Ad Group${stamp(createSeconds)}`,
        advertiser,
        ...lifecycle,
        secondaryStatus: adgroupStatus(own, campaign.own),
        key,
        campaign,
        automaticPlacement: hash32(key, 6) % 3 !== 0,
        budget: 20 + (hash32(key, 7) % 50) * 10,
        scheduleEndSeconds: hash32(key, 8) % 3 === 0 ? createSeconds + 3 * 365 * 86_400 : undefined,
      });
    }
  }

  for (const adgroup of adgroups) {
    const campaign = adgroup.campaign;
    const g = adgroup.index % shape.adgroupsPerCampaign;
    for (let a = 0; a < shape.adsPerAdgroup; a++) {
      const index = adgroup.index * shape.adsPerAdgroup + a;
      const key = hash32(advertiser.key, 0xad5, index);
      const anchor = index === 0;
      // Real accounts hold ads that never delivered (two of the four lifetime rows Airbyte recorded from the
      // live API, test/fixtures/recorded): the ad after the anchor, live and active, never wins an auction.
      const silent = index === 1;
      const own: Lifecycle = anchor ? 'active' : (campaign.index + g + a) % 6 === 5 ? 'deleted' : (campaign.index + g + a) % 11 === 10 ? 'paused' : 'active';
      const createDay = anchor ? start - 1 : adgroup.createDay + (hash32(key, 1) % 2);
      const { createSeconds, lifecycle } = childTiming(adgroup, key, createDay, own, 300);
      const video = anchor || hash32(key, 6) % 5 !== 0;
      const objective = campaign.objective;
      const usdCpm = 2 + 10 * unit(hash32(key, 7));
      const minorPerUsd = advertiser.currency.perUsd * 10 ** advertiser.currency.decimals;
      ads.push({
        index,
        id: entityId(advertiser, 3, index),
        name: `${video ? 'Optimized Version' : 'Image'} ${a + 1}_${stamp(createSeconds)}`,
        advertiser,
        ...lifecycle,
        secondaryStatus: adStatus(own, adgroup.own, campaign.own),
        key,
        campaign,
        adgroup,
        anchor,
        startDay: anchor ? start : silent ? Infinity : createDay + 1,
        video,
        text: pick(AD_TEXTS, hash32(key, 8)),
        curve: hash32(key, 9) % 3,
        baseImpressions: Math.round((800 + (hash32(key, 10) % 6000)) * advertiser.scale),
        ctr: 0.004 + 0.022 * unit(hash32(key, 11)),
        cpmMinor: usdCpm * minorPerUsd,
        cvr: objective.result === 'conversion' ? 0.02 + 0.12 * unit(hash32(key, 12)) : objective.result === 'clicks' ? 0.01 * unit(hash32(key, 12)) : 0,
        installRate: objective.result === 'install' ? 0.08 + 0.25 * unit(hash32(key, 13)) : 0,
        playTenths: 12 + (hash32(key, 14) % 40),
        frequency: 1.05 + 0.4 * unit(hash32(key, 15)),
      });
    }
  }

  return {
    campaigns,
    adgroups,
    ads,
    campaignById: new Map(campaigns.map((x) => [x.id, x])),
    adgroupById: new Map(adgroups.map((x) => [x.id, x])),
    adById: new Map(ads.map((x) => [x.id, x])),
  };
}

function adgroupStatus(own: Lifecycle, campaign: Lifecycle): string {
  if (own === 'deleted') return 'ADGROUP_STATUS_DELETE';
  if (campaign === 'deleted') return 'ADGROUP_STATUS_CAMPAIGN_DELETE';
  if (campaign === 'paused') return 'ADGROUP_STATUS_CAMPAIGN_DISABLE';
  if (own === 'paused') return 'ADGROUP_STATUS_DISABLE';
  return 'ADGROUP_STATUS_DELIVERY_OK';
}

function adStatus(own: Lifecycle, adgroup: Lifecycle, campaign: Lifecycle): string {
  if (own === 'deleted') return 'AD_STATUS_DELETE';
  if (adgroup === 'deleted') return 'AD_STATUS_ADGROUP_DELETE';
  if (campaign === 'deleted') return 'AD_STATUS_CAMPAIGN_DELETE';
  if (campaign === 'paused') return 'AD_STATUS_CAMPAIGN_DISABLE';
  if (adgroup === 'paused') return 'AD_STATUS_ADGROUP_DISABLE';
  if (own === 'paused') return 'AD_STATUS_DISABLE';
  return 'AD_STATUS_DELIVERY_OK';
}
