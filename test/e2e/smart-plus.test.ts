import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { parseConfig } from '../../src/config.ts';
import type { AirbyteMessage, RecordData } from '../../src/protocol/types.ts';
import { discover } from '../../src/source.ts';
import { addDays } from '../../src/streams/dates.ts';
import { configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { readWithConfig } from '../support/custom-read.ts';
import { readInProcess, recordsOf } from '../support/read.ts';

// Upgraded Smart+ against the emulator: the new streams, the ad-level key of Smart+ ads, the missing scope. The
// oracles are other TikTok endpoints: the advertiser-level report (every ad's spend, whatever its ad_id) and the
// Smart+ ad list (the ids a Smart+ row may be keyed by).

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);
const START = addDays(END, -6);

const SMART_PLUS_STREAMS = [
  'smart_plus_campaigns', 'smart_plus_ad_groups', 'smart_plus_ads', 'smart_plus_asset_groups_reports_daily',
  'smart_plus_asset_groups_reports_hourly', 'smart_plus_material_reports_lifetime', 'smart_plus_material_reports_daily',
  'smart_plus_material_reports_hourly',
];

const configOf = (api: Emulator, extra: Record<string, unknown> = {}) =>
  configFor(api.url, { start_date: START, end_date: END, async_reports: 'off', ...extra });
const errorsOf = (messages: AirbyteMessage[]) => messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
const warningsOf = (messages: AirbyteMessage[]) => messages.flatMap((m) => (m.type === 'LOG' && m.log.level === 'WARN' ? [m.log.message] : []));
const metricsOf = (row: RecordData) => row['metrics'] as Record<string, unknown>;
const cents = (value: unknown) => Math.round(Number(value) * 100);

/** Spend in cents by advertiser and day: what TikTok's advertiser-level report says was spent. */
function spendByDay(rows: RecordData[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of rows) {
    const key = `${String(row['advertiser_id'])}|${String(row['stat_time_day'])}`;
    out.set(key, (out.get(key) ?? 0) + cents(metricsOf(row)['spend']));
  }
  return out;
}

