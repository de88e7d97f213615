// The generated world's shapes. Days are local calendar day numbers of the owning advertiser;
// `endDay` is the last day an object may deliver (Infinity while it runs).

import type { CurrencyInfo, ObjectiveInfo, ZoneInfo } from './catalog.ts';

export interface Advertiser {
  index: number;
  /** 19 digits, above 2^53: kept as text everywhere. */
  id: string;
  name: string;
  company: string;
  zone: ZoneInfo;
  currency: CurrencyInfo;
  /** First local day with delivery. */
  statsStartDay: number;
  createTimeSeconds: number;
  /** Hash key for everything derived from this advertiser. */
  key: number;
  /** Volume multiplier, so advertisers differ in size. */
  scale: number;
  status: string;
  balance: number;
  industry: string;
  language: string;
}

export type Lifecycle = 'active' | 'paused' | 'deleted';

interface EntityBase {
  index: number;
  /** 16 digits, kept as text. */
  id: string;
  name: string;
  advertiser: Advertiser;
  /** This object's own state (a parent's state shows in `deleted`/`endDay`). */
  own: Lifecycle;
  /** Deleted itself or through a parent: excluded from lists and reports unless asked for. */
  deleted: boolean;
  createSeconds: number;
  modifySeconds: number;
  createDay: number;
  endDay: number;
  secondaryStatus: string;
  operationStatus: 'ENABLE' | 'DISABLE' | 'DELETE';
  key: number;
}

export interface Campaign extends EntityBase {
  objective: ObjectiveInfo;
  smartPlus: boolean;
  budgetMode: string;
  budget: number;
}

export interface Adgroup extends EntityBase {
  campaign: Campaign;
  automaticPlacement: boolean;
  budget: number;
  scheduleEndSeconds: number | undefined;
}

export interface Ad extends EntityBase {
  campaign: Campaign;
  adgroup: Adgroup;
  /** Delivers every day from the advertiser's first day: guarantees a row per advertiser-day. */
  anchor: boolean;
  /** First local day it may deliver; Infinity for the ad that never delivers (entities.ts). */
  startDay: number;
  video: boolean;
  text: string;
  /** Rotation of the diurnal curve (0..2). */
  curve: number;
  baseImpressions: number;
  /** Click-through as a fraction of impressions. */
  ctr: number;
  /** Cost per thousand impressions in minor currency units. */
  cpmMinor: number;
  /** Conversions per click. */
  cvr: number;
  /** Installs per click (app promotion only). */
  installRate: number;
  /** Mean seconds watched per play, in tenths. */
  playTenths: number;
  /** Impressions per reached user. */
  frequency: number;
}

export interface AdvertiserTree {
  campaigns: readonly Campaign[];
  adgroups: readonly Adgroup[];
  ads: readonly Ad[];
  campaignById: ReadonlyMap<string, Campaign>;
  adgroupById: ReadonlyMap<string, Adgroup>;
  adById: ReadonlyMap<string, Ad>;
}
