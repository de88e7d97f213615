// Emulator-only endpoints for tests and operators: counters, the generated advertisers with their local
// "today", the files of CSV_DOWNLOAD tasks (behind their signed, hour-long links), and the control routes of
// admin-control.ts. Never counted, faulted or throttled.

import type { ServerResponse } from 'node:http';
import { formatDay } from '../data/calendar.ts';
import { sendStream, sendText } from '../http/respond.ts';
import { checkLink } from '../report/download-links.ts';
import type { EmulatorState } from '../state.ts';
import { controlRoute } from './admin-control.ts';
import { taskFile } from './report-task.ts';

const FILE_PATH = /^\/_emulator\/report-files\/(\d+)\.csv$/;

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendText(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

export async function handleAdmin(state: EmulatorState, method: string, url: URL, body: string, res: ServerResponse): Promise<void> {
  const { world } = state;
  const path = url.pathname;
  const control = controlRoute(state, method, path, body);
  if (control !== undefined) return sendJson(res, control[0], control[1]);
  if (method === 'GET' && path === '/_emulator/stats') return sendJson(res, 200, state.stats.snapshot());
  if (method === 'POST' && path === '/_emulator/reset-stats') {
    state.stats.reset();
    return sendJson(res, 200, { ok: true });
  }
  if (method === 'GET' && path === '/_emulator/advertisers') {
    const now = world.now();
    return sendJson(res, 200, world.advertisers.map((a) => ({
      advertiser_id: a.id,
      advertiser_name: a.name,
      timezone: a.zone.timezone,
      currency: a.currency.code,
      stats_start_date: formatDay(a.statsStartDay),
      today: formatDay(world.clock(a, now).day),
      current_hour: world.clock(a, now).hour,
      access: state.advertiserAccess.of(a.id),
    })));
  }
  const file = FILE_PATH.exec(path);
  if (method === 'GET' && file !== null) {
    const task = state.tasks.get(file[1]!);
    if (task === undefined || task.outputFormat !== 'CSV_DOWNLOAD' || state.tasks.status(task) !== 'SUCCESS') {
      return sendJson(res, 404, { error: 'no such report file' });
    }
    const link = checkLink(world.options.seed, task.id, url.searchParams, state.clock.now().getTime());
    if (link !== 'ok') {
      // What a signed storage link answers once it is past its hour (or was never signed).
      const reason = link === 'expired' ? 'Request has expired' : 'Invalid signature';
      return sendText(res, 403, 'application/xml', `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${reason}</Message></Error>\n`);
    }
    const result = taskFile(state, task);
    if (result.kind === 'stream') await sendStream(res, result.contentType, result.fileName, result.chunks, '');
    return;
  }
  return sendJson(res, 404, { error: `unknown emulator path ${method} ${path}` });
}
