import { describeWait } from './limits.ts';
import { type LimiterClock, realClock } from './rate-limiter.ts';

/**
 * TikTok answers a per-second breach with 40100 for the rest of that second; a per-minute breach suspends the
 * app for 5 minutes, a per-day breach until 00:00 UTC, all with the same 40100. A streak of 40100s (no success
 * between) that lasts longer than this is therefore no per-second refusal: the app is suspended (our own pacing
 * keeps under the minute, so another connection of the same app tripped it).
 */
export const SUSPENSION_EVIDENCE_MS = 1_500;

const PROBE_FIRST_MS = 1_000;
const PROBE_MAX_MS = 15_000;

export interface SuspensionOptions {
  /** The longest wait for one suspension to lift (TikTok's lasts 5 minutes). */
  waitMs: number;
  /** What is suspended, for the notice: "this app's API calls", "this app's report/task/create/ calls". */
  what: string;
  /** A line for people watching (stderr): the wait is announced, never silent. */
  notice: (line: string) => void;
  clock?: LimiterClock;
}

/** The wait did not help: 40100 persists. The caller turns it into the right error for its lane. */
export class SuspensionPersists extends Error {
  readonly waitedMs: number;
  constructor(waitedMs: number) {
    super(`40100 persisted after waiting ${describeWait(waitedMs)}`);
    this.name = 'SuspensionPersists';
    this.waitedMs = waitedMs;
  }
}

interface Suspended {
  since: number;
  until: number;
  nextProbeAt: number;
  /** Grows from 1 s to PROBE_MAX_MS: resume soon after a short suspension, rarely knock during a long one. */
  probeDelay: number;
  probing: boolean;
  /** Callers held back right now. */
  waiting: number;
  /** Wakes the callers held back while one probes. */
  wake: () => void;
  woken: Promise<void>;
}

/**
 * Watches one lane's 40100 answers. While the lane is suspended every caller is held back and one at a time
 * probes (a suspension counts no calls, so a probe costs nothing); the first success lifts it. Each suspension is
 * waited out once, up to `waitMs`, without spending a retry; when 40100 outlasts that wait, every caller gets
 * SuspensionPersists (for good: the run ends, or for report/task/create/ the reader stops creating tasks).
 */
export class SuspensionWatch {
  private readonly options: SuspensionOptions;
  private readonly clock: LimiterClock;
  private streakSince: number | undefined;
  private streak = 0;
  private suspended: Suspended | undefined;
  private failure: SuspensionPersists | undefined;
  /** Suspensions recognised in this run. */
  suspensions = 0;

  constructor(options: SuspensionOptions) {
    this.options = options;
    this.clock = options.clock ?? realClock;
  }

  get isSuspended(): boolean {
    return this.suspended !== undefined;
  }

  /**
   * Before each call: holds the caller while the lane is suspended. 'go': no suspension; 'probe': this caller is
   * the one to try (it must report back by onSuccess, onThrottle(true) or probeEnded); 'expired': the caller's
   * own deadline (its retry time) came first.
   */
  async beforeCall(deadline = Number.POSITIVE_INFINITY): Promise<'go' | 'probe' | 'expired'> {
    for (;;) {
      if (this.failure) throw this.failure;
      const s = this.suspended;
      if (!s) return 'go';
      const now = this.clock.now();
      if (now >= deadline) {
        this.abandon();
        return 'expired';
      }
      if (!s.probing && now >= s.nextProbeAt) {
        s.probing = true;
        return 'probe';
      }
      s.waiting++;
      try {
        await Promise.race([s.woken, this.clock.sleep(Math.max(50, Math.min(s.nextProbeAt, deadline) - now))]);
      } finally {
        s.waiting--;
      }
    }
  }

  /**
   * A caller gives up (its retry time ran out). The last one to leave ends the wait: nobody is left to resume,
   * and a later caller (a new read in the same process) starts afresh instead of behind a stale probe delay.
   */
  abandon(): void {
    const s = this.suspended;
    if (s && s.waiting === 0 && !s.probing) {
      this.suspended = undefined;
      this.streakSince = undefined;
      this.streak = 0;
    }
  }

  /** The probe ended in some other failure (a reset, a 5xx): the next caller may probe at once. */
  probeEnded(): void {
    const s = this.suspended;
    if (s) s.probing = false;
  }

  /** After a success: true when it ended a suspension. */
  onSuccess(): boolean {
    this.streakSince = undefined;
    this.streak = 0;
    const s = this.suspended;
    if (!s) return false;
    this.suspended = undefined;
    this.options.notice(`TikTok lifted the suspension after ${describeWait(this.clock.now() - s.since)}; continuing.`);
    s.wake();
    return true;
  }

  /**
   * After a 40100: 'retry' (pace and try again) or 'suspended' (a suspension began or goes on; try again after
   * beforeCall). Throws SuspensionPersists when waiting no longer helps.
   */
  onThrottle(wasProbe: boolean): 'retry' | 'suspended' {
    const now = this.clock.now();
    const s = this.suspended;
    if (s) {
      // A call that left before the suspension was recognised says nothing new.
      if (!wasProbe) return 'suspended';
      s.probing = false;
      if (now >= s.until) this.fail(new SuspensionPersists(now - s.since));
      s.probeDelay = Math.min(PROBE_MAX_MS, s.probeDelay * 2);
      s.nextProbeAt = Math.min(s.until, now + s.probeDelay);
      return 'suspended';
    }
    this.streakSince ??= now;
    this.streak++;
    if (this.streak < 2 || now - this.streakSince < SUSPENSION_EVIDENCE_MS) return 'retry';
    this.suspensions++;
    let wake = (): void => undefined;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    this.suspended = { since: this.streakSince, until: now + this.options.waitMs, nextProbeAt: now + PROBE_FIRST_MS, probeDelay: PROBE_FIRST_MS, probing: false, waiting: 0, wake, woken };
    this.options.notice(
      `TikTok suspended ${this.options.what} after a per-minute limit breach (code 40100 for ${describeWait(now - this.streakSince)}, likely another connection of the same app); waiting up to ${describeWait(this.options.waitMs)}.`,
    );
    return 'suspended';
  }

  private fail(failure: SuspensionPersists): never {
    this.failure = failure;
    const s = this.suspended;
    this.suspended = undefined;
    s?.wake();
    throw failure;
  }
}
