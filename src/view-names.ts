// The names the analytics views may take, as rules free of any engine or plan, so that `check` can refuse a
// custom report whose table would collide with a view (src/streams/custom-reports.ts) and the planner names the
// views by the same rules (src/analytics/naming.ts, ready.ts).

import { createHash } from 'node:crypto';

/** The levels that get ready views, by the name the views carry (`campaign_performance_daily`, …). */
export const READY_LEVELS = ['advertiser', 'campaign', 'ad_group', 'ad'] as const;

/** Breakdowns with a short, fixed list of values, which ready views turn into columns (see analytics/breakdowns.ts). */
export const PIVOTED_BREAKDOWNS: Readonly<Record<string, readonly string[]>> = {
  gender: ['MALE', 'FEMALE', 'NONE'],
  age: ['AGE_13_17', 'AGE_18_24', 'AGE_25_34', 'AGE_35_44', 'AGE_45_54', 'AGE_55_100'],
  platform: ['ANDROID', 'IOS', 'PC'],
};

export const PIVOT_TIMES = ['daily', 'hourly', 'lifetime'] as const;

/** GMV Max's ready view and the view of all TikTok spend (auction ads and GMV Max) per day and advertiser. */
export const GMV_MAX_PERFORMANCE_VIEW = 'gmv_max_performance_daily';
export const ALL_SPEND_VIEW = 'tiktok_spend_daily';

export const performanceViewName = (level: string): string => `${level}_performance_daily`;
export const pivotViewName = (level: string, breakdown: string, time: string): string => `${level}_spend_by_${breakdown}_${time}`;

/** A report stream's typed view when the name is free: the stream's name without `_reports`. */
export function shortViewName(stream: string): string | undefined {
  const short = stream.includes('_reports') ? stream.replace('_reports', '') : undefined;
  return short === '' ? undefined : short;
}

/** The typed view's name when the short one is taken (or the stream has no `_reports`). */
export const fallbackViewName = (stream: string): string => `${stream}_typed`;

/** A taken name with a short stable hash. */
export const hashedViewName = (name: string): string => `${name}_${createHash('sha256').update(name).digest('hex').slice(0, 6)}`;

/**
 * Every name an analytics view may take for these report streams (whatever else the schema holds), each with
 * what the view is: the typed views, every ready view, and the hashed names either falls back to.
 */
export function possibleViewNames(reportStreams: Iterable<string>): Map<string, string> {
  const names = new Map<string, string>();
  const add = (name: string, what: string) => {
    if (!names.has(name)) names.set(name, what);
    const hashed = hashedViewName(name);
    if (!names.has(hashed)) names.set(hashed, what);
  };
  for (const stream of reportStreams) {
    const short = shortViewName(stream);
    if (short !== undefined) add(short, `the typed view of ${stream}`);
    add(fallbackViewName(stream), `the typed view of ${stream}`);
  }
  for (const name of [GMV_MAX_PERFORMANCE_VIEW, ALL_SPEND_VIEW]) add(name, 'a ready analytics view');
  for (const level of READY_LEVELS) {
    add(performanceViewName(level), 'a ready analytics view');
    for (const breakdown of Object.keys(PIVOTED_BREAKDOWNS)) {
      for (const time of PIVOT_TIMES) add(pivotViewName(level, breakdown, time), 'a ready analytics view');
    }
  }
  return names;
}
