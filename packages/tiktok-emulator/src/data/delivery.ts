// The one source of report numbers: integer counts per ad and local day, split into hours by a fixed integer
// rule. Every other figure (campaign, ad group, advertiser, lifetime, hours, audience buckets) is a sum of
// these, so TikTok's own consistency holds by construction: an advertiser-day equals the sum of its ads and
// of its 24 hours, lifetime equals the sum of its days.

import { hash32, mulberry32 } from './hash.ts';
import type { Ad } from './model.ts';

/** Positions of the summable base quantities in a value vector. */
export const V = {
  impressions: 0,
  clicks: 1,
  /** Minor currency units (cents; whole yen/won). */
  spend: 2,
  reach: 3,
  /** Attributed conversions: still growing for three days after the day (attribution). */
  conversion: 4,
  realTimeConversion: 5,
  result: 6,
  realTimeResult: 7,
  videoPlay: 8,
  watched2s: 9,
  watched6s: 10,
  p25: 11,
  p50: 12,
  p75: 13,
  p100: 14,
  /** Total seconds watched, in tenths. */
  playTenths: 15,
  playUsers: 16,
  profileVisits: 17,
  likes: 18,
  comments: 19,
  shares: 20,
  follows: 21,
  musicClicks: 22,
  appInstall: 23,
  realTimeAppInstall: 24,
  /** Part of spend paid by vouchers (minor units); cash = spend − voucher. */
  voucher: 25,
} as const;

export const FIELD_COUNT = 26;

/** Delivering ads show at least this many impressions a day, so every one of their hours has one. */
const MIN_IMPRESSIONS = 100;

// Diurnal weights (local hours 0..23): quiet nights, evening peak.
const DIURNAL = [20, 17, 17, 17, 17, 20, 28, 36, 42, 45, 46, 47, 48, 47, 46, 47, 50, 55, 60, 64, 66, 60, 45, 33];

/** Cumulative hour weights for each rotation of the curve; the last entry is the total. */
export const HOUR_CURVES: readonly Int32Array[] = [0, 1, 2].map((shift) => {
  const cumulative = new Int32Array(25);
  for (let hour = 0; hour < 24; hour++) cumulative[hour + 1] = cumulative[hour]! + DIURNAL[(hour + 24 - shift) % 24]!;
  return cumulative;
});

// 1970-01-01 was a Thursday; index by day number % 7.
const WEEKDAY = [1.0, 1.05, 0.85, 0.8, 0.95, 1.0, 1.02];
const MATURITY = [0.55, 0.8, 0.95];

/** Whether the ad delivers on `day` (inside its run, and not one of its idle days). */
export function delivers(seed: number, ad: Ad, day: number): boolean {
  if (day < ad.startDay || day > ad.endDay) return false;
  if (ad.anchor) return true;
  return hash32(seed, ad.key, day, 0xde1) % 100 < 82;
}

/**
 * The full-day counts of one ad on one local day, written into `out` (length FIELD_COUNT). `age` is how many
 * days the day lies before the advertiser's today: attributed conversions and installs are not final yet
 * for the last three days.
 */
