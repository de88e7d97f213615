import type { AirbyteMessage } from '../protocol/types.ts';
import { type AdvertiserInfo, timeZoneOf } from '../tiktok/advertisers.ts';
import type { PageInfo, Params } from '../tiktok/client.ts';
import { TikTokApiError } from '../tiktok/errors.ts';
import { runReportTask } from '../tiktok/report-tasks.ts';
import type { ReadContext } from './context.ts';
import { type Granularity, SyncRate, chooseSplit } from './backfill-plan.ts';
import { BackfillSpans, type DaySpan } from './backfill-spans.ts';
import { addDays, dateOfEpoch, daysBetween, maxDate, minDate, todayIn } from './dates.ts';
import type { ReportFilter, ReportStream } from './definitions.ts';
import type { Batch } from './entity.ts';
import { RECONCILED_METRICS } from './metrics.ts';
import { REPORT_TYPES } from './report-catalogue.ts';
import { reportCodec } from './report-codec.ts';
import { type ReportRow, RowError } from './report-rows.ts';
import { mergeConcurrently } from './merge.ts';
import { taskLaneOf } from './task-lane.ts';
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

interface ReportPage {
  list?: ReportRow[];
  page_info?: PageInfo;
  total_metrics?: Record<string, unknown>;
}

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
  const lookback = stream.lookbackDays ?? ctx.config.attributionWindow;
  if (cursor !== undefined) start = maxDate(start, addDays(cursor.slice(0, 10), -lookback));
  if (start > end) return;
  // A steady incremental sync re-reads only the attribution window: synchronously, as it always has.
  const steady = cursor !== undefined && daysBetween(start, end) + 1 <= lookback + 1;
  // Some report types (PLAYABLE_MATERIAL) exist only as synchronous reports.
  const tasks = !steady && ctx.config.asyncReports === 'auto' && REPORT_TYPES[stream.reportType].async;
  const advertisers = (await ctx.advertisers()).length;
  const sharing = Math.max(1, Math.min(advertisers, ctx.config.maxConcurrency));
  // The client may pace below the configured rate (the app's tier, a throttle): the lower of the two is shared.
  const appRate = Math.min(ctx.config.requestsPerSecond, ctx.client.currentRate);
  yield* readBackfill(ctx, stream, advertiserId, base, { start, end, tasks, syncShare: appRate / sharing });
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

interface BackfillRange {
  start: string;
  end: string;
  /** Whether report tasks may take part of it. */
  tasks: boolean;
  /** This advertiser's expected share of the app's requests per second, until its own is measured. */
  syncShare: number;
}

/** What a lane hands on: rows, and when a span's rows are all out, the span (and, once, the estimate). */
interface LaneItem {
  records: AirbyteMessage[];
  finished?: { span: DaySpan; from: 'sync' | 'task' };
  estimate?: number;
}

/** What the two lanes of one advertiser know together. */
interface LaneState {
  range: DaySpan;
  spans: BackfillSpans;
  syncRate: SyncRate;
  /** Rows and days read synchronously so far: the advertiser's density. */
  syncRows: number;
  syncDays: number;
  /** The report task running now, to abort once the synchronous lane has read all its days. */
  running?: { span: DaySpan; controller: AbortController };
  /** Settles once the first window told the density (or the synchronous lane ended). */
  densityKnown: Promise<void>;
  learnedDensity: () => void;
}

/**
 * One advertiser's range through both lanes at once: synchronous windows from the first day up, report tasks
 * from the last day down, meeting where the plan says both finish together. A STATE follows only the finished
 * prefix of the range, so a restart re-reads at most what was not yet checkpointed.
 */
async function* readBackfill(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  base: Params,
  range: BackfillRange,
): AsyncGenerator<Batch> {
  let learnedDensity = () => {};
  const densityKnown = new Promise<void>((resolve) => (learnedDensity = resolve));
  const state: LaneState = {
    range: { start: range.start, end: range.end },
    spans: new BackfillSpans(range.start, range.end),
    syncRate: new SyncRate(range.syncShare),
    syncRows: 0,
    syncDays: 0,
    densityKnown,
    learnedDensity,
  };
  const lanes = [() => syncLane(ctx, stream, advertiserId, base, state)];
  if (range.tasks) lanes.push(() => taskLane(ctx, stream, advertiserId, base, state));
  for await (const item of mergeConcurrently(lanes, lanes.length)) {
    if (item.records.length > 0) yield { records: item.records };
    if (!item.finished) continue;
    const through = state.spans.finish(item.finished.span, item.finished.from);
    if (through === undefined && item.estimate === undefined) continue;
    yield {
      records: [],
      ...(through === undefined ? {} : { checkpoint: { advertiserId, cursor: `${through} 00:00:00` } }),
      ...(item.estimate === undefined ? {} : { estimate: item.estimate }),
    };
  }
}

