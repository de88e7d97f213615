// TikTok's rate windows in the client, against the emulator: a suspension tripped by another token of the same app
// waited out once, and a spent day ending the read with a transient_error that names the 00:00 UTC reset, the
// STATEs before it intact. Pacing under the minute and the day on a fake clock: test/unit/tiktok/rate-limiter.test.ts;
// a real minute: test/stress/client-limits.stress.test.ts.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { targetFromUrl } from '../../src/engines/postgres/target.ts';
import { defaultConfiguredCatalog } from '../../src/source.ts';
import { createClient } from '../../src/streams/context.ts';
import { runSync } from '../../src/sync.ts';
import type { Emulator } from 'tiktok-emulator';
import { ConnectorError } from '../../src/errors.ts';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { addDays } from '../../src/streams/dates.ts';
import { nextUtcMidnight } from '../../src/tiktok/limits.ts';
import { APP_ID, configFor } from '../support/credentials.ts';
import { runCli } from '../support/cli.ts';
import { emulatedAdvertisers, emulator } from '../support/emulator.ts';
import { freshSchema } from '../support/postgres.ts';
import { deduped, readInProcess, recordsOf } from '../support/read.ts';

const NOW = new Date();
const END = addDays(NOW.toISOString().slice(0, 10), -2);
const RANGE = { start_date: addDays(END, -6), end_date: END };
const KEY = ['ad_id', 'stat_time_day'];

let clean: Map<string, string>;
beforeAll(async () => {
  const free = await emulator({ advertisers: 2, now: NOW, seed: 11 });
  try {
    const { messages } = await readInProcess(configFor(free.url, RANGE), ['ads_reports_daily']);
    clean = deduped(recordsOf(messages, 'ads_reports_daily'), KEY);
    expect(clean.size).toBeGreaterThan(20);
  } finally {
    await free.close();
  }
});

interface Stats {
  requests: number;
  throttled: number;
  throttledBy: { qps: number; qpm: number; qpd: number; suspended: number };
  suspensions: { qpm: number; qpd: number };
}
const statsOf = async (api: Emulator) => (await (await fetch(`${api.url}/_emulator/stats`)).json()) as Stats;

describe('a suspension tripped by another connection of the same app', () => {
  let api: Emulator;
  beforeAll(async () => {
    api = await emulator({ advertisers: 2, now: NOW, seed: 11, tier: 'basic', qpm: 20, suspensionMs: 4_000 });
  });
  afterAll(() => api?.close());

  it('is recognised, announced and waited out once, without spending retries: the rows of a free read', async () => {
    // Another connection of the app (its own token) breaks the minute: the app is suspended for 4 s. The read
    // (20 a second, halving on each 40100) has the evidence (1.5 s of 40100s) well before the 4 s are over.
    const minted = (await (await fetch(`${api.url}/_emulator/tokens`, { method: 'POST', body: JSON.stringify({ app_id: APP_ID }) })).json()) as { access_token: string };
    const [advertiser] = await emulatedAdvertisers(api);
    while ((await statsOf(api)).suspensions.qpm === 0) {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          fetch(`${api.url}/open_api/v1.3/campaign/get/?advertiser_id=${advertiser!.advertiser_id}`, { headers: { 'Access-Token': minted.access_token } }).then((r) => r.text()),
        ),
      );
    }
    const notices: string[] = [];
    const events: string[] = [];
    const raw = configFor(api.url, { ...RANGE, requests_per_second: 20, requests_per_minute: 15, max_retries: 0, rate_limit_suspension_minutes: 1 });
    const { messages } = await readInProcess(raw, ['ads_reports_daily'], {
      client: { onNotice: (line) => notices.push(line), onLimit: (e) => events.push(`${e.budget} ${e.kind}`) },
    });
    expect(deduped(recordsOf(messages, 'ads_reports_daily'), KEY)).toEqual(clean);
    expect(notices[0]).toMatch(/^TikTok suspended this app's API calls after a per-minute limit breach .*; waiting up to 1 minute\.$/);
    expect(notices[1]).toMatch(/^TikTok lifted the suspension after \d+ seconds; continuing\.$/);
    expect(notices).toHaveLength(2);
    const summary = messages.find((m) => m.type === 'LOG' && m.log.message.startsWith('Read summary'));
    expect(summary?.type === 'LOG' && summary.log.message).toMatch(/throttled [1-9]/);
    // A planner hears of it as it happens, and reads it from the app's budget (shared by every client of the app).
    expect(events.filter((e) => e !== 'sync throttle')).toEqual(['sync suspended', 'sync lifted']);
    expect(events[0]).toBe('sync throttle');
    expect(createClient(parseConfig(raw)).remainingBudget('sync')).toMatchObject({ suspended: false, suspensions: 1, throttles: events.length - 2 });
    // The read itself tripped nothing: the one suspension is the other connection's.
    expect((await statsOf(api)).suspensions).toEqual({ qpm: 1, qpd: 0 });
  });
});

