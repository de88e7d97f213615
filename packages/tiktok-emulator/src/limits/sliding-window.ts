/**
 * At most `limit` events in any span of `spanMs` (real, monotonic milliseconds). A ring of the last `limit`
 * admitted instants: the window is full while the oldest of them is still inside the span.
 */
export class SlidingWindow {
  readonly #limit: number;
  readonly #spanMs: number;
  readonly #ring: Float64Array;
  #next = 0;

  constructor(limit: number, spanMs: number) {
    this.#limit = limit;
    this.#spanMs = spanMs;
    this.#ring = new Float64Array(limit).fill(-Infinity);
  }

  full(nowMs: number): boolean {
    return this.#limit > 0 && this.#ring[this.#next]! > nowMs - this.#spanMs;
  }

  record(nowMs: number): void {
    if (this.#limit <= 0) return;
    this.#ring[this.#next] = nowMs;
    this.#next = (this.#next + 1) % this.#limit;
  }
}
