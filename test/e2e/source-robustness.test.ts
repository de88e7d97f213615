// The source against an emulator that says no: faults that never heal, outages that do, a 40100 storm, report
// tasks that fail, stall or break off mid-download, a token revoked mid-read. Each either ends with exactly the
// rows of a clean read or with the right error, never with a silent gap.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { ConnectorError } from '../../src/errors.ts';
import { addDays } from '../../src/streams/dates.ts';
import { configFor, TOKEN } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { deduped, readInProcess, recordsOf, rowDifferences } from '../support/read.ts';

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);

let api: Emulator;
beforeAll(async () => {
  api = await emulator({ advertisers: 2, now: NOW, seed: 7 });
});
afterAll(() => api?.close());

async function admin(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${api.url}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}
const stats = async () => (await (await fetch(`${api.url}/_emulator/stats`)).json()) as { faults: number; byPath: Record<string, number> };
const calm = () => admin('faults', { rate: 0 });

const DAILY = { start_date: addDays(END, -9), end_date: END };
const config = (extra: Record<string, unknown> = {}) => configFor(api.url, { ...DAILY, ...extra });
const KEY = ['ad_id', 'stat_time_day'];

let clean: Map<string, string>;
beforeAll(async () => {
  const { messages } = await readInProcess(config(), ['ads_reports_daily']);
  clean = deduped(recordsOf(messages, 'ads_reports_daily'), KEY);
  expect(clean.size).toBeGreaterThan(50);
});

describe('faults that do not heal', () => {
  it('retries run out: a transient_error naming what kept failing, after exactly max_retries retries', async () => {
    await admin('faults', { rate: 1, kinds: ['http503'], paths: ['report/'] });
    try {
      const before = (await stats()).faults;
      const error = await readInProcess(config({ max_retries: 2 }), ['ads_reports_daily']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ failureType: 'transient_error' });
      expect((error as Error).message).toMatch(/kept failing after retries \(HTTP 503\)/);
      // One call and two retries for the first window; concurrent advertisers may add their own three each.
      const faults = (await stats()).faults - before;
      expect(faults % 3).toBe(0);
      expect(faults).toBeGreaterThanOrEqual(3);
    } finally {
      await calm();
    }
  });

  it('a 40100 storm ends within the retry time with a rate-limit error, not a hang', async () => {
    await admin('faults', { rate: 1, kinds: ['code40100'], paths: ['report/'] });
    try {
      const started = performance.now();
      const error = await readInProcess(config(), ['ads_reports_daily'], { client: { maxRetryTimeMs: 2_000 } }).catch((e: unknown) => e);
      expect(error).toMatchObject({ failureType: 'transient_error' });
      expect((error as Error).message).toMatch(/refusing requests for its rate limit \(code 40100/);
      // Bounded by the retry time (plus the last backoff), not by max_retries: throttles spend no retries.
      expect(performance.now() - started).toBeLessThan(60_000);
    } finally {
      await calm();
    }
  });
});

describe('faults that heal', () => {
  it('an outage of every kind on report calls, healed after 12 requests: the rows of a clean read', async () => {
    await admin('faults', { rate: 1, paths: ['report/'], for_requests: 12 });
    const before = (await stats()).faults;
    const { messages } = await readInProcess(config({ max_retries: 20, request_timeout_seconds: 1 }), ['ads_reports_daily'], { client: { retryBaseMs: 2 } });
    expect((await stats()).faults - before).toBe(12);
    expect(rowDifferences(deduped(recordsOf(messages, 'ads_reports_daily'), KEY), clean)).toEqual([]);
  });
});

