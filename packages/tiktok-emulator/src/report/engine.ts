// Builds report rows from the ad-day source: picks the ads a query covers, sums them per object of the
// data level, per time slot and per audience bucket, and yields rows in TikTok's stable order (id, then
// time, then bucket). Rows are produced lazily so a million-row task streams without being held.
//
// Rows without delivery: with only the id dimension (no time dimension, no breakdown) every object of the
// level under the filters gets a row, all metrics zero when it delivered nothing; with more dimensions empty
// rows are left out (tiktok-api.md, "Corrections": Zero delivery).

import { addAll, addSlice, delivers, FIELD_COUNT, fullDay, HOUR_CURVES, V } from '../data/delivery.ts';
import { hash32, hashString } from '../data/hash.ts';
import type { Ad, Advertiser } from '../data/model.ts';
import type { World } from '../data/world.ts';
import { assetGroupIdOf } from '../data/smart-plus.ts';
import { adScope, type AdScope } from './ad-cap.ts';
import { catalogIdOf, isCatalogAd, playableOf, productIdsOf, showsProduct } from './creatives.ts';
import { BREAKDOWNS } from './levels.ts';
import type { ReportEntity } from './metrics.ts';
import type { ReportQuery, StatusFilter } from './query.ts';

export interface ReportRow {
  entity: ReportEntity;
  /** Local day of the row (the first day of the window when there is no time dimension). */
  day: number;
  hour: number;
  /** Audience bucket values, one per breakdown dimension in query order. */
  bucket: readonly string[];
  /** The row's summed base quantities are values[offset .. offset + FIELD_COUNT). */
  values: Float64Array;
  offset: number;
}

interface Group {
  entity: ReportEntity;
  ads: Ad[];
}

const passes = (filter: StatusFilter, deleted: boolean) => filter === 'ALL' || (filter === 'DELETE') === deleted;

/**
 * The objects of the query's level that have at least one ad in scope (the ads within its id filters, capped
 * for synchronous reports: ad-cap.ts), in id order, with those ads. The advertiser itself is always an object
 * of an id-only advertiser-level query.
 */
function groups(scope: readonly Ad[], q: ReportQuery, seed: number, idOnly: boolean, nullSmartPlusIds: boolean): Group[] {
  const included = scope.filter((ad) =>
    passes(q.campaignStatus, ad.campaign.deleted) && passes(q.adgroupStatus, ad.adgroup.deleted) && passes(q.adStatus, ad.deleted)
    // CATALOG reports count only the ads that show catalog products.
    && (q.reportType !== 'CATALOG' || isCatalogAd(seed, ad)));
  const advertiser = q.advertiser;
  // A report of breakdowns only sums every object of the level in one group (its rows name no object).
  if (!q.byObject) return included.length === 0 ? [] : [{ entity: { level: 'ADVERTISER', advertiser }, ads: included }];
  if (q.level === 'ADVERTISER') return included.length === 0 && !idOnly ? [] : [{ entity: { level: 'ADVERTISER', advertiser }, ads: included }];
  if (q.level === 'PLAYABLE') return playableGroups(included, advertiser, seed);
  const result: Group[] = [];
  let current: Group | undefined;
  let currentKey = '';
  // Ads are in id order and grouped under their ad group and campaign, so each object's ads are contiguous (an
  // Upgraded Smart+ ad's creatives too: they are its ad group's ads).
  for (const ad of included) {
    const adIdV2 = ad.campaign.smartPlus ? assetGroupIdOf(ad.adgroup) : ad.id;
    const key = q.level === 'CAMPAIGN' ? ad.campaign.id : q.level === 'ADGROUP' ? ad.adgroup.id : q.assetGroups ? adIdV2 : ad.id;
    if (current === undefined || key !== currentKey) {
      const entity: ReportEntity = q.level === 'CAMPAIGN'
        ? { level: 'CAMPAIGN', advertiser, campaign: ad.campaign }
        : q.level === 'ADGROUP'
          ? { level: 'ADGROUP', advertiser, campaign: ad.campaign, adgroup: ad.adgroup }
          : { level: 'AD', advertiser, campaign: ad.campaign, adgroup: ad.adgroup, ad, adIdV2, adId: nullSmartPlusIds && ad.campaign.smartPlus ? null : ad.id };
      current = { entity, ads: [] };
      currentKey = key;
      result.push(current);
    }
    current.ads.push(ad);
  }
  return result;
}

