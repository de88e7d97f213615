// The emulator's envelope, auth, OAuth and entity endpoints, held to TikTok's documented behaviour.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.ts';

const BASE: EmulatorOptions = {
  port: 0, seed: 11, advertisers: 4, accessToken: 'tok-11', appId: 'app-11', secret: 'sec-11', now: new Date('2025-03-10T12:34:00Z'),
};

interface Envelope { code: number; message: string; request_id: string; data: Record<string, unknown> }
interface Adv { advertiser_id: string; timezone: string; currency: string; stats_start_date: string; today: string }
type Row = Record<string, unknown>;

const enc = (params: Record<string, unknown>) =>
  Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');

let emu: Emulator;
let advertisers: Adv[];

async function call(path: string, params: Record<string, unknown> = {}, init: RequestInit & { token?: string | null } = {}) {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers['Access-Token'] = init.token ?? BASE.accessToken;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const query = enc(params);
  const response = await fetch(`${emu.url}/open_api/v1.3/${path}${query ? `?${query}` : ''}`, { ...init, headers });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Envelope };
}

const list = (e: Envelope) => e.data.list as Row[];

beforeAll(async () => {
  emu = await startEmulator(BASE);
  advertisers = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as Adv[];
});
afterAll(() => emu.close());

describe('envelope and auth', () => {
  it('answers HTTP 200 with {code, message, request_id, data}', async () => {
    const { status, json } = await call('oauth2/advertiser/get/', { app_id: BASE.appId, secret: BASE.secret });
    expect(status).toBe(200);
    expect(Object.keys(json)).toEqual(['code', 'message', 'request_id', 'data']);
    expect(json.code).toBe(0);
    expect(json.request_id).toMatch(/^\d{14}[0-9A-F]{20}$/);
    expect(list(json).map((a) => a.advertiser_id)).toEqual(advertisers.map((a) => a.advertiser_id));
  });

  it('40104 without a token, 40105 with a wrong one, still HTTP 200', async () => {
    const missing = await call('campaign/get/', { advertiser_id: advertisers[0]!.advertiser_id }, { token: null });
    expect([missing.status, missing.json.code]).toEqual([200, 40104]);
    const wrong = await call('campaign/get/', { advertiser_id: advertisers[0]!.advertiser_id }, { token: 'nope' });
    expect([wrong.status, wrong.json.code]).toEqual([200, 40105]);
    expect(wrong.json.message).toBe('Access token is incorrect or has been revoked.');
  });

  // TikTok's 40001 "No permission to operate advertiser …" (tiktok-api.md, "Corrections"; was 40002).
  it('40001 for an advertiser the token cannot access, naming it', async () => {
    const { json } = await call('campaign/get/', { advertiser_id: '7000000000000000001' });
    expect(json.code).toBe(40001);
    expect(json.message).toBe('No permission to operate advertiser 7000000000000000001.');
  });

  it('40002 naming the parameter when it is missing or out of range', async () => {
    const missing = await call('campaign/get/', {});
    expect([missing.json.code, missing.json.message]).toEqual([40002, expect.stringContaining('advertiser_id')]);
    const big = await call('campaign/get/', { advertiser_id: advertisers[0]!.advertiser_id, page_size: 1001 });
    expect([big.json.code, big.json.message]).toEqual([40002, expect.stringContaining('page_size')]);
    const zero = await call('campaign/get/', { advertiser_id: advertisers[0]!.advertiser_id, page: 0 });
    expect([zero.json.code, zero.json.message]).toEqual([40002, expect.stringContaining('page')]);
  });

  it('unknown path → 404 JSON, wrong method → error, v1.2 prefix accepted', async () => {
    const unknown = await call('no/such/thing/');
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe(40400);
    const method = await call('campaign/get/', { advertiser_id: advertisers[0]!.advertiser_id }, { method: 'POST', body: '{}' });
    expect([method.status, method.json.code]).toEqual([405, 40500]);
    const v12 = await fetch(`${emu.url}/open_api/v1.2/advertiser/info/?advertiser_ids=${encodeURIComponent(JSON.stringify([advertisers[1]!.advertiser_id]))}`, { headers: { 'Access-Token': BASE.accessToken } });
    expect(((await v12.json()) as Envelope).code).toBe(0);
  });

  it('counts API calls (not /_emulator) by path and resets them', async () => {
    await fetch(`${emu.url}/_emulator/reset-stats`, { method: 'POST' });
    await call('campaign/get/', { advertiser_id: advertisers[0]!.advertiser_id });
    await call('campaign/get/', { advertiser_id: advertisers[0]!.advertiser_id });
    const stats = await (await fetch(`${emu.url}/_emulator/stats`)).json() as { requests: number; byPath: Record<string, number> };
    expect(stats.requests).toBe(2);
    expect(stats.byPath['/open_api/v1.3/campaign/get/']).toBe(2);
    expect(emu.stats().requests).toBe(2);
  });
});

