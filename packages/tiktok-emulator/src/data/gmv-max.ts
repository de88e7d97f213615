// TikTok Shop GMV Max: the shops an ad account may promote (gmv_max/store/list/), its GMV Max campaigns
// (gmv_max/campaign/get/) and what they delivered (gmv_max/report/get/). Everything derives from the
// advertiser's key, so one seed serves the same shops, campaigns and numbers every time.
//
// What TikTok documents and this world follows: a Product GMV Max campaign promotes product groups
// (item_group_id, the SPU) through posts (item_id); a LIVE GMV Max campaign promotes live rooms (room_id);
// cost can come without any impression or click; orders and gross revenue exist only from 2024-09-27.

import { formatUtcSeconds, parseDay } from './calendar.ts';
import { hash32, pick } from './hash.ts';
import type { Advertiser } from './model.ts';
import type { World } from './world.ts';
import { id19, KIND } from './assets/ids.ts';
import { memo } from './assets/store.ts';

export type GmvPromotion = 'PRODUCT' | 'LIVE';

export interface GmvStore {
  index: number;
  id: string;
  name: string;
  code: string;
  /** Whether the ad account may run GMV Max for it (is_gmv_max_available). */
  available: boolean;
  key: number;
}

export interface GmvItemGroup {
  id: string;
  /** Price of one unit in US dollars (converted to the account's currency). */
  priceUsd: number;
  /** Posts (videos) promoting the product group. */
  items: { id: string; key: number }[];
}

export interface GmvCampaign {
  id: string;
  name: string;
  store: GmvStore;
  promotion: GmvPromotion;
  createDay: number;
  createSeconds: number;
  modifySeconds: number;
  key: number;
  /** Product groups promoted (PRODUCT campaigns only). */
  itemGroups: GmvItemGroup[];
  /** Deleted campaigns deliver up to this local day and leave the report unless asked for by status. */
  deletedAfterDay: number | undefined;
}

export interface GmvAccount {
  stores: GmvStore[];
  campaigns: GmvCampaign[];
}

/** The first day with orders and gross revenue in GMV Max reports (TikTok: "supported from 2024-09-27"). */
export const GMV_ORDERS_SINCE_DAY = parseDay('2024-09-27')!;

const SHOP_NAMES = ['Glow Lab', 'Urban Threads', 'Kitchen Joy', 'Pet Palace', 'Gadget Hub', 'Fit Fuel'];
const DAY_SECONDS = 86_400;

/**
 * Stores by the advertiser's index: 0 → one available store; 1 → two, the second not GMV Max available
 * (another ad account holds its exclusive authorisation); 2 → two available stores. Each available store runs
 * two Product GMV Max campaigns, the first store a LIVE GMV Max campaign as well, and a Product one deleted five
 * days before the emulator's start (its spend stays in the past).
 */
export function gmvMaxOf(world: World, advertiser: Advertiser): GmvAccount {
  return memo(world, advertiser, 'gmv-max', () => {
    const storeCount = advertiser.index % 3 === 0 ? 1 : 2;
    const stores: GmvStore[] = [];
    for (let i = 0; i < storeCount; i++) {
      const key = hash32(advertiser.key, 0x6e0, i);
      stores.push({
        index: i,
        id: id19(advertiser, KIND.gmvStore, i),
        name: `${pick(SHOP_NAMES, key)} ${advertiser.index}-${i}`,
        code: `US${String(hash32(key, 1) % 1_000_000).padStart(6, '0')}`,
        available: !(advertiser.index % 3 === 1 && i === 1),
        key,
      });
    }
    const campaigns: GmvCampaign[] = [];
    for (const store of stores.filter((s) => s.available)) {
      const kinds: GmvPromotion[] = store.index === 0 ? ['PRODUCT', 'PRODUCT', 'LIVE', 'PRODUCT'] : ['PRODUCT', 'PRODUCT'];
      const anchorDay = Math.floor(world.anchor.getTime() / 86_400_000);
      kinds.forEach((promotion, n) => campaigns.push(campaignOf(advertiser, store, promotion, campaigns.length, n, anchorDay, n === 3 ? anchorDay - 5 : undefined)));
    }
    return { stores, campaigns };
  });
}

