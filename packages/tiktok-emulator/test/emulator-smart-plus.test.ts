// Upgraded Smart+ as the emulator serves it, held to TikTok's documented rules (the SDK's Smart+ models, the
// Upgraded Smart+ guide): the Smart+ lists, ad_id_v2 at AUCTION_AD, the creative reports' limits and scope.

import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.ts';

const NOW = new Date('2025-03-10T12:34:00Z');
const BASE: EmulatorOptions = { port: 0, seed: 31, advertisers: 2, accessToken: 'tok-31', appId: 'app-31', secret: 'sec-31', now: NOW };

interface Envelope { code: number; message: string; data: Record<string, unknown> }
type Row = Record<string, unknown>;
type Params = Record<string, unknown>;

const started: Emulator[] = [];
async function start(options: Partial<EmulatorOptions> = {}): Promise<{ emu: Emulator; id: string }> {
  const emu = await startEmulator({ ...BASE, ...options });
  started.push(emu);
  const advertisers = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
  return { emu, id: advertisers[0]!.advertiser_id };
}
afterAll(() => Promise.all(started.map((e) => e.close())));

const enc = (params: Params) => Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');

async function call(emu: Emulator, path: string, params: Params): Promise<Envelope> {
  const response = await fetch(`${emu.url}/open_api/v1.3/${path}?${enc(params)}`, { headers: { 'Access-Token': BASE.accessToken } });
  return (await response.json()) as Envelope;
}

async function rows(emu: Emulator, path: string, params: Params, pageSize: number): Promise<Row[]> {
  const out: Row[] = [];
  for (let page = 1, pages = 1; page <= pages; page++) {
    const body = await call(emu, path, { ...params, page, page_size: pageSize });
    expect(body.code, body.message).toBe(0);
    out.push(...(body.data['list'] as Row[]));
    pages = (body.data['page_info'] as { total_page: number }).total_page;
  }
  return out;
}

const DAYS = { start_date: '2025-03-01', end_date: '2025-03-07' };
const adReport = (id: string, idDimension: string) => ({
  advertiser_id: id, report_type: 'BASIC', data_level: 'AUCTION_AD', dimensions: [idDimension, 'stat_time_day'], metrics: ['spend'], ...DAYS,
});
const cents = (row: Row) => Math.round(Number((row['metrics'] as Row)['spend']) * 100);
const dims = (row: Row) => row['dimensions'] as Record<string, string | null>;

describe('Upgraded Smart+ lists', () => {
  it("smart_plus/ad/get/ lists each Smart+ ad with its creatives, which are /ad/get/'s ads of its ad group; pages of at most 100", async () => {
    const { emu, id } = await start();
    const smartPlusAds = await rows(emu, 'smart_plus/ad/get/', { advertiser_id: id }, 100);
    expect(smartPlusAds.length).toBeGreaterThan(0);
    const ads = await rows(emu, 'ad/get/', { advertiser_id: id }, 1000);
    for (const ad of smartPlusAds) {
      const creatives = ads.filter((a) => a['adgroup_id'] === ad['adgroup_id']);
      expect((ad['creative_list'] as Row[]).length).toBe(creatives.length);
    }
    expect(new Set(smartPlusAds.map((a) => a['smart_plus_ad_id'])).size).toBe(smartPlusAds.length);
    const campaigns = await rows(emu, 'smart_plus/campaign/get/', { advertiser_id: id }, 100);
    expect(campaigns.every((c) => c['campaign_automation_type'] === 'UPGRADED_SMART_PLUS')).toBe(true);
    expect(new Set(smartPlusAds.map((a) => a['campaign_id'])).size).toBeLessThanOrEqual(campaigns.length);
    expect((await call(emu, 'smart_plus/ad/get/', { advertiser_id: id, page_size: 101 })).code).toBe(40002);
  });
});