describe('oauth', () => {
  it('exchanges each documented auth code once', async () => {
    const body = JSON.stringify({ app_id: BASE.appId, secret: BASE.secret, auth_code: `auth-code-${BASE.seed}-3` });
    const first = await call('oauth2/access_token/', {}, { method: 'POST', body, token: null });
    expect(first.json.code).toBe(0);
    expect(first.json.data.access_token).toBe(BASE.accessToken);
    expect(first.json.data.advertiser_ids).toEqual(advertisers.map((a) => a.advertiser_id));
    expect(Array.isArray(first.json.data.scope)).toBe(true);
    // A used auth code is TikTok's 40110 (tiktok-api.md, "Corrections": Other codes; was 40002).
    const again = await call('oauth2/access_token/', {}, { method: 'POST', body, token: null });
    expect(again.json.code).toBe(40110);
    expect(again.json.message).toContain('auth_code');
    const codes = await (await fetch(`${emu.url}/_emulator/auth-codes`)).json() as { auth_code: string; used: boolean }[];
    expect(codes).toHaveLength(20);
    expect(codes.find((c) => c.auth_code === `auth-code-${BASE.seed}-3`)?.used).toBe(true);
  });

  it('refuses a wrong secret and an unknown code', async () => {
    const wrongSecret = await call('oauth2/access_token/', {}, { method: 'POST', token: null, body: JSON.stringify({ app_id: BASE.appId, secret: 'x', auth_code: `auth-code-${BASE.seed}-4` }) });
    expect(wrongSecret.json.code).toBe(40001);
    const unknown = await call('oauth2/access_token/', {}, { method: 'POST', token: null, body: JSON.stringify({ app_id: BASE.appId, secret: BASE.secret, auth_code: 'made-up' }) });
    expect(unknown.json.code).toBe(40110);
    const listWrong = await call('oauth2/advertiser/get/', { app_id: BASE.appId, secret: 'x' });
    expect(listWrong.json.code).toBe(40001);
  });
});

