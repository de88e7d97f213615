// Injected faults: the kinds TikTok's API really produces, no cap on faults in a row unless asked for, writes
// that take effect before their answer is lost, and fault plans changed at runtime (outages that heal,
// faults forever, per path).
import { describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.ts';

const BASE: EmulatorOptions = {
  port: 0, seed: 37, advertisers: 2, accessToken: 'tok-37', appId: 'app-37', secret: 'sec-37', now: new Date('2025-03-10T12:34:00Z'), taskLatencyMs: 40,
};

interface Envelope { code: number; message: string; data: Record<string, unknown> }

type Outcome = 'ok' | 'code40100' | 'code50000' | 'code50002' | 'code60001' | 'http500' | 'http503' | 'html502' | 'drop' | 'truncate' | 'invalidJson';

const headers = { 'Access-Token': BASE.accessToken, 'Content-Type': 'application/json' };

/** What a client sees, told apart the way a client can: status, content type, and whether the body parses. */
async function attempt(url: string, init: RequestInit = {}): Promise<Outcome> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, headers });
    text = await response.text();
  } catch {
    return 'drop';
  }
  if (response.status === 500) return 'http500';
  if (response.status === 503) return 'http503';
  if (response.status === 502) return response.headers.get('content-type')?.startsWith('text/html') === true ? 'html502' : 'drop';
  let body: Envelope;
  try {
    body = JSON.parse(text) as Envelope;
  } catch {
    // A cut body is a prefix of valid JSON; a complete-length body that still fails is invalid JSON.
    return text.endsWith('}') ? 'invalidJson' : 'truncate';
  }
  return body.code === 0 ? 'ok' : (`code${body.code}` as Outcome);
}

async function withEmulator(options: Partial<EmulatorOptions>, body: (emu: Emulator, advertiserId: string) => Promise<void>): Promise<void> {
  const emu = await startEmulator({ ...BASE, ...options });
  try {
    const [adv] = await (await fetch(`${emu.url}/_emulator/advertisers`)).json() as { advertiser_id: string }[];
    await body(emu, adv!.advertiser_id);
  } finally {
    await emu.close();
  }
}

async function plan(emu: Emulator, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emu.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBe(200);
}

const tasks = async (emu: Emulator) => await (await fetch(`${emu.url}/_emulator/tasks`)).json() as { task_id: string; status: string }[];

const taskBody = (adv: string, extra: Record<string, unknown> = {}) => JSON.stringify({
  advertiser_id: adv, report_type: 'BASIC', data_level: 'AUCTION_ADVERTISER', dimensions: ['advertiser_id', 'stat_time_day'], metrics: ['spend'],
  start_date: '2025-03-01', end_date: '2025-03-05', ...extra,
});

describe('fault kinds and streaks', () => {
  it('draws every kind at faultRate, deterministically; with maxFaultStreak 3 a retrying client gets through', async () => {
    const run = async () => {
      const seen: Outcome[] = [];
      await withEmulator({ faultRate: 0.5, maxFaultStreak: 3 }, async (emu, adv) => {
        for (let i = 1; i <= 120; i++) {
          const url = `${emu.url}/open_api/v1.3/ad/get/?advertiser_id=${adv}&page_size=${i}`;
          let outcome: Outcome = 'drop';
          for (let tries = 0; tries < 4 && outcome !== 'ok'; tries++) {
            outcome = await attempt(url);
            seen.push(outcome);
          }
          expect(outcome).toBe('ok');
        }
        expect(emu.stats().faults).toBe(seen.filter((o) => o !== 'ok').length);
      });
      return seen;
    };
    const first = await run();
    expect([...new Set(first.filter((o) => o !== 'ok'))].sort()).toEqual(
      ['code40100', 'code50000', 'code50002', 'code60001', 'drop', 'html502', 'http500', 'http503', 'invalidJson', 'truncate'],
    );
    const share = first.filter((o) => o !== 'ok').length / first.length;
    expect(share).toBeGreaterThan(0.3);
    expect(share).toBeLessThan(0.6);
    expect(await run()).toEqual(first);
  });

  it('has no cap by default: at rate 1 the same request fails every time', async () => {
    await withEmulator({ faultRate: 1 }, async (emu, adv) => {
      const outcomes: Outcome[] = [];
      for (let i = 0; i < 12; i++) outcomes.push(await attempt(`${emu.url}/open_api/v1.3/campaign/get/?advertiser_id=${adv}`));
      expect(outcomes.filter((o) => o === 'ok')).toEqual([]);
      expect(emu.stats().faults).toBe(12);
    });
  });

  it('a 502 is an HTML page, as a gateway sends it', async () => {
    await withEmulator({ faultRate: 1, faultKinds: ['html502'] }, async (emu, adv) => {
      const response = await fetch(`${emu.url}/open_api/v1.3/campaign/get/?advertiser_id=${adv}`, { headers });
      expect(response.status).toBe(502);
      expect(response.headers.get('content-type')).toBe('text/html');
      expect(await response.text()).toMatch(/<title>502 Bad Gateway<\/title>/);
      expect(emu.stats().faultsByKind).toEqual({ html502: 1 });
    });
  });

  it('never faults /_emulator paths', async () => {
    await withEmulator({ faultRate: 1 }, async (emu) => {
      for (let i = 0; i < 10; i++) expect((await fetch(`${emu.url}/_emulator/stats`)).status).toBe(200);
    });
  });
});

