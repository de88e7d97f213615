import { writeFileSync } from 'node:fs';
import { configError } from '../errors.ts';
import { type RunSummary, summaryLine } from '../plan/run-summary.ts';

/** `--summary-json FILE`: the run's summary as one JSON line, the file replaced (a scheduler reads the last run's). */
export function writeSummaryFile(path: string, summary: RunSummary): void {
  try {
    writeFileSync(path, summaryLine(summary));
  } catch (error) {
    throw configError(`Cannot write --summary-json ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}
