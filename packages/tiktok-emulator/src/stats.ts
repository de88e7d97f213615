import type { FaultKind } from './limits/faults.ts';
import type { RateWindow } from './limits/rate-limiter.ts';
import type { EmulatorStats } from './types.ts';

/** Counters served at /_emulator/stats: API requests by path, throttled answers, suspensions, faults. */
export class StatsCounter {
  #requests = 0;
  #byPath = new Map<string, number>();
  #throttledBy = { qps: 0, qpm: 0, qpd: 0, suspended: 0, advertiser: 0 };
  #suspensions = { qpm: 0, qpd: 0 };
  #faultsByKind = new Map<FaultKind, number>();

  request(path: string): void {
    this.#requests++;
    this.#byPath.set(path, (this.#byPath.get(path) ?? 0) + 1);
  }

  /** `advertiser`: TikTok's per-advertiser, per-path window (40133). */
  throttled(window: RateWindow | 'suspended' | 'advertiser', tripped?: 'qpm' | 'qpd'): void {
    this.#throttledBy[window]++;
    if (tripped !== undefined) this.#suspensions[tripped]++;
  }

  fault(kind: FaultKind): void {
    this.#faultsByKind.set(kind, (this.#faultsByKind.get(kind) ?? 0) + 1);
  }

  reset(): void {
    this.#requests = 0;
    this.#byPath.clear();
    this.#throttledBy = { qps: 0, qpm: 0, qpd: 0, suspended: 0, advertiser: 0 };
    this.#suspensions = { qpm: 0, qpd: 0 };
    this.#faultsByKind.clear();
  }

  snapshot(): EmulatorStats {
    const sorted = <V>(map: Map<string, V>) => Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
    return {
      requests: this.#requests,
      byPath: sorted(this.#byPath),
      throttled: Object.values(this.#throttledBy).reduce((a, b) => a + b, 0),
      faults: [...this.#faultsByKind.values()].reduce((a, b) => a + b, 0),
      throttledBy: { ...this.#throttledBy },
      suspensions: { ...this.#suspensions },
      faultsByKind: sorted(this.#faultsByKind),
    };
  }
}