/** One group per playable (the ads that carry it), in playable id order. */
function playableGroups(ads: readonly Ad[], advertiser: Advertiser, seed: number): Group[] {
  const byPlayable = new Map<string, Ad[]>();
  for (const ad of ads) {
    const playableId = playableOf(seed, ad);
    if (playableId === undefined) continue;
    const list = byPlayable.get(playableId) ?? [];
    list.push(ad);
    byPlayable.set(playableId, list);
  }
  return [...byPlayable.keys()].sort().map((playableId) => ({ entity: { level: 'PLAYABLE', advertiser, playableId }, ads: byPlayable.get(playableId)! }));
}

interface BucketPlan {
  /** Bucket labels (cross product of the breakdown values). */
  labels: string[][];
  /** Cumulative weights per ad, computed on demand. */
  weights(ad: Ad): Int32Array;
}

/** The values of a breakdown: fixed lists, or the advertiser's own catalog and products. */
function breakdownValues(seed: number, advertiser: Advertiser, name: string): readonly string[] {
  if (name === 'catalog_id') return [catalogIdOf(seed, advertiser)];
  if (name === 'product_id') return productIdsOf(seed, advertiser);
  return BREAKDOWNS[name] ?? [];
}

/**
 * Integer bucket weights per ad. A value's share depends only on (seed, ad, breakdown name, value), so the
 * country split of an ad-day is the same in BASIC-by-country and AUDIENCE-by-country reports.
 */
function bucketPlan(seed: number, advertiser: Advertiser, breakdowns: readonly string[]): BucketPlan | undefined {
  if (breakdowns.length === 0) return undefined;
  const values = breakdowns.map((name) => breakdownValues(seed, advertiser, name));
  const nameKeys = breakdowns.map((name) => hashString(name));
  let labels: string[][] = [[]];
  for (const list of values) labels = labels.flatMap((prefix) => list.map((v) => [...prefix, v]));
  const cache = new Map<number, Int32Array>();
  const weightOf = (ad: Ad, dimension: number, label: string): number => {
    const position = values[dimension]!.indexOf(label);
    if (breakdowns[dimension] === 'product_id') return showsProduct(seed, ad, position) ? 4 + (hash32(seed, ad.key, nameKeys[dimension]!, position) % 20) : 0;
    return label === 'NONE' ? 1 : 4 + (hash32(seed, ad.key, nameKeys[dimension]!, position) % 20);
  };
  return {
    labels,
    weights(ad) {
      let cumulative = cache.get(ad.index);
      if (cumulative === undefined) {
        cumulative = new Int32Array(labels.length + 1);
        for (let b = 0; b < labels.length; b++) {
          // The bucket weight is the product of each dimension value's share (integers, exact).
          let weight = 1;
          for (let i = 0; i < breakdowns.length; i++) weight *= weightOf(ad, i, labels[b]![i]!);
          cumulative[b + 1] = cumulative[b]! + weight;
        }
        cache.set(ad.index, cumulative);
      }
      return cumulative;
    },
  };
}

export interface RowScope {
  /** The advertiser's local today and current hour at the emulator's now. */
  today: number;
  hour: number;
  /** First and last local day covered. */
  firstDay: number;
  lastDay: number;
}

export function rowScope(world: World, q: ReportQuery, now: Date): RowScope {
  const clock = world.clock(q.advertiser, now);
  const firstDay = q.lifetime ? q.advertiser.statsStartDay : q.startDay;
  const lastDay = Math.min(q.lifetime ? clock.day : q.endDay, clock.day);
  return { today: clock.day, hour: clock.hour, firstDay, lastDay };
}

/** The ads a query covers (id filters, and the 20,000-ad cap of synchronous reports). */
export function queryAds(world: World, q: ReportQuery): AdScope {
  return adScope(world.tree(q.advertiser), q);
}

