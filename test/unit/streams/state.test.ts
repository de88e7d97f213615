import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/errors.ts';
import { PartitionCursors, parseState } from '../../../src/streams/state.ts';
import { lowCode } from '../../support/airbyte-state.ts';

const ADV = '7001035076276387841';

describe('state', () => {
  it('accepts per-stream messages, the legacy object, and Airbyte partition cursors', () => {
    const state = parseState([
      { type: 'STREAM', stream: { stream_descriptor: { name: 'ads' }, stream_state: { states: [{ partition: { advertiser_id: ADV, parent_slice: {} }, cursor: { modify_time: '2024-01-02T03:04:05' } }] } } },
    ]);
    const cursors = new PartitionCursors('modify_time', state.get('ads'), 'ads');
    expect(cursors.get(ADV)).toBe('2024-01-02 03:04:05');
    cursors.advance(ADV, '2023-01-01 00:00:00');
    expect(cursors.get(ADV)).toBe('2024-01-02 03:04:05');
    expect(JSON.stringify(cursors.toStreamState())).toContain(`"advertiser_id":${ADV}`);
    expect(parseState({ ads: { modify_time: '2024-01-01' } }).get('ads')).toEqual({ modify_time: '2024-01-01' });
    expect(new PartitionCursors('modify_time', { modify_time: '2024-01-01' }, 'ads').get('1')).toBe('2024-01-01 00:00:00');
    expect(() => parseState(7)).toThrow(ConnectorError);
  });
});

// States written by Airbyte's own TikTok connector (Python CDK, then the low-code manifest with per-partition
// cursors): per-advertiser partitions, the global cursor, use_global_cursor, lookback_window and GLOBAL state
// messages (test/e2e/state-airbyte.test.ts resumes a read from one).
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
