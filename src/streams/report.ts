import type { AirbyteMessage } from '../protocol/types.ts';
import { type AdvertiserInfo, timeZoneOf } from '../tiktok/advertisers.ts';
import type { PageInfo, Params } from '../tiktok/client.ts';
import { TikTokApiError } from '../tiktok/errors.ts';
import { runReportTask } from '../tiktok/report-tasks.ts';
import type { ReadContext } from './context.ts';
import { addDays, dateOfEpoch, maxDate, minDate, todayIn } from './dates.ts';
import type { ReportFilter, ReportStream } from './definitions.ts';
import type { Batch } from './entity.ts';
import { RECONCILED_METRICS } from './metrics.ts';
import { REPORT_TYPES } from './report-catalogue.ts';
import { reportCodec } from './report-codec.ts';
import { type ReportRow, RowError } from './report-rows.ts';
import { WindowPlanner } from './windows.ts';

/** TikTok's span limits per query: 30 days by day, 1 day by hour. */
export const MAX_WINDOW_DAYS = { day: 30, hour: 1 } as const;
/** TikTok's span limit of a query without a time dimension. */
const MAX_UNTIMED_DAYS = 365;
export const PAGE_SIZE = 1000;
/** Pages requested ahead of the one being emitted, within one window. */
const PAGE_LOOKAHEAD = 1;
/** Records are built and handed on in chunks this size, so few are alive at once. */
const CHUNK = 250;
/** A remainder that would cost this many synchronous requests goes to report tasks instead (when allowed). */
export const ASYNC_MIN_REQUESTS = 40;
/** The span one report task covers. */
const TASK_MAX_DAYS = 365;

interface ReportPage {
  list?: ReportRow[];
  page_info?: PageInfo;
  total_metrics?: Record<string, unknown>;
}

/**
 * One advertiser's rows of one report stream. Dates are the advertiser's calendar: the range ends today in its
 * time zone (or end_date), starts at start_date (never before the advertiser existed) or, with a cursor, the
 * attribution window before it. A checkpoint follows each window, so a restart resumes at the next one.
 */
export async function* readReport(
  ctx: ReadContext,
  stream: ReportStream,
  advertiser: AdvertiserInfo,
  cursor: string | undefined,
): AsyncGenerator<Batch> {
  const advertiserId = advertiser.advertiser_id;
  const filtering = reportFiltering(stream, ctx.config.includeDeleted);
  const base: Params = {
    advertiser_id: advertiserId,
    report_type: stream.reportType,
    data_level: stream.dataLevel,
    dimensions: reportDimensions(stream),
    metrics: stream.metrics,
    ...(filtering.length > 0 ? { filtering } : {}),
  };
  if (stream.granularity === 'lifetime' && stream.reportType !== 'AUDIENCE') {
    yield* readWindow(ctx, stream, advertiserId, { ...base, query_lifetime: true }, 'lifetime');
    return;
  }
  const zone = timeZoneOf(advertiser);
  const today = todayIn(zone, ctx.now());
  const end = minDate(ctx.config.endDate ?? today, today);
  let start = ctx.config.startDate;
  const created = Number(advertiser['create_time']);
  if (Number.isFinite(created) && created > 0) start = maxDate(start, dateOfEpoch(created, zone));
  if (stream.granularity === 'lifetime') {
    // AUDIENCE reports have no lifetime: the last year without a time dimension stands in (as Airbyte reads it).
    start = maxDate(start, addDays(end, -(MAX_UNTIMED_DAYS - 1)));
    if (start <= end) yield* readWindow(ctx, stream, advertiserId, { ...base, start_date: start, end_date: end }, `${start}..${end}`);
    return;
  }
  if (cursor !== undefined) start = maxDate(start, addDays(cursor.slice(0, 10), -(stream.lookbackDays ?? ctx.config.attributionWindow)));
  if (start > end) return;

  const planner = new WindowPlanner(start, end, MAX_WINDOW_DAYS[stream.granularity], PAGE_SIZE);
  let asyncTried = false;
  let rowsSoFar = 0;
  let estimated = false;
  while (!planner.done) {
    if (!asyncTried && planner.rowsPerDay !== undefined && worthATask(ctx, planner, stream)) {
      asyncTried = true;
      yield* readByTasks(ctx, stream, advertiserId, base, planner);
      continue;
    }
    const window = planner.next();
    const params = { ...base, start_date: window.start, end_date: window.end };
    let total: number;
    try {
      total = yield* readWindow(ctx, stream, advertiserId, params, `${window.start}..${window.end}`);
    } catch (error) {
      if (error instanceof TikTokApiError && error.kind === 'too_large' && planner.tooLarge(window)) continue;
      throw error;
    }
    planner.completed(window, total);
    rowsSoFar += total;
    // The first window tells the advertiser's density: enough for an estimate of the whole range.
    const estimate = estimated ? undefined : Math.round(rowsSoFar + (planner.rowsPerDay ?? 0) * planner.remainingDays);
    estimated = true;
    yield { records: [], checkpoint: { advertiserId, cursor: `${window.end} 00:00:00` }, ...(estimate === undefined ? {} : { estimate }) };
  }
}

