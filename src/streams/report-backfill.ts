import type { AirbyteMessage } from '../protocol/types.ts';
import type { Params } from '../tiktok/client.ts';
import { TikTokApiError } from '../tiktok/errors.ts';
import { runReportTask } from '../tiktok/report-tasks.ts';
import { type Granularity, SyncRate, chooseSplit } from './backfill-plan.ts';
import { BackfillSpans, type DaySpan } from './backfill-spans.ts';
import type { ReadContext } from './context.ts';
import { countryCodeOf } from './country-codes.ts';
import { addDays, daysBetween, minDate } from './dates.ts';
import type { ReportStream } from './definitions.ts';
import type { Batch } from './entity.ts';
import { mergeConcurrently } from './merge.ts';
import { reportCodec } from './report-codec.ts';
import { type ReportRow, RowError } from './report-rows.ts';
import { CHUNK, PAGE_SIZE, maxWindowDays } from './report-window.ts';
import { readUncapped } from './ads-cap.ts';
import { MissingAdIds, standInRows } from './smart-plus-ad-ids.ts';
import { taskLaneOf } from './task-lane.ts';
import { WindowPlanner } from './windows.ts';

// A dated report backfill of one advertiser through its two lanes: synchronous windows and report tasks.

export interface BackfillRange {
  start: string;
  end: string;
  /** Whether report tasks may take part of it. */
  tasks: boolean;
  /** This advertiser's expected share of the app's requests per second, until its own is measured. */
  syncShare: number;
}

