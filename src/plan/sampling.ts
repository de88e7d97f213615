import { daysBetween } from '../streams/dates.ts';
import type { DateWindow } from '../streams/windows.ts';
import { type DensitySample, RowDensity } from './density.ts';

// Which windows of a range the plan probes. An account's rows per day drift in ways a few samples can miss (ads
// start in waves, a season peaks), and the requests follow the rows; so the probes start at the first, the middle
// and the last window and go on halving every gap whose middle the line through the probes so far did not predict.

/** How far a probed count may be from the line's prediction for the gap to count as known: relative, plus rows. */
const TOLERANCE = 0.03;
const TOLERANCE_ROWS = 50;
/** Probes per range at the most (an hourly year has 365 windows). */
export const MAX_PROBES = 24;

/** One probe's answer: the window's rows, or the narrower window that TikTok answered and its rows. */
export type Count = (window: DateWindow) => Promise<DensitySample>;

/**
 * The samples of a range of `windows` (the read's own): none for a single window (probing it would cost what
 * reading it costs); otherwise the ends and the middle, then the middle of every gap the samples so far mispredict.
 */
export async function sampleRange(origin: string, windows: readonly DateWindow[], count: Count): Promise<DensitySample[]> {
  if (windows.length <= 1) return [];
  const samples = new Map<number, DensitySample>();
  const probe = async (index: number) => {
    if (!samples.has(index)) samples.set(index, await count(windows[index]!));
  };
  const last = windows.length - 1;
  for (const index of [0, last, Math.floor(last / 2)]) await probe(index);
  const gaps: [number, number][] = [];
  const known = () => [...samples.keys()].sort((a, b) => a - b);
  const sorted = known();
  for (let i = 1; i < sorted.length; i++) gaps.push([sorted[i - 1]!, sorted[i]!]);
  while (gaps.length > 0 && samples.size < MAX_PROBES) {
    const [left, right] = gaps.shift()!;
    if (right - left < 2) continue;
    const middle = Math.floor((left + right) / 2);
    const window = windows[middle]!;
    const predicted = new RowDensity(origin, [samples.get(left)!, samples.get(right)!]).between(window.start, window.end);
    await probe(middle);
    const sample = samples.get(middle)!;
    const actual = (sample.rows * window.days) / (daysBetween(sample.start, sample.end) + 1);
    if (Math.abs(actual - predicted) > TOLERANCE * actual + TOLERANCE_ROWS) gaps.push([left, middle], [middle, right]);
  }
  return [...samples.values()];
}
