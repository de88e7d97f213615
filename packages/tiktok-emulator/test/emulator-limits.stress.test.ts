// TikTok's Basic tier with its real figures (no overrides), over a real minute: a client paced under all three
// windows is never refused; one hammering at twice the QPS is suspended once its attempts pass 600 in a
// minute; report/task/create/ is suspended on its own 60 a minute while the app's other calls go on.
// About 65 s of wall time, little CPU.
import { describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.ts';

const BASE: EmulatorOptions = {
  port: 0, seed: 33, advertisers: 1, accessToken: 'tok-33', appId: 'app-33', secret: 'sec-33', now: new Date('2025-03-10T12:34:00Z'), tier: 'basic',
};

const headers = { 'Access-Token': BASE.accessToken, 'Content-Type': 'application/json' };
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function code(emu: Emulator, path: string, init: RequestInit = {}): Promise<number> {
  return ((await (await fetch(`${emu.url}/open_api/v1.3/${path}`, { ...init, headers })).json()) as { code: number }).code;
}

async function withEmulator(body: (emu: Emulator, adv: string) => Promise<void>): Promise<void> {
  const emu = await startEmulator(BASE);
  try {
    const [adv] = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
    await body(emu, adv!.advertiser_id);
  } finally {
    await emu.close();
  }
}

describe('Basic tier over a real minute', () => {
  it('paced at ≤ 9.5 calls a second for 65 s: never refused, never suspended', async () => {
    await withEmulator(async (emu, adv) => {
      const started = performance.now();
      const codes: Promise<number>[] = [];
      for (let i = 0; performance.now() - started < 65_000; i++) {
        const sent = performance.now();
        codes.push(code(emu, `campaign/get/?advertiser_id=${adv}&page=${(i % 50) + 1}`));
        // At least 105 ms between calls: a late timer only widens the gap, it never makes a burst.
        await tick(Math.max(0, sent + 105 - performance.now()));
      }
      const all = await Promise.all(codes);
      expect(all.length).toBeGreaterThan(600);
      expect(all.filter((c) => c !== 0)).toEqual([]);
      expect(emu.stats().suspensions).toEqual({ qpm: 0, qpd: 0 });
    });
  }, 90_000);

  it('hammering at 20 a second: QPS refusals, then the QPM suspension holds every call', async () => {
    await withEmulator(async (emu, adv) => {
      const started = performance.now();
      let tripped = false;
      for (let i = 0; !tripped && performance.now() - started < 50_000; i++) {
        const pair = await Promise.all([code(emu, `campaign/get/?advertiser_id=${adv}`), code(emu, `adgroup/get/?advertiser_id=${adv}`)]);
        expect(pair.every((c) => c === 0 || c === 40100)).toBe(true);
        tripped = emu.stats().suspensions.qpm > 0;
        await tick(Math.max(0, started + (i + 1) * 100 - performance.now()));
      }
      expect(tripped).toBe(true);
      const stats = emu.stats();
      // 600 attempts passed the minute: at most 10 a second were admitted, the rest refused by QPS.
      expect(stats.throttledBy.qps + (stats.requests - stats.throttled)).toBe(600);
      for (let i = 0; i < 5; i++) expect(await code(emu, `ad/get/?advertiser_id=${adv}`)).toBe(40100);
      expect(emu.stats().throttledBy.suspended).toBeGreaterThanOrEqual(5);
    });
  }, 90_000);

  // 1 QPS since the corrections in tiktok-api.md (two of TikTok's pages; it was 2).
  it('report/task/create/ at 4 a second: its own 1 QPS, then its own 60 QPM suspension; other calls go on', async () => {
    await withEmulator(async (emu, adv) => {
      const body = JSON.stringify({ advertiser_id: adv, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'], metrics: ['spend'], start_date: '2025-03-01', end_date: '2025-03-02' });
      const started = performance.now();
      const creates: number[] = [];
      while (emu.stats().suspensions.qpm === 0 && performance.now() - started < 40_000) {
        creates.push(...await Promise.all([1, 2].map(() => code(emu, 'report/task/create/', { method: 'POST', body }))));
        await tick(Math.max(0, started + (creates.length / 4) * 1000 - performance.now()));
      }
      expect(emu.stats().suspensions.qpm).toBe(1);
      expect(creates.filter((c) => c === 0).length).toBeLessThanOrEqual(60);
      expect(await code(emu, 'report/task/create/', { method: 'POST', body })).toBe(40100);
      expect(await code(emu, `campaign/get/?advertiser_id=${adv}`)).toBe(0);
    });
  }, 90_000);
});
