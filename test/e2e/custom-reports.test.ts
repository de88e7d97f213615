import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Emulator } from 'tiktok-emulator';
import type { AirbyteMessage, RecordData } from '../../src/protocol/types.ts';
import { targetFromUrl } from '../../src/engines/postgres/target.ts';
import { discover } from '../../src/source.ts';
import { addDays } from '../../src/streams/dates.ts';
import { runSync } from '../../src/sync.ts';
import { STREAMS_BY_NAME } from '../../src/streams/definitions.ts';
import { records, runCli, traces } from '../support/cli.ts';
import { configFor } from '../support/credentials.ts';
import { readWithConfig } from '../support/custom-read.ts';
import { emulator } from '../support/emulator.ts';
import { scratch } from '../support/files.ts';
import { freshSchema } from '../support/postgres.ts';
import { lastStates, recordsOf } from '../support/read.ts';

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);
const START = addDays(END, -9);

let api: Emulator;
beforeAll(async () => {
  api = await emulator({ advertisers: 2, now: NOW });
});
afterAll(() => api?.close());

const ADS_DAILY = {
  name: 'my_ads_daily',
  report_type: 'BASIC',
  data_level: 'AUCTION_AD',
  dimensions: ['ad_id', 'stat_time_day'],
  metrics: ['spend', 'impressions', 'clicks', 'ctr', 'conversion', 'ad_name', 'adgroup_id'],
};
const GENDER_AGE = {
  name: 'campaigns_by_gender_age',
  report_type: 'AUDIENCE',
  data_level: 'AUCTION_CAMPAIGN',
  dimensions: ['campaign_id', 'stat_time_day', 'gender', 'age'],
  metrics: ['spend', 'impressions', 'clicks', 'campaign_name'],
};
const LIFETIME = {
  name: 'campaigns_all_time',
  data_level: 'AUCTION_CAMPAIGN',
  dimensions: ['campaign_id'],
  metrics: ['spend', 'impressions', 'campaign_name'],
};

const config = (reports: unknown[], extra: Record<string, unknown> = {}) =>
  configFor(api.url, { start_date: START, end_date: END, custom_reports: reports, ...extra });
const metricsOf = (row: RecordData) => row['metrics'] as Record<string, unknown>;
const keyOf = (row: RecordData, key: string[]) => key.map((k) => String(row[k])).join('|');
const errorsOf = (messages: AirbyteMessage[]) => messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');

