import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor } from '../support/credentials.ts';
import { listenLocal } from '../support/ports.ts';
import { readInProcess, recordsOf } from '../support/read.ts';

// The emulator is consistent by construction, so the anomalies TikTok sometimes serves (a value that is not a
// number, totals that disagree with the rows) come from this small stand-in that answers only what is needed.
const ADVERTISER = '7001035076276387841';
let server: Server;
let url: string;

const envelope = (data: unknown) => JSON.stringify({ code: 0, message: 'OK', request_id: 'r', data });
const row = (day: string, spend: string) => ({
  dimensions: { advertiser_id: ADVERTISER, stat_time_day: `${day} 00:00:00` },
  metrics: { spend, impressions: '100', clicks: '3' },
});

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    response.setHeader('content-type', 'application/json');
    if (path.endsWith('/oauth2/advertiser/get/')) return response.end(envelope({ list: [{ advertiser_id: ADVERTISER, advertiser_name: 'A' }] }));
    if (path.endsWith('/advertiser/info/')) return response.end(envelope({ list: [{ advertiser_id: ADVERTISER, name: 'A', timezone: 'UTC', create_time: 1_600_000_000 }] }));
    if (path.endsWith('/report/integrated/get/')) {
      return response.end(
        envelope({
          list: [row('2024-03-01', '10.00'), row('2024-03-02', 'n/a'), row('2024-03-03', '5.50')],
          page_info: { page: 1, page_size: 1000, total_number: 3, total_page: 1 },
          total_metrics: { spend: '99.00', impressions: '300', clicks: '9' },
        }),
      );
    }
    response.statusCode = 404;
    response.end(JSON.stringify({ code: 40400, message: 'no such path', data: {} }));
  });
  url = await listenLocal(server);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('report anomalies are named and counted, never silent', () => {
  it('skips an unreadable row, warns about it and about totals that disagree, and counts both', async () => {
    const { messages } = await readInProcess(configFor(url, { start_date: '2024-03-01', end_date: '2024-03-03' }), ['advertisers_reports_daily']);
    const rows = recordsOf(messages, 'advertisers_reports_daily');
    expect(rows.map((r) => String(r['stat_time_day']))).toEqual(['2024-03-01 00:00:00', '2024-03-03 00:00:00']);
    const logs = messages.flatMap((m) => (m.type === 'LOG' ? [m.log] : []));
    expect(logs.find((l) => l.level === 'WARN' && /could not be read \(metric spend is "n\/a"/.test(l.message))).toBeDefined();
    expect(logs.find((l) => l.level === 'WARN' && /differ from TikTok's totals \(spend: emitted 15\.5 vs TikTok total 99\.00/.test(l.message))).toBeDefined();
    const summary = logs.at(-1)?.message ?? '';
    expect(summary).toMatch(/unparsed report rows 1/);
    expect(summary).toMatch(/reconciliation mismatches 1/);
  });
});
