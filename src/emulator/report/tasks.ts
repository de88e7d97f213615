// Asynchronous report tasks: QUEUING → PROCESSING → SUCCESS on the real clock (taskLatencyMs plus a little
// per expected row), CANCELED on request. The rows are those of the emulator's clock when the task was
// created, produced again when the file is downloaded.

import { hash32 } from '../data/hash.ts';
import type { ReportQuery } from './query.ts';

export type TaskStatus = 'QUEUING' | 'PROCESSING' | 'SUCCESS' | 'FAILED' | 'CANCELED';
export type OutputFormat = 'CSV_STRING' | 'CSV_DOWNLOAD';

export interface ReportTask {
  id: string;
  advertiserId: string;
  query: ReportQuery;
  /** The emulator's clock at creation: the snapshot the file shows. */
  asOf: Date;
  outputFormat: OutputFormat;
  fileName: string;
  translateTitles: boolean;
  queuedUntilMs: number;
  readyAtMs: number;
  canceled: boolean;
}

/** Tasks per app per day, as TikTok documents. */
export const DAILY_TASK_LIMIT = 1000;
/** The emulator refuses tasks that could produce more rows than this. */
export const MAX_TASK_ROWS = 5_000_000;

export class TaskStore {
  readonly #seed: number;
  readonly #tasks = new Map<string, ReportTask>();
  readonly #perDay = new Map<string, number>();
  #created = 0;

  constructor(seed: number) {
    this.#seed = seed;
  }

  /** Counts a creation against the app's daily allowance; false when it is used up. */
  allow(appId: string, utcDay: string): boolean {
    const key = `${appId}|${utcDay}`;
    const used = this.#perDay.get(key) ?? 0;
    if (used >= DAILY_TASK_LIMIT) return false;
    this.#perDay.set(key, used + 1);
    return true;
  }

  create(fields: Omit<ReportTask, 'id' | 'queuedUntilMs' | 'readyAtMs' | 'canceled'>, latencyMs: number, expectedRows: number): ReportTask {
    const n = ++this.#created;
    const id = `74${String(hash32(this.#seed, n, 0x7a5) % 100_000_000).padStart(8, '0')}${String(n).padStart(9, '0')}`;
    const start = performance.now();
    const processing = latencyMs + Math.min(5000, expectedRows / 1000);
    const task: ReportTask = {
      ...fields, id, canceled: false, queuedUntilMs: start + latencyMs * 0.3, readyAtMs: start + processing,
    };
    this.#tasks.set(id, task);
    return task;
  }

  get(id: string): ReportTask | undefined {
    return this.#tasks.get(id);
  }

  status(task: ReportTask): TaskStatus {
    if (task.canceled) return 'CANCELED';
    const now = performance.now();
    if (now < task.queuedUntilMs) return 'QUEUING';
    if (now < task.readyAtMs) return 'PROCESSING';
    return 'SUCCESS';
  }
}
