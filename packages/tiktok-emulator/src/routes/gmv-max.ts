// TikTok Shop GMV Max endpoints: the ad account's shops, its GMV Max campaigns and their report.

import { campaignRecord, gmvMaxOf, storeRecord } from '../data/gmv-max.ts';
import { paramError } from '../http/api-error.ts';
import { json, type Route } from '../http/route.ts';
import { gmvRows, parseGmvQuery } from '../report/gmv-max-report.ts';
import { advertiserParam, pageInfo, paging } from './access.ts';
import { filteringObject, pageOf, strictPage } from './asset-params.ts';

/** gmv_max/store/list/: every shop the ad account can see, unpaged, with whether GMV Max may promote it. */
export const gmvMaxStoreList: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params }) {
    const advertiser = advertiserParam(state, params);
    return json({ store_list: gmvMaxOf(state.world, advertiser).stores.map((store) => storeRecord(advertiser, store)) });
  },
};

const CAMPAIGN_TYPES = { PRODUCT_GMV_MAX: 'PRODUCT', LIVE_GMV_MAX: 'LIVE' } as const;

/** gmv_max/campaign/get/: GMV Max campaigns of the promotion types asked for (a required filter), 100 a page at most. */
export const gmvMaxCampaignGet: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params }) {
    const advertiser = advertiserParam(state, params);
    const filter = filteringObject(params, ['gmv_max_promotion_types', 'store_ids', 'campaign_ids', 'campaign_name', 'primary_status', 'creation_filter_start_time', 'creation_filter_end_time']);
    const types = filter['gmv_max_promotion_types'];
    if (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string' && t in CAMPAIGN_TYPES)) {
      throw paramError('filtering.gmv_max_promotion_types: Required, one or both of PRODUCT_GMV_MAX, LIVE_GMV_MAX.');
    }
    const wanted = new Set(types.map((t) => CAMPAIGN_TYPES[t as keyof typeof CAMPAIGN_TYPES]));
    const campaigns = gmvMaxOf(state.world, advertiser).campaigns.filter((c) => wanted.has(c.promotion));
    const { slice, page_info } = pageOf(campaigns, strictPage(params, 10, 100));
    return json({ list: slice.map((c) => campaignRecord(advertiser, c)), page_info });
  },
};

/** gmv_max/report/get/: one store's GMV Max report (see report/gmv-max-report.ts for the rules). */
export const gmvMaxReportGet: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params, now }) {
    const advertiser = advertiserParam(state, params);
    const account = gmvMaxOf(state.world, advertiser);
    const query = parseGmvQuery(params, advertiser, account);
    const { page, pageSize } = paging(params);
    const rows = gmvRows(query, advertiser, account, state.world.clock(advertiser, now));
    return json({ list: rows.slice((page - 1) * pageSize, page * pageSize), page_info: pageInfo(page, pageSize, rows.length) });
  },
};
