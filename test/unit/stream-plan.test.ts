// The stream's plan: the expected rows and the ETA a read's progress shows, from windows planned and rows learnt.
// Every expected figure is worked out by hand from the windows fed in (the comments show the sums).

import { describe, expect, it } from 'vitest';
import { ReadActivity } from '../../src/read-activity.ts';
import { StreamPlan } from '../../src/stream-plan.ts';

/** A synchronous window of `days` days from `from`, holding `rows` rows. */
const window = (from: number, days: number, rows: number) => ({ from, to: from + days - 1, days, rows, window: true });

describe('the estimate', () => {
  it('counts the advertisers not begun yet: one window read of four advertisers already tells the whole total', () => {
    const plan = new StreamPlan(() => 0);
    plan.expect(4);
    plan.begin('a', 100, 30, 1000);
    expect(plan.estimate).toBeUndefined();
    plan.finished('a', window(0, 10, 100));
    // 10 rows a day: a's 100 days are 1,000 rows, and three more advertisers like it.
    expect(plan.estimate).toBe(4_000);
    plan.begin('b', 50, 30, 1000);
    // b begun with 50 days at the stream's 10 a day: 1,000 + 500 + two more of the mean 75 days (1,500).
    expect(plan.estimate).toBe(3_000);
  });

  it('follows the latest days read: an account that doubled is expected at its new rows per day', () => {
    const plan = new StreamPlan(() => 0);
    plan.expect(1);
    plan.begin('a', 200, 30, 1000);
    for (let day = 0; day < 90; day += 30) plan.finished('a', window(day, 30, 30 * 10));
    for (let day = 90; day < 180; day += 30) plan.finished('a', window(day, 30, 30 * 20));
    // Read: 900 + 1,800 rows. Left: 20 days, nearer 20 a day (the account now: 400) than the mean 15 (300).
    const left = (plan.estimate ?? 0) - 2_700;
    expect(left).toBeGreaterThan(350);
    expect(left).toBeLessThanOrEqual(400);
  });

  it('is exact once every window is read, and windows are left until then', () => {
    const plan = new StreamPlan(() => 0);
    plan.expect(2);
    plan.begin('a', 20, 10, 1000);
    plan.finished('a', window(0, 10, 70));
    plan.finished('a', window(10, 10, 30));
    expect(plan.workLeft).toBe(true);
    plan.begin('b', 5, 10, 1000);
    expect(plan.workLeft).toBe(true);
    plan.finished('b', window(0, 5, 12));
    expect(plan.workLeft).toBe(false);
    expect(plan.estimate).toBe(112);
  });

  it('leaves out the days an advertiser will not read (skipped, or failed)', () => {
    const plan = new StreamPlan(() => 0);
    plan.expect(2);
    plan.begin('a', 20, 10, 1000);
    plan.finished('a', window(0, 10, 100));
    plan.begin('b', 20, 10, 1000);
    plan.ended('b');
    // a's 20 days at 10 a day; b nothing.
    expect(plan.estimate).toBe(200);
    plan.finished('a', window(10, 10, 100));
    expect(plan.workLeft).toBe(false);
  });
});

describe('the ETA', () => {
  it('is the requests left at the pace windows finish', () => {
    let now = 0;
    const plan = new StreamPlan(() => now);
    plan.expect(1);
    plan.begin('a', 100, 10, 1000);
    // A window of 10 days every 0.5 s, 1,500 rows each: two pages, so 4 requests a second.
    for (let i = 0; i < 4; i++) {
      now = i * 500;
      plan.finished('a', window(i * 10, 10, 1_500));
    }
    // 6 windows left of 2 pages: 12 requests at (3 windows × 2 pages) / 1.5 s = 4 a second: 3 s.
    expect(plan.etaSeconds()).toBeCloseTo(3, 5);
    now += 1_000;
    expect(plan.etaSeconds()).toBeCloseTo(2, 5);
  });

  it('is unknown until windows finished a moment apart, not a guess from the first rows', () => {
    let now = 0;
    const plan = new StreamPlan(() => now);
    plan.expect(3);
    plan.begin('a', 100, 10, 1000);
    plan.begin('b', 100, 10, 1000);
    plan.finished('a', window(0, 10, 100));
    now = 5;
    plan.finished('b', window(0, 10, 100));
    expect(plan.etaSeconds()).toBeUndefined();
  });

  it("leaves a report task's days to the task until its rows are out, and waits for the task's expected end", () => {
    let now = 0;
    const plan = new StreamPlan(() => now);
    plan.expect(1);
    plan.begin('a', 100, 10, 1000);
    for (let i = 0; i < 3; i++) {
      now = i * 1_000;
      plan.finished('a', window(i * 10, 10, 100));
    }
    // 70 days left: 7 windows of one request at one a second.
    expect(plan.etaSeconds()).toBeCloseTo(7, 5);
    const release = plan.holdForTask('a', 50, 4_000);
    // 20 days for the synchronous lane (2 s); the task expected 4 s from now.
    expect(plan.etaSeconds()).toBeCloseTo(4, 5);
    now += 4_500;
    // Both past due: only the late task is left, and when it comes is not known.
    expect(plan.etaSeconds()).toBeUndefined();
    release();
    // Its days are the synchronous lane's again: 7 s of requests from the last window, 4.5 s ago.
    expect(plan.etaSeconds()).toBeCloseTo(2.5, 5);
  });
});

describe('what a stream waits on', () => {
  it('names the report tasks processing and the client wait', () => {
    let wait: string | undefined;
    const activity = new ReadActivity({ waits: () => wait });
    expect(activity.waitingOn('ads_reports_daily')).toBeUndefined();
    activity.plan('ads_reports_daily').tasksProcessing = 3;
    expect(activity.waitingOn('ads_reports_daily')).toBe('3 TikTok report tasks processing');
    wait = "waiting 12 s for TikTok's rate limit";
    activity.plan('ads_reports_daily').tasksProcessing = 1;
    expect(activity.waitingOn('ads_reports_daily')).toBe("1 TikTok report task processing, waiting 12 s for TikTok's rate limit");
  });
});