describe('Upgraded Smart+ streams', () => {
  let api: Emulator;
  beforeAll(async () => {
    api = await emulator({ advertisers: 2, now: NOW });
  });
  afterAll(() => api?.close());

  it('discover lists them with their keys and cursors', () => {
    const byName = new Map(discover(parseConfig(configOf(api))).streams.map((s) => [s.name, s]));
    expect(byName.get('smart_plus_campaigns')).toMatchObject({ source_defined_primary_key: [['campaign_id']], default_cursor_field: ['modify_time'] });
    expect(byName.get('smart_plus_ad_groups')).toMatchObject({ source_defined_primary_key: [['adgroup_id']], default_cursor_field: ['modify_time'] });
    expect(byName.get('smart_plus_ads')).toMatchObject({ source_defined_primary_key: [['smart_plus_ad_id']], default_cursor_field: ['modify_time'] });
    expect(byName.get('smart_plus_asset_groups_reports_daily')).toMatchObject({ source_defined_primary_key: [['ad_id_v2'], ['stat_time_day']], default_cursor_field: ['stat_time_day'] });
    expect(byName.get('smart_plus_asset_groups_reports_hourly')).toMatchObject({ source_defined_primary_key: [['ad_id_v2'], ['stat_time_hour']], default_cursor_field: ['stat_time_hour'] });
    expect(byName.get('smart_plus_material_reports_daily')).toMatchObject({
      source_defined_primary_key: [['smart_plus_ad_id'], ['main_material_id'], ['stat_time_day']], default_cursor_field: ['stat_time_day'],
      supported_sync_modes: ['full_refresh', 'incremental'],
    });
    expect(byName.get('smart_plus_material_reports_hourly')).toMatchObject({ source_defined_primary_key: [['smart_plus_ad_id'], ['main_material_id'], ['stat_time_hour']], default_cursor_field: ['stat_time_hour'] });
    expect(byName.get('smart_plus_material_reports_lifetime')).toMatchObject({ source_defined_primary_key: [['smart_plus_ad_id'], ['main_material_id']], supported_sync_modes: ['full_refresh'] });
  });

  it('a read fills each stream, and the creatives add up to their Smart+ ads', async () => {
    const { messages } = await readInProcess(configOf(api), SMART_PLUS_STREAMS, { now: NOW });
    expect(errorsOf(messages)).toEqual([]);
    for (const name of SMART_PLUS_STREAMS) expect(recordsOf(messages, name).length, name).toBeGreaterThan(0);
    const ads = new Set(recordsOf(messages, 'smart_plus_ads').map((r) => String(r['smart_plus_ad_id'])));
    // Creative rows by (Smart+ ad, day) against the asset-group report (report/integrated/get/ by ad_id_v2).
    const byAd = new Map<string, number>();
    for (const row of recordsOf(messages, 'smart_plus_material_reports_daily')) {
      expect(ads.has(String(row['smart_plus_ad_id']))).toBe(true);
      expect(row['main_material_type']).toMatch(/^(VIDEO|SINGLE_IMAGE)_NON_SPARK_ADS$/);
      const key = `${String(row['smart_plus_ad_id'])}|${String(row['stat_time_day'])}`;
      byAd.set(key, (byAd.get(key) ?? 0) + cents(metricsOf(row)['spend']));
    }
    const groups = recordsOf(messages, 'smart_plus_asset_groups_reports_daily').filter((r) => ads.has(String(r['ad_id_v2'])));
    expect(groups.length).toBeGreaterThan(0);
    for (const row of groups) {
      const key = `${String(row['ad_id_v2'])}|${String(row['stat_time_day'])}`;
      // Each creative row is rounded to the cent on its own.
      expect(Math.abs((byAd.get(key) ?? 0) - cents(metricsOf(row)['spend'])), key).toBeLessThanOrEqual(5);
    }
  });

  it('custom reports take ad_id_v2 as their id dimension at AUCTION_AD', async () => {
    const report = { name: 'my_asset_groups', report_type: 'BASIC', data_level: 'AUCTION_AD', dimensions: ['ad_id_v2', 'stat_time_day'], metrics: ['spend', 'impressions'] };
    const messages = await readWithConfig(configOf(api, { custom_reports: [report] }), ['my_asset_groups', 'smart_plus_asset_groups_reports_daily']);
    expect(errorsOf(messages)).toEqual([]);
    const builtIn = new Map(recordsOf(messages, 'smart_plus_asset_groups_reports_daily').map((r) => [`${String(r['ad_id_v2'])}|${String(r['stat_time_day'])}`, metricsOf(r)['spend']]));
    const custom = recordsOf(messages, 'my_asset_groups');
    expect(custom.length).toBe(builtIn.size);
    for (const row of custom) expect(metricsOf(row)['spend']).toBe(builtIn.get(`${String(row['ad_id_v2'])}|${String(row['stat_time_day'])}`));
  });

  it('custom reports refuse ad_id_v2 above AUCTION_AD, as TikTok does', () => {
    const report = { name: 'my_asset_groups', data_level: 'AUCTION_ADGROUP', dimensions: ['ad_id_v2', 'stat_time_day'], metrics: ['spend'] };
    expect(() => parseConfig(configOf(api, { custom_reports: [report] }))).toThrow(/"ad_id_v2" cannot key a BASIC report at AUCTION_ADGROUP; its id dimension is "adgroup_id"/);
  });
});