describe('custom reports: end to end against the emulator', () => {
  it('a BASIC daily report has the same rows and figures as ads_reports_daily', async () => {
    const messages = await readWithConfig(config([ADS_DAILY]), ['my_ads_daily', 'ads_reports_daily']);
    expect(errorsOf(messages)).toEqual([]);
    const custom = recordsOf(messages, 'my_ads_daily');
    const builtIn = new Map(recordsOf(messages, 'ads_reports_daily').map((r) => [keyOf(r, ['ad_id', 'stat_time_day']), r]));
    expect(custom.length).toBeGreaterThan(50);
    expect(custom.length).toBe(builtIn.size);
    for (const row of custom) {
      const twin = builtIn.get(keyOf(row, ['ad_id', 'stat_time_day']));
      expect(twin, keyOf(row, ['ad_id', 'stat_time_day'])).toBeDefined();
      expect(row['advertiser_id']).toBe(twin?.['advertiser_id']);
      expect(row['dimensions']).toEqual(twin?.['dimensions']);
      const mine = metricsOf(row);
      expect(Object.keys(mine).sort()).toEqual([...ADS_DAILY.metrics].sort());
      for (const metric of ADS_DAILY.metrics) expect(mine[metric], metric).toEqual(metricsOf(twin ?? {})[metric]);
    }
    // Typed by the metrics table: counts and money are numbers, names text, parent ids exact integers.
    const first = metricsOf(custom[0] ?? {});
    expect(typeof first['spend']).toBe('number');
    expect(typeof first['ad_name']).toBe('string');
    expect(String(first['adgroup_id'])).toMatch(/^\d{16}$/);
  });

  it('is in the catalog with a key from its dimensions, a cursor from its time dimension and a typed schema', () => {
    const catalog = discover(parseConfig(config([ADS_DAILY, GENDER_AGE, LIFETIME])));
    const byName = new Map(catalog.streams.map((s) => [s.name, s]));
    const daily = byName.get('my_ads_daily');
    expect(daily?.source_defined_primary_key).toEqual([['ad_id'], ['stat_time_day']]);
    expect(daily?.default_cursor_field).toEqual(['stat_time_day']);
    expect(daily?.supported_sync_modes).toEqual(['full_refresh', 'incremental']);
    const metrics = (daily?.json_schema['properties'] as Record<string, { properties: Record<string, { type: string[] }> }>)['metrics'];
    expect(metrics?.properties['spend']?.type).toEqual(['null', 'number']);
    expect(metrics?.properties['impressions']?.type).toEqual(['null', 'integer']);
    expect(metrics?.properties['ad_name']?.type).toEqual(['null', 'string']);
    expect(byName.get('campaigns_by_gender_age')?.source_defined_primary_key).toEqual([['campaign_id'], ['stat_time_day'], ['gender'], ['age']]);
    const lifetime = byName.get('campaigns_all_time');
    expect(lifetime?.supported_sync_modes).toEqual(['full_refresh']);
    expect(lifetime?.default_cursor_field).toBeUndefined();
    // Built-in streams are all still there.
    for (const name of STREAMS_BY_NAME.keys()) expect(byName.has(name), name).toBe(true);
  });

  it('an AUDIENCE gender+age report breaks each campaign-day down into buckets that add up to campaigns_reports_daily', async () => {
    const messages = await readWithConfig(config([GENDER_AGE]), ['campaigns_by_gender_age', 'campaigns_reports_daily']);
    expect(errorsOf(messages)).toEqual([]);
    const buckets = recordsOf(messages, 'campaigns_by_gender_age');
    expect(buckets.length).toBeGreaterThan(20);
    const keys = new Set(buckets.map((r) => keyOf(r, ['campaign_id', 'stat_time_day', 'gender', 'age'])));
    expect(keys.size).toBe(buckets.length);
    const sums = new Map<string, number>();
    for (const row of buckets) {
      expect(row['gender']).toMatch(/^[A-Z]+$/);
      expect(row['age']).toMatch(/^AGE_|^NONE$/);
      expect(row['dimensions']).toMatchObject({ gender: row['gender'], age: row['age'], campaign_id: row['campaign_id'] });
      const day = keyOf(row, ['campaign_id', 'stat_time_day']);
      sums.set(day, (sums.get(day) ?? 0) + Number(metricsOf(row)['spend'] ?? 0));
    }
    const basic = recordsOf(messages, 'campaigns_reports_daily');
    expect(sums.size).toBe(basic.length);
    for (const row of basic) {
      expect(sums.get(keyOf(row, ['campaign_id', 'stat_time_day'])) ?? 0).toBeCloseTo(Number(metricsOf(row)['spend'] ?? 0), 1);
    }
  });

  it('a BASIC hourly report equals campaigns_reports_hourly, without the metrics TikTok has no hourly form of', async () => {
    const hourly = { name: 'my_campaigns_hourly', data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id', 'stat_time_hour'], metrics: ['spend', 'impressions', 'clicks'] };
    const messages = await readWithConfig(config([hourly], { start_date: END }), ['my_campaigns_hourly', 'campaigns_reports_hourly']);
    expect(errorsOf(messages)).toEqual([]);
    const custom = recordsOf(messages, 'my_campaigns_hourly');
    const builtIn = new Map(recordsOf(messages, 'campaigns_reports_hourly').map((r) => [keyOf(r, ['campaign_id', 'stat_time_hour']), r]));
    expect(custom.length).toBeGreaterThan(24);
    expect(custom.length).toBe(builtIn.size);
    for (const row of custom) {
      const twin = metricsOf(builtIn.get(keyOf(row, ['campaign_id', 'stat_time_hour'])) ?? {});
      for (const metric of hourly.metrics) expect(metricsOf(row)[metric], metric).toEqual(twin[metric]);
    }
    expect(() => parseConfig(config([{ ...hourly, metrics: ['spend', 'reach'] }]))).toThrow(/"my_campaigns_hourly"\.metrics: "reach" is not computed by the hour/);
  });

  it('a report without a time dimension is a lifetime report equal to campaigns_reports_lifetime', async () => {
    const messages = await readWithConfig(config([LIFETIME]), ['campaigns_all_time', 'campaigns_reports_lifetime']);
    expect(errorsOf(messages)).toEqual([]);
    const custom = recordsOf(messages, 'campaigns_all_time');
    const builtIn = new Map(recordsOf(messages, 'campaigns_reports_lifetime').map((r) => [String(r['campaign_id']), r]));
    expect(custom.length).toBeGreaterThan(3);
    expect(custom.length).toBe(builtIn.size);
    for (const row of custom) {
      const twin = metricsOf(builtIn.get(String(row['campaign_id'])) ?? {});
      for (const metric of LIFETIME.metrics) expect(metricsOf(row)[metric], metric).toEqual(twin[metric]);
      expect(row).not.toHaveProperty('stat_time_day');
    }
  });

  it('a PLAYABLE_MATERIAL report is per playable of each advertiser, keyed with its advertiser', async () => {
    const playables = { name: 'playables', report_type: 'PLAYABLE_MATERIAL', data_level: 'AUCTION_ADVERTISER', dimensions: ['playable_id'], metrics: ['spend', 'impressions', 'clicks'] };
    const advertisersAllTime = { ...LIFETIME, name: 'advertisers_all_time', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'] };
    const raw = config([playables, advertisersAllTime]);
    const stream = discover(parseConfig(raw)).streams.find((s) => s.name === 'playables');
    expect(stream?.source_defined_primary_key).toEqual([['advertiser_id'], ['playable_id']]);
    const messages = await readWithConfig(raw, ['playables', 'advertisers_all_time']);
    expect(errorsOf(messages)).toEqual([]);
    const rows = recordsOf(messages, 'playables');
    expect(rows.length).toBeGreaterThan(0);
    const totals = new Map(recordsOf(messages, 'advertisers_all_time').map((r) => [String(r['advertiser_id']), Number(metricsOf(r)['spend'])]));
    for (const row of rows) {
      expect(String(row['playable_id'])).toMatch(/^\d+$/);
      // The owner is the advertiser read, not the playable (whose id is the report's id dimension).
      expect(totals.has(String(row['advertiser_id']))).toBe(true);
      expect(Number(metricsOf(row)['spend'])).toBeLessThanOrEqual(totals.get(String(row['advertiser_id'])) ?? 0);
    }
  });

  it('lookback_days overrides attribution_window for the re-read of an incremental sync', async () => {
    const report = { ...ADS_DAILY, name: 'ads_lookback', lookback_days: 1 };
    const raw = config([report], { attribution_window: 5 });
    const first = await readWithConfig(raw, ['ads_lookback']);
    const second = await readWithConfig(raw, ['ads_lookback'], lastStates(first));
    const days = new Set(recordsOf(second, 'ads_lookback').map((r) => String(r['stat_time_day']).slice(0, 10)));
    // The cursor is END: one day of lookback re-reads END-1 and END, where attribution_window would reach END-5.
    expect([...days].sort()).toEqual([addDays(END, -1), END]);
  });

  it('sends its filtering: only the filtered campaign comes back', async () => {
    const all = recordsOf(await readWithConfig(config([GENDER_AGE]), ['campaigns_by_gender_age']), 'campaigns_by_gender_age');
    const campaigns = [...new Set(all.map((r) => String(r['campaign_id'])))];
    expect(campaigns.length).toBeGreaterThan(1);
    const chosen = campaigns[1] as string;
    const filtering = JSON.stringify([{ field_name: 'campaign_ids', filter_type: 'IN', filter_value: JSON.stringify([chosen]) }]);
    const filtered = recordsOf(await readWithConfig(config([{ ...GENDER_AGE, filtering }]), ['campaigns_by_gender_age']), 'campaigns_by_gender_age');
    expect(filtered.length).toBe(all.filter((r) => String(r['campaign_id']) === chosen).length);
    expect(new Set(filtered.map((r) => String(r['campaign_id'])))).toEqual(new Set([chosen]));
  });
});

/** Each bad definition, the field its message must name, and words of the reason. */
const BAD: { why: string; report: Record<string, unknown>; field: string; reason: RegExp }[] = [
  { why: 'unknown metric', report: { ...ADS_DAILY, metrics: ['spend', 'spendd'] }, field: 'metrics', reason: /unknown metric "spendd"/ },
  { why: 'metric of another level', report: { ...ADS_DAILY, data_level: 'AUCTION_CAMPAIGN', dimensions: ['campaign_id', 'stat_time_day'] }, field: 'metrics', reason: /unknown metrics "ad_name", "adgroup_id" for BASIC reports at AUCTION_CAMPAIGN/ },
  { why: 'unknown dimension', report: { ...ADS_DAILY, dimensions: ['ad_id', 'stat_time_day', 'colour'] }, field: 'dimensions', reason: /unknown dimension "colour"/ },
  { why: 'too many dimensions', report: { ...GENDER_AGE, dimensions: ['campaign_id', 'stat_time_day', 'gender', 'age', 'platform'] }, field: 'dimensions', reason: /5 dimensions; TikTok allows at most 4/ },
  { why: 'no id dimension', report: { ...ADS_DAILY, dimensions: ['stat_time_day'] }, field: 'dimensions', reason: /needs an id dimension \("ad_id" or "ad_id_v2" for a BASIC report at AUCTION_AD\) or a breakdown/ },
  { why: 'two id dimensions', report: { ...ADS_DAILY, dimensions: ['ad_id', 'ad_id', 'stat_time_day'] }, field: 'dimensions', reason: /names "ad_id" twice/ },
  { why: 'id of another level', report: { ...ADS_DAILY, dimensions: ['campaign_id', 'stat_time_day'] }, field: 'dimensions', reason: /"campaign_id" cannot key a BASIC report at AUCTION_AD/ },
  { why: 'hourly AUDIENCE', report: { ...GENDER_AGE, dimensions: ['campaign_id', 'stat_time_hour', 'gender', 'age'] }, field: 'dimensions', reason: /AUDIENCE reports have no "stat_time_hour"/ },
  { why: 'lifetime CATALOG', report: { ...LIFETIME, report_type: 'CATALOG', metrics: ['spend'] }, field: 'dimensions', reason: /CATALOG reports have no lifetime form/ },
  { why: 'hourly PLAYABLE_MATERIAL', report: { ...LIFETIME, report_type: 'PLAYABLE_MATERIAL', data_level: 'AUCTION_ADVERTISER', dimensions: ['playable_id', 'stat_time_hour'], metrics: ['spend'] }, field: 'dimensions', reason: /PLAYABLE_MATERIAL reports have no "stat_time_hour"/ },
  { why: 'PLAYABLE_MATERIAL at an auction level', report: { ...LIFETIME, report_type: 'PLAYABLE_MATERIAL', data_level: 'AUCTION_AD', dimensions: ['playable_id'], metrics: ['spend'] }, field: 'data_level', reason: /must be AUCTION_ADVERTISER/ },
  { why: 'lifetime by country', report: { ...LIFETIME, dimensions: ['campaign_id', 'country_code'] }, field: 'dimensions', reason: /lifetime BASIC reports cannot break down by "country_code"/ },
  { why: 'cash_spend over the lifetime', report: { ...LIFETIME, data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend', 'cash_spend'] }, field: 'metrics', reason: /"cash_spend" is refused by TikTok in lifetime reports/ },
  { why: 'two breakdowns that do not go together', report: { ...GENDER_AGE, dimensions: ['campaign_id', 'stat_time_day', 'gender', 'platform'] }, field: 'dimensions', reason: /cannot be combined with another breakdown/ },
  { why: 'AUDIENCE without a breakdown', report: { ...GENDER_AGE, dimensions: ['campaign_id', 'stat_time_day'] }, field: 'dimensions', reason: /AUDIENCE reports need a breakdown/ },
  { why: 'reach in AUDIENCE', report: { ...GENDER_AGE, metrics: ['spend', 'reach'] }, field: 'metrics', reason: /"reach" is a unique-visitor metric/ },
  { why: 'name of a built-in stream', report: { ...ADS_DAILY, name: 'ads_reports_daily' }, field: 'name', reason: /name of a built-in stream/ },
  { why: 'name of a built-in typed view', report: { ...ADS_DAILY, name: 'ads_by_country_daily' }, field: 'name', reason: /is the name of an analytics view the connector creates \(the typed view of ads_reports_by_country_daily\).*choose another, such as "ads_by_country_daily_custom"/ },
  { why: 'name of a ready view', report: { ...ADS_DAILY, name: 'campaign_performance_daily' }, field: 'name', reason: /is the name of an analytics view the connector creates \(a ready analytics view\)/ },
  { why: 'unsafe name', report: { ...ADS_DAILY, name: 'Ads Daily; drop' }, field: 'name', reason: /lower-case identifier/ },
  { why: 'bad filtering JSON', report: { ...ADS_DAILY, filtering: '[{"field_name": "ad_ids",' }, field: 'filtering', reason: /is not valid JSON/ },
  { why: 'filtering not a list', report: { ...ADS_DAILY, filtering: '{"field_name": "ad_ids"}' }, field: 'filtering', reason: /must be a JSON array/ },
  { why: 'filter_value not a JSON array', report: { ...ADS_DAILY, filtering: '[{"field_name":"ad_ids","filter_type":"IN","filter_value":"123"}]' }, field: 'filtering[0].filter_value', reason: /JSON array for IN/ },
  { why: 'lookback without a time dimension', report: { ...LIFETIME, lookback_days: 2 }, field: 'lookback_days', reason: /only applies to reports with a time dimension/ },
];

describe('custom reports: bad definitions are config errors naming the report and the field', () => {
  it("the README's example is a valid config with the stream it promises", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = /## Custom reports[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const parsed = parseConfig(JSON.parse(example ?? '{}') as Record<string, unknown>);
    const stream = parsed.customReports[0];
    expect(stream).toMatchObject({ name: 'ads_by_gender_age_daily', reportType: 'AUDIENCE', lookbackDays: 7, breakdowns: ['gender', 'age'] });
    expect(stream?.filtering).toEqual([{ field_name: 'campaign_ids', filter_type: 'IN', filter_value: '["1800000000000001"]' }]);
  });

  for (const bad of BAD) {
    it(bad.why, () => {
      const label = `custom_reports[0] ${JSON.stringify(bad.report['name'])}.${bad.field}`;
      let message = '';
      try {
        parseConfig(configFor('http://127.0.0.1:9', { custom_reports: [bad.report] }));
      } catch (error) {
        message = (error as Error).message;
        expect((error as { failureType?: string }).failureType).toBe('config_error');
      }
      expect(message).toContain(label);
      expect(message).toMatch(bad.reason);
    });
  }

  it('duplicate names: the later report is named', () => {
    expect(() => parseConfig(configFor('http://127.0.0.1:9', { custom_reports: [ADS_DAILY, { ...GENDER_AGE, name: ADS_DAILY.name }] }))).toThrow(
      /custom_reports\[1\] "my_ads_daily"\.name: is used by an earlier custom report/,
    );
  });

  it('shape errors from the spec name the report too (unknown field, report_type outside the enum)', () => {
    expect(() => parseConfig(configFor('http://127.0.0.1:9', { custom_reports: [{ ...ADS_DAILY, report_type: 'BC', colour: 'red' }] }))).toThrow(
      /custom_reports\[0\] "my_ads_daily" has an unknown field "colour".*custom_reports\[0\] "my_ads_daily"\.report_type must be one of "BASIC", "AUDIENCE", "PLAYABLE_MATERIAL", "CATALOG"/,
    );
  });

  it('check answers FAILED with the reason; discover and read end with a config_error TRACE', async () => {
    const files = scratch();
    const configPath = files.json('config.json', configFor(api.url, { custom_reports: [{ ...GENDER_AGE, dimensions: ['campaign_id', 'stat_time_hour', 'gender', 'age'] }] }));
    const catalogPath = files.json('catalog.json', { streams: [] });
    const expected = /custom_reports\[0\] "campaigns_by_gender_age"\.dimensions: AUDIENCE reports have no "stat_time_hour"/;
    await expectRefusedByEveryCommand(configPath, catalogPath, expected);
  });
});

/** `check` answers FAILED with the reason; `discover` and `read` end with exit 1, no record and one config_error TRACE. */
async function expectRefusedByEveryCommand(configPath: string, catalogPath: string, expected: RegExp): Promise<void> {
    const checked = await runCli(['check', '--config', configPath]);
    expect(checked.code).toBe(0);
    const status = checked.messages.find((m) => m.type === 'CONNECTION_STATUS');
    expect(status?.type === 'CONNECTION_STATUS' && status.connectionStatus.status).toBe('FAILED');
    expect(status?.type === 'CONNECTION_STATUS' && status.connectionStatus.message).toMatch(expected);
    for (const command of [['discover', '--config', configPath], ['read', '--config', configPath, '--catalog', catalogPath]]) {
      const result = await runCli(command);
      expect(result.code, command[0]).toBe(1);
      expect(records(result.messages)).toEqual([]);
      const errors = traces(result.messages).flatMap((t) => (t.type === 'ERROR' ? [t.error] : []));
      expect(errors).toHaveLength(1);
      expect(errors[0]?.failure_type).toBe('config_error');
      expect(errors[0]?.message).toMatch(expected);
    }
}

describe('custom report names never collide with a view', () => {
  it('check answers FAILED for a name an analytics view takes; discover and read end with a config_error', async () => {
    const files = scratch();
    const configPath = files.json('config.json', configFor(api.url, { custom_reports: [{ ...ADS_DAILY, name: 'ads_by_country_daily' }] }));
    const catalogPath = files.json('catalog.json', { streams: [] });
    const expected = /custom_reports\[0\] "ads_by_country_daily"\.name: is the name of an analytics view the connector creates \(the typed view of ads_reports_by_country_daily\).*such as "ads_by_country_daily_custom"/;
    await expectRefusedByEveryCommand(configPath, catalogPath, expected);
    // The suggested name is free: the same report under it is a valid config.
    expect(parseConfig(configFor(api.url, { custom_reports: [{ ...ADS_DAILY, name: 'ads_by_country_daily_custom' }] })).customReports[0]?.name).toBe('ads_by_country_daily_custom');
  });
});

describe('include_deleted on report streams', () => {
  const ENTITIES = { campaign: 'campaigns', adgroup: 'ad_groups', ad: 'ads' } as const;
  let deleted: Record<keyof typeof ENTITIES, Set<string>>;
  let lastDeletedAd: RecordData;
  beforeAll(async () => {
    const messages = await readWithConfig(configFor(api.url, { include_deleted: true }), Object.values(ENTITIES));
    const ids = (level: keyof typeof ENTITIES) =>
      recordsOf(messages, ENTITIES[level]).filter((r) => r['operation_status'] === 'DELETE');
    deleted = { campaign: new Set(), adgroup: new Set(), ad: new Set() };
    for (const level of Object.keys(ENTITIES) as (keyof typeof ENTITIES)[]) {
      for (const row of ids(level)) deleted[level].add(String(row[`${level}_id`]));
    }
    // The ad deleted last (on its own), so a short window before its deletion still holds its delivery.
    const own = ids('ad').filter((r) => r['secondary_status'] === 'AD_STATUS_DELETE' && typeof r['modify_time'] === 'string');
    lastDeletedAd = own.sort((a, b) => String(a['modify_time']).localeCompare(String(b['modify_time']))).at(-1) ?? {};
  });

  const lifetimeStreams = ['campaigns_reports_lifetime', 'ad_groups_reports_lifetime', 'ads_reports_lifetime', 'ads_all_time'];
  const adsAllTime = { ...LIFETIME, name: 'ads_all_time', data_level: 'AUCTION_AD', dimensions: ['ad_id'], metrics: ['spend', 'impressions'] };
  const advertisersAllTime = { ...LIFETIME, name: 'advertisers_all_time', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id'], metrics: ['spend'] };
  const levelOf = (stream: string): keyof typeof ENTITIES => (stream.startsWith('campaigns') ? 'campaign' : stream.startsWith('ad_groups') ? 'adgroup' : 'ad');

  it('lifetime reports at every level (built-in and custom): deleted objects only with include_deleted', async () => {
    expect(deleted.campaign.size * deleted.adgroup.size * deleted.ad.size).toBeGreaterThan(0);
    const read = (includeDeleted: boolean) =>
      readWithConfig(configFor(api.url, { include_deleted: includeDeleted, custom_reports: [adsAllTime, advertisersAllTime] }), [...lifetimeStreams, 'advertisers_all_time']);
    const [live, all] = await Promise.all([read(false), read(true)]);
    for (const stream of lifetimeStreams) {
      const level = levelOf(stream);
      const liveIds = recordsOf(live, stream).map((r) => String(r[`${level}_id`]));
      const allIds = recordsOf(all, stream).map((r) => String(r[`${level}_id`]));
      expect(liveIds.length, stream).toBeGreaterThan(0);
      expect(liveIds.filter((id) => deleted[level].has(id)), stream).toEqual([]);
      expect(allIds.filter((id) => deleted[level].has(id)).length, stream).toBeGreaterThan(0);
    }
    // The advertiser level carries no status filter: the same totals either way, and with deleted objects the
    // ads add up to them (as TikTok's levels do only with STATUS_ALL).
    const spendBy = (messages: AirbyteMessage[], stream: string) => {
      const sums = new Map<string, number>();
      for (const r of recordsOf(messages, stream)) sums.set(String(r['advertiser_id']), (sums.get(String(r['advertiser_id'])) ?? 0) + Number(metricsOf(r)['spend'] ?? 0));
      return sums;
    };
    const advertisers = spendBy(all, 'advertisers_all_time');
    expect(spendBy(live, 'advertisers_all_time')).toEqual(advertisers);
    for (const [id, spend] of spendBy(all, 'ads_all_time')) expect(spend).toBeCloseTo(advertisers.get(id) ?? NaN, 1);
    for (const [id, spend] of spendBy(live, 'ads_all_time')) expect(spend).toBeLessThan((advertisers.get(id) ?? 0) - 0.005);
  });

  it('daily BASIC and AUDIENCE reports (built-in and custom) around a deletion: the deleted ad only with include_deleted', async () => {
    const day = String(lastDeletedAd['modify_time']).slice(0, 10);
    const adId = String(lastDeletedAd['ad_id']);
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const genderAge = { ...GENDER_AGE, name: 'ads_by_gender_age', data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_day', 'gender', 'age'], metrics: ['spend'] };
    const streams = ['ads_reports_daily', 'ads_by_gender_age', ...(STREAMS_BY_NAME.has('ads_audience_reports_daily') ? ['ads_audience_reports_daily'] : [])];
    const read = (includeDeleted: boolean) =>
      readWithConfig(
        configFor(api.url, {
          credentials: { ...(configFor(api.url)['credentials'] as object), advertiser_id: String(lastDeletedAd['advertiser_id']) },
          start_date: addDays(day, -3),
          end_date: addDays(day, 1),
          include_deleted: includeDeleted,
          custom_reports: [genderAge],
        }),
        streams,
      );
    const [live, all] = await Promise.all([read(false), read(true)]);
    for (const stream of streams) {
      expect(recordsOf(live, stream).length, stream).toBeGreaterThan(0);
      expect(recordsOf(live, stream).filter((r) => deleted.ad.has(String(r['ad_id']))), stream).toEqual([]);
      expect(recordsOf(all, stream).filter((r) => String(r['ad_id']) === adId).length, stream).toBeGreaterThan(0);
    }
  });
});

describe('custom reports in Postgres', () => {
  it('sync loads a custom AUDIENCE report into its own table, keyed and typed from its definition', async () => {
    const db = await freshSchema('custom');
    try {
      const raw = config([GENDER_AGE]);
      const result = await runSync({ config: parseConfig(raw), target: targetFromUrl(db.url, db.schema), streams: ['campaigns_by_gender_age'], log: () => undefined });
      expect(result.error?.message).toBeUndefined();
      const expected = recordsOf(await readWithConfig(raw, ['campaigns_by_gender_age']), 'campaigns_by_gender_age');
      const [loaded] = await db.query<{ n: number; keys: number; spend: string }>(
        `select count(*)::int as n, count(distinct (campaign_id, stat_time_day, gender, age))::int as keys,
                sum((metrics->>'spend')::numeric)::text as spend from ${db.schema}.campaigns_by_gender_age`,
      );
      expect(loaded?.n).toBe(expected.length);
      expect(loaded?.keys).toBe(expected.length);
      expect(Number(loaded?.spend)).toBeCloseTo(expected.reduce((sum, r) => sum + Number(metricsOf(r)['spend'] ?? 0), 0), 1);
      const types = await db.query<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = 'campaigns_by_gender_age'`,
        [db.schema],
      );
      const typeOf = new Map(types.map((t) => [t.column_name, t.data_type]));
      expect(typeOf.get('gender')).toBe('text');
      expect(typeOf.get('campaign_id')).toBe('bigint');
      expect(typeOf.get('stat_time_day')).toBe('timestamp without time zone');
    } finally {
      await db.drop();
    }
  });
});
