import type { Params } from '../tiktok/client.ts';
import type { AdvertiserInfo } from '../tiktok/advertisers.ts';
import type { ReadContext } from './context.ts';
import { addDays, daysBetween, maxDate } from './dates.ts';
import { advertiserReportDays, resumeDay } from './report-range.ts';
import type { ReportFilter, ReportStream } from './definitions.ts';
import type { Batch } from './entity.ts';
import { type BackfillRange, readBackfill } from './report-backfill.ts';
import { REPORT_TYPES, taskRefusal } from './report-catalogue.ts';
import { readUncapped } from './ads-cap.ts';
import { PAGE_SIZE, maxWindowDays } from './report-window.ts';

/** TikTok's span limit of a query without a time dimension. */
const MAX_UNTIMED_DAYS = 365;

/**
 * One advertiser's rows of one report stream. Dates are the advertiser's calendar: the range ends today in its
 * time zone (or end_date), starts at start_date (never before the advertiser existed) or, with a cursor, the
 * attribution window before it. A backfill runs through both lanes (see readBackfill); a checkpoint covers only days
 * whose rows were all emitted, so a restart resumes at the first unfinished day.
 */
export async function* readReport(
  ctx: ReadContext,
  stream: ReportStream,
  advertiser: AdvertiserInfo,
  cursor: string | undefined,
): AsyncGenerator<Batch> {
  const advertiserId = advertiser.advertiser_id;
  const filtering = reportFiltering(stream, ctx.config.includeDeleted);
  const base = reportQuery(stream, advertiserId, filtering);
  if (stream.granularity === 'lifetime' && stream.reportType !== 'AUDIENCE') {
    yield* readUncapped(ctx, stream, advertiserId, { ...base, query_lifetime: true }, 'lifetime');
    return;
  }
  const range = await reportRangeOf(ctx, stream, advertiser, cursor, filtering);
  if (range?.kind === 'untimed') {
    yield* readUncapped(ctx, stream, advertiserId, { ...base, start_date: range.start, end_date: range.end }, `${range.start}..${range.end}`);
    return;
  }
  // The advertiser's days, known before any is read: the stream's estimate counts them (read-activity.ts).
  const days = range === undefined ? 0 : daysBetween(range.start, range.end) + 1;
  ctx.activity.plan(stream.name).begin(advertiserId, days, maxWindowDays(stream), PAGE_SIZE);
  if (range === undefined) return;
  try {
    yield* readBackfill(ctx, stream, advertiserId, base, range);
  } finally {
    // Read whole, skipped as not accessible, or failed: nothing more of it is to come.
    ctx.activity.plan(stream.name).ended(advertiserId);
  }
}

/**
 * The dates one advertiser's dated report reads, and how: a backfill (both lanes, or the synchronous one only) or,
 * for AUDIENCE reports with no time dimension, one untimed query; undefined when there is nothing to read. The
 * run's plan asks the same question (plan/), so what it predicts is what the read does.
 */
export type ReportRange =
  | (BackfillRange & { kind: 'dated'; /** An incremental re-read of the attribution window only. */ steady: boolean })
  | { kind: 'untimed'; start: string; end: string };

export async function reportRangeOf(
  ctx: ReadContext,
  stream: ReportStream,
  advertiser: AdvertiserInfo,
  cursor: string | undefined,
  filtering: ReportFilter[] = reportFiltering(stream, ctx.config.includeDeleted),
): Promise<ReportRange | undefined> {
  const days = advertiserReportDays(ctx, advertiser);
  const end = days.end;
  let start = days.start;
  if (stream.granularity === 'lifetime') {
    // AUDIENCE reports have no lifetime: the last year without a time dimension stands in (as Airbyte reads it).
    start = maxDate(start, addDays(end, -(MAX_UNTIMED_DAYS - 1)));
    return start <= end ? { kind: 'untimed', start, end } : undefined;
  }
  const lookback = stream.lookbackDays ?? ctx.config.attributionWindow;
  start = resumeDay(start, cursor, lookback);
  if (start > end) return undefined;
  // A steady incremental sync re-reads only the attribution window: synchronously, as it always has.
  const steady = cursor !== undefined && daysBetween(start, end) + 1 <= lookback + 1;
  // Some report types (PLAYABLE_MATERIAL) exist only as synchronous reports, and a task refuses some filters and
  // metrics (taskRefusal): such streams stay on the synchronous lane rather than create tasks that fail.
  const tasks =
    !steady && ctx.config.asyncReports === 'auto' && REPORT_TYPES[stream.reportType].async && taskRefusal(stream, filtering) === undefined;
  return { kind: 'dated', start, end, tasks, steady, syncShare: await syncShareOf(ctx) };
}

/** One advertiser's expected share of the app's requests per second: the rate over the advertisers read at once. */
export async function syncShareOf(ctx: ReadContext): Promise<number> {
  const advertisers = (await ctx.advertisers()).length;
  const sharing = Math.max(1, Math.min(advertisers, ctx.config.maxConcurrency));
  // The client may pace below the configured rate (the app's tier, a throttle): the lower of the two is shared.
  const appRate = Math.min(ctx.config.requestsPerSecond, ctx.client.currentRate);
  return appRate / sharing;
}

/** The parameters of every query of this stream for one advertiser, but its dates and pages. */
export function reportQuery(stream: ReportStream, advertiserId: string, filtering: ReportFilter[]): Params {
  return {
    advertiser_id: advertiserId,
    report_type: stream.reportType,
    data_level: stream.dataLevel,
    dimensions: reportDimensions(stream),
    metrics: stream.metrics,
    ...(filtering.length > 0 ? { filtering } : {}),
  };
}

/** The id dimension, then the time dimension, then the breakdowns: TikTok's order and the key's. */
export function reportDimensions(stream: ReportStream): string[] {
  return [...(stream.idDimension ? [stream.idDimension] : []), ...(stream.timeDimension ? [stream.timeDimension] : []), ...(stream.breakdowns ?? [])];
}

/**
 * The stream's own filters plus, with include_deleted, `<level>_status IN ["STATUS_ALL"]`: each level leaves out
 * its deleted objects unless asked. Never at the advertiser level (it always counts everything, and TikTok refuses
 * the filter there), nor where the stream filters the status itself.
 */
export function reportFiltering(stream: ReportStream, includeDeleted: boolean): ReportFilter[] {
  const filters = [...(stream.filtering ?? [])];
  const statusField = `${stream.level}_status`;
  if (includeDeleted && stream.level !== 'advertiser' && !filters.some((f) => f.field_name === statusField)) {
    filters.push({ field_name: statusField, filter_type: 'IN', filter_value: '["STATUS_ALL"]' });
  }
  return filters;
}