describe('ad_id_v2 at AUCTION_AD', () => {
  it('keys Smart+ rows by their Smart+ ad and others by their ad_id; the spend is the same as by ad_id', async () => {
    const { emu, id } = await start();
    const byAd = await rows(emu, 'report/integrated/get/', adReport(id, 'ad_id'), 1000);
    const byV2 = await rows(emu, 'report/integrated/get/', adReport(id, 'ad_id_v2'), 1000);
    const smartPlus = new Set((await rows(emu, 'smart_plus/ad/get/', { advertiser_id: id }, 100)).map((a) => String(a['smart_plus_ad_id'])));
    const adIds = new Set(byAd.map((r) => String(dims(r)['ad_id'])));
    for (const row of byV2) {
      const v2 = String(dims(row)['ad_id_v2']);
      expect(smartPlus.has(v2) || adIds.has(v2), v2).toBe(true);
    }
    expect(byV2.some((r) => smartPlus.has(String(dims(r)['ad_id_v2'])))).toBe(true);
    expect(byV2.length).toBeLessThan(byAd.length);
    expect(byV2.reduce((s, r) => s + cents(r), 0)).toBe(byAd.reduce((s, r) => s + cents(r), 0));
    // By default Smart+ creatives keep their ad ids in the ad_id report (TikTok's Smart+ pages).
    expect(byAd.every((r) => typeof dims(r)['ad_id'] === 'string')).toBe(true);
    expect((await call(emu, 'report/integrated/get/', { ...adReport(id, 'ad_id_v2'), data_level: 'AUCTION_ADGROUP' })).code).toBe(40002);
  });

  it('with smartPlusNullAdIds, Smart+ rows of the ad_id report carry a null ad_id', async () => {
    const { emu, id } = await start({ smartPlusNullAdIds: true });
    const byAd = await rows(emu, 'report/integrated/get/', adReport(id, 'ad_id'), 1000);
    expect(byAd.some((r) => dims(r)['ad_id'] === null)).toBe(true);
    expect(byAd.some((r) => typeof dims(r)['ad_id'] === 'string')).toBe(true);
  });
});

describe('Smart+ creative reports', () => {
  const breakdown = (id: string, time = 'stat_time_day') => ({
    advertiser_id: id, dimensions: ['smart_plus_ad_id', 'main_material_id', time], metrics: ['spend', 'impressions'], ...DAYS,
  });

  it('a creative breakdown adds up to its Smart+ ad by ad_id_v2, day by day', async () => {
    const { emu, id } = await start();
    const materials = await rows(emu, 'smart_plus/material_report/breakdown/', breakdown(id), 100);
    expect(materials.length).toBeGreaterThan(0);
    const sums = new Map<string, number>();
    for (const row of materials) {
      const key = `${dims(row)['smart_plus_ad_id']}|${dims(row)['stat_time_day']}`;
      sums.set(key, (sums.get(key) ?? 0) + cents(row));
    }
    const groups = (await rows(emu, 'report/integrated/get/', adReport(id, 'ad_id_v2'), 1000)).filter((r) => sums.has(`${dims(r)['ad_id_v2']}|${dims(r)['stat_time_day']}`));
    expect(groups.length).toBe(sums.size);
    for (const row of groups) expect(Math.abs(sums.get(`${dims(row)['ad_id_v2']}|${dims(row)['stat_time_day']}`)! - cents(row))).toBeLessThanOrEqual(3);
  });

  it('refuses what TikTok refuses: pages over 100, more than 200 ids, campaign_ids with adgroup_ids, 8 days by the hour, time in the overview', async () => {
    const { emu, id } = await start();
    const refused = async (path: string, params: Params) => (await call(emu, path, params)).code;
    expect(await refused('smart_plus/material_report/breakdown/', { ...breakdown(id), page_size: 101 })).toBe(40002);
    const ids = Array.from({ length: 201 }, (_, i) => String(1_740_000_000_000_000 + i));
    expect(await refused('smart_plus/material_report/breakdown/', { ...breakdown(id), filtering: { smart_plus_ad_ids: ids } })).toBe(40002);
    expect(await refused('smart_plus/material_report/breakdown/', { ...breakdown(id), filtering: { smart_plus_ad_ids: ids.slice(0, 200) } })).toBe(0);
    expect(await refused('smart_plus/material_report/breakdown/', { ...breakdown(id), filtering: { campaign_ids: ['1'], adgroup_ids: ['2'] } })).toBe(40002);
    expect(await refused('smart_plus/material_report/breakdown/', { ...breakdown(id, 'stat_time_hour'), start_date: '2025-03-01', end_date: '2025-03-08' })).toBe(40002);
    expect(await refused('smart_plus/material_report/breakdown/', { ...breakdown(id, 'stat_time_hour'), start_date: '2025-03-01', end_date: '2025-03-07' })).toBe(0);
    expect(await refused('smart_plus/material_report/overview/', breakdown(id))).toBe(40002);
  });

  it('answers 40001 when the app lacks the "Upgraded Smart+ Report" scope', async () => {
    const { emu, id } = await start({ smartPlusReportScope: false });
    const body = await call(emu, 'smart_plus/material_report/overview/', { advertiser_id: id, dimensions: ['smart_plus_ad_id', 'main_material_id'], query_lifetime: true });
    expect(body.code).toBe(40001);
    expect(body.message).toContain('Upgraded Smart+ Report');
    expect((await call(emu, 'smart_plus/ad/get/', { advertiser_id: id })).code).toBe(0);
  });
});
