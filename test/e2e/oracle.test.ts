// An oracle independent of the connector: the emulator's raw report/integrated/get answers, fetched here with
// plain HTTP and parsed from TikTok's text ("12.34", "5", "-"), must equal every record the source emits for the
// same rows — value by value, not the connector checked against itself.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { addDays } from '../../src/streams/dates.ts';
import { configFor, TOKEN } from '../support/credentials.ts';
import { advertiserIds, emulator } from '../support/emulator.ts';
import { readInProcess, recordsOf } from '../support/read.ts';

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -1);
const START = addDays(END, -4);

let api: Emulator;
let advertisers: string[];
beforeAll(async () => {
  api = await emulator({ advertisers: 2, now: NOW, seed: 23 });
  advertisers = await advertiserIds(api);
});
afterAll(() => api?.close());

type Raw = { dimensions: Record<string, string>; metrics: Record<string, string | null> };

/** Every row of one raw report, paged by page_info, as TikTok's text. */
async function rawReport(params: Record<string, string>): Promise<Raw[]> {
  const rows: Raw[] = [];
  for (let page = 1; ; page++) {
    const url = new URL('/open_api/v1.3/report/integrated/get/', api.url);
    for (const [k, v] of Object.entries({ ...params, page: String(page), page_size: '1000' })) url.searchParams.set(k, v);
    const body = (await (await fetch(url, { headers: { 'Access-Token': TOKEN } })).json()) as {
      code: number;
      message: string;
      data: { list: Raw[]; page_info: { total_page: number } };
    };
    expect(body.code, body.message).toBe(0);
    rows.push(...body.data.list);
    if (page >= body.data.page_info.total_page) return rows;
  }
}

/** TikTok's text as the value a record must carry: "-" and null are null, numbers are numbers. */
function expected(text: string | null, emitted: unknown): unknown {
  if (text === null || text === '-') return null;
  return typeof emitted === 'number' ? Number(text) : text;
}

const CASES = [
  { stream: 'advertisers_reports_daily', level: 'AUCTION_ADVERTISER', id: 'advertiser_id', time: 'stat_time_day' },
  { stream: 'campaigns_reports_hourly', level: 'AUCTION_CAMPAIGN', id: 'campaign_id', time: 'stat_time_hour' },
  { stream: 'ads_reports_daily', level: 'AUCTION_AD', id: 'ad_id', time: 'stat_time_day' },
  { stream: 'ad_groups_reports_lifetime', level: 'AUCTION_ADGROUP', id: 'adgroup_id', time: undefined },
] as const;

describe('records against the raw API answers', () => {
  for (const c of CASES) {
    it(`${c.stream}: every record, every metric, equals TikTok's text for the same row`, async () => {
      const { messages } = await readInProcess(configFor(api.url, { start_date: START, end_date: END }), [c.stream]);
      const records = recordsOf(messages, c.stream);
      expect(records.length).toBeGreaterThan(0);
      const metricNames = Object.keys(records[0]!['metrics'] as object);
      expect(metricNames.length).toBeGreaterThan(20);
      const key = (id: unknown, time: unknown) => `${String(id)}|${String(time ?? '')}`;
      const oracle = new Map<string, Raw>();
      // TikTok's spans: 30 days by day, one day by hour, none for lifetime.
      const spans: Record<string, string>[] = !c.time
        ? [{ query_lifetime: 'true' }]
        : c.time === 'stat_time_hour'
          ? Array.from({ length: 5 }, (_, i) => ({ start_date: addDays(START, i), end_date: addDays(START, i) }))
          : [{ start_date: START, end_date: END }];
      for (const advertiser of advertisers) {
        for (const span of spans) {
          const rows = await rawReport({
            advertiser_id: advertiser,
            report_type: 'BASIC',
            data_level: c.level,
            dimensions: JSON.stringify(c.time ? [c.id, c.time] : [c.id]),
            metrics: JSON.stringify(metricNames),
            ...span,
          });
          for (const row of rows) oracle.set(key(row.dimensions[c.id], c.time ? row.dimensions[c.time] : undefined), row);
        }
      }
      expect(records.length).toBe(oracle.size);
      let compared = 0;
      for (const record of records) {
        const raw = oracle.get(key(record[c.id], c.time ? record[c.time] : undefined));
        expect(raw, `${c.stream} ${String(record[c.id])} ${String(c.time ? record[c.time] : '')}`).toBeDefined();
        const metrics = record['metrics'] as Record<string, unknown>;
        // TikTok's numbers are text; the record's must be JSON numbers (typed by the schema), never strings.
        for (const name of ['spend', 'impressions', 'clicks', 'ctr', 'cpm']) {
          if (raw!.metrics[name] !== '-' && raw!.metrics[name] !== null) expect(typeof metrics[name], name).toBe('number');
        }
        for (const name of metricNames) {
          expect(metrics[name], `${c.stream} ${name}`).toEqual(expected(raw!.metrics[name] ?? null, metrics[name]));
          compared++;
        }
      }
      expect(compared).toBe(records.length * metricNames.length);
    });
  }
});
