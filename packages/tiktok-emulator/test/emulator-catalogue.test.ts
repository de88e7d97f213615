// The emulator's report catalogue as TikTok documents it: which metrics and dimensions each report type,
// level and granularity accepts (refusals carry TikTok's 40002 wording), breakdowns that add up exactly to
// the BASIC figures, PLAYABLE_MATERIAL and CATALOG reports of the same world, and the account calendar on
// daylight-saving days (TikTok keeps one UTC offset all year).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../src/data/world.ts';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';
import { isCatalogAd, playableOf } from '../src/report/creatives.ts';

// 2025-11-20: both 2025 DST changes of Los Angeles (03-09, 11-02) lie in the past. 8 campaigns per
// advertiser so every kind of campaign (app install, conversion) exists.
const BASE: EmulatorOptions = {
  port: 0, seed: 5, advertisers: 3, accessToken: 'tok-5', appId: 'app-5', secret: 'sec-5',
  now: new Date('2025-11-20T18:00:00Z'), campaignsPerAdvertiser: 8,
};

interface Envelope { code: number; message: string; data: Record<string, unknown> }
interface Adv { advertiser_id: string; timezone: string; today: string; current_hour: number }
interface Row { dimensions: Record<string, string>; metrics: Record<string, string | null> }
type Query = Record<string, unknown>;

let emu: Emulator;
let advertisers: Adv[];

