import { formatCount, textTable } from '../load/progress.ts';
import { describeWait } from '../tiktok/limits.ts';
import { budgetShare, type Plan } from './plan.ts';

// The plan for people: a table per stream (advertiser, dates, lane, requests, budget shares, time), then a line
// with the whole run's time and share of the day.

/** "41 %", "0.3 %", "<0.1 %"; "—" for an unlimited window. */
export function formatShare(share: number | undefined): string {
  if (share === undefined) return '—';
  const percent = share * 100;
  if (percent > 0 && percent < 0.1) return '<0.1 %';
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)} %`;
}

export function planText(plan: Plan): string {
  const { perMinute, perDay } = plan.budget;
  const sections = plan.streams.map((stream) => {
    const rows = stream.rows.map((row) => [
      row.advertiserId,
      row.start !== undefined && row.end !== undefined ? `${row.start}..${row.end}` : '—',
      row.lane,
      row.rows === undefined ? '?' : formatCount(row.rows),
      formatCount(row.requests),
      formatShare(budgetShare(row.requests, perMinute)),
      formatShare(budgetShare(row.requests, perDay)),
      describeWait(row.wallMs),
    ]);
    const title = `${stream.stream}: ${formatCount(stream.requests)} requests, ${describeWait(stream.wallMs)}`;
    const table = rows.length > 0 ? textTable(['advertiser', 'dates', 'lane', 'rows', 'requests', '% of a minute', '% of the day', 'time'], rows) : '(the advertiser list: no call beyond discovery)\n';
    return `${title}\n${table}`;
  });
  const rate = `${formatCount(plan.budget.requestsPerSecond)} requests a second`;
  const windows = [perMinute === undefined ? undefined : `${formatCount(perMinute)} a minute`, perDay === undefined ? undefined : `${formatCount(perDay)} a day`].filter(Boolean);
  return [
    `Plan (tier ${plan.budget.tier}: ${rate}${windows.length > 0 ? `, ${windows.join(', ')}` : ''}; "% of a minute" is the share of one minute's calls, above 100 % it takes several):`,
    '',
    ...sections,
    `Planning made ${formatCount(plan.planning.calls)} calls (${formatCount(plan.planning.probes)} page_size=1 probes of report windows, the rest advertiser discovery) and read no report rows.`,
    totalLine(plan),
  ].join('\n') + '\n';
}

/** "This run takes about 3 hours 10 minutes and 41 % of today's quota (108,000 requests)." */
export function totalLine(plan: Plan): string {
  const day = budgetShare(plan.requests, plan.budget.perDay);
  const quota = day === undefined ? '' : ` and ${formatShare(day)} of today's quota`;
  const unestimated = plan.streams.filter((stream) => stream.rows.some((row) => row.lane === 'not estimated')).map((stream) => stream.stream);
  const besides = unestimated.length === 0 ? '' : ` besides ${unestimated.join(', ')}, not estimated`;
  return `This run takes about ${describeWait(plan.wallMs)}${quota} (${formatCount(plan.requests)} requests)${besides}.`;
}
