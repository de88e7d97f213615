// tt_video/list/: Spark Ads posts authorised to the ad account (production only).

import { sparkPostsOf } from '../data/assets/spark-ads.ts';
import { json, type Route } from '../http/route.ts';
import { advertiserParam } from './access.ts';
import { cappedPage, pageOf } from './asset-params.ts';

/**
 * The page limit is not in TikTok's docs (unconfirmed); clients in the wild send at most 50. Larger asks
 * are served 50 a page, default 20; page_info shows what was served.
 */
export const SPARK_PAGE_CAP = 50;

export const ttVideoList: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params }) {
    const advertiser = advertiserParam(state, params);
    const { slice, page_info } = pageOf(sparkPostsOf(state.world, advertiser), cappedPage(params, 20, SPARK_PAGE_CAP));
    return json({ list: slice, page_info });
  },
};
