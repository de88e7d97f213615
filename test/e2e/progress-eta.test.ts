// The ETA a read shows, measured against the time the read really took: a fixed emulator world (seeded, its clock
// pinned) read at a low request rate, so the pace of TikTok's rate limit, not this machine's CPU, sets the time.
// Each sample's ETA is compared with the time that really remained until the stream's last row. Then what a stream
// is seen waiting on while it reads: report tasks TikTok is making, the app's rate limit.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from 'tiktok-emulator';
import { parseConfig } from '../../src/config.ts';
import { ReadProgress } from '../../src/progress.ts';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { defaultConfiguredCatalog, read } from '../../src/source.ts';
import { createContext } from '../../src/streams/context.ts';
import { addDays } from '../../src/streams/dates.ts';
import { parseState } from '../../src/streams/state.ts';
import { configFor } from '../support/credentials.ts';
import { emulator } from '../support/emulator.ts';
import { assertProtocol, protocolAvailable } from '../support/protocol.ts';

const NOW = new Date('2026-11-20T12:00:00Z');
const END = '2026-11-18';
const STREAM = 'campaigns_reports_daily';
/** 3 advertisers × a year of daily rows, one window a request, 2 requests a second: about 20 s. */
const WORLD = { advertisers: 3, seed: 7, now: NOW };
const PACE = { start_date: addDays(END, -365), end_date: END, requests_per_second: 2, async_reports: 'off' };
/** From this share of the rows on, every ETA is within TOLERANCE of the time that really remained. */
const FROM_SHARE = 0.2;
const TOLERANCE = 0.25;
/**
 * Samples with less than this left are not judged: that is the last few requests, where one sampling tick is
 * already a tenth of what remains.
 */
const LAST_MS = 2_000;
const SAMPLE_MS = 200;

interface Sample {
  at: number;
  rows: number;
  eta: number | undefined;
}

describe('the ETA of a request-bound read', () => {
  let api: Emulator;
  const samples: Sample[] = [];
  const messages: AirbyteMessage[] = [];
  let lastRowAt = 0;
  let requests = 0;

  beforeAll(async () => {
    api = await emulator(WORLD);
    const config = parseConfig(configFor(api.url, PACE));
    const ctx = createContext(config, undefined, { now: () => NOW });
    const progress = new ReadProgress(undefined, ctx.activity);
    const sampler = setInterval(() => {
      const stream = progress.streams.get(STREAM);
      if (stream && !stream.done) samples.push({ at: performance.now(), rows: stream.rows, eta: progress.etaSeconds(stream) });
    }, SAMPLE_MS);
    try {
      for await (const message of read(config, defaultConfiguredCatalog([STREAM]), parseState(undefined), ctx)) {
        progress.observe(message);
        messages.push(message);
        if (message.type === 'RECORD') lastRowAt = performance.now();
      }
    } finally {
      clearInterval(sampler);
    }
    requests = ctx.client.stats.requests;
  }, 120_000);
  afterAll(() => api?.close());

  it(`is within ±${TOLERANCE * 100} % of the time really left, from ${FROM_SHARE * 100} % of the rows on`, () => {
    const rows = messages.filter((m) => m.type === 'RECORD').length;
    const judged = samples.filter((s) => s.rows >= FROM_SHARE * rows && lastRowAt - s.at >= LAST_MS);
    // Enough samples to mean something: the read took long enough at its pace.
    expect(judged.length, `${samples.length} samples, ${rows} rows`).toBeGreaterThanOrEqual(20);
    const wrong = judged
      .map((s) => ({ share: Math.round((s.rows / rows) * 100), eta: s.eta, left: (lastRowAt - s.at) / 1000 }))
      .filter((s) => s.eta === undefined || Math.abs(s.eta - s.left) > TOLERANCE * s.left)
      .map((s) => `at ${s.share} % of the rows: ETA ${s.eta?.toFixed(1) ?? 'none'} s, really ${s.left.toFixed(1)} s`);
    expect(wrong).toEqual([]);
  });

  it('sends the estimate as valid ESTIMATE traces, few of them, the last within 2 % of the rows', () => {
    const estimates = messages.flatMap((m) => (m.type === 'TRACE' && m.trace.type === 'ESTIMATE' ? [m] : []));
    if (protocolAvailable) for (const m of estimates) assertProtocol(JSON.parse(JSON.stringify(m)));
    const rows = messages.filter((m) => m.type === 'RECORD').length;
    const figures = estimates.map((m) => (m.type === 'TRACE' && m.trace.type === 'ESTIMATE' ? m.trace.estimate.row_estimate ?? 0 : 0));
    expect(figures.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    // One a window would be one a request: it is sent only when it moved.
    expect(figures.length).toBeGreaterThan(0);
    expect(figures.length).toBeLessThan(requests / 2);
    expect(Math.abs(figures.at(-1)! - rows)).toBeLessThanOrEqual(0.02 * rows);
  });
});

/** Reads one stream in-process, asking every 100 ms what it waits on; answers the distinct answers, in order. */
async function waitsSeenDuring(raw: Record<string, unknown>, stream: string, now: Date): Promise<{ seen: string[]; after: string | undefined }> {
  const config = parseConfig(raw);
  const ctx = createContext(config, undefined, { now: () => now });
  const seen: string[] = [];
  const sampler = setInterval(() => {
    const note = ctx.activity.waitingOn(stream);
    if (note !== undefined && seen.at(-1) !== note) seen.push(note);
  }, 100);
  try {
    for await (const _ of read(config, defaultConfiguredCatalog([stream]), parseState(undefined), ctx)) void _;
  } finally {
    clearInterval(sampler);
  }
  return { seen, after: ctx.activity.waitingOn(stream) };
}

describe('what a stream waits on', () => {
  it('the report tasks TikTok is making for it, while it waits on them', async () => {
    // Tasks that take 1.5 s over an hourly backfill: the plan gives tasks a part of it.
    const api = await emulator({ advertisers: 2, seed: 5, now: NOW, taskLatencyMs: 1_500 });
    try {
      const range = { start_date: addDays(END, -29), end_date: END, async_requests_per_second: 10, requests_per_second: 10 };
      const { seen, after } = await waitsSeenDuring(configFor(api.url, range), 'advertisers_reports_hourly', NOW);
      expect(seen.some((note) => /^[12] TikTok report tasks? processing/.test(note)), seen.join(' | ')).toBe(true);
      expect(after).toBeUndefined();
    } finally {
      await api.close();
    }
  });

  it("the app's rate limit, when calls queue for seconds", async () => {
    // One call a second and three advertisers' windows asked for at once: the third waits about 2 s, a fourth 3 s.
    const api = await emulator({ advertisers: 3, seed: 7, now: NOW });
    try {
      const slow = { start_date: addDays(END, -20), end_date: END, requests_per_second: 1, async_reports: 'off' };
      const { seen } = await waitsSeenDuring(configFor(api.url, slow), STREAM, NOW);
      expect(seen.some((note) => /^waiting [2-9] s for TikTok's rate limit$/.test(note)), seen.join(' | ')).toBe(true);
    } finally {
      await api.close();
    }
  });
});