/** The id dimension, then the time dimension, then the breakdowns: TikTok's order and the key's. */
export function reportDimensions(stream: ReportStream): string[] {
  return [stream.idDimension, ...(stream.timeDimension ? [stream.timeDimension] : []), ...(stream.breakdowns ?? [])];
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

/** Synchronous requests a remainder would still cost, from the density learned so far. */
function syncRequestsLeft(planner: WindowPlanner, stream: ReportStream): number {
  const days = planner.remainingDays;
  const rows = (planner.rowsPerDay ?? 0) * days;
  return Math.max(Math.ceil(rows / PAGE_SIZE), Math.ceil(days / MAX_WINDOW_DAYS[stream.granularity as 'day' | 'hour']));
}

function worthATask(ctx: ReadContext, planner: WindowPlanner, stream: ReportStream): boolean {
  // Some report types (PLAYABLE_MATERIAL) exist only as synchronous reports.
  if (!REPORT_TYPES[stream.reportType].async) return false;
  return ctx.config.asyncReports === 'auto' && syncRequestsLeft(planner, stream) >= ASYNC_MIN_REQUESTS;
}

/**
 * The rest of a large backfill through asynchronous report tasks (one per TASK_MAX_DAYS), which spend their own
 * budget and return everything in one CSV. A task that fails or stalls hands its span back to synchronous reads.
 */
async function* readByTasks(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  base: Params,
  planner: WindowPlanner,
): AsyncGenerator<Batch> {
  const codec = reportCodec(stream);
  while (!planner.done) {
    const window = planner.nextOf(TASK_MAX_DAYS);
    let rows: AsyncIterable<Record<string, string>>;
    try {
      rows = await runReportTask(ctx.client, advertiserId, { ...base, start_date: window.start, end_date: window.end }, {
        pollMs: ctx.config.asyncPollMs,
        maxWaitMs: ctx.config.asyncMaxWaitMs,
      });
    } catch (error) {
      if (!(error instanceof TikTokApiError) || error.kind === 'auth' || error.kind === 'not_accessible') throw error;
      ctx.warn(`${stream.name}: advertiser ${advertiserId}: report task for ${window.start}..${window.end} failed (${error.message}); reading it synchronously.`);
      return;
    }
    let count = 0;
    let records: AirbyteMessage[] = [];
    const emittedAt = Date.now();
    for await (const row of rows) {
      count++;
      try {
        records.push(codec.message(csvReportRow(row, stream), advertiserId, emittedAt));
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        ctx.summary.unparsedRows++;
        ctx.warn(`${stream.name}: advertiser ${advertiserId}, task ${window.start}..${window.end}: a row could not be read (${error.message}); not emitted.`);
      }
      if (records.length >= CHUNK) {
        yield { records };
        records = [];
      }
    }
    if (records.length > 0) yield { records };
    planner.completed(window, count);
    yield { records: [], checkpoint: { advertiserId, cursor: `${window.end} 00:00:00` } };
  }
}

/** A CSV row (header = dimension and metric names) in the shape of a synchronous report row. */
function csvReportRow(row: Record<string, string>, stream: ReportStream): ReportRow {
  const dimensions: Record<string, unknown> = {};
  const metrics: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (name === stream.idDimension || name === stream.timeDimension || stream.breakdowns?.includes(name)) dimensions[name] = value;
    // CSV cannot tell null from an empty string; the JSON answers say null.
    else metrics[name] = value === '' ? null : value;
  }
  const time = stream.timeDimension ? dimensions[stream.timeDimension] : undefined;
  if (typeof time === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(time)) dimensions[stream.timeDimension as string] = `${time} 00:00:00`;
  return { dimensions, metrics };
}