/**
 * GMV Max is young: campaigns start 60 to 80 days before the emulator's start (never before the account's first
 * day), so an account's history mostly predates them, as real ones do.
 */
function campaignOf(advertiser: Advertiser, store: GmvStore, promotion: GmvPromotion, index: number, n: number, anchorDay: number, deletedAfterDay: number | undefined): GmvCampaign {
  const key = hash32(store.key, 0x6e1, n);
  const createDay = Math.max(advertiser.statsStartDay, anchorDay - 60 - (hash32(key, 1) % 21));
  const createSeconds = createDay * DAY_SECONDS + (hash32(key, 2) % DAY_SECONDS);
  const itemGroups: GmvItemGroup[] = [];
  if (promotion === 'PRODUCT') {
    const groups = 3 + (hash32(key, 3) % 3);
    for (let g = 0; g < groups; g++) {
      const groupKey = hash32(key, 4, g);
      const slot = index * 100 + g;
      const items = Array.from({ length: 1 + (hash32(groupKey, 1) % 2) }, (_, i) => ({ id: id19(advertiser, KIND.gmvItem, slot * 10 + i), key: hash32(groupKey, 2, i) }));
      itemGroups.push({ id: id19(advertiser, KIND.gmvItemGroup, slot), priceUsd: 5 + (hash32(groupKey, 3) % 76), items });
    }
  }
  return {
    id: id19(advertiser, KIND.gmvCampaign, index),
    name: `${promotion === 'LIVE' ? 'LIVE' : 'Product'} GMV Max ${store.name} #${n + 1}`,
    store,
    promotion,
    createDay,
    createSeconds,
    modifySeconds: createSeconds + (hash32(key, 5) % (30 * DAY_SECONDS)),
    key,
    itemGroups,
    deletedAfterDay,
  };
}

/** The campaign as gmv_max/campaign/get/ lists it. */
export function campaignRecord(advertiser: Advertiser, campaign: GmvCampaign): Record<string, unknown> {
  return {
    advertiser_id: advertiser.id,
    campaign_id: campaign.id,
    campaign_name: campaign.name,
    operation_status: campaign.deletedAfterDay === undefined ? 'ENABLE' : 'DELETE',
    secondary_status: campaign.deletedAfterDay === undefined ? 'CAMPAIGN_STATUS_ENABLE' : 'CAMPAIGN_STATUS_DELETE',
    objective_type: 'PRODUCT_SALES',
    create_time: formatUtcSeconds(campaign.createSeconds),
    modify_time: formatUtcSeconds(campaign.modifySeconds),
  };
}

/** The store as gmv_max/store/list/ lists it. */
export function storeRecord(advertiser: Advertiser, store: GmvStore): Record<string, unknown> {
  const bcId = `7${String(hash32(advertiser.key, 0x6e2) % 1e9).padStart(9, '0')}${String(advertiser.index).padStart(9, '0')}`;
  return {
    store_id: store.id,
    store_name: store.name,
    store_code: store.code,
    store_status: 'ACTIVE',
    store_role: store.available ? 'AD_PROMOTION' : 'MANAGER',
    is_gmv_max_available: store.available,
    is_owner_bc: store.index === 0,
    store_authorized_bc_id: bcId,
    store_authorized_bc_info: { bc_id: bcId, bc_name: `${advertiser.company} BC`, user_role: 'ADMIN' },
    exclusive_authorized_advertiser_info: store.available
      ? { advertiser_id: advertiser.id, advertiser_name: advertiser.name, advertiser_status: 'STATUS_ENABLE' }
      : { advertiser_id: `7${String(hash32(store.key, 9) % 1e18).padStart(18, '0')}`, advertiser_name: 'Another ad account', advertiser_status: 'STATUS_ENABLE' },
    targeting_region_codes: ['US'],
    thumbnail_url: `https://p16-oec-va.ibyteimg.com/tos-maliva-i-o3syd03w52-us/${store.code.toLowerCase()}~tplv-o3syd03w52-origin-jpeg.jpeg`,
  };
}

