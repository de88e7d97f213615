// The plan's arithmetic against hand-computed cases: the density drawn through probed windows, which windows are
// probed (the ends and the middle, then every gap the line mispredicts), the synchronous lane's requests (the read's window planner fed the density), a range that a report task
// takes, the client's pace for N calls under the per-second and per-minute windows, and the total line.

import { describe, expect, it } from 'vitest';
import { RowDensity } from '../../../src/plan/density.ts';
import { rangeCost, syncLaneCost } from '../../../src/plan/lanes.ts';
import { sampleRange } from '../../../src/plan/sampling.ts';
import { tilingWindows } from '../../../src/streams/windows.ts';
import type { DateWindow } from '../../../src/streams/windows.ts';
import type { Plan } from '../../../src/plan/plan.ts';
import { formatShare, totalLine } from '../../../src/plan/plan-text.ts';
import { addDays } from '../../../src/streams/dates.ts';
import { pacedMs } from '../../../src/tiktok/rate-limiter.ts';

const D0 = '2026-01-01';
const flat = (start: string, end: string, rowsPerDay: number) => new RowDensity(start, [{ start, end, rows: rowsPerDay * (Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000) + 1) }]);

describe('RowDensity', () => {
  // 10 rows a day in days 0–9 (middle 4.5), 30 a day in days 90–99 (middle 94.5).
  const density = new RowDensity(D0, [
    { start: addDays(D0, 90), end: addDays(D0, 99), rows: 300 },
    { start: D0, end: addDays(D0, 9), rows: 100 },
  ]);

  it("is each sample's mean within it, flat before the first and after the last, a line between their middles", () => {
    expect(density.on(D0)).toBe(10);
    expect(density.on(addDays(D0, 4))).toBe(10);
    // outside both samples: 10 + 20 × (49 − 4.5) / 90
    expect(density.on(addDays(D0, 49))).toBeCloseTo(19.8889, 3);
    expect(density.on(addDays(D0, 200))).toBe(30);
  });

  it('sums whole days: the first sample window gives back its own count', () => {
    expect(density.between(D0, addDays(D0, 9))).toBe(100);
    expect(density.between(addDays(D0, 90), addDays(D0, 99))).toBe(300);
    // days 10 and 11 lie between the samples: 10 + 20 × 5.5 / 90 + 10 + 20 × 6.5 / 90 = 22.667
    expect(density.between(addDays(D0, 10), addDays(D0, 11))).toBe(23);
  });

  it('no sample: no rows', () => {
    expect(new RowDensity(D0, []).between(D0, addDays(D0, 30))).toBe(0);
  });
});

describe('tilingWindows', () => {
  it('the read’s windows from the first day, the last one shorter', () => {
    expect(tilingWindows(D0, addDays(D0, 64), 30)).toEqual([
      { start: D0, end: addDays(D0, 29), days: 30 },
      { start: addDays(D0, 30), end: addDays(D0, 59), days: 30 },
      { start: addDays(D0, 60), end: addDays(D0, 64), days: 5 },
    ]);
  });
});

