// TikTok Shop GMV Max: gmv_max/store/list/, gmv_max/campaign/get/ and gmv_max/report/get/ as TikTok documents
// them (one store a call, the promotion type in filtering, item_id only within named campaigns and product
// groups, spans of 30 days by day and 1 by hour, no orders or revenue before 2024-09-27), and the report's own
// rate windows (8 QPS at the Basic tier) beside the app's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.ts';

const BASE: EmulatorOptions = {
  port: 0, seed: 7, advertisers: 3, accessToken: 'tok-7', appId: 'app-7', secret: 'sec-7', now: new Date('2024-10-12T12:00:00Z'),
};

interface Envelope<T = Record<string, unknown>> { code: number; message: string; data: T }
type Row = { dimensions: Record<string, string>; metrics: Record<string, string> };
type Report = { list: Row[]; page_info: { total_number: number; total_page: number } };

async function call<T>(emu: Emulator, path: string, params: Record<string, unknown>): Promise<Envelope<T>> {
  const url = new URL(`/open_api/v1.3/${path}`, emu.url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  return (await (await fetch(url, { headers: { 'Access-Token': BASE.accessToken } })).json()) as Envelope<T>;
}

describe('GMV Max endpoints', () => {
  let emu: Emulator;
  let advertisers: string[];
  beforeAll(async () => {
    emu = await startEmulator(BASE);
    advertisers = ((await (await fetch(`${emu.url}/_emulator/advertisers`)).json()) as { advertiser_id: string }[]).map((a) => a.advertiser_id);
  });
  afterAll(() => emu?.close());

  const stores = async (advertiser: string) =>
    (await call<{ store_list: { store_id: string; is_gmv_max_available: boolean }[] }>(emu, 'gmv_max/store/list/', { advertiser_id: advertiser })).data.store_list;
  const report = (advertiser: string, store: string, extra: Record<string, unknown>) =>
    call<Report>(emu, 'gmv_max/report/get/', {
      advertiser_id: advertiser, store_ids: [store], start_date: '2024-09-20', end_date: '2024-10-05', page_size: 1000,
      dimensions: ['campaign_id', 'stat_time_day'], metrics: ['cost', 'orders', 'gross_revenue', 'product_clicks'],
      filtering: { gmv_max_promotion_types: ['PRODUCT'] }, ...extra,
    });

  it('lists stores, some not GMV Max available, and refuses a report for those', async () => {
    const lists = await Promise.all(advertisers.map(stores));
    expect(lists.flat().some((s) => s.is_gmv_max_available)).toBe(true);
    const owner = lists.findIndex((list) => list.some((s) => !s.is_gmv_max_available));
    const unavailable = lists[owner]!.find((s) => !s.is_gmv_max_available)!;
    const refused = await report(advertisers[owner]!, unavailable.store_id, {});
    expect(refused.code).toBe(40001);
    expect(refused.message).toContain(unavailable.store_id);
  });

  it('takes one store a call and the rules of its dimensions and spans', async () => {
    const [adv] = advertisers;
    const [store] = await stores(adv!);
    const codeOf = async (extra: Record<string, unknown>) => (await report(adv!, store!.store_id, extra)).code;
    expect(await codeOf({})).toBe(0);
    expect(await codeOf({ store_ids: [store!.store_id, store!.store_id] })).toBe(40002);
    expect(await codeOf({ filtering: {} })).toBe(40002);
    expect(await codeOf({ dimensions: ['stat_time_day'] })).toBe(40002);
    expect(await codeOf({ dimensions: ['item_id', 'stat_time_day'] })).toBe(40002);
    expect(await codeOf({ dimensions: ['room_id', 'stat_time_day'] })).toBe(40002);
    expect(await codeOf({ start_date: '2024-09-01', end_date: '2024-10-01' })).toBe(40002);
    expect(await codeOf({ start_date: '2024-09-02', end_date: '2024-10-01' })).toBe(0);
    expect(await codeOf({ dimensions: ['campaign_id', 'stat_time_hour'], start_date: '2024-10-01', end_date: '2024-10-02' })).toBe(40002);
    expect(await codeOf({ metrics: ['live_views'] })).toBe(40002);
    expect(await codeOf({ page_size: 1001 })).toBe(40002);
  });

  it('serves "-" for orders and revenue before 2024-09-27, numbers from it, and cost without clicks', async () => {
    const rows: Row[] = [];
    for (const adv of advertisers) {
      for (const store of (await stores(adv)).filter((s) => s.is_gmv_max_available)) {
        const answer = await report(adv, store.store_id, { dimensions: ['item_group_id', 'stat_time_day'] });
        expect(answer.code).toBe(0);
        rows.push(...answer.data.list);
      }
    }
    const before = rows.filter((r) => r.dimensions['stat_time_day']! < '2024-09-27');
    const after = rows.filter((r) => r.dimensions['stat_time_day']! >= '2024-09-27');
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((r) => r.metrics['orders'] === '-' && r.metrics['gross_revenue'] === '-')).toBe(true);
    expect(after.every((r) => /^\d+$/.test(r.metrics['orders']!) && /^\d+\.\d+$/.test(r.metrics['gross_revenue']!))).toBe(true);
    expect(rows.some((r) => Number(r.metrics['cost']) > 0 && r.metrics['product_clicks'] === '0')).toBe(true);
  });

  it('answers item_id within named campaigns and product groups, adding up to the campaign', async () => {
    const [adv] = advertisers;
    const [store] = await stores(adv!);
    const campaigns = await report(adv!, store!.store_id, { dimensions: ['campaign_id'], metrics: ['cost'] });
    const campaign = campaigns.data.list[0]!;
    const id = campaign.dimensions['campaign_id']!;
    const groups = await report(adv!, store!.store_id, { dimensions: ['item_group_id'], metrics: ['cost'], filtering: { gmv_max_promotion_types: ['PRODUCT'], campaign_ids: [id] } });
    const items = await report(adv!, store!.store_id, {
      dimensions: ['item_id'], metrics: ['cost'],
      filtering: { gmv_max_promotion_types: ['PRODUCT'], campaign_ids: [id], item_group_ids: groups.data.list.map((g) => g.dimensions['item_group_id']) },
    });
    const cents = (rows: Row[]) => rows.reduce((sum, r) => sum + Math.round(Number(r.metrics['cost']) * 100), 0);
    expect(items.data.list.length).toBeGreaterThan(0);
    expect(cents(items.data.list)).toBe(cents([campaign]));
    expect(cents(groups.data.list)).toBe(cents([campaign]));
  });

  it('leaves deleted campaigns out of the report unless campaign_statuses names STATUS_DELETE', async () => {
    const [adv] = advertisers;
    const [store] = await stores(adv!);
    const listed = await call<{ list: { campaign_id: string; operation_status: string }[] }>(emu, 'gmv_max/campaign/get/', { advertiser_id: adv!, filtering: { gmv_max_promotion_types: ['PRODUCT_GMV_MAX'] }, page_size: 100 });
    const deleted = listed.data.list.find((c) => c.operation_status === 'DELETE')!.campaign_id;
    const campaignsIn = async (filtering: Record<string, unknown>) =>
      (await report(adv!, store!.store_id, { dimensions: ['campaign_id'], metrics: ['cost'], filtering: { gmv_max_promotion_types: ['PRODUCT'], ...filtering } })).data.list.map((r) => r.dimensions['campaign_id']);
    expect(await campaignsIn({})).not.toContain(deleted);
    expect(await campaignsIn({ campaign_statuses: ['STATUS_DELIVERY_OK', 'STATUS_DELETE'] })).toContain(deleted);
    expect((await report(adv!, store!.store_id, { filtering: { gmv_max_promotion_types: ['PRODUCT'], campaign_statuses: ['GONE'] } })).code).toBe(40002);
  });

  it('lists GMV Max campaigns of the promotion types asked for, 100 a page at most', async () => {
    const [adv] = advertisers;
    const of = (types: string[]) => call<{ list: { campaign_id: string }[] }>(emu, 'gmv_max/campaign/get/', { advertiser_id: adv!, filtering: { gmv_max_promotion_types: types }, page_size: 100 });
    const product = (await of(['PRODUCT_GMV_MAX'])).data.list;
    const live = (await of(['LIVE_GMV_MAX'])).data.list;
    expect(product.length).toBeGreaterThan(0);
    expect(live.length).toBeGreaterThan(0);
    expect((await of(['PRODUCT_GMV_MAX', 'LIVE_GMV_MAX'])).data.list).toHaveLength(product.length + live.length);
    expect((await call(emu, 'gmv_max/campaign/get/', { advertiser_id: adv! })).code).toBe(40002);
    expect((await call(emu, 'gmv_max/campaign/get/', { advertiser_id: adv!, filtering: { gmv_max_promotion_types: ['PRODUCT_GMV_MAX'] }, page_size: 101 })).code).toBe(40002);
  });
});

