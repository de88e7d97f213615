import { addDays, daysBetween, minDate } from './dates.ts';

export interface DateWindow {
  start: string;
  end: string;
  days: number;
}

/** Consecutive windows of `spanDays` over start..end, from the first day (the last one may be shorter). */
export function tilingWindows(start: string, end: string, spanDays: number): DateWindow[] {
  const windows: DateWindow[] = [];
  for (let from = start; from <= end; from = addDays(from, spanDays)) {
    const last = minDate(addDays(from, spanDays - 1), end);
    windows.push({ start: from, end: last, days: daysBetween(from, last) + 1 });
  }
  return windows;
}


/** Points at which the expected page count of a candidate window is sampled across the prediction's error band. */
const SAMPLES = [-1, -0.5, 0, 0.5, 1];

/**
 * Cuts [start, end] into report windows that fill whole pages. It starts with the largest span TikTok allows,
 * learns the advertiser's rows per day from each window's `total_number`, then picks the span whose rows come
 * closest to a whole number of pages; on 40067 it halves the span and remembers the row count that was too many.
 */
export class WindowPlanner {
  private cursor: string;
  private readonly end: string;
  private readonly maxDays: number;
  private readonly pageSize: number;
  private density: number | undefined;
  /** How far (relative) the last predictions missed: a smoothed error, so noisy accounts get safer windows. */
  private error = 0.02;
  private predicted: number | undefined;
  /** The fewest rows known to be too many for one query (from 40067). */
  private rowCeiling = Number.POSITIVE_INFINITY;
  private dayCeiling: number;
  /** A span that drew 40067 before the density was known. */
  private failedDays: number | undefined;

  constructor(start: string, end: string, maxDays: number, pageSize = 1000) {
    this.cursor = start;
    this.end = end;
    this.maxDays = maxDays;
    this.dayCeiling = maxDays;
    this.pageSize = pageSize;
  }

  get done(): boolean {
    return this.cursor > this.end;
  }

  get rowsPerDay(): number | undefined {
    return this.density;
  }

  get remainingDays(): number {
    return this.done ? 0 : daysBetween(this.cursor, this.end) + 1;
  }

  next(): DateWindow {
    return this.nextIn(this.cursor, this.end);
  }

  /**
   * The window that starts at `start` and ends by `end`: the stretch this reader holds when another lane
   * (report tasks) reads the days after it.
   */
  nextIn(start: string, end: string): DateWindow {
    const days = this.chooseDays(daysBetween(start, end) + 1);
    const last = minDate(addDays(start, days - 1), end);
    const window = { start, end: last, days: daysBetween(start, last) + 1 };
    this.predicted = this.density === undefined ? undefined : this.density * window.days;
    return window;
  }

  /** The window was read whole: move on and learn from it. */
  completed(window: DateWindow, totalRows: number): void {
    this.learn(window, totalRows);
    this.cursor = addDays(window.end, 1);
  }

  /** Learn the density from a window read whole, wherever it lay. */
  learn(window: DateWindow, totalRows: number): void {
    if (this.predicted !== undefined && this.predicted > 0) {
      const miss = Math.abs(totalRows - this.predicted) / this.predicted;
      this.error = 0.7 * this.error + 0.3 * Math.min(miss, 1);
    }
    this.density = totalRows / window.days;
    if (this.failedDays !== undefined) {
      // Now the span that failed can be turned into a row count, and the span may grow again up to it.
      this.rowCeiling = Math.min(this.rowCeiling, Math.max(this.density, 1) * this.failedDays);
      this.failedDays = undefined;
      this.dayCeiling = this.maxDays;
    }
  }

  /** TikTok answered 40067 for this window. Returns false when it cannot be split further. */
  tooLarge(window: DateWindow): boolean {
    if (window.days <= 1) return false;
    if (this.density !== undefined && this.density > 0) {
      this.rowCeiling = Math.min(this.rowCeiling, this.density * window.days);
    } else {
      this.failedDays = Math.min(this.failedDays ?? window.days, window.days);
      this.dayCeiling = Math.max(1, Math.floor(window.days / 2));
    }
    return true;
  }

  /**
   * The span with the fewest expected requests per row: rows are predicted from the density, and the page
   * count is averaged over the prediction's error band, so a window aimed just under a page boundary only wins
   * when predictions have been accurate. Ties go to the longer span (fewer windows, fewer partial pages).
   */
  private chooseDays(available: number): number {
    const cap = Math.min(this.maxDays, this.dayCeiling, available);
    if (this.density === undefined || this.density === 0) return cap;
    let best = cap;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let days = cap; days >= 1; days--) {
      const rows = this.density * days;
      if (rows * (1 + this.error) >= this.rowCeiling && days > 1) continue;
      let pages = 0;
      for (const s of SAMPLES) pages += Math.max(1, Math.ceil((rows * (1 + s * this.error)) / this.pageSize));
      const cost = pages / SAMPLES.length / Math.max(rows, 1);
      if (cost < bestCost - 1e-12) {
        best = days;
        bestCost = cost;
      }
    }
    return best;
  }
}
