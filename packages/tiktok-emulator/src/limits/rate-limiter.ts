// TikTok's rate windows per app (and per app and endpoint where an endpoint has its own): over the QPS
// window a call is refused; over the QPM window the whole scope is suspended for `suspensionMs`; over the
// QPD window until the next 00:00 UTC of the emulator's clock. Every refusal is 40100 in the body of an
// HTTP 200 answer, nothing in the headers.
//
// What counts: the minute and the day count every call that reaches them, refused by QPS or not; the second
// counts only admitted calls. Were QPS refusals not counted, a QPM breach could never happen (60 seconds of
// at most QPS calls each fit a minute exactly); counted, a client hammering at twice the QPS gets itself
// suspended within half a minute, which is what TikTok's advice ("pace under all three windows") warns of.
// Calls during a suspension count nowhere.

import { SlidingWindow } from './sliding-window.ts';
import type { LimitProfile, WindowLimits } from './tiers.ts';
import { TokenBucket } from './token-bucket.ts';

export type RateWindow = 'qps' | 'qpm' | 'qpd';

export interface Throttle {
  /** The window that refused, or `suspended` while an earlier QPM/QPD breach holds. */
  window: RateWindow | 'suspended';
  /** Set when this call tripped a suspension. */
  tripped?: 'qpm' | 'qpd';
  message: string;
}

const DAY_MS = 86_400_000;

/** One scope's windows: an app, or an app's use of one endpoint. */
class ScopeWindows {
  readonly #limits: WindowLimits;
  readonly #second: SlidingWindow | TokenBucket;
  #minute: SlidingWindow;
  #day = -1;
  #dayCount = 0;
  /** Suspension end on the real monotonic clock (QPM breach). */
  suspendedUntilReal = -Infinity;
  /** Suspension end on the emulator's clock (QPD breach: the next UTC midnight). */
  suspendedUntilEmulator = -Infinity;

  constructor(limits: WindowLimits, bucketPerSecond: boolean) {
    this.#limits = limits;
    this.#second = bucketPerSecond ? new TokenBucket(limits.qps) : new SlidingWindow(limits.qps, 1000);
    this.#minute = new SlidingWindow(limits.qpm, 60_000);
  }

  /**
   * The first window this call overflows, checked from the longest to the shortest. A call that passes the
   * day and the minute is counted there at once, even if the second then refuses it.
   */
  overflow(realMs: number, utcDay: number): RateWindow | undefined {
    if (this.#day !== utcDay) {
      this.#day = utcDay;
      this.#dayCount = 0;
    }
    if (this.#limits.qpd > 0 && this.#dayCount >= this.#limits.qpd) return 'qpd';
    if (this.#minute.full(realMs)) return 'qpm';
    this.#dayCount++;
    this.#minute.record(realMs);
    if (this.#second instanceof TokenBucket) return this.#second.take() ? undefined : 'qps';
    return this.#second.full(realMs) ? 'qps' : undefined;
  }

  /**
   * A QPM breach suspends the scope; its minute starts afresh when the suspension ends. TikTok's 5 minutes
   * outlast any minute anyway; a test's shorter suspension must not trip again on the same 60 seconds.
   */
  suspendFor(realMs: number, ms: number): void {
    this.suspendedUntilReal = realMs + ms;
    this.#minute = new SlidingWindow(this.#limits.qpm, 60_000);
  }

  /** Counts an admitted call in the second (the day and the minute counted it already). */
  admitted(realMs: number): void {
    if (this.#second instanceof SlidingWindow) this.#second.record(realMs);
  }
}

export class RateLimiter {
  readonly #profile: LimitProfile;
  readonly #suspensionMs: number;
  readonly #bucketPerSecond: boolean;
  readonly #scopes = new Map<string, ScopeWindows>();

  /** `bucketPerSecond`: the older `--qps` ceiling (a token bucket) instead of TikTok's sliding second. */
  constructor(profile: LimitProfile, suspensionMs: number, bucketPerSecond: boolean) {
    this.#profile = profile;
    this.#suspensionMs = suspensionMs;
    this.#bucketPerSecond = bucketPerSecond;
  }

  /** Admits the call (charging every scope) or says why not. `emulatorNow` decides the UTC day. */
  admit(appId: string, route: string, emulatorNow: Date): Throttle | undefined {
    const realMs = performance.now();
    const emulatorMs = emulatorNow.getTime();
    const utcDay = Math.floor(emulatorMs / DAY_MS);
    const scopes: [string, ScopeWindows][] = [];
    const app = this.#scope(appId, this.#profile.app);
    if (app !== undefined) scopes.push(['The app', app]);
    const endpoint = this.#scope(`${appId}|${route}`, this.#profile.endpoint(route));
    if (endpoint !== undefined) scopes.push([`Calls to ${route}`, endpoint]);
    for (const [who, scope] of scopes) {
      if (scope.suspendedUntilReal > realMs || scope.suspendedUntilEmulator > emulatorMs) {
        return { window: 'suspended', message: `${who} is suspended after exceeding its rate limit. Please retry after some time.` };
      }
    }
    for (const [who, scope] of scopes) {
      const over = scope.overflow(realMs, utcDay);
      if (over === 'qpd') {
        scope.suspendedUntilEmulator = (utcDay + 1) * DAY_MS;
        return { window: 'qpd', tripped: 'qpd', message: `${who} reached its daily (QPD) limit; calls are suspended until 00:00 UTC.` };
      }
      if (over === 'qpm') {
        scope.suspendFor(realMs, this.#suspensionMs);
        return { window: 'qpm', tripped: 'qpm', message: `${who} reached its per-minute (QPM) limit; calls are suspended for a while.` };
      }
      // TikTok's wording for the app's window, as recorded in Airbyte's connector tests.
      if (over === 'qps') return { window: 'qps', message: who === 'The app' ? 'App reaches the QPS limit.' : `${who} reached their QPS limit.` };
    }
    for (const [, scope] of scopes) scope.admitted(realMs);
    return undefined;
  }

  #scope(key: string, limits: WindowLimits): ScopeWindows | undefined {
    if (limits.qps <= 0 && limits.qpm <= 0 && limits.qpd <= 0) return undefined;
    let scope = this.#scopes.get(key);
    if (scope === undefined) {
      scope = new ScopeWindows(limits, this.#bucketPerSecond);
      this.#scopes.set(key, scope);
    }
    return scope;
  }
}
