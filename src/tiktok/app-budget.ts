import { GMV_MAX_REPORT_PATH, type LaneLimits, TASK_CREATE_PATH } from './limits.ts';
import { AdaptiveRateLimiter } from './rate-limiter.ts';
import { SuspensionWatch } from './suspension.ts';

/**
 * One set of windows with its suspension watch: the app's, report/task/create/'s own, gmv_max/report/get/'s own,
 * or (sandbox) one endpoint's.
 */
export interface Lane {
  name: 'app' | 'create' | 'gmv_max';
  limiter: AdaptiveRateLimiter;
  watch: SuspensionWatch;
  /** The rate before the current 40100 streak, restored if the streak turns out to be a suspension. */
  rateBeforeStreak: number | undefined;
  /** 40100 answers on this lane. */
  throttles: number;
}

export interface AppBudgetOptions {
  app: LaneLimits;
  create: LaneLimits;
  gmvMax: LaneLimits;
  /** The sandbox limits each endpoint on its own: one app lane per path. */
  perEndpoint: boolean;
  suspensionMs: number;
  notice: (line: string) => void;
}

/**
 * Every lane of one developer app. TikTok counts per app, so one AppBudget is shared by every client, stream and
 * advertiser of the process (see sharedAppBudget).
 */
export class AppBudget {
  readonly app: Lane;
  readonly create: Lane;
  readonly gmvMax: Lane;
  private readonly options: AppBudgetOptions;
  private readonly endpoints = new Map<string, Lane>();
  /** Advertisers' own pace on one path, once TikTok answered 40133 for them there. */
  private readonly advertiserPaths = new Map<string, AdaptiveRateLimiter>();

  constructor(options: AppBudgetOptions) {
    this.options = options;
    this.app = this.lane('app', options.app, "this app's API calls");
    this.create = this.lane('create', options.create, `this app's ${TASK_CREATE_PATH} calls`);
    this.gmvMax = this.lane('gmv_max', options.gmvMax, `this app's ${GMV_MAX_REPORT_PATH} calls`);
  }

  /** The lanes a call to `path` passes, widest first: the app's, then the endpoint's own (task creation, GMV Max report). */
  lanesFor(path: string): Lane[] {
    const normalised = path.replace(/^\/+/, '');
    const app = this.options.perEndpoint ? this.endpointLane(normalised) : this.app;
    if (normalised === TASK_CREATE_PATH) return [app, this.create];
    return normalised === GMV_MAX_REPORT_PATH ? [app, this.gmvMax] : [app];
  }

  /**
   * The pace of one advertiser's calls to one path, if TikTok ever refused them with 40133 (its own QPS on that
   * path, 20 by TikTok's message); undefined until then, so calls pay nothing for a limit they never meet.
   */
  advertiserPath(advertiserId: string, path: string): AdaptiveRateLimiter | undefined {
    return this.advertiserPaths.get(advertiserPathKey(advertiserId, path));
  }

  /** A 40133: the advertiser's calls to the path slow down (starting under the limit TikTok names), the app's do not. */
  slowAdvertiserPath(advertiserId: string, path: string, message: string): void {
    const key = advertiserPathKey(advertiserId, path);
    const limiter = this.advertiserPaths.get(key);
    if (limiter) {
      limiter.onThrottle();
      return;
    }
    this.advertiserPaths.set(key, new AdaptiveRateLimiter(advertiserPathLimit(message) * 0.9));
  }

  private endpointLane(path: string): Lane {
    let lane = this.endpoints.get(path);
    if (!lane) {
      lane = this.lane('app', this.options.app, `this app's ${path} calls`);
      this.endpoints.set(path, lane);
    }
    return lane;
  }

  private lane(name: Lane['name'], limits: LaneLimits, what: string): Lane {
    return {
      name,
      limiter: new AdaptiveRateLimiter(limits),
      watch: new SuspensionWatch({ waitMs: this.options.suspensionMs, what, notice: this.options.notice }),
      rateBeforeStreak: undefined,
      throttles: 0,
    };
  }
}

/** One advertiser's calls to one path, however the path was written. */
const advertiserPathKey = (advertiserId: string, path: string) => `${advertiserId}|${path.replace(/^\/+/, '')}`;

/** TikTok's per-advertiser, per-path QPS when its 40133 message does not name one. */
const ADVERTISER_PATH_QPS = 20;

/** "Advertiser (…)'s QPS (21) reaches QPS limit 20 for current path…": the 20. */
export function advertiserPathLimit(message: string): number {
  const named = Number(/QPS limit (\d+)/i.exec(message)?.[1]);
  return Number.isFinite(named) && named > 0 ? named : ADVERTISER_PATH_QPS;
}

const budgets = new Map<string, AppBudget>();

/** One budget per app (or token, where the app is unknown) and set of limits, shared by every client in the process. */
export function sharedAppBudget(key: string, options: AppBudgetOptions): AppBudget {
  const id = `${key}\u0000${JSON.stringify([options.app, options.create, options.gmvMax, options.perEndpoint, options.suspensionMs])}`;
  let budget = budgets.get(id);
  if (!budget) {
    budget = new AppBudget(options);
    budgets.set(id, budget);
  }
  return budget;
}
