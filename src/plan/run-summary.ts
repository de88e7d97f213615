import type { ConnectorError } from '../errors.ts';
import { formatCount } from '../load/progress.ts';
import { redact } from '../secrets.ts';
import type { ReadContext } from '../streams/context.ts';
import { describeWait } from '../tiktok/limits.ts';
import { appLimitsOf } from './make-plan.ts';
import type { Plan } from './plan.ts';

// The facts of one run as one JSON line (`--summary-json FILE`) for schedulers: rows per stream, requests by path
// and TikTok code, throttles, report tasks, the day's quota, the warehouse's bytes, and the plan against what
// happened. Every figure comes from the run's own counters (the client's, the read's, the sink's).

export interface StreamFigures {
  name: string;
  rows: number;
  /** ok, failed, not run (sync's outcomes), or complete / incomplete (read's). */
  status: string;
}

export interface PlannedVsActual {
  planned: { requests: number; seconds: number };
  actual: { requests: number; seconds: number };
  /** planned ÷ actual: 1 is a perfect plan. */
  ratio: { requests: number; seconds: number };
}

export interface RunSummary {
  command: 'sync' | 'read';
  /** planned: --plan (nothing read); succeeded / failed: a run. */
  status: 'planned' | 'succeeded' | 'failed';
  exit_code: number;
  seconds: number;
  streams: StreamFigures[];
  requests: { total: number; retries: number; by_path: Record<string, number>; by_code: Record<string, number> };
  throttles: { count: number; waited_ms: number; by_code: Record<string, number>; suspensions: number };
  report_tasks: { created: number; finished: number; failed: number; cancelled: number };
  /** This process's calls of the app's day (UTC) against its daily limit. */
  day_quota: { used: number; limit: number | null; share: number | null };
  warehouse?: { bytes_processed: number; bytes_billed: number };
  plan?: Plan;
  planned_vs_actual?: PlannedVsActual;
  error?: { failure_type: string; message: string };
}

export interface RunFacts {
  command: RunSummary['command'];
  status: RunSummary['status'];
  exitCode: number;
  seconds: number;
  streams: StreamFigures[];
  ctx: ReadContext;
  plan?: Plan | undefined;
  warehouse?: { bytesProcessed: number; bytesBilled: number } | undefined;
  error?: ConnectorError | undefined;
}

export function plannedVsActual(plan: Plan, requests: number, seconds: number): PlannedVsActual {
  const planned = { requests: plan.requests, seconds: plan.wallMs / 1000 };
  return {
    planned,
    actual: { requests, seconds },
    ratio: { requests: planned.requests / Math.max(requests, 1), seconds: planned.seconds / Math.max(seconds, 1e-3) },
  };
}

/** "Planned 1,050 requests in 2 minutes; made 1,012 (plan ÷ actual 1.04) in 2 minutes (1.02)." */
export function comparisonLine(comparison: PlannedVsActual): string {
  const { planned, actual, ratio } = comparison;
  return (
    `Planned ${formatCount(planned.requests)} requests in ${describeWait(planned.seconds * 1000)}; ` +
    `made ${formatCount(actual.requests)} (plan ÷ actual ${ratio.requests.toFixed(2)}) in ${describeWait(actual.seconds * 1000)} (${ratio.seconds.toFixed(2)}).`
  );
}

export function runSummary(facts: RunFacts): RunSummary {
  const stats = facts.ctx.client.stats;
  const day = facts.ctx.client.remainingBudget('sync');
  const limit = appLimitsOf(facts.ctx.config).app.perDay ?? null;
  const used = limit === null || day.day === undefined ? stats.requests : limit - day.day;
  const summary: RunSummary = {
    command: facts.command,
    status: facts.status,
    exit_code: facts.exitCode,
    seconds: round(facts.seconds),
    streams: facts.streams,
    requests: { total: stats.requests, retries: stats.retries, by_path: { ...stats.byPath }, by_code: { ...stats.byCode } },
    throttles: {
      count: stats.throttles,
      waited_ms: Math.round(stats.throttleWaitMs),
      by_code: Object.fromEntries(Object.entries(stats.throttlesByCode).map(([code, n]) => [String(code), n])),
      suspensions: stats.suspensions,
    },
    report_tasks: { ...facts.ctx.summary.tasks },
    day_quota: { used, limit, share: limit === null ? null : used / limit },
  };
  if (facts.warehouse) summary.warehouse = { bytes_processed: facts.warehouse.bytesProcessed, bytes_billed: facts.warehouse.bytesBilled };
  if (facts.plan) {
    summary.plan = facts.plan;
    if (facts.status !== 'planned') summary.planned_vs_actual = plannedVsActual(facts.plan, stats.requests, facts.seconds);
  }
  if (facts.error) summary.error = { failure_type: facts.error.failureType, message: facts.error.message };
  return summary;
}

/** The summary as its one line; secrets (in an error message, say) never leave in it. */
export function summaryLine(summary: RunSummary): string {
  return `${redact(JSON.stringify(summary))}\n`;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
