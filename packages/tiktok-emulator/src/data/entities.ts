import { AD_TEXTS, OBJECTIVES, type ObjectiveInfo } from './catalog.ts';
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
 *
 * Campaigns first, then every campaign's ad groups, then every ad group's ads: each object is a pure function
 * of the advertiser, the shape and its position, so the order only fixes the lists' (and the ids') order.
 */
export function generateTree(advertiser: Advertiser, shape: TreeShape): AdvertiserTree {
  const timeline = treeTimeline(advertiser, shape);
  const campaigns = campaignsOfAdvertiser(timeline);
  const adgroups = campaigns.flatMap((campaign) => adgroupsOfCampaign(timeline, campaign));
  const ads = adgroups.flatMap((adgroup) => adsOfAdgroup(timeline, adgroup));
  return indexedTree(campaigns, adgroups, ads);
}

/** What every level reads: the advertiser, the tree's shape and the days and seconds its history spans. */
interface TreeTimeline {
  advertiser: Advertiser;
  shape: TreeShape;
  /** The advertiser's first local day with delivery. */
  start: number;
  /** The anchor day: nothing is created, stopped or edited after it. */
  last: number;
  /** Days from `start` to `last`, at least 1. */
  span: number;
  /** The latest create/modify second anything may carry: a minute before the emulator's start. */
  latest: number;
}

function treeTimeline(advertiser: Advertiser, shape: TreeShape): TreeTimeline {
  const start = advertiser.statsStartDay;
  const last = shape.anchorDay;
  return { advertiser, shape, start, last, span: Math.max(1, last - start), latest: shape.anchorSeconds - 60 };
}

/** No create/modify time lies after the emulator's start. */
function clamp(timeline: TreeTimeline, seconds: number): number {
  return Math.min(seconds, timeline.latest);
}

/** An object's own state by its position: the fixed rules of generateTree. */
function campaignLifecycle(c: number): Lifecycle {
  return c % 4 === 3 ? 'deleted' : c % 4 === 2 ? 'paused' : 'active';
}

function adgroupLifecycle(c: number, g: number): Lifecycle {
  if (c === 0 && g === 0) return 'active';
  return (c + g) % 5 === 4 ? 'deleted' : (c + g) % 7 === 6 ? 'paused' : 'active';
}

function adLifecycle(c: number, g: number, a: number, anchor: boolean): Lifecycle {
  if (anchor) return 'active';
  return (c + g + a) % 6 === 5 ? 'deleted' : (c + g + a) % 11 === 10 ? 'paused' : 'active';
}

function operationStatus(deleted: boolean, own: Lifecycle): 'ENABLE' | 'DISABLE' | 'DELETE' {
  return deleted ? 'DELETE' : own === 'paused' ? 'DISABLE' : 'ENABLE';
}

// ---- campaigns of an advertiser ------------------------------------------------------------------------------

function campaignsOfAdvertiser(timeline: TreeTimeline): Campaign[] {
  return Array.from({ length: timeline.shape.campaigns }, (_, c) => campaignAt(timeline, c));
}

function campaignAt(timeline: TreeTimeline, c: number): Campaign {
  const { advertiser, start, last, span } = timeline;
  const key = hash32(advertiser.key, 0xca, c);
  const objective = c === 0 ? OBJECTIVES[0]! : pick(OBJECTIVES, hash32(key, 1));
  const createDay = c === 0 ? start - 1 : start + (hash32(key, 2) % Math.max(1, Math.floor(span * 0.7)));
  const own = campaignLifecycle(c);
  const stopDay = own === 'active' ? Infinity : dayBetween(createDay, last, hash32(key, 3));
  const createSeconds = createDay * 86_400 + (hash32(key, 4) % 86_400);
  const modifySeconds = own === 'active'
    ? clamp(timeline, createSeconds + 3600 + (hash32(key, 5) % (span * 43_200 + 1)))
    : stopDay * 86_400 + (hash32(key, 6) % 86_400);
  const smartPlus = c % 4 === 1;
  return {
    index: c,
    id: entityId(advertiser, 1, c),
    name: `${smartPlus ? 'Smart+ ' : ''}${objective.objective_type === 'TRAFFIC' ? 'Website Traffic' : objective.objective_type}${stamp(createSeconds)}`,
    advertiser,
    own,
    deleted: own === 'deleted',
    createSeconds: clamp(timeline, createSeconds),
    modifySeconds: clamp(timeline, Math.max(modifySeconds, createSeconds)),
    createDay,
    endDay: stopDay,
    secondaryStatus: campaignStatus(own),
    operationStatus: operationStatus(own === 'deleted', own),
    key,
    objective,
    smartPlus,
    budgetMode: hash32(key, 7) % 2 === 0 ? 'BUDGET_MODE_INFINITE' : 'BUDGET_MODE_DAY',
    budget: hash32(key, 7) % 2 === 0 ? 0 : 50 + (hash32(key, 8) % 20) * 50,
  };
}

// ---- the shared timing of ad groups and ads ------------------------------------------------------------------

/** The lifecycle fields an ad group or ad carries, in the order it carries them. */
type ChildLifecycle = Pick<Adgroup, 'own' | 'deleted' | 'createSeconds' | 'modifySeconds' | 'createDay' | 'endDay' | 'operationStatus'>;

/**
 * When an ad group or ad was created, stopped and last edited: never before its parent, never running past
 * it, deleted with it. `firstEdit` is the shortest gap between creation and the first edit of a live object.
 * Returns the creation second (for names) and the lifecycle fields both kinds of object carry.
 */
