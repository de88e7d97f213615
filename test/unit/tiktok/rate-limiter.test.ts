// The client's pacing: the adaptive rate, and TikTok's windows under the minute and the day on a fake clock (a minute
// is not waited here; test/stress/client-limits.stress.test.ts runs a real minute against the emulator, and
// test/e2e/client-limits.test.ts a suspension and a spent day).

import { describe, expect, it } from 'vitest';
import { AppBudget } from '../../../src/tiktok/app-budget.ts';
import { laneLimitsOf, nextUtcMidnight } from '../../../src/tiktok/limits.ts';
import { AdaptiveRateLimiter, DailyLimitReached, type LimiterClock } from '../../../src/tiktok/rate-limiter.ts';

describe('rate limiter', () => {
  it('halves on throttle and recovers on success, never above the ceiling', () => {
    const limiter = new AdaptiveRateLimiter(10);
    limiter.onThrottle();
    expect(limiter.currentRate).toBe(5);
    for (let i = 0; i < 100; i++) limiter.onSuccess();
    expect(limiter.currentRate).toBe(10);
  });
  it('spaces requests at the rate', async () => {
    const limiter = new AdaptiveRateLimiter(50);
    const started = performance.now();
    for (let i = 0; i < 6; i++) await limiter.acquire();
    // 6 starts at 50/s need at least 5 intervals of 20 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });
});

describe('the wait it tells', () => {
  it('is how long a call asked for now would wait: after the slots queued before it', () => {
    // A clock that never moves: the callers stay queued, each in its reserved slot.
    const still: LimiterClock = { now: () => Date.UTC(2026, 10, 28, 12, 0, 0), sleep: () => new Promise<void>(() => undefined) };
    const limiter = new AdaptiveRateLimiter(2, still);
    expect(limiter.remaining().waitMs).toBe(0);
    for (let i = 0; i < 5; i++) void limiter.acquire();
    // Five slots of half a second (and the limiter's small margin) reserved: the next is free after about 2.5 s.
    expect(limiter.remaining().waitMs).toBeGreaterThanOrEqual(2_500);
    expect(limiter.remaining().waitMs).toBeLessThan(3_000);
  });
});

/** A clock that moves only when someone sleeps: the windows are checked without waiting for them. */
function fakeClock(start = Date.UTC(2026, 10, 28, 12, 0, 0)): LimiterClock & { t: number } {
  const clock = {
    t: start,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

/** The most starts that fall in any window of `span` ms. */
function busiest(starts: number[], span: number): number {
  let most = 0;
  for (let i = 0, j = 0; j < starts.length; j++) {
    while (starts[j]! - starts[i]! >= span) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** When each of `count` calls, one after another, was let start (each ends at once). */
async function startsOf(limiter: AdaptiveRateLimiter, clock: { t: number }, count: number): Promise<number[]> {
  const starts: number[] = [];
  for (let i = 0; i < count; i++) {
    const end = await limiter.acquire();
    starts.push(clock.t);
    end();
  }
  return starts;
}

describe('the windows (fake clock)', () => {
  it('never starts more calls in a sliding minute than the minute allows, and no later than needed', async () => {
    const clock = fakeClock();
    const starts = await startsOf(new AdaptiveRateLimiter({ perSecond: 10, perMinute: 25 }, clock), clock, 80);
    expect(busiest(starts, 60_000)).toBe(25);
    // 80 calls at 25 a minute: the 26th waits for the first to leave the minute, the whole takes just over 3 minutes.
    expect(starts[25]! - starts[0]!).toBeGreaterThanOrEqual(60_000);
    expect(starts[79]! - starts[0]!).toBeLessThan(3 * 60_000 + 2_000);
    expect(busiest(starts, 1_000)).toBeLessThanOrEqual(10);
  });

  it('keeps any rate + 1 starts more than a second apart, with room for the calls to arrive a little unevenly', async () => {
    const clock = fakeClock();
    const starts = await startsOf(new AdaptiveRateLimiter({ perSecond: 10 }, clock), clock, 40);
    // Sent exactly 100 ms apart, a call arriving 20 ms late next to one on time would be the 11th in a second.
    expect(busiest(starts, 1_020)).toBeLessThanOrEqual(10);
    // And no slower than the margin needs: 40 starts at 10/s in under 4.1 s.
    expect(starts[39]! - starts[0]!).toBeLessThan(4_100);
  });

  it('counts a call in the minute until a minute after it ended (TikTok saw it somewhere in between), a running one until it ends', async () => {
    const clock = fakeClock();
    // Each sleep lets the test run in between (a macrotask), as real timers would.
    const turning = { ...clock, sleep: async (ms: number) => {
      clock.t += ms;
      await new Promise((resolve) => setImmediate(resolve));
    } };
    const limiter = new AdaptiveRateLimiter({ perSecond: 100, perMinute: 1 }, turning);
    const endSlow = await limiter.acquire();
    let secondAt: number | undefined;
    const second = limiter.acquire().then((end) => {
      secondAt = clock.t;
      end();
    });
    // The slow call runs for five (fake) minutes: the second waits all along.
    while (clock.t < Date.UTC(2026, 10, 28, 12, 5, 0)) await new Promise((resolve) => setImmediate(resolve));
    expect(secondAt).toBeUndefined();
    const slowEndedAt = clock.t;
    endSlow();
    await second;
    expect(secondAt).toBeGreaterThanOrEqual(slowEndedAt + 60_000);
  });

  it('counts the UTC day and refuses past its limit with the next 00:00 UTC, then starts afresh', async () => {
    const clock = fakeClock(Date.UTC(2026, 10, 28, 23, 59, 0));
    const limiter = new AdaptiveRateLimiter({ perSecond: 100, perDay: 5 }, clock);
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(limiter.remaining().day).toBe(0);
    const refused = await limiter.acquire().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DailyLimitReached);
    expect((refused as DailyLimitReached).resetsAt.toISOString()).toBe('2026-11-29T00:00:00.000Z');
    clock.t = Date.UTC(2026, 10, 29, 0, 0, 1);
    await limiter.acquire();
    expect(limiter.remaining().day).toBe(4);
  });

  it('report/task/create/ passes its own windows (1/s, 60/min, 4,500/day) on top of the app\'s; other calls only the app\'s', () => {
    const limits = laneLimitsOf({ tier: 'basic', requestsPerSecond: 50, taskRequestsPerSecond: 10 });
    // requests_per_second stays the user's ceiling; the minute and the day are the tier's.
    expect(limits.app).toEqual({ perSecond: 50, perMinute: 600, perDay: 864_000 });
    expect(limits.create).toEqual({ perSecond: 1, perMinute: 60, perDay: 4_500 });
    expect(laneLimitsOf({ tier: 'advanced', requestsPerSecond: 5, requestsPerMinute: 100, taskRequestsPerSecond: 0.3 }).app.perMinute).toBe(100);
    const budget = new AppBudget({ ...limits, suspensionMs: 1000, notice: () => undefined });
    expect(budget.lanesFor('report/task/create/').map((l) => l.name)).toEqual(['app', 'create']);
    expect(budget.lanesFor('report/task/check/').map((l) => l.name)).toEqual(['app']);
    expect(nextUtcMidnight(Date.UTC(2026, 0, 31, 5)).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    // The sandbox counts each endpoint on its own (1 / 30 / 1,000): one lane per path, not one for the app.
    const sandbox = new AppBudget({ ...laneLimitsOf({ tier: 'sandbox', requestsPerSecond: 5, taskRequestsPerSecond: 1 }), suspensionMs: 1000, notice: () => undefined });
    expect(sandbox.lanesFor('campaign/get/')[0]).toBe(sandbox.lanesFor('/campaign/get/')[0]);
    expect(sandbox.lanesFor('campaign/get/')[0]).not.toBe(sandbox.lanesFor('ad/get/')[0]);
    expect(sandbox.lanesFor('ad/get/')[0]!.limiter.remaining()).toMatchObject({ rate: 5, minute: 30, day: 1_000 });
  });
});