/** What a lane hands on: rows, and when a span's rows are all out, the span and how many rows it delivered. */
interface LaneItem {
  records: AirbyteMessage[];
  finished?: { span: DaySpan; from: 'sync' | 'task'; rows: number };
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
export async function* readBackfill(
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
  // The stream's plan learns each finished span: the estimate and the display's windows left come from it.
  const plan = ctx.activity.plan(stream.name);
  for await (const item of mergeConcurrently(lanes, lanes.length)) {
    if (item.records.length > 0) yield { records: item.records };
    if (!item.finished) continue;
    const daysBefore = state.spans.finishedDays;
    const { span, from, rows } = item.finished;
    const through = state.spans.finish(span, from);
    plan.finished(advertiserId, {
      from: daysBetween(range.start, span.start),
      to: daysBetween(range.start, span.end),
      days: state.spans.finishedDays - daysBefore,
      rows,
      window: from === 'sync',
    });
    // Also without a new checkpoint: the source's estimate may have moved.
    yield { records: [], ...(through === undefined ? {} : { checkpoint: { advertiserId, cursor: `${through} 00:00:00` } }) };
  }
}

/** Synchronous windows from the lowest day no finished lane holds, up to the last (see BackfillSpans). */
async function* syncLane(ctx: ReadContext, stream: ReportStream, advertiserId: string, base: Params, state: LaneState): AsyncGenerator<LaneItem> {
  const planner = new WindowPlanner(state.range.start, state.range.end, maxWindowDays(stream), PAGE_SIZE);
  try {
    for (let free = state.spans.nextForSync(); free; free = state.spans.nextForSync()) {
      const window = planner.nextIn(free.start, free.end);
      state.spans.takeForSync(window);
      if (state.running && !state.spans.taskStillNeeded(state.running.span)) state.running.controller.abort();
      const started = performance.now();
      let total: number;
      try {
        total = yield* readUncapped(ctx, stream, advertiserId, { ...base, start_date: window.start, end_date: window.end }, `${window.start}..${window.end}`);
      } catch (error) {
        if (error instanceof TikTokApiError && error.kind === 'too_large' && planner.tooLarge(window)) {
          state.spans.giveBack(window, 'sync');
          continue;
        }
        throw error;
      }
      planner.learn(window, total);
      state.syncRate.observe(Math.max(1, Math.ceil(total / PAGE_SIZE)), performance.now() - started);
      state.syncRows += total;
      state.syncDays += window.days;
      state.learnedDensity();
      yield { records: [], finished: { span: window, from: 'sync', rows: total } };
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
    let releaseDays = (): void => undefined;
    try {
      const split = chooseSplit({
        days: state.spans.freeDays,
        rowsPerDay,
        granularity,
        spanDays: maxWindowDays(stream),
        syncRequestsPerSecond: state.syncRate.requestsPerSecond,
        task: lane.costs.cost,
      });
      if (split.taskDays === 0 || !lane.mayCreate(advertiserId)) return;
      const span = state.spans.takeForTask(split.taskDays);
      if (!span) return;
      // Until its rows are out, the stream's ETA leaves the task's days out of the synchronous lane's work.
      const spanDays = daysBetween(span.start, span.end) + 1;
      const cost = lane.costs.cost;
      releaseDays = ctx.activity.plan(stream.name).holdForTask(advertiserId, spanDays, cost.fixedMs + cost.msPerRow * rowsPerDay * spanDays);
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
      const { fileRows, delivered } = yield* taskRecords(ctx, stream, advertiserId, { base, span }, rows, delivers);
      lane.costs.observe(fileRows, performance.now() - started);
      yield { records: [], finished: { span, from: 'task', rows: delivered } };
    } finally {
      releaseDays();
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
  // Shown while it runs: the stream waits on TikTok here, not on its own pace.
  const plan = ctx.activity.plan(stream.name);
  plan.tasksProcessing++;
  const tasks = ctx.summary.tasks;
  tasks.created++;
  try {
    const rows = await runReportTask(ctx.client, advertiserId, { ...base, start_date: span.start, end_date: span.end }, {
      pollMs: ctx.config.asyncPollMs,
      maxWaitMs: ctx.config.asyncMaxWaitMs,
      signal,
    });
    tasks.finished++;
    return rows;
  } catch (error) {
    if (!(error instanceof TikTokApiError) || error.kind === 'auth' || error.kind === 'not_accessible') {
      tasks.failed++;
      throw error;
    }
    // Overtaken: the synchronous lane read every day of it meanwhile. Nothing was lost, nothing to say.
    if (signal.aborted) {
      tasks.cancelled++;
      return undefined;
    }
    tasks.failed++;
    ctx.warn(`${stream.name}: advertiser ${advertiserId}: report task for ${span.start}..${span.end} failed (${error.message}); reading it synchronously.`);
    return undefined;
  } finally {
    plan.tasksProcessing--;
  }
}

/** A finished task's CSV rows of the days it delivers as records, in chunks; returns how many rows the file had and how many it delivered. */
async function* taskRecords(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  { base, span }: { base: Params; span: DaySpan },
  rows: AsyncIterable<Record<string, string>>,
  delivers: (day: string) => boolean,
): AsyncGenerator<LaneItem, { fileRows: number; delivered: number }> {
  const codec = reportCodec(stream);
  const missingIds = MissingAdIds.for(stream);
  let count = 0;
  let delivered = 0;
  let records: AirbyteMessage[] = [];
  const emittedAt = Date.now();
  const timeColumn = stream.timeDimension ?? '';
  let lastDay = '';
  let lastDelivered = false;
  const unnamed = new Set<string>();
  const unknownCountry = (name: string) => {
    if (unnamed.has(name)) return;
    unnamed.add(name);
    ctx.warn(`${stream.name}: advertiser ${advertiserId}, task ${span.start}..${span.end}: country "${name}" has no known ISO code; kept as TikTok wrote it.`);
  };
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
    delivered++;
    const reportRow = csvReportRow(row, stream, unknownCountry);
    // A row without an ad_id (Upgraded Smart+ ads) comes again below, keyed by its Smart+ ad.
    if (missingIds?.holdsBack(reportRow)) continue;
    try {
      records.push(codec.message(reportRow, advertiserId, emittedAt, ctx.output));
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
  if (missingIds !== undefined && missingIds.missing > 0) yield* taskStandIns(ctx, stream, advertiserId, { base, span }, missingIds, delivers);
  return { fileRows: count, delivered };
}

/**
 * The stand-ins of a task's rows that had no ad_id (smart-plus-ad-ids.ts), read synchronously by ad_id_v2 in
 * windows TikTok's synchronous reports allow, for the days the task delivers.
 */
async function* taskStandIns(
  ctx: ReadContext,
  stream: ReportStream,
  advertiserId: string,
  { base, span }: { base: Params; span: DaySpan },
  missingIds: MissingAdIds,
  delivers: (day: string) => boolean,
): AsyncGenerator<LaneItem> {
  const codec = reportCodec(stream);
  const timeColumn = stream.timeDimension ?? '';
  const step = maxWindowDays(stream);
  for (let start = span.start; start <= span.end; start = addDays(start, step)) {
    const end = minDate(addDays(start, step - 1), span.end);
    const records: AirbyteMessage[] = [];
    const emittedAt = Date.now();
    for await (const row of standInRows(ctx, { ...base, start_date: start, end_date: end }, missingIds, PAGE_SIZE)) {
      if (!delivers(String(row.dimensions?.[timeColumn] ?? '').slice(0, 10))) continue;
      try {
        records.push(codec.message(row, advertiserId, emittedAt, ctx.output));
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        ctx.summary.unparsedRows++;
        ctx.warn(`${stream.name}: advertiser ${advertiserId}, ${start}..${end} by ad_id_v2: a row could not be read (${error.message}); not emitted.`);
      }
    }
    if (records.length > 0) yield { records };
  }
}

/**
 * A CSV row (header = dimension and metric names) in the shape of a synchronous report row. A task names the
 * country ("United States") where a synchronous answer gives its code: the code it is, so both lanes key alike.
 */
function csvReportRow(row: Record<string, string>, stream: ReportStream, unknownCountry: (name: string) => void): ReportRow {
  const dimensions: Record<string, unknown> = {};
  const metrics: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (name === 'country_code' && stream.breakdowns?.includes(name)) {
      const code = countryCodeOf(value);
      if (code === undefined) unknownCountry(value);
      dimensions[name] = code ?? value;
    } else if (name === stream.idDimension || name === stream.timeDimension || stream.breakdowns?.includes(name)) dimensions[name] = value;
    // CSV cannot tell null from an empty string; the JSON answers say null.
    else metrics[name] = value === '' ? null : value;
  }
  const time = stream.timeDimension ? dimensions[stream.timeDimension] : undefined;
  if (typeof time === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(time)) dimensions[stream.timeDimension as string] = `${time} 00:00:00`;
  return { dimensions, metrics };
}
