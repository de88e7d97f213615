// P7: how close `--plan` comes to the run it plans, on P1's one-year daily backfill (5 advertisers, ~1 M rows)
// at TikTok's Basic tier, in one run: `read --summary-json` makes its plan first (probes and all, as `--plan`
// does), then reads; the summary holds both, and the actual figures are the client's own counters and clock.
import { readFileSync } from 'node:fs';
import type { RunSummary } from '../../src/plan/run-summary.ts';
import { addDays } from '../../src/streams/dates.ts';
import type { Figure } from './source.ts';
import { type EmulatorProcess, catalogOf, configOf, runRead, writeText } from './support.ts';

const DAYS = 365;
/** The Basic tier's calls a second: the pace a plan's wall time is about. */
const BASIC_QPS = 10;

export async function planAccuracy(emulator: EmulatorProcess, today: string): Promise<Figure[]> {
  await emulator.resetStats();
  const summaryPath = writeText('p7-summary.json', '');
  await runRead(
    configOf(emulator.url, { start_date: addDays(today, -(DAYS - 1)), end_date: today, async_reports: 'off', api_tier: 'basic', requests_per_second: BASIC_QPS, max_concurrency: 8 }),
    catalogOf(['ads_reports_daily']),
    'p7',
    { args: ['--summary-json', summaryPath] },
  );
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as RunSummary;
  const emulated = (await emulator.stats()).requests;
  const comparison = summary.planned_vs_actual;
  if (!comparison || !summary.plan) throw new Error('the read wrote no plan in its summary');
  const { planned, actual, ratio } = comparison;
  const detail = `planned ${planned.requests} requests in ${planned.seconds.toFixed(1)} s (${summary.plan.planning.probes} probes); made ${actual.requests} (emulator: ${emulated}) in ${actual.seconds.toFixed(1)} s at ${BASIC_QPS} requests/s`;
  return [
    { name: 'P7 planned requests / actual (1-year backfill, Basic tier)', value: ratio.requests, goal: '0.95 – 1.05', pass: Math.abs(ratio.requests - 1) <= 0.05, detail },
    { name: 'P7 planned wall time / actual (1-year backfill, Basic tier)', value: ratio.seconds, goal: '0.8 – 1.2', pass: Math.abs(ratio.seconds - 1) <= 0.2, detail },
  ];
}
