/**
 * The cost model of a backfill's two lanes and the split between them. The synchronous lane reads windows
 * (≤ 30 days by day, 1 day by hour, pages of 1,000) at the share of the app's request rate it gets; the task
 * lane hands a span to one report task, which costs a few requests whatever its size but takes a fixed latency
 * plus a cost per row. Both run at once, so the backfill takes as long as the slower lane: the split minimises
 * that first and the requests second. Every figure here is learned as the read goes, then the split is made again.
 */

export type Granularity = 'day' | 'hour';

/** TikTok's span limits of a synchronous query, in days. */
export const SYNC_SPAN_DAYS: Record<Granularity, number> = { day: 30, hour: 1 };
/** Rows per synchronous page. */
export const SYNC_PAGE_ROWS = 1000;
/** The span one report task may cover (TikTok: 365 days). */
export const TASK_MAX_DAYS = 365;
/** Requests one task costs: create, a check or two, the download. */
export const TASK_REQUESTS = 4;
/** Wall times this close (relative, or absolute in ms) count as equal, and the plan with fewer requests wins. */
const TIE_RELATIVE = 0.05;
const TIE_MS = 250;

/**
 * Synchronous requests `days` days cost at `rowsPerDay`, with windows that fill pages and span at most `spanDays`
 * (TikTok's limit; 7 days for AUDIENCE reports).
 */
export function syncRequestsFor(days: number, rowsPerDay: number, granularity: Granularity, spanDays = SYNC_SPAN_DAYS[granularity]): number {
  if (days <= 0) return 0;
  if (granularity === 'hour') return days * Math.max(1, Math.ceil(rowsPerDay / SYNC_PAGE_ROWS));
  return Math.max(Math.ceil(days / spanDays), Math.ceil((days * rowsPerDay) / SYNC_PAGE_ROWS));
}

/** How long a report task takes: a fixed part (queueing, polling, paced calls) and a part per row. */
export interface TaskCost {
  fixedMs: number;
  msPerRow: number;
}

export interface SplitInput {
  /** Days not yet given to either lane. */
  days: number;
  rowsPerDay: number;
  granularity: Granularity;
  /** The widest synchronous window, when narrower than TikTok's limit for the granularity (AUDIENCE: 7 days). */
  spanDays?: number;
  /** Requests per second this advertiser's synchronous lane gets (its share of the app's budget). */
  syncRequestsPerSecond: number;
  task: TaskCost;
}

export interface Split {
  /** Days for the next task, taken from the top of the range; 0 = the synchronous lane reads it all. */
  taskDays: number;
  /** Expected wall time of the slower lane. */
  wallMs: number;
  requests: number;
}

/**
 * The next task's span: every size from none to a full task is priced as (wall time of the slower lane,
 * requests of both), and the fastest wins, fewer requests breaking near-ties. A task that would end after the
 * synchronous lane has read everything else takes fewer days; one that is cheap takes them all.
 */
export function chooseSplit(input: SplitInput): Split {
  const { days, rowsPerDay, granularity, task } = input;
  const spanDays = input.spanDays ?? SYNC_SPAN_DAYS[granularity];
  const syncRequests = (d: number) => syncRequestsFor(d, rowsPerDay, granularity, spanDays);
  const rate = Math.max(input.syncRequestsPerSecond, 1e-3);
  const price = (taskDays: number): Split => {
    const syncMs = (syncRequests(days - taskDays) / rate) * 1000;
    const taskMs = taskDays > 0 ? task.fixedMs + task.msPerRow * rowsPerDay * taskDays : 0;
    return {
      taskDays,
      wallMs: Math.max(syncMs, taskMs),
      requests: syncRequests(days - taskDays) + (taskDays > 0 ? TASK_REQUESTS : 0),
    };
  };
  const allSync = syncRequests(days);
  // A task that saves no requests is not worth its risk (it may stall): daily backfills mostly stay synchronous.
  const options = Array.from({ length: Math.min(days, TASK_MAX_DAYS) + 1 }, (_, k) => price(k)).filter(
    (o) => o.taskDays === 0 || allSync - syncRequests(days - o.taskDays) > TASK_REQUESTS,
  );
  const fastest = Math.min(...options.map((o) => o.wallMs));
  const tolerance = Math.max(fastest * TIE_RELATIVE, TIE_MS);
  let best = options[0]!;
  for (const option of options) {
    if (option.wallMs > fastest + tolerance) continue;
    const better = best.wallMs > fastest + tolerance || option.requests < best.requests || (option.requests === best.requests && option.wallMs < best.wallMs);
    if (better) best = option;
  }
  return best;
}

/**
 * The task cost learned from finished tasks (shared by the run: latency is the app's, not an advertiser's).
 * Until a task has finished, the prior is what the client's own pacing makes unavoidable.
 */
export class TaskCostModel {
  private readonly observations: { rows: number; ms: number }[] = [];
  private readonly prior: TaskCost;

  constructor(prior: TaskCost) {
    this.prior = prior;
  }

  observe(rows: number, ms: number): void {
    this.observations.push({ rows, ms });
    // The last few tell the present best (the app's load on TikTok changes).
    if (this.observations.length > 16) this.observations.shift();
  }

  get cost(): TaskCost {
    const obs = this.observations;
    if (obs.length === 0) return this.prior;
    const n = obs.length;
    const meanRows = obs.reduce((s, o) => s + o.rows, 0) / n;
    const meanMs = obs.reduce((s, o) => s + o.ms, 0) / n;
    const spread = obs.reduce((s, o) => s + (o.rows - meanRows) ** 2, 0);
    // A per-row slope only from tasks of clearly different sizes; below the prior's it is noise.
    let msPerRow = this.prior.msPerRow;
    if (n >= 2 && spread > 0) {
      const slope = obs.reduce((s, o) => s + (o.rows - meanRows) * (o.ms - meanMs), 0) / spread;
      msPerRow = Math.max(this.prior.msPerRow, slope);
    }
    return { fixedMs: Math.max(0, meanMs - msPerRow * meanRows), msPerRow };
  }
}

/**
 * The synchronous lane's measured speed for one advertiser: requests per second of busy time. Throttling
 * (40100 answers, a halved client rate) and other advertisers' share of the budget show up here.
 */
export class SyncRate {
  private requests = 0;
  private busyMs = 0;
  private readonly prior: number;

  constructor(prior: number) {
    this.prior = prior;
  }

  observe(requests: number, ms: number): void {
    this.requests += requests;
    this.busyMs += ms;
  }

  get requestsPerSecond(): number {
    // One window is a poor sample: blend with the prior until a few seconds have been measured.
    const weight = Math.min(1, this.busyMs / 3000);
    const measured = this.busyMs > 0 ? (this.requests / this.busyMs) * 1000 : this.prior;
    return weight * measured + (1 - weight) * this.prior;
  }
}
