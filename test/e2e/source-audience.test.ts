import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import type { RecordData } from '../../src/protocol/types.ts';
import { addDays } from '../../src/streams/dates.ts';
import { STREAMS_BY_NAME } from '../../src/streams/definitions.ts';
import { SerializedRecord } from '../../src/protocol/serialized.ts';
import { reportCodec } from '../../src/streams/report-codec.ts';
import { configFor, TOKEN } from '../support/credentials.ts';
import { emulatedAdvertisers, emulator } from '../support/emulator.ts';
import { startProxy } from '../support/proxy.ts';
import { deduped, lastStates, readInProcess, recordsOf, rowDifferences } from '../support/read.ts';

// AUDIENCE and by-country report streams against the emulator, checked against the emulator's own BASIC
// answers (report/integrated/get/, numbers parsed from TikTok's text) as the oracle.

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);
const START = addDays(END, -4);
const SUMMED = ['spend', 'impressions', 'clicks', 'conversion'] as const;

let api: Emulator;
beforeAll(async () => {
  api = await emulator({ advertisers: 2, now: NOW });
});
afterAll(() => api?.close());

const config = (extra: Record<string, unknown> = {}) =>
  configFor(api.url, { start_date: START, end_date: END, requests_per_second: 100, ...extra });

interface EmulatedAdvertiser {
  advertiser_id: string;
  today: string;
}
interface RawRow {
  dimensions: Record<string, string>;
  metrics: Record<string, string>;
}

/** Every row of one synchronous report as TikTok answers it (all pages). */
async function rawReport(params: Record<string, unknown>): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  for (let page = 1; ; page++) {
    const url = new URL('/open_api/v1.3/report/integrated/get/', api.url);
    for (const [k, v] of Object.entries({ ...params, page, page_size: 1000 })) url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    const body = (await (await fetch(url, { headers: { 'Access-Token': TOKEN } })).json()) as {
      code: number;
      message: string;
      data: { list: RawRow[]; page_info: { total_page: number } };
    };
    if (body.code !== 0) throw new Error(`report/integrated/get/: ${body.code} ${body.message}`);
    rows.push(...body.data.list);
    if (page >= body.data.page_info.total_page) return rows;
  }
}

/** Σ of each summed metric by key, from TikTok's text ("-" counts as nothing). */
function sums<T>(rows: T[], key: (row: T) => string, value: (row: T, metric: string) => unknown, metrics: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const row of rows) {
    const totals = out.get(key(row)) ?? metrics.map(() => 0);
    metrics.forEach((metric, i) => {
      const n = Number(value(row, metric));
      if (Number.isFinite(n)) totals[i] = (totals[i] ?? 0) + n;
    });
    out.set(key(row), totals);
  }
  return out;
}

function expectSameSums(actual: Map<string, number[]>, expected: Map<string, number[]>, label: string, metrics: readonly string[]): void {
  expect(actual.size, `${label}: keys`).toBe(expected.size);
  expect(expected.size, `${label}: the oracle has rows`).toBeGreaterThan(0);
  for (const [key, values] of expected) {
    const got = actual.get(key);
    expect(got, `${label} ${key}`).toBeDefined();
    metrics.forEach((metric, i) => expect(got?.[i] ?? NaN, `${label} ${key} ${metric}`).toBeCloseTo(values[i] ?? NaN, 2));
  }
}

/** Five days on which the first advertiser's deleted objects of a level still delivered (found through the API). */
async function daysWithDeletedDelivery(dataLevel: string, level: string): Promise<[string, string]> {
  const [advertiser] = await emulatedAdvertisers<EmulatedAdvertiser>(api);
  for (let back = 0; back < 360; back += 30) {
    const end = addDays(END, -back);
    const rows = await rawReport({
      advertiser_id: advertiser?.advertiser_id ?? '',
      report_type: 'BASIC',
      data_level: dataLevel,
      dimensions: [`${level}_id`, 'stat_time_day'],
      metrics: ['spend'],
      start_date: addDays(end, -29),
      end_date: end,
      filtering: [{ field_name: `${level}_status`, filter_type: 'IN', filter_value: '["STATUS_DELETE"]' }],
    });
    const last = rows.map((r) => (r.dimensions['stat_time_day'] ?? '').slice(0, 10)).sort().at(-1);
    if (last) return [addDays(last, -4), last];
  }
  throw new Error('no deleted delivery in the last year');
}