/** Synchronous windows from the lowest day no finished lane holds, up to the last (see BackfillSpans). */
async function* syncLane(ctx: ReadContext, stream: ReportStream, advertiserId: string, base: Params, state: LaneState): AsyncGenerator<LaneItem> {
  const granularity = stream.granularity as Granularity;
  const planner = new WindowPlanner(state.range.start, state.range.end, MAX_WINDOW_DAYS[granularity], PAGE_SIZE);
  const totalDays = daysBetween(state.range.start, state.range.end) + 1;
  try {
    for (let free = state.spans.nextForSync(); free; free = state.spans.nextForSync()) {
      const window = planner.nextIn(free.start, free.end);
      state.spans.takeForSync(window);
      if (state.running && !state.spans.taskStillNeeded(state.running.span)) state.running.controller.abort();
      const started = performance.now();
      let total: number;
      try {
        total = yield* readWindow(ctx, stream, advertiserId, { ...base, start_date: window.start, end_date: window.end }, `${window.start}..${window.end}`);
      } catch (error) {
        if (error instanceof TikTokApiError && error.kind === 'too_large' && planner.tooLarge(window)) {
          state.spans.giveBack(window, 'sync');
          continue;
        }
        throw error;
      }
      planner.learn(window, total);
      state.syncRate.observe(Math.max(1, Math.ceil(total / PAGE_SIZE)), performance.now() - started);
      const first = state.syncDays === 0;
      state.syncRows += total;
      state.syncDays += window.days;
      state.learnedDensity();
      // The first window tells the advertiser's density: enough for an estimate of the whole range.
      const estimate = first ? Math.round(total + (total / window.days) * (totalDays - window.days)) : undefined;
      yield { records: [], finished: { span: window, from: 'sync' }, ...(estimate === undefined ? {} : { estimate }) };
    }
  } finally {
    state.learnedDensity();
  }
}

/**
 * Report tasks from the highest free day down, one at a time per advertiser, each sized by the plan from what
 * has been learned so far (density, the synchronous lane's speed, the tasks' cost). A task that fails or stalls
 * leaves its days to the synchronous lane (which may have read some already); this advertiser asks for no more.
 */
async function* taskLane(ctx: ReadContext, stream: ReportStream, advertiserId: string, base: Params, state: LaneState): AsyncGenerator<LaneItem> {
  const lane = taskLaneOf(ctx);
  const granularity = stream.granularity as Granularity;
  // The first synchronous window tells the density; nothing to plan before it.
  await state.densityKnown;
  for (;;) {
    if (state.syncDays === 0 || state.spans.freeDays === 0) return;
    const rowsPerDay = state.syncRows / state.syncDays;
    const release = await lane.acquire(rowsPerDay * state.spans.freeDays);
    try {
      const split = chooseSplit({
        days: state.spans.freeDays,
        rowsPerDay,
        granularity,
        syncRequestsPerSecond: state.syncRate.requestsPerSecond,
        task: lane.costs.cost,
      });
      const span = split.taskDays > 0 ? state.spans.takeForTask(split.taskDays) : undefined;
      if (!span) return;
      const started = performance.now();
      const controller = new AbortController();
      state.running = { span, controller };
      const rows = await startTask(ctx, stream, advertiserId, base, span, controller.signal);
      state.running = undefined;
      if (!rows) {
        state.spans.giveBack(span, 'task');
        return;
      }
      const delivers = state.spans.taskDelivers(span);
      const count = yield* taskRecords(ctx, stream, advertiserId, span, rows, delivers);
      lane.costs.observe(count, performance.now() - started);
      yield { records: [], finished: { span, from: 'task' } };
    } finally {
      release();
    }
  }
}

/**
 * A report task for the span, finished and ready to download; undefined when it failed or stalled (warned) or
 * was overtaken by the synchronous lane (aborted).
 */
async function startTask(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  base: Params,
  span: DaySpan,
  signal: AbortSignal,
): Promise<AsyncIterable<Record<string, string>> | undefined> {
  try {
    return await runReportTask(ctx.client, advertiserId, { ...base, start_date: span.start, end_date: span.end }, {
      pollMs: ctx.config.asyncPollMs,
      maxWaitMs: ctx.config.asyncMaxWaitMs,
      signal,
    });
  } catch (error) {
    if (!(error instanceof TikTokApiError) || error.kind === 'auth' || error.kind === 'not_accessible') throw error;
    // Overtaken: the synchronous lane read every day of it meanwhile. Nothing was lost, nothing to say.
    if (signal.aborted) return undefined;
    ctx.warn(`${stream.name}: advertiser ${advertiserId}: report task for ${span.start}..${span.end} failed (${error.message}); reading it synchronously.`);
    return undefined;
  }
}

/** A finished task's CSV rows of the days it delivers as records, in chunks; returns how many rows the file had. */
async function* taskRecords(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  span: DaySpan,
  rows: AsyncIterable<Record<string, string>>,
  delivers: (day: string) => boolean,
): AsyncGenerator<LaneItem, number> {
  const codec = reportCodec(stream);
  let count = 0;
  let records: AirbyteMessage[] = [];
  const emittedAt = Date.now();
  const timeColumn = stream.timeDimension ?? '';
  let lastDay = '';
  let lastDelivered = false;
  for await (const row of rows) {
    count++;
    // Days the synchronous lane read while the task ran are its, not the task's: each row comes out once.
    // Rows come day by day, so the answer for the last day seen saves a date calculation per row.
    const day = String(row[timeColumn] ?? '').slice(0, 10);
    if (day !== lastDay) {
      lastDay = day;
      lastDelivered = delivers(day);
    }
    if (!lastDelivered) continue;
    try {
      records.push(codec.message(csvReportRow(row, stream), advertiserId, emittedAt));
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      ctx.summary.unparsedRows++;
      ctx.warn(`${stream.name}: advertiser ${advertiserId}, task ${span.start}..${span.end}: a row could not be read (${error.message}); not emitted.`);
    }
    if (records.length >= CHUNK) {
      yield { records };
      records = [];
    }
  }
  if (records.length > 0) yield { records };
  return count;
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
