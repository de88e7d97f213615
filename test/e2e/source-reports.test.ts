import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { addDays } from '../../src/streams/dates.ts';
import { configFor } from '../support/credentials.ts';
import { emulatedAdvertisers, emulator } from '../support/emulator.ts';
import { deduped, lastStates, readInProcess, recordsOf, rowDifferences } from '../support/read.ts';

// A fixed clock shared by every emulator here, so two emulators with the same seed hold the same data.
const NOW = new Date();
const today = NOW.toISOString().slice(0, 10);
const END = addDays(today, -2);
const START = addDays(END, -44);

let api: Emulator;
beforeAll(async () => {
  api = await emulator({ advertisers: 3, now: NOW });
});
afterAll(() => api?.close());

const config = (url: string, extra: Record<string, unknown> = {}) => configFor(url, { start_date: START, end_date: END, ...extra });
type Metrics = Record<string, number | null>;
const metrics = (row: Record<string, unknown>) => row['metrics'] as Metrics;

function sumBy(rows: Record<string, unknown>[], key: (row: Record<string, unknown>) => string, metric: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + (metrics(row)[metric] ?? 0));
  return sums;
}
const dayKey = (row: Record<string, unknown>) => `${String(row['advertiser_id'])}|${String(row['stat_time_day'] ?? row['stat_time_hour']).slice(0, 10)}`;

