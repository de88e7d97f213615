import type { World } from './data/world.ts';
import { FaultInjector } from './limits/faults.ts';
import { TokenBucket } from './limits/token-bucket.ts';
import { ReportCache } from './report/materialize.ts';
import { TaskStore } from './report/tasks.ts';
import { StatsCounter } from './stats.ts';

/** Everything the emulator remembers between requests. */
export class EmulatorState {
  readonly world: World;
  readonly stats = new StatsCounter();
  readonly faults: FaultInjector;
  readonly reports = new ReportCache();
  readonly tasks: TaskStore;
  readonly usedAuthCodes = new Set<string>();
  readonly #buckets = new Map<string, TokenBucket>();
  #requestCount = 0;

  constructor(world: World) {
    this.world = world;
    this.faults = new FaultInjector(world.options.seed, world.options.faultRate);
    this.tasks = new TaskStore(world.options.seed);
  }

  /** The per-app bucket of an endpoint family (ordinary calls or report tasks). */
  bucket(appId: string, family: 'normal' | 'task'): TokenBucket {
    const key = `${family}|${appId}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      const { qps, taskQps } = this.world.options;
      bucket = new TokenBucket(family === 'task' ? taskQps : qps);
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Sequence number of the API request being served (feeds deterministic request ids). */
  nextRequest(): number {
    return ++this.#requestCount;
  }

  /** The 20 auth codes that can be exchanged for the token, each once. */
  authCodes(): string[] {
    return Array.from({ length: 20 }, (_, i) => `auth-code-${this.world.options.seed}-${i + 1}`);
  }
}
