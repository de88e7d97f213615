import { setTimeout as sleep } from 'node:timers/promises';
import { type LaneLimits, nextUtcMidnight } from './limits.ts';

/** Time for the limiter; tests pass a fake one to check the windows without waiting a minute. */
export interface LimiterClock {
  /** Milliseconds since the epoch (the day window follows the UTC day). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: LimiterClock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/** Room on the minute's edge for clocks and timers that are a little off. */
const MINUTE_MARGIN_MS = 250;
/**
 * Room on the second's edge: TikTok counts calls as they arrive, and two calls sent an interval apart may arrive
 * closer (the first one's connection was slower). Spacing starts by (1 s + this) ÷ rate keeps any rate + 1
 * arrivals more than a second apart despite that much jitter. Exactly 1 s ÷ rate met 40100 on ~1 % of calls.
 */
const SECOND_MARGIN_MS = 25;
const MINUTE_MS = 60_000;
/** Milliseconds between two call starts at `rate` calls a second, with the second's margin. */
const spacingMs = (rate: number): number => (1000 + SECOND_MARGIN_MS) / rate;

/**
 * How long a lane takes to start `calls` calls one after another from a quiet start: spaced by the per-second rate
 * (with the second's margin) until the minute's calls are spent, then each further minute's worth a minute (and its
 * margin) after the first. A plan predicts wall time with it; the day's window is a limit, not a pace.
 */
export function pacedMs(calls: number, limits: LaneLimits): number {
  if (calls <= 0) return 0;
  const spacing = spacingMs(limits.perSecond);
  const perMinute = finite(limits.perMinute);
  const minute = MINUTE_MS + MINUTE_MARGIN_MS;
  if (perMinute === undefined || spacing * perMinute >= minute) return calls * spacing;
  return Math.floor((calls - 1) / perMinute) * minute + (((calls - 1) % perMinute) + 1) * spacing;
}

/** The day's calls are spent: TikTok would suspend the app (or the endpoint) until 00:00 UTC. */
export class DailyLimitReached extends Error {
  readonly limit: number;
  readonly resetsAt: Date;
  constructor(limit: number, resetsAt: Date) {
    super(`the daily limit of ${limit.toLocaleString('en-US')} calls is spent until ${resetsAt.toISOString()}`);
    this.name = 'DailyLimitReached';
    this.limit = limit;
    this.resetsAt = resetsAt;
  }
}

/** What is left of a lane's windows right now (a planner reads it to share the budget out). */
export interface RemainingBudget {
  /** The current, adaptive per-second rate. */
  rate: number;
  /** Calls that may still start within the sliding minute; undefined: no minute limit. */
  minute: number | undefined;
  /** Calls left today (UTC) by this process's count; undefined: no daily limit. */
  day: number | undefined;
  dayResetsAt: Date;
  /** How long a call asked for now would wait for its slot (the calls queued before it, a full minute). */
  waitMs: number;
}

/**
 * Paces call starts under three windows at once: per second (evenly spaced at an adaptive rate), per sliding
 * minute and per UTC day. TikTok's limit is per developer app and shared by every connection of that app, so the
 * real per-second figure is unknown: on 40100 the rate halves (multiplicative decrease) and each success earns a
 * little back (additive increase) up to the ceiling. The minute and day windows are TikTok's documented figures
 * and never adapt: breaking the minute costs a 5-minute suspension, the day a suspension until 00:00 UTC.
 * Slots are reserved synchronously, so concurrent callers never share one.
 */
export class AdaptiveRateLimiter {
  private rate: number;
  private readonly ceiling: number;
  private readonly floor: number;
  private readonly perMinute: number | undefined;
  private readonly perDay: number | undefined;
  private readonly clock: LimiterClock;
  private nextSlot = 0;
  /** Reserved start times, ascending; only the last `perMinute` matter. */
  private starts: number[] = [];
  /**
   * When finished calls ended (answer received or given up), ascending. TikTok saw each call somewhere between
   * its start and its end, so the minute counts a call until a minute after its end: safe whatever the latency.
   */
  private ended: number[] = [];
  /** Calls started and not ended: TikTok may count any of them at any moment. */
  private running = 0;
  /** Resolved (and replaced) whenever a call ends: wakes callers waiting for the minute. */
  private ending = signal();
  private lastSent = Number.NEGATIVE_INFINITY;
  private day = -1;
  private dayCount = 0;
  throttles = 0;

  constructor(limits: number | LaneLimits, clock: LimiterClock = realClock) {
    const lane = typeof limits === 'number' ? { perSecond: limits } : limits;
    this.ceiling = lane.perSecond;
    this.rate = lane.perSecond;
    this.floor = Math.min(lane.perSecond, 0.05);
    this.perMinute = finite(lane.perMinute);
    this.perDay = finite(lane.perDay);
    this.clock = clock;
  }