function childTiming(
  timeline: TreeTimeline,
  parent: { createSeconds: number; endDay: number; deleted: boolean },
  key: number,
  createDay: number,
  own: Lifecycle,
  firstEdit: number,
): { createSeconds: number; lifecycle: ChildLifecycle } {
  const createSeconds = Math.max(parent.createSeconds + 60, createDay * 86_400 + (hash32(key, 2) % 86_400));
  const ownStop = own === 'active' ? Infinity : dayBetween(createDay, timeline.last, hash32(key, 3));
  const endDay = Math.min(ownStop, parent.endDay);
  const deleted = own === 'deleted' || parent.deleted;
  const modifySeconds = Number.isFinite(endDay)
    ? endDay * 86_400 + (hash32(key, 4) % 86_400)
    : clamp(timeline, createSeconds + firstEdit + (hash32(key, 5) % (timeline.span * 43_200 + 1)));
  return {
    createSeconds,
    lifecycle: {
      own,
      deleted,
      createSeconds: clamp(timeline, createSeconds),
      modifySeconds: clamp(timeline, Math.max(modifySeconds, createSeconds)),
      createDay,
      endDay,
      operationStatus: operationStatus(deleted, own),
    },
  };
}

// ---- ad groups of a campaign ---------------------------------------------------------------------------------

function adgroupsOfCampaign(timeline: TreeTimeline, campaign: Campaign): Adgroup[] {
  return Array.from({ length: timeline.shape.adgroupsPerCampaign }, (_, g) => adgroupAt(timeline, campaign, g));
}

function adgroupAt(timeline: TreeTimeline, campaign: Campaign, g: number): Adgroup {
  const { advertiser } = timeline;
  const c = campaign.index;
  const index = c * timeline.shape.adgroupsPerCampaign + g;
  const key = hash32(advertiser.key, 0xa6, index);
  const own = adgroupLifecycle(c, g);
  const createDay = campaign.createDay + (c === 0 && g === 0 ? 0 : hash32(key, 1) % 3);
  const { createSeconds, lifecycle } = childTiming(timeline, campaign, key, createDay, own, 600);
  return {
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
  };
}

// ---- ads of an ad group --------------------------------------------------------------------------------------

function adsOfAdgroup(timeline: TreeTimeline, adgroup: Adgroup): Ad[] {
  return Array.from({ length: timeline.shape.adsPerAdgroup }, (_, a) => adAt(timeline, adgroup, a));
}

function adAt(timeline: TreeTimeline, adgroup: Adgroup, a: number): Ad {
  const { advertiser, start } = timeline;
  const campaign = adgroup.campaign;
  const g = adgroup.index % timeline.shape.adgroupsPerCampaign;
  const index = adgroup.index * timeline.shape.adsPerAdgroup + a;
  const key = hash32(advertiser.key, 0xad5, index);
  const anchor = index === 0;
  // Real accounts hold ads that never delivered (two of the four lifetime rows Airbyte recorded from the
  // live API, test/fixtures/recorded): the ad after the anchor, live and active, never wins an auction.
  const silent = index === 1;
  const own = adLifecycle(campaign.index, g, a, anchor);
  const createDay = anchor ? start - 1 : adgroup.createDay + (hash32(key, 1) % 2);
  const { createSeconds, lifecycle } = childTiming(timeline, adgroup, key, createDay, own, 300);
  const video = anchor || hash32(key, 6) % 5 !== 0;
  return {
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
    ...adDelivery(advertiser, campaign.objective, key),
  };
}

/** How an ad delivers: its volume, rates and prices, from its key (the objective decides which results it has). */
function adDelivery(advertiser: Advertiser, objective: ObjectiveInfo, key: number): Pick<Ad, 'curve' | 'baseImpressions' | 'ctr' | 'cpmMinor' | 'cvr' | 'installRate' | 'playTenths' | 'frequency'> {
  const usdCpm = 2 + 10 * unit(hash32(key, 7));
  const minorPerUsd = advertiser.currency.perUsd * 10 ** advertiser.currency.decimals;
  return {
    curve: hash32(key, 9) % 3,
    baseImpressions: Math.round((800 + (hash32(key, 10) % 6000)) * advertiser.scale),
    ctr: 0.004 + 0.022 * unit(hash32(key, 11)),
    cpmMinor: usdCpm * minorPerUsd,
    cvr: objective.result === 'conversion' ? 0.02 + 0.12 * unit(hash32(key, 12)) : objective.result === 'clicks' ? 0.01 * unit(hash32(key, 12)) : 0,
    installRate: objective.result === 'install' ? 0.08 + 0.25 * unit(hash32(key, 13)) : 0,
    playTenths: 12 + (hash32(key, 14) % 40),
    frequency: 1.05 + 0.4 * unit(hash32(key, 15)),
  };
}

// ---- the tree and the statuses -------------------------------------------------------------------------------

function indexedTree(campaigns: Campaign[], adgroups: Adgroup[], ads: Ad[]): AdvertiserTree {
  return {
    campaigns,
    adgroups,
    ads,
    campaignById: new Map(campaigns.map((x) => [x.id, x])),
    adgroupById: new Map(adgroups.map((x) => [x.id, x])),
    adById: new Map(ads.map((x) => [x.id, x])),
  };
}

function campaignStatus(own: Lifecycle): string {
  if (own === 'deleted') return 'CAMPAIGN_STATUS_DELETE';
  if (own === 'paused') return 'CAMPAIGN_STATUS_DISABLE';
  return 'CAMPAIGN_STATUS_ENABLE';
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
