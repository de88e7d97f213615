// Progress of a load, for people: a line every few seconds while it runs, and a table at the end.

import type { LoadProgress } from './load-progress.ts';

export interface ProgressClock {
  startedAt: number;
}

/** Prints one line per interval naming the streams that moved; returns the function that stops it. */
export function reportProgressEvery(
  progress: LoadProgress,
  intervalMs: number,
  write: (line: string) => void,
  clock: ProgressClock = { startedAt: performance.now() },
): () => void {
  const last = new Map<string, number>();
  let lastAt = clock.startedAt;
  const timer = setInterval(() => {
    const now = performance.now();
    const parts: string[] = [];
    let total = 0;
    for (const [name, counts] of progress.streams) {
      total += counts.received;
      const before = last.get(name) ?? 0;
      if (counts.received === before) continue;
      const rate = ((counts.received - before) * 1000) / Math.max(now - lastAt, 1);
      parts.push(`${name} ${formatCount(counts.received)} rows (${formatCount(Math.round(rate))}/s, ${formatCount(counts.committed)} committed)`);
      last.set(name, counts.received);
    }
    lastAt = now;
    const elapsed = formatSeconds(now - clock.startedAt);
    write(`[sync ${elapsed}] ${parts.length > 0 ? parts.join('; ') : `waiting for the source… (${formatCount(total)} rows so far)`}\n`);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A plain text table, columns padded, numbers right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => /^[\d,.\-]+( s)?$/.test(row[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
