/**
 * A token bucket on the real monotonic clock: `rate` tokens per second, holding at most `burst`. Rate 0
 * means unlimited. The older `--qps` ceiling (no tier): one bucket per app, and one for report/task/create/.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #updatedMs: number;

  constructor(rate: number, burst = Math.max(1, rate)) {
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#updatedMs = performance.now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    if (this.#rate <= 0) return true;
    const now = performance.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#updatedMs) / 1000) * this.#rate);
    this.#updatedMs = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