describe('writes whose answer is lost still happen', () => {
  it('a dropped, truncated or garbled answer to report/task/create/ leaves the task created', async () => {
    await withEmulator({}, async (emu, adv) => {
      const create = () => attempt(`${emu.url}/open_api/v1.3/report/task/create/`, { method: 'POST', body: taskBody(adv) });
      for (const [kind, seen] of [['drop', 'drop'], ['truncate', 'truncate'], ['invalidJson', 'invalidJson']] as const) {
        await plan(emu, { rate: 1, kinds: [kind], paths: ['report/task/create/'], for_requests: 1 });
        expect(await create()).toBe(seen);
      }
      expect(await tasks(emu)).toHaveLength(3);
      // A refusal (an error answer) is not carried out.
      await plan(emu, { rate: 1, kinds: ['code50000'], paths: ['report/task/create/'], for_requests: 1 });
      expect(await create()).toBe('code50000');
      expect(await tasks(emu)).toHaveLength(3);
      expect(await create()).toBe('ok');
      expect(await tasks(emu)).toHaveLength(4);
    });
  });

  it('a dropped answer to report/task/cancel/ leaves the task canceled', async () => {
    await withEmulator({ taskLatencyMs: 60_000 }, async (emu, adv) => {
      expect(await attempt(`${emu.url}/open_api/v1.3/report/task/create/`, { method: 'POST', body: taskBody(adv) })).toBe('ok');
      const [task] = await tasks(emu);
      await plan(emu, { rate: 1, kinds: ['drop'], paths: ['report/task/cancel/'] });
      const cancel = JSON.stringify({ advertiser_id: adv, task_id: task!.task_id });
      expect(await attempt(`${emu.url}/open_api/v1.3/report/task/cancel/`, { method: 'POST', body: cancel })).toBe('drop');
      expect((await tasks(emu))[0]!.status).toBe('CANCELED');
    });
  });
});

