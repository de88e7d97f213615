// Asynchronous report tasks: QUEUING → PROCESSING → SUCCESS or FAILED (TikTok's status words), CANCELED on
// request, or stuck in PROCESSING for good (a stall). Timing is on the real clock: a fixed cost plus a cost
// per 1,000 expected rows, with at most `concurrency` tasks of one app running at once (the others wait in
// QUEUING, first come first served). The rows are those of the emulator's clock when the task was created,
// produced again when the file is downloaded.

import { hash32, unit } from '../data/hash.ts';
import { TASK_CREATE } from '../limits/tiers.ts';
import type { ReportQuery } from './query.ts';

export type TaskStatus = 'QUEUING' | 'PROCESSING' | 'SUCCESS' | 'FAILED' | 'CANCELED';
export type OutputFormat = 'CSV_STRING' | 'CSV_DOWNLOAD';
/** How a task will end when left alone. */
export type TaskOutcome = 'SUCCESS' | 'FAILED' | 'STALL';

export interface ReportTask {
  id: string;
  appId: string;
  advertiserId: string;
  query: ReportQuery;
  /** The emulator's clock at creation: the snapshot the file shows. */
  asOf: Date;
  outputFormat: OutputFormat;
  fileName: string;
  translateTitles: boolean;
  outcome: TaskOutcome;
  /** Real (monotonic) ms: the earliest start, the run time, and once started its start. */
  eligibleAtMs: number;
  runMs: number;
  startedAtMs: number | undefined;
  canceledAtMs: number | undefined;
}

export interface TaskTiming {
  /** Fixed cost of a task (ms): 30% of it queued, the rest processing. */
  latencyMs: number;
  /** Extra processing per 1,000 expected rows (ms). */
  msPer1000Rows: number;
  /** Tasks of one app running at once; 0: no cap. */
  concurrency: number;
  /** Share of tasks that end FAILED / stay PROCESSING for good, decided per task from the seed. */
  failureRate: number;
  stallRate: number;
}

/** The emulator refuses tasks that could produce more rows than this. */
export const MAX_TASK_ROWS = 5_000_000;

export class TaskStore {
  readonly #seed: number;
  readonly #timing: TaskTiming;
  readonly #tasks = new Map<string, ReportTask>();
  /** Tasks not yet started, per app, in creation order. */
  readonly #waiting = new Map<string, ReportTask[]>();
  /** When the app's latest task started: starts never go back in time (first come, first served). */
  readonly #lastStart = new Map<string, number>();
  /** Tasks created per app and UTC day, and per advertiser and UTC hour (emulator clock). */
  readonly #perAppDay = new Map<string, number>();
  readonly #perAdvertiserHour = new Map<string, number>();
  /** Outcomes queued by the admin route for the next tasks created. */
  readonly #directives: TaskOutcome[] = [];
  #created = 0;

  constructor(seed: number, timing: TaskTiming) {
    this.#seed = seed;
    this.#timing = timing;
  }

  /**
   * Counts a creation against TikTok's task quotas (tiers.ts, TASK_CREATE): per app and UTC day, per advertiser
   * and hour, both on the emulator's clock. Returns why not when one is used up (then nothing is counted).
   */
  allow(appId: string, advertiserId: string, now: Date): string | undefined {
    const hour = Math.floor(now.getTime() / 3_600_000);
    const dayKey = `${appId}|${Math.floor(hour / 24)}`;
    const hourKey = `${advertiserId}|${hour}`;
    const day = this.#perAppDay.get(dayKey) ?? 0;
    const perHour = this.#perAdvertiserHour.get(hourKey) ?? 0;
    if (day >= TASK_CREATE.perAppDay) return `The app has reached its daily limit of ${TASK_CREATE.perAppDay} asynchronous report tasks.`;
    if (perHour >= TASK_CREATE.perAdvertiserHour) {
      return `Advertiser ${advertiserId} has reached its limit of ${TASK_CREATE.perAdvertiserHour} asynchronous report tasks an hour.`;
    }
    this.#perAppDay.set(dayKey, day + 1);
    this.#perAdvertiserHour.set(hourKey, perHour + 1);
    return undefined;
  }

