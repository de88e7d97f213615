// dmp/custom_audience/list/: the advertiser's custom audiences, paged (page_size 1–100, default 10).

import { audiencesOf } from '../data/assets/audiences.ts';
import { json, type Route } from '../http/route.ts';
import { advertiserParam } from './access.ts';
import { pageOf, strictPage } from './asset-params.ts';

export const customAudienceList: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params }) {
    const advertiser = advertiserParam(state, params);
    const ids = params.stringArray('custom_audience_ids', 100);
    const wanted = ids === undefined ? undefined : new Set(ids);
    const matches = audiencesOf(state.world, advertiser).filter((a) => wanted === undefined || wanted.has(a.id));
    const { slice, page_info } = pageOf(matches, strictPage(params, 10, 100));
    return json({ list: slice.map((a) => a.record), page_info });
  },
};
