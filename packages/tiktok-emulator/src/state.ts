import { AdvertiserAccessList } from './advertiser-access.ts';
import { AuthCodes } from './auth-codes.ts';
import { EmulatorClock } from './clock.ts';
import type { World } from './data/world.ts';
import { AdvertiserPathWindows } from './limits/advertiser-window.ts';
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
  /** TikTok's per-advertiser, per-path window (40133). */
  readonly advertiserWindows: AdvertiserPathWindows;
  readonly tokens: TokenRegistry;
  readonly reports = new ReportCache();
  readonly tasks: TaskStore;
  readonly authCodes: AuthCodes;
  readonly advertiserAccess = new AdvertiserAccessList();
  #requestCount = 0;

  constructor(world: World, clock: EmulatorClock) {
    this.world = world;
    this.clock = clock;
    const o = world.options;
    this.faults = new FaultInjector(o.seed, { rate: o.faultRate, kinds: o.faultKinds, paths: [], maxStreak: o.maxFaultStreak });
    if (o.initialFaults !== undefined) {
      const { kinds, paths, requests } = o.initialFaults;
      this.faults.setPlan({ rate: 1, kinds, paths: paths ?? [], maxStreak: 0, forRequests: requests });
    }
    // Without a tier, --qps keeps its older meaning: a token bucket per second and nothing else. A sandbox
    // app given a tier gets the sandbox's own limits.
    const tier = o.sandbox && o.tier !== undefined ? 'sandbox' : o.tier;
    const overrides = { qps: o.qps, qpm: o.qpm, qpd: o.qpd };
    this.limiter = new RateLimiter(limitProfile(tier, overrides, o.taskQps), o.suspensionMs, tier === undefined);
    this.advertiserWindows = new AdvertiserPathWindows(o.advertiserQps);
    this.tokens = new TokenRegistry(o.seed, o.appId, o.secret, o.accessToken);
    this.tasks = new TaskStore(o.seed, {
      latencyMs: o.taskLatencyMs,
      msPer1000Rows: o.taskMsPer1000Rows,
      concurrency: o.taskConcurrency,
      failureRate: o.taskFailureRate,
      stallRate: o.taskStallRate,
    });
    this.authCodes = new AuthCodes(o.seed, clock.now().getTime());
    for (const index of o.unreachableAdvertisers) this.advertiserAccess.set(world.advertisers[index]!.id, 'unreachable');
    for (const index of o.deletedAdvertisers) this.advertiserAccess.set(world.advertisers[index]!.id, 'deleted');
  }

  /** Sequence number of the API request being served (feeds deterministic request ids). */
  nextRequest(): number {
    return ++this.#requestCount;
  }
}