describe('report streams', () => {
  it('levels and granularities agree on spend and impressions', async () => {
    const streams = ['advertisers_reports_daily', 'campaigns_reports_daily', 'ad_groups_reports_daily', 'ads_reports_daily'];
    // Each level hides its deleted objects unless include_deleted asks for them (as TikTok does).
    const { messages } = await readInProcess(config(api.url, { start_date: addDays(END, -6), include_deleted: true }), [...streams, 'advertisers_reports_hourly']);
    for (const metric of ['spend', 'impressions']) {
      const advertiserDays = sumBy(recordsOf(messages, 'advertisers_reports_daily'), dayKey, metric);
      expect(advertiserDays.size).toBe(3 * 7);
      for (const stream of streams.slice(1)) {
        const sums = sumBy(recordsOf(messages, stream), dayKey, metric);
        for (const [day, value] of advertiserDays) expect(sums.get(day) ?? 0, `${stream} ${day} ${metric}`).toBeCloseTo(value, 2);
      }
      const hours = sumBy(recordsOf(messages, 'advertisers_reports_hourly'), dayKey, metric);
      for (const [day, value] of advertiserDays) expect(hours.get(day) ?? 0, `hourly ${day} ${metric}`).toBeCloseTo(value, 2);
    }
    const hourly = recordsOf(messages, 'advertisers_reports_hourly')[0];
    expect(String(hourly?.['stat_time_hour'])).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:00:00$/);
    // TikTok serves cash and voucher spend by the day only; reach is served by the hour too.
    expect(metrics(hourly ?? {})).not.toHaveProperty('cash_spend');
    expect(metrics(hourly ?? {})).toHaveProperty('reach');
  });

  it('types every metric: numbers are numbers, "-" is null, names are text', async () => {
    const { messages } = await readInProcess(config(api.url, { start_date: addDays(END, -3) }), ['ads_reports_daily']);
    const rows = recordsOf(messages, 'ads_reports_daily');
    expect(rows.length).toBeGreaterThan(0);
    let nulls = 0;
    for (const row of rows) {
      const m = row['metrics'] as Record<string, unknown>;
      for (const name of ['spend', 'impressions', 'clicks', 'ctr', 'cpm']) expect(typeof m[name], name).toBe('number');
      expect(typeof m['ad_name']).toBe('string');
      expect(m['cost_per_conversion'] === null || typeof m['cost_per_conversion'] === 'number').toBe(true);
      if (Object.values(m).includes(null)) nulls++;
      expect(Object.values(m)).not.toContain('-');
    }
    expect(nulls).toBeGreaterThan(0);
  });

  it('reports progress: STREAM_STATUS STARTED → RUNNING → COMPLETE and a row ESTIMATE', async () => {
    const { messages } = await readInProcess(config(api.url), ['ads_reports_daily']);
    const statuses = messages.flatMap((m) => (m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' ? [m.trace.stream_status.status] : []));
    expect(statuses).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    const estimates = messages.flatMap((m) => (m.type === 'TRACE' && m.trace.type === 'ESTIMATE' ? [m.trace.estimate.row_estimate ?? 0] : []));
    const rows = recordsOf(messages, 'ads_reports_daily').length;
    // The plan's estimate (every advertiser's days at the rows per day read so far) converges on the rows; it is
    // sent again only when it moved by 2 % or more, so the last one is within 2 %.
    expect(estimates.length).toBeGreaterThan(0);
    expect(Math.abs(estimates.at(-1)! - rows)).toBeLessThanOrEqual(0.02 * rows);
  });

  it('lifetime equals the sum of every day', async () => {
    const { messages } = await readInProcess(config(api.url, { start_date: '2016-09-01', end_date: undefined }), ['campaigns_reports_lifetime', 'campaigns_reports_daily']);
    const lifetime = recordsOf(messages, 'campaigns_reports_lifetime');
    const daily = sumBy(recordsOf(messages, 'campaigns_reports_daily'), (r) => String(r['campaign_id']), 'spend');
    expect(lifetime.length).toBeGreaterThan(0);
    for (const row of lifetime) expect(metrics(row)['spend'] ?? 0).toBeCloseTo(daily.get(String(row['campaign_id'])) ?? 0, 1);
  });

  it('with 10 % injected faults emits exactly the rows of a clean read', async () => {
    const faulty = await emulator({ advertisers: 3, now: NOW, faultRate: 0.1 });
    try {
      const streams = ['ads_reports_daily', 'campaigns_reports_hourly', 'ads'];
      const clean = await readInProcess(config(api.url, { start_date: addDays(END, -9) }), streams, { fullRefresh: true });
      const noisy = await readInProcess(config(faulty.url, { start_date: addDays(END, -9) }), streams, { fullRefresh: true });
      expect(faulty.stats().faults).toBeGreaterThan(0);
      for (const stream of streams) {
        const a = recordsOf(clean.messages, stream).map((r) => JSON.stringify(r)).sort();
        const b = recordsOf(noisy.messages, stream).map((r) => JSON.stringify(r)).sort();
        expect(b.length, stream).toBe(a.length);
        expect(b, stream).toEqual(a);
      }
    } finally {
      await faulty.close();
    }
  });

  it('an interrupted read resumed from its last STATE gives the rows of one uninterrupted read', async () => {
    const streams = ['ads_reports_daily', 'campaigns'];
    const whole = await readInProcess(config(api.url), streams);
    const total = recordsOf(whole.messages, 'ads_reports_daily').length;
    for (const cut of [Math.floor(total / 3), Math.floor((2 * total) / 3)]) {
      const first = await readInProcess(config(api.url), streams, { stopAfterRecords: cut });
      const second = await readInProcess(config(api.url), streams, { state: lastStates(first.messages) });
      for (const [stream, key] of [['ads_reports_daily', ['ad_id', 'stat_time_day']], ['campaigns', ['campaign_id']]] as const) {
        const resumed = deduped([...recordsOf(first.messages, stream), ...recordsOf(second.messages, stream)], [...key]);
        expect(rowDifferences(resumed, deduped(recordsOf(whole.messages, stream), [...key])), `${stream} cut at ${cut}`).toEqual([]);
      }
    }
  });

  it('splits the window on 40067 and still returns every row', async () => {
    const small = await emulator({ advertisers: 3, now: NOW, maxReportRows: 150 });
    try {
      const reference = await readInProcess(config(api.url), ['ads_reports_daily']);
      const split = await readInProcess(config(small.url), ['ads_reports_daily']);
      const key = ['ad_id', 'stat_time_day'];
      expect(rowDifferences(deduped(recordsOf(split.messages, 'ads_reports_daily'), key), deduped(recordsOf(reference.messages, 'ads_reports_daily'), key))).toEqual([]);
      expect(split.requests).toBeGreaterThan(reference.requests);
    } finally {
      await small.close();
    }
  });

  it('re-reads only the attribution window on the next sync', async () => {
    const cfg = config(api.url, { attribution_window: 3 });
    const first = await readInProcess(cfg, ['advertisers_reports_daily', 'ads_reports_daily']);
    const second = await readInProcess(cfg, ['advertisers_reports_daily', 'ads_reports_daily'], { state: lastStates(first.messages) });
    const days = new Set(recordsOf(second.messages, 'advertisers_reports_daily').map((r) => String(r['stat_time_day']).slice(0, 10)));
    expect([...days].sort()).toEqual([addDays(END, -3), addDays(END, -2), addDays(END, -1), END]);
    // One window per advertiser per stream, plus the advertiser lookups.
    expect(second.requests).toBeLessThanOrEqual(2 * 3 + 2);
    expect(first.requests).toBeGreaterThan(second.requests);
  });
});

describe('time zones at both extremes', () => {
  it('reads every day up to today in the advertiser’s own zone, none lost or doubled', async () => {
    const list = await emulatedAdvertisers<{
      advertiser_id: string;
      timezone: string;
      stats_start_date: string;
      today: string;
    }>(api);
    expect(list.map((a) => a.timezone)).toEqual(expect.arrayContaining(['Pacific/Kiritimati', 'Etc/GMT+12']));
    const start = addDays(today, -5);
    const { messages } = await readInProcess(configFor(api.url, { start_date: start }), ['advertisers_reports_daily', 'advertisers_reports_hourly']);
    const rows = recordsOf(messages, 'advertisers_reports_daily');
    for (const advertiser of list) {
      const days = rows.filter((r) => String(r['advertiser_id']) === advertiser.advertiser_id).map((r) => String(r['stat_time_day']).slice(0, 10));
      const expected: string[] = [];
      for (let d = start > advertiser.stats_start_date ? start : advertiser.stats_start_date; d <= advertiser.today; d = addDays(d, 1)) expected.push(d);
      expect(days.sort(), `${advertiser.timezone}`).toEqual(expected);
    }
    const kiritimati = list.find((a) => a.timezone === 'Pacific/Kiritimati');
    const bakerIsland = list.find((a) => a.timezone === 'Etc/GMT+12');
    expect(kiritimati && bakerIsland && kiritimati.today > bakerIsland.today).toBe(true);
    const hours = recordsOf(messages, 'advertisers_reports_hourly').filter((r) => String(r['advertiser_id']) === kiritimati?.advertiser_id);
    expect(hours.some((r) => String(r['stat_time_hour']).startsWith(kiritimati?.today ?? '-'))).toBe(true);
  });
});

describe('asynchronous report tasks', () => {
  it('a large backfill goes through report tasks and gives the same rows as synchronous reads', async () => {
    const streams = ['campaigns_reports_hourly'];
    const range = { start_date: addDays(END, -49), async_requests_per_second: 10, async_task_timeout_minutes: 1 };
    const before = { ...api.stats().byPath };
    const tasks = await readInProcess(config(api.url, range), streams);
    const after = api.stats().byPath;
    const created = Object.entries(after).filter(([p]) => p.includes('report/task/create')).reduce((n, [p, c]) => n + c - (before[p] ?? 0), 0);
    expect(created).toBeGreaterThan(0);
    const sync = await readInProcess(config(api.url, { ...range, async_reports: 'off' }), streams);
    const key = ['campaign_id', 'stat_time_hour'];
    expect(rowDifferences(deduped(recordsOf(tasks.messages, 'campaigns_reports_hourly'), key), deduped(recordsOf(sync.messages, 'campaigns_reports_hourly'), key))).toEqual([]);
    expect(tasks.requests).toBeLessThan(sync.requests);
  });
});
