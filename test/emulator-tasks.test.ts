// Asynchronous report tasks: lifecycle words from TikTok's docs, CSV equal to the sync rows, cancel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/emulator/index.ts';

const BASE: EmulatorOptions = {
  port: 0, seed: 41, advertisers: 2, accessToken: 'tok-41', appId: 'app-41', secret: 'sec-41', now: new Date('2025-03-10T12:34:00Z'), taskLatencyMs: 150,
};

interface Envelope { code: number; message: string; data: Record<string, unknown> }
interface ReportRow { dimensions: Record<string, string>; metrics: Record<string, string | null> }

let emu: Emulator;
let advertiserId: string;
let today: string;
const headers = { 'Access-Token': BASE.accessToken, 'Content-Type': 'application/json' };
const enc = (params: Record<string, unknown>) =>
  Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');

const api = async (method: 'GET' | 'POST', path: string, params: Record<string, unknown>) => {
  const response = method === 'GET'
    ? await fetch(`${emu.url}/open_api/v1.3/${path}?${enc(params)}`, { headers })
    : await fetch(`${emu.url}/open_api/v1.3/${path}`, { method, headers, body: JSON.stringify(params) });
  return await response.json() as Envelope;
};

async function waitFor(taskId: string): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 200; i++) {
    const check = await api('GET', 'report/task/check/', { advertiser_id: advertiserId, task_id: taskId });
    expect(check.code).toBe(0);
    const status = check.data.status as string;
    if (seen.at(-1) !== status) seen.push(status);
    if (status !== 'QUEUING' && status !== 'PROCESSING') return seen;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('task never finished');
}

/** A minimal RFC 4180 reader for the test's own check. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += ch;
  }
  return rows;
}

beforeAll(async () => {
  emu = await startEmulator(BASE);
  const advertisers = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string; today: string }[];
  advertiserId = advertisers[1]!.advertiser_id;
  today = advertisers[1]!.today;
});
afterAll(() => emu.close());

describe('report tasks', () => {
  const start = () => new Date(Date.parse(today) - 29 * 86_400_000).toISOString().slice(0, 10);
  const query = () => ({
    advertiser_id: advertiserId, report_type: 'BASIC', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day'],
    metrics: ['spend', 'impressions', 'ctr', 'cost_per_conversion', 'ad_name', 'ad_text', 'campaign_name'], start_date: start(), end_date: today,
  });

  it('goes QUEUING → PROCESSING → SUCCESS and downloads the sync rows as CSV', async () => {
    const created = await api('POST', 'report/task/create/', { ...query(), enable_report_title_translation: false });
    expect(created.code, created.message).toBe(0);
    const taskId = created.data.task_id as string;
    expect(taskId).toMatch(/^\d+$/);
    const early = await fetch(`${emu.url}/open_api/v1.3/report/task/download/?${enc({ advertiser_id: advertiserId, task_id: taskId })}`, { headers });
    expect(((await early.json()) as Envelope).code).toBe(40002);
    expect(await waitFor(taskId)).toEqual(['QUEUING', 'PROCESSING', 'SUCCESS']);

    const download = await fetch(`${emu.url}/open_api/v1.3/report/task/download/?${enc({ advertiser_id: advertiserId, task_id: taskId })}`, { headers });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/text\/csv/);
    const [header, ...lines] = parseCsv(await download.text());
    expect(header).toEqual(['ad_id', 'stat_time_day', 'spend', 'impressions', 'ctr', 'cost_per_conversion', 'ad_name', 'ad_text', 'campaign_name']);

    const sync: ReportRow[] = [];
    for (let page = 1; ; page++) {
      const answer = await api('GET', 'report/integrated/get/', { ...query(), page, page_size: 1000 });
      sync.push(...(answer.data.list as ReportRow[]));
      if (page >= (answer.data.page_info as { total_page: number }).total_page) break;
    }
    expect(lines).toEqual(sync.map((r) => [...Object.values(r.dimensions), ...Object.values(r.metrics).map((v) => v ?? '')]));
    expect(lines.length).toBeGreaterThan(100);
  });

  it('translates titles by default and hands out a link for CSV_DOWNLOAD', async () => {
    const created = await api('POST', 'report/task/create/', { ...query(), output_format: 'CSV_DOWNLOAD', file_name: 'my_report' });
    const taskId = created.data.task_id as string;
    expect(await waitFor(taskId)).toContain('SUCCESS');
    const answer = await api('GET', 'report/task/download/', { advertiser_id: advertiserId, task_id: taskId });
    expect(answer.code).toBe(0);
    expect(answer.data.output_format).toBe('CSV_DOWNLOAD');
    expect(answer.data.file_name).toBe('my_report.csv');
    const file = await (await fetch(answer.data.download_url as string)).text();
    expect(file.split('\n')[0]).toBe('Ad ID,By Day,Cost,Impression,CTR,Cost Per Conversion,Ad Name,Ad Text,Campaign Name');
  });

  it('cancels a queued task once; unknown tasks and other advertisers get 40002', async () => {
    const created = await api('POST', 'report/task/create/', query());
    const taskId = created.data.task_id as string;
    const cancel = await api('POST', 'report/task/cancel/', { advertiser_id: advertiserId, task_id: taskId });
    expect([cancel.code, cancel.data.status]).toEqual([0, 'CANCELED']);
    expect((await api('GET', 'report/task/check/', { advertiser_id: advertiserId, task_id: taskId })).data.status).toBe('CANCELED');
    expect((await api('POST', 'report/task/cancel/', { advertiser_id: advertiserId, task_id: taskId })).code).toBe(40002);
    expect((await api('GET', 'report/task/check/', { advertiser_id: advertiserId, task_id: '999' })).code).toBe(40002);
    const others = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
    expect((await api('GET', 'report/task/check/', { advertiser_id: others[0]!.advertiser_id, task_id: taskId })).code).toBe(40002);
  });

  it('accepts a year-long daily window (no 30-day rule) but still validates the report', async () => {
    const year = await api('POST', 'report/task/create/', { ...query(), data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'], metrics: ['spend'], start_date: new Date(Date.parse(today) - 364 * 86_400_000).toISOString().slice(0, 10) });
    expect(year.code, year.message).toBe(0);
    expect((await api('POST', 'report/task/create/', { ...query(), metrics: ['nope'] })).code).toBe(40002);
    expect((await api('POST', 'report/task/create/', { ...query(), output_format: 'XLSX_DOWNLOAD' })).code).toBe(40002);
  });
});
