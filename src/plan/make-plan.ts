import type { SourceConfig } from '../config.ts';
import type { ConfiguredAirbyteCatalog } from '../protocol/types.ts';
import type { Granularity } from '../streams/backfill-plan.ts';
import type { ReadContext } from '../streams/context.ts';
import { availableStreams } from '../streams/available.ts';
import { addDays } from '../streams/dates.ts';
import type { StreamDefinition } from '../streams/definitions.ts';
import { type DateWindow, tilingWindows } from '../streams/windows.ts';
import { reportFiltering, reportQuery, reportRangeOf, syncShareOf } from '../streams/report.ts';
import { maxWindowDays } from '../streams/report-window.ts';
import { PartitionCursors, type SourceState } from '../streams/state.ts';
import { taskLaneOf } from '../streams/task-lane.ts';
import type { AdvertiserInfo } from '../tiktok/advertisers.ts';
import type { PageInfo, Params } from '../tiktok/client.ts';
import { TikTokApiError, toConnectorError } from '../tiktok/errors.ts';
import { asConnectorError } from '../errors.ts';
import { laneLimitsOf } from '../tiktok/limits.ts';
import { pacedMs } from '../tiktok/rate-limiter.ts';
import { RowDensity } from './density.ts';
import { rangeCost } from './lanes.ts';
import { type Count, sampleRange } from './sampling.ts';
import type { Plan, PlanRow, StreamPlan } from './plan.ts';
import { totalLine } from './plan-text.ts';

/** Pages of one report window read at once by an advertiser's reader (the page it consumes, one ahead). */
const PAGES_IN_FLIGHT_PER_READER = 2;

/** What the probes measured, shared by every stream of the plan. */
interface Probes {
  count: number;
  ms: number;
}

/**
 * The plan of a read of `catalog` from `state`, without reading a row: advertiser discovery (which the read
 * needs first anyway, and shares when it runs on the same context) and, for each dated report range longer than
 * one window (a steady incremental re-read aside), page_size=1 probes whose page_info.total_number gives their
 * windows' rows (sampling.ts says which). Wall time follows the client's pacing (pacedMs: the config's tier and
 * requests_per_second, the minute carried from stream to stream), no faster than the concurrency allows at the
 * probes' latency. Streams are read one after another, as `read` does.
 */
export async function makePlan(ctx: ReadContext, catalog: ConfiguredAirbyteCatalog, state: SourceState): Promise<Plan> {
  const started = performance.now();
  const before = ctx.client.stats.requests;
  const config = ctx.config;
  const available = availableStreams(config);
  const advertisers = await ctx.advertisers();
  const probes: Probes = { count: 0, ms: 0 };
  const limits = appLimitsOf(config);
  const planned: { stream: StreamDefinition; rows: PlanRow[] }[] = [];
  for (const configured of catalog.streams) {
    const stream = available.byName.get(configured.stream.name);
    if (!stream) continue;
    const incremental = configured.sync_mode === 'incremental' && stream.cursorField !== undefined;
    const cursors = stream.cursorField && incremental ? new PartitionCursors(stream.cursorField, state.get(stream.name), stream.name) : undefined;
    const rows: PlanRow[] = [];
    for (const [index, advertiser] of (isAdvertiserList(stream) ? [] : advertisers).entries()) {
      // Advertisers start together; their tasks' creates pass the create lane one after another.
      const taskQueueMs = pacedMs(index, limits.create);
      rows.push(await advertiserRow(ctx, stream, advertiser, cursors?.get(advertiser.advertiser_id), { probes, taskQueueMs }));
    }
    planned.push({ stream, rows });
  }
  const calls = ctx.client.stats.requests - before;
  // Latency bounds the pace where the concurrency is low: each reader keeps a page or two in flight.
  const latencyMs = probes.count > 0 ? probes.ms / probes.count : 0;
  // The app's windows carry over from one stream to the next (and from planning's calls): each stream is paced
  // from where the calls before it left the minute.
  let callsBefore = calls;
  const streams: StreamPlan[] = planned.map(({ stream, rows }) => {
    const requests = rows.reduce((sum, row) => sum + row.requests, 0);
    const paced = pacedMs(callsBefore + requests, limits.app) - pacedMs(callsBefore, limits.app);
    callsBefore += requests;
    const inFlight = Math.max(1, Math.min(config.maxConcurrency, rows.length * PAGES_IN_FLIGHT_PER_READER));
    const wallMs = Math.max(paced, (requests * latencyMs) / inFlight, ...rows.map((row) => row.wallMs));
    // An advertiser's own time is at least its part of the stream's pace (the minute's window binds them all).
    const shared = rows.map((row) => ({ ...row, wallMs: Math.max(row.wallMs, requests > 0 ? (paced * row.requests) / requests : 0) }));
    return { stream: stream.name, requests, wallMs, rows: shared };
  });
  const ms = performance.now() - started;
  return {
    streams,
    planning: { calls, probes: probes.count, ms },
    requests: calls + streams.reduce((sum, s) => sum + s.requests, 0),
    wallMs: ms + streams.reduce((sum, s) => sum + s.wallMs, 0),
    budget: { tier: config.apiTier, requestsPerSecond: limits.app.perSecond, perMinute: limits.app.perMinute, perDay: limits.app.perDay },
  };
}

/**
 * The run's plan. Asked for (--plan), it is the product and its failure the run's; made at the start of a real
 * run, it only gives the summary its planned figures: its total is noted, a failure to plan is noted and the run
 * goes on (a token TikTok refuses fails the run here as it would in the read).
 */
