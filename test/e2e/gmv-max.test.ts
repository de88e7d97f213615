import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import type { AirbyteStateMessage, RecordData } from '../../src/protocol/types.ts';
import { parseConfig } from '../../src/config.ts';
import { discover } from '../../src/source.ts';
import { addDays } from '../../src/streams/dates.ts';
import { STREAMS_BY_NAME } from '../../src/streams/definitions.ts';
import { configFor, TOKEN } from '../support/credentials.ts';
import { emulatedAdvertisers, emulator } from '../support/emulator.ts';
import { readInProcess, recordsOf } from '../support/read.ts';

// The GMV Max streams against the emulator, whose clock sits a couple of weeks after 2024-09-27 (the first day
// TikTok records GMV Max orders and revenue), so a read crosses that day. Oracles: TikTok's documented rules
// (keys, spans, nulls) and the emulator's raw answers fetched by the test itself.

const NOW = new Date('2024-10-12T12:00:00Z');
const START = '2024-09-23';

/** Stream, primary key, cursor: what discover must say (TikTok's dimensions, plus the store every call names). */
const GMV_MAX_STREAMS: [string, string[], string | undefined][] = [
  ['gmv_max_stores', ['advertiser_id', 'store_id'], undefined],
  ['gmv_max_campaigns', ['campaign_id'], 'modify_time'],
  ['gmv_max_campaign_reports_daily', ['store_id', 'campaign_id', 'stat_time_day'], 'stat_time_day'],
  ['gmv_max_campaign_reports_hourly', ['store_id', 'campaign_id', 'stat_time_hour'], 'stat_time_hour'],
  ['gmv_max_product_reports_daily', ['store_id', 'item_group_id', 'stat_time_day'], 'stat_time_day'],
  ['gmv_max_creative_reports_daily', ['store_id', 'campaign_id', 'item_id', 'stat_time_day'], 'stat_time_day'],
  ['gmv_max_live_reports_daily', ['store_id', 'room_id', 'stat_time_day'], 'stat_time_day'],
];
const NAMES = GMV_MAX_STREAMS.map(([name]) => name);

/** A raw GET against the emulator, as TikTok answers it. */
async function raw<T>(api: Emulator, path: string, params: Record<string, unknown>): Promise<T> {
  const url = new URL(`/open_api/v1.3/${path}`, api.url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  const body = (await (await fetch(url, { headers: { 'Access-Token': TOKEN } })).json()) as { code: number; message: string; data: T };
  if (body.code !== 0) throw new Error(`${path}: ${body.code} ${body.message}`);
  return body.data;
}

const metric = (record: RecordData, name: string) => (record['metrics'] as Record<string, unknown>)[name];
const day = (record: RecordData, time = 'stat_time_day') => String(record[time]).slice(0, 10);

/** Σ cost per key, in cents (money has two decimals here), so sums compare exactly. */
function costBy(records: RecordData[], key: (r: RecordData) => string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const r of records) sums.set(key(r), (sums.get(key(r)) ?? 0) + Math.round(Number(metric(r, 'cost')) * 100));
  return sums;
}

