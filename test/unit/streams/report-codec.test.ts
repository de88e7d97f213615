import { describe, expect, it } from 'vitest';
import { STREAMS_BY_NAME, type ReportStream } from '../../../src/streams/definitions.ts';
import { RowError, reportRecord } from '../../../src/streams/report-rows.ts';

const ADV = '7001035076276387841';

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
    const { reportCodec } = await import('../../../src/streams/report-codec.ts');
    const { SerializedRecord } = await import('../../../src/protocol/serialized.ts');
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
    const { reportCodec } = await import('../../../src/streams/report-codec.ts');
    const { LineMessage, SerializedRecord } = await import('../../../src/protocol/serialized.ts');
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
    const { reportCodec } = await import('../../../src/streams/report-codec.ts');
    const codec = reportCodec(stream);
    const odd = codec.message(row({ spend: ' 12.5' }), ADV, 1);
    expect(JSON.parse(JSON.stringify(odd)).record.data.metrics.spend).toBe(12.5);
    expect(() => codec.message(row({ spend: '12,5' }), ADV, 1)).toThrow(RowError);
    expect(() => codec.message(row({ impressions: 'many' }), ADV, 1)).toThrow(/impressions/);
  });
});