describe('sampleRange', () => {
  const YEAR = tilingWindows(D0, addDays(D0, 364), 30);
  /** A counter of `rowsPerDay(window index)` that notes which windows it was asked for. */
  const counter = (rowsPerDay: (index: number) => number) => {
    const asked: number[] = [];
    const count = async (window: DateWindow) => {
      const index = YEAR.findIndex((w) => w.start === window.start);
      asked.push(index);
      return { start: window.start, end: window.end, rows: rowsPerDay(index) * window.days };
    };
    return { asked, count };
  };

  it('one window: no probe', async () => {
    const { asked, count } = counter(() => 100);
    expect(await sampleRange(D0, YEAR.slice(0, 1), count)).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('a flat year: the ends and the middle, then the middles of both halves, which the line predicts: 5 probes', async () => {
    const { asked, count } = counter(() => 100);
    await sampleRange(D0, YEAR, count);
    expect(asked).toEqual([0, 12, 6, 3, 9]);
  });

  it('a peak in windows 5–7: every gap the line mispredicts is halved; the two it predicts are left out, and the total is exact', async () => {
    // 0, 12, 6 (in the peak); 3 and 9 mispredicted → 1 (right), 4 (wrong), 7 (wrong), 10 (right); then 5 and 8.
    const { asked, count } = counter((index) => (index >= 5 && index <= 7 ? 1000 : 100));
    const samples = await sampleRange(D0, YEAR, count);
    expect(asked).toEqual([0, 12, 6, 3, 9, 1, 4, 7, 10, 5, 8]);
    // 3 peak windows × 30,000 + 9 windows × 3,000 + the last 5 days × 100.
    expect(new RowDensity(D0, samples).between(D0, addDays(D0, 364))).toBe(117_500);
  });
});

describe('syncLaneCost', () => {
  it('no rows: one request per 30-day window (365 days → 13)', () => {
    const end = addDays(D0, 364);
    expect(syncLaneCost(D0, end, 30, new RowDensity(D0, []))).toEqual({ requests: 13, rows: 0 });
  });

  it('10 rows a day over 60 days: two windows of one page', () => {
    const end = addDays(D0, 59);
    expect(syncLaneCost(D0, end, 30, flat(D0, end, 10))).toEqual({ requests: 2, rows: 600 });
  });

  it('100 rows a day over a year: 30 days (3 pages), then 29-day windows of 2,900 rows (3 pages), the rest in one page each', () => {
    // 30 days: 3 pages; 11 × 29 days = 319 days: 33 pages; the last 16 days: 9 + 7 days of one page each → 38.
    const end = addDays(D0, 364);
    expect(syncLaneCost(D0, end, 30, flat(D0, end, 100))).toEqual({ requests: 38, rows: 36_500 });
  });

  it('by hour: a request per day and page (1,500 rows a day → 2 pages)', () => {
    const end = addDays(D0, 9);
    expect(syncLaneCost(D0, end, 1, flat(D0, end, 1500)).requests).toBe(20);
  });
});

describe('rangeCost', () => {
  const hourly = { granularity: 'hour' as const, spanDays: 1, tasks: true, syncShare: 1, taskCost: { fixedMs: 10_000, msPerRow: 0.02 } };

  it('hourly, 500 rows a day, 1 request a second: a task for all but the first day; the synchronous lane reads on until it delivers', () => {
    // After the first (synchronous) day, 364 free days; a task of k days ends at 10 s + 10 ms × k, the synchronous
    // lane at (364 − k) s: fastest near k = 351 (13.5 s); every k up to 364 is within 5 %, and 364 has the fewest
    // requests. The task delivers at 1 s (first day) + 2 s (queued) + 10 s + 0.02 ms × 500 × 364 = 16.64 s; by
    // then the synchronous lane has made 16 requests (one a second); with the task's 4: 20.
    const end = addDays(D0, 364);
    const cost = rangeCost({ ...hourly, start: D0, end, density: flat(D0, end, 500), taskQueueMs: 2000 });
    expect(cost).toEqual({ rows: 182_500, requests: 20, taskDays: 364, wallMs: 16_640 });
  });

  it('a task slower than the whole synchronous read is overtaken: every page, plus its create, a check and the cancel', () => {
    // 40 days: the task (k = 39) would end at 1 s + 10 s + 0.02 ms × 500 × 39 ≈ 11.4 s; the synchronous lane reads
    // all 40 days in 40 s... so a task wins at first; queued 60 s behind other creates it no longer does.
    const end = addDays(D0, 39);
    const cost = rangeCost({ ...hourly, start: D0, end, density: flat(D0, end, 500), taskQueueMs: 60_000 });
    expect(cost).toEqual({ rows: 20_000, requests: 43, taskDays: 0, wallMs: 40_000 });
  });

  it('tasks not allowed: synchronous pages only, at the advertiser’s share of the rate', () => {
    const end = addDays(D0, 59);
    const cost = rangeCost({
      start: D0, end, granularity: 'day', spanDays: 30, density: flat(D0, end, 10), tasks: false, syncShare: 0.5,
      taskCost: { fixedMs: 10_000, msPerRow: 0.02 }, taskQueueMs: 0,
    });
    expect(cost).toEqual({ rows: 600, requests: 2, taskDays: 0, wallMs: 4000 });
  });
});

describe('pacedMs', () => {
  it('Basic (10 a second, 600 a minute): the second binds, 102.5 ms apart', () => {
    // 600 × 102.5 ms = 61.5 s: the minute never fills.
    expect(pacedMs(1000, { perSecond: 10, perMinute: 600 })).toBeCloseTo(102_500, 6);
  });

  it('50 a second with 600 a minute: 600 calls in 12.3 s, then the next minute (60.25 s after the first)', () => {
    // floor(999 / 600) = 1 minute of 60.25 s, then 400 calls × 20.5 ms.
    expect(pacedMs(1000, { perSecond: 50, perMinute: 600 })).toBeCloseTo(60_250 + 8_200, 6);
    expect(pacedMs(600, { perSecond: 50, perMinute: 600 })).toBeCloseTo(12_300, 6);
    expect(pacedMs(0, { perSecond: 50, perMinute: 600 })).toBe(0);
  });
});

describe('the total line', () => {
  it('"this backfill takes 3 h 10 min and 41 % of today’s quota"', () => {
    const plan: Plan = {
      streams: [],
      planning: { calls: 0, probes: 0, ms: 0 },
      requests: 354_240,
      wallMs: (3 * 60 + 10) * 60_000,
      budget: { tier: 'basic', requestsPerSecond: 10, perMinute: 600, perDay: 864_000 },
    };
    expect(totalLine(plan)).toBe("This run takes about 3 hours 10 minutes and 41 % of today's quota (354,240 requests).");
  });

  it('names the streams it did not estimate', () => {
    const row = { stream: 'gmv_max_live_reports_daily', advertiserId: '1', lane: 'not estimated' as const, requests: 0, wallMs: 0 };
    const plan: Plan = {
      streams: [{ stream: 'gmv_max_live_reports_daily', requests: 0, wallMs: 0, rows: [row] }],
      planning: { calls: 2, probes: 0, ms: 0 },
      requests: 2,
      wallMs: 1000,
      budget: { tier: 'basic', requestsPerSecond: 10, perMinute: 600, perDay: undefined },
    };
    expect(totalLine(plan)).toBe('This run takes about 1 second (2 requests) besides gmv_max_live_reports_daily, not estimated.');
  });

  it('shares: small ones shown as such, an unlimited window as a dash', () => {
    expect(formatShare(0.0004)).toBe('<0.1 %');
    expect(formatShare(0.052)).toBe('5.2 %');
    expect(formatShare(1.69)).toBe('169 %');
    expect(formatShare(undefined)).toBe('—');
  });
});
