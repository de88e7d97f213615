import { type AdvertiserInfo, timeZoneOf } from '../tiktok/advertisers.ts';
import type { ReadContext } from './context.ts';
import { addDays, dateOfEpoch, maxDate, minDate, todayIn } from './dates.ts';

/**
 * The days a report may cover for one advertiser, in its own calendar: from start_date (never before the
 * advertiser existed) to end_date or today in its time zone, whichever is earlier. Empty when start > end.
 */
export function advertiserReportDays(ctx: ReadContext, advertiser: AdvertiserInfo): { start: string; end: string } {
  const zone = timeZoneOf(advertiser);
  const today = todayIn(zone, ctx.now());
  const end = minDate(ctx.config.endDate ?? today, today);
  let start = ctx.config.startDate;
  const created = Number(advertiser['create_time']);
  if (Number.isFinite(created) && created > 0) start = maxDate(start, dateOfEpoch(created, zone));
  return { start, end };
}

/**
 * Where an incremental read starts: `start`, or with a cursor the `lookbackDays` before its day (the attribution
 * window re-read, since conversions keep changing), whichever is later.
 */
export function resumeDay(start: string, cursor: string | undefined, lookbackDays: number): string {
  return cursor === undefined ? start : maxDate(start, addDays(cursor.slice(0, 10), -lookbackDays));
}
