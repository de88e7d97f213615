// smart_plus/material_report/overview/ and …/breakdown/: Upgraded Smart+ creative reports, paged at most 100
// rows (report/smart-plus-materials.ts has the rules and the rows).

import { json, type Route } from '../http/route.ts';
import { MATERIAL_PAGE_SIZE_MAX, type MaterialEndpoint, materialReport } from '../report/smart-plus-materials.ts';
import { advertiserParam, pageInfo } from './access.ts';

function materialRoute(endpoint: MaterialEndpoint): Route {
  return {
    method: 'GET',
    auth: true,
    family: 'normal',
    handle({ state, params, now }) {
      const advertiser = advertiserParam(state, params);
      const page = params.integer('page', 1, 1, 1_000_000);
      const pageSize = params.integer('page_size', 10, 1, MATERIAL_PAGE_SIZE_MAX);
      const rows = materialReport(state.world, params, advertiser, endpoint, now);
      return json({ list: rows.slice((page - 1) * pageSize, page * pageSize), page_info: pageInfo(page, pageSize, rows.length) });
    },
  };
}

export const smartPlusMaterialOverview = materialRoute('overview');
export const smartPlusMaterialBreakdown = materialRoute('breakdown');