/**
 * One delivery fact: what one post (PRODUCT) or one live room (LIVE) of a campaign did in one local hour.
 * Money is in the account currency's minor units, so sums are exact. A post delivers in one hour of a day,
 * so hourly rows add up to the daily ones.
 */
export interface GmvFact {
  campaign: GmvCampaign;
  itemGroupId: string | undefined;
  itemId: string | undefined;
  roomId: string | undefined;
  day: number;
  hour: number;
  cost: number;
  netCost: number;
  orders: number;
  grossRevenue: number;
  productImpressions: number;
  productClicks: number;
  adImpressions: number;
  adClicks: number;
  /** Ad video plays, then views of 2 s, 6 s, 25 %, 50 %, 75 %, 100 %. */
  videoViews: readonly number[];
  liveViews: number;
  tenSecondLiveViews: number;
  liveFollows: number;
}

/** The facts of one store's campaigns of one promotion type over local days first..last (today up to `hour`). */
export function gmvFacts(
  advertiser: Advertiser,
  account: GmvAccount,
  storeId: string,
  promotion: GmvPromotion,
  firstDay: number,
  lastDay: number,
  today: { day: number; hour: number },
): GmvFact[] {
  const facts: GmvFact[] = [];
  const currency = advertiser.currency;
  const minor = (usd: number) => Math.round(usd * currency.perUsd * 10 ** currency.decimals);
  const last = Math.min(lastDay, today.day);
  for (const campaign of account.campaigns) {
    if (campaign.store.id !== storeId || campaign.promotion !== promotion) continue;
    for (let day = Math.max(firstDay, campaign.createDay); day <= Math.min(last, campaign.deletedAfterDay ?? last); day++) {
      const sources: { itemGroup?: GmvItemGroup; item?: { id: string; key: number }; roomId?: string; key: number }[] =
        promotion === 'PRODUCT'
          ? campaign.itemGroups.flatMap((itemGroup) => itemGroup.items.map((item) => ({ itemGroup, item, key: item.key })))
          : [{ roomId: id19(advertiser, KIND.gmvRoom, (day * 10 + (campaign.key % 10)) % 1_000_000), key: campaign.key }];
      for (const source of sources) {
        const h = hash32(source.key, day);
        // Not every post delivers every day; a live room goes on air two days in three.
        if (h % (promotion === 'PRODUCT' ? 4 : 3) === 0) continue;
        const hour = hash32(h, 1) % 24;
        if (day === today.day && hour > today.hour) continue;
        const cost = minor(0.5 + (hash32(h, 2) % 4000) / 100);
        // One delivery in seven spends without a single impression or click being counted.
        const silent = hash32(h, 3) % 7 === 0;
        const productImpressions = silent ? 0 : 100 + (hash32(h, 4) % 5000);
        const productClicks = Math.floor((productImpressions * (hash32(h, 5) % 60)) / 1000);
        // Orders also come organically and through affiliates, so there can be some without a click.
        const orders = Math.floor((productClicks * (hash32(h, 6) % 25)) / 100) + (hash32(h, 7) % 3);
        const priceUsd = source.itemGroup?.priceUsd ?? 5 + (hash32(h, 8) % 60);
        const plays = silent ? 0 : Math.floor(productImpressions * 0.8);
        const shares = [0.7, 0.45, 0.4, 0.25, 0.15, 0.08];
        const liveViews = promotion === 'LIVE' && !silent ? 200 + (hash32(h, 9) % 8000) : 0;
        facts.push({
          campaign,
          itemGroupId: source.itemGroup?.id,
          itemId: source.item?.id,
          roomId: source.roomId,
          day,
          hour,
          cost,
          netCost: cost - Math.floor((cost * (hash32(h, 10) % 8)) / 100),
          orders,
          grossRevenue: orders * minor(priceUsd),
          productImpressions,
          productClicks,
          adImpressions: Math.floor(productImpressions * 0.6),
          adClicks: Math.floor(productClicks * 0.7),
          videoViews: [plays, ...shares.map((share) => Math.floor(plays * share))],
          liveViews,
          tenSecondLiveViews: Math.floor(liveViews * 0.35),
          liveFollows: Math.floor(liveViews * 0.02),
        });
      }
    }
  }
  return facts;
}
