import { addDays, daysBetween } from '../streams/dates.ts';

/** What one probe told: a window's row count (TikTok's page_info.total_number). */
export interface DensitySample {
  start: string;
  end: string;
  rows: number;
}

/**
 * Rows per day across a range from a few sampled windows. An account's rows per day drift (ads start and stop,
 * delivery grows): a single mean would miss a year that grew from 100 to 1,000 ads by half, so the density is drawn
 * as a line through each sample's mean at its middle day, flat before the first and after the last; the days of a
 * sampled window keep its mean, so its count is the one TikTok gave. Samples at both ends and the middle catch a
 * steady drift, which is what backfills of real accounts mostly show.
 */
export class RowDensity {
  private readonly points: { day: number; first: number; last: number; rowsPerDay: number }[];
  private readonly origin: string;

  constructor(origin: string, samples: readonly DensitySample[]) {
    this.origin = origin;
    this.points = samples
      .map((s) => {
        const days = daysBetween(s.start, s.end) + 1;
        const first = daysBetween(origin, s.start);
        return { day: first + (days - 1) / 2, first, last: first + days - 1, rowsPerDay: s.rows / days };
      })
      .sort((a, b) => a.day - b.day);
  }

  /** Expected rows on one day; 0 with no sample. */
  on(day: string): number {
    const x = daysBetween(this.origin, day);
    const points = this.points;
    if (points.length === 0) return 0;
    const within = points.find((p) => x >= p.first && x <= p.last);
    if (within) return within.rowsPerDay;
    if (x <= points[0]!.day) return points[0]!.rowsPerDay;
    for (let i = 1; i < points.length; i++) {
      const right = points[i]!;
      if (x > right.day) continue;
      const left = points[i - 1]!;
      return left.rowsPerDay + ((right.rowsPerDay - left.rowsPerDay) * (x - left.day)) / (right.day - left.day);
    }
    return points[points.length - 1]!.rowsPerDay;
  }

  /** Expected rows of the days start..end, whole. */
  between(start: string, end: string): number {
    let rows = 0;
    for (let day = start; day <= end; day = addDays(day, 1)) rows += this.on(day);
    return Math.round(rows);
  }
}