describe('breakdown streams add up to the BASIC report of the same level and days', () => {
  const cases = [
    'campaigns_audience_reports_daily',
    'ad_group_audience_reports_by_country_daily',
    'ads_audience_reports_by_platform_daily',
    'ads_audience_reports_by_province_daily',
    'advertisers_audience_reports_daily',
    'advertisers_audience_reports_by_language_daily',
    'ads_reports_by_country_daily',
    'ad_groups_reports_by_country_hourly',
  ];
  it.each([...cases.map((name) => [name, false] as const), ['ads_audience_reports_daily', true] as const])('%s (include_deleted %s)', async (name, includeDeleted) => {
    const stream = STREAMS_BY_NAME.get(name);
    if (stream?.kind !== 'report' || !stream.timeDimension) throw new Error(`${name} is not a timed report stream`);
    const time = stream.timeDimension;
    // The additive metrics this stream asks for (conversion only where the level's list has it).
    const metrics = SUMMED.filter((m) => stream.metrics.includes(m));
    expect(metrics).toContain('spend');
    // The hourly stream over one day; the daily ones over five (with include_deleted, five days when deleted
    // objects still delivered).
    const [start, end] = includeDeleted ? await daysWithDeletedDelivery(stream.dataLevel, stream.level) : [time === 'stat_time_hour' ? END : START, END];
    const { messages } = await readInProcess(config({ start_date: start, end_date: end, include_deleted: includeDeleted }), [name]);
    const records = recordsOf(messages, name);
    for (const breakdown of stream.breakdowns ?? []) for (const row of records) expect(typeof row[breakdown], breakdown).toBe('string');
    const recordKey = (row: RecordData) => `${String(row['advertiser_id'])}|${String(row[stream.idDimension])}|${String(row[time])}`;
    const actual = sums(records, recordKey, (row, metric) => (row['metrics'] as Record<string, unknown>)[metric], metrics);

    const expected = new Map<string, number[]>();
    for (const advertiser of await emulatedAdvertisers<EmulatedAdvertiser>(api)) {
      const rows = await rawReport({
        advertiser_id: advertiser.advertiser_id,
        report_type: 'BASIC',
        data_level: stream.dataLevel,
        dimensions: [stream.idDimension, time],
        metrics,
        start_date: start,
        end_date: end,
        ...(includeDeleted ? { filtering: [{ field_name: `${stream.level}_status`, filter_type: 'IN', filter_value: '["STATUS_ALL"]' }] } : {}),
      });
      const oracle = sums(rows, (row) => `${advertiser.advertiser_id}|${row.dimensions[stream.idDimension] ?? ''}|${row.dimensions[time] ?? ''}`, (row, metric) => row.metrics[metric], metrics);
      for (const [key, values] of oracle) expected.set(key, values);
    }
    expectSameSums(actual, expected, name, metrics);
    if (includeDeleted) {
      // Deleted ads have rows too: more ids than without the filter.
      const { messages: hiding } = await readInProcess(config({ start_date: start, end_date: end }), [name]);
      const ids = (rows: RecordData[]) => new Set(rows.map((r) => String(r[stream.idDimension]))).size;
      expect(ids(records)).toBeGreaterThan(ids(recordsOf(hiding, name)));
    }
  });

  it('advertisers_audience_reports_lifetime covers the last 365 days without a time dimension', async () => {
    const name = 'advertisers_audience_reports_lifetime';
    const { messages } = await readInProcess(config({ start_date: '2016-09-01', end_date: undefined }), [name]);
    const records = recordsOf(messages, name);
    for (const row of records) {
      expect(row).not.toHaveProperty('stat_time_day');
      expect(typeof row['gender']).toBe('string');
      expect(typeof row['age']).toBe('string');
    }
    const metrics = ['spend', 'impressions', 'clicks'];
    const actual = sums(records, (row) => String(row['advertiser_id']), (row, metric) => (row['metrics'] as Record<string, unknown>)[metric], metrics);
    const expected = new Map<string, number[]>();
    for (const advertiser of await emulatedAdvertisers<EmulatedAdvertiser>(api)) {
      const rows = await rawReport({
        advertiser_id: advertiser.advertiser_id,
        report_type: 'BASIC',
        data_level: 'AUCTION_ADVERTISER',
        dimensions: ['advertiser_id'],
        metrics,
        start_date: addDays(advertiser.today, -364),
        end_date: advertiser.today,
      });
      expected.set(advertiser.advertiser_id, sums(rows, () => 'all', (row, metric) => row.metrics[metric], metrics).get('all') ?? []);
    }
    expectSameSums(actual, expected, name, metrics);
  });
});

