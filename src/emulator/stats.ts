import type { EmulatorStats } from './types.ts';

/** Counters served at /_emulator/stats: API requests by path, throttled answers and injected faults. */
export class StatsCounter {
  #requests = 0;
  #byPath = new Map<string, number>();
  #throttled = 0;
  #faults = 0;

  request(path: string): void {
    this.#requests++;
    this.#byPath.set(path, (this.#byPath.get(path) ?? 0) + 1);
  }

  throttled(): void {
    this.#throttled++;
  }

  fault(): void {
    this.#faults++;
  }

  reset(): void {
    this.#requests = 0;
    this.#byPath.clear();
    this.#throttled = 0;
    this.#faults = 0;
  }

  snapshot(): EmulatorStats {
    return {
      requests: this.#requests,
      byPath: Object.fromEntries([...this.#byPath].sort(([a], [b]) => (a < b ? -1 : 1))),
      throttled: this.#throttled,
      faults: this.#faults,
    };
  }
}