describe('advertiser/info', () => {
  it('keeps 19-digit ids exact in the raw body, with time zones from UTC+14 to UTC−12', async () => {
    const ids = advertisers.map((a) => a.advertiser_id);
    const { text, json } = await call('advertiser/info/', { advertiser_ids: ids });
    for (const id of ids) {
      expect(id).toMatch(/^\d{19}$/);
      expect(BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
      expect(text).toContain(`"advertiser_id":"${id}"`);
    }
    const rows = list(json);
    expect(rows.map((r) => r.timezone).slice(0, 2)).toEqual(['Pacific/Kiritimati', 'Etc/GMT+12']);
    expect(Object.keys(rows[0]!).length).toBeGreaterThanOrEqual(29);
    expect(typeof rows[0]!.balance).toBe('number');
    expect(typeof rows[0]!.create_time).toBe('number');
  });

  it('takes at most 100 ids and honours fields', async () => {
    const ids = Array.from({ length: 101 }, () => advertisers[0]!.advertiser_id);
    expect((await call('advertiser/info/', { advertiser_ids: ids })).json.code).toBe(40002);
    const { json } = await call('advertiser/info/', { advertiser_ids: [advertisers[2]!.advertiser_id], fields: ['timezone', 'currency'] });
    expect(list(json)).toEqual([{ timezone: advertisers[2]!.timezone, currency: advertisers[2]!.currency }]);
    expect((await call('advertiser/info/', { advertiser_ids: [advertisers[0]!.advertiser_id], fields: ['bogus'] })).json.code).toBe(40002);
  });
});

describe('campaign/get, adgroup/get, ad/get', () => {
  const all = { campaign: 'CAMPAIGN_STATUS_ALL', adgroup: 'ADGROUP_STATUS_ALL', ad: 'AD_STATUS_ALL' } as const;

  async function everything(kind: 'campaign' | 'adgroup' | 'ad', advertiserId: string, pageSize: number, filtering?: unknown) {
    const rows: Row[] = [];
    for (let page = 1; ; page++) {
      const { json } = await call(`${kind}/get/`, { advertiser_id: advertiserId, page, page_size: pageSize, ...(filtering ? { filtering } : {}) });
      expect(json.code).toBe(0);
      rows.push(...list(json));
      const info = json.data.page_info as { page: number; page_size: number; total_number: number; total_page: number };
      expect(info.page).toBe(page);
      expect(info.page_size).toBe(pageSize);
      expect(info.total_page).toBe(Math.ceil(info.total_number / pageSize));
      if (page >= info.total_page) {
        expect(rows).toHaveLength(info.total_number);
        return rows;
      }
    }
  }

  it('pages in a stable order with consistent page_info', async () => {
    const id = advertisers[0]!.advertiser_id;
    const bySmallPages = await everything('ad', id, 7, { secondary_status: all.ad });
    const oneBigPage = await everything('ad', id, 1000, { secondary_status: all.ad });
    expect(bySmallPages).toEqual(oneBigPage);
    const ids = oneBigPage.map((r) => r.ad_id as string);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(oneBigPage).toHaveLength(4 * 3 * 3);
  });

  it('has realistic field sets, 16-digit string ids and UTC timestamps', async () => {
    const id = advertisers[1]!.advertiser_id;
    const [campaign] = await everything('campaign', id, 1000);
    const [adgroup] = await everything('adgroup', id, 1000);
    const [ad] = await everything('ad', id, 1000);
    expect(Object.keys(campaign!).length).toBeGreaterThanOrEqual(25);
    expect(Object.keys(adgroup!).length).toBeGreaterThanOrEqual(78);
    expect(Object.keys(ad!).length).toBeGreaterThanOrEqual(44);
    for (const value of [campaign!.campaign_id, adgroup!.adgroup_id, ad!.ad_id, ad!.campaign_id, ad!.adgroup_id]) expect(value).toMatch(/^\d{16}$/);
    expect(ad!.advertiser_id).toBe(id);
    expect(campaign!.create_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(adgroup!.dayparting).toHaveLength(336);
  });

  it('hides deleted objects unless the *_STATUS_ALL filter asks for them', async () => {
    const id = advertisers[0]!.advertiser_id;
    for (const kind of ['campaign', 'adgroup', 'ad'] as const) {
      const visible = await everything(kind, id, 1000);
      const withDeleted = await everything(kind, id, 1000, { secondary_status: all[kind] });
      const deleted = withDeleted.filter((r) => r.operation_status === 'DELETE');
      expect(deleted.length).toBeGreaterThan(0);
      expect(visible.some((r) => r.operation_status === 'DELETE')).toBe(false);
      expect(visible.length + deleted.length).toBe(withDeleted.length);
      expect(deleted.some((r) => r.secondary_status === `${kind.toUpperCase()}_STATUS_DELETE`)).toBe(true);
    }
  });

  it('serves Smart+ ads with modify_time null, others with a time', async () => {
    const ads = await everything('ad', advertisers[0]!.advertiser_id, 1000, { secondary_status: all.ad });
    const smart = ads.filter((r) => r.modify_time === null);
    expect(smart.length).toBeGreaterThan(0);
    expect(smart.every((r) => r.is_aco === true && typeof r.create_time === 'string')).toBe(true);
    expect(ads.filter((r) => r.modify_time !== null).every((r) => (r.modify_time as string) >= (r.create_time as string))).toBe(true);
  });

  it('honours campaign_ids / adgroup_ids filters and fields', async () => {
    const id = advertisers[0]!.advertiser_id;
    const ads = await everything('ad', id, 1000, { secondary_status: all.ad });
    const campaignId = ads[0]!.campaign_id as string;
    const { json } = await call('ad/get/', { advertiser_id: id, page_size: 1000, fields: ['ad_id', 'campaign_id'], filtering: { campaign_ids: [campaignId] } });
    expect(list(json).length).toBeGreaterThan(0);
    expect(list(json).every((r) => r.campaign_id === campaignId && Object.keys(r).length === 2)).toBe(true);
    expect((await call('ad/get/', { advertiser_id: id, filtering: { no_such_filter: 1 } })).json.code).toBe(40002);
  });
});

describe('determinism', () => {
  it('two emulators with the same seed answer the same bytes; another seed differs', async () => {
    const [a, b, c] = await Promise.all([startEmulator(BASE), startEmulator(BASE), startEmulator({ ...BASE, seed: 12 })]);
    try {
      const paths = async (e: Emulator) => {
        const advs = await (await fetch(`${e.url}/_emulator/advertisers`)).text();
        const id = (JSON.parse(advs) as Adv[])[3]!.advertiser_id;
        const bodies = [advs];
        for (const path of [
          `advertiser/info/?advertiser_ids=${encodeURIComponent(JSON.stringify([id]))}`,
          `ad/get/?advertiser_id=${id}&page_size=1000`,
          `report/integrated/get/?${enc({ advertiser_id: id, report_type: 'BASIC', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day'], metrics: ['spend', 'impressions', 'ctr'], start_date: '2025-02-10', end_date: '2025-03-10', page_size: 1000 })}`,
        ]) {
          bodies.push(await (await fetch(`${e.url}/open_api/v1.3/${path}`, { headers: { 'Access-Token': BASE.accessToken } })).text());
        }
        return bodies;
      };
      const [x, y, z] = [await paths(a), await paths(b), await paths(c)];
      expect(x).toEqual(y);
      expect(x[0]).not.toEqual(z[0]);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
