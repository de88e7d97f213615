// Asynchronous report tasks: lifecycle words from TikTok's docs, CSV equal to the sync rows, cancel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.ts';

const BASE: EmulatorOptions = {
  port: 0, seed: 41, advertisers: 2, accessToken: 'tok-41', appId: 'app-41', secret: 'sec-41', now: new Date('2025-03-10T12:34:00Z'), taskLatencyMs: 600,
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

// ---- Tasks that fail, stall, wait for a run slot, or take time by size; the clock moving under reports ----

interface Lane {
  emu: Emulator;
  advertiserId: string;
  today: string;
  api(method: 'GET' | 'POST', path: string, params: Record<string, unknown>): Promise<Envelope>;
  status(taskId: string): Promise<string>;
  create(extra?: Record<string, unknown>): Promise<string>;
  direct(body: Record<string, unknown>): Promise<void>;
}

async function lane(options: Partial<EmulatorOptions>, body: (l: Lane) => Promise<void>): Promise<void> {
  const own = await startEmulator({ ...BASE, ...options });
  try {
    const [adv] = await (await fetch(`${own.url}/_emulator/advertisers`)).json() as { advertiser_id: string; today: string }[];
    const call = async (method: 'GET' | 'POST', path: string, params: Record<string, unknown>) => {
      const response = method === 'GET'
        ? await fetch(`${own.url}/open_api/v1.3/${path}?${enc(params)}`, { headers })
        : await fetch(`${own.url}/open_api/v1.3/${path}`, { method, headers, body: JSON.stringify(params) });
      return await response.json() as Envelope;
    };
    const l: Lane = {
      emu: own,
      advertiserId: adv!.advertiser_id,
      today: adv!.today,
      api: call,
      status: async (taskId) => {
        const check = await call('GET', 'report/task/check/', { advertiser_id: adv!.advertiser_id, task_id: taskId });
        expect(check.code, check.message).toBe(0);
        return check.data.status as string;
      },
      create: async (extra = {}) => {
        const created = await call('POST', 'report/task/create/', {
          advertiser_id: adv!.advertiser_id, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'],
          metrics: ['spend'], start_date: adv!.today, end_date: adv!.today, ...extra,
        });
        expect(created.code, created.message).toBe(0);
        return created.data.task_id as string;
      },
      direct: async (directive) => {
        const response = await fetch(`${own.url}/_emulator/tasks/next`, { method: 'POST', body: JSON.stringify(directive) });
        expect(response.status).toBe(200);
      },
    };
    await body(l);
  } finally {
    await own.close();
  }
}

/** Polls until `predicate` holds for the task's status (the event), returning the statuses seen. */
async function until(l: Lane, taskId: string, predicate: (status: string) => boolean): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const status = await l.status(taskId);
    if (seen.at(-1) !== status) seen.push(status);
    if (predicate(status)) return seen;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

const finished = (s: string) => s !== 'QUEUING' && s !== 'PROCESSING';

describe('report tasks that fail or stall', () => {
  it('ends FAILED when told to; a FAILED task cannot be downloaded or canceled', async () => {
    await lane({ taskLatencyMs: 60 }, async (l) => {
      await l.direct({ outcome: 'FAILED' });
      const failed = await l.create();
      const ok = await l.create();
      expect((await until(l, failed, finished)).at(-1)).toBe('FAILED');
      const check = await l.api('GET', 'report/task/check/', { advertiser_id: l.advertiserId, task_id: failed });
      expect(check.data.message).not.toBe('');
      expect((await l.api('GET', 'report/task/download/', { advertiser_id: l.advertiserId, task_id: failed })).code).toBe(40002);
      expect((await l.api('POST', 'report/task/cancel/', { advertiser_id: l.advertiserId, task_id: failed })).code).toBe(40002);
      // The directive was for one task only.
      expect((await until(l, ok, finished)).at(-1)).toBe('SUCCESS');
    });
  });

  it('taskFailureRate 1 fails every task', async () => {
    await lane({ taskLatencyMs: 30, taskFailureRate: 1 }, async (l) => {
      for (let i = 0; i < 3; i++) expect((await until(l, await l.create(), finished)).at(-1)).toBe('FAILED');
    });
  });

  it('a stalled task stays PROCESSING while a later one of the same size succeeds; cancel ends it', async () => {
    await lane({ taskLatencyMs: 60 }, async (l) => {
      await l.direct({ outcome: 'STALL' });
      const stalled = await l.create();
      const later = await l.create();
      expect((await until(l, later, finished)).at(-1)).toBe('SUCCESS');
      expect(await l.status(stalled)).toBe('PROCESSING');
      const cancel = await l.api('POST', 'report/task/cancel/', { advertiser_id: l.advertiserId, task_id: stalled });
      expect(cancel.data.status).toBe('CANCELED');
      expect(await l.status(stalled)).toBe('CANCELED');
    });
  });

  it('an existing task can be told to fail through the admin route', async () => {
    await lane({ taskLatencyMs: 60_000 }, async (l) => {
      const task = await l.create();
      const response = await fetch(`${l.emu.url}/_emulator/tasks/${task}`, { method: 'POST', body: JSON.stringify({ outcome: 'STALL' }) });
      expect(((await response.json()) as { outcome: string }).outcome).toBe('STALL');
      const bad = await fetch(`${l.emu.url}/_emulator/tasks/${task}`, { method: 'POST', body: JSON.stringify({ outcome: 'LOST' }) });
      expect(bad.status).toBe(400);
    });
  });
});

describe('report task timing', () => {
  it('costs a fixed time plus a time per 1,000 rows: a small task created later finishes first', async () => {
    await lane({ taskLatencyMs: 30, taskMsPer1000Rows: 3000 }, async (l) => {
      const start = new Date(Date.parse(l.today) - 29 * 86_400_000).toISOString().slice(0, 10);
      // About 36 ads × 30 days: ~1,000 rows, ~3 s of processing.
      const big = await l.create({ data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day'], start_date: start });
      const small = await l.create();
      expect((await until(l, small, finished)).at(-1)).toBe('SUCCESS');
      expect(await l.status(big)).toBe('PROCESSING');
    });
  });

  it('runs at most taskConcurrency tasks of an app at once; the others stay QUEUING; another app is not held', async () => {
    await lane({ taskLatencyMs: 60, taskConcurrency: 1 }, async (l) => {
      // A stalled first task holds the app's only run slot until it is canceled.
      await l.direct({ outcome: 'STALL' });
      const first = await l.create();
      const second = await l.create();
      await until(l, first, (s) => s === 'PROCESSING');
      const minted = await (await fetch(`${l.emu.url}/_emulator/tokens`, { method: 'POST', body: '{}' })).json() as { access_token: string };
      const other = await fetch(`${l.emu.url}/open_api/v1.3/report/task/create/`, {
        method: 'POST', headers: { ...headers, 'Access-Token': minted.access_token },
        body: JSON.stringify({ advertiser_id: l.advertiserId, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'], metrics: ['spend'], start_date: l.today, end_date: l.today }),
      });
      const otherId = ((await other.json()) as Envelope).data.task_id as string;
      const otherStatus = async () => (await (await fetch(`${l.emu.url}/_emulator/tasks/${otherId}`)).json() as { status: string }).status;
      while ((await otherStatus()) !== 'SUCCESS') await new Promise((resolve) => setTimeout(resolve, 15));
      expect(await l.status(second)).toBe('QUEUING');
      await l.api('POST', 'report/task/cancel/', { advertiser_id: l.advertiserId, task_id: first });
      expect((await until(l, second, finished)).at(-1)).toBe('SUCCESS');
    });
  });
});

describe('the moving clock', () => {
  it('moves by admin route: later reads see a later today and grown attributed conversions', async () => {
    await lane({ advertisers: 1 }, async (l) => {
      const report = async (day: string) => {
        const answer = await l.api('GET', 'report/integrated/get/', {
          advertiser_id: l.advertiserId, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'],
          metrics: ['conversion', 'real_time_conversion', 'spend'], start_date: day, end_date: day,
        });
        expect(answer.code, answer.message).toBe(0);
        return (answer.data.list as ReportRow[])[0]!.metrics;
      };
      const yesterday = new Date(Date.parse(l.today) - 86_400_000).toISOString().slice(0, 10);
      const before = await report(yesterday);
      const moved = await (await fetch(`${l.emu.url}/_emulator/clock`, { method: 'POST', body: JSON.stringify({ advance_ms: 3 * 86_400_000 }) })).json() as { now: string };
      expect(moved.now).toBe('2025-03-13T12:34:00.000Z');
      const [advertiser] = await (await fetch(`${l.emu.url}/_emulator/advertisers`)).json() as { today: string }[];
      expect(Date.parse(advertiser!.today) - Date.parse(l.today)).toBe(3 * 86_400_000);
      const after = await report(yesterday);
      expect(Number(after.conversion)).toBeGreaterThan(Number(before.conversion));
      expect(after.real_time_conversion).toBe(before.real_time_conversion);
      expect(after.spend).toBe(before.spend);
    });
  });

  it('runs at clockSpeed from --now, and answers stay identical for the same clock', async () => {
    const runTwice = async () => {
      const bodies: string[] = [];
      for (let i = 0; i < 2; i++) {
        const emu2 = await startEmulator({ ...BASE, advertisers: 1 });
        try {
          const [adv] = await (await fetch(`${emu2.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
          bodies.push(await (await fetch(`${emu2.url}/open_api/v1.3/campaign/get/?advertiser_id=${adv!.advertiser_id}`, { headers })).text());
        } finally {
          await emu2.close();
        }
      }
      return bodies;
    };
    const [a, b] = await runTwice();
    expect(a).toBe(b);
    const fast = await startEmulator({ ...BASE, advertisers: 1, clockSpeed: 3600 });
    try {
      const read = async () => Date.parse(((await (await fetch(`${fast.url}/_emulator/clock`)).json()) as { now: string }).now);
      const first = await read();
      let later = first;
      while (later - first < 60 * 60_000) later = await read();
      expect(first).toBeGreaterThanOrEqual(Date.parse('2025-03-10T12:34:00Z'));
    } finally {
      await fast.close();
    }
  });
});