  get currentRate(): number {
    return this.rate;
  }

  /**
   * Waits for the next slot free in every window; answers the function to call when the call has ended (its
   * answer came, or it failed). Throws DailyLimitReached when the day's calls are spent.
   */
  async acquire(): Promise<() => void> {
    const now = this.clock.now();
    const today = Math.floor(now / 86_400_000);
    if (today !== this.day) {
      this.day = today;
      this.dayCount = 0;
    }
    if (this.perDay !== undefined && this.dayCount >= this.perDay) throw new DailyLimitReached(this.perDay, nextUtcMidnight(now));
    let slot = Math.max(now, this.nextSlot);
    if (this.perMinute !== undefined) {
      const oldest = this.starts[this.starts.length - this.perMinute];
      if (oldest !== undefined) slot = Math.max(slot, oldest + MINUTE_MS + MINUTE_MARGIN_MS);
      this.starts.push(slot);
      if (this.starts.length > 2 * this.perMinute) this.starts = this.starts.slice(-this.perMinute);
    }
    this.nextSlot = slot + this.interval();
    this.dayCount++;
    if (slot > now) await this.clock.sleep(slot - now);
    await this.holdIfLate();
    if (this.perMinute === undefined) return () => undefined;
    this.running++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.running--;
      this.ended.push(this.clock.now());
      const ended = this.ending;
      this.ending = signal();
      ended.fire();
    };
  }

  /**
   * The reserved slot is a plan; what TikTok counts is when calls really arrive. A busy event loop wakes
   * sleepers late and then together, and a slow call may reach TikTok late: check the rate against the calls
   * actually started and the minute against the calls running or ended within it, and wait again if needed.
   */
  private async holdIfLate(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const wait = this.lastSent + this.interval() - now;
      const minute = this.minuteWait(now);
      if (minute === 'until a call ends') {
        await Promise.race([this.ending.fired, this.clock.sleep(Math.max(wait, 1_000))]);
        continue;
      }
      // Sub-millisecond differences are timer rounding, not a burst.
      if (Math.max(wait, minute) < 1) break;
      await this.clock.sleep(Math.max(wait, minute));
    }
    this.lastSent = this.clock.now();
  }

  /** How long until one more call fits in the sliding minute. */
  private minuteWait(now: number): number | 'until a call ends' {
    if (this.perMinute === undefined) return 0;
    const edge = now - MINUTE_MS - MINUTE_MARGIN_MS;
    let gone = 0;
    while (gone < this.ended.length && this.ended[gone]! <= edge) gone++;
    if (gone > 0) this.ended.splice(0, gone);
    const over = this.ended.length + this.running - this.perMinute + 1;
    if (over <= 0) return 0;
    if (over > this.ended.length) return 'until a call ends';
    return this.ended[over - 1]! + MINUTE_MS + MINUTE_MARGIN_MS - now;
  }

  onThrottle(): void {
    this.throttles++;
    this.rate = Math.max(this.floor, this.rate / 2);
    // Leave a gap of one new interval before anyone else starts.
    this.nextSlot = Math.max(this.nextSlot, this.clock.now() + this.interval());
  }

  /** Milliseconds between two starts at the current rate, with the second's margin. */
  private interval(): number {
    return spacingMs(this.rate);
  }

  onSuccess(): void {
    if (this.rate < this.ceiling) this.rate = Math.min(this.ceiling, this.rate + this.ceiling / 50);
  }

  /** Back to a rate held before: after a suspension its 40100s said nothing about our own pace. */
  restore(rate: number): void {
    this.rate = Math.min(this.ceiling, Math.max(this.rate, rate));
  }

  remaining(): RemainingBudget {
    const now = this.clock.now();
    const inMinute = this.starts.filter((t) => t > now - MINUTE_MS).length;
    const today = Math.floor(now / 86_400_000);
    const spentToday = today === this.day ? this.dayCount : 0;
    return {
      rate: this.rate,
      minute: this.perMinute === undefined ? undefined : Math.max(0, this.perMinute - inMinute),
      day: this.perDay === undefined ? undefined : Math.max(0, this.perDay - spentToday),
      dayResetsAt: nextUtcMidnight(now),
      waitMs: Math.max(0, this.nextSlot - now),
    };
  }
}

function signal(): { fired: Promise<void>; fire: () => void } {
  let fire = (): void => undefined;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fired, fire };
}

const finite = (value: number | undefined): number | undefined =>
  value !== undefined && Number.isFinite(value) ? Math.max(1, Math.floor(value)) : undefined;