describe('gmv_max/report/get/ rate windows', () => {
  it('admits 8 calls a second at the Basic tier, the 9th answered 40100, while the app window still admits other calls', async () => {
    const emu = await startEmulator({ ...BASE, tier: 'basic' });
    try {
      const [adv] = ((await (await fetch(`${emu.url}/_emulator/advertisers`)).json()) as { advertiser_id: string }[]).map((a) => a.advertiser_id);
      const store = (await call<{ store_list: { store_id: string }[] }>(emu, 'gmv_max/store/list/', { advertiser_id: adv! })).data.store_list[0]!.store_id;
      const params = {
        advertiser_id: adv!, store_ids: [store], start_date: '2024-10-01', end_date: '2024-10-01', dimensions: ['campaign_id', 'stat_time_day'],
        metrics: ['cost'], filtering: { gmv_max_promotion_types: ['PRODUCT'] },
      };
      const answers = await Promise.all(Array.from({ length: 9 }, () => call(emu, 'gmv_max/report/get/', params)));
      expect(answers.filter((a) => a.code === 0)).toHaveLength(8);
      const refused = answers.find((a) => a.code !== 0)!;
      expect(refused.code).toBe(40100);
      expect(refused.message).toContain('gmv_max/report/get/');
      // The app's own window (10 a second at Basic) has room left: another endpoint is still served.
      expect((await call(emu, 'gmv_max/store/list/', { advertiser_id: adv! })).code).toBe(0);
    } finally {
      await emu.close();
    }
  });
});
