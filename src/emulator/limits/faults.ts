import { hash32, hashString, unit } from '../data/hash.ts';

export type FaultKind = 'code40100' | 'code50000' | 'code50002' | 'code60001' | 'http500' | 'http503' | 'drop' | 'truncate';

export const FAULT_KINDS: readonly FaultKind[] = ['code40100', 'code50000', 'code50002', 'code60001', 'http500', 'http503', 'drop', 'truncate'];

/** Never more faults than this in a row for one request fingerprint, so a retrying client gets through. */
const MAX_STREAK = 3;
const MAX_TRACKED = 200_000;

interface Attempts {
  count: number;
  streak: number;
}

/**
 * Decides, deterministically from the seed, the request's fingerprint (method, path, sorted query, body)
 * and how often that fingerprint was seen, whether a request fails and how.
 */
export class FaultInjector {
  readonly #seed: number;
  readonly #rate: number;
  readonly #attempts = new Map<number, Attempts>();

  constructor(seed: number, rate: number) {
    this.#seed = seed;
    this.#rate = rate;
  }

  decide(fingerprint: string): FaultKind | undefined {
    if (this.#rate <= 0) return undefined;
    const key = hashString(fingerprint);
    let attempts = this.#attempts.get(key);
    if (attempts === undefined) {
      if (this.#attempts.size >= MAX_TRACKED) this.#attempts.clear();
      attempts = { count: 0, streak: 0 };
      this.#attempts.set(key, attempts);
    }
    const attempt = attempts.count++;
    if (attempts.streak >= MAX_STREAK || unit(hash32(this.#seed, key, attempt, 0xfa)) >= this.#rate) {
      attempts.streak = 0;
      return undefined;
    }
    attempts.streak++;
    return FAULT_KINDS[hash32(this.#seed, key, attempt, 0xfb) % FAULT_KINDS.length];
  }
}
