import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse';
import type { Params, TikTokClient } from './client.ts';
import { TikTokApiError, transportError } from './errors.ts';

/** Status words of report/task/check/. */
const DONE = new Set(['SUCCESS', 'COMPLETED', 'COMPLETE']);
const FAILED = new Set(['FAILED', 'FAIL', 'CANCELED', 'CANCELLED']);

export interface TaskOptions {
  /** First pause between status checks; grows to 8× this. */
  pollMs: number;
  /** Give up waiting after this long (the sync then falls back to synchronous reports). */
  maxWaitMs: number;
  /** Aborted when the task is no longer needed (its days were read otherwise): it is cancelled at TikTok. */
  signal?: AbortSignal;
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
    if (options.signal?.aborted) {
      await client.post('report/task/cancel/', { advertiser_id: advertiserId, task_id: taskId }, 'task').catch(() => undefined);
      throw new TikTokApiError({ code: -1, message: `report task ${taskId} no longer needed`, path: 'report/task/check/', kind: 'param' });
    }
    if (performance.now() - started > options.maxWaitMs) {
      await client.post('report/task/cancel/', { advertiser_id: advertiserId, task_id: taskId }, 'task').catch(() => undefined);
      throw new TikTokApiError({ code: -1, message: `report task ${taskId} still ${status} after ${options.maxWaitMs} ms`, path: 'report/task/check/', kind: 'param' });
    }
    // An abort ends the pause early; the check above then cancels the task.
    await sleep(pause, undefined, options.signal ? { signal: options.signal } : {}).catch(() => undefined);
    pause = Math.min(pause * 2, options.pollMs * 8);
  }
  // Fetch the first answer before returning, so an error envelope surfaces here (and falls back to sync reads).
  const first = await client.download('report/task/download/', { advertiser_id: advertiserId, task_id: taskId }, 'task');
  return resumingRows(client, advertiserId, taskId, first);
}

/** Downloads of one file after the first, when the connection breaks mid-file. */
const DOWNLOAD_RESUMES = 4;

/**
 * The rows of a finished task's CSV. A download cut off mid-stream (reset, truncated chunk, a half line) is
 * downloaded again and the rows already delivered are skipped: the file of a finished task does not change, so
 * the rows come out once each, in order. After DOWNLOAD_RESUMES breaks, a retryable error.
 */
async function* resumingRows(
  client: TikTokClient,
  advertiserId: string,
  taskId: string,
  first: Readable,
): AsyncGenerator<Record<string, string>> {
  let delivered = 0;
  let body = first;
  for (let resumes = 0; ; resumes++) {
    let seen = 0;
    try {
      for await (const row of csvRows(body)) {
        if (seen++ < delivered) continue;
        delivered++;
        yield row;
      }
      return;
    } catch (error) {
      body.destroy();
      const reason = error instanceof Error ? error.message : String(error);
      if (resumes >= DOWNLOAD_RESUMES) {
        throw transportError('report/task/download/', `report task ${taskId}: the download broke off ${resumes + 1} times (last: ${reason})`);
      }
    }
    body = await client.download('report/task/download/', { advertiser_id: advertiserId, task_id: taskId }, 'task');
  }
}

/** CSV rows as objects keyed by the header, parsed as the bytes arrive. */
export function csvRows(body: Readable): AsyncIterable<Record<string, string>> {
  const parser = parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: false });
  // pipe() does not pass a broken download on: without this the reader would wait forever (and the error escape).
  body.once('error', (error) => parser.destroy(error));
  return body.pipe(parser);
}
