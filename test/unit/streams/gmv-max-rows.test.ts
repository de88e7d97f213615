import { describe, expect, it } from 'vitest';
import { STREAMS_BY_NAME } from '../../../src/streams/definitions.ts';
import { gmvMaxRecord } from '../../../src/streams/gmv-max-rows.ts';
import type { GmvMaxReportStream } from '../../../src/streams/gmv-max-streams.ts';
import { RowError } from '../../../src/streams/report-rows.ts';

const stream = STREAMS_BY_NAME.get('gmv_max_campaign_reports_daily') as GmvMaxReportStream;
const context = { advertiserId: JSON.rawJSON('7000000000000000001'), storeId: JSON.rawJSON('7220000000000000002'), promotion: 'PRODUCT' as const };
const row = (day: string, metrics: Record<string, string>) => ({ dimensions: { campaign_id: '1800000000000003', stat_time_day: `${day} 00:00:00` }, metrics });

describe('GMV Max report rows', () => {
  it('keeps orders and revenue null before 2024-09-27 even when TikTok sends 0, and reads them from that day', () => {
    const metrics = { cost: '12.50', orders: '0', gross_revenue: '0.00', roi: '0.00', cost_per_order: '0.00', product_clicks: '0' };
    const before = gmvMaxRecord(row('2024-09-26', metrics), stream, context)['metrics'] as Record<string, unknown>;
    expect(before).toEqual({ cost: 12.5, orders: null, gross_revenue: null, roi: null, cost_per_order: null, product_clicks: 0 });
    const from = gmvMaxRecord(row('2024-09-27', metrics), stream, context)['metrics'] as Record<string, unknown>;
    expect(from).toEqual({ cost: 12.5, orders: 0, gross_revenue: 0, roi: 0, cost_per_order: 0, product_clicks: 0 });
  });

  it('puts the ids, the store and the promotion type at the top level, "-" as null', () => {
    const record = gmvMaxRecord(row('2024-10-01', { cost: '3.10', orders: '-' }), stream, context);
    expect(JSON.parse(JSON.stringify(record), (_k, v, c: { source?: string }) => (typeof v === 'number' && c.source && c.source.length > 15 ? c.source : v))).toEqual({
      advertiser_id: '7000000000000000001',
      store_id: '7220000000000000002',
      campaign_id: '1800000000000003',
      stat_time_day: '2024-10-01 00:00:00',
      gmv_max_promotion_type: 'PRODUCT',
      dimensions: { campaign_id: '1800000000000003', stat_time_day: '2024-10-01 00:00:00' },
      metrics: { cost: 3.1, orders: null },
    });
  });

  it('refuses a row whose id or time cannot be read, or whose metric is not a number', () => {
    expect(() => gmvMaxRecord({ dimensions: { campaign_id: 'abc', stat_time_day: '2024-10-01 00:00:00' } }, stream, context)).toThrow(RowError);
    expect(() => gmvMaxRecord({ dimensions: { campaign_id: '1', stat_time_day: '2024-10-01' } }, stream, context)).toThrow(RowError);
    expect(() => gmvMaxRecord(row('2024-10-01', { cost: 'lots' }), stream, context)).toThrow(RowError);
  });
});