const enc = (params: Query) =>
  Object.entries(params).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`).join('&');
const headers = { 'Access-Token': BASE.accessToken, 'Content-Type': 'application/json' };

async function report(params: Query, url = emu.url): Promise<Envelope> {
  const response = await fetch(`${url}/open_api/v1.3/report/integrated/get/?${enc({ report_type: 'BASIC', ...params })}`, { headers });
  return await response.json() as Envelope;
}

async function createTask(params: Query): Promise<Envelope> {
  const response = await fetch(`${emu.url}/open_api/v1.3/report/task/create/`, { method: 'POST', headers, body: JSON.stringify(params) });
  return await response.json() as Envelope;
}

async function rows(params: Query, url = emu.url): Promise<Row[]> {
  const all: Row[] = [];
  for (let page = 1; ; page++) {
    const answer = await report({ ...params, page, page_size: 1000 }, url);
    expect(answer.code, answer.message).toBe(0);
    all.push(...(answer.data.list as Row[]));
    if (page >= (answer.data.page_info as { total_page: number }).total_page) return all;
  }
}

const cents = (text: string | null | undefined) => Math.round(Number(text) * 100);
const STATUS_ALL = (level: string) => [{ field_name: `${level}_status`, filter_type: 'IN', filter_value: '["STATUS_ALL"]' }];
/** Summable metrics and how to read them exactly. */
const SUMMED: Record<string, (text: string | null | undefined) => number> = {
  spend: cents, impressions: Number, clicks: Number, conversion: Number, video_play_actions: Number, likes: Number,
};

/** Σ of each summable metric per key of the chosen dimensions. */
function sums(list: Row[], keyDims: readonly string[], metrics = Object.keys(SUMMED)): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const row of list) {
    const key = keyDims.map((d) => row.dimensions[d]).join('|');
    const acc = out.get(key) ?? metrics.map(() => 0);
    metrics.forEach((m, i) => { acc[i] = acc[i]! + SUMMED[m]!(row.metrics[m]); });
    out.set(key, acc);
  }
  return out;
}

beforeAll(async () => {
  emu = await startEmulator(BASE);
  advertisers = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as Adv[];
});
afterAll(() => emu.close());

const adv = () => advertisers[2]!;
const day = (extra: Query = {}): Query => ({
  advertiser_id: adv().advertiser_id, data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day'], metrics: ['spend'],
  start_date: '2025-11-01', end_date: '2025-11-10', ...extra,
});
const hour = (extra: Query = {}): Query => day({ dimensions: ['ad_id', 'stat_time_hour'], start_date: '2025-11-05', end_date: '2025-11-05', ...extra });
const audience = (extra: Query = {}): Query => day({ report_type: 'AUDIENCE', dimensions: ['ad_id', 'stat_time_day', 'gender', 'age'], ...extra });

describe('refusals carry TikTok\'s 40002 wording', () => {
  it.each<[string, () => Query, RegExp]>([
    ['unknown metric', () => day({ metrics: ['spend', 'spendd'] }), /^Invalid metric fields: \['spendd'\]\.$/],
    ['every offending metric is named', () => day({ data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id'], metrics: ['spendd', 'ad_name', 'spend'] }), /^Invalid metric fields: \['spendd', 'ad_name'\]\.$/],
    ['campaign_name at advertiser level', () => day({ data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['campaign_name'] }), /\['campaign_name'\]/],
    ['adgroup_name at campaign level', () => day({ data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id'], metrics: ['adgroup_name'] }), /\['adgroup_name'\]/],
    ['adgroup_id at ad group level', () => day({ data_level: 'AUCTION_ADGROUP', dimensions: ['adgroup_id'], metrics: ['adgroup_id'] }), /\['adgroup_id'\]/],
    ['cash_spend below advertiser level', () => day({ metrics: ['cash_spend'] }), /\['cash_spend'\]/],
    ['cash_spend by the hour', () => hour({ data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_hour'], metrics: ['cash_spend'] }), /\['cash_spend'\]/],
    ['voucher_spend in a lifetime report', () => ({ advertiser_id: adv().advertiser_id, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['voucher_spend'], query_lifetime: true }), /\['voucher_spend'\]/],
    ['app_install in AUDIENCE', () => audience({ metrics: ['spend', 'app_install'] }), /\['app_install'\]/],
    ['secondary_goal_result in AUDIENCE', () => audience({ metrics: ['secondary_goal_result'] }), /\['secondary_goal_result'\]/],
    ['video metrics in PLAYABLE_MATERIAL', () => ({ report_type: 'PLAYABLE_MATERIAL', advertiser_id: adv().advertiser_id, dimensions: ['playable_id'], metrics: ['video_play_actions'], query_lifetime: true }), /\['video_play_actions'\]/],
    ['reach in CATALOG', () => day({ report_type: 'CATALOG', metrics: ['reach'] }), /\['reach'\]/],
    ['AUDIENCE by the hour', () => audience({ dimensions: ['ad_id', 'stat_time_hour', 'gender'], start_date: '2025-11-05', end_date: '2025-11-05' }), /^Conflict occurs.*no relation/],
    ['AUDIENCE over 31 days', () => audience({ start_date: '2025-10-01', end_date: '2025-10-31' }), /30 days/],
    ['AUDIENCE lifetime', () => audience({ dimensions: ['ad_id', 'gender', 'age'], query_lifetime: true }), /query_lifetime/],
    ['AUDIENCE without a breakdown', () => audience({ dimensions: ['ad_id', 'stat_time_day'] }), /audience dimension/],
    ['AUDIENCE country_code with platform', () => audience({ dimensions: ['ad_id', 'stat_time_day', 'country_code', 'platform'] }), /combination/],
    ['AUDIENCE gender with country_code', () => audience({ dimensions: ['ad_id', 'stat_time_day', 'gender', 'country_code'] }), /combination/],
    ['AUDIENCE unknown breakdown', () => audience({ dimensions: ['ad_id', 'stat_time_day', 'shoe_size'] }), /shoe_size/],
    ['BASIC by language', () => day({ dimensions: ['ad_id', 'stat_time_day', 'language'] }), /language/],
    ['BASIC lifetime by country', () => ({ advertiser_id: adv().advertiser_id, data_level: 'AUCTION_AD', dimensions: ['ad_id', 'country_code'], metrics: ['spend'], query_lifetime: true }), /country_code/],
    ['PLAYABLE_MATERIAL by day', () => ({ report_type: 'PLAYABLE_MATERIAL', advertiser_id: adv().advertiser_id, dimensions: ['playable_id', 'stat_time_day'], start_date: '2025-11-01', end_date: '2025-11-02' }), /stat_time_day/],
    ['PLAYABLE_MATERIAL without playable_id', () => ({ report_type: 'PLAYABLE_MATERIAL', advertiser_id: adv().advertiser_id, dimensions: ['ad_id'], query_lifetime: true }), /playable_id/],
    ['CATALOG without data_level', () => day({ report_type: 'CATALOG', data_level: undefined }), /data_level/],
    ['CATALOG lifetime', () => day({ report_type: 'CATALOG', dimensions: ['ad_id'], query_lifetime: true }), /query_lifetime/],
    ['CATALOG by the hour', () => hour({ report_type: 'CATALOG' }), /stat_time_hour/],
    ['unknown report type', () => day({ report_type: 'TT_SHOP' }), /report_type/],
  ])('%s', async (_name, params, message) => {
    const answer = await report(params());
    expect(answer.code, answer.message).toBe(40002);
    expect(answer.message).toMatch(message);
  });

  it.each<[string, () => Query]>([
    ['reach, frequency and cost_per_1000_reached by the hour', () => hour({ metrics: ['reach', 'frequency', 'cost_per_1000_reached', 'average_video_play_per_user'] })],
    ['conversions at advertiser level', () => day({ data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'], metrics: ['conversion', 'result', 'real_time_result'] })],
    ['BASIC by country, hourly', () => hour({ dimensions: ['ad_id', 'stat_time_hour', 'country_code'] })],
    ['AUDIENCE gender alone', () => audience({ dimensions: ['ad_id', 'stat_time_day', 'gender'] })],
    ['AUDIENCE province_id', () => audience({ dimensions: ['ad_id', 'stat_time_day', 'province_id'] })],
    ['AUDIENCE language', () => audience({ dimensions: ['campaign_id', 'stat_time_day', 'language'], data_level: 'AUCTION_CAMPAIGN' })],
    ['AUDIENCE over 365 days without a time dimension', () => audience({ dimensions: ['advertiser_id', 'gender', 'age'], data_level: 'AUCTION_ADVERTISER', start_date: '2024-11-21', end_date: '2025-11-20' })],
    ['CATALOG by product', () => day({ report_type: 'CATALOG', dimensions: ['ad_id', 'stat_time_day', 'product_id'] })],
  ])('accepts %s', async (_name, params) => {
    const answer = await report(params());
    expect(answer.code, answer.message).toBe(0);
  });

  it('report tasks refuse unique-user metrics under a breakdown, and PLAYABLE_MATERIAL', async () => {
    const uv = await createTask({ ...audience({ metrics: ['spend', 'reach', 'frequency'] }) });
    expect(uv.code).toBe(40002);
    expect(uv.message).toBe("Invalid metric fields: ['reach', 'frequency'].");
    const plain = await createTask({ ...audience({ metrics: ['spend', 'clicks'] }) });
    expect(plain.code, plain.message).toBe(0);
    const playable = await createTask({ report_type: 'PLAYABLE_MATERIAL', advertiser_id: adv().advertiser_id, dimensions: ['playable_id'], start_date: '2025-11-01', end_date: '2025-11-02' });
    expect(playable.code).toBe(40002);
    expect(playable.message).toMatch(/PLAYABLE_MATERIAL/);
  });
});

describe('breakdowns add up exactly to the BASIC figures of the same level and day', () => {
  const levels = [['AUCTION_ADVERTISER', 'advertiser_id', 'advertiser'], ['AUCTION_CAMPAIGN', 'campaign_id', 'campaign'], ['AUCTION_ADGROUP', 'adgroup_id', 'adgroup'], ['AUCTION_AD', 'ad_id', 'ad']] as const;
  const groupings = [['gender', 'age'], ['country_code'], ['platform'], ['province_id'], ['language']];

  for (const [dataLevel, id, status] of levels) {
    it(`${dataLevel}: every AUDIENCE grouping and BASIC by country`, async () => {
      const metrics = Object.keys(SUMMED);
      const base = { ...day({ data_level: dataLevel, metrics }), ...(status === 'advertiser' ? {} : { filtering: STATUS_ALL(status) }) };
      const basic = sums(await rows({ ...base, dimensions: [id, 'stat_time_day'] }), [id, 'stat_time_day'], metrics);
      expect(basic.size).toBeGreaterThan(5);
      for (const grouping of groupings) {
        const split = await rows({ ...base, report_type: 'AUDIENCE', dimensions: [id, 'stat_time_day', ...grouping] });
        expect(split.length, grouping.join('+')).toBeGreaterThan(basic.size);
        expect(sums(split, [id, 'stat_time_day'], metrics), grouping.join('+')).toEqual(basic);
      }
      const byCountry = await rows({ ...base, dimensions: [id, 'stat_time_day', 'country_code'] });
      expect(sums(byCountry, [id, 'stat_time_day'], metrics)).toEqual(basic);
    });
  }

  it('BASIC by country, hourly, adds up to each BASIC hour; BASIC and AUDIENCE agree per country', async () => {
    const metrics = Object.keys(SUMMED);
    const base = hour({ data_level: 'AUCTION_ADGROUP', metrics, filtering: STATUS_ALL('adgroup') });
    const hours = sums(await rows({ ...base, dimensions: ['adgroup_id', 'stat_time_hour'] }), ['adgroup_id', 'stat_time_hour'], metrics);
    const split = await rows({ ...base, dimensions: ['adgroup_id', 'stat_time_hour', 'country_code'] });
    expect(sums(split, ['adgroup_id', 'stat_time_hour'], metrics)).toEqual(hours);
    expect(new Set(split.map((r) => r.dimensions.country_code)).size).toBeGreaterThan(1);

    const daily = { ...day({ metrics, filtering: STATUS_ALL('ad') }), dimensions: ['ad_id', 'stat_time_day', 'country_code'] };
    const keys = ['ad_id', 'stat_time_day', 'country_code'];
    expect(sums(await rows({ ...daily, report_type: 'AUDIENCE' }), keys, metrics)).toEqual(sums(await rows(daily), keys, metrics));
  });

  // Reach and frequency are served in BASIC reports by country (tiktok-api.md, "Corrections"; they were "-" there).
  it('unique-user metrics are "-" in AUDIENCE reports, numbers in BASIC ones, by country too', async () => {
    const metrics = ['reach', 'frequency', 'cost_per_1000_reached', 'average_video_play_per_user'];
    const audience = await rows(day({ report_type: 'AUDIENCE', dimensions: ['ad_id', 'stat_time_day', 'country_code'], metrics }));
    expect(audience.length).toBeGreaterThan(0);
    expect(new Set(audience.flatMap((r) => metrics.map((m) => r.metrics[m])))).toEqual(new Set(['-']));
    const byCountry = await rows(day({ dimensions: ['ad_id', 'stat_time_day', 'country_code'], metrics }));
    expect(byCountry.length).toBeGreaterThan(0);
    expect(byCountry.every((r) => /^\d+$/.test(r.metrics.reach ?? '') && /^\d+\.\d{2}$/.test(r.metrics.frequency ?? ''))).toBe(true);
    const plain = await rows(day({ metrics }));
    expect(plain.every((r) => /^\d+$/.test(r.metrics.reach ?? ''))).toBe(true);
  });
});

describe('PLAYABLE_MATERIAL and CATALOG reports describe the same world', () => {
  const world = () => new World(resolveOptions(BASE));

  it('a playable\'s figures are the sum of the ads that carry it; by country they add up to it', async () => {
    const w = world();
    const withPlayables = w.advertisers.find((a) => w.tree(a).ads.some((ad) => playableOf(BASE.seed!, ad) !== undefined));
    expect(withPlayables).toBeDefined();
    const advertiser = withPlayables!;
    const ads = w.tree(advertiser).ads;
    const owner = new Map(ads.map((ad) => [ad.id, playableOf(BASE.seed!, ad)]));

    const playables = await rows({ report_type: 'PLAYABLE_MATERIAL', advertiser_id: advertiser.id, dimensions: ['playable_id'], metrics: ['spend', 'impressions', 'clicks', 'ctr'], query_lifetime: true });
    expect(playables.length).toBeGreaterThan(0);
    for (const row of playables) {
      expect(Object.keys(row.dimensions)).toEqual(['playable_id']);
      expect(row.dimensions.playable_id).toMatch(/^\d{18}$/);
      expect(row.metrics.ctr).toMatch(/^\d+\.\d{2}$|^-$/);
    }
    const adRows = await rows({ advertiser_id: advertiser.id, data_level: 'AUCTION_AD', dimensions: ['ad_id'], metrics: ['spend', 'impressions', 'clicks'], query_lifetime: true, filtering: STATUS_ALL('ad') });
    const expected = new Map<string, number[]>();
    for (const row of adRows) {
      const playable = owner.get(row.dimensions.ad_id!);
      if (playable === undefined) continue;
      const acc = expected.get(playable) ?? [0, 0, 0];
      expected.set(playable, [acc[0]! + cents(row.metrics.spend), acc[1]! + Number(row.metrics.impressions), acc[2]! + Number(row.metrics.clicks)]);
    }
    expect(sums(playables, ['playable_id'], ['spend', 'impressions', 'clicks'])).toEqual(expected);

    const windowed = { report_type: 'PLAYABLE_MATERIAL', advertiser_id: advertiser.id, metrics: ['spend', 'impressions', 'clicks'], start_date: '2025-06-01', end_date: '2025-11-20' };
    const whole = sums(await rows({ ...windowed, dimensions: ['playable_id'] }), ['playable_id'], ['spend', 'impressions', 'clicks']);
    const byCountry = await rows({ ...windowed, dimensions: ['playable_id', 'country_code'] });
    expect(byCountry.length).toBeGreaterThan(whole.size);
    expect(sums(byCountry, ['playable_id'], ['spend', 'impressions', 'clicks'])).toEqual(whole);
  });

  it('CATALOG rows are the catalog ads\' BASIC rows; products add up to them', async () => {
    const w = world();
    const advertiser = w.advertisers.find((a) => w.tree(a).ads.some((ad) => isCatalogAd(BASE.seed!, ad) && !ad.deleted))!;
    expect(advertiser).toBeDefined();
    const catalogAds = new Set(w.tree(advertiser).ads.filter((ad) => isCatalogAd(BASE.seed!, ad)).map((ad) => ad.id));
    const base = { advertiser_id: advertiser.id, data_level: 'AUCTION_AD', metrics: ['spend', 'impressions', 'clicks', 'conversion'], start_date: '2025-11-01', end_date: '2025-11-20' };
    const keys = ['ad_id', 'stat_time_day'];
    const metrics = ['spend', 'impressions', 'clicks', 'conversion'];
    const catalog = await rows({ ...base, report_type: 'CATALOG', dimensions: keys });
    expect(catalog.length).toBeGreaterThan(0);
    expect(catalog.every((r) => catalogAds.has(r.dimensions.ad_id!))).toBe(true);
    const basic = (await rows({ ...base, dimensions: keys })).filter((r) => catalogAds.has(r.dimensions.ad_id!));
    expect(sums(catalog, keys, metrics)).toEqual(sums(basic, keys, metrics));

    const products = await rows({ ...base, report_type: 'CATALOG', dimensions: [...keys, 'product_id'] });
    expect(products.length).toBeGreaterThan(catalog.length);
    expect(products.every((r) => /^\d{13}$/.test(r.dimensions.product_id!))).toBe(true);
    expect(sums(products, keys, metrics)).toEqual(sums(catalog, keys, metrics));
    const catalogs = await rows({ ...base, report_type: 'CATALOG', dimensions: [...keys, 'catalog_id'] });
    expect(new Set(catalogs.map((r) => r.dimensions.catalog_id)).size).toBe(1);
  });
});

describe('daylight saving: the account keeps its standard UTC offset all year', () => {
  const la = () => advertisers.find((a) => a.timezone === 'America/Los_Angeles')!;
  const hourly = (date: string) => rows({ advertiser_id: la().advertiser_id, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_hour'], metrics: ['spend', 'impressions'], start_date: date, end_date: date });
  const daily = (date: string) => rows({ advertiser_id: la().advertiser_id, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'], metrics: ['spend', 'impressions'], start_date: date, end_date: date });

  for (const date of ['2025-03-09', '2025-11-02']) {
    it(`${date} in Los Angeles has 24 hours 00..23, and they add up to the day`, async () => {
      const hours = await hourly(date);
      expect(hours.map((r) => r.dimensions.stat_time_hour)).toEqual(Array.from({ length: 24 }, (_, h) => `${date} ${String(h).padStart(2, '0')}:00:00`));
      const [total] = await daily(date);
      expect(hours.reduce((s, r) => s + cents(r.metrics.spend), 0)).toBe(cents(total!.metrics.spend));
      expect(hours.reduce((s, r) => s + Number(r.metrics.impressions), 0)).toBe(Number(total!.metrics.impressions));
    });
  }

  it('in summer the account clock is UTC−8, not PDT: 07:30 UTC is still the previous day, hour 23', async () => {
    const summer = await startEmulator({ ...BASE, now: new Date('2025-07-01T07:30:00Z') });
    try {
      const list = await (await fetch(`${summer.url}/_emulator/advertisers`)).json() as Adv[];
      const losAngeles = list.find((a) => a.timezone === 'America/Los_Angeles')!;
      expect([losAngeles.today, losAngeles.current_hour]).toEqual(['2025-06-30', 23]);
      const july = await rows({ advertiser_id: losAngeles.advertiser_id, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'], metrics: ['spend'], start_date: '2025-07-01', end_date: '2025-07-01' }, summer.url);
      expect(july).toEqual([]);
      const june = await rows({ advertiser_id: losAngeles.advertiser_id, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_hour'], metrics: ['spend'], start_date: '2025-06-30', end_date: '2025-06-30' }, summer.url);
      expect(june).toHaveLength(24);
    } finally {
      await summer.close();
    }
  });

  it('on the spring-forward day, 10:30 UTC is the account\'s 02:00 hour (PDT would say 03:00)', async () => {
    const spring = await startEmulator({ ...BASE, now: new Date('2025-03-09T10:30:00Z') });
    try {
      const list = await (await fetch(`${spring.url}/_emulator/advertisers`)).json() as Adv[];
      const losAngeles = list.find((a) => a.timezone === 'America/Los_Angeles')!;
      expect([losAngeles.today, losAngeles.current_hour]).toEqual(['2025-03-09', 2]);
      const hours = await rows({ advertiser_id: losAngeles.advertiser_id, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_hour'], metrics: ['spend'], start_date: '2025-03-09', end_date: '2025-03-09' }, spring.url);
      expect(hours.at(-1)!.dimensions.stat_time_hour).toBe('2025-03-09 02:00:00');
    } finally {
      await spring.close();
    }
  });
});
