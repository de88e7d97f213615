import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Emulator } from '../src/emulator/index.ts';
import { addDays } from '../src/streams/dates.ts';
import { STREAMS_BY_NAME } from '../src/streams/definitions.ts';
import { configFor } from './support/credentials.ts';
import { emulator } from './support/emulator.ts';
import { deduped, readInProcess, recordsOf, rowDifferences } from './support/read.ts';

// A year of an audience breakdown at ad level is large enough for report tasks: the CSV rows (breakdown columns
// included) must come out as the same records as synchronous pages.

const NOW = new Date();
const NAME = 'ads_audience_reports_by_country_daily';
let api: Emulator;
beforeAll(async () => {
  api = await emulator({ advertisers: 1, now: NOW, campaignsPerAdvertiser: 24 });
});
afterAll(() => api?.close());

it('an AUDIENCE backfill through report tasks yields the records synchronous reads yield', { timeout: 180_000 }, async () => {
  const read = (asyncReports: 'auto' | 'off') =>
    readInProcess(configFor(api.url, { start_date: addDays(NOW.toISOString().slice(0, 10), -330), requests_per_second: 100, async_reports: asyncReports }), [NAME]);
  const tasksBefore = api.stats().byPath['/open_api/v1.3/report/task/create/'] ?? 0;
  const byTasks = await read('auto');
  expect((api.stats().byPath['/open_api/v1.3/report/task/create/'] ?? 0) - tasksBefore).toBeGreaterThan(0);
  const bySync = await read('off');
  const key = STREAMS_BY_NAME.get(NAME)?.primaryKey ?? [];
  const rows = recordsOf(bySync.messages, NAME);
  expect(rows.length).toBeGreaterThan(50_000);
  expect(rowDifferences(deduped(recordsOf(byTasks.messages, NAME), key), deduped(rows, key))).toEqual([]);
  expect(byTasks.requests).toBeLessThan(bySync.requests / 2);
});
