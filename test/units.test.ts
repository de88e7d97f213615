import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';
import { ConnectorError } from '../src/errors.ts';
import { parseJsonLossless } from '../src/json.ts';
import { addDays, todayIn } from '../src/streams/dates.ts';
import { REPORT_STREAMS, STREAMS_BY_NAME, type ReportStream } from '../src/streams/definitions.ts';
import { RowError, reportRecord } from '../src/streams/report-rows.ts';
import { PartitionCursors, parseState } from '../src/streams/state.ts';
import { WindowPlanner } from '../src/streams/windows.ts';
import { AdaptiveRateLimiter } from '../src/tiktok/rate-limiter.ts';

const ADV = '7001035076276387841';

describe('ids stay exact', () => {
  it('parses 19-digit integers as digits and writes them back verbatim', () => {
    const parsed = parseJsonLossless(`{"advertiser_id": ${ADV}, "n": 5}`) as Record<string, unknown>;
    expect(parsed['advertiser_id']).toBe(ADV);
    expect(parsed['n']).toBe(5);
    expect(JSON.stringify({ id: JSON.rawJSON(ADV) })).toBe(`{"id":${ADV}}`);
  });
});

describe('report rows', () => {
  const stream = STREAMS_BY_NAME.get('ads_reports_daily') as ReportStream;
  it('types metrics: numeric strings become numbers, "-" null, ids exact, names text', () => {
    const record = reportRecord(
      {
        dimensions: { ad_id: '1714125042508817', stat_time_day: '2024-01-31 00:00:00' },
        metrics: { spend: '20.00', impressions: '4696', ctr: '1.09', cost_per_conversion: '-', ad_name: 'Spring', campaign_id: '1714125042500001' },
      },
      stream,
      JSON.rawJSON(ADV),
    );
    expect(JSON.stringify(record)).toBe(
      `{"advertiser_id":${ADV},"ad_id":1714125042508817,"stat_time_day":"2024-01-31 00:00:00","dimensions":{"ad_id":1714125042508817,"stat_time_day":"2024-01-31 00:00:00"},"metrics":{"spend":20,"impressions":4696,"ctr":1.09,"cost_per_conversion":null,"ad_name":"Spring","campaign_id":1714125042500001}}`,
    );
  });
  it('refuses a row it cannot read', () => {
    expect(() => reportRecord({ dimensions: { ad_id: 'x', stat_time_day: '2024-01-31 00:00:00' } }, stream, JSON.rawJSON(ADV))).toThrow(RowError);
    expect(() =>
      reportRecord({ dimensions: { ad_id: '1', stat_time_day: '2024-01-31 00:00:00' }, metrics: { spend: 'abc' } }, stream, JSON.rawJSON(ADV)),
    ).toThrow(/spend/);
  });
  it('has the 12 BASIC streams with Airbyte keys and cursors', () => {
    expect(REPORT_STREAMS.map((s) => s.name).sort()).toHaveLength(12);
    const hourly = STREAMS_BY_NAME.get('ad_groups_reports_hourly') as ReportStream;
    expect(hourly.primaryKey).toEqual(['adgroup_id', 'stat_time_hour']);
    expect(hourly.cursorField).toBe('stat_time_hour');
    // Reach is served by the hour (Airbyte's hourly streams ask for it); cash/voucher spend only by the day.
    expect(hourly.metrics).toContain('reach');
    expect(STREAMS_BY_NAME.get('advertisers_reports_hourly')).toMatchObject({ metrics: expect.not.arrayContaining(['cash_spend']) });
    expect(STREAMS_BY_NAME.get('advertisers_reports_daily')).toMatchObject({ metrics: expect.arrayContaining(['cash_spend']) });
    const lifetime = STREAMS_BY_NAME.get('campaigns_reports_lifetime') as ReportStream;
    expect(lifetime.primaryKey).toEqual(['campaign_id']);
    expect(lifetime.cursorField).toBeUndefined();
  });
});