describe('fault plans at runtime', () => {
  it('an outage of N requests heals back to the startup plan', async () => {
    await withEmulator({}, async (emu, adv) => {
      await plan(emu, { rate: 1, kinds: ['code50002'], for_requests: 3 });
      const url = `${emu.url}/open_api/v1.3/campaign/get/?advertiser_id=${adv}`;
      const outcomes: Outcome[] = [];
      for (let i = 0; i < 5; i++) outcomes.push(await attempt(url));
      expect(outcomes).toEqual(['code50002', 'code50002', 'code50002', 'ok', 'ok']);
      const described = await (await fetch(`${emu.url}/_emulator/faults`)).json() as { rate: number };
      expect(described.rate).toBe(0);
    });
  });

  it('an outage of M ms fails every call until it heals', async () => {
    await withEmulator({}, async (emu, adv) => {
      await plan(emu, { rate: 1, kinds: ['http503'], for_ms: 400 });
      const url = `${emu.url}/open_api/v1.3/campaign/get/?advertiser_id=${adv}`;
      const outcomes: Outcome[] = [];
      let outcome: Outcome = 'http503';
      while (outcome !== 'ok') {
        outcome = await attempt(url);
        outcomes.push(outcome);
        if (outcome !== 'ok') await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(outcomes.length).toBeGreaterThan(1);
      expect(new Set(outcomes.slice(0, -1))).toEqual(new Set(['http503']));
    });
  });

  it('faults forever until told otherwise, only on the paths named', async () => {
    await withEmulator({}, async (emu, adv) => {
      await plan(emu, { rate: 1, kinds: ['code60001'], paths: ['/open_api/v1.3/adgroup/'] });
      for (let i = 0; i < 15; i++) expect(await attempt(`${emu.url}/open_api/v1.3/adgroup/get/?advertiser_id=${adv}`)).toBe('code60001');
      expect(await attempt(`${emu.url}/open_api/v1.3/campaign/get/?advertiser_id=${adv}`)).toBe('ok');
      const described = await (await fetch(`${emu.url}/_emulator/faults`)).json() as { remainingRequests: number | null; paths: string[] };
      expect(described).toMatchObject({ remainingRequests: null, paths: ['adgroup/'] });
      await plan(emu, { rate: 0 });
      expect(await attempt(`${emu.url}/open_api/v1.3/adgroup/get/?advertiser_id=${adv}`)).toBe('ok');
    });
  });

  it('refuses a bad plan with HTTP 400 naming the field', async () => {
    await withEmulator({}, async (emu) => {
      const response = await fetch(`${emu.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ rate: 1, kinds: ['meteor'] }) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/meteor/);
    });
  });

  it('a slow answer outlasts a client timeout; a patient client gets it', async () => {
    await withEmulator({ slowFaultMs: 400 }, async (emu, adv) => {
      await plan(emu, { rate: 1, kinds: ['slow'] });
      const url = `${emu.url}/open_api/v1.3/campaign/get/?advertiser_id=${adv}`;
      await expect(fetch(url, { headers, signal: AbortSignal.timeout(100) })).rejects.toThrow(/timeout|abort/i);
      const patient = await (await fetch(url, { headers })).json() as Envelope;
      expect(patient.code).toBe(0);
      expect(emu.stats().faultsByKind).toEqual({ slow: 2 });
    });
  });

  it('cuts a CSV download mid-stream: the client gets a prefix of the file and a broken connection', async () => {
    await withEmulator({ advertisers: 1 }, async (emu, adv) => {
      // Ad level by hour: a file of several 64 KiB chunks.
      const body = taskBody(adv, { data_level: 'AUCTION_AD', dimensions: ['ad_id', 'stat_time_hour'], metrics: ['spend', 'impressions', 'clicks'], start_date: '2025-02-15', end_date: '2025-03-04' });
      const created = await (await fetch(`${emu.url}/open_api/v1.3/report/task/create/`, { method: 'POST', headers, body })).json() as Envelope;
      const taskId = created.data.task_id as string;
      const download = `${emu.url}/open_api/v1.3/report/task/download/?advertiser_id=${adv}&task_id=${taskId}`;
      let status = '';
      while (status !== 'SUCCESS') {
        const check = await (await fetch(`${emu.url}/open_api/v1.3/report/task/check/?advertiser_id=${adv}&task_id=${taskId}`, { headers })).json() as Envelope;
        status = check.data.status as string;
        if (status !== 'SUCCESS') await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await plan(emu, { rate: 1, kinds: ['streamCut'], paths: ['report/task/download/'], for_requests: 1 });
      const cut = await fetch(download, { headers });
      expect(cut.status).toBe(200);
      const reader = cut.body!.getReader();
      const parts: Uint8Array[] = [];
      let failure: unknown;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parts.push(value);
        }
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(Error);
      const partial = Buffer.concat(parts).toString('utf8');
      const whole = await (await fetch(download, { headers })).text();
      expect(whole.length).toBeGreaterThan(65_536);
      expect(partial.length).toBeGreaterThan(65_536);
      expect(partial.length).toBeLessThan(whole.length);
      expect(whole.startsWith(partial)).toBe(true);
    });
  });
});
