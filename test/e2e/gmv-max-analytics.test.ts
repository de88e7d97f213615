// The GMV Max views after a real sync, in Postgres and in the local BigQuery endpoint: `tiktok_spend_daily` (all
// TikTok spend per day and advertiser) equals the auction spend plus the GMV Max cost of the records `read` emits,
// in the advertiser's currency; `gmv_max_performance_daily` recomputes ROI from the sums and keeps orders and
// revenue NULL before 2024-09-27. The oracle is the records themselves, summed here in exact thousandths.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { parseConfig } from '../../src/config.ts';
import { targetFromUrl } from '../../src/engines/postgres/target.ts';
import { targetFromDestinationUrl } from '../../src/engines/registry.ts';
import type { RecordData } from '../../src/protocol/types.ts';
import { runSync } from '../../src/sync.ts';
import { localBigQuery, type LocalBigQueryForTests } from '../support/bigquery.ts';
import { configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { freshSchema, type TestSchema } from '../support/postgres.ts';
import { readInProcess, recordsOf } from '../support/read.ts';

const NOW = new Date('2024-10-12T12:00:00Z');
const STREAMS = [
  'advertisers', 'advertisers_reports_daily', 'gmv_max_stores', 'gmv_max_campaigns', 'gmv_max_campaign_reports_daily',
  'gmv_max_product_reports_daily', 'gmv_max_creative_reports_daily', 'gmv_max_live_reports_daily',
];
/** GMV Max report streams and their typed views (the stream's name without `_reports`). */
const TYPED = ['gmv_max_campaign', 'gmv_max_product', 'gmv_max_creative', 'gmv_max_live'].map((name) => [`${name}_reports_daily`, `${name}_daily`] as const);
const DATASET = 'gmv_max_views';

let api: Emulator;
let db: TestSchema;
let local: LocalBigQueryForTests;
/** `${day}|${advertiser}` → the spend the records say, in thousandths, and the advertiser's currency. */
let expected: Map<string, { auction: number; gmv: number; currency: string }>;
/** `${day}|${store}|${campaign}` → the GMV Max record. */
let gmvRecords: Map<string, RecordData>;
const rawConfig = () => configFor(api.url, { start_date: '2024-09-22', end_date: '2024-10-13' });

const milli = (value: unknown) => Math.round(Number(value) * 1000);
const metric = (record: RecordData, name: string) => (record['metrics'] as Record<string, unknown>)[name];

beforeAll(async () => {
  api = await emulator({ advertisers: 3, now: NOW });
  const { messages } = await readInProcess(rawConfig(), STREAMS, { now: NOW });
  const currency = new Map(recordsOf(messages, 'advertisers').map((a) => [String(a['advertiser_id']), String(a['currency'])]));
  expected = new Map();
  const add = (record: RecordData, part: 'auction' | 'gmv', amount: unknown) => {
    const key = `${String(record['stat_time_day']).slice(0, 10)}|${String(record['advertiser_id'])}`;
    const entry = expected.get(key) ?? { auction: 0, gmv: 0, currency: currency.get(String(record['advertiser_id']))! };
    entry[part] += milli(amount ?? 0);
    expected.set(key, entry);
  };
  for (const r of recordsOf(messages, 'advertisers_reports_daily')) add(r, 'auction', metric(r, 'spend'));
  const gmv = recordsOf(messages, 'gmv_max_campaign_reports_daily');
  for (const r of gmv) add(r, 'gmv', metric(r, 'cost'));
  gmvRecords = new Map(gmv.map((r) => [`${String(r['stat_time_day']).slice(0, 10)}|${String(r['store_id'])}|${String(r['campaign_id'])}`, r]));
  // Both parts must be there for the comparison to say anything.
  expect([...expected.values()].some((e) => e.auction > 0 && e.gmv > 0)).toBe(true);
  expect([...expected.values()].some((e) => e.gmv === 0)).toBe(true);

  db = await freshSchema('gmv_views');
  const pg = await runSync({ config: parseConfig(rawConfig()), target: targetFromUrl(db.url, db.schema), streams: STREAMS, log: () => undefined });
  expect(pg.error?.message).toBeUndefined();
  local = await localBigQuery();
  const url = `bigquery://${local.projectId}/${DATASET}?api_endpoint=${encodeURIComponent(local.url)}&token=tok-gmv-views`;
  const bq = await runSync({ config: parseConfig(rawConfig()), target: targetFromDestinationUrl(url), streams: STREAMS, log: () => undefined });
  expect(bq.error?.message).toBeUndefined();
}, 240_000);
afterAll(async () => {
  await api?.close();
  await db?.drop();
  await local?.close();
});

type SpendRow = { date_day: string; advertiser_id: string; currency: string | null; auction_spend: string; gmv_max_cost: string; total_spend: string };

function expectSpendRows(rows: SpendRow[]): void {
  const seen = new Map(rows.map((r) => [`${r.date_day}|${r.advertiser_id}`, r]));
  expect(seen.size).toBe(rows.length);
  expect([...seen.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, want] of expected) {
    const row = seen.get(key)!;
    expect({ key, currency: row.currency, auction: milli(row.auction_spend), gmv: milli(row.gmv_max_cost), total: milli(row.total_spend) })
      .toEqual({ key, currency: want.currency, auction: want.auction, gmv: want.gmv, total: want.auction + want.gmv });
  }
}

type PerformanceRow = { date_day: string; store_id: string; campaign_id: string; cost: string; orders: string | null; gross_revenue: string | null; roi: string | null };

function expectPerformanceRows(rows: PerformanceRow[]): void {
  expect(rows).toHaveLength(gmvRecords.size);
  let before = 0;
  for (const row of rows) {
    const record = gmvRecords.get(`${row.date_day}|${row.store_id}|${row.campaign_id}`)!;
    expect(milli(row.cost)).toBe(milli(metric(record, 'cost')));
    if (row.date_day < '2024-09-27') {
      before++;
      expect([row.orders, row.gross_revenue, row.roi]).toEqual([null, null, null]);
      continue;
    }
    expect(Number(row.orders)).toBe(metric(record, 'orders'));
    expect(milli(row.gross_revenue)).toBe(milli(metric(record, 'gross_revenue')));
    expect(Number(row.roi)).toBeCloseTo(Number(metric(record, 'gross_revenue')) / Number(metric(record, 'cost')), 6);
  }
  expect(before).toBeGreaterThan(0);
}

describe('GMV Max analytics views', () => {
  it('Postgres: tiktok_spend_daily is auction spend plus GMV Max cost per day and advertiser, with the currency', async () => {
    const rows = await db.query<SpendRow>(
      `select date_day::text as date_day, advertiser_id::text as advertiser_id, currency, auction_spend::text as auction_spend, gmv_max_cost::text as gmv_max_cost, total_spend::text as total_spend from "${db.schema}".tiktok_spend_daily`,
    );
    expectSpendRows(rows);
    const [comment] = await db.query<{ d: string }>(`select obj_description('"${db.schema}".gmv_max_performance_daily'::regclass) as d`);
    expect(comment?.d).toContain('paid, organic and affiliate');
  });

  it('Postgres: gmv_max_performance_daily recomputes ROI from the sums, orders and revenue NULL before 2024-09-27', async () => {
    const rows = await db.query<PerformanceRow>(
      `select date_day::text as date_day, store_id::text as store_id, campaign_id::text as campaign_id, cost::text as cost, orders::text as orders, gross_revenue::text as gross_revenue, roi::text as roi from "${db.schema}".gmv_max_performance_daily`,
    );
    expectPerformanceRows(rows);
  });

  it('every GMV Max report gets its typed view, a row per raw row, in both warehouses', async () => {
    const [job] = await local.client().createQueryJob({
      query: TYPED.map(([stream, view]) => `SELECT '${view}' AS v, (SELECT COUNT(*) FROM \`${local.projectId}.${DATASET}.${view}\`) AS typed, (SELECT COUNT(*) FROM \`${local.projectId}.${DATASET}.${stream}\`) AS raw`).join(' UNION ALL '),
    });
    const [bigquery] = await job.getQueryResults();
    for (const row of bigquery as { v: string; typed: number; raw: number }[]) {
      expect(Number(row.typed), row.v).toBe(Number(row.raw));
      expect(Number(row.raw), row.v).toBeGreaterThan(0);
    }
    for (const [stream, view] of TYPED) {
      const [counts] = await db.query<{ typed: string; raw: string }>(`select (select count(*) from "${db.schema}"."${view}") as typed, (select count(*) from "${db.schema}"."${stream}") as raw`);
      expect(counts?.typed, view).toBe(counts?.raw);
    }
  });

  it('BigQuery: the same two views, with the same numbers', async () => {
    const run = async <T>(query: string): Promise<T[]> => {
      const [job] = await local.client().createQueryJob({ query });
      const [result] = await job.getQueryResults();
      return result as T[];
    };
    const table = (name: string) => `\`${local.projectId}.${DATASET}.${name}\``;
    expectSpendRows(await run<SpendRow>(
      `SELECT CAST(date_day AS STRING) AS date_day, CAST(advertiser_id AS STRING) AS advertiser_id, currency, CAST(auction_spend AS STRING) AS auction_spend, CAST(gmv_max_cost AS STRING) AS gmv_max_cost, CAST(total_spend AS STRING) AS total_spend FROM ${table('tiktok_spend_daily')}`,
    ));
    expectPerformanceRows(await run<PerformanceRow>(
      `SELECT CAST(date_day AS STRING) AS date_day, CAST(store_id AS STRING) AS store_id, CAST(campaign_id AS STRING) AS campaign_id, CAST(cost AS STRING) AS cost, CAST(orders AS STRING) AS orders, CAST(gross_revenue AS STRING) AS gross_revenue, CAST(roi AS STRING) AS roi FROM ${table('gmv_max_performance_daily')}`,
    ));
  });
});
