import type { Route } from '../http/route.ts';
import { TextBytes } from '../http/text-bytes.ts';
import { ADS_THROTTLE_HEADER } from '../report/ad-cap.ts';
import { totalObject, writeRowsJson } from '../report/format.ts';
import { materialize } from '../report/materialize.ts';
import { parseReportQuery } from '../report/query.ts';
import { checkTotalMetrics } from '../report/total-metrics.ts';
import { advertiserParam, pageInfo, paging } from './access.ts';
import { paramError } from '../http/api-error.ts';

export const reportIntegratedGet: Route = {
  method: 'GET',
  auth: true,
  family: 'normal',
  handle({ state, params, now }) {
    if (params.has('advertiser_ids') || params.has('bc_id')) {
      throw paramError('advertiser_ids/bc_id: the emulator serves single-advertiser reports; pass advertiser_id.');
    }
    const advertiser = advertiserParam(state, params);
    const query = parseReportQuery(params, advertiser, { async: false });
    const { page, pageSize } = paging(params);
    const withTotals = params.boolean('enable_total_metrics', false);
    if (withTotals) checkTotalMetrics(query, state.world.options.sandbox);
    const report = materialize(state.world, state.reports, query, now);
    const rows = report.rows.slice((page - 1) * pageSize, page * pageSize);
    const info = JSON.stringify(pageInfo(page, pageSize, report.rows.length));
    const totals = withTotals ? `,"total_metrics":${JSON.stringify(totalObject(query, report.totals))}` : '';
    const data = new TextBytes();
    data.write('{"list":');
    writeRowsJson(query, rows, data);
    data.write(`,"page_info":${info}${totals}}`);
    // Over the 20,000-ad cap TikTok answers code 0 with the newest ads' rows and this header (ad-cap.ts).
    return { kind: 'raw', data: data.bytes(), ...(report.capped ? { headers: { [ADS_THROTTLE_HEADER]: '1' } } : {}) };
  },
};