describe('window planner', () => {
  const pagesFor = (density: number, days: number) => {
    const planner = new WindowPlanner('2025-01-01', addDays('2025-01-01', days - 1), 30);
    let requests = 0;
    while (!planner.done) {
      const w = planner.next();
      const rows = density * w.days;
      requests += Math.max(1, Math.ceil(rows / 1000));
      planner.completed(w, rows);
    }
    return requests;
  };
  it('fills pages: medium density needs no more requests than rows/1000 plus a little', () => {
    // 50 rows a day: 30-day windows would cost 2 pages for 1500 rows; 20-day windows fill one page exactly.
    expect(pagesFor(50, 365)).toBeLessThanOrEqual(Math.ceil((50 * 365) / 1000) + 2);
    expect(pagesFor(548, 365) / Math.ceil((548 * 365) / 1000)).toBeLessThanOrEqual(1.05);
  });
  it('halves on 40067 and learns the row ceiling', () => {
    const planner = new WindowPlanner('2025-01-01', '2025-12-31', 30);
    const first = planner.next();
    expect(first.days).toBe(30);
    expect(planner.tooLarge(first)).toBe(true);
    const second = planner.next();
    expect(second.days).toBe(15);
    planner.completed(second, 15 * 1000);
    // 30 days drew 40067 at 1000 rows/day: the next windows stay under 30 000 rows.
    expect(planner.next().days).toBeLessThan(30);
    const single = new WindowPlanner('2025-01-01', '2025-01-01', 30);
    expect(single.tooLarge(single.next())).toBe(false);
  });
});

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

describe('config', () => {
  const base = { credentials: { auth_type: 'oauth2.0', app_id: 'a1', secret: 'secret-1', access_token: 'token-1' } };
  it('fills defaults as Airbyte does and picks the host by credentials', () => {
    const config = parseConfig(base);
    expect(config.startDate).toBe('2016-09-01');
    expect(config.attributionWindow).toBe(3);
    expect(config.includeDeleted).toBe(false);
    expect(config.apiBaseUrl).toBe('https://business-api.tiktok.com');
    const sandbox = parseConfig({ credentials: { auth_type: 'sandbox_access_token', advertiser_id: ADV, access_token: 'token-1' } });
    expect(sandbox.apiBaseUrl).toBe('https://sandbox-ads.tiktok.com');
    expect(parseConfig({ ...base, api_base_url: 'http://h:1/open_api/v1.3/' }).apiBaseUrl).toBe('http://h:1');
  });
  it('keeps a 19-digit advertiser id given as a JSON number exact', () => {
    const config = parseConfig(parseJsonLossless(`{"credentials":{"auth_type":"sandbox_access_token","advertiser_id":${ADV},"access_token":"tok-1"}}`));
    expect(config.credentials.kind === 'sandbox' && config.credentials.advertiserId).toBe(ADV);
  });
  it('reads the legacy shapes', () => {
    const config = parseConfig({ access_token: 'tok-legacy', environment: { advertiser_id: ADV } });
    expect(config.credentials).toMatchObject({ kind: 'sandbox', advertiserId: ADV });
  });
});

describe('dates', () => {
  it('computes today in the advertiser time zone', () => {
    const now = new Date('2026-11-25T20:00:00Z');
    expect(todayIn('Pacific/Kiritimati', now)).toBe('2026-11-26');
    expect(todayIn('Etc/GMT+12', now)).toBe('2026-11-25');
    expect(todayIn('Etc/GMT+12', new Date('2026-11-25T11:00:00Z'))).toBe('2026-11-24');
  });
});

