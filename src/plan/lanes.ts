import { type Granularity, TASK_REQUESTS, type TaskCost, chooseSplit } from '../streams/backfill-plan.ts';
import { addDays, daysBetween, minDate } from '../streams/dates.ts';
import { PAGE_SIZE } from '../streams/report-window.ts';
import { type DateWindow, WindowPlanner } from '../streams/windows.ts';
import type { RowDensity } from './density.ts';

// What one advertiser's dated report range costs through the read's two lanes, worked out with the read's own
// pieces (WindowPlanner for the synchronous windows, chooseSplit for the report task's share), fed the density the
// probes measured instead of the rows the read will meet.

/** Windows probed per range, at most: the first, the middle and the last (see RowDensity). */
export const PROBES_PER_RANGE = 3;

/**
 * The windows whose row counts tell a range's density. A range of one window is not probed: the probe would cost
 * what reading it costs. Up to PROBES_PER_RANGE windows, the probes are the read's own windows (the counts are
 * exact); beyond, the first, the middle and the last window of the widest span.
 */
export function sampleWindows(start: string, end: string, spanDays: number): DateWindow[] {
  const days = daysBetween(start, end) + 1;
  const windows = Math.ceil(days / spanDays);
  const window = (from: string): DateWindow => {
    const last = minDate(addDays(from, spanDays - 1), end);
    return { start: from, end: last, days: daysBetween(from, last) + 1 };
  };
  if (windows <= 1) return [];
  if (windows <= PROBES_PER_RANGE) return Array.from({ length: windows }, (_, i) => window(addDays(start, i * spanDays)));
  const middle = addDays(start, Math.floor((days - spanDays) / 2));
  return [window(start), window(middle), window(addDays(end, -(spanDays - 1)))];
}

/** Requests and rows of the synchronous lane over start..end: the read's window planner, one request a page. */
export function syncLaneCost(start: string, end: string, spanDays: number, density: RowDensity): { requests: number; rows: number } {
  const planner = new WindowPlanner(start, end, spanDays, PAGE_SIZE);
  let requests = 0;
  let rows = 0;
  while (!planner.done) {
    const window = planner.next();
    const windowRows = density.between(window.start, window.end);
    requests += Math.max(1, Math.ceil(windowRows / PAGE_SIZE));
    rows += windowRows;
    planner.completed(window, windowRows);
  }
  return { requests, rows };
}

export interface RangeInput {
  start: string;
  end: string;
  granularity: Granularity;
  /** The widest synchronous window (TikTok's span limit for the stream). */
  spanDays: number;
  density: RowDensity;
  /** Whether report tasks may take part (the read's own decision: reportRangeOf). */
  tasks: boolean;
  /** This advertiser's share of the app's requests per second. */
  syncShare: number;
  /** The task cost the read starts from (its lane's prior). */
  taskCost: TaskCost;
}

export interface RangeCost {
  rows: number;
  requests: number;
  /** Days the report task is expected to take (from the top of the range); 0: synchronous pages only. */
  taskDays: number;
  /** This advertiser's own wall time at its share of the rate (the slower lane). */
  wallMs: number;
}

/**
 * One advertiser's range. The read sizes its first task once its first window told the density, over the days
 * still free; the plan does the same with the probed density, and reads the task's days off the synchronous lane.
 */
export function rangeCost(input: RangeInput): RangeCost {
  const { start, end, spanDays, density } = input;
  const days = daysBetween(start, end) + 1;
  const rows = density.between(start, end);
  const share = Math.max(input.syncShare, 1e-3);
  const firstDays = Math.min(spanDays, days);
  const split = input.tasks && days > firstDays
    ? chooseSplit({
        days: days - firstDays,
        rowsPerDay: rows / days,
        granularity: input.granularity,
        spanDays,
        syncRequestsPerSecond: share,
        task: input.taskCost,
      })
    : undefined;
  const taskDays = split?.taskDays ?? 0;
  const sync = syncLaneCost(start, addDays(end, -taskDays), spanDays, density);
  const syncMs = (sync.requests / share) * 1000;
  if (taskDays === 0) return { rows, requests: sync.requests, taskDays, wallMs: syncMs };
  const taskMs = input.taskCost.fixedMs + input.taskCost.msPerRow * density.between(addDays(end, -(taskDays - 1)), end);
  return { rows, requests: sync.requests + TASK_REQUESTS, taskDays, wallMs: Math.max(syncMs, taskMs) };
}
