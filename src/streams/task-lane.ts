import { TASKS_PER_ADVERTISER_HOUR } from '../tiktok/limits.ts';
import { TaskCostModel } from './backfill-plan.ts';
import type { ReadContext } from './context.ts';

/** Report tasks of the run in flight at once: TikTok runs an app's tasks a few at a time. */
export const TASK_SLOTS = 4;
const HOUR_MS = 3_600_000;
/** Rows a task's CSV is parsed and emitted at, before any task has been measured (ms per row). */
const PRIOR_MS_PER_ROW = 0.02;

interface Waiter {
  remainingRows: number;
  order: number;
  grant: () => void;
}

/**
 * The run's report-task lane, shared by every advertiser and stream: a few slots, granted shortest remaining
 * work first, so a small advertiser's task is not queued behind a large one's; and the task cost learned from
 * every task that finished.
 */
export class TaskLane {
  readonly costs: TaskCostModel;
  private free: number;
  private readonly waiting: Waiter[] = [];
  private arrivals = 0;
  /** When each advertiser's tasks of the last hour were created: TikTok takes 500 an hour per ad account. */
  private readonly created = new Map<string, number[]>();

  constructor(slots: number, costs: TaskCostModel) {
    this.free = slots;
    this.costs = costs;
  }

  /** Waits for a slot; `remainingRows` is the asker's work left (less is served first). Returns the release. */
  async acquire(remainingRows: number): Promise<() => void> {
    if (this.free > 0 && this.waiting.length === 0) {
      this.free--;
      return this.releaser();
    }
    await new Promise<void>((grant) => this.waiting.push({ remainingRows, order: this.arrivals++, grant }));
    return this.releaser();
  }

  /**
   * Counts a task about to be created for the advertiser; false when its hour's allowance is spent (the rest of
   * its days are then read synchronously, which the app's lane still allows).
   */
  mayCreate(advertiserId: string, now = performance.now()): boolean {
    const recent = (this.created.get(advertiserId) ?? []).filter((at) => at > now - HOUR_MS);
    if (recent.length >= TASKS_PER_ADVERTISER_HOUR) {
      this.created.set(advertiserId, recent);
      return false;
    }
    recent.push(now);
    this.created.set(advertiserId, recent);
    return true;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.waiting.sort((a, b) => a.remainingRows - b.remainingRows || a.order - b.order);
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so nobody can overtake it between release and grant.
      if (next) next.grant();
      else this.free++;
    };
  }
}

const lanes = new WeakMap<ReadContext, TaskLane>();

/** The lane of this read. Its prior task cost is what the client's task pacing makes unavoidable. */
export function taskLaneOf(ctx: ReadContext): TaskLane {
  let lane = lanes.get(ctx);
  if (!lane) {
    // A create at its own lane's rate, the first poll's pause (checks and downloads pass the app's faster lane).
    // Optimistic on purpose: a task slower than this costs no wall time (the synchronous lane reads on into its
    // days and it is cancelled once overtaken), only its few requests; and the first one measures the real cost.
    const fixedMs = 1000 / ctx.config.asyncRequestsPerSecond + ctx.config.asyncPollMs;
    lane = new TaskLane(TASK_SLOTS, new TaskCostModel({ fixedMs, msPerRow: PRIOR_MS_PER_ROW }));
    lanes.set(ctx, lane);
  }
  return lane;
}