describe('rate limiter', () => {
  it('halves on throttle and recovers on success, never above the ceiling', () => {
    const limiter = new AdaptiveRateLimiter(10);
    limiter.onThrottle();
    expect(limiter.currentRate).toBe(5);
    for (let i = 0; i < 100; i++) limiter.onSuccess();
    expect(limiter.currentRate).toBe(10);
  });
  it('spaces requests at the rate', async () => {
    const limiter = new AdaptiveRateLimiter(50);
    const started = performance.now();
    for (let i = 0; i < 6; i++) await limiter.acquire();
    // 6 starts at 50/s need at least 5 intervals of 20 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });
});

describe('report codec (the hot path)', () => {
  const stream = STREAMS_BY_NAME.get('ads_reports_daily') as ReportStream;
  const row = (overrides: Record<string, unknown> = {}) => ({
    dimensions: { ad_id: '1714125042508817', stat_time_day: '2024-01-31 00:00:00' },
    metrics: {
      ...Object.fromEntries(stream.metrics.map((m, i) => [m, m.endsWith('_name') || m === 'ad_text' ? `n"${i}\\` : m.endsWith('_id') ? '1714125042500001' : i % 5 === 0 ? '-' : `${i}.50`])),
      ...overrides,
    },
  });
  it('writes the same JSON as the typed object, numbers as numbers, ids exact', async () => {
    const { reportCodec } = await import('../src/streams/report-codec.ts');
    const { SerializedRecord } = await import('../src/protocol/serialized.ts');
    const message = reportCodec(stream).message(row(), ADV, 1700000000000);
    expect(message).toBeInstanceOf(SerializedRecord);
    const fast = (message as InstanceType<typeof SerializedRecord>).json;
    expect(JSON.parse(fast)).toEqual(JSON.parse(JSON.stringify(message)));
    expect(fast).toContain(`"advertiser_id":${ADV}`);
    expect(fast).toContain('"spend":');
    expect(fast).not.toContain('"-"');
    const generic = JSON.stringify({ type: 'RECORD', record: { stream: stream.name, data: reportRecord(row(), stream, JSON.rawJSON(ADV)), emitted_at: 1700000000000 } });
    expect(JSON.parse(fast)).toEqual(JSON.parse(generic));
  });
  it('as lines (the read command), writes the same line as the record and keeps nothing but it', async () => {
    const { reportCodec } = await import('../src/streams/report-codec.ts');
    const { LineMessage, SerializedRecord } = await import('../src/protocol/serialized.ts');
    const codec = reportCodec(stream);
    const asRecord = codec.message(row(), ADV, 1700000000000) as InstanceType<typeof SerializedRecord>;
    const asLine = codec.message(row(), ADV, 1700000000000, 'lines');
    expect(asLine).toBeInstanceOf(LineMessage);
    const line = asLine as InstanceType<typeof LineMessage>;
    expect(line.json).toBe(asRecord.json);
    expect(line.record.stream).toBe(stream.name);
    expect(line.record.emitted_at).toBe(1700000000000);
    // data is read back from the line, 19-digit ids exact, equal to the typed record's.
    expect(JSON.parse(JSON.stringify(line.record.data))).toEqual(JSON.parse(JSON.stringify(asRecord.record.data)));
    expect(JSON.stringify(line.record.data)).toContain(`"advertiser_id":${ADV},`);
    expect(JSON.parse(JSON.stringify(line))).toEqual(JSON.parse(line.json));
    expect(Object.keys(line.record)).toEqual(['stream', 'emitted_at']);
    // Odd rows still take the generic path, as objects.
    expect(codec.message(row({ spend: ' 12.5' }), ADV, 1, 'lines')).not.toBeInstanceOf(SerializedRecord);
    expect(() => codec.message(row({ spend: '12,5' }), ADV, 1, 'lines')).toThrow(RowError);
  });
  it('takes the generic path for unusual text and refuses what is not a number', async () => {
    const { reportCodec } = await import('../src/streams/report-codec.ts');
    const codec = reportCodec(stream);
    const odd = codec.message(row({ spend: ' 12.5' }), ADV, 1);
    expect(JSON.parse(JSON.stringify(odd)).record.data.metrics.spend).toBe(12.5);
    expect(() => codec.message(row({ spend: '12,5' }), ADV, 1)).toThrow(RowError);
    expect(() => codec.message(row({ impressions: 'many' }), ADV, 1)).toThrow(/impressions/);
  });
});
