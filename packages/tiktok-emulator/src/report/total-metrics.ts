// Where `enable_total_metrics` is accepted: auction BASIC reports only, with one id dimension and/or
// stat_time_day (no stat_time_hour, no breakdown), and never in the sandbox (tiktok-api.md, "Corrections":
// enable_total_metrics, from TikTok's "Run a synchronous report" page). Elsewhere TikTok refuses the
// parameter with a 40002 that names it.

import { paramError } from '../http/api-error.ts';
import type { ReportQuery } from './query.ts';

/** Throws TikTok's 40002 when the query may not ask for total_metrics. */
export function checkTotalMetrics(q: ReportQuery, sandbox: boolean): void {
  const why = sandbox
    ? 'it is not supported in the sandbox environment'
    : q.reportType !== 'BASIC'
      ? `it is only supported for report_type BASIC (got ${q.reportType})`
      : q.time === 'HOUR'
        ? 'it cannot be used with stat_time_hour'
        : q.breakdowns.length > 0
          ? `it cannot be used with ${q.breakdowns.join(', ')}`
          : undefined;
  if (why !== undefined) throw paramError(`enable_total_metrics: ${why}; use it with one ID dimension and/or stat_time_day only.`);
}
