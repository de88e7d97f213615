import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { addDays } from '../../src/streams/dates.ts';
import { STREAMS_BY_NAME } from '../../src/streams/definitions.ts';
import { configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { deduped, readInProcess, recordsOf, rowDifferences } from '../support/read.ts';

// A year of an audience breakdown by country is large enough for report tasks where TikTok takes them. A task
// refuses the `result` family with audience or country dimensions ("Create an asynchronous report task"), which
// ad-level audience streams ask for: those stay on the synchronous lane and no task is created for them. The
// campaign-level stream asks for none of them: its task's CSV rows (country names mapped back to ISO codes) must
// come out as the same records as synchronous pages.

const NOW = new Date();
const CAMPAIGNS = 'campaigns_audience_reports_by_country_daily';
const ADS = 'ads_audience_reports_by_country_daily';
let api: Emulator;
beforeAll(async () => {
  api = await emulator({ advertisers: 1, now: NOW, campaignsPerAdvertiser: 24 });
});
afterAll(() => api?.close());

const creates = () => api.stats().byPath['/open_api/v1.3/report/task/create/'] ?? 0;
// At TikTok's Basic pace (10 calls a second) and its 1 task create a second, a task pays off for a year.
const read = (name: string, asyncReports: 'auto' | 'off', days: number) =>
  readInProcess(
    configFor(api.url, { start_date: addDays(NOW.toISOString().slice(0, 10), -days), requests_per_second: 10, async_requests_per_second: 1, async_reports: asyncReports }),
    [name],
  );

it('an AUDIENCE backfill through report tasks yields the records synchronous reads yield', { timeout: 300_000 }, async () => {
  const before = creates();
  const byTasks = await read(CAMPAIGNS, 'auto', 330);
  expect(creates() - before).toBeGreaterThan(0);
  const bySync = await read(CAMPAIGNS, 'off', 330);
  const key = STREAMS_BY_NAME.get(CAMPAIGNS)?.primaryKey ?? [];
  const rows = recordsOf(bySync.messages, CAMPAIGNS);
  expect(rows.length).toBeGreaterThan(5_000);
  expect(rowDifferences(deduped(recordsOf(byTasks.messages, CAMPAIGNS), key), deduped(rows, key))).toEqual([]);
  expect(byTasks.requests).toBeLessThan(bySync.requests);
});

it('an ad-level AUDIENCE backfill by country (the `result` family, refused by tasks) creates no task', { timeout: 300_000 }, async () => {
  const before = creates();
  const { messages } = await read(ADS, 'auto', 120);
  expect(creates() - before).toBe(0);
  expect(recordsOf(messages, ADS).length).toBeGreaterThan(10_000);
});
