// Rate limits: 40100 in the envelope (HTTP 200, never 429, no headers). TikTok's QPS, QPM and QPD windows per
// app by tier, report/task/create/'s own window, the sandbox per endpoint, suspensions, and one budget shared
// by every token of an app. Tokens minted and revoked at runtime.
import { describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.ts';

const BASE: EmulatorOptions = {
  port: 0, seed: 31, advertisers: 2, accessToken: 'tok-31', appId: 'app-31', secret: 'sec-31', now: new Date('2025-03-10T12:34:00Z'),
};

interface Envelope { code: number; message: string; data: Record<string, unknown> }
interface Answer { status: number; code: number; message: string; headers: Headers }

async function withEmulator(options: Partial<EmulatorOptions>, body: (emu: Emulator, advertiserId: string) => Promise<void>): Promise<void> {
  const emu = await startEmulator({ ...BASE, ...options });
  try {
    const [adv] = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
    await body(emu, adv!.advertiser_id);
  } finally {
    await emu.close();
  }
}

async function call(emu: Emulator, path: string, token = BASE.accessToken, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${emu.url}/open_api/v1.3/${path}`, { ...init, headers: { 'Access-Token': token, 'Content-Type': 'application/json' } });
  const body = await response.json() as Envelope;
  return { status: response.status, code: body.code, message: body.message, headers: response.headers };
}

const campaigns = (advertiserId: string, page = 1) => `campaign/get/?advertiser_id=${advertiserId}&page=${page}`;

async function admin(emu: Emulator, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emu.url}/_emulator/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  expect(response.status, path).toBe(200);
  return await response.json() as Record<string, unknown>;
}

const codes = (answers: Answer[]) => answers.map((a) => a.code);
const count = (values: number[], code: number) => values.filter((c) => c === code).length;

describe('--qps without a tier (the older per-second ceiling)', () => {
  it('answers 40100 with HTTP 200 above qps and recovers after a pause', async () => {
    await withEmulator({ qps: 5 }, async (emu, adv) => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => call(emu, campaigns(adv))));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const throttled = count(codes(answers), 40100);
      expect(throttled).toBeGreaterThanOrEqual(10);
      expect(count(codes(answers), 0)).toBeGreaterThanOrEqual(4);
      expect(emu.stats().throttled).toBe(throttled);
      expect(emu.stats().throttledBy.qps).toBe(throttled);
      await new Promise((resolve) => setTimeout(resolve, 450));
      expect((await call(emu, campaigns(adv))).code).toBe(0);
    });
  });

  it('limits nothing when neither a tier nor qps is given', async () => {
    await withEmulator({}, async (emu, adv) => {
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => call(emu, campaigns(adv, i + 1))));
      expect(count(codes(answers), 0)).toBe(60);
      expect(emu.stats().throttled).toBe(0);
    });
  });
});

describe("TikTok's windows by tier", () => {
  it('basic: 10 calls in a second pass, the rest get 40100 in the body only; no suspension', async () => {
    await withEmulator({ tier: 'basic' }, async (emu, adv) => {
      const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => call(emu, campaigns(adv, i + 1))));
      expect(answers.map((a) => a.status)).toEqual(Array(15).fill(200));
      expect(count(codes(answers), 0)).toBe(10);
      const refused = answers.filter((a) => a.code === 40100);
      expect(refused).toHaveLength(5);
      expect(refused[0]!.message).toBe('App reaches the QPS limit.');
      // Signalled only in the body: no Retry-After, no rate-limit headers.
      expect([...refused[0]!.headers.keys()].filter((h) => /retry|ratelimit|rate-limit/i.test(h))).toEqual([]);
      expect(emu.stats().throttledBy).toEqual({ qps: 5, qpm: 0, qpd: 0, suspended: 0, advertiser: 0 });
      expect(emu.stats().suspensions).toEqual({ qpm: 0, qpd: 0 });
    });
  });

  // Spread over three advertisers: each advertiser takes at most 20 calls a second on one path (40133, below).
  it('ultimate allows 50 a second', async () => {
    await withEmulator({ tier: 'ultimate', advertisers: 3 }, async (emu) => {
      const ids = (await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[]).map((a) => a.advertiser_id);
      const answers = await Promise.all(Array.from({ length: 55 }, (_, i) => call(emu, campaigns(ids[i % 3]!, i + 1))));
      expect(count(codes(answers), 0)).toBe(50);
      expect(count(codes(answers), 40100)).toBe(5);
    });
  });

  it('a QPM breach suspends the whole app (every call 40100) for suspensionMs, then it serves again', async () => {
    await withEmulator({ tier: 'basic', qps: 1000, qpm: 20, suspensionMs: 1500 }, async (emu, adv) => {
      const other = await admin(emu, 'tokens', {}) as { access_token: string };
      // The other app reads the other advertiser: the first one's 20 calls a second on campaign/get/ are spent.
      const [, second] = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
      const first = [];
      for (let i = 0; i < 20; i++) first.push((await call(emu, campaigns(adv, i + 1))).code);
      expect(first).toEqual(Array(20).fill(0));
      const tripped = Date.now();
      expect((await call(emu, campaigns(adv))).code).toBe(40100);
      // Suspended: any endpoint of the app, even one never called before, within its QPS.
      const during = await call(emu, `advertiser/info/?advertiser_ids=["${adv}"]`);
      expect([during.status, during.code]).toEqual([200, 40100]);
      expect(during.message).toMatch(/suspended/);
      // Another app is not affected.
      expect((await call(emu, campaigns(second!.advertiser_id), other.access_token)).code).toBe(0);
      expect(emu.stats().suspensions).toEqual({ qpm: 1, qpd: 0 });
      expect(emu.stats().throttledBy.qpm).toBe(1);
      expect(emu.stats().throttledBy.suspended).toBe(1);
      let code = 40100;
      while (code === 40100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        code = (await call(emu, campaigns(adv))).code;
      }
      expect(code).toBe(0);
      expect(Date.now() - tripped).toBeGreaterThanOrEqual(1400);
      expect(emu.stats().suspensions.qpm).toBe(1);
    });
  });

  it('calls refused by QPS still count in the minute: hammering above QPS trips the QPM suspension', async () => {
    await withEmulator({ tier: 'basic', qps: 5, qpm: 20, suspensionMs: 60_000 }, async (emu, adv) => {
      const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => call(emu, campaigns(adv, i + 1))));
      expect(count(codes(answers), 0)).toBe(5);
      expect(emu.stats().throttledBy).toEqual({ qps: 15, qpm: 1, qpd: 0, suspended: 4, advertiser: 0 });
      expect(emu.stats().suspensions.qpm).toBe(1);
    });
  });

  it('a QPD breach holds until 00:00 UTC of the emulator clock', async () => {
    await withEmulator({ tier: 'basic', qpd: 5 }, async (emu, adv) => {
      for (let i = 0; i < 5; i++) expect((await call(emu, campaigns(adv, i + 1))).code).toBe(0);
      const over = await call(emu, campaigns(adv, 6));
      expect(over.code).toBe(40100);
      expect(over.message).toMatch(/00:00 UTC/);
      await admin(emu, 'clock', { now: '2025-03-10T23:59:59Z' });
      expect((await call(emu, campaigns(adv, 7))).code).toBe(40100);
      await admin(emu, 'clock', { advance_ms: 2000 });
      expect((await call(emu, campaigns(adv, 8))).code).toBe(0);
      expect(emu.stats().suspensions).toEqual({ qpm: 0, qpd: 1 });
      expect(emu.stats().throttledBy).toMatchObject({ qpd: 1, suspended: 1 });
    });
  });

  // 1 QPS since the corrections in tiktok-api.md (two of TikTok's pages; it was 2).
  it('report/task/create/ has its own 1 QPS on top; the other task calls fall under the app window', async () => {
    await withEmulator({ tier: 'basic' }, async (emu, adv) => {
      const body = JSON.stringify({ advertiser_id: adv, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'], metrics: ['spend'], start_date: '2025-03-01', end_date: '2025-03-02' });
      const creates = await Promise.all(Array.from({ length: 3 }, () => call(emu, 'report/task/create/', BASE.accessToken, { method: 'POST', body })));
      expect(codes(creates).sort()).toEqual([0, 40100, 40100]);
      expect(creates.find((a) => a.code === 40100)!.message).toMatch(/report\/task\/create/);
      const checks = await Promise.all(Array.from({ length: 5 }, () => call(emu, `report/task/check/?advertiser_id=${adv}&task_id=1`)));
      expect(codes(checks)).toEqual(Array(5).fill(40002));
    });
  });

  it('sandbox: 1 QPS per endpoint, each endpoint on its own', async () => {
    await withEmulator({ tier: 'sandbox' }, async (emu, adv) => {
      const lists = await Promise.all([call(emu, campaigns(adv, 1)), call(emu, campaigns(adv, 2))]);
      expect(codes(lists).sort()).toEqual([0, 40100]);
      expect((await call(emu, `adgroup/get/?advertiser_id=${adv}`)).code).toBe(0);
    });
  });
});

describe('apps and tokens', () => {
  it('two tokens of one app share one budget; another app has its own', async () => {
    await withEmulator({ tier: 'basic' }, async (emu, adv) => {
      const second = await admin(emu, 'tokens', { app_id: BASE.appId }) as { access_token: string; app_id: string };
      const otherApp = await admin(emu, 'tokens', {}) as { access_token: string; app_id: string };
      expect(second.app_id).toBe(BASE.appId);
      expect(otherApp.app_id).not.toBe(BASE.appId);
      const calls = [
        ...Array.from({ length: 6 }, (_, i) => call(emu, campaigns(adv, i + 1), BASE.accessToken)),
        ...Array.from({ length: 6 }, (_, i) => call(emu, campaigns(adv, i + 7), second.access_token)),
        ...Array.from({ length: 10 }, (_, i) => call(emu, campaigns(adv, i + 1), otherApp.access_token)),
      ];
      const answers = codes(await Promise.all(calls));
      expect(count(answers.slice(0, 12), 0)).toBe(10);
      expect(count(answers.slice(0, 12), 40100)).toBe(2);
      expect(count(answers.slice(12), 0)).toBe(10);
    });
  });

  it('a token revoked at runtime answers 40105 from then on; the app re-authorises with an auth code', async () => {
    await withEmulator({}, async (emu, adv) => {
      const minted = await admin(emu, 'tokens', { app_id: BASE.appId }) as { access_token: string };
      expect((await call(emu, campaigns(adv), minted.access_token)).code).toBe(0);
      await admin(emu, 'tokens/revoke', { access_token: minted.access_token });
      const refused = await call(emu, campaigns(adv), minted.access_token);
      expect([refused.status, refused.code, refused.message]).toEqual([200, 40105, 'Access token is incorrect or has been revoked.']);
      expect((await call(emu, campaigns(adv), BASE.accessToken)).code).toBe(0);
      const unknown = await fetch(`${emu.url}/_emulator/tokens/revoke`, { method: 'POST', body: JSON.stringify({ access_token: 'never-issued' }) });
      expect(unknown.status).toBe(404);

      await admin(emu, 'tokens/revoke', { access_token: BASE.accessToken });
      expect((await call(emu, campaigns(adv), BASE.accessToken)).code).toBe(40105);
      const exchange = await fetch(`${emu.url}/open_api/v1.3/oauth2/access_token/`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ app_id: BASE.appId, secret: BASE.secret, auth_code: 'auth-code-31-1' }),
      });
      const fresh = (await exchange.json() as Envelope).data.access_token as string;
      expect(fresh).not.toBe(BASE.accessToken);
      expect((await call(emu, campaigns(adv), fresh)).code).toBe(0);
    });
  });

  it('a minted app exchanges auth codes with its own secret', async () => {
    await withEmulator({}, async (emu) => {
      const app = await admin(emu, 'tokens', { app_id: 'second-app' }) as { access_token: string; secret: string };
      const exchange = async (secret: string, code: string) => (await (await fetch(`${emu.url}/open_api/v1.3/oauth2/access_token/`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ app_id: 'second-app', secret, auth_code: code }),
      })).json()) as Envelope;
      expect((await exchange(BASE.secret, 'auth-code-31-2')).code).toBe(40001);
      const ok = await exchange(app.secret, 'auth-code-31-3');
      expect([ok.code, ok.data.access_token]).toEqual([0, app.access_token]);
    });
  });
});

describe('flags', () => {
  it('parses the limit, fault, task and clock flags and refuses bad values', async () => {
    const { parseEmulatorArgs } = await import('../src/command.ts');
    const { resolveOptions } = await import('../src/options.ts');
    const parsed = parseEmulatorArgs([
      '--tier', 'premium', '--qpm=90', '--qpd', '5000', '--suspension-ms', '1500', '--fault-kinds', 'drop, slow,streamCut', '--max-fault-streak', '3',
      '--slow-fault-ms', '250', '--task-ms-per-1000-rows', '2.5', '--task-concurrency', '4', '--task-failure-rate', '0.1', '--task-stall-rate', '0.05', '--clock-speed', '60',
    ]);
    expect(parsed).toMatchObject({
      tier: 'premium', qpm: 90, qpd: 5000, suspensionMs: 1500, faultKinds: ['drop', 'slow', 'streamCut'], maxFaultStreak: 3, slowFaultMs: 250,
      taskMsPer1000Rows: 2.5, taskConcurrency: 4, taskFailureRate: 0.1, taskStallRate: 0.05, clockSpeed: 60,
    });
    expect(resolveOptions(parsed)).toMatchObject({ tier: 'premium', taskQps: 1, advertiserQps: 20, maxFaultStreak: 3 });
    expect(resolveOptions(parseEmulatorArgs([]))).toMatchObject({ tier: undefined, qps: 0, taskQps: 0, advertiserQps: 0, maxFaultStreak: 0, suspensionMs: 300_000 });
    expect(() => resolveOptions(parseEmulatorArgs(['--tier', 'gold']))).toThrow(/tier must be one of/);
    expect(() => resolveOptions(parseEmulatorArgs(['--fault-kinds', 'drop,meteor']))).toThrow(/unknown fault kind meteor/);
    expect(() => resolveOptions(parseEmulatorArgs(['--task-failure-rate', '0.7', '--task-stall-rate', '0.5']))).toThrow(/must not exceed 1/);
  });
});