export function fullDay(seed: number, ad: Ad, day: number, age: number, out: Float64Array): void {
  const draw = mulberry32(hash32(seed, ad.key, day));
  const trend = 1 + 0.25 * Math.sin(day / 23 + (ad.key % 628) / 100);
  const impressions = Math.max(
    MIN_IMPRESSIONS + Math.floor(draw() * 50),
    Math.floor(ad.baseImpressions * WEEKDAY[((day % 7) + 7) % 7]! * trend * (0.6 + 0.8 * draw())),
  );
  const clicks = Math.floor(impressions * ad.ctr * (0.7 + 0.6 * draw()));
  const spend = Math.max(1, Math.round((impressions * ad.cpmMinor / 1000) * (0.85 + 0.3 * draw())));
  const reach = Math.max(1, Math.floor(impressions / (ad.frequency * (0.95 + 0.1 * draw()))));
  const realTimeConversion = Math.floor(clicks * ad.cvr * (0.5 + draw()));
  const realTimeInstall = Math.floor(clicks * ad.installRate * (0.7 + 0.6 * draw()));
  const maturity = age >= MATURITY.length ? 1 : MATURITY[Math.max(0, age)]!;
  const conversion = Math.floor(realTimeConversion * maturity);
  const install = Math.floor(realTimeInstall * maturity);
  const plays = ad.video ? Math.floor(impressions * (0.6 + 0.3 * draw())) : 0;
  const watched2s = Math.floor(plays * (0.12 + 0.1 * draw()));
  const p25 = Math.floor(plays * (0.08 + 0.06 * draw()));
  const engagement = draw();

  out[V.impressions] = impressions;
  out[V.clicks] = clicks;
  out[V.spend] = spend;
  out[V.reach] = reach;
  out[V.conversion] = conversion;
  out[V.realTimeConversion] = realTimeConversion;
  out[V.videoPlay] = plays;
  out[V.watched2s] = watched2s;
  out[V.watched6s] = Math.floor(watched2s * 0.35);
  out[V.p25] = p25;
  out[V.p50] = Math.floor(p25 * 0.45);
  out[V.p75] = Math.floor(p25 * 0.3);
  out[V.p100] = Math.floor(p25 * 0.2);
  out[V.playTenths] = plays * ad.playTenths;
  out[V.playUsers] = Math.floor(plays / (1.05 + 0.2 * engagement));
  out[V.profileVisits] = Math.floor(impressions * 0.002 * (0.5 + engagement));
  out[V.likes] = Math.floor(impressions * 0.006 * engagement);
  out[V.comments] = Math.floor(impressions * 0.0005 * engagement);
  out[V.shares] = Math.floor(impressions * 0.0004 * engagement);
  out[V.follows] = Math.floor(impressions * 0.0003 * engagement);
  out[V.musicClicks] = ad.video ? Math.floor(impressions * 0.0002 * engagement) : 0;
  out[V.appInstall] = install;
  out[V.realTimeAppInstall] = realTimeInstall;
  // Some ad-days are paid entirely by a voucher: splitting spend and voucher by the same rule keeps
  // voucher ≤ spend in every hour.
  out[V.voucher] = hash32(seed, ad.key, day, 0x70c) % 100 < 6 ? spend : 0;

  switch (ad.campaign.objective.result) {
    case 'clicks': out[V.result] = clicks; out[V.realTimeResult] = clicks; break;
    case 'conversion': out[V.result] = conversion; out[V.realTimeResult] = realTimeConversion; break;
    case 'install': out[V.result] = install; out[V.realTimeResult] = realTimeInstall; break;
    case 'reach': out[V.result] = reach; out[V.realTimeResult] = reach; break;
    case 'views': out[V.result] = out[V.watched6s]!; out[V.realTimeResult] = out[V.watched6s]!; break;
  }
}

/**
 * Adds the share of `full` that falls in slots [from, to) of a cumulative weight table into `into` at
 * `offset`. floor(v·cum[to]/W) − floor(v·cum[from]/W) telescopes: the slots of a value add up to it exactly.
 */
export function addSlice(full: Float64Array, cumulative: Int32Array, from: number, to: number, into: Float64Array, offset: number): void {
  const total = cumulative[cumulative.length - 1]!;
  const upper = cumulative[to]!;
  const lower = cumulative[from]!;
  for (let i = 0; i < FIELD_COUNT; i++) {
    const value = full[i]!;
    if (value === 0) continue;
    into[offset + i] = into[offset + i]! + (Math.floor((value * upper) / total) - Math.floor((value * lower) / total));
  }
}

/** Adds a whole vector into `into` at `offset`. */
export function addAll(full: Float64Array, into: Float64Array, offset: number): void {
  for (let i = 0; i < FIELD_COUNT; i++) into[offset + i] = into[offset + i]! + full[i]!;
}
