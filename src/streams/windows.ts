import { addDays, daysBetween, minDate } from './dates.ts';

export interface DateWindow {
  start: string;
  end: string;
  days: number;
}

/** Rows are assumed this much denser than measured, so a window sized to fill pages does not spill into one more. */
const DENSITY_MARGIN = 1.02;

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
    const days = this.chooseDays();
    const end = minDate(addDays(this.cursor, days - 1), this.end);
    return { start: this.cursor, end, days: daysBetween(this.cursor, end) + 1 };
  }

  /** A window of up to `days` days, whatever the page arithmetic says (report tasks have no pages). */
  nextOf(days: number): DateWindow {
    const end = minDate(addDays(this.cursor, days - 1), this.end);
    return { start: this.cursor, end, days: daysBetween(this.cursor, end) + 1 };
  }

  /** The window was read whole: move on and learn from it. */
  completed(window: DateWindow, totalRows: number): void {
    this.density = totalRows / window.days;
    this.cursor = addDays(window.end, 1);
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

  private chooseDays(): number {
    const cap = Math.min(this.maxDays, this.dayCeiling, this.remainingDays);
    if (this.density === undefined || this.density === 0) return cap;
    let best = 1;
    let bestFill = -1;
    for (let days = 1; days <= cap; days++) {
      const rows = this.density * days * DENSITY_MARGIN;
      if (rows >= this.rowCeiling && days > 1) break;
      const pages = Math.max(1, Math.ceil(rows / this.pageSize));
      const fill = rows / (pages * this.pageSize);
      if (fill >= bestFill - 1e-9) {
        best = days;
        bestFill = fill;
      }
    }
    return best;
  }
}
