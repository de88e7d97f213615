// Attribution keeps changing TikTok's recent figures (conversions grow for days). With the emulator's clock
// moving between two syncs, the second sync's re-read of the attribution window must UPDATE those rows in
// Postgres (one row per key, the grown value), and leave older days as they were.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import type { Emulator } from 'tiktok-emulator';
import { targetFromUrl } from '../../src/engines/postgres/target.ts';
import { addDays } from '../../src/streams/dates.ts';
import { runSync } from '../../src/sync.ts';
import { configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { freshSchema, type TestSchema } from '../support/postgres.ts';

const T0 = new Date('2026-10-10T12:00:00Z');
const DAY_MS = 86_400_000;
let api: Emulator;
let db: TestSchema;
beforeAll(async () => {
  api = await emulator({ advertisers: 2, now: T0, campaignsPerAdvertiser: 12, adgroupsPerCampaign: 4, adsPerAdgroup: 4 });
  db = await freshSchema('attr');
});
afterAll(async () => {
  await api?.close();
  await db?.drop();
});

type Row = { advertiser_id: string; day: string; conversion: number; n: number };
const rows = async (): Promise<Map<string, Row>> => {
  const found = await db.query<Row>(
    `select advertiser_id::text, stat_time_day::date::text as day, (metrics->>'conversion')::float8 as conversion, count(*) over (partition by advertiser_id, stat_time_day)::int as n
       from ${db.schema}.advertisers_reports_daily`,
  );
  return new Map(found.map((r) => [`${r.advertiser_id}|${r.day}`, r]));
};

describe('attribution re-read', () => {
  it('updates the grown conversions of the last days in Postgres, one row per key', async () => {
    const config = parseConfig(configFor(api.url, { start_date: '2026-09-25', attribution_window: 3 }));
    const target = targetFromUrl(db.url, db.schema);
    const first = await runSync({ config, target, streams: ['advertisers_reports_daily'], now: () => T0, log: () => undefined });
    expect(first.error?.message).toBeUndefined();
    const before = await rows();

    // Two days later, on both clocks.
    const T1 = new Date(T0.getTime() + 2 * DAY_MS);
    const moved = await fetch(`${api.url}/_emulator/clock`, { method: 'POST', body: JSON.stringify({ now: T1.toISOString() }) });
    expect(moved.status).toBe(200);
    const second = await runSync({ config, target, streams: ['advertisers_reports_daily'], now: () => T1, log: () => undefined });
    expect(second.error?.message).toBeUndefined();
    const after = await rows();

    for (const row of after.values()) expect(row.n, `${row.advertiser_id} ${row.day}`).toBe(1);
    const grown = [...before.values()].filter((b) => (after.get(`${b.advertiser_id}|${b.day}`)?.conversion ?? 0) > b.conversion);
    // The days still maturing at T0 (its last three) grew; the days before them did not change.
    expect(grown.length).toBeGreaterThanOrEqual(2);
    for (const row of grown) expect(row.day >= addDays('2026-10-10', -3), row.day).toBe(true);
    for (const row of before.values()) {
      if (row.day < addDays('2026-10-10', -4)) expect(after.get(`${row.advertiser_id}|${row.day}`)?.conversion, row.day).toBe(row.conversion);
    }
    // And the new days are there.
    expect([...after.values()].some((r) => r.day > '2026-10-10')).toBe(true);
  });
});
