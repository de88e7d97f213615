// Injected failures of the kinds TikTok's API really produces. The plan in force comes from the options and
// can be replaced at runtime (admin route): a rate, the kinds to pick from, which paths, and for how many
// requests or milliseconds before it heals back to the startup plan. Whether a request fails, and how, is
// decided from the seed, the request's fingerprint and how often that fingerprint was seen, so a run repeats.

import { hash32, hashString, unit } from '../data/hash.ts';

export type FaultKind =
  | 'code40100' | 'code40016' | 'code40133' | 'code50000' | 'code50002' | 'code60001'
  | 'http500' | 'http503' | 'html502'
  | 'drop' | 'truncate' | 'invalidJson' | 'slow' | 'streamCut';

export const FAULT_KINDS: readonly FaultKind[] = [
  'code40100', 'code40016', 'code40133', 'code50000', 'code50002', 'code60001', 'http500', 'http503', 'html502', 'drop', 'truncate', 'invalidJson', 'slow',
  'streamCut',
];

/**
 * Kinds chosen only by name, never drawn from a plan that names none: `slow` waits for the client's timeout,
 * `streamCut` only concerns file downloads, and 40016 / 40133 (TikTok's other throttles, see the corrections in
 * tiktok-api.md) are for tests that ask for them — the default mix stays the one existing runs were seeded with.
 */
const NAMED_ONLY: ReadonlySet<FaultKind> = new Set(['slow', 'streamCut', 'code40016', 'code40133']);

/** Kinds drawn when a plan names none: every kind that answers at once, except the named-only ones. */
export const DEFAULT_FAULT_KINDS: readonly FaultKind[] = FAULT_KINDS.filter((k) => !NAMED_ONLY.has(k));

/**
 * Kinds that refuse the request before it is carried out (an error answer). The others lose or spoil the
 * answer of a request the server did carry out, as a real server behind a flaky network would.
 */
export const REFUSING_FAULTS: ReadonlySet<FaultKind> = new Set([
  'code40100', 'code40016', 'code40133', 'code50000', 'code50002', 'code60001', 'http500', 'http503', 'html502',
]);

export interface FaultPlan {
  rate: number;
  kinds: readonly FaultKind[];
  /** Route keys (`report/task/create/`) or prefixes (`report/`) the plan applies to; empty: every path. */
  paths: readonly string[];
  /** Faults in a row for one fingerprint before a request is let through; 0: no cap. */
  maxStreak: number;
  /** The plan heals (back to the startup plan) after this many requests it applies to… */
  forRequests?: number;
  /** …or once this many real milliseconds have passed. */
  forMs?: number;
}

interface Attempts {
  count: number;
  streak: number;
}

const MAX_TRACKED = 200_000;

export class FaultInjector {
  readonly #seed: number;
  readonly #base: FaultPlan;
  #plan: FaultPlan;
  #remainingRequests = Infinity;
  #healsAtMs = Infinity;
  readonly #attempts = new Map<number, Attempts>();

  constructor(seed: number, base: FaultPlan) {
    this.#seed = seed;
    this.#base = base;
    this.#plan = base;
  }

  /** Replaces the plan in force; it heals back to the startup plan after `forRequests`/`forMs`. */
  setPlan(plan: FaultPlan): void {
    this.#plan = plan;
    this.#remainingRequests = plan.forRequests ?? Infinity;
    this.#healsAtMs = plan.forMs === undefined ? Infinity : performance.now() + plan.forMs;
    // A new plan starts new streaks, so its effect does not depend on what came before.
    this.#attempts.clear();
  }

  /** The plan in force and what is left of it. */
  describe(): FaultPlan & { remainingRequests: number | null; remainingMs: number | null } {
    this.#healIfDue();
    return {
      ...this.#plan,
      remainingRequests: Number.isFinite(this.#remainingRequests) ? this.#remainingRequests : null,
      remainingMs: Number.isFinite(this.#healsAtMs) ? Math.max(0, Math.round(this.#healsAtMs - performance.now())) : null,
    };
  }

  decide(route: string, fingerprint: string): FaultKind | undefined {
    this.#healIfDue();
    const plan = this.#plan;
    if (plan.rate <= 0 || plan.kinds.length === 0) return undefined;
    if (plan.paths.length > 0 && !plan.paths.some((p) => route.startsWith(p))) return undefined;
    if (Number.isFinite(this.#remainingRequests) && --this.#remainingRequests <= 0) {
      // This request is the plan's last one; later ones see the startup plan.
      this.#healsAtMs = -Infinity;
    }
    const key = hashString(fingerprint);
    let attempts = this.#attempts.get(key);
    if (attempts === undefined) {
      if (this.#attempts.size >= MAX_TRACKED) this.#attempts.clear();
      attempts = { count: 0, streak: 0 };
      this.#attempts.set(key, attempts);
    }
    const attempt = attempts.count++;
    const capped = plan.maxStreak > 0 && attempts.streak >= plan.maxStreak;
    if (capped || unit(hash32(this.#seed, key, attempt, 0xfa)) >= plan.rate) {
      attempts.streak = 0;
      return undefined;
    }
    attempts.streak++;
    return plan.kinds[hash32(this.#seed, key, attempt, 0xfb) % plan.kinds.length];
  }

  #healIfDue(): void {
    if (this.#plan !== this.#base && performance.now() >= this.#healsAtMs) {
      this.#plan = this.#base;
      this.#remainingRequests = Infinity;
      this.#healsAtMs = Infinity;
    }
  }
}
