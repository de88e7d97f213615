// BigQuery's per-table quota on load jobs (1,500 a day, failed jobs included, keyed on the table's name so a
// dropped and re-created table keeps its count). Counted here so a sink that spends one load per small batch
// finds out locally, not in production; the count is also what /_admin/stats reports.

import { BigQueryError } from './errors.ts';

export const LOAD_JOBS_PER_TABLE_PER_DAY = 1_500;

export class LoadQuota {
  private readonly limit: number;
  private readonly counts = new Map<string, number>();
  private day = '';

  constructor(limit: number = LOAD_JOBS_PER_TABLE_PER_DAY) {
    this.limit = limit;
  }

  /** Counts a load job into `table` (p:d.t); the one past the day's limit fails with quotaExceeded. */
  take(table: string, now = new Date()): void {
    // BigQuery's window is rolling; a UTC day is close enough for tests and keeps the count explainable.
    const day = now.toISOString().slice(0, 10);
    if (day !== this.day) {
      this.counts.clear();
      this.day = day;
    }
    const count = (this.counts.get(table) ?? 0) + 1;
    this.counts.set(table, count);
    if (count > this.limit) {
      throw new BigQueryError(
        'quotaExceeded',
        `Quota exceeded: Your table exceeded quota for imports or query appends per table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas`,
      );
    }
  }

  /** Load jobs per table today. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
