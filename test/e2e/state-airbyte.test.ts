// States written by Airbyte's own TikTok connector (Python CDK, then the low-code manifest with per-partition
// cursors) resume here: per-advertiser partitions, the global cursor, use_global_cursor, lookback_window and
// GLOBAL state messages (their shapes, parsed without a read: test/unit/streams/state.test.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { addDays } from '../../src/streams/dates.ts';
import { lowCode } from '../support/airbyte-state.ts';
import { configFor } from '../support/credentials.ts';
import { advertiserIds, emulator } from '../support/emulator.ts';
import { readInProcess, recordsOf } from '../support/read.ts';

describe('a read resumed from an Airbyte low-code state', () => {
  const NOW = new Date();
  const END = addDays(NOW.toISOString().slice(0, 10), -1);
  const START = addDays(END, -20);
  let api: Emulator;
  let ids: string[];
  beforeAll(async () => {
    api = await emulator({ advertisers: 2, now: NOW });
    ids = await advertiserIds(api);
  });
  afterAll(() => api?.close());

  const minDay = (rows: Record<string, unknown>[], id: string) =>
    rows.filter((r) => String(r['advertiser_id']) === id).map((r) => String(r['stat_time_day']).slice(0, 10)).sort()[0];

  for (const stream of ['advertisers_reports_daily', 'advertisers_audience_reports_daily']) {
    it(`${stream}: each advertiser resumes at its own cursor minus the attribution window`, async () => {
      const own = addDays(END, -6);
      const global = addDays(END, -12);
      const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: lowCode([[ids[0]!, own]], global) } }];
      const config = configFor(api.url, { start_date: START, end_date: END, attribution_window: 2 });
      const { messages } = await readInProcess(config, [stream], { state });
      const rows = recordsOf(messages, stream);
      // The partition's own cursor for the first advertiser, the global cursor for the second.
      expect(minDay(rows, ids[0]!)).toBe(addDays(own, -2));
      expect(minDay(rows, ids[1]!)).toBe(addDays(global, -2));
      // Its next state is in Airbyte's partition shape again, with both advertisers through the end.
      const last = messages.filter((m) => m.type === 'STATE').at(-1);
      const states = last?.type === 'STATE' ? (last.state.stream?.stream_state?.['states'] as { partition: { advertiser_id: unknown }; cursor: Record<string, string> }[]) : [];
      expect(states.map((s) => [String(s.partition.advertiser_id), s.cursor['stat_time_day']?.slice(0, 10)]).sort()).toEqual(
        ids.map((id) => [id, END]).sort(),
      );
    });
  }
});
