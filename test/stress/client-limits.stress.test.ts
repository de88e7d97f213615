// A real minute against the emulator's sliding minute window (so it waits ~60 s: stress only). A read of more
// calls than the minute allows, paced by the client, trips nothing; the same read with the minute pacing
// switched off (a huge requests_per_minute) trips a suspension, which proves the first half can fail.

import { describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { readInProcess, recordsOf } from '../support/read.ts';

const STREAMS = ['campaigns', 'ad_groups', 'ads'];
const WINDOW = { tier: 'basic' as const, qpm: 30, suspensionMs: 1_500 };

interface Stats {
  requests: number;
  throttled: number;
  throttledBy: Record<string, number>;
  suspensions: { qpm: number; qpd: number };
}
const statsOf = async (api: Emulator) => (await (await fetch(`${api.url}/_emulator/stats`)).json()) as Stats;

async function readUnder(extra: Record<string, unknown>): Promise<{ stats: Stats; rows: number }> {
  // 14 advertisers: the grant, their descriptions, then three entity lists each, over 40 calls.
  const api = await emulator({ advertisers: 14, seed: 5, ...WINDOW });
  try {
    const { messages } = await readInProcess(
      configFor(api.url, { requests_per_second: 5, rate_limit_suspension_minutes: 0.2, ...extra }),
      STREAMS,
      { client: { onNotice: () => undefined } },
    );
    return { stats: await statsOf(api), rows: STREAMS.reduce((n, s) => n + recordsOf(messages, s).length, 0) };
  } finally {
    await api.close();
  }
}

describe('the minute window, for real', () => {
  it('paced under a minute of 30, a read of over 40 calls trips no throttle and no suspension; unpaced, the same read trips one', async () => {
    const paced = await readUnder({ requests_per_minute: 30 });
    expect(paced.stats.requests).toBeGreaterThan(40);
    expect(paced.stats.throttled, JSON.stringify(paced.stats)).toBe(0);
    expect(paced.stats.suspensions).toEqual({ qpm: 0, qpd: 0 });

    const unpaced = await readUnder({ requests_per_minute: 1_000_000 });
    expect(unpaced.stats.suspensions.qpm).toBeGreaterThanOrEqual(1);
    // Waited out: the same rows either way.
    expect(unpaced.rows).toBe(paced.rows);
  });
});
