import { describe, expect, it } from 'vitest';
import { REPORT_STREAMS, STREAMS_BY_NAME, type ReportStream } from '../../../src/streams/definitions.ts';
import { RowError, reportRecord } from '../../../src/streams/report-rows.ts';

const ADV = '7001035076276387841';

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