describe('GMV Max streams', () => {
  it('discover lists them with their keys, cursors and sync modes', () => {
    const byName = new Map(discover().streams.map((s) => [s.name, s]));
    for (const [name, key, cursor] of GMV_MAX_STREAMS) {
      const stream = byName.get(name);
      expect(stream, name).toBeDefined();
      expect(stream?.source_defined_primary_key, name).toEqual(key.map((k) => [k]));
      expect(stream?.default_cursor_field, name).toEqual(cursor ? [cursor] : undefined);
      expect(stream?.supported_sync_modes, name).toEqual(cursor ? ['full_refresh', 'incremental'] : ['full_refresh']);
    }
    // The schema says why orders and revenue may be null.
    const schema = byName.get('gmv_max_campaign_reports_daily')?.json_schema as { properties: { metrics: { properties: Record<string, { description?: string }> } } };
    for (const name of ['orders', 'gross_revenue']) expect(schema.properties.metrics.properties[name]?.description).toContain('before 2024-09-27');
    expect(schema.properties.metrics.properties['gross_revenue']?.description).toMatch(/paid, organic and affiliate.*per SKU|per SKU.*paid, organic and affiliate/);
  });

  it('a custom report may not take the name of a GMV Max view', () => {
    for (const name of ['gmv_max_campaign_daily', 'gmv_max_performance_daily', 'tiktok_spend_daily']) {
      const report = { name, data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id', 'stat_time_day'], metrics: ['spend'] };
      expect(() => parseConfig(configFor('http://127.0.0.1:9', { custom_reports: [report] })), name).toThrow(/analytics view|typed view/);
    }
  });

  it("the README's stream table lists each, with its key and cursor", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    // Rows such as | `gmv_max_campaign_reports_{daily,hourly}` … | `store_id`, `campaign_id`, `stat_time_{day,hour}` | …
    const rows = readme.split('\n').filter((line) => line.startsWith('| `gmv_max_')).flatMap((line) => {
      const expand = (text: string, i: number) => text.replace(/\{([^}]*)\}/g, (_m, options: string) => options.split(',')[i] ?? options.split(',')[0]!);
      const variants = /\{([^}]*)\}/.exec(line)?.[1]?.split(',').length ?? 1;
      return Array.from({ length: variants }, (_, i) => expand(line, i).split('|').map((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)));
    });
    for (const [name, key, cursor] of GMV_MAX_STREAMS) {
      const row = rows.find((cells) => cells[1]?.[0] === name);
      expect(row, name).toBeDefined();
      expect(row?.[2], name).toEqual(key);
      expect(row?.[3], name).toEqual(cursor ? [cursor] : []);
    }
  });

  describe('read against the emulator', () => {
    let api: Emulator;
    let ids: string[];
    /** Each advertiser's today, in its own time zone (the range's end). */
    let today: Map<string, string>;
    let messages: Awaited<ReturnType<typeof readInProcess>>['messages'];
    beforeAll(async () => {
      api = await emulator({ advertisers: 3, now: NOW });
      const advertisers = await emulatedAdvertisers<{ advertiser_id: string; today: string }>(api);
      ids = advertisers.map((a) => a.advertiser_id);
      today = new Map(advertisers.map((a) => [a.advertiser_id, a.today]));
      ({ messages } = await readInProcess(configFor(api.url, { start_date: START }), NAMES, { now: NOW }));
    }, 120_000);
    afterAll(() => api?.close());

    it('fills every stream, each record valid against its schema and unique by its key', () => {
      const ajv = new Ajv({ strict: false });
      for (const [name, key] of GMV_MAX_STREAMS) {
        const records = recordsOf(messages, name);
        expect(records.length, name).toBeGreaterThan(0);
        const validate = ajv.compile(STREAMS_BY_NAME.get(name)!.schema);
        // The read kept 19-digit ids exact as digit strings; the schema types them as the integers the JSON holds.
        const asEmitted = (record: RecordData) => JSON.parse(JSON.stringify(record), (_k, v: unknown) => (typeof v === 'string' && /^\d{16,19}$/.test(v) ? Number(v) : v)) as unknown;
        for (const record of records) expect(validate(asEmitted(record)), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
        const keys = new Set(records.map((r) => key.map((k) => String(r[k])).join('|')));
        expect(keys.size, name).toBe(records.length);
      }
    });

    it('lists every store, available or not, and reads reports only for the available ones', async () => {
      const stores = recordsOf(messages, 'gmv_max_stores');
      for (const id of ids) {
        const answered = await raw<{ store_list: { store_id: string; is_gmv_max_available: boolean }[] }>(api, 'gmv_max/store/list/', { advertiser_id: id });
        const listed = stores.filter((s) => String(s['advertiser_id']) === id).map((s) => [String(s['store_id']), s['is_gmv_max_available']]);
        expect(listed).toEqual(answered.store_list.map((s) => [s.store_id, s.is_gmv_max_available]));
      }
      const unavailable = new Set(stores.filter((s) => s['is_gmv_max_available'] === false).map((s) => String(s['store_id'])));
      expect(unavailable.size).toBeGreaterThan(0);
      for (const name of NAMES.slice(2)) {
        for (const record of recordsOf(messages, name)) expect(unavailable.has(String(record['store_id'])), name).toBe(false);
      }
    });

    it("reads both promotion types' campaigns", async () => {
      const campaigns = recordsOf(messages, 'gmv_max_campaigns');
      for (const type of ['PRODUCT_GMV_MAX', 'LIVE_GMV_MAX']) {
        const expected = [];
        for (const id of ids) {
          const answer = await raw<{ list: { campaign_id: string }[] }>(api, 'gmv_max/campaign/get/', { advertiser_id: id, filtering: { gmv_max_promotion_types: [type] }, page_size: 100 });
          expected.push(...answer.list.map((c) => c.campaign_id));
        }
        expect(campaigns.filter((c) => c['gmv_max_promotion_type'] === type).map((c) => String(c['campaign_id'])).sort()).toEqual(expected.sort());
      }
    });

    it('emits the days TikTok answers, each store read alone, the whole range in 30-day windows', async () => {
      const daily = recordsOf(messages, 'gmv_max_campaign_reports_daily');
      const stores = recordsOf(messages, 'gmv_max_stores').filter((s) => s['is_gmv_max_available'] === true);
      let expected = 0;
      for (const store of stores) {
        for (const promotion of ['PRODUCT', 'LIVE']) {
          const params = {
            advertiser_id: String(store['advertiser_id']), store_ids: [String(store['store_id'])], dimensions: ['campaign_id', 'stat_time_day'],
            metrics: ['cost'], filtering: { gmv_max_promotion_types: [promotion], campaign_statuses: ['STATUS_DELIVERY_OK', 'STATUS_DISABLE', 'STATUS_NOT_DELIVERY', 'STATUS_DELETE'] }, page_size: 1000,
          };
          // The same range in TikTok's 30-day spans, up to the advertiser's own today.
          const end = today.get(String(store['advertiser_id']))!;
          for (let from = START; from <= end; from = addDays(from, 30)) {
            const to = addDays(from, 29) < end ? addDays(from, 29) : end;
            const answer = await raw<{ page_info: { total_number: number } }>(api, 'gmv_max/report/get/', { ...params, start_date: from, end_date: to });
            expected += answer.page_info.total_number;
          }
        }
      }
      expect(daily).toHaveLength(expected);
      // Deleted campaigns' spend is in: TikTok leaves them out unless every status is asked for.
      const deleted = new Set(recordsOf(messages, 'gmv_max_campaigns').filter((c) => c['operation_status'] === 'DELETE').map((c) => String(c['campaign_id'])));
      expect(deleted.size).toBeGreaterThan(0);
      expect(daily.some((r) => deleted.has(String(r['campaign_id'])))).toBe(true);
      expect(new Set(daily.map((r) => day(r))).has(START)).toBe(true);
    });

    it('orders and gross revenue are null before 2024-09-27 and numbers from it; cost comes even without clicks', () => {
      const daily = recordsOf(messages, 'gmv_max_campaign_reports_daily');
      const before = daily.filter((r) => day(r) < '2024-09-27');
      const after = daily.filter((r) => day(r) >= '2024-09-27');
      expect(before.length).toBeGreaterThan(0);
      expect(after.length).toBeGreaterThan(0);
      for (const r of before) for (const name of ['orders', 'gross_revenue', 'roi', 'cost_per_order']) expect(metric(r, name), name).toBeNull();
      for (const r of after) for (const name of ['orders', 'gross_revenue', 'cost']) expect(typeof metric(r, name), name).toBe('number');
      const creatives = recordsOf(messages, 'gmv_max_creative_reports_daily');
      expect(creatives.some((r) => Number(metric(r, 'cost')) > 0 && metric(r, 'product_clicks') === 0 && metric(r, 'product_impressions') === 0)).toBe(true);
    });

    it('the product, creative and hourly reports add up to the campaign report of the same store and day', () => {
      const daily = recordsOf(messages, 'gmv_max_campaign_reports_daily');
      const byStoreDay = (time = 'stat_time_day') => (r: RecordData) => `${String(r['store_id'])}|${day(r, time)}`;
      const products = costBy(daily.filter((r) => r['gmv_max_promotion_type'] === 'PRODUCT'), byStoreDay());
      expect(costBy(recordsOf(messages, 'gmv_max_product_reports_daily'), byStoreDay())).toEqual(products);
      expect(costBy(recordsOf(messages, 'gmv_max_creative_reports_daily'), byStoreDay())).toEqual(products);
      const live = costBy(daily.filter((r) => r['gmv_max_promotion_type'] === 'LIVE'), byStoreDay());
      expect(costBy(recordsOf(messages, 'gmv_max_live_reports_daily'), byStoreDay())).toEqual(live);
      const hourly = recordsOf(messages, 'gmv_max_campaign_reports_hourly');
      expect(costBy(hourly, (r) => `${String(r['store_id'])}|${String(r['campaign_id'])}|${day(r, 'stat_time_hour')}`))
        .toEqual(costBy(daily, (r) => `${String(r['store_id'])}|${String(r['campaign_id'])}|${day(r)}`));
    });

    it('checkpoints per advertiser and resumes from the state, re-reading only the attribution window', async () => {
      const states = messages.flatMap((m): AirbyteStateMessage[] => (m.type === 'STATE' && m.state.stream?.stream_descriptor.name === 'gmv_max_campaign_reports_daily' ? [m.state] : []));
      const last = states.at(-1)!.stream!.stream_state as { states: { partition: { advertiser_id: unknown }; cursor: { stat_time_day: string } }[] };
      expect(last.states.map((s) => [String(s.partition.advertiser_id), s.cursor.stat_time_day]).sort()).toEqual(ids.map((id) => [id, `${today.get(id)!} 00:00:00`]).sort());
      const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'gmv_max_campaign_reports_daily' }, stream_state: last } }];
      const again = await readInProcess(configFor(api.url, { start_date: START, attribution_window: 2 }), ['gmv_max_campaign_reports_daily'], { now: NOW, state });
      const reread = recordsOf(again.messages, 'gmv_max_campaign_reports_daily');
      expect(reread.length).toBeGreaterThan(0);
      // From two days before each advertiser's cursor (its today) on.
      for (const r of reread) expect(day(r) >= addDays(today.get(String(r['advertiser_id']))!, -2)).toBe(true);
    });
  });
});

