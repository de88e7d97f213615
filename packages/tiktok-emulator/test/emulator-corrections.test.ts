// The emulator held to "Corrections from TikTok's own v1.3 pages" (shared/tiktok-api.md): the 40133 and 40016
// throttles, the 20,000-ad cap of synchronous reports, where enable_total_metrics is accepted, what report
// tasks take and write, the OAuth revoke and auth-code rules, the hour a download link lives, zero-delivery
// rows and zero ratios, and advertisers the token may not operate (40001) or that were deleted (40300).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../src/data/world.ts';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';
import { TaskStore } from '../src/report/tasks.ts';
import { failNext, MANY_ADS, setAdvertiserAccess } from './support/emulator.ts';

const BASE: EmulatorOptions = {
  port: 0, seed: 61, advertisers: 3, accessToken: 'tok-61', appId: 'app-61', secret: 'sec-61', now: new Date('2025-03-10T12:34:00Z'), taskLatencyMs: 30,
};

interface Envelope { code: number; message: string; data: Record<string, unknown> }
interface Adv { advertiser_id: string; today: string; access: string }
interface Row { dimensions: Record<string, string>; metrics: Record<string, string | null> }
interface Answer extends Envelope { status: number; headers: Headers }
type Query = Record<string, unknown>;

const enc = (params: Query) =>
  Object.entries(params).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');

async function api(emu: Emulator, method: 'GET' | 'POST', path: string, params: Query, token: string | null = BASE.accessToken): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers['Access-Token'] = token;
  const response = method === 'GET'
    ? await fetch(`${emu.url}/open_api/v1.3/${path}?${enc(params)}`, { headers })
    : await fetch(`${emu.url}/open_api/v1.3/${path}`, { method, headers, body: JSON.stringify(params) });
  return { ...(await response.json() as Envelope), status: response.status, headers: response.headers };
}

const report = (emu: Emulator, params: Query) => api(emu, 'GET', 'report/integrated/get/', { report_type: 'BASIC', ...params });

/** Every row of a sync query, page by page. */
async function rows(emu: Emulator, params: Query): Promise<Row[]> {
  const all: Row[] = [];
  for (let page = 1; ; page++) {
    const answer = await report(emu, { ...params, page, page_size: 1000 });
    expect(answer.code, answer.message).toBe(0);
    all.push(...(answer.data.list as Row[]));
    if (page >= (answer.data.page_info as { total_page: number }).total_page) return all;
  }
}

async function advertisersOf(emu: Emulator): Promise<Adv[]> {
  return await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as Adv[];
}

async function withEmulator(options: Partial<EmulatorOptions>, body: (emu: Emulator, advertisers: Adv[]) => Promise<void>): Promise<void> {
  const emu = await startEmulator({ ...BASE, ...options });
  try {
    await body(emu, await advertisersOf(emu));
  } finally {
    await emu.close();
  }
}

async function admin(emu: Emulator, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emu.url}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBe(200);
  return await response.json() as Record<string, unknown>;
}