async function* readWindow(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  params: Params,
  label: string,
): AsyncGenerator<Batch, number> {
  const fetchPage = (page: number) =>
    ctx.client.get<ReportPage>('report/integrated/get/', {
      ...params,
      page,
      page_size: PAGE_SIZE,
      ...(page === 1 ? { enable_total_metrics: true } : {}),
    });
  const codec = reportCodec(stream);
  const sums = new Map<string, number>(RECONCILED_METRICS.map((m) => [m, 0]));
  let totals: Record<string, unknown> | undefined;
  let total: number | undefined;
  let emitted = 0;
  for await (const page of pagesAhead(fetchPage)) {
    // Page 1 carries the query's row count and, asked for there, TikTok's totals.
    if (total === undefined) {
      totals = page.total_metrics;
      total = page.page_info?.total_number ?? page.list?.length ?? 0;
    }
    let records: AirbyteMessage[] = [];
    const emittedAt = Date.now();
    for (const row of page.list ?? []) {
      let record: AirbyteMessage;
      try {
        record = codec.message(row, advertiserId, emittedAt);
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        ctx.summary.unparsedRows++;
        ctx.warn(`${stream.name}: advertiser ${advertiserId}, ${label}: a row could not be read (${error.message}); not emitted: ${JSON.stringify(row).slice(0, 300)}`);
        continue;
      }
      // Summed from TikTok's own text, so reconciliation does not build the typed record.
      const metrics = row.metrics ?? {};
      for (const [name, sum] of sums) {
        const value = Number(metrics[name]);
        if (Number.isFinite(value)) sums.set(name, sum + value);
      }
      records.push(record);
      if (records.length >= CHUNK) {
        emitted += records.length;
        yield { records };
        records = [];
      }
    }
    emitted += records.length;
    if (records.length > 0) yield { records };
  }
  reconcile(ctx, stream, advertiserId, label, sums, totals, emitted);
  return total ?? 0;
}

/** Page 1 first (it tells how many pages there are), then the rest with a bounded look-ahead, in order. */
async function* pagesAhead(fetchPage: (page: number) => Promise<ReportPage>): AsyncGenerator<ReportPage> {
  const first = await fetchPage(1);
  yield first;
  const lastPage = first.page_info?.total_page ?? 1;
  const pending = new Map<number, Promise<ReportPage>>();
  let nextToStart = 2;
  for (let page = 2; page <= lastPage; page++) {
    while (nextToStart <= lastPage && nextToStart <= page + PAGE_LOOKAHEAD) {
      const request = fetchPage(nextToStart);
      // Awaited in turn below; until then a failure must not count as unhandled.
      request.catch(() => undefined);
      pending.set(nextToStart++, request);
    }
    const current = pending.get(page);
    pending.delete(page);
    if (current) yield await current;
  }
}

/** TikTok's own totals for the query against what was emitted; a difference is a warning, counted. */
function reconcile(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  label: string,
  sums: Map<string, number>,
  totals: Record<string, unknown> | undefined,
  rows: number,
): void {
  if (!totals) return;
  const differences: string[] = [];
  for (const [name, sum] of sums) {
    const raw = totals[name];
    if (raw === undefined || raw === null || raw === '-') continue;
    const expected = Number(raw);
    if (!Number.isFinite(expected)) continue;
    // Rows carry rounded values (2 decimals): allow half a cent per row.
    if (Math.abs(sum - expected) > 0.005 * rows + 1e-6 * Math.abs(expected) + 1e-9) {
      differences.push(`${name}: emitted ${round(sum)} vs TikTok total ${raw}`);
    }
  }
  if (differences.length === 0) return;
  ctx.summary.reconciliationMismatches++;
  ctx.warn(`${stream.name}: advertiser ${advertiserId}, ${label}: emitted metrics differ from TikTok's totals (${differences.join('; ')}).`);
}

const round = (n: number) => Math.round(n * 100) / 100;
