// Hourly reports across both daylight-saving changes, read through the source. TikTok's ad-account clocks keep
// the zone's standard offset all year (its help centre: an account created in California uses UTC−8 for the
// entire year), so a Los Angeles account has 24 hours on 9 March and on 2 November 2025, each hour once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { APP_ID, SECRET, TOKEN, configFor } from '../support/credentials.ts';
import { emulatedAdvertisers, emulator } from '../support/emulator.ts';
import { readInProcess, recordsOf } from '../support/read.ts';

const NOW = new Date('2025-12-01T12:00:00Z');
let api: Emulator;
let losAngeles: string;
beforeAll(async () => {
  api = await emulator({ advertisers: 3, now: NOW, historyDays: 400 });
  const listed = await emulatedAdvertisers<{ advertiser_id: string; timezone: string }>(api);
  losAngeles = listed.find((a) => a.timezone === 'America/Los_Angeles')!.advertiser_id;
});
afterAll(() => api?.close());

describe('daylight saving', () => {
  for (const [change, day] of [['spring forward', '2025-03-09'], ['fall back', '2025-11-02']] as const) {
    it(`${change} (${day}): 24 distinct hours that add up to the day`, async () => {
      const config = configFor(api.url, {
        start_date: day,
        end_date: day,
        credentials: { auth_type: 'oauth2.0', app_id: APP_ID, secret: SECRET, access_token: TOKEN, advertiser_id: losAngeles },
      });
      const { messages } = await readInProcess(config, ['advertisers_reports_hourly', 'advertisers_reports_daily'], { now: NOW });
      const hours = recordsOf(messages, 'advertisers_reports_hourly');
      const stamps = hours.map((r) => String(r['stat_time_hour']));
      expect(stamps).toHaveLength(24);
      expect(new Set(stamps).size).toBe(24);
      expect(stamps.sort()).toEqual(Array.from({ length: 24 }, (_, h) => `${day} ${String(h).padStart(2, '0')}:00:00`));
      const [daily] = recordsOf(messages, 'advertisers_reports_daily');
      for (const metric of ['impressions', 'clicks', 'spend']) {
        const sum = hours.reduce((n, r) => n + Number((r['metrics'] as Record<string, unknown>)[metric]), 0);
        expect(sum, metric).toBeCloseTo(Number((daily?.['metrics'] as Record<string, unknown>)[metric]), 2);
      }
    });
  }
});