describe('audience state and windows', () => {
  it("resumes from an Airbyte-format state (one cursor per advertiser partition) and checkpoints in Airbyte's shape", async () => {
    const name = 'campaigns_audience_reports_daily';
    const [first, second] = await emulatedAdvertisers<EmulatedAdvertiser>(api);
    const cursorDay = addDays(END, -2);
    // As Airbyte 5.x stores it: per-partition cursors, daily cursor as YYYY-MM-DD.
    const airbyteState = [
      {
        type: 'STREAM',
        stream: {
          stream_descriptor: { name },
          stream_state: { states: [{ partition: { advertiser_id: first?.advertiser_id, parent_slice: {} }, cursor: { stat_time_day: cursorDay } }] },
        },
      },
    ];
    const { messages } = await readInProcess(config({ attribution_window: 1 }), [name], { state: airbyteState });
    const rows = recordsOf(messages, name);
    const firstDay = (advertiserId: string | undefined) =>
      rows.filter((r) => String(r['advertiser_id']) === advertiserId).map((r) => String(r['stat_time_day']).slice(0, 10)).sort()[0];
    // The cursor minus the attribution window for the advertiser with a state; start_date for the other.
    expect(firstDay(first?.advertiser_id)).toBe(addDays(cursorDay, -1));
    expect(firstDay(second?.advertiser_id)).toBe(START);

    const [state] = lastStates(messages) as { stream: { stream_state: { states: { partition: Record<string, unknown>; cursor: Record<string, string> }[] } } }[];
    const entries = state?.stream.stream_state.states ?? [];
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry.partition).toEqual({ advertiser_id: expect.stringMatching(/^\d+$/), parent_slice: {} });
      expect(entry.cursor['stat_time_day']?.slice(0, 10)).toBe(END);
    }
  });

  it("checks BASIC windows against TikTok's totals (a row lost on the way is a counted warning); AUDIENCE has none to ask for", async () => {
    const audience = 'ad_group_audience_reports_by_platform_daily';
    const basic = 'ad_groups_reports_daily';
    // A stub that drops the first row of every first page, as a broken middlebox might.
    const proxy = await startProxy(api.url, {
      rewrite: (request, envelope) => {
        if (request.path !== 'report/integrated/get/' || request.query.get('page') !== '1') return envelope;
        const data = envelope.data as { list: unknown[] };
        return { ...envelope, data: { ...data, list: data.list.slice(1) } };
      },
    });
    try {
      const { messages } = await readInProcess(configFor(proxy.url, { start_date: START, end_date: END, requests_per_second: 100 }), [audience, basic]);
      const warnings = messages.flatMap((m) => (m.type === 'LOG' && m.log.level === 'WARN' ? [m.log.message] : []));
      expect(warnings).toHaveLength(2);
      for (const warning of warnings) expect(warning).toMatch(/ad_groups_reports_daily: advertiser \d+, .*differ from TikTok's totals \(spend: emitted/);
      const summary = messages.flatMap((m) => (m.type === 'LOG' && m.log.message.startsWith('Read summary') ? [m.log.message] : []))[0];
      expect(summary).toContain(`reconciliation mismatches 2 (checked against TikTok's totals: ${basic})`);
      // TikTok gives totals for BASIC reports by one id and/or day only: an AUDIENCE query never asks.
      const audienceQueries = proxy.seen.filter((r) => r.path === 'report/integrated/get/' && r.query.get('report_type') === 'AUDIENCE');
      expect(audienceQueries.length).toBeGreaterThan(0);
      expect(audienceQueries.filter((r) => r.query.has('enable_total_metrics'))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a window TikTok finds too large (40067) is split; the rows are the same', async () => {
    const name = 'ads_audience_reports_daily';
    const small = await emulator({ advertisers: 1, now: NOW, maxReportRows: 300 });
    const whole = await emulator({ advertisers: 1, now: NOW });
    try {
      const read = (url: string) => readInProcess(configFor(url, { start_date: START, end_date: END, requests_per_second: 100, async_reports: 'off' }), [name]);
      const [split, reference] = await Promise.all([read(small.url), read(whole.url)]);
      const key = STREAMS_BY_NAME.get(name)?.primaryKey ?? [];
      const rows = recordsOf(reference.messages, name);
      expect(rows.length).toBeGreaterThan(300);
      expect(rowDifferences(deduped(recordsOf(split.messages, name), key), deduped(rows, key))).toEqual([]);
      // More requests than windows of the whole run: the split happened.
      expect(split.requests).toBeGreaterThan(reference.requests);
    } finally {
      await Promise.all([small.close(), whole.close()]);
    }
  });
});

describe('breakdown records', () => {
  it('copy the breakdown to the top level as text, whatever TikTok sends; "-" metrics become null', () => {
    const stream = STREAMS_BY_NAME.get('ads_audience_reports_by_province_daily');
    if (stream?.kind !== 'report') throw new Error('not a report stream');
    const metrics = Object.fromEntries(stream.metrics.map((m) => [m, m === 'ctr' ? '-' : m.endsWith('_name') || m === 'ad_text' ? 'x' : '1']));
    const codec = reportCodec(stream);
    // The fast path (text values) and the generic one (a number TikTok might send) give the same record.
    for (const province of ['5332921', 5332921]) {
      const message = codec.message({ dimensions: { ad_id: '1710001615000001', stat_time_day: '2026-11-01 00:00:00', province_id: province }, metrics }, '7025951398429960001', 0);
      // The text the CLI writes (precomputed on the fast path) and the typed data a sink reads.
      const lines = [JSON.stringify(message), ...(message instanceof SerializedRecord ? [message.json] : [])];
      expect(lines).toHaveLength(province === '5332921' ? 2 : 1);
      for (const line of lines) {
        const data = (JSON.parse(line) as { record: { data: RecordData } }).record.data;
        expect(data['province_id']).toBe('5332921');
        expect((data['dimensions'] as RecordData)['province_id']).toBe('5332921');
        expect(data['stat_time_day']).toBe('2026-11-01 00:00:00');
        expect((data['metrics'] as RecordData)['ctr']).toBeNull();
        expect((data['metrics'] as RecordData)['spend']).toBe(1);
        expect(line).toContain('"advertiser_id":7025951398429960001');
      }
    }
  });
});