describe('Smart+ ads in the standard ad-level reports, when TikTok gives them no ad_id', () => {
  let api: Emulator;
  beforeAll(async () => {
    api = await emulator({ advertisers: 2, now: NOW, smartPlusNullAdIds: true });
  });
  afterAll(() => api?.close());

  it('keep a stable key, the Smart+ ad they belong to, and lose no spend', async () => {
    const streams = ['ads_reports_daily', 'advertisers_reports_daily', 'smart_plus_ads'];
    const first = await readInProcess(configOf(api), streams, { now: NOW });
    expect(errorsOf(first.messages)).toEqual([]);
    expect(warningsOf(first.messages)).toEqual([]);
    const rows = recordsOf(first.messages, 'ads_reports_daily');
    for (const row of rows) expect(String(row['ad_id'])).toMatch(/^[1-9]\d*$/);
    // No two rows share a key.
    const keys = rows.map((r) => `${String(r['ad_id'])}|${String(r['stat_time_day'])}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Smart+ rows are keyed by their Smart+ ad (smart_plus_ad_id = ad_id_v2), and say so.
    const smartPlusAds = new Set(recordsOf(first.messages, 'smart_plus_ads').map((r) => String(r['smart_plus_ad_id'])));
    const smartPlusRows = rows.filter((r) => smartPlusAds.has(String(r['ad_id'])));
    expect(smartPlusRows.length).toBeGreaterThan(0);
    for (const row of smartPlusRows) expect(String(metricsOf(row)['ad_id_v2'])).toBe(String(row['ad_id']));
    // Every unit spent reaches the ad-level stream: the advertiser-level report is the oracle.
    const byAds = spendByDay(rows);
    const byAdvertiser = spendByDay(recordsOf(first.messages, 'advertisers_reports_daily'));
    expect(byAdvertiser.size).toBeGreaterThan(0);
    for (const [key, spend] of byAdvertiser) expect(Math.abs((byAds.get(key) ?? 0) - spend), key).toBeLessThanOrEqual(rows.length);
    // The same keys on the next run.
    const again = await readInProcess(configOf(api), ['ads_reports_daily'], { now: NOW });
    expect(recordsOf(again.messages, 'ads_reports_daily').map((r) => `${String(r['ad_id'])}|${String(r['stat_time_day'])}`).sort()).toEqual([...keys].sort());
  });
});

describe('Smart+ rows without an ad_id in report tasks', () => {
  let api: Emulator;
  beforeAll(async () => {
    // Tasks slow enough for the synchronous lane to read on meanwhile: both lanes deliver rows.
    api = await emulator({ advertisers: 2, now: NOW, smartPlusNullAdIds: true, taskLatencyMs: 1500 });
  });
  afterAll(() => api?.close());

  it('come keyed by their Smart+ ad too, and the hours add up to the advertiser report', async () => {
    const range = { start_date: addDays(END, -29), end_date: END, async_requests_per_second: 10, requests_per_second: 10 };
    const tasks = () => Object.entries(api.stats().byPath).filter(([path]) => path.includes('report/task/create')).reduce((n, [, c]) => n + c, 0);
    const tasksBefore = tasks();
    const { messages } = await readInProcess(configFor(api.url, { ...range, async_reports: 'auto' }), ['ads_reports_hourly'], { now: NOW });
    expect(errorsOf(messages)).toEqual([]);
    expect(tasks() - tasksBefore).toBeGreaterThan(0);
    const rows = recordsOf(messages, 'ads_reports_hourly');
    for (const row of rows) expect(String(row['ad_id'])).toMatch(/^[1-9]\d*$/);
    const keys = rows.map((r) => `${String(r['ad_id'])}|${String(r['stat_time_hour'])}`);
    expect(new Set(keys).size).toBe(keys.length);
    const oracle = await readInProcess(configFor(api.url, { ...range, async_reports: 'off' }), ['advertisers_reports_hourly'], { now: NOW });
    const byHour = (list: RecordData[]) => {
      const out = new Map<string, number>();
      for (const r of list) out.set(`${String(r['advertiser_id'])}|${String(r['stat_time_hour'])}`, (out.get(`${String(r['advertiser_id'])}|${String(r['stat_time_hour'])}`) ?? 0) + cents(metricsOf(r)['spend']));
      return out;
    };
    const ours = byHour(rows);
    const theirs = byHour(recordsOf(oracle.messages, 'advertisers_reports_hourly'));
    let off = 0;
    for (const [key, spend] of theirs) off += Math.abs((ours.get(key) ?? 0) - spend);
    // Rounded per row: at most half a cent each.
    expect(off).toBeLessThanOrEqual(rows.length);
    expect([...theirs.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(100 * rows.length / 10);
  }, 120_000);
});

describe('an app without the "Upgraded Smart+ Report" scope', () => {
  let api: Emulator;
  beforeAll(async () => {
    api = await emulator({ advertisers: 2, now: NOW, smartPlusReportScope: false });
  });
  afterAll(() => api?.close());

  it('skips the creative-report streams with one warning that names them, and reads the rest', async () => {
    const streams = ['smart_plus_material_reports_daily', 'campaigns', 'smart_plus_material_reports_lifetime', 'smart_plus_ads'];
    const { messages } = await readInProcess(configOf(api), streams, { now: NOW });
    expect(errorsOf(messages)).toEqual([]);
    const warnings = warningsOf(messages).filter((w) => w.includes('Upgraded Smart+ Report'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('smart_plus_material_reports_daily');
    expect(warnings[0]).toContain('smart_plus_material_reports_lifetime');
    expect(recordsOf(messages, 'campaigns').length).toBeGreaterThan(0);
    expect(recordsOf(messages, 'smart_plus_ads').length).toBeGreaterThan(0);
    expect(recordsOf(messages, 'smart_plus_material_reports_daily')).toEqual([]);
    const statuses = messages.flatMap((m) => (m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' ? [`${m.trace.stream_status.stream_descriptor.name}:${m.trace.stream_status.status}`] : []));
    expect(statuses).toContain('smart_plus_material_reports_daily:COMPLETE');
    expect(statuses).toContain('smart_plus_material_reports_lifetime:COMPLETE');
    expect(statuses.filter((s) => s.endsWith(':INCOMPLETE'))).toEqual([]);
  });
});
