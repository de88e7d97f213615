// States written by Airbyte's own TikTok connector (Python CDK, then the low-code manifest with per-partition
// cursors) resume here: per-advertiser partitions, the global cursor, use_global_cursor, lookback_window and
// GLOBAL state messages.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { ConnectorError } from '../../src/errors.ts';
import { addDays } from '../../src/streams/dates.ts';
import { PartitionCursors, parseState } from '../../src/streams/state.ts';
import { configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { readInProcess, recordsOf } from '../support/read.ts';

const lowCode = (partitions: [string, string][], global?: string, useGlobal = false) => ({
  use_global_cursor: useGlobal,
  states: partitions.map(([id, day]) => ({ partition: { advertiser_id: id, parent_slice: {} }, cursor: { stat_time_day: day } })),
  ...(global ? { state: { stat_time_day: global } } : {}),
  lookback_window: 3,
});

describe('Airbyte state shapes', () => {
  it('per-partition cursors win; the global cursor serves advertisers without one', () => {
    const cursors = new PartitionCursors('stat_time_day', lowCode([['7001035076276387841', '2024-09-20']], '2024-09-01'), 's');
    expect(cursors.get('7001035076276387841')).toBe('2024-09-20 00:00:00');
    expect(cursors.get('7001035076276387842')).toBe('2024-09-01 00:00:00');
  });

  it('use_global_cursor: the global cursor serves every advertiser', () => {
    const cursors = new PartitionCursors('stat_time_day', lowCode([['7001035076276387841', '2024-09-20']], '2024-09-05', true), 's');
    expect(cursors.get('7001035076276387841')).toBe('2024-09-05 00:00:00');
    expect(() => new PartitionCursors('stat_time_day', { use_global_cursor: true, states: [] }, 'ads_reports_daily')).toThrow(/use_global_cursor is true but state\.stat_time_day is missing/);
  });

  it('skips a partition the CDK started but never finished (empty cursor), refuses malformed ones by name', () => {
    const cursors = new PartitionCursors('stat_time_day', { states: [{ partition: { advertiser_id: '1', parent_slice: {} }, cursor: {} }] }, 's');
    expect(cursors.get('1')).toBeUndefined();
    expect(() => new PartitionCursors('stat_time_day', { states: [{ partition: { advertiser_id: 'x' }, cursor: { stat_time_day: '2024-01-01' } }] }, 'ads_reports_daily'))
      .toThrow(/stream "ads_reports_daily".*advertiser_id/);
    expect(() => new PartitionCursors('stat_time_day', { state: 'yesterday' }, 'ads_reports_daily')).toThrow(ConnectorError);
  });

  it('reads hourly and entity cursor forms Airbyte writes', () => {
    expect(new PartitionCursors('stat_time_hour', { stat_time_hour: '2024-09-20 13:00:00' }, 's').get('1')).toBe('2024-09-20 13:00:00');
    expect(new PartitionCursors('modify_time', { modify_time: '2024-09-20 13:05:07Z' }, 's').get('1')).toBe('2024-09-20 13:05:07');
    expect(new PartitionCursors('modify_time', { modify_time: '2024-09-20T13:05:07+00:00' }, 's').get('1')).toBe('2024-09-20 13:05:07');
  });

  it('GLOBAL state messages give each stream its own state', () => {
    const state = parseState([
      {
        type: 'GLOBAL',
        global: {
          shared_state: {},
          stream_states: [
            { stream_descriptor: { name: 'ads_reports_daily' }, stream_state: lowCode([['1', '2024-09-20']]) },
            { stream_descriptor: { name: 'campaigns' }, stream_state: { modify_time: '2024-09-01 00:00:00' } },
          ],
        },
      },
    ]);
    expect([...state.keys()]).toEqual(['ads_reports_daily', 'campaigns']);
    expect(new PartitionCursors('stat_time_day', state.get('ads_reports_daily'), 'ads_reports_daily').get('1')).toBe('2024-09-20 00:00:00');
  });
});

describe('a read resumed from an Airbyte low-code state', () => {
  const NOW = new Date();
  const END = addDays(NOW.toISOString().slice(0, 10), -1);
  const START = addDays(END, -20);
  let api: Emulator;
  let ids: string[];
  beforeAll(async () => {
    api = await emulator({ advertisers: 2, now: NOW });
    ids = ((await (await fetch(`${api.url}/_emulator/advertisers`)).json()) as { advertiser_id: string }[]).map((a) => a.advertiser_id);
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
