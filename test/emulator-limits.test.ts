// Rate limits (40100 in the envelope, never HTTP 429) and injected faults.
import { describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions } from '../src/emulator/index.ts';

const BASE: EmulatorOptions = {
  port: 0, seed: 31, advertisers: 2, accessToken: 'tok-31', appId: 'app-31', secret: 'sec-31', now: new Date('2025-03-10T12:34:00Z'),
};

interface Envelope { code: number; message: string; data: Record<string, unknown> }

describe('rate limit', () => {
  it('answers 40100 with HTTP 200 above qps and recovers after a pause', async () => {
    const emu = await startEmulator({ ...BASE, qps: 5 });
    try {
      const [adv] = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
      const url = `${emu.url}/open_api/v1.3/campaign/get/?advertiser_id=${adv!.advertiser_id}`;
      const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(url, { headers: { 'Access-Token': BASE.accessToken } })));
      const statuses = answers.map((a) => a.status);
      const codes = await Promise.all(answers.map(async (a) => ((await a.json()) as Envelope).code));
      expect(statuses.every((s) => s === 200)).toBe(true);
      const throttled = codes.filter((c) => c === 40100).length;
      expect(throttled).toBeGreaterThanOrEqual(10);
      expect(codes.filter((c) => c === 0).length).toBeGreaterThanOrEqual(4);
      expect(emu.stats().throttled).toBe(throttled);
      await new Promise((resolve) => setTimeout(resolve, 450));
      const later = await (await fetch(url, { headers: { 'Access-Token': BASE.accessToken } })).json() as Envelope;
      expect(later.code).toBe(0);
    } finally {
      await emu.close();
    }
  });

  it('keeps report tasks in their own, smaller bucket', async () => {
    const emu = await startEmulator({ ...BASE, qps: 100, taskQps: 1 });
    try {
      const [adv] = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
      const check = () => fetch(`${emu.url}/open_api/v1.3/report/task/check/?advertiser_id=${adv!.advertiser_id}&task_id=1`, { headers: { 'Access-Token': BASE.accessToken } }).then(async (r) => ((await r.json()) as Envelope).code);
      expect(await check()).toBe(40002);
      expect(await check()).toBe(40100);
      const list = await fetch(`${emu.url}/open_api/v1.3/campaign/get/?advertiser_id=${adv!.advertiser_id}`, { headers: { 'Access-Token': BASE.accessToken } });
      expect(((await list.json()) as Envelope).code).toBe(0);
    } finally {
      await emu.close();
    }
  });
});

type Outcome = 'ok' | 'code40100' | 'code50000' | 'code50002' | 'code60001' | 'http500' | 'http503' | 'drop' | 'truncate';

async function attempt(url: string): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'Access-Token': BASE.accessToken } });
  } catch {
    return 'drop';
  }
  const text = await response.text();
  if (response.status === 500) return 'http500';
  if (response.status === 503) return 'http503';
  let body: Envelope;
  try {
    body = JSON.parse(text) as Envelope;
  } catch {
    return 'truncate';
  }
  return body.code === 0 ? 'ok' : (`code${body.code}` as Outcome);
}

describe('faults', () => {
  it('injects every kind of fault at faultRate, deterministically, and a retrying client gets through', async () => {
    const run = async () => {
      const emu = await startEmulator({ ...BASE, faultRate: 0.5 });
      try {
        const [adv] = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
        const seen: Outcome[] = [];
        for (let i = 1; i <= 120; i++) {
          const url = `${emu.url}/open_api/v1.3/ad/get/?advertiser_id=${adv!.advertiser_id}&page_size=${i}`;
          // At most 3 faults in a row for one request: the 4th attempt must succeed.
          let outcome: Outcome = 'drop';
          for (let tries = 0; tries < 4 && outcome !== 'ok'; tries++) {
            outcome = await attempt(url);
            seen.push(outcome);
          }
          expect(outcome).toBe('ok');
        }
        const stats = emu.stats();
        expect(stats.faults).toBe(seen.filter((o) => o !== 'ok').length);
        return seen;
      } finally {
        await emu.close();
      }
    };
    const first = await run();
    const kinds = new Set(first.filter((o) => o !== 'ok'));
    expect([...kinds].sort()).toEqual(['code40100', 'code50000', 'code50002', 'code60001', 'drop', 'http500', 'http503', 'truncate']);
    const faults = first.filter((o) => o !== 'ok').length / first.length;
    expect(faults).toBeGreaterThan(0.3);
    expect(faults).toBeLessThan(0.6);
    expect(await run()).toEqual(first);
  });

  it('never faults /_emulator paths and nothing without faultRate', async () => {
    const emu = await startEmulator({ ...BASE, faultRate: 1 });
    const calm = await startEmulator(BASE);
    try {
      for (let i = 0; i < 10; i++) expect((await fetch(`${emu.url}/_emulator/stats`)).status).toBe(200);
      const [adv] = await (await fetch(`${calm.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
      for (let i = 0; i < 20; i++) expect(await attempt(`${calm.url}/open_api/v1.3/campaign/get/?advertiser_id=${adv!.advertiser_id}&page=${i + 1}`)).toBe('ok');
      expect(calm.stats().faults).toBe(0);
    } finally {
      await Promise.all([emu.close(), calm.close()]);
    }
  });
});
