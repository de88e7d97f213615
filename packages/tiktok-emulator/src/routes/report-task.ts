// report/task/create|check|download|cancel: TikTok's asynchronous reports. Downloads stream the CSV as it
// is produced (CSV_STRING), or hand out a link to the same stream (CSV_DOWNLOAD).

import { formatDay } from '../data/calendar.ts';
import { ApiError, paramError } from '../http/api-error.ts';
import type { Params } from '../http/params.ts';
import { json, type Route, type RouteResult } from '../http/route.ts';
import { downloadLink } from '../report/download-links.ts';
import { reportRows, rowScope } from '../report/engine.ts';
import { csvHeader, csvRow } from '../report/format.ts';
import { BREAKDOWNS } from '../report/levels.ts';
import { parseReportQuery } from '../report/query.ts';
import { MAX_TASK_ROWS, type OutputFormat, type ReportTask } from '../report/tasks.ts';
import type { EmulatorState } from '../state.ts';
import { advertiserParam } from './access.ts';

const FILE_NAME_FORBIDDEN = /[/\t\b@#$%^&*()[\]]/;

export const reportTaskCreate: Route = {
  method: 'POST',
  auth: true,
  family: 'task',
  handle({ state, params, now, appId }) {
    if (params.has('advertiser_ids')) throw paramError('advertiser_ids: the emulator serves single-advertiser tasks; pass advertiser_id.');
    const advertiser = advertiserParam(state, params);
    const query = parseReportQuery(params, advertiser, { async: true });
    const format = params.string('output_format') ?? 'CSV_STRING';
    if (format !== 'CSV_STRING' && format !== 'CSV_DOWNLOAD') {
      throw paramError(`output_format: Must be one of: CSV_STRING, CSV_DOWNLOAD (XLSX_DOWNLOAD is not served by the emulator; got ${format}).`);
    }
    const fileName = params.string('file_name') ?? '';
    if (fileName.length > 255 || FILE_NAME_FORBIDDEN.test(fileName)) throw paramError('file_name: Invalid file name.');
    const expected = expectedRows(state, query, now);
    if (expected > MAX_TASK_ROWS) {
      throw paramError(`The report could hold up to ${expected} rows, above the emulator's limit of ${MAX_TASK_ROWS}. Please narrow the date range.`);
    }
    const quota = state.tasks.allow(appId, advertiser.id, now);
    if (quota !== undefined) throw new ApiError(40100, quota);
    const task = state.tasks.create({
      appId,
      advertiserId: advertiser.id,
      query,
      asOf: now,
      outputFormat: format as OutputFormat,
      fileName: fileName.trim() === '' ? `report_${advertiser.id}_${formatDay(rowScope(state.world, query, now).today)}` : fileName,
      translateTitles: params.boolean('enable_report_title_translation', true),
    }, expected);
    return json({ task_id: task.id });
  },
};

/** An upper bound on the rows (objects × time slots × buckets), for the size cap and the latency. */
function expectedRows(state: EmulatorState, query: ReturnType<typeof parseReportQuery>, now: Date): number {
  const tree = state.world.tree(query.advertiser);
  const objects = query.level === 'ADVERTISER' || !query.byObject ? 1 : query.level === 'CAMPAIGN' ? tree.campaigns.length : query.level === 'ADGROUP' ? tree.adgroups.length : tree.ads.length;
  const scope = rowScope(state.world, query, now);
  const days = Math.max(0, scope.lastDay - scope.firstDay + 1);
  const slots = query.time === 'DAY' ? days : query.time === 'HOUR' ? 24 * days : 1;
  const buckets = query.breakdowns.reduce((n, b) => n * (BREAKDOWNS[b]?.length ?? 1), 1);
  return objects * slots * buckets;
}

function taskParam(state: EmulatorState, params: Params): ReportTask {
  const advertiser = advertiserParam(state, params);
  const taskId = params.requiredId('task_id');
  const task = state.tasks.get(taskId);
  if (task === undefined || task.advertiserId !== advertiser.id) {
    throw paramError(`task_id: Task ${taskId} does not exist for advertiser ${advertiser.id}.`);
  }
  return task;
}

export const reportTaskCheck: Route = {
  method: 'GET',
  auth: true,
  family: 'task',
  handle({ state, params }) {
    const task = taskParam(state, params);
    const status = state.tasks.status(task);
    return json({ status, message: status === 'FAILED' ? 'The report task failed. Please create a new task.' : '' });
  },
};

export const reportTaskCancel: Route = {
  method: 'POST',
  auth: true,
  family: 'task',
  handle({ state, params }) {
    const task = taskParam(state, params);
    const status = state.tasks.status(task);
    if (status !== 'QUEUING' && status !== 'PROCESSING') {
      throw paramError(`task_id: Only QUEUING or PROCESSING tasks can be canceled (this one is ${status}).`);
    }
    state.tasks.cancel(task);
    return json({ status: 'CANCELED' });
  },
};

export const reportTaskDownload: Route = {
  method: 'GET',
  auth: true,
  family: 'task',
  handle({ state, params, baseUrl, now }) {
    const task = taskParam(state, params);
    const status = state.tasks.status(task);
    if (status !== 'SUCCESS') throw paramError(`task_id: The task is not finished (status ${status}); download it after it reaches SUCCESS.`);
    if (task.outputFormat === 'CSV_DOWNLOAD') {
      return json({
        output_format: 'CSV_DOWNLOAD',
        file_name: `${task.fileName}.csv`,
        // Valid one hour from now on the emulator's clock (download-links.ts).
        download_url: downloadLink(state.world.options.seed, baseUrl, task.id, now.getTime()),
      });
    }
    return taskFile(state, task);
  },
};

/** The task's CSV, produced row by row in chunks of about 64 KiB. */
export function taskFile(state: EmulatorState, task: ReportTask): RouteResult {
  return { kind: 'stream', contentType: 'text/csv; charset=utf-8', fileName: `${task.fileName}.csv`, chunks: csvChunks(state, task) };
}

function* csvChunks(state: EmulatorState, task: ReportTask): Generator<string> {
  const q = task.query;
  let chunk = csvHeader(q, task.translateTitles);
  for (const row of reportRows(state.world, q, task.asOf)) {
    chunk += csvRow(q, row);
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
