import { type Granularity, TASK_REQUESTS, type TaskCost, chooseSplit } from '../streams/backfill-plan.ts';
import { addDays, daysBetween } from '../streams/dates.ts';
import { PAGE_SIZE } from '../streams/report-window.ts';
import { WindowPlanner } from '../streams/windows.ts';
import type { RowDensity } from './density.ts';

// What one advertiser's dated report range costs through the read's two lanes, worked out with the read's own
// pieces (WindowPlanner for the synchronous windows, chooseSplit for the report task's share), fed the density the
// probes measured instead of the rows the read will meet.

/**
 * Requests and rows of the synchronous lane over start..end: the read's window planner, one request a page. With a
 * `rowCeiling` (a probe's window was refused with 40067 at about that many rows), a window that large is refused
 * too: a request spent, and the planner narrows it, as it does in the read.
 */
export function syncLaneCost(start: string, end: string, spanDays: number, density: RowDensity, rowCeiling = Number.POSITIVE_INFINITY): { requests: number; rows: number } {
  const planner = new WindowPlanner(start, end, spanDays, PAGE_SIZE);
  let requests = 0;
  let rows = 0;
  while (!planner.done) {
    const window = planner.next();
    const windowRows = density.between(window.start, window.end);
    if (windowRows >= rowCeiling && planner.tooLarge(window)) {
      requests++;
      continue;
    }
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
  /** How long this advertiser's task waits for its create behind other advertisers' (the create lane's pace). */
  taskQueueMs: number;
  /** About the fewest rows TikTok refused in one query (40067 to a probe); none refused: unbounded. */
  rowCeiling?: number;
}

export interface RangeCost {
  rows: number;
  requests: number;
  /** Days the report task is expected to deliver (from the top of the range); 0: synchronous pages only. */
  taskDays: number;
  /** This advertiser's own wall time at its share of the rate (the slower lane). */
  wallMs: number;
}

/**
 * One advertiser's range. The read sizes its first task once its first window told the density, over the days
 * still free, as the plan does with the probed density. The synchronous lane does not wait for the task: it reads
 * on, into the task's days too, until the task delivers (the rest is the task's) or it has read everything (the
 * task is cancelled, having cost a create and a check). So its requests are those it makes in the task's time.
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
  const sync = syncLaneCost(start, end, spanDays, density, input.rowCeiling);
  const syncMs = (sync.requests / share) * 1000;
  const taskDays = split?.taskDays ?? 0;
  if (taskDays === 0) return { rows, requests: sync.requests, taskDays, wallMs: syncMs };
  const first = syncLaneCost(start, addDays(start, firstDays - 1), spanDays, density, input.rowCeiling).requests;
  const taskRows = density.between(addDays(end, -(taskDays - 1)), end);
  const taskMs = (first / share) * 1000 + input.taskQueueMs + input.taskCost.fixedMs + input.taskCost.msPerRow * taskRows;
  const raced = Math.max(first, Math.floor((taskMs / 1000) * share));
  // Overtaken: every day read synchronously before the task delivered; it cost its create, a check, the cancel.
  if (raced >= sync.requests) return { rows, requests: sync.requests + TASK_OVERTAKEN_REQUESTS, taskDays: 0, wallMs: syncMs };
  return { rows, requests: raced + TASK_REQUESTS, taskDays, wallMs: taskMs };
}

/** A task cancelled once overtaken: its create, a check and the cancel. */
const TASK_OVERTAKEN_REQUESTS = 3;
