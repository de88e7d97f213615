import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AirbyteMessage } from '../../../../src/protocol/types.ts';
import { defaultConfiguredCatalog } from '../../../../src/source.ts';
import { loadMessages } from '../../../../src/load/load-messages.ts';
import { targetFromUrl } from '../../../../src/engines/postgres/target.ts';
import { openPostgresSink } from '../../../../src/engines/postgres/postgres-sink.ts';
import { STREAMS_BY_NAME, type ReportStream } from '../../../../src/streams/definitions.ts';
import { reportCodec } from '../../../../src/streams/report-codec.ts';
import { drain, freshSchema, state, streamOf, type TestSchema } from '../../../support/postgres.ts';

// Report records reach the sink as the source makes them: the codec's records whose metrics JSON text the
// sink copies instead of rebuilding. What lands must be what the typed record says.
const ADV = '7001035076276387841';
const stream = STREAMS_BY_NAME.get('ads_reports_daily') as ReportStream;

let db: TestSchema;
beforeEach(async () => {
  db = await freshSchema('rr');
});
afterEach(async () => {
  await db.drop();
});

describe('report records in Postgres', () => {
  it('loads the codec’s JSON text as jsonb equal to the typed metrics, ids and times exact', async () => {
    const codec = reportCodec(stream);
    const metrics = Object.fromEntries(
      stream.metrics.map((m, i) => [m, m.endsWith('_name') || m === 'ad_text' ? `name "${i}"\ttab` : m.endsWith('_id') ? '1714125042500001' : i % 4 === 0 ? '-' : `${i}.50`]),
    );
    const messages: AirbyteMessage[] = [
      codec.message({ dimensions: { ad_id: '1714125042508817', stat_time_day: '2024-01-31 00:00:00' }, metrics }, ADV, 1_700_000_000_000),
      codec.message({ dimensions: { ad_id: '1714125042508818', stat_time_day: '2024-01-31 00:00:00' }, metrics: { ...metrics, spend: ' 7.25' } }, ADV, 1_700_000_000_000),
      state(stream.name, { states: [] }),
    ];
    const sink = await openPostgresSink(targetFromUrl(db.url, db.schema));
    try {
      await drain(loadMessages(sink, defaultConfiguredCatalog([stream.name]), streamOf(messages)));
    } finally {
      await sink.close();
    }
    const rows = await db.query<{ advertiser_id: string; ad_id: string; stat_time_day: string; metrics: string; spend: string }>(
      `select advertiser_id::text, ad_id::text, stat_time_day::text, metrics::text, metrics->>'spend' as spend from "${db.schema}"."ads_reports_daily" order by ad_id`,
    );
    expect(rows.map((r) => [r.advertiser_id, r.ad_id, r.stat_time_day, r.spend])).toEqual([
      [ADV, '1714125042508817', '2024-01-31 00:00:00', null],
      [ADV, '1714125042508818', '2024-01-31 00:00:00', '7.25'],
    ]);
    const typed = JSON.parse(JSON.stringify(messages[0])).record.data.metrics as Record<string, unknown>;
    const loaded = JSON.parse(rows[0]?.metrics ?? '{}') as Record<string, unknown>;
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(typed).sort());
    for (const [name, value] of Object.entries(typed)) {
      if (name === 'campaign_id') continue; // a 16-digit id: compared as text below
      expect(loaded[name], name).toEqual(value);
    }
    expect(rows[0]?.metrics).toContain('"campaign_id": 1714125042500001');
    // The first record took the fast path (TikTok's text copied: 1.50), the second the generic one (1.5).
    expect(rows[0]?.metrics).toContain('"cpc": 1.50');
    expect(rows[1]?.metrics).toContain('"cpc": 1.5,');
  });
});