describe('a backfill from years before GMV Max', () => {
  it('starts each store at its first day of delivery: the same rows, a fraction of the calls', async () => {
    // An account of almost three years, GMV Max campaigns of the last three months.
    const api = await emulator({ advertisers: 1, now: NOW, historyDays: 1000 });
    try {
      const [advertiser] = await emulatedAdvertisers<{ advertiser_id: string; today: string }>(api);
      const from = '2022-02-01';
      const { messages, requests } = await readInProcess(configFor(api.url, { start_date: from }), ['gmv_max_campaign_reports_daily'], { now: NOW });
      const daily = recordsOf(messages, 'gmv_max_campaign_reports_daily');
      // The oracle: every 30-day window from the start date, asked of the emulator directly.
      const stores = (await raw<{ store_list: { store_id: string; is_gmv_max_available: boolean }[] }>(api, 'gmv_max/store/list/', { advertiser_id: advertiser!.advertiser_id })).store_list;
      let expected = 0;
      let windows = 0;
      for (const store of stores.filter((s) => s.is_gmv_max_available)) {
        for (let day = from; day <= advertiser!.today; day = addDays(day, 30)) {
          const to = addDays(day, 29) < advertiser!.today ? addDays(day, 29) : advertiser!.today;
          for (const promotion of ['PRODUCT', 'LIVE']) {
            windows++;
            const answer = await raw<{ page_info: { total_number: number } }>(api, 'gmv_max/report/get/', {
              advertiser_id: advertiser!.advertiser_id, store_ids: [store.store_id], dimensions: ['campaign_id', 'stat_time_day'], metrics: ['cost'],
              filtering: { gmv_max_promotion_types: [promotion], campaign_statuses: ['STATUS_DELIVERY_OK', 'STATUS_DISABLE', 'STATUS_NOT_DELIVERY', 'STATUS_DELETE'] },
              start_date: day, end_date: to, page_size: 1000,
            });
            expected += answer.page_info.total_number;
          }
        }
      }
      expect(daily).toHaveLength(expected);
      expect(expected).toBeGreaterThan(0);
      // Reading every window from 2022 takes a call per window and type (plus the advertiser and store lists).
      expect(requests).toBeLessThan(windows / 2);
    } finally {
      await api.close();
    }
  }, 120_000);
});