export async function planOf(
  ctx: ReadContext,
  catalog: ConfiguredAirbyteCatalog,
  state: SourceState,
  asked: boolean,
  note: (line: string) => void,
): Promise<Plan | undefined> {
  if (asked) return makePlan(ctx, catalog, state);
  try {
    const plan = await makePlan(ctx, catalog, state);
    note(totalLine(plan));
    return plan;
  } catch (caught) {
    if (caught instanceof TikTokApiError && (caught.kind === 'auth' || caught.kind === 'app_mismatch')) throw caught;
    note(`no plan: ${asConnectorError(caught instanceof TikTokApiError ? toConnectorError(caught) : caught).message}`);
    return undefined;
  }
}

/** One advertiser's part of one stream. */
async function advertiserRow(
  ctx: ReadContext,
  stream: StreamDefinition,
  advertiser: AdvertiserInfo,
  cursor: string | undefined,
  { probes, taskQueueMs }: { probes: Probes; taskQueueMs: number },
): Promise<PlanRow> {
  const advertiserId = advertiser.advertiser_id;
  const share = await syncShareOf(ctx);
  if (DATED_OWN_ENDPOINT.has(stream.kind) && stream.cursorField !== undefined) {
    return { stream: stream.name, advertiserId, lane: 'not estimated', requests: 0, wallMs: 0 };
  }
  // Entities, assets and pixels come in pages of up to 1,000: one page for all but the largest accounts.
  if (stream.kind !== 'report') return { stream: stream.name, advertiserId, lane: 'list', requests: 1, wallMs: 1000 / share };
  if (stream.granularity === 'lifetime' && stream.reportType !== 'AUDIENCE') {
    return { stream: stream.name, advertiserId, lane: 'one query', requests: 1, wallMs: 1000 / share };
  }
  const filtering = reportFiltering(stream, ctx.config.includeDeleted);
  const range = await reportRangeOf(ctx, stream, advertiser, cursor, filtering);
  if (range === undefined) return { stream: stream.name, advertiserId, lane: 'sync pages', rows: 0, requests: 0, wallMs: 0 };
  const dates = { start: range.start, end: range.end };
  if (range.kind === 'untimed') return { stream: stream.name, advertiserId, ...dates, lane: 'one query', requests: 1, wallMs: 1000 / share };
  const spanDays = maxWindowDays(stream);
  // A steady incremental read re-reads a few days: probing them would cost what reading them costs.
  const refused: DateWindow[] = [];
  const count = prober(ctx, reportQuery(stream, advertiserId, filtering), probes, refused);
  const samples = range.steady ? [] : await sampleRange(range.start, tilingWindows(range.start, range.end, spanDays), count);
  const density = new RowDensity(range.start, samples);
  const ceilings = refused.map((window) => density.between(window.start, window.end));
  const cost = rangeCost({
    start: range.start,
    end: range.end,
    granularity: stream.granularity as Granularity,
    spanDays,
    density,
    tasks: range.tasks,
    // An advertiser's synchronous lane reads one window after another: no faster than one call per latency.
    syncShare: probes.count > 0 ? Math.min(range.syncShare, (1000 * probes.count) / probes.ms) : range.syncShare,
    taskCost: taskLaneOf(ctx).costs.cost,
    taskQueueMs,
    ...(ceilings.length > 0 ? { rowCeiling: Math.min(...ceilings) } : {}),
  });
  return {
    stream: stream.name,
    advertiserId,
    ...dates,
    lane: cost.taskDays > 0 ? 'sync pages + report task' : 'sync pages',
    ...(samples.length > 0 ? { rows: cost.rows } : {}),
    requests: cost.requests,
    wallMs: cost.wallMs,
  };
}

/** The windows the client paces this config's calls under (context.ts gives the client the same figures). */
export function appLimitsOf(config: SourceConfig): ReturnType<typeof laneLimitsOf> {
  return laneLimitsOf({
    tier: config.apiTier,
    requestsPerSecond: config.requestsPerSecond,
    requestsPerMinute: config.requestsPerMinute,
    requestsPerDay: config.requestsPerDay,
    taskRequestsPerSecond: config.asyncRequestsPerSecond,
  });
}

/**
 * A window's row count from page 1 at page_size=1: TikTok's page_info.total_number, one row read at most. A window
 * TikTok finds too large (40067) is probed again by its first half, and noted as refused: the read will meet the
 * same refusal.
 */
function prober(ctx: ReadContext, query: Params, probes: Probes, refused: DateWindow[]): Count {
  return async (asked) => {
    let window = asked;
    for (;;) {
      const started = performance.now();
      try {
        const page = await ctx.client.get<{ page_info?: PageInfo }>('report/integrated/get/', { ...query, start_date: window.start, end_date: window.end, page: 1, page_size: 1 });
        return { start: window.start, end: window.end, rows: page.page_info?.total_number ?? 0 };
      } catch (error) {
        if (!(error instanceof TikTokApiError && error.kind === 'too_large' && window.days > 1)) throw error;
        refused.push(window);
        const days = Math.floor(window.days / 2);
        window = { start: window.start, end: addDays(window.start, days - 1), days };
      } finally {
        probes.ms += performance.now() - started;
        probes.count++;
      }
    }
  };
}

/** Stream kinds read by date from an endpoint of their own, in calls the probes of report windows cannot predict. */
const DATED_OWN_ENDPOINT: ReadonlySet<StreamDefinition['kind']> = new Set(['gmv_max_report', 'smart_plus_material']);

const isAdvertiserList = (stream: StreamDefinition): boolean => stream.kind === 'advertisers' || stream.kind === 'advertiser_ids';
