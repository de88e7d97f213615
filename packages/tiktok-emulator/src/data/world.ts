import type { ResolvedOptions } from '../types.ts';
import { generateAdvertisers } from './advertisers.ts';
import { localClock, type LocalClock } from './calendar.ts';
import { generateTree } from './entities.ts';
import type { Advertiser, AdvertiserTree } from './model.ts';

/** The generated accounts and the emulator's clock. Entity trees are built on first use and kept. */
export class World {
  readonly options: ResolvedOptions;
  readonly advertisers: readonly Advertiser[];
  readonly advertiserById: ReadonlyMap<string, Advertiser>;
  /** The instant the timeline was laid out against: create/modify/delete times all precede it. */
  readonly anchor: Date;
  readonly #trees = new Map<number, AdvertiserTree>();
  readonly #now: () => Date;

  /** `now` reads the emulator's clock, which tests can move (see clock.ts). */
  constructor(options: ResolvedOptions, now: () => Date = () => options.fixedNow ?? new Date()) {
    this.options = options;
    this.#now = now;
    this.anchor = options.fixedNow ?? new Date();
    this.advertisers = generateAdvertisers(options.seed, options.advertisers, options.historyDays, this.anchor);
    this.advertiserById = new Map(this.advertisers.map((a) => [a.id, a]));
  }

  /** The emulator's clock at this call. */
  now(): Date {
    return this.#now();
  }

  /** The advertiser's local day and hour at `instant`. */
  clock(advertiser: Advertiser, instant: Date): LocalClock {
    return localClock(instant, advertiser.zone.timezone);
  }

  tree(advertiser: Advertiser): AdvertiserTree {
    let tree = this.#trees.get(advertiser.index);
    if (!tree) {
      // One advertiser may be shaped on its own (option advertiserShapes), e.g. past the 20,000-ad report cap.
      const shape = this.options.advertiserShapes.get(advertiser.index) ?? this.options;
      tree = generateTree(advertiser, {
        campaigns: shape.campaignsPerAdvertiser,
        adgroupsPerCampaign: shape.adgroupsPerCampaign,
        adsPerAdgroup: shape.adsPerAdgroup,
        anchorDay: localClock(this.anchor, advertiser.zone.timezone).day,
        anchorSeconds: Math.floor(this.anchor.getTime() / 1000),
      });
      this.#trees.set(advertiser.index, tree);
    }
    return tree;
  }
}
