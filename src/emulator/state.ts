import { EmulatorClock } from './clock.ts';
import type { World } from './data/world.ts';
import { FaultInjector } from './limits/faults.ts';
import { RateLimiter } from './limits/rate-limiter.ts';
import { limitProfile } from './limits/tiers.ts';
import { ReportCache } from './report/materialize.ts';
import { TaskStore } from './report/tasks.ts';
import { StatsCounter } from './stats.ts';
import { TokenRegistry } from './tokens.ts';

/** Everything the emulator remembers between requests. */
export class EmulatorState {
  readonly world: World;
  readonly clock: EmulatorClock;
  readonly stats = new StatsCounter();
  readonly faults: FaultInjector;
  readonly limiter: RateLimiter;
  readonly tokens: TokenRegistry;
  readonly reports = new ReportCache();
  readonly tasks: TaskStore;
  readonly usedAuthCodes = new Set<string>();
  #requestCount = 0;

  constructor(world: World, clock: EmulatorClock) {
    this.world = world;
    this.clock = clock;
    const o = world.options;
    this.faults = new FaultInjector(o.seed, { rate: o.faultRate, kinds: o.faultKinds, paths: [], maxStreak: o.maxFaultStreak });
    // Without a tier, --qps keeps its older meaning: a token bucket per second and nothing else. A sandbox
    // app given a tier gets the sandbox's own limits.
    const tier = o.sandbox && o.tier !== undefined ? 'sandbox' : o.tier;
    const overrides = { qps: o.qps, qpm: o.qpm, qpd: o.qpd };
    this.limiter = new RateLimiter(limitProfile(tier, overrides, o.taskQps), o.suspensionMs, tier === undefined);
    this.tokens = new TokenRegistry(o.seed, o.appId, o.secret, o.accessToken);
    this.tasks = new TaskStore(o.seed, {
      latencyMs: o.taskLatencyMs,
      msPer1000Rows: o.taskMsPer1000Rows,
      concurrency: o.taskConcurrency,
      failureRate: o.taskFailureRate,
      stallRate: o.taskStallRate,
    });
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