/** Creates a task and waits for SUCCESS; returns its id. */
async function finishedTask(emu: Emulator, params: Query): Promise<string> {
  const created = await api(emu, 'POST', 'report/task/create/', params);
  expect(created.code, created.message).toBe(0);
  const taskId = created.data.task_id as string;
  for (;;) {
    const check = await api(emu, 'GET', 'report/task/check/', { advertiser_id: params.advertiser_id, task_id: taskId });
    if (check.data.status === 'SUCCESS') return taskId;
    expect(['QUEUING', 'PROCESSING']).toContain(check.data.status);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

const cents = (text: string | null | undefined) => Math.round(Number(text) * 100);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const codes = (answers: Answer[]) => answers.map((a) => a.code);
const count = (values: number[], code: number) => values.filter((c) => c === code).length;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('40133: 20 calls a second per advertiser and path', () => {
  it('refuses the 21st call on one advertiser and path in TikTok\'s words; other paths and advertisers pass', async () => {
    // Premium allows the app 30 a second: the advertiser's own window is what refuses.
    await withEmulator({ tier: 'premium' }, async (emu, [a, b]) => {
      const calls = [
        ...Array.from({ length: 22 }, (_, i) => api(emu, 'GET', 'campaign/get/', { advertiser_id: a!.advertiser_id, page: i + 1 })),
        ...Array.from({ length: 4 }, (_, i) => api(emu, 'GET', 'adgroup/get/', { advertiser_id: a!.advertiser_id, page: i + 1 })),
        ...Array.from({ length: 4 }, (_, i) => api(emu, 'GET', 'campaign/get/', { advertiser_id: b!.advertiser_id, page: i + 1 })),
      ];
      const answers = await Promise.all(calls);
      expect(answers.every((x) => x.status === 200)).toBe(true);
      expect(count(codes(answers.slice(0, 22)), 0)).toBe(20);
      const refused = answers.filter((x) => x.code === 40133);
      expect(refused).toHaveLength(2);
      expect(refused[0]!.message).toBe(`Advertiser (${a!.advertiser_id})'s QPS (21) reaches QPS limit 20 for current path, request is temporarily restricted.`);
      expect(codes(answers.slice(22))).toEqual(Array(8).fill(0));
      expect(emu.stats().throttledBy).toMatchObject({ advertiser: 2, qps: 0 });
      await new Promise((resolve) => setTimeout(resolve, 1050));
      expect((await api(emu, 'GET', 'campaign/get/', { advertiser_id: a!.advertiser_id })).code).toBe(0);
    });
  });

  it('counts the advertiser across apps and takes the advertiser_id of a JSON body', async () => {
    await withEmulator({ advertiserQps: 3 }, async (emu, [a]) => {
      const other = await admin(emu, 'tokens', {}) as { access_token: string };
      const body = { advertiser_id: a!.advertiser_id, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'], start_date: a!.today, end_date: a!.today };
      const answers = await Promise.all([
        api(emu, 'POST', 'report/task/create/', body),
        api(emu, 'POST', 'report/task/create/', body, other.access_token),
        api(emu, 'POST', 'report/task/create/', body),
        api(emu, 'POST', 'report/task/create/', body, other.access_token),
      ]);
      expect(codes(answers).sort()).toEqual([0, 0, 0, 40133]);
      expect(answers.find((x) => x.code === 40133)!.message).toMatch(/QPS limit 3 for current path/);
    });
  });

  it('is off without a tier (unless asked for) and on at 20 with one', () => {
    const options = (extra: Partial<EmulatorOptions>) => resolveOptions({ ...BASE, ...extra });
    expect(options({}).advertiserQps).toBe(0);
    expect(options({ tier: 'ultimate' }).advertiserQps).toBe(20);
    expect(options({ tier: 'basic', advertiserQps: 0 }).advertiserQps).toBe(0);
  });
});

describe('40016, 40133 and 40100 on demand', () => {
  it('initialFaults: the first N report queries answer 40133 naming the advertiser, then serve; other paths are untouched', async () => {
    await withEmulator({ initialFaults: { kinds: ['code40133'], paths: ['report/integrated/get/'], requests: 2 } }, async (emu, [a]) => {
      const query = { advertiser_id: a!.advertiser_id, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'], start_date: a!.today, end_date: a!.today };
      expect((await api(emu, 'GET', 'campaign/get/', { advertiser_id: a!.advertiser_id })).code).toBe(0);
      const first = await report(emu, query);
      expect([first.status, first.code, first.message]).toEqual([200, 40133, `Advertiser (${a!.advertiser_id})'s QPS (21) reaches QPS limit 20 for current path, request is temporarily restricted.`]);
      expect((await report(emu, query)).code).toBe(40133);
      expect((await report(emu, query)).code).toBe(0);
      expect(emu.stats().faultsByKind).toEqual({ code40133: 2 });
    });
  });

  it('the admin route (failNext): 40016 then 40100 for the next N report queries', async () => {
    await withEmulator({}, async (emu, [a]) => {
      const query = { advertiser_id: a!.advertiser_id, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'], start_date: a!.today, end_date: a!.today };
      await failNext(emu, 'code40016', 3);
      const seen = [];
      for (let i = 0; i < 4; i++) seen.push(await report(emu, query));
      expect(codes(seen)).toEqual([40016, 40016, 40016, 0]);
      expect(seen[0]!.message).toMatch(/too frequently/);
      await failNext(emu, 'code40100', 1);
      expect(codes([await report(emu, query), await report(emu, query)])).toEqual([40100, 0]);
    });
  });

  it('are never drawn from a plan that names no kinds (the default mix stays as it was)', () => {
    const kinds = resolveOptions(BASE).faultKinds;
    expect(kinds).not.toContain('code40016');
    expect(kinds).not.toContain('code40133');
    expect(kinds).toContain('code40100');
  });
});

describe('the 20,000-ad cap of synchronous reports', () => {
  let emu: Emulator;
  let big: string;
  let day: string;
  let campaigns: string[];
  let newest: Set<string>;

  beforeAll(async () => {
    const options: EmulatorOptions = { ...BASE, advertisers: 2, historyDays: 5, advertiserShapes: { 0: MANY_ADS } };
    emu = await startEmulator(options);
    const world = new World(resolveOptions(options));
    const tree = world.tree(world.advertisers[0]!);
    expect(tree.ads).toHaveLength(25_000);
    big = world.advertisers[0]!.id;
    campaigns = tree.campaigns.map((c) => c.id);
    const byAge = [...tree.ads].sort((x, y) => y.createSeconds - x.createSeconds || (x.id < y.id ? 1 : -1));
    newest = new Set(byAge.slice(0, 20_000).map((ad) => ad.id));
    day = addDays((await advertisersOf(emu))[0]!.today, -1);
  });
  afterAll(() => emu.close());

  const everyAd = { field_name: 'ad_status', filter_type: 'IN', filter_value: '["STATUS_ALL"]' };
  /** Ad-level rows of every ad (deleted ones too: the cap counts them), id-only so every covered ad has one. */
  const adQuery = (filters: object[] = []): Query => ({
    advertiser_id: big, data_level: 'AUCTION_AD', dimensions: ['ad_id'], metrics: ['spend', 'impressions'], start_date: day, end_date: day,
    filtering: [everyAd, ...filters],
  });
  const spendOf = async (extra: Query) => {
    const [row] = await rows(emu, { advertiser_id: big, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'], start_date: day, end_date: day, ...extra });
    return cents(row!.metrics.spend);
  };
  const inCampaigns = (ids: string[]) => [{ field_name: 'campaign_ids', filter_type: 'IN', filter_value: JSON.stringify(ids) }];

  it('answers code 0 with the 20,000 newest ads only, and the X-Tt-Ads-Throttle header', async () => {
    const first = await report(emu, { ...adQuery(), page_size: 1000 });
    expect([first.status, first.code]).toEqual([200, 0]);
    expect(first.headers.get('x-tt-ads-throttle')).not.toBeNull();
    expect((first.data.page_info as { total_number: number }).total_number).toBe(20_000);
    const ids = (await rows(emu, adQuery())).map((r) => r.dimensions.ad_id!);
    expect(new Set(ids)).toEqual(newest);
  });

  it('caps every level: the advertiser row misses the older ads, which narrowing by campaign_ids brings back', async () => {
    const capped = await report(emu, { advertiser_id: big, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'], start_date: day, end_date: day });
    expect(capped.headers.get('x-tt-ads-throttle')).not.toBeNull();
    // 1,000 ads a campaign: two halves of at most 20,000 ads each are complete and carry no header.
    const halves = [campaigns.slice(0, 13), campaigns.slice(13)];
    for (const half of halves) {
      const answer = await report(emu, { advertiser_id: big, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'], start_date: day, end_date: day, filtering: inCampaigns(half) });
      expect(answer.code, answer.message).toBe(0);
      expect(answer.headers.get('x-tt-ads-throttle')).toBeNull();
    }
    const whole = sum(await Promise.all(halves.map((half) => spendOf({ filtering: inCampaigns(half) }))));
    const cappedSpend = cents((capped.data.list as Row[])[0]!.metrics.spend);
    expect(cappedSpend).toBeLessThan(whole);
    // The capped figure is exactly the newest ads' delivery.
    const adRows = await rows(emu, adQuery());
    expect(sum(adRows.map((r) => cents(r.metrics.spend)))).toBe(cappedSpend);
  });

  it('a filter still above 20,000 ads stays capped; a narrowed ad query is complete', async () => {
    const wide = await report(emu, { ...adQuery(inCampaigns(campaigns.slice(0, 21))), page_size: 10 });
    expect(wide.headers.get('x-tt-ads-throttle')).not.toBeNull();
    expect((wide.data.page_info as { total_number: number }).total_number).toBe(20_000);
    const narrow = await report(emu, { ...adQuery(inCampaigns(campaigns.slice(0, 20))), page_size: 10 });
    expect(narrow.headers.get('x-tt-ads-throttle')).toBeNull();
    expect((narrow.data.page_info as { total_number: number }).total_number).toBe(20_000);
  });

  it('leaves advertisers within the cap, and report tasks, alone', async () => {
    const [, small] = await advertisersOf(emu);
    const plain = await report(emu, { advertiser_id: small!.advertiser_id, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'], start_date: small!.today, end_date: small!.today });
    expect([plain.code, plain.headers.get('x-tt-ads-throttle')]).toEqual([0, null]);
    const taskId = await finishedTask(emu, { advertiser_id: big, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'], start_date: day, end_date: day, enable_report_title_translation: false });
    const csv = await (await fetch(`${emu.url}/open_api/v1.3/report/task/download/?${enc({ advertiser_id: big, task_id: taskId })}`, { headers: { 'Access-Token': BASE.accessToken } })).text();
    const [, line] = csv.trim().split('\n');
    const halves = [campaigns.slice(0, 13), campaigns.slice(13)];
    expect(cents(line!.split(',')[1])).toBe(sum(await Promise.all(halves.map((half) => spendOf({ filtering: inCampaigns(half) })))));
  });
});

describe('enable_total_metrics: BASIC, one id dimension and/or stat_time_day, not in the sandbox', () => {
  let emu: Emulator;
  let adv: Adv;
  beforeAll(async () => {
    emu = await startEmulator(BASE);
    [adv] = await advertisersOf(emu) as [Adv];
  });
  afterAll(() => emu.close());
  const query = (extra: Query = {}): Query => ({
    advertiser_id: adv.advertiser_id, data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id', 'stat_time_day'], metrics: ['spend', 'ctr'],
    start_date: addDays(adv.today, -3), end_date: adv.today, enable_total_metrics: true, ...extra,
  });

  it.each<[string, Query]>([
    ['id and stat_time_day', {}],
    ['the id alone', { dimensions: ['campaign_id'] }],
    ['the id alone, lifetime', { dimensions: ['campaign_id'], query_lifetime: true, start_date: undefined, end_date: undefined }],
  ])('accepts %s and totals the query', async (_name, extra) => {
    const answer = await report(emu, query(extra));
    expect(answer.code, answer.message).toBe(0);
    expect((answer.data.total_metrics as Record<string, string>).spend).toMatch(/^\d+\.\d{3}$/);
  });

  it.each<[string, () => Query]>([
    ['stat_time_hour', () => ({ dimensions: ['campaign_id', 'stat_time_hour'], start_date: adv.today, end_date: adv.today })],
    ['a country breakdown', () => ({ dimensions: ['campaign_id', 'stat_time_day', 'country_code'] })],
    ['an AUDIENCE report', () => ({ report_type: 'AUDIENCE', dimensions: ['campaign_id', 'stat_time_day', 'gender'] })],
    ['a PLAYABLE_MATERIAL report', () => ({ report_type: 'PLAYABLE_MATERIAL', data_level: undefined, dimensions: ['playable_id'], query_lifetime: true, start_date: undefined, end_date: undefined })],
  ])('refuses it with %s (40002 naming the parameter)', async (_name, extra) => {
    const answer = await report(emu, query(extra()));
    expect(answer.code).toBe(40002);
    expect(answer.message).toMatch(/^enable_total_metrics: /);
    // The same query without it is fine.
    expect((await report(emu, query({ ...extra(), enable_total_metrics: false }))).code).toBe(0);
  });

  it('refuses it in the sandbox, even for a daily BASIC report', async () => {
    await withEmulator({ sandbox: true }, async (sandbox, [a]) => {
      const answer = await report(sandbox, { ...query(), advertiser_id: a!.advertiser_id, start_date: a!.today, end_date: a!.today });
      expect(answer.code).toBe(40002);
      expect(answer.message).toMatch(/^enable_total_metrics: .*sandbox/);
    });
  });
});

describe('report tasks', () => {
  let emu: Emulator;
  let adv: Adv;
  beforeAll(async () => {
    emu = await startEmulator({ ...BASE, campaignsPerAdvertiser: 8 });
    [adv] = await advertisersOf(emu) as [Adv];
  });
  afterAll(() => emu.close());
  const task = (extra: Query = {}): Query => ({
    advertiser_id: adv.advertiser_id, report_type: 'BASIC', data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id', 'stat_time_day'],
    metrics: ['spend', 'impressions'], start_date: addDays(adv.today, -6), end_date: adv.today, ...extra,
  });
  const byCountry = (extra: Query = {}) => task({ dimensions: ['campaign_id', 'stat_time_day', 'country_code'], ...extra });
  const audience = (extra: Query = {}) => task({ report_type: 'AUDIENCE', dimensions: ['campaign_id', 'stat_time_day', 'gender'], ...extra });

  it('take only campaign_ids, adgroup_ids and ad_ids in filtering: a status filter is a 40002 naming filtering', async () => {
    for (const field of ['campaign_status', 'adgroup_status', 'ad_status']) {
      const refused = await api(emu, 'POST', 'report/task/create/', task({ filtering: [{ field_name: field, filter_type: 'IN', filter_value: '["STATUS_ALL"]' }] }));
      expect(refused.code).toBe(40002);
      expect(refused.message).toMatch(new RegExp(`^filtering: .*${field}`));
    }
    const campaigns = await api(emu, 'GET', 'campaign/get/', { advertiser_id: adv.advertiser_id });
    const ids = (campaigns.data.list as { campaign_id: string }[]).map((c) => c.campaign_id).slice(0, 2);
    for (const field of ['campaign_ids', 'adgroup_ids', 'ad_ids']) {
      const ok = await api(emu, 'POST', 'report/task/create/', task({ filtering: [{ field_name: field, filter_type: 'IN', filter_value: JSON.stringify(ids) }] }));
      expect(ok.code, ok.message).toBe(0);
    }
    // Synchronous reports keep their status filters.
    expect((await report(emu, task({ filtering: [{ field_name: 'campaign_status', filter_type: 'IN', filter_value: '["STATUS_ALL"]' }] }))).code).toBe(0);
  });

  const uv = ['reach', 'frequency', 'cost_per_1000_reached', 'average_video_play_per_user'];
  const results = ['result', 'cost_per_result', 'result_rate', 'real_time_result', 'real_time_cost_per_result', 'real_time_result_rate'];
  const installs = ['app_install', 'real_time_app_install', 'real_time_app_install_cost'];

  it('with audience dimensions refuse the UV metrics and the result family; BASIC by country also the installs', async () => {
    for (const metric of [...uv, ...results]) {
      for (const query of [audience({ metrics: ['spend', metric] }), byCountry({ metrics: ['spend', metric] })]) {
        const refused = await api(emu, 'POST', 'report/task/create/', query);
        expect([refused.code, refused.message]).toEqual([40002, `Invalid metric fields: ['${metric}'].`]);
      }
    }
    for (const metric of installs) {
      const refused = await api(emu, 'POST', 'report/task/create/', byCountry({ metrics: ['spend', metric] }));
      expect([refused.code, refused.message]).toEqual([40002, `Invalid metric fields: ['${metric}'].`]);
      // A BASIC task without the country takes them.
      expect((await api(emu, 'POST', 'report/task/create/', task({ metrics: ['spend', metric] }))).code).toBe(0);
    }
    // live_play_count, registration, purchase and complete_payment are not in the emulator's catalogue: unknown everywhere.
    expect((await api(emu, 'POST', 'report/task/create/', byCountry({ metrics: ['live_play_count'] }))).code).toBe(40002);
    const plain = await api(emu, 'POST', 'report/task/create/', task({ metrics: ['spend', ...uv, ...results] }));
    expect(plain.code, plain.message).toBe(0);
  });

  it('while synchronous BASIC reports by country serve them all, reach and frequency included', async () => {
    const list = await rows(emu, byCountry({ metrics: ['spend', ...uv, ...results, ...installs] }));
    expect(list.length).toBeGreaterThan(0);
    for (const row of list) for (const metric of [...uv, ...results, ...installs]) expect(row.metrics[metric], metric).toMatch(/^\d+(\.\d+)?$/);
  });

  it('write country_code as the country\'s name in the file, where sync reports give the ISO code', async () => {
    const query = byCountry({ enable_report_title_translation: false });
    const taskId = await finishedTask(emu, query);
    const csv = await (await fetch(`${emu.url}/open_api/v1.3/report/task/download/?${enc({ advertiser_id: adv.advertiser_id, task_id: taskId })}`, { headers: { 'Access-Token': BASE.accessToken } })).text();
    const [header, ...lines] = csv.trim().split('\n');
    expect(header).toBe('campaign_id,stat_time_day,country_code,spend,impressions');
    const names = { US: 'United States', GB: 'United Kingdom', DE: 'Germany', BR: 'Brazil', JP: 'Japan' } as Record<string, string>;
    const sync = await rows(emu, query);
    expect(lines).toEqual(sync.map((r) => [r.dimensions.campaign_id, r.dimensions.stat_time_day, names[r.dimensions.country_code!], r.metrics.spend, r.metrics.impressions].join(',')));
    expect(new Set(lines.map((l) => l.split(',')[2]))).toEqual(new Set(Object.values(names)));
  });

  it('are limited to 500 an hour per advertiser (emulator clock); another advertiser is not held', async () => {
    await withEmulator({ advertisers: 2 }, async (own, [a, b]) => {
      const body = (id: string, today: string) => ({ advertiser_id: id, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'], start_date: today, end_date: today });
      for (let i = 0; i < 500; i += 50) {
        const batch = await Promise.all(Array.from({ length: 50 }, () => api(own, 'POST', 'report/task/create/', body(a!.advertiser_id, a!.today))));
        expect(count(codes(batch), 0)).toBe(50);
      }
      const over = await api(own, 'POST', 'report/task/create/', body(a!.advertiser_id, a!.today));
      expect(over.code).toBe(40100);
      expect(over.message).toContain(`Advertiser ${a!.advertiser_id}`);
      expect((await api(own, 'POST', 'report/task/create/', body(b!.advertiser_id, b!.today))).code).toBe(0);
      await admin(own, 'clock', { advance_ms: 3_600_000 });
      expect((await api(own, 'POST', 'report/task/create/', body(a!.advertiser_id, a!.today))).code).toBe(0);
    });
  });

  it('are limited to 4,500 a day per app (UTC day of the emulator clock)', () => {
    const store = new TaskStore(1, { latencyMs: 0, msPer1000Rows: 0, concurrency: 0, failureRate: 0, stallRate: 0 });
    const noon = new Date('2025-03-10T12:00:00Z');
    for (let i = 0; i < 4_500; i++) expect(store.allow('app', `adv-${i % 10}`, new Date(noon.getTime() + i * 1000))).toBeUndefined();
    expect(store.allow('app', 'adv-x', new Date('2025-03-10T23:59:59Z'))).toMatch(/daily limit of 4500/);
    expect(store.allow('other-app', 'adv-x', new Date('2025-03-10T23:59:59Z'))).toBeUndefined();
    expect(store.allow('app', 'adv-x', new Date('2025-03-11T00:00:00Z'))).toBeUndefined();
  });
});

describe('CSV_DOWNLOAD links live one hour (emulator clock)', () => {
  it('serves the file until the hour is over, then 403; a new download call hands out a new hour', async () => {
    await withEmulator({}, async (emu, [a]) => {
      const taskId = await finishedTask(emu, { advertiser_id: a!.advertiser_id, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'], metrics: ['spend'], start_date: a!.today, end_date: a!.today, output_format: 'CSV_DOWNLOAD' });
      const link = async () => {
        const answer = await api(emu, 'GET', 'report/task/download/', { advertiser_id: a!.advertiser_id, task_id: taskId });
        expect(answer.code, answer.message).toBe(0);
        return answer.data.download_url as string;
      };
      const url = await link();
      expect((await fetch(url)).status).toBe(200);
      await admin(emu, 'clock', { advance_ms: 3_599_000 });
      expect((await fetch(url)).status).toBe(200);
      await admin(emu, 'clock', { advance_ms: 2_000 });
      const expired = await fetch(url);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toMatch(/expired/);
      const fresh = await link();
      expect(fresh).not.toBe(url);
      expect((await fetch(fresh)).status).toBe(200);
      expect((await fetch(fresh.replace(/signature=[0-9a-f]+/, 'signature=00000000'))).status).toBe(403);
    });
  });
});

describe('OAuth', () => {
  it('oauth2/revoke_token/ revokes the token: later calls with it answer 40105', async () => {
    await withEmulator({}, async (emu, [a]) => {
      const minted = await admin(emu, 'tokens', { app_id: BASE.appId }) as { access_token: string };
      expect((await api(emu, 'GET', 'campaign/get/', { advertiser_id: a!.advertiser_id }, minted.access_token)).code).toBe(0);
      const revoke = (body: Query) => api(emu, 'POST', 'oauth2/revoke_token/', body, null);
      expect((await revoke({ app_id: BASE.appId, secret: 'wrong', access_token: minted.access_token })).code).toBe(40001);
      const done = await revoke({ app_id: BASE.appId, secret: BASE.secret, access_token: minted.access_token });
      expect([done.status, done.code, done.data]).toEqual([200, 0, {}]);
      const refused = await api(emu, 'GET', 'campaign/get/', { advertiser_id: a!.advertiser_id }, minted.access_token);
      expect([refused.code, refused.message]).toEqual([40105, 'Access token is incorrect or has been revoked.']);
      expect((await revoke({ app_id: BASE.appId, secret: BASE.secret, access_token: minted.access_token })).code).toBe(40105);
      // A token of another app: 40113, and it keeps working.
      const other = await admin(emu, 'tokens', {}) as { access_token: string };
      expect((await revoke({ app_id: BASE.appId, secret: BASE.secret, access_token: other.access_token })).code).toBe(40113);
      expect((await api(emu, 'GET', 'campaign/get/', { advertiser_id: a!.advertiser_id }, other.access_token)).code).toBe(0);
      expect((await api(emu, 'GET', 'campaign/get/', { advertiser_id: a!.advertiser_id })).code).toBe(0);
    });
  });

  it('an auth_code works once and for one hour (emulator clock), else 40110', async () => {
    await withEmulator({}, async (emu) => {
      const exchange = (code: string) => api(emu, 'POST', 'oauth2/access_token/', { app_id: BASE.appId, secret: BASE.secret, auth_code: code }, null);
      const issued = await admin(emu, 'auth-codes', {}) as { auth_code: string; expires_at: string };
      expect(Date.parse(issued.expires_at) - BASE.now!.getTime()).toBe(3_600_000);
      const first = await exchange(issued.auth_code);
      expect([first.code, first.data.access_token]).toEqual([0, BASE.accessToken]);
      const again = await exchange(issued.auth_code);
      expect([again.code, again.message]).toEqual([40110, expect.stringMatching(/already been used/)]);
      expect((await exchange('never-issued')).code).toBe(40110);
      // The 20 codes issued at start expire an hour after it.
      await admin(emu, 'clock', { advance_ms: 3_600_001 });
      const late = await exchange(`auth-code-${BASE.seed}-5`);
      expect([late.code, late.message]).toEqual([40110, expect.stringMatching(/expired/)]);
      const fresh = await admin(emu, 'auth-codes', {}) as { auth_code: string };
      expect((await exchange(fresh.auth_code)).code).toBe(0);
    });
  });
});

describe('rows as TikTok sends them', () => {
  let emu: Emulator;
  let adv: Adv;
  beforeAll(async () => {
    emu = await startEmulator({ ...BASE, campaignsPerAdvertiser: 8 });
    [, adv] = await advertisersOf(emu) as [Adv, Adv];
  });
  afterAll(() => emu.close());
  const metrics = ['spend', 'impressions', 'clicks', 'ctr', 'cpc', 'cpm', 'reach', 'frequency', 'cost_per_1000_reached', 'cost_per_result', 'average_video_play', 'conversion_rate'];
  const all = (level: string) => [{ field_name: `${level}_status`, filter_type: 'IN', filter_value: '["STATUS_ALL"]' }];

  it('with only the id dimension every object under the filters has a row, zeros where it delivered nothing', async () => {
    const listed = await api(emu, 'GET', 'ad/get/', { advertiser_id: adv.advertiser_id, page_size: 1000, filtering: { secondary_status: 'AD_STATUS_ALL' } });
    const ads = (listed.data.list as { ad_id: string }[]).map((a) => a.ad_id);
    const oneDay = { advertiser_id: adv.advertiser_id, data_level: 'AUCTION_AD', metrics, start_date: addDays(adv.today, -1), end_date: addDays(adv.today, -1), filtering: all('ad') };
    const untimed = await rows(emu, { ...oneDay, dimensions: ['ad_id'] });
    expect(untimed.map((r) => r.dimensions.ad_id)).toEqual(ads);
    const zero = untimed.filter((r) => r.metrics.impressions === '0');
    // Stopped and deleted ads, and ads idle that day.
    expect(zero.length).toBeGreaterThan(0);
    for (const row of zero) {
      expect(row.metrics).toEqual({
        spend: '0.000', impressions: '0', clicks: '0', ctr: '0.00', cpc: '0.000', cpm: '0.000', reach: '0', frequency: '0.00',
        cost_per_1000_reached: '0.000', cost_per_result: '0.0000', average_video_play: '0.00', conversion_rate: '0.00',
      });
    }
    // With more than the id dimension, empty rows are left out.
    const daily = await rows(emu, { ...oneDay, dimensions: ['ad_id', 'stat_time_day'] });
    expect(daily).toHaveLength(untimed.length - zero.length);
    expect(daily.every((r) => r.metrics.impressions !== '0')).toBe(true);
    const byCountry = await rows(emu, { ...oneDay, dimensions: ['ad_id', 'country_code'] });
    expect(new Set(byCountry.map((r) => r.dimensions.ad_id)).size).toBe(daily.length);
  });

  it('lifetime and future windows: every object of the level, filters honoured', async () => {
    const visible = await api(emu, 'GET', 'campaign/get/', { advertiser_id: adv.advertiser_id, page_size: 1000 });
    const campaigns = (visible.data.list as { campaign_id: string }[]).map((c) => c.campaign_id);
    const lifetime = await rows(emu, { advertiser_id: adv.advertiser_id, data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id'], metrics, query_lifetime: true });
    expect(lifetime.map((r) => r.dimensions.campaign_id)).toEqual(campaigns);
    const future = { advertiser_id: adv.advertiser_id, data_level: 'AUCTION_CAMPAIGN', metrics: ['spend', 'cpc'], start_date: addDays(adv.today, 1), end_date: addDays(adv.today, 5) };
    const ahead = await rows(emu, { ...future, dimensions: ['campaign_id'], filtering: [{ field_name: 'campaign_ids', filter_type: 'IN', filter_value: JSON.stringify(campaigns.slice(0, 2)) }] });
    expect(ahead).toEqual(campaigns.slice(0, 2).map((id) => ({ dimensions: { campaign_id: id }, metrics: { spend: '0.000', cpc: '0.000' } })));
    expect(await rows(emu, { ...future, dimensions: ['campaign_id', 'stat_time_day'] })).toEqual([]);
    const [advertiserRow] = await rows(emu, { ...future, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'] });
    expect(advertiserRow).toEqual({ dimensions: { advertiser_id: adv.advertiser_id }, metrics: { spend: '0.000', cpc: '0.000' } });
  });

  it('a zero denominator is zero with the metric\'s decimals in delivering rows too; "-" stays for AUDIENCE UV metrics', async () => {
    const list = await rows(emu, { advertiser_id: adv.advertiser_id, data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day'], metrics: ['conversion', 'cost_per_conversion', 'clicks', 'cpc'], start_date: addDays(adv.today, -20), end_date: adv.today });
    expect(list.some((r) => r.metrics.conversion === '0' && r.metrics.cost_per_conversion === '0.000')).toBe(true);
    expect(list.flatMap((r) => Object.values(r.metrics))).not.toContain('-');
    const uv = await rows(emu, { advertiser_id: adv.advertiser_id, report_type: 'AUDIENCE', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'age'], metrics: ['reach'], start_date: adv.today, end_date: adv.today });
    expect(new Set(uv.map((r) => r.metrics.reach))).toEqual(new Set(['-']));
  });
});

describe('AUDIENCE reports of breakdowns only; IN, CONTAIN_ANY_OF and NOT_IN filters', () => {
  let emu: Emulator;
  let adv: Adv;
  beforeAll(async () => {
    emu = await startEmulator({ ...BASE, campaignsPerAdvertiser: 8 });
    [, , adv] = await advertisersOf(emu) as [Adv, Adv, Adv];
  });
  afterAll(() => emu.close());
  const window = () => ({ advertiser_id: adv.advertiser_id, report_type: 'AUDIENCE', metrics: ['spend', 'impressions'], start_date: addDays(adv.today, -6), end_date: adv.today });
  const byKey = (list: Row[], key: (r: Row) => string) => {
    const out = new Map<string, [number, number]>();
    for (const r of list) {
      const [spend, impressions] = out.get(key(r)) ?? [0, 0];
      out.set(key(r), [spend + cents(r.metrics.spend), impressions + Number(r.metrics.impressions)]);
    }
    return out;
  };

  it('["age"] at AUCTION_ADVERTISER: one row per age, the advertiser\'s figures, no id in the row', async () => {
    const ages = await rows(emu, { ...window(), data_level: 'AUCTION_ADVERTISER', dimensions: ['age'] });
    expect(ages.length).toBeGreaterThan(1);
    expect(ages.every((r) => Object.keys(r.dimensions).join() === 'age')).toBe(true);
    const withId = await rows(emu, { ...window(), data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'age'] });
    expect(byKey(ages, (r) => r.dimensions.age!)).toEqual(byKey(withId, (r) => r.dimensions.age!));
    // At campaign level: the level's (visible) campaigns summed; by day too.
    const campaigns = await rows(emu, { ...window(), data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id', 'stat_time_day', 'gender'] });
    const summed = await rows(emu, { ...window(), data_level: 'AUCTION_CAMPAIGN', dimensions: ['stat_time_day', 'gender'] });
    const key = (r: Row) => `${r.dimensions.stat_time_day} ${r.dimensions.gender}`;
    expect(byKey(summed, key)).toEqual(byKey(campaigns, key));
  });

  it('refuses names without an id dimension, and BASIC reports without one', async () => {
    const named = await report(emu, { ...window(), data_level: 'AUCTION_CAMPAIGN', dimensions: ['gender'], metrics: ['spend', 'campaign_name'] });
    expect([named.code, named.message]).toEqual([40002, "Invalid metric fields: ['campaign_name']."]);
    const basic = await report(emu, { ...window(), report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['country_code'] });
    expect(basic.code).toBe(40002);
    expect((await report(emu, { ...window(), data_level: 'AUCTION_ADVERTISER', dimensions: ['stat_time_day'] })).code).toBe(40002);
  });

  it('id filters take IN, CONTAIN_ANY_OF and NOT_IN; status filters only IN', async () => {
    const listed = await api(emu, 'GET', 'campaign/get/', { advertiser_id: adv.advertiser_id });
    const ids = (listed.data.list as { campaign_id: string }[]).map((c) => c.campaign_id);
    const base = { advertiser_id: adv.advertiser_id, data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id'], metrics: ['spend'], start_date: addDays(adv.today, -6), end_date: adv.today };
    const filtered = (type: string, values: string[], field = 'campaign_ids') => rows(emu, { ...base, filtering: [{ field_name: field, filter_type: type, filter_value: JSON.stringify(values) }] });
    const idsOf = (list: Row[]) => list.map((r) => r.dimensions.campaign_id);
    expect(idsOf(await filtered('IN', ids.slice(0, 2)))).toEqual(ids.slice(0, 2));
    expect(idsOf(await filtered('CONTAIN_ANY_OF', ids.slice(0, 2)))).toEqual(ids.slice(0, 2));
    expect(idsOf(await filtered('NOT_IN', ids.slice(0, 2)))).toEqual(ids.slice(2));
    const status = await report(emu, { ...base, filtering: [{ field_name: 'campaign_status', filter_type: 'NOT_IN', filter_value: '["STATUS_DELETE"]' }] });
    expect([status.code, status.message]).toEqual([40002, 'filtering: filter_type NOT_IN is not supported for campaign_status (use IN).']);
    const task = await api(emu, 'POST', 'report/task/create/', { ...base, report_type: 'BASIC', filtering: [{ field_name: 'campaign_ids', filter_type: 'NOT_IN', filter_value: JSON.stringify(ids.slice(0, 1)) }] });
    expect(task.code, task.message).toBe(0);
  });
});

describe('advertisers the token may not operate (40001) or that were deleted (40300)', () => {
  it('answers every call naming them so; oauth2/advertiser/get/ still lists them; the admin route changes them', async () => {
    await withEmulator({ unreachableAdvertisers: [1], deletedAdvertisers: [2] }, async (emu, [a, unreachable, deleted]) => {
      expect([a!.access, unreachable!.access, deleted!.access]).toEqual(['ok', 'unreachable', 'deleted']);
      const calls = (id: string, today: string) => [
        api(emu, 'GET', 'campaign/get/', { advertiser_id: id }),
        report(emu, { advertiser_id: id, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'], start_date: today, end_date: today }),
        api(emu, 'POST', 'report/task/create/', { advertiser_id: id, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'], start_date: today, end_date: today }),
        api(emu, 'GET', 'advertiser/info/', { advertiser_ids: [id] }),
        api(emu, 'GET', 'file/image/ad/search/', { advertiser_id: id }),
      ];
      for (const answer of await Promise.all(calls(unreachable!.advertiser_id, unreachable!.today))) {
        expect([answer.status, answer.code, answer.message]).toEqual([200, 40001, `No permission to operate advertiser ${unreachable!.advertiser_id}.`]);
      }
      for (const answer of await Promise.all(calls(deleted!.advertiser_id, deleted!.today))) {
        expect([answer.code, answer.message]).toEqual([40300, `The advertiser ${deleted!.advertiser_id} does not exist or has been deleted.`]);
      }
      expect(codes(await Promise.all(calls(a!.advertiser_id, a!.today)))).toEqual([0, 0, 0, 0, 0]);
      const granted = await api(emu, 'GET', 'oauth2/advertiser/get/', { app_id: BASE.appId, secret: BASE.secret });
      expect((granted.data.list as { advertiser_id: string }[]).map((x) => x.advertiser_id)).toEqual([a, unreachable, deleted].map((x) => x!.advertiser_id));

      await setAdvertiserAccess(emu, a!.advertiser_id, 'deleted');
      expect((await api(emu, 'GET', 'campaign/get/', { advertiser_id: a!.advertiser_id })).code).toBe(40300);
      await setAdvertiserAccess(emu, a!.advertiser_id, 'unreachable');
      expect((await api(emu, 'GET', 'campaign/get/', { advertiser_id: a!.advertiser_id })).code).toBe(40001);
      await setAdvertiserAccess(emu, unreachable!.advertiser_id, 'ok');
      expect((await api(emu, 'GET', 'campaign/get/', { advertiser_id: unreachable!.advertiser_id })).code).toBe(0);
      const bad = await fetch(`${emu.url}/_emulator/advertiser-access`, { method: 'POST', body: JSON.stringify({ advertiser_id: a!.advertiser_id, access: 'gone' }) });
      expect(bad.status).toBe(400);
    });
  });

  it('refuses advertiser indexes it does not have', () => {
    expect(() => resolveOptions({ ...BASE, deletedAdvertisers: [3] })).toThrow(/deletedAdvertisers/);
    expect(() => resolveOptions({ ...BASE, unreachableAdvertisers: [1], deletedAdvertisers: [1] })).toThrow(/both/);
    expect(() => resolveOptions({ ...BASE, advertiserShapes: { 5: MANY_ADS } })).toThrow(/advertiserShapes/);
  });
});

describe('flags', () => {
  it('parses the advertiser flags', async () => {
    const { parseEmulatorArgs } = await import('../src/command.ts');
    const parsed = parseEmulatorArgs(['--advertiser-qps', '5', '--unreachable-advertisers', '1', '--deleted-advertisers=0,2', '--advertiser-shape', '0:25:20:50', '--advertiser-shape', '2:1:1:1']);
    expect(parsed).toMatchObject({
      advertiserQps: 5, unreachableAdvertisers: [1], deletedAdvertisers: [0, 2],
      advertiserShapes: { 0: MANY_ADS, 2: { campaignsPerAdvertiser: 1, adgroupsPerCampaign: 1, adsPerAdgroup: 1 } },
    });
    expect(() => parseEmulatorArgs(['--advertiser-shape', '0:25'])).toThrow(/INDEX:CAMPAIGNS:ADGROUPS:ADS/);
  });
});