/**
 * Yields the query's rows in order; a row's `values` buffer is reused once the next object starts. `ads` is
 * the query's ad scope when the caller already has it (it needs to know whether the cap applied).
 */
export function* reportRows(world: World, q: ReportQuery, now: Date, ads: AdScope = queryAds(world, q)): Generator<ReportRow> {
  const seed = world.options.seed;
  const scope = rowScope(world, q, now);
  const { firstDay, today, hour: currentHour } = scope;
  // A window wholly after today covers no day; id-only queries still answer each object with zeros.
  const lastDay = Math.max(scope.lastDay, firstDay - 1);
  const idOnly = q.time === 'NONE' && q.breakdowns.length === 0;
  if (lastDay < firstDay && !idOnly) return;
  const plan = bucketPlan(seed, q.advertiser, q.breakdowns);
  const bucketCount = plan?.labels.length ?? 1;
  // Synchronous hourly queries span one day; report tasks may span many, so hours are slotted per day.
  const days = lastDay - firstDay + 1;
  const slotCount = q.time === 'DAY' ? days : q.time === 'HOUR' ? days * 24 : 1;
  const stride = bucketCount * FIELD_COUNT;
  const accumulator = new Float64Array(slotCount * stride);
  const full = new Float64Array(FIELD_COUNT);
  const part = new Float64Array(FIELD_COUNT);

  for (const group of groups(ads.ads, q, seed, idOnly, world.options.smartPlusNullAdIds)) {
    accumulator.fill(0);
    let any = false;
    for (const ad of group.ads) {
      const from = Math.max(firstDay, ad.startDay);
      const to = Math.min(lastDay, ad.endDay);
      const curve = HOUR_CURVES[ad.curve]!;
      const weights = plan?.weights(ad);
      for (let day = from; day <= to; day++) {
        if (!delivers(seed, ad, day)) continue;
        any = true;
        fullDay(seed, ad, day, today - day, full);
        const hours = day === today ? currentHour + 1 : 24;
        if (q.time === 'HOUR') {
          const dayBase = (day - firstDay) * 24;
          for (let h = 0; h < hours; h++) {
            const at = (dayBase + h) * stride;
            if (weights === undefined) {
              addSlice(full, curve, h, h + 1, accumulator, at);
            } else {
              part.fill(0);
              addSlice(full, curve, h, h + 1, part, 0);
              splitBuckets(part, weights, accumulator, at);
            }
          }
          continue;
        }
        const slot = q.time === 'DAY' ? day - firstDay : 0;
        let source = full;
        if (hours < 24) {
          part.fill(0);
          addSlice(full, curve, 0, hours, part, 0);
          source = part;
        }
        if (weights === undefined) addAll(source, accumulator, slot * stride);
        else splitBuckets(source, weights, accumulator, slot * stride);
      }
    }
    if (!any && !idOnly) continue;
    for (let slot = 0; slot < slotCount; slot++) {
      for (let b = 0; b < bucketCount; b++) {
        const offset = slot * stride + b * FIELD_COUNT;
        if (!idOnly && !hasData(accumulator, offset)) continue;
        yield {
          entity: group.entity,
          day: q.time === 'DAY' ? firstDay + slot : q.time === 'HOUR' ? firstDay + Math.floor(slot / 24) : firstDay,
          hour: q.time === 'HOUR' ? slot % 24 : 0,
          bucket: plan?.labels[b] ?? [],
          values: accumulator,
          offset,
        };
      }
    }
  }
}

function splitBuckets(source: Float64Array, cumulative: Int32Array, into: Float64Array, offset: number): void {
  for (let b = 0; b + 1 < cumulative.length; b++) addSlice(source, cumulative, b, b + 1, into, offset + b * FIELD_COUNT);
}

/** TikTok leaves out rows without delivery (when there is more than the id dimension). */
function hasData(values: Float64Array, offset: number): boolean {
  if (values[offset + V.impressions]! > 0 || values[offset + V.spend]! > 0) return true;
  for (let i = 0; i < FIELD_COUNT; i++) if (values[offset + i]! > 0) return true;
  return false;
}