describe('the day spent', () => {
  const STREAMS = ['campaigns', 'ad_groups', 'ads'];
  const collect = async (api: Emulator, extra: Record<string, unknown>) => {
    const seen: AirbyteMessage[] = [];
    const error = await readInProcess(configFor(api.url, { ...RANGE, requests_per_second: 20, ...extra }), STREAMS, {
      onMessage: (m) => void seen.push(m),
    }).catch((e: unknown) => e);
    return { seen, error };
  };
  const stateStreams = (seen: AirbyteMessage[]) =>
    new Set(seen.flatMap((m) => (m.type === 'STATE' && m.state.stream ? [m.state.stream.stream_descriptor.name] : [])));
  const resetNamed = (message: string) => {
    const at = nextUtcMidnight(Date.now()).toISOString();
    expect(message).toContain(`${at} (00:00 UTC, in `);
  };

  it('by our own count (requests_per_day): a transient_error naming the reset before TikTok would suspend, STATEs before it intact', async () => {
    const api = await emulator({ advertisers: 2, now: NOW, seed: 11 });
    try {
      const { seen, error } = await collect(api, { requests_per_day: 5 });
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ failureType: 'transient_error' });
      expect((error as Error).message).toMatch(/daily limit of 5 TikTok API calls/);
      resetNamed((error as Error).message);
      // Exactly the day's calls went out: grant, info, then campaigns of both advertisers and one more.
      expect((await statsOf(api)).requests).toBe(5);
      expect(stateStreams(seen).has('campaigns')).toBe(true);
      expect(recordsOf(seen, 'campaigns').length).toBeGreaterThan(0);
    } finally {
      await api.close();
    }
  });

  it('the CLI: STATEs on stdout, then one TRACE transient_error naming the reset, a non-zero exit', async () => {
    const api = await emulator({ advertisers: 2, now: NOW, seed: 11 });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'limits-'));
      writeFileSync(join(dir, 'config.json'), JSON.stringify(configFor(api.url, { ...RANGE, requests_per_day: 5 })));
      writeFileSync(join(dir, 'catalog.json'), JSON.stringify(defaultConfiguredCatalog(STREAMS)));
      const result = await runCli(['read', '--config', join(dir, 'config.json'), '--catalog', join(dir, 'catalog.json')]);
      expect(result.code).not.toBe(0);
      const errors = result.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
      expect(errors).toHaveLength(1);
      const trace = errors[0]!.type === 'TRACE' && errors[0]!.trace.type === 'ERROR' ? errors[0]!.trace.error : undefined;
      expect(trace?.failure_type).toBe('transient_error');
      resetNamed(trace?.message ?? '');
      const firstState = result.messages.findIndex((m) => m.type === 'STATE');
      expect(firstState).toBeGreaterThanOrEqual(0);
      expect(firstState).toBeLessThan(result.messages.indexOf(errors[0]!));
    } finally {
      await api.close();
    }
  });

  it('a sync: what was read before is committed in Postgres with its state, the error names the reset', async () => {
    const api = await emulator({ advertisers: 2, now: NOW, seed: 11 });
    const db = await freshSchema('qpd');
    try {
      const result = await runSync({ config: parseConfig(configFor(api.url, { ...RANGE, requests_per_day: 5 })), target: targetFromUrl(db.url, db.schema), streams: STREAMS, log: () => undefined });
      expect(result.error).toMatchObject({ failureType: 'transient_error' });
      resetNamed(result.error?.message ?? '');
      const stored = await db.query<{ stream_name: string }>(`select stream_name from ${db.schema}._sync_state`);
      expect(stored.map((r) => r.stream_name)).toContain('campaigns');
      const [campaigns] = await db.query<{ n: number }>(`select count(*)::int as n from ${db.schema}.campaigns`);
      expect(campaigns!.n).toBeGreaterThan(0);
    } finally {
      await db.drop();
      await api.close();
    }
  });

  it("by TikTok's refusal (40100 past the suspension wait): a transient_error naming the reset, STATEs before it intact", async () => {
    const api = await emulator({ advertisers: 2, now: NOW, seed: 11, tier: 'basic', qpd: 5, suspensionMs: 60_000 });
    try {
      const notices: string[] = [];
      const seen: AirbyteMessage[] = [];
      const error = await readInProcess(configFor(api.url, { ...RANGE, requests_per_second: 20, rate_limit_suspension_minutes: 0.05 }), STREAMS, {
        onMessage: (m) => void seen.push(m),
        client: { onNotice: (line) => notices.push(line) },
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ failureType: 'transient_error' });
      expect((error as Error).message).toMatch(/still refuses this app's API calls \(code 40100\) after waiting \d+ seconds.*daily limit \(QPD\)/);
      resetNamed((error as Error).message);
      expect(notices[0]).toMatch(/waiting up to 3 seconds/);
      expect((await statsOf(api)).suspensions.qpd).toBe(1);
      expect(stateStreams(seen).has('campaigns')).toBe(true);
    } finally {
      await api.close();
    }
  });
});
