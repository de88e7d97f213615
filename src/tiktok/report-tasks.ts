import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse';
import type { Params, TikTokClient } from './client.ts';
import { TikTokApiError } from './errors.ts';

/** Status words of report/task/check/. */
const DONE = new Set(['SUCCESS', 'COMPLETED', 'COMPLETE']);
const FAILED = new Set(['FAILED', 'FAIL', 'CANCELED', 'CANCELLED']);

export interface TaskOptions {
  /** First pause between status checks; grows to 8× this. */
  pollMs: number;
  /** Give up waiting after this long (the sync then falls back to synchronous reports). */
  maxWaitMs: number;
}

/**
 * An asynchronous report task: create, wait for SUCCESS, download the CSV. Every call spends the task budget
 * (about 0.3 requests per second per app), so tasks suit large backfills only.
 */
export async function runReportTask(
  client: TikTokClient,
  advertiserId: string,
  report: Params,
  options: TaskOptions,
): Promise<AsyncIterable<Record<string, string>>> {
  const created = await client.post<{ task_id?: string | number }>(
    'report/task/create/',
    // Raw field names as CSV headers, not translated titles (TikTok's default).
    { ...report, advertiser_id: advertiserId, output_format: 'CSV_STRING', enable_report_title_translation: false },
    'task',
  );
  const taskId = String(created.task_id ?? '');
  if (taskId === '') throw new TikTokApiError({ code: -1, message: 'report/task/create/ answered no task_id', path: 'report/task/create/', kind: 'param' });
  const started = performance.now();
  let pause = options.pollMs;
  for (;;) {
    const check = await client.get<{ status?: string; message?: string }>('report/task/check/', { advertiser_id: advertiserId, task_id: taskId }, 'task');
    const status = String(check.status ?? '').toUpperCase();
    if (DONE.has(status)) break;
    if (FAILED.has(status)) {
      throw new TikTokApiError({ code: -1, message: `report task ${taskId} ended ${status}`, path: 'report/task/check/', kind: 'param' });
    }
    if (performance.now() - started > options.maxWaitMs) {
      await client.post('report/task/cancel/', { advertiser_id: advertiserId, task_id: taskId }, 'task').catch(() => undefined);
      throw new TikTokApiError({ code: -1, message: `report task ${taskId} still ${status} after ${options.maxWaitMs} ms`, path: 'report/task/check/', kind: 'param' });
    }
    await sleep(pause);
    pause = Math.min(pause * 2, options.pollMs * 8);
  }
  const body = await client.download('report/task/download/', { advertiser_id: advertiserId, task_id: taskId }, 'task');
  return csvRows(body);
}

/** CSV rows as objects keyed by the header, parsed as the bytes arrive. */
export function csvRows(body: Readable): AsyncIterable<Record<string, string>> {
  return body.pipe(parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: false }));
}