  /** The next `count` tasks created end with `outcome`, whatever the rates say. */
  direct(outcome: TaskOutcome, count: number): void {
    for (let i = 0; i < count; i++) this.#directives.push(outcome);
  }

  pendingDirectives(): readonly TaskOutcome[] {
    return this.#directives;
  }

  create(fields: Omit<ReportTask, 'id' | 'outcome' | 'eligibleAtMs' | 'runMs' | 'startedAtMs' | 'canceledAtMs'>, expectedRows: number): ReportTask {
    const n = ++this.#created;
    const id = `74${String(hash32(this.#seed, n, 0x7a5) % 100_000_000).padStart(8, '0')}${String(n).padStart(9, '0')}`;
    const { latencyMs, msPer1000Rows } = this.#timing;
    const now = performance.now();
    const task: ReportTask = {
      ...fields,
      id,
      outcome: this.#directives.shift() ?? this.#drawOutcome(n),
      eligibleAtMs: now + latencyMs * 0.3,
      runMs: latencyMs * 0.7 + (msPer1000Rows * expectedRows) / 1000,
      startedAtMs: undefined,
      canceledAtMs: undefined,
    };
    this.#tasks.set(id, task);
    const queue = this.#waiting.get(task.appId) ?? [];
    queue.push(task);
    this.#waiting.set(task.appId, queue);
    return task;
  }

  /** Every task, in creation order. */
  all(): ReportTask[] {
    return [...this.#tasks.values()];
  }

  get(id: string): ReportTask | undefined {
    return this.#tasks.get(id);
  }

  /** Changes how an existing, unfinished task ends. */
  redirect(task: ReportTask, outcome: TaskOutcome): void {
    task.outcome = outcome;
  }

  status(task: ReportTask): TaskStatus {
    const now = performance.now();
    this.#schedule(task.appId, now);
    if (task.canceledAtMs !== undefined) return 'CANCELED';
    if (task.startedAtMs === undefined) return 'QUEUING';
    if (now < endOf(task)) return 'PROCESSING';
    return task.outcome === 'FAILED' ? 'FAILED' : 'SUCCESS';
  }

  cancel(task: ReportTask): void {
    const now = performance.now();
    this.#schedule(task.appId, now);
    task.canceledAtMs = now;
    const queue = this.#waiting.get(task.appId);
    if (queue !== undefined) this.#waiting.set(task.appId, queue.filter((t) => t !== task));
  }

  /**
   * Starts waiting tasks of the app, in order, at the instants they could start: when eligible and a run
   * slot is free. Replaying the timeline on every look keeps it a pure function of the real clock.
   */
  #schedule(appId: string, now: number): void {
    const queue = this.#waiting.get(appId);
    if (queue === undefined) return;
    const cap = this.#timing.concurrency;
    while (queue.length > 0) {
      const next = queue[0]!;
      let at = Math.max(next.eligibleAtMs, this.#lastStart.get(appId) ?? -Infinity);
      if (cap > 0) {
        const ends = [...this.#tasks.values()]
          .filter((t) => t.appId === appId && t.startedAtMs !== undefined && slotEnd(t) > at)
          .map(slotEnd)
          .sort((a, b) => a - b);
        if (ends.length >= cap) at = ends[ends.length - cap]!;
      }
      if (at > now) return;
      next.startedAtMs = at;
      this.#lastStart.set(appId, at);
      queue.shift();
    }
  }

  #drawOutcome(n: number): TaskOutcome {
    const { failureRate, stallRate } = this.#timing;
    const draw = unit(hash32(this.#seed, n, 0x7f1));
    if (draw < failureRate) return 'FAILED';
    if (draw < failureRate + stallRate) return 'STALL';
    return 'SUCCESS';
  }
}

function endOf(task: ReportTask): number {
  return task.outcome === 'STALL' ? Infinity : task.startedAtMs! + task.runMs;
}

/** When a started task gives its run slot back: at its end, or when it was canceled. */
function slotEnd(task: ReportTask): number {
  return Math.min(endOf(task), task.canceledAtMs ?? Infinity);
}