describe('report tasks that fail, stall or break off', () => {
  // A backfill long enough for report tasks (hourly, 60 days), on the smallest level to stay quick. Each test
  // gets its own emulator (same seed and clock, so the same data) with its own task directives.
  const HOURLY = { start_date: addDays(END, -59), end_date: END, async_requests_per_second: 10 };
  const HOUR_KEY = ['advertiser_id', 'stat_time_hour'];
  let syncOnly: Map<string, string>;
  beforeAll(async () => {
    const { messages } = await readInProcess(config({ ...HOURLY, async_reports: 'off' }), ['advertisers_reports_hourly']);
    syncOnly = deduped(recordsOf(messages, 'advertisers_reports_hourly'), HOUR_KEY);
    expect(syncOnly.size).toBeGreaterThan(2000);
  });
  async function taskWorld(): Promise<{ url: string; post: (path: string, body: unknown) => Promise<void>; calls: (path: string) => number; faults: () => number; close: () => Promise<void> }> {
    const own = await emulator({ advertisers: 2, now: NOW, seed: 7 });
    return {
      url: own.url,
      post: async (path, body) => {
        const response = await fetch(`${own.url}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
        expect(response.status).toBe(200);
      },
      calls: (path) => Object.entries(own.stats().byPath).filter(([p]) => p.includes(path)).reduce((n, [, c]) => n + c, 0),
      faults: () => own.stats().faults,
      close: () => own.close(),
    };
  }
  const warningsOf = (messages: { type: string; log?: { level: string; message: string } }[]) =>
    messages.flatMap((m) => (m.type === 'LOG' && m.log?.level === 'WARN' ? [m.log.message] : []));

  it('a FAILED task hands its span back to synchronous reads: same rows', async () => {
    const world = await taskWorld();
    try {
      await world.post('tasks/next', { outcome: 'FAILED', count: 1000 });
      const { messages } = await readInProcess(configFor(world.url, HOURLY), ['advertisers_reports_hourly']);
      expect(world.calls('report/task/create')).toBeGreaterThan(0);
      expect(warningsOf(messages).some((w) => /report task .* ended FAILED.*reading it synchronously/.test(w))).toBe(true);
      expect(rowDifferences(deduped(recordsOf(messages, 'advertisers_reports_hourly'), HOUR_KEY), syncOnly)).toEqual([]);
    } finally {
      await world.close();
    }
  });

  it('a stalled task is cancelled after the task timeout (3 s) and read synchronously: same rows', async () => {
    const world = await taskWorld();
    try {
      await world.post('tasks/next', { outcome: 'STALL', count: 1000 });
      // At 10 requests a second the synchronous lane needs 12 s for its 120 days, so it cannot overtake the stalled
      // task (and cancel it unasked) before the 3 s timeout: this is the timeout's path.
      const { messages } = await readInProcess(configFor(world.url, { ...HOURLY, async_task_timeout_minutes: 0.05, requests_per_second: 10 }), ['advertisers_reports_hourly']);
      expect(world.calls('report/task/cancel')).toBeGreaterThan(0);
      expect(warningsOf(messages).some((w) => /still (QUEUING|PROCESSING) after 3000 ms/.test(w))).toBe(true);
      expect(rowDifferences(deduped(recordsOf(messages, 'advertisers_reports_hourly'), HOUR_KEY), syncOnly)).toEqual([]);
    } finally {
      await world.close();
    }
  });

  it('a download cut off mid-file is resumed: every row once, none lost', async () => {
    const world = await taskWorld();
    try {
      await world.post('faults', { rate: 1, kinds: ['streamCut'], paths: ['report/task/download/'], for_requests: 2 });
      const { messages } = await readInProcess(configFor(world.url, HOURLY), ['advertisers_reports_hourly']);
      expect(world.faults()).toBe(2);
      const rows = recordsOf(messages, 'advertisers_reports_hourly');
      // Not one duplicate in the record stream itself (not merely after a destination's dedupe).
      expect(rows.length).toBe(syncOnly.size);
      expect(rowDifferences(deduped(rows, HOUR_KEY), syncOnly)).toEqual([]);
    } finally {
      await world.close();
    }
  });
});

describe('a token revoked mid-read', () => {
  it('is a config_error naming the access token, after the records read before it', async () => {
    const minted = await admin('tokens', {});
    const token = String(minted['access_token']);
    const revokedConfig = configFor(api.url, {
      ...DAILY,
      credentials: { auth_type: 'oauth2.0', app_id: String(minted['app_id']), secret: String(minted['secret']), access_token: token },
    });
    let revoked = false;
    const seen: number[] = [];
    const error = await readInProcess(revokedConfig, ['campaigns', 'ads_reports_daily'], {
      onMessage: async (message) => {
        if (message.type === 'RECORD') seen.push(1);
        if (!revoked && message.type === 'STATE' && message.state.stream?.stream_descriptor.name === 'campaigns') {
          revoked = true;
          await admin('tokens/revoke', { access_token: token });
        }
      },
    }).catch((e: unknown) => e);
    expect(revoked).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    expect(error).toMatchObject({ failureType: 'config_error' });
    expect((error as Error).message).toMatch(/credentials\.access_token/);
    expect((error as Error).message).not.toContain(token);
    expect((error as Error).message).not.toContain(TOKEN);
  });
});
